"""``mapping draft``: a first mapping for an export nobody has written one for.

``draft_mapping(path)`` looks at the file (``sniff``), measures every column's values
(``shapes``), matches columns to canonical fields from French and English vendor words
*and* value shapes (``draft_fit``, after ``vocabulary``: an e-mail column is one whose values are
e-mails, whatever its name), step by step on a ``DraftBuilder`` (``draft_people``,
``draft_events``, ``draft_amounts``, ``draft_labels``, ``draft_consent``), decides the settings
(``draft_settings``) and renders a commented YAML mapping (``draft_yaml``). The ``Draft`` keeps
every decision with its evidence and the list of what it could not decide, so the member knows
exactly what to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language, day_words, gettext_in, plural
from culturecoop.i18n import count as count_text
from culturecoop.ingest import draft_settings as decide
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.countries import said_country
from culturecoop.ingest.country_words import country_of
from culturecoop.ingest.draft_amounts import (
    choose_one_amount,
    choose_price_of_each_line,
    choose_seats_by_ticket_type,
    say_blank_prices,
)
from culturecoop.ingest.draft_attendees import note_attendees, spread_sample
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.draft_consent import draft_consent_export
from culturecoop.ingest.draft_events import (
    choose_event_columns,
    dates_of_one_name,
    say_seats_per_show_columns,
    starts_of_passes,
)
from culturecoop.ingest.draft_fit import MATCH_THRESHOLD, column_score, why_matched
from culturecoop.ingest.draft_groups import choose_group_sizes, group_amounts
from culturecoop.ingest.draft_labels import decide_labels
from culturecoop.ingest.draft_line_kinds import choose_line_kind
from culturecoop.ingest.draft_order_amounts import leave_out_order_amounts
from culturecoop.ingest.draft_people import (
    PERSON_FIELDS,
    choose_ids,
    choose_person_columns,
    leave_out_sellers_addresses,
    say_numbered_attendees,
)
from culturecoop.ingest.draft_preview import raw_preview
from culturecoop.ingest.draft_refunds import choose_refunded_amount, owed_left_out
from culturecoop.ingest.draft_yaml import SETTING_ORDER, render
from culturecoop.ingest.guard import dates_in_text
from culturecoop.ingest.profile import CANONICAL_FIELDS
from culturecoop.ingest.shapes import profile_columns
from culturecoop.ingest.sniff import Evidence, Sample, sniff
from culturecoop.ingest.source import refuse_ambiguous_columns
from culturecoop.ingest.words import setting_named

# Said of an export whose columns do not tell pooling consent (the member app says it its own way).
POOLING_UNDECIDED = ("No column says whether patrons agreed to pooling: until you set consent_defaults (pooling: true) "
                     "with your consent_basis, their tickets stay out of the cooperative's pooled figures.")
# Said of an export with no purchase date and no price (the member app says it once, as the check's).
ATTENDEE_LIST = ("Export your ticketing's sales or orders report instead (one row per ticket or order, with its date "
                 "and price) and start again from it: this export has no purchase date and no price, so it looks "
                 "like an attendee or check-in list, not a sales report.")


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
    builder = _drafted(sample)
    spread = spread_sample(sample, builder)
    if spread is not None:  # an order's attendees side by side: drafted again as prepare reads it, a line each
        rows = len(sample.rows)
        sample, setting = spread
        builder = _drafted(sample)
        note_attendees(builder, setting, rows, len(sample.rows))
    mapping = _mapping_of(builder)
    _columns_named_twice(builder, mapping, path)
    _identifiers_rounded(builder, mapping)
    text = render(mapping, builder.evidence, builder.undecided, _unused(builder), path.name)
    return Draft(source=path, mapping=mapping, yaml_text=text, decisions=builder.evidence,
                 undecided=builder.undecided, unused_columns=_unused(builder),
                 preview=raw_preview(sample, mapping["columns"], preview_rows), total_rows=sample.total_rows)


def _drafted(sample: Sample) -> DraftBuilder:
    """The mapping drafted from ``sample``."""
    con = duckdb.connect()
    try:
        builder = DraftBuilder(sample, profile_columns(sample.header, sample.rows, con), con)
        _run(builder)
    finally:
        con.close()
    return builder


def _columns_named_twice(builder: DraftBuilder, mapping: dict[str, Any], path: Path) -> None:
    """A column the draft maps that the header names twice but for case or accents (« Email », « EMAIL »): the
    check would refuse the mapping at once, so the member learns it here, among what is left to decide. (Names
    written twice alike are numbered by ``source.ranked_names``: each can be mapped.)"""
    def names(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [n for v in value for n in names(v)]
        if isinstance(value, dict):
            return [n for v in value.values() for n in names(v)]
        return []

    read = [n for value in mapping.get("columns", {}).values() for n in names(value) if n in builder.sample.header]
    try:
        refuse_ambiguous_columns(path, list(builder.sample.header), dict.fromkeys(read))
    except UserError as twice:
        builder.undecided.append(twice.message)


# A number Excel wrote in scientific notation (« 8,84213E+11 »: its General format shows a number of 12
# digits or more so, and saves it so), as ``quarantine.guard_rounded_identifiers`` finds it.
_ROUNDED = re.compile(r"(^|[^0-9A-Za-z.,])[0-9]([.,][0-9]+)?[eE]\+[0-9]{2}($|[^0-9A-Za-z])")


def _identifiers_rounded(builder: DraftBuilder, mapping: dict[str, Any]) -> None:
    """An identifier column (ticket, order, event, customer number) whose numbers Excel rounded: prepare
    refuses it, since different numbers became one; the member learns it here, with what to do."""
    header = list(builder.sample.header)
    for field_name in ("ticket_id", "order_id", "event_id", "patron_id"):
        column = mapping.get("columns", {}).get(field_name)
        if not isinstance(column, str) or column not in header:
            continue
        at = header.index(column)
        value = next((v for row in builder.sample.rows if at < len(row) and (v := row[at]) and _ROUNDED.search(v)), None)
        if value is not None:
            builder.undecided.append(_(
                "The column {column} chosen for {field} holds numbers Excel rounded, such as «{value}»: their last "
                "digits are lost, so different ones would become the same; export the file again from your "
                "ticketing system and draft again from it without saving it in Excel (or, in Excel, format that "
                "column as Text before the numbers are read).").format(
                column=column, field=named(field_name), value=value.strip()))


def _run(builder: DraftBuilder) -> None:
    choose_person_columns(builder)
    say_numbered_attendees(builder)
    if draft_consent_export(builder, MATCH_THRESHOLD):  # a newsletter or CRM list: consents, no sale
        _dates(builder)
        _amounts_and_place(builder)
        _marketing_scope(builder)
        return
    # Before any field takes it: « Type » holding « Billet », « Don » is no event nor ticket type.
    choose_line_kind(builder)
    choose_seats_by_ticket_type(builder)
    _single_fields(builder)
    _dates_to_come(builder)
    dates_of_one_name(builder)
    choose_group_sizes(builder)
    choose_one_amount(builder)
    group_amounts(builder)
    choose_event_columns(builder)
    leave_out_sellers_addresses(builder)
    choose_ids(builder)
    _sale_fields_missing(builder)
    say_seats_per_show_columns(builder)
    choose_price_of_each_line(builder)
    leave_out_order_amounts(builder)
    say_blank_prices(builder)
    _dates(builder)
    _amounts_and_place(builder)
    choose_refunded_amount(builder)
    decide_labels(builder)
    _consent(builder)
    _marketing_scope(builder)


def _single_fields(builder: DraftBuilder) -> None:
    # ``line_kind`` is read from its header and its values together (``choose_line_kind``), never a header alone.
    # ``refunded_amount`` too, beside the price only (``choose_refunded_amount``).
    wanted = [f for f in CANONICAL_FIELDS
              if f not in PERSON_FIELDS and f not in ("event_id", "patron_id", "line_kind", "refunded_amount")]
    candidates = sorted(
        ((column_score(f, c), f, c) for f in (*wanted, "event_id", "patron_id") for c in builder.columns
         if c.index not in builder.used),
        # Between equal dates, the column filled on more rows ("Created at" over "Paid at", empty on
        # unpaid orders and on an order's other lines); between equal starts, the one of more moments
        # (a museum's "Timeslot" over its "Visit date"); else the first.
        key=lambda found: (-found[0], -found[2].fill if found[1] in ("purchased_at", "event_starts_at") else 0,
                           -found[2].distinct if found[1] == "event_starts_at" else 0, found[2].index))
    for score, name, c in candidates:
        if score < MATCH_THRESHOLD or name in builder.columns_map or c.index in builder.used:
            continue
        builder.choose(name, c, why_matched(name, c))


def _dates_to_come(builder: DraftBuilder) -> None:
    """A date column taken for the purchase whose dates are mostly still to come, when no column dates the
    show: no sale was made after the file was saved, so it dates the shows (a list kept by hand, « Spectacle »,
    « Date »). A header that names the purchase (« Date d'achat », "Order date") keeps it: its dates are then
    said as to come by the check."""
    column = builder.mapped("purchased_at")
    if column is None or "event_starts_at" in builder.columns_map or not column.values:
        return
    if set(re.findall(r"[a-z]+", vocab.fold(column.name))) & vocab.EXCLUDE_WORDS["event_starts_at"]:
        return
    saved = datetime.fromtimestamp(builder.sample.path.stat().st_mtime).date()
    later = sum(1 for v in column.values if (days := dates_in_text(v)) and min(days) > saved)
    if 2 * later <= len(column.values):
        return
    builder.read_instead("purchased_at", column, plural(
        later, "its one date sampled comes after the day the file was saved ({day}): it dates the show, not the sale",
        "{n} of its {total} dates sampled come after the day the file was saved ({day}): they date the shows, "
        "not the sales").format(n=count_text(later), total=count_text(len(column.values)), day=day_words(saved)),
        as_field="event_starts_at", check=True)


def _sale_fields_missing(builder: DraftBuilder) -> None:
    """No purchase date or no price: the export is an attendee list, or the member says which column."""
    no_price = "unit_price" not in builder.columns_map and "total_price" not in builder.columns_map
    if "purchased_at" not in builder.columns_map and no_price:
        # Neither: a list of who comes (a check-in or attendee list), not of what was sold.
        builder.undecided.append(_(ATTENDEE_LIST))
        return
    if "purchased_at" not in builder.columns_map and builder.columns_map.get("ticket_id") == {"numbered": True}:
        # A list kept by hand (no sale is numbered, none dated): one date for every row, the file's, to change.
        day = datetime.fromtimestamp(builder.sample.path.stat().st_mtime).date()
        builder.columns_map["purchased_at"] = {"value": day.isoformat()}
        builder.note("columns.purchased_at", {"value": day.isoformat()}, _(
            "no column dates the sales: the same date for every row, the day the file was saved ({day}); write "
            "the date the bookings were taken if you know it (no later than today)").format(day=day_words(day)),
                     check=True)
    elif "purchased_at" not in builder.columns_map:
        builder.undecided.append(_("No column looks like the purchase date: choose for {field} the column that "
                                   "holds it; if the export has none, export your ticketing's orders report "
                                   "(it dates each sale) and start again from it.").format(
            field=named("purchased_at")))
    if no_price:
        builder.undecided.append(_("No column looks like the price paid: choose for {field} the column that "
                                   "holds it; if the export has none, export your ticketing's orders report "
                                   "(it gives each ticket's price) and start again from it.").format(
            field=named("unit_price")))
        owed_left_out(builder)


def _date_column_specs(builder: DraftBuilder) -> dict[str, Any]:
    """The date fields' specs as columns of dates: a start read in the events' names is no
    column of dates (``title_dates`` reads it), only the column read before the names is."""
    specs: dict[str, Any] = {f: builder.columns_map[f] for f in ("purchased_at", "event_starts_at", "birth_date", "consent_at")
             if f in builder.columns_map and not (isinstance(builder.columns_map[f], dict)
                                                  and set(builder.columns_map[f]) == {"value"})}
    starts = specs.get("event_starts_at")
    if isinstance(starts, dict) and "in_text" in starts:
        read_first = {k: v for k, v in starts.items() if k != "in_text"}
        if read_first:
            specs["event_starts_at"] = read_first.get("column", read_first.get("first", read_first))
        else:
            del specs["event_starts_at"]
    return specs


def _dates(builder: DraftBuilder) -> None:
    passes = set(starts_of_passes(builder))  # read from their first day, with no format
    specs = _date_column_specs(builder)
    date_fields = list(specs)
    mapped = [c for f in date_fields for c in builder.columns_of(specs[f])]
    day_first, evidence = decide.decide_day_first(mapped, builder.language, builder.price())
    if evidence is not None:
        builder.evidence.append(evidence)
    values = {f: [v for v in builder.values_of(specs[f]) if f != "event_starts_at" or v not in passes]
              for f in date_fields}
    builder.date_values = values
    datetimes, dates, notes = decide.date_formats(builder.con, values, day_first)
    builder.evidence.extend(notes)
    if datetimes:
        builder.settings["datetime_formats"] = datetimes
    if dates:
        builder.settings["date_formats"] = dates
    if evidence is not None and evidence.check:
        _day_or_month_undecided(builder, [v for f in date_fields for v in values[f]], datetimes + dates)
    for note in notes:
        if note.check:
            field = note.key.split(".", 1)[1]
            builder.undecided.append(_("Some values of {field} read with no format the draft found: check them "
                                       "in the preview and add their format to the {formats}.").format(
                field=named(field), formats=setting_named(
                    "date_formats" if field == "birth_date" else "datetime_formats", current_language())))


def _day_or_month_undecided(builder: DraftBuilder, values: list[str], formats: list[str]) -> None:
    """A guessed order of day and month is left to the member, with a date of the export as the
    draft reads it: « 03/04/2026 » read as April 3 turns every sale of March into one of April."""
    for value in values:
        found = re.match(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}", value)
        if not found or found.group(1) == found.group(2):
            continue
        for fmt in formats:
            try:
                read = datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
            builder.undecided.append(_(
                "No date of the export says whether the day or the month comes first: the draft reads « {value} » as "
                "{day} {month_name} {year}; if that is wrong, swap %d and %m in the {formats}.").format(
                value=value.strip(), day="1er" if read.day == 1 and current_language() == "fr" else read.day, month_name=_month_name(read.month), year=read.year,
                formats=setting_named("datetime_formats", current_language())))
            return


def _month_name(month: int) -> str:
    return _(("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")[month - 1])


def _amounts_and_place(builder: DraftBuilder) -> None:
    price = builder.price()
    decimal, scale, notes = decide.amount_settings(price, price.name if price else None)
    builder.settings["decimal"] = decimal
    builder.settings["amount_scale"] = scale
    builder.evidence.extend(notes)
    zoned = [v for values in builder.date_values.values() for v in values if re.search(r"\d ?(Z|UTC|GMT|[+-]\d\d:?\d\d)$", v)]
    currency_column = builder.mapped("currency")
    codes = currency_column.values[:400] if currency_column is not None else []
    formats = [*(builder.settings.get("datetime_formats") or []), *(builder.settings.get("date_formats") or [])]
    words = country_of(builder.sample.header, builder.sample.rows, builder.language,
                       day_first=bool(formats) and all(str(f).startswith("%d") for f in formats))
    country, zone, currency, notes = decide.decide_place(
        builder.mapped("phone"), builder.mapped("postal_code"), price, codes, zoned, builder.language,
        emails=builder.columns_of(builder.columns_map.get("email", [])), words=words)
    builder.settings.update({"country": country, "timezone": zone, "currency": currency})
    builder.evidence.extend(notes)
    postcodes = builder.mapped("postal_code")
    abroad = decide.postcodes_abroad(builder.mapped("phone"), builder.language, currency)
    if postcodes is not None and abroad is not None:
        # Read as the codes of the country chosen in its stead, they would place patrons where they do not live.
        del builder.columns_map["postal_code"]
        builder.used.discard(postcodes.index)
        builder.evidence = [e for e in builder.evidence if e.key != "columns.postal_code"]
        builder.undecided.append(_("{column} holds the postal codes of a country culturecoop reads none of ({hint}): "
                                   "it is left out, so that patrons' areas stay empty rather than be read as "
                                   "postal codes of the country chosen, {country}.").format(
                                       column=postcodes.name, hint=abroad, country=said_country(country)))


def _consent(builder: DraftBuilder) -> None:
    if "consent_pooling" in builder.columns_map:
        return
    builder.note("consent_defaults", None, _("no column says whether a patron agreed to pooling"), check=True)
    builder.undecided.append(_(POOLING_UNDECIDED))


def _marketing_scope(builder: DraftBuilder) -> None:
    """A marketing opt-in column is the member's to confirm: at the cooperative a "yes" lets the
    cooperative's e-mail campaigns reach the person, whichever member sends them, while a vendor's
    opt-in ("Accepts Marketing", "Organiser mail list") often covers the venue's own newsletter."""
    column = builder.mapped("consent_marketing")
    if column is None:
        return
    # This note replaces the column's first one (the draft shows one line per field).
    builder.evidence = [e for e in builder.evidence if e.key != "columns.consent_marketing"]
    builder.note("columns.consent_marketing", column.name,
                 _("read as consent to the cooperative's e-mail campaigns"), check=True)
    builder.undecided.append(_("Check what {column} covers: read as marketing consent, a yes lets the "
                               "cooperative's e-mail campaigns reach the person, whichever member sends them. If "
                               "it only covers your own newsletter, choose no column for {field}.").format(
        column=column.name, field=named("consent_marketing")))


def _unused(builder: DraftBuilder) -> list[str]:
    return [c.name for c in builder.columns if c.index not in builder.used and c.name not in _all_names(builder)]


def _all_names(builder: DraftBuilder) -> set[str]:
    names: set[str] = set()
    for spec in builder.columns_map.values():
        names.update(c.name for c in builder.columns_of(spec))
    return names


def _mapping_of(builder: DraftBuilder) -> dict[str, Any]:
    name = re.sub(r"[^a-z0-9]+", "-", vocab.fold(builder.sample.path.stem)).strip("-") or "my-export"
    order = [f for f in CANONICAL_FIELDS if f in builder.columns_map]
    if "full_name" in builder.columns_map:
        order.append("full_name")
    settings = {k: builder.settings[k] for k in SETTING_ORDER if builder.settings.get(k) is not None}
    if settings.get("format") == "xlsx":
        for key in ("encoding", "delimiter", "quote"):
            settings.pop(key, None)
    made_from = "Drafted from {file}"
    description = {lang: gettext_in(made_from, lang).format(file=builder.sample.path.name) for lang in ("en", "fr")}
    return {"name": name, "description": description, **settings,
            "columns": {f: builder.columns_map[f] for f in order}}
