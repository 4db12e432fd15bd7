"""``mapping draft``: a first mapping for an export nobody has written one for.

``draft_mapping(path)`` looks at the file (``sniff``), measures every column's values
(``shapes``), matches columns to canonical fields from French and English vendor words
*and* value shapes (``vocabulary``: an e-mail column is one whose values are e-mails,
whatever its name), decides the settings (``draft_settings``) and renders a commented YAML
mapping (``draft_yaml``). The ``Draft`` keeps every decision with its evidence and the list of
what it could not decide, so the member knows exactly what to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.i18n import _, current_language, gettext_in
from culturecoop.i18n import share as share_text
from culturecoop.ingest import draft_settings as decide
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.columns import PERSON_ATTRIBUTES
from culturecoop.ingest.draft_consent import draft_consent_export
from culturecoop.ingest.draft_yaml import flow
from culturecoop.ingest.profile import CANONICAL_FIELDS
from culturecoop.ingest.shapes import (
    Column,
    is_date_only,
    is_time_only,
    profile_columns,
    read_amount,
)
from culturecoop.ingest.sniff import Evidence, Sample, sniff
from culturecoop.ingest.words import field_named, setting_named
from culturecoop.schema.model import CHANNELS, TICKET_STATUSES

_ID_FIELDS = ("ticket_id", "order_id", "patron_id", "event_id")
# Words of a price header that say it is what was paid, not a list price.
_PAID_WORDS = frozenset({"paid", "paye", "payee", "real", "reel", "actual", "final"})
# Words that say an amount is one admission's ("Prix unit.", "Prix unitaire TTC", "Price each").
_UNIT_WORDS = frozenset({"unit", "unitaire", "unite", "each", "pu", "einzel"})
# An order number written with a number sign ("#1086", Shopify's "Name"): an order, whatever the
# column's header says.
_HASH_NUMBER = re.compile(r"#\d{3,}")
PERSON_FIELDS = ("email", "first_name", "last_name", "full_name", "phone", "postal_code", "birth_date")
# Person fields read from the first non-empty of several columns (attendee first, then buyer).
FALLBACK_FIELDS = ("email", "first_name", "last_name")
_ROLE_ORDER = {"attendee": 0, "": 1, "buyer": 2}
# An address's state or province written as its code (WA, QC, NSW).
_REGION_CODE = re.compile(r"[A-Z]{2,3}")
_THRESHOLD = 0.5
# An e-mail column of a few addresses, each on this many orders or more on average (ten at least in
# all), names the staff or the account that made the sales: no handful of buyers buys that often.
_SHARED_ADDRESSES = 5
_SHARED_ORDERS_EACH = 5
# Order statuses in one letter (pretix): paid, expired before payment, cancelled.
_ORDER_STATUS_LETTERS = {"p": "sold", "e": "cancelled", "c": "cancelled"}
# Columns that are never a show's title, though each start time may have one value of them.
_PLACE_FIELDS = ("venue", "postal_code", "venue_postal_code", "patron_language", "currency", "channel", "status")

# Said of an export whose columns do not tell pooling consent (the member app says it its own way).
POOLING_UNDECIDED = ("No column says whether patrons agreed to pooling: until you set consent_defaults (pooling: true) "
                     "with your consent_basis, their tickets stay out of the cooperative's pooled figures.")
# Said of an export with no purchase date and no price (the member app says it once, as the check's).
ATTENDEE_LIST = ("Export your ticketing's sales or orders report instead (one row per ticket or order, with its date "
                 "and price) and start again from it: this export has no purchase date and no price, so it looks "
                 "like an attendee or check-in list, not a sales report.")


def _named(field: str) -> str:
    return field_named(field, current_language())


@dataclass
class Draft:
    """A drafted mapping: its YAML text, the decisions with evidence, and what is left to decide."""

    source: Path
    mapping: dict[str, Any]
    yaml_text: str
    decisions: list[Evidence]
    undecided: list[str]
    unused_columns: list[str]
    preview: list[dict[str, str | None]] = field(default_factory=list)
    total_rows: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": str(self.source), "mapping": self.mapping, "yaml": self.yaml_text,
            "decisions": [{"key": e.key, "value": e.value, "why": e.why, "check": e.check} for e in self.decisions],
            "undecided": self.undecided, "unused_columns": self.unused_columns, "preview": self.preview,
        }


def draft_mapping(path: Path, preview_rows: int = 5) -> Draft:
    """Draft a mapping for the export ``path``; raises ``UserError`` when it is no table."""
    sample = sniff(path)
    con = duckdb.connect()
    try:
        columns = profile_columns(sample.header, sample.rows, con)
        builder = _Builder(sample, columns, con)
        builder.run()
    finally:
        con.close()
    from culturecoop.ingest.draft_yaml import render

    mapping = builder.mapping()
    text = render(mapping, builder.evidence, builder.undecided, builder.unused(), path.name)
    return Draft(source=path, mapping=mapping, yaml_text=text, decisions=builder.evidence,
                 undecided=builder.undecided, unused_columns=builder.unused(),
                 preview=raw_preview(sample, mapping["columns"], preview_rows), total_rows=sample.total_rows)


def shape_fit(name: str, c: Column, strong: bool = False) -> float:
    """How well the values of ``c`` fit the canonical field ``name`` (0: they cannot be it).

    ``strong``: the header names the field outright, so fewer values need to fit (free tickets
    written "Gratuit", a few broken dates, phone numbers without separators).
    """
    if not c.values:
        # Empty in the sample: only the header speaks, and an empty column identifies nothing
        # (pretix's "External customer ID", left empty by organizers without customer accounts).
        return 0.0 if name in _ID_FIELDS else 0.4
    s = c.share
    most = 0.6 if strong else 0.9
    # Whole numbers are ids as often as amounts: only amounts with decimals say "not text".
    text = s("email") < 0.1 and s("amount") - s("integer") < 0.5 and c.date_share < 0.5
    if name == "ticket_id":
        # Every row is a ticket: a number some rows leave empty is the order's, written on its first
        # line only (Shopify's "Id"), or a payment's. A header that says "ticket number" keeps its
        # column when refunds repeat the numbers (a sale and its refund as two rows); otherwise the
        # values must be unique.
        once = max(c.unique, c.paired) if strong else c.unique
        ok = s("token") >= 0.9 and once >= 0.9 and text and c.fill >= 0.9
        return 0.5 + 0.5 * once if ok else 0.0
    if name in ("order_id", "patron_id"):
        # An order number on a few rows only (Shopify's "Receipt Number", the till's sales) numbers nothing.
        filled = name == "patron_id" or c.fill >= 0.5
        return 1.0 if s("token") >= 0.85 and s("email") < 0.1 and c.date_share < 0.5 and filled else 0.0
    if name == "event_id":
        return 1.0 if s("email") < 0.1 and c.date_share < 0.5 else 0.0
    if name in ("purchased_at", "event_starts_at"):
        return c.date_share if c.date_share >= min(most, 0.8) else 0.0
    if name == "birth_date":
        return c.date_share if c.date_share >= min(most, 0.8) and s("clock") <= 0.05 else 0.0
    if name == "status" and s("status") == 0 and all(_REGION_CODE.fullmatch(v.strip()) for v in c.values):
        return 0.0  # "State" of an address (WA, QC, NSW) beside City and Zip: not a ticket's state
    if name in ("status", "channel"):
        if c.distinct > 15 or not text or s("boolean") >= 0.9:
            return 0.0
        # Not one word of a ticket's state ("Oregon" in an address's "State"): a column whose
        # words say a state ("Registration Status": Approved, Cancelled) wins over it.
        return 0.2 if name == "status" and s(name) == 0 else 0.5 + 0.5 * s(name)
    if name in ("quantity", "capacity"):
        return 1.0 if s("integer") >= 0.95 * most / 0.9 and (name == "capacity" or c.amount.median <= 50) else 0.0
    if name in ("unit_price", "total_price"):
        return s("amount") if s("amount") >= most and c.date_share < 0.5 and s("phone") < 0.5 else 0.0
    if name == "currency":
        return 1.0 if s("currency_code") >= most else 0.0
    if name == "email":
        return s("email") if s("email") >= 0.6 else 0.0
    if name == "phone":
        phone = max(s("phone"), 0.9 * s("phone_digits") if strong else 0.0)
        return phone if phone >= 0.6 else 0.0
    if name in ("postal_code", "venue_postal_code"):
        return s("postcode") if s("postcode") >= 0.6 else 0.0
    if name in ("first_name", "last_name"):
        return s("name") if s("name") >= min(most, 0.8) and s("email") < 0.1 else 0.0
    if name == "full_name":
        return s("multiword") if s("multiword") >= 0.6 else 0.0
    if name in ("is_local", "consent_pooling", "consent_marketing", "consent_personalization"):
        return 1.0 if s("boolean") >= most else 0.0
    if name in ("event_language", "patron_language"):
        return 1.0 if s("language") >= 0.6 else 0.0
    if name == "genres":
        return 1.0 if text and s("gender") < 0.5 else 0.0
    if name == "event_title" and text and c.values and s("token") >= 0.9 \
            and sum(any(ch.isdigit() for ch in v) for v in c.values) >= 0.9 * len(c.values):
        # Codes (S1, E543, 74185296): a title of the show may name them, but a column of words
        # beside it ("Titre": Soirée Coltrane) is likelier the title.
        return 0.3
    return 1.0 if text else 0.0


class _Builder:
    def __init__(self, sample: Sample, columns: list[Column], con: duckdb.DuckDBPyConnection) -> None:
        self.sample = sample
        # A column named like an earlier one cannot be told apart by name: prepare reads the first.
        self.columns: list[Column] = []
        seen: set[str] = set()
        for column in columns:
            if column.name and vocab.fold(column.name) not in seen:
                seen.add(vocab.fold(column.name))
                self.columns.append(column)
        self.con = con
        self.columns_map: dict[str, Any] = {}
        self.used: set[int] = set()
        self.evidence: list[Evidence] = list(sample.evidence)
        self.undecided: list[str] = []
        self.settings: dict[str, Any] = dict(sample.settings)
        self.language = vocab.headers_language([c.name for c in self.columns])
        self.french = self.language == "fr"
        self.date_values: dict[str, list[str]] = {}

    # -- matching columns to fields ------------------------------------------------------------
    def score(self, name: str, c: Column) -> float:
        header = vocab.header_score(name, c.name)
        fit = shape_fit(name, c, strong=header >= 0.9)
        if vocab.fold(c.name) == name.replace("_", " "):
            fit = max(fit, 0.5)  # a column named after the field itself is that field, however dirty
        if fit <= 0:
            return 0.0
        if header <= 0:
            # Values alone decide only where the shape is unmistakable.
            if name == "email" and fit >= 0.9:
                return 0.45 + 0.1 * fit
            if name == "order_id" and c.fill >= 0.9 and sum(bool(_HASH_NUMBER.fullmatch(v)) for v in c.values) \
                    >= 0.95 * len(c.values):
                return 0.55
            return 0.0
        score = 0.65 * header + 0.35 * fit
        if name != "unit_price":
            return score
        words = set(vocab.tokens(c.name))
        if words & _UNIT_WORDS:
            score += 0.2  # a "Montant" beside "Prix unitaire" and a quantity is the row's
        elif "total" in words:
            score -= 0.02  # "Total Paid" is the row's (seats and fees): a "Ticket Price" beside it wins
        elif words & _PAID_WORDS:
            score += 0.02  # "Price paid" over "Face value", "realPrice" over a list price
        return score

    def run(self) -> None:
        self._people()
        if draft_consent_export(self, _THRESHOLD):  # a newsletter or CRM list: consents, no sale
            self._dates()
            self._amounts_and_place()
            self._marketing_scope()
            return
        self._single_fields()
        self._one_amount()
        self._event_fields()
        self._not_buyers_addresses()
        self._ids()
        self._price_of_each_line()
        self._dates()
        self._amounts_and_place()
        self._labels()
        self._consent()
        self._marketing_scope()

    def _people(self) -> None:
        for name in PERSON_FIELDS:
            found = [(c, self.score(name, c)) for c in self.columns if c.index not in self.used]
            found = [(c, s) for c, s in found if s >= _THRESHOLD]
            if name in ("first_name", "last_name"):
                # "Nom du client" holding "Roy, Hugo": a whole name, read as one (surname before the comma).
                found = [(c, s) for c, s in found
                         if self.score("full_name", c) < s or c.share("multiword") < 0.6]
            if not found:
                continue
            found.sort(key=lambda cs: (_ROLE_ORDER[vocab.header_role(cs[0].name)], -cs[1]))
            if name in FALLBACK_FIELDS and len(found) > 1:
                chosen = [c for c, _s in found][:3]
                self.columns_map[name] = [c.name for c in chosen]
                role_names = {"attendee": _("ticket holder"), "buyer": _("buyer"), "": _("no role said")}
                roles = [role_names[vocab.header_role(c.name)] for c in chosen]
                self._note(f"columns.{name}", self.columns_map[name],
                           _("read from the first non-empty of these columns ({roles})").format(
                               roles=", ".join(roles)))
            else:
                chosen = [found[0][0]]
                self.columns_map[name] = chosen[0].name
                self._note(f"columns.{name}", chosen[0].name, self._why(name, chosen[0]))
            self.used.update(c.index for c in chosen)
        if "full_name" in self.columns_map and ("first_name" in self.columns_map or "last_name" in self.columns_map):
            # Separate name columns say more than a full name: keep the full name out.
            full = self.columns_map.pop("full_name")
            self.used.discard(next(c.index for c in self.columns if c.name == full))
            self.evidence = [e for e in self.evidence if e.key != "columns.full_name"]

    def _single_fields(self) -> None:
        wanted = [f for f in CANONICAL_FIELDS if f not in PERSON_FIELDS and f not in ("event_id", "patron_id")]
        candidates = sorted(
            ((self.score(f, c), f, c) for f in (*wanted, "event_id", "patron_id") for c in self.columns
             if c.index not in self.used),
            # Between equal dates, the column filled on more rows ("Created at" over "Paid at", empty on
            # unpaid orders and on an order's other lines); else the first.
            key=lambda t: (-t[0], -t[2].fill if t[1] in ("purchased_at", "event_starts_at") else 0, t[2].index))
        for score, name, c in candidates:
            if score < _THRESHOLD or name in self.columns_map or c.index in self.used:
                continue
            self.columns_map[name] = c.name
            self.used.add(c.index)
            self._note(f"columns.{name}", c.name, self._why(name, c))

    def _one_amount(self) -> None:
        """One amount column: the price of one admission when the export has one (a total beside it
        adds fees or the other seats), else a total: the whole row's when rows carry a quantity
        (divided by it), the ticket's own when each row is one admission."""
        total = self._mapped("total_price")
        if total is None:
            self._total_over_seats()
            return
        del self.columns_map["total_price"]
        self.evidence = [e for e in self.evidence if e.key != "columns.total_price"]
        if "unit_price" in self.columns_map:
            self.used.discard(total.index)
            return
        quantity = self._mapped("quantity")
        if quantity is None:
            self.columns_map["unit_price"] = total.name
            self._note("columns.unit_price", total.name, _("its header names a total and no column gives a "
                                                           "quantity: each row is one ticket at that price"),
                       check=True)
            return
        self.columns_map["total_price"] = total.name
        self._note("columns.total_price", total.name, _("its header names a total and rows carry a quantity "
                                                        "({quantity}): each ticket's price is this amount divided "
                                                        "by the quantity").format(quantity=quantity.name),
                   check=True)

    def _total_over_seats(self) -> None:
        """A price column headed as a total ("Total Paid") on rows that carry several seats (an
        orders report, one row per order): the whole row's amount, divided by its quantity. On
        rows of one seat each (an attendee report) it is the ticket's price, as mapped."""
        price, quantity = self._mapped("unit_price"), self._mapped("quantity")
        if price is None or quantity is None or not {"total", "gesamt", "gesamtbetrag"} & set(vocab.tokens(price.name)):
            return
        if not any(v.strip().isdigit() and int(v.strip()) > 1 for v in quantity.values):
            return
        self.columns_map["total_price"] = self.columns_map.pop("unit_price")
        self.evidence = [e for e in self.evidence if e.key != "columns.unit_price"]
        self._note("columns.total_price", price.name, _("its header names a total and rows carry a quantity "
                                                        "({quantity}): each ticket's price is this amount divided "
                                                        "by the quantity").format(quantity=quantity.name),
                   check=True)

    def _amounts_by_order(self, c: Column, order: Column) -> list[list[Decimal | None]]:
        """The amounts of ``c`` on the rows of each order of two rows or more, in file order."""
        lines: dict[str, list[Decimal | None]] = {}
        for row in self.sample.rows:
            key = (row[order.index] or "").strip() if order.index < len(row) else ""
            if key:
                text = row[c.index] if c.index < len(row) else None
                lines.setdefault(key, []).append(read_amount(text) if text and text.strip() else None)
        return [amounts for amounts in lines.values() if len(amounts) > 1]

    def _written_once_per_order(self, c: Column, order: Column) -> bool:
        """Whether ``c`` is an amount of the whole order written on its first line only: nothing
        (or 0) on its other lines, in most orders of several lines that have an amount at all."""
        priced = [a for a in self._amounts_by_order(c, order) if any(v for v in a)]
        once = sum(1 for a in priced if a[0] and not any(a[1:]))
        return len(priced) >= 2 and once >= 0.8 * len(priced)

    def _price_of_each_line(self) -> None:
        """An amount an order writes on its first line only (Event Espresso's "Amount Paid", the
        transaction's: 0.00 on its other registrations) is the order's, not each ticket's price:
        another price column that prices those lines (the registration's "final price") is."""
        price, order = self._mapped("unit_price"), self._mapped("order_id")
        if price is None or order is None or not isinstance(self.columns_map.get("order_id"), str) \
                or not self._written_once_per_order(price, order):
            return
        candidates = sorted(((self.score("unit_price", c), c.index, c) for c in self.columns
                             if c.index not in self.used), key=lambda t: (-t[0], t[1]))
        for score, _index, c in candidates:
            if score < _THRESHOLD:
                break
            if self._written_once_per_order(c, order) or not any(
                    any(v for v in a[1:]) for a in self._amounts_by_order(c, order)):
                continue
            self.used.discard(price.index)
            self.used.add(c.index)
            self.columns_map["unit_price"] = c.name
            self.evidence = [e for e in self.evidence if e.key != "columns.unit_price"]
            self._note("columns.unit_price", c.name,
                       _("{column} is written on an order's first line only (0 or nothing on its other lines): it "
                         "is the whole order's amount, so each line's price is read here").format(column=price.name))
            return

    def _why(self, name: str, c: Column) -> str:
        header = vocab.header_score(name, c.name)
        shown = {"email": "email", "phone": "phone", "postal_code": "postcode", "unit_price": "amount",
                 "total_price": "amount",
                 "purchased_at": "date", "event_starts_at": "date", "birth_date": "date"}.get(name)
        if header <= 0:
            return _("{share} of its values are e-mail addresses").format(share=share_text(c.share("email")))
        if shown:
            return _("its header names it and {share} of its values fit").format(
                share=share_text(c.date_share if shown == "date" else c.share(shown)))
        if name == "ticket_id":
            return _("its header names it and its values are unique on {share} of the rows").format(share=share_text(c.unique))
        return _("its header names it") if header >= 0.9 else _("its header looks like it")

    def _column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def _mapped(self, name: str) -> Column | None:
        spec = self.columns_map.get(name)
        if isinstance(spec, str):
            return self._column(spec)
        if isinstance(spec, list) and spec:
            return self._column(spec[0])
        return None

    def _event_fields(self) -> None:
        # A day column and an hour column apart ("Date" + "Heure"): the time is both, joined. An
        # hour whose header speaks of the purchase ("Heure d'achat") goes with the purchase date.
        times = [c for c in self.columns if c.index not in self.used and is_time_only(c)]
        purchase_words = vocab.EXCLUDE_WORDS["event_starts_at"]
        for name in ("purchased_at", "event_starts_at"):
            hours = [c for c in times if c.index not in self.used
                     and bool(set(vocab.tokens(c.name)) & purchase_words) == (name == "purchased_at")]
            day = self._mapped(name)
            if name == "purchased_at" and day is not None and is_date_only(day):
                # "Date" then "Time" (Square's item details): the purchase's hour sits beside its day,
                # unless its header speaks of the event.
                event_words = vocab.EXCLUDE_WORDS["purchased_at"]
                hours = [*hours, *(c for c in times if c.index == day.index + 1 and c.index not in self.used
                                   and c not in hours and not set(vocab.tokens(c.name)) & event_words)]
            if not hours or (day is not None and not is_date_only(day)) or isinstance(self.columns_map.get(name), list):
                continue
            hour = hours[0]
            if day is None:
                days = [c for c in self.columns if c.index not in self.used and is_date_only(c)
                        and c.index < hour.index and not vocab.header_score("birth_date", c.name)]
                day = days[-1] if days else None
            if day is None:
                continue
            self.columns_map[name] = {"join": [day.name, hour.name], "separator": " "}
            self.used.update((day.index, hour.index))
            self._note(f"columns.{name}", self.columns_map[name],
                       _("the day and the hour are in two columns: they are joined"))
        self._bare_date_is_the_shows()
        if "event_id" not in self.columns_map:
            self._event_id_without_column()
        self._plain_language()

    def _bare_date_is_the_shows(self) -> None:
        # A bare "Date" left beside a purchase date its header names ("Date d'achat"), with fewer
        # values than the purchases have (one per performance): the show's date (Weezevent).
        bought = self._mapped("purchased_at")
        if "event_starts_at" in self.columns_map or bought is None \
                or not set(vocab.tokens(bought.name)) & vocab.EXCLUDE_WORDS["event_starts_at"]:
            return
        for c in self.columns:
            if c.index not in self.used and vocab.fold(c.name) in ("date", "datum", "date heure", "date et heure") \
                    and c.date_share >= 0.8 and c.distinct < bought.distinct:
                self.columns_map["event_starts_at"] = c.name
                self.used.add(c.index)
                self._note("columns.event_starts_at", c.name, _("a plain date beside the purchase's, with one value "
                                                                "for many purchases: the event's"), check=True)
                return

    def _plain_language(self) -> None:
        # "Language" beside "Preferred Language": the patron's is said, so the plain one is the event's.
        if "event_language" in self.columns_map or "patron_language" not in self.columns_map:
            return
        for c in self.columns:
            if c.index not in self.used and vocab.fold(c.name) in ("language", "langue", "lang") \
                    and shape_fit("event_language", c) > 0:
                self.columns_map["event_language"] = c.name
                self.used.add(c.index)
                self._note("columns.event_language", c.name, _("a plain language column beside the patron's "
                                                               "preferred language: the event's"), check=True)
                return

    def _event_id_without_column(self) -> None:
        starts = self.columns_map.get("event_starts_at")
        keys = [tuple(self._spec_cells(row, starts)) for row in self.sample.rows] if starts is not None else []
        if "event_title" not in self.columns_map and starts is not None:
            self._title_told_by_the_start(keys)
        title = self.columns_map.get("event_title")
        if isinstance(title, str):
            if isinstance(starts, str):
                spec: Any = {"join": [title, starts], "separator": " "}
            elif isinstance(starts, dict):
                spec = {"join": [title, *starts["join"]], "separator": " "}
            else:
                spec = title
            self.columns_map["event_id"] = spec
            self._note("columns.event_id", spec, _("no column holds an event number: the title (and start time) "
                                                   "name each event"), check=True)
            return
        stem = self.sample.path.stem
        if starts is not None and len(set(keys) - {()}) > 1:
            # No title, but several start times: each start is one event (the file names them all).
            self.columns_map["event_id"] = starts
            self.columns_map.setdefault("event_title", {"file_name": True})
            self._note("columns.event_id", starts, _("no column names the event and the rows start at "
                                                     "several times: each start time is one event"), check=True)
            self.undecided.append(_("The export has no event column: each start time is counted as one event, "
                                    "titled from the file name ({name}); if a column names the shows, choose "
                                    "it for {field}.").format(name=stem, field=_named("event_title")))
            return
        digits = re.search(r"\d{5,}", stem)
        spec = {"file_name": "(\\d{5,})"} if digits else {"file_name": True}
        self.columns_map["event_id"] = spec
        shown = digits.group(0) if digits else stem
        self._note("columns.event_id", spec, _("no column names the event: every row is taken as one event, "
                                               "named {name} from the file name").format(name=shown), check=True)
        self.undecided.append(_("The export has no event column: every row is counted as one event named from "
                                "the file name ({name}); if the file holds several events, choose for {field} the "
                                "column that tells them apart.").format(name=shown, field=_named("event_id")))

    def _title_told_by_the_start(self, keys: list[tuple[str, ...]]) -> None:
        """A column of words that each start time (``keys``: each sampled row's) determines (a
        "Programme" column beside its "Séance"), with several values, not a person's nor a place's:
        the show's title, when no header names one. Among several, the one that tells most events
        apart, else the first."""
        if len(set(keys)) < 2 or len(keys) < 1.5 * len(set(keys)):
            return  # one start, or starts with a row each: nothing to tell a title by
        found: list[tuple[int, int, Column]] = []
        for c in self.columns:
            if c.index in self.used or c.fill < 0.9 or c.distinct < 2 or shape_fit("event_title", c) < 1.0 \
                    or vocab.header_role(c.name) or c.share("postcode") > 0.1 \
                    or any(vocab.header_score(f, c.name) > 0 for f in _PLACE_FIELDS):
                continue
            seen: dict[tuple[str, ...], set[str]] = {}
            for key, row in zip(keys, self.sample.rows, strict=True):
                if key and _cell(row, c.index):
                    seen.setdefault(key, set()).add((row[c.index] or "").strip())
            if seen and all(len(v) == 1 for v in seen.values()):
                found.append((-c.distinct, c.index, c))
        if found:
            column = min(found, key=lambda t: t[:2])[2]
            self.columns_map["event_title"] = column.name
            self.used.add(column.index)
            self._note("columns.event_title", column.name, _("no header names the show, but each start time has "
                                                             "one value of this column: the show's title"),
                       check=True)

    def _spec_cells(self, row: list[str | None], spec: Any) -> list[str]:
        """The non-empty cells of ``row`` that the column spec ``spec`` reads."""
        return [(row[c.index] or "").strip() for c in self._columns_of(spec) if _cell(row, c.index)]

    def _not_buyers_addresses(self) -> None:
        """An e-mail column whose few addresses each run across many orders (a till's staff logins, a
        merchant account: SumUp's "Email", "Account") names who made the sales, not who bought: left out."""
        order = self._mapped("order_id")
        mapped = self._columns_of(self.columns_map.get("email", []))
        if order is None or not mapped:
            return
        kept = []
        for c in mapped:
            orders: dict[str, set[str]] = {}
            for row in self.sample.rows:
                if _cell(row, c.index) and _cell(row, order.index):
                    orders.setdefault((row[c.index] or "").strip().casefold(), set()).add((row[order.index] or "").strip())
            count = len(set().union(*orders.values())) if orders else 0
            if len(orders) > _SHARED_ADDRESSES or count < _SHARED_ORDERS_EACH * max(len(orders), 2):
                kept.append(c)
                continue
            self.used.discard(c.index)
            self._note("columns.email", None, _("«{column}» holds {addresses} addresses over {orders} orders: those "
                                                "of whoever made the sales (staff, account), not buyers'; left "
                                                "out").format(column=c.name, addresses=len(orders), orders=count),
                       check=True)
        if len(kept) == len(mapped):
            return
        self.evidence = [e for e in self.evidence if not (e.key == "columns.email" and e.value is not None)]
        if kept:
            self.columns_map["email"] = [c.name for c in kept] if len(kept) > 1 else kept[0].name
            self._note("columns.email", self.columns_map["email"], self._why("email", kept[0]))
        else:
            del self.columns_map["email"]

    def _ids(self) -> None:
        if "ticket_id" not in self.columns_map:
            if "order_id" in self.columns_map:
                self._note("columns.ticket_id", None, _("no ticket number: each row is an order line, numbered "
                                                        "within its order"))
            elif (order := self._order_from_buyer_and_time()) is not None:
                self.columns_map["order_id"] = order
                self._note("columns.order_id", order, _("no ticket or order number: one person's purchases at one "
                                                        "moment are taken as one order, its rows as order lines"),
                           check=True)
            else:
                self.undecided.append(_("No column holds a ticket or order number: choose for {ticket} or {order} "
                                        "the column that identifies each sale.").format(
                    ticket=_named("ticket_id"), order=_named("order_id")))
        if "patron_id" not in self.columns_map:
            if "email" in self.columns_map and "phone" in self.columns_map:
                self._note("columns.patron_id", None, _("no customer number: the e-mail identifies the patron, "
                                                        "else the phone (pseudonymized on this machine like "
                                                        "everything personal)"))
            elif "email" in self.columns_map:
                self._note("columns.patron_id", None, _("no customer number: the e-mail identifies the patron "
                                                        "(pseudonymized on this machine like everything personal)"))
            elif "phone" in self.columns_map:
                self._note("columns.patron_id", None, _("no customer number nor e-mail: the phone identifies the "
                                                        "patron (pseudonymized on this machine like everything "
                                                        "personal)"))
            else:
                self.undecided.append(_("No column holds a customer number, an e-mail address or a phone number: "
                                        "choose the column of {patron}, {email} or {phone}, or the rows cannot be "
                                        "linked to anyone.").format(
                    patron=_named("patron_id"), email=_named("email"), phone=_named("phone")))
        else:
            self._patron_fallback()
        no_price = "unit_price" not in self.columns_map and "total_price" not in self.columns_map
        if "purchased_at" not in self.columns_map and no_price:
            # Neither: a list of who comes (a check-in or attendee list), not of what was sold.
            self.undecided.append(_(ATTENDEE_LIST))
            return
        if "purchased_at" not in self.columns_map:
            self.undecided.append(_("No column looks like the purchase date: choose for {field} the column that "
                                    "holds it; if the export has none, export your ticketing's orders report "
                                    "(it dates each sale) and start again from it.").format(
                field=_named("purchased_at")))
        if no_price:
            self.undecided.append(_("No column looks like the price paid: choose for {field} the column that "
                                    "holds it; if the export has none, export your ticketing's orders report "
                                    "(it gives each ticket's price) and start again from it.").format(
                field=_named("unit_price")))

    def _patron_fallback(self) -> None:
        """A customer number that a share of the rows leave empty (box-office sales, invitations,
        guest checkouts) while their e-mail or phone is written: those rows are identified by the
        e-mail, else the phone, rather than set aside (a row or two without it are said, not kept).
        A person may then carry the number on some rows and the e-mail on others; linkage joins the
        two within the member (the same e-mail), so they are counted once."""
        column = self._mapped("patron_id")
        spec = self.columns_map["patron_id"]
        if column is None or not isinstance(spec, str):
            return
        stand_ins = [c for f in ("email", "phone") for c in self._columns_of(self.columns_map.get(f, []))]
        if not stand_ins:
            return
        blank = [row for row in self.sample.rows if not _cell(row, column.index)]
        helped = [row for row in blank if any(_cell(row, c.index) for c in stand_ins)]
        if not helped:
            return
        fallback = [column.name, *dict.fromkeys(c.name for c in stand_ins)]
        if len(helped) < max(3, 0.05 * len(self.sample.rows)):
            # A number left out on a row or two is a slip: those rows are set aside and said.
            self.undecided.append(_("{n} of the rows looked at have no {column} but an e-mail or a phone: they "
                                    "will be set aside. To keep them, choose no column for {field} (the e-mail, "
                                    "else the phone, then tells who bought on every row), or, in the mapping's "
                                    "YAML, write `patron_id: {fallback}` to use them only where {column} is "
                                    "empty.").format(n=len(helped), column=column.name, field=_named("patron_id"),
                                                     fallback=flow(fallback)))
            return
        self.columns_map["patron_id"] = fallback
        self.evidence = [e for e in self.evidence if e.key != "columns.patron_id"]
        self._note("columns.patron_id", fallback,
                   _("{n} of the rows looked at have no {column} but an e-mail or a phone: they are identified "
                     "by the e-mail, else the phone (the same person's rows with and without a number are "
                     "joined at linkage by the e-mail)").format(n=len(helped), column=column.name), check=True)

    def _order_from_buyer_and_time(self) -> dict[str, Any] | None:
        """An order number made of who bought and when (to the second), when the export has none:
        the same export read again gives the same numbers, so a re-sent file replaces, not doubles."""
        who = self.columns_map.get("patron_id") or self.columns_map.get("email") or self.columns_map.get("phone")
        when = self.columns_map.get("purchased_at")
        if who is None or when is None:
            return None
        names = [c.name for spec in (who, when) for c in self._columns_of(spec)]
        return {"join": names, "separator": " | "} if len(names) >= 2 else None

    def _values(self, spec: Any) -> list[str]:
        """The sampled values of a column spec (one column, a fallback list or a join)."""
        if isinstance(spec, str):
            column = self._column(spec)
            return column.values if column else []
        rows = raw_preview(self.sample, {"x": spec}, len(self.sample.rows))
        return [v for r in rows if (v := r.get("x"))]

    def _dates(self) -> None:
        date_fields: list[str] = [f for f in ("purchased_at", "event_starts_at", "birth_date", "consent_at")
                                 if f in self.columns_map]
        mapped = [c for f in date_fields for c in self._columns_of(self.columns_map[f])]
        day_first, evidence = decide.decide_day_first(mapped, self.language, self._price())
        if evidence is not None:
            self.evidence.append(evidence)
        values = {f: self._values(self.columns_map[f]) for f in date_fields}
        self.date_values = values
        datetimes, dates, notes = decide.date_formats(self.con, values, day_first)
        self.evidence.extend(notes)
        if datetimes:
            self.settings["datetime_formats"] = datetimes
        if dates:
            self.settings["date_formats"] = dates
        for note in notes:
            if note.check:
                field = note.key.split(".", 1)[1]
                self.undecided.append(_("Some values of {field} read with no format the draft found: check them "
                                        "in the preview and add their format to the {formats}.").format(
                    field=_named(field), formats=setting_named(
                        "date_formats" if field == "birth_date" else "datetime_formats", current_language())))

    def _columns_of(self, spec: Any) -> list[Column]:
        names = [spec] if isinstance(spec, str) else spec if isinstance(spec, list) else spec.get("join", [])
        return [c for n in names if (c := self._column(n)) is not None]

    def _price(self) -> Column | None:
        """The column the amounts are read from: the unit price, else the row's total."""
        return self._mapped("unit_price") or self._mapped("total_price")

    def _amounts_and_place(self) -> None:
        price = self._price()
        decimal, scale, notes = decide.amount_settings(price, price.name if price else None)
        self.settings["decimal"] = decimal
        self.settings["amount_scale"] = scale
        self.evidence.extend(notes)
        zoned = [v for values in self.date_values.values() for v in values if re.search(r"\d ?(Z|UTC|GMT|[+-]\d\d:?\d\d)$", v)]
        currency_column = self._mapped("currency")
        codes = currency_column.values[:400] if currency_column is not None else []
        country, zone, currency, notes = decide.decide_place(
            self._mapped("phone"), self._mapped("postal_code"), price, codes, zoned, self.language)
        self.settings.update({"country": country, "timezone": zone, "currency": currency})
        self.evidence.extend(notes)

    def _status_flag(self) -> None:
        """A yes/no column named after a refund or a cancellation ("Refunded", "Void", "Cancelled"),
        when no column holds the status: yes is that status, no a sale."""
        for c in self.columns:
            said = vocab.classify_status(c.name)
            if (c.index in self.used or said not in ("refunded", "cancelled") or len(vocab.tokens(c.name)) > 2
                    or not c.values or c.share("boolean") < 0.9):
                continue
            words = {label: vocab.classify_boolean(label) for label in c.labels()}
            self.columns_map["status"] = c.name
            self.used.add(c.index)
            self._note("columns.status", c.name, _("a yes/no column named after a {status}: yes is a {status}, "
                                                   "no a sale").format(status=said))
            self.settings["status_values"] = {label: said if yes else "sold" for label, yes in words.items()
                                              if yes is not None}
            return

    def _labels(self) -> None:
        status = self._mapped("status")
        if status is None:
            self._status_flag()
        elif not self._order_status_letters(status):
            known, unknown = decide.classify_labels(status, vocab.classify_status, TICKET_STATUSES)
            if known and status.fill < 1 and not unknown and "sold" not in known.values():
                # Tito's "Void Status": "void" on a voided ticket, empty on every valid one.
                known[""] = "sold"
                self._note("status_values", None, _("{column} is empty on some rows and names only "
                                                    "cancellations or refunds: an empty cell is a sale").format(
                    column=status.name))
            self.settings["status_values"] = known
            if unknown:
                self.undecided.append(_("The ticket statuses {labels} are not words the draft knows: in the "
                                        "mapping's YAML, add each under `status_values` as sold, refunded, "
                                        "cancelled or exchanged.").format(
                    labels=", ".join(unknown[:8])))
        channel = self._mapped("channel")
        if channel is not None:
            known, unknown = decide.classify_labels(channel, vocab.classify_channel, CHANNELS)
            known.update(dict.fromkeys(unknown, "other"))
            self.settings["channel_values"] = known
            if unknown:
                self._note("channel_values", unknown, _("channel labels not known, counted as other"), check=True)
        booleans = [c for f in ("is_local", "consent_pooling", "consent_marketing", "consent_personalization")
                    if (c := self._mapped(f)) is not None]
        if booleans:
            true, false, unknown = decide.boolean_words(booleans)
            self.settings["true_values"], self.settings["false_values"] = true, false
            if unknown:
                self.undecided.append(_("Yes/no columns hold words the draft cannot read ({labels}): in the "
                                        "mapping's YAML, add them to `true_values` (yes) or `false_values` "
                                        "(no).").format(labels=", ".join(unknown[:8])))
        languages = {}
        for name in ("event_language", "patron_language"):
            column = self._mapped(name)
            if column is not None:
                for label in column.labels():
                    value = vocab.classify_language(label)
                    if value is not None and vocab.fold(label) not in vocab.LANGUAGE_WORDS:
                        languages[label] = value
        if languages:
            self.settings["language_values"] = languages
        lists = [c for f in ("genres", "artists") if (c := self._mapped(f)) is not None]
        separator = decide.list_separator(lists)
        if separator is not None:
            self._note("list_separator", separator, _("list cells (genres, artists) are split on {sep}").format(
                sep=separator))

    def _consent(self) -> None:
        if "consent_pooling" in self.columns_map:
            return
        self._note("consent_defaults", None, _("no column says whether a patron agreed to pooling"), check=True)
        self.undecided.append(_(POOLING_UNDECIDED))

    def _marketing_scope(self) -> None:
        """A marketing opt-in column is the member's to confirm: at the cooperative a "yes" lets the
        cooperative's e-mail campaigns reach the person, whichever member sends them, while a vendor's
        opt-in ("Accepts Marketing", "Organiser mail list") often covers the venue's own newsletter."""
        column = self._mapped("consent_marketing")
        if column is None:
            return
        # This note replaces the column's first one (the draft shows one line per field).
        self.evidence = [e for e in self.evidence if e.key != "columns.consent_marketing"]
        self._note("columns.consent_marketing", column.name,
                   _("read as consent to the cooperative's e-mail campaigns"), check=True)
        self.undecided.append(_("Check what {column} covers: read as marketing consent, a yes lets the "
                                "cooperative's e-mail campaigns reach the person, whichever member sends them. If "
                                "it only covers your own newsletter, choose no column for {field}.").format(
            column=column.name, field=_named("consent_marketing")))

    def _order_status_letters(self, status: Column) -> bool:
        """pretix's orders say their status in one letter: ``p`` paid, ``n`` pending (not paid
        yet), ``e`` expired (never paid), ``c`` cancelled. Read so when every value of the status
        column is one of them and some are paid; a pending order is left for the member to say."""
        letters = {v.strip().lower() for v in status.values if v and v.strip()}
        if "p" not in letters or not letters <= set(_ORDER_STATUS_LETTERS) | {"n"}:
            return False
        known = dict(_ORDER_STATUS_LETTERS)
        self.settings["status_values"] = known
        self._note("status_values", known, _("one-letter order statuses as pretix writes them: p paid, e expired "
                                             "(never paid), c cancelled"), check=True)
        if "n" in letters:
            self.undecided.append(_("Status n (an order not paid yet) is left to you: in the mapping's YAML, add it "
                                    "under `status_values` as sold if those tickets count, or cancelled."))
        return True

    def _note(self, key: str, value: Any, why: str, check: bool = False) -> None:
        self.evidence.append(Evidence(key, value, why, check))
        if not key.startswith("columns.") and value is not None and key not in ("consent_defaults",
                                                                                  "channel_values"):
            self.settings[key] = value

    # -- results --------------------------------------------------------------------------------
    def unused(self) -> list[str]:
        return [c.name for c in self.columns if c.index not in self.used and c.name not in self._all_names()]

    def _all_names(self) -> set[str]:
        names: set[str] = set()
        for spec in self.columns_map.values():
            names.update(c.name for c in self._columns_of(spec))
        return names

    def mapping(self) -> dict[str, Any]:
        name = re.sub(r"[^a-z0-9]+", "-", vocab.fold(self.sample.path.stem)).strip("-") or "my-export"
        order = [f for f in CANONICAL_FIELDS if f in self.columns_map]
        if "full_name" in self.columns_map:
            order.append("full_name")
        keys = ("format", "encoding", "delimiter", "quote", "decimal", "skip_lines", "sheet", "currency",
                "timezone", "country", "amount_scale", "datetime_formats", "date_formats", "list_separator",
                "true_values", "false_values", "status_values", "channel_values", "language_values")
        settings = {k: self.settings[k] for k in keys if k in self.settings and self.settings[k] is not None}
        if settings.get("format") == "xlsx":
            for key in ("encoding", "delimiter", "quote"):
                settings.pop(key, None)
        made_from = "Drafted from {file}"
        description = {lang: gettext_in(made_from, lang).format(file=self.sample.path.name) for lang in ("en", "fr")}
        return {"name": name, "description": description, **settings,
                "columns": {f: self.columns_map[f] for f in order}}


def _cell(row: list[str | None], index: int) -> bool:
    """True when the cell ``index`` of ``row`` holds something."""
    return index < len(row) and bool((row[index] or "").strip())


def raw_preview(sample: Sample, columns: dict[str, Any], limit: int) -> list[dict[str, str | None]]:
    """The first ``limit`` sampled rows as canonical fields, text as written (before parsing):
    fallbacks, joins, constants and the file name applied as ``prepare`` applies them."""
    index = {name: i for i, name in reversed(list(enumerate(sample.header)))}
    loose = {vocab.fold(name): i for i, name in reversed(list(enumerate(sample.header)))}

    def cell(row: list[str | None], name: str) -> str | None:
        i = index.get(name, loose.get(vocab.fold(name)))
        value = row[i] if i is not None and i < len(row) else None
        return value.strip() if value and value.strip() else None

    def read(row: list[str | None], spec: Any) -> str | None:
        if isinstance(spec, str):
            return cell(row, spec)
        if isinstance(spec, list):
            return next((v for name in spec if (v := cell(row, name)) is not None), None)
        if "value" in spec:
            return str(spec["value"])
        if "file_name" in spec:
            stem = sample.path.stem
            if spec["file_name"] is True:
                return stem
            match = re.search(str(spec["file_name"]), stem)
            return (match.group(1) if match.groups() else match.group(0)) if match else None
        parts = [v for name in spec.get("join", []) if (v := cell(row, name)) is not None]
        return str(spec.get("separator", " ")).join(parts) or None

    def person_of(row: list[str | None]) -> int | None:
        """Which of the e-mail's columns gave it (a person's other attributes follow it, as in
        ``columns._same_person``)."""
        email = columns.get("email")
        if not isinstance(email, list) or len(email) < 2:
            return None
        return next((n for n, name in enumerate(email) if cell(row, name) is not None), None)

    def field(row: list[str | None], name: str, spec: Any, person: int | None) -> str | None:
        email = columns.get("email")
        if (person is not None and name in PERSON_ATTRIBUTES and isinstance(spec, list) and isinstance(email, list)
                and len(spec) == len(email)):
            return cell(row, spec[person])
        return read(row, spec)

    return [{f: field(row, f, spec, person_of(row)) for f, spec in columns.items()} for row in sample.rows[:limit]]
