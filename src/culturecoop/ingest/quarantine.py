"""The guard against mass quarantine: one fixable reason never silently costs a file its rows.

Bad rows are quarantined one by one, with their reasons. But when one rule rejects a large
share of the rows (by default more than 20 %), or no row is accepted, or an optional field
(event time, birth date) cannot be read in most rows, the cause is almost always one setting of
the mapping: a status word it does not know, a date format, the decimal mark. Then ``prepare``
writes nothing and says which values failed and which setting fixes them.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from typing import Any

import duckdb
from babel.numbers import format_decimal, format_percent

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language, plural
from culturecoop.ingest.jsondoc import loads
from culturecoop.ingest.profile import SECTION_COLUMN, Profile
from culturecoop.ingest.shapes import is_yearless, says_no_value
from culturecoop.ingest.source import SourceInfo, bound_params
from culturecoop.ingest.validate import FIELD_OF_RULE, amount_field
from culturecoop.ingest.words import (
    QUARANTINE_ANYWAY,
    REJECT_REASONS,
    field_named,
    say,
    setting_named,
)

DEFAULT_MAX_REJECT_SHARE = 0.2
# Reasons that no mapping or setting could change (the rows simply hold nothing to load).
UNFIXABLE = frozenset({"anonymous_sale"})
# Below this many rows a reason is a handful of bad rows, not a pattern (a tiny export).
MIN_REJECTS_FOR_PATTERN = 10
# Optional fields left empty in more than this share of the rows that fill them stop the file.
MAX_DROPPED_SHARE = 0.2


def _n(value: int) -> str:
    return format_decimal(value, locale="fr_CA" if current_language() == "fr" else "en_CA")


def _share(value: float) -> str:
    return format_percent(value, locale="fr_CA" if current_language() == "fr" else "en_CA")


def _examples(con: duckdb.DuckDBPyConnection, info: SourceInfo, field: str, condition: str) -> list[tuple[str, int]]:
    """The commonest raw values of ``field`` among the rows meeting ``condition`` (on checked)."""
    rows = con.execute(
        f"""SELECT coalesce({field}, ''), count(*) AS n
        FROM {info.lines_where(f"line_no IN (SELECT line_no FROM checked WHERE {condition})")}
        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3""",
        info.params,
    ).fetchall()
    return [(str(v), int(n)) for v, n in rows]


def _listed(examples: list[tuple[str, int]]) -> str:
    return ", ".join(f"«{v}» ({_n(n)})" if v else _("empty ({n})").format(n=_n(n)) for v, n in examples)


def _source(profile: Profile, field: str) -> str:
    spec = profile.columns.get(field)
    return spec.describe() if spec is not None else field


def _named(field: str) -> str:
    return field_named(field, current_language())


def _setting(key: str) -> str:
    return setting_named(key, current_language())


def _advice(rule: str, profile: Profile, examples: list[tuple[str, int]]) -> str:
    """What to change in the mapping for the rows failing ``rule``, in words that work in the
    member app's form and in the mapping file alike (each field by its label, its key after)."""
    first = examples[0][0] if examples else ""
    if rule == "bad_status":
        return _("say what «{value}» means in the mapping's YAML: add `status_values: {{{value}: sold}}` (or "
                 "refunded, cancelled, exchanged)").format(value=first or "…")
    if rule == "bad_line_kind":
        return _("say whether «{value}» is a ticket in the mapping's YAML: add `line_kind_values: {{{value}: ticket}}` "
                 "(or other, for a donation, a membership, merchandise: such rows are left out)").format(
                     value=first or "…")
    if rule == "bad_purchased_at" and examples and all(v and is_yearless(v) for v, _n in examples):
        # « 01/10 » with no dated line in the file to take a year from: no format can read it.
        return _("these dates carry no year and no line of the file gives one: export them with their year "
                 "(such as {example}/{year}), or choose for {field} the column that holds the purchase time").format(
                     example=first.strip().rstrip("."), year=date.today().year, field=_named("purchased_at"))
    if rule == "bad_purchased_at":
        return _("add the format of these dates to the {formats} (for example %d/%m/%Y %H:%M), or choose for "
                 "{field} the column that holds the purchase time").format(
                     formats=_setting("datetime_formats"), field=_named("purchased_at"))
    if rule in ("implausible_purchased_at", "purchase_in_future"):
        return _("check that the column chosen for {field} holds the purchase time, and that the {formats} "
                 "read the day and the month in the right order").format(
                     field=_named("purchased_at"), formats=_setting("datetime_formats"))
    if rule == "bad_price" and examples and all(says_no_value(v) and "?" not in v for v, _n in examples):
        return _("these rows have no price: if they are seats given (invitations, press, guests), write "
                 "`blank_price: 0` in the mapping's YAML; if not, choose for {field} the column that holds "
                 "their amounts").format(field=_named(amount_field(profile)))
    if rule == "bad_price":
        return _("check the {decimal} (a point or a comma) and that the column chosen for {field} holds "
                 "amounts").format(decimal=_setting("decimal"), field=_named(amount_field(profile)))
    if rule == "bad_quantity":
        return _("choose for {field} the column of the number of admissions, or no column (each row is then "
                 "one ticket)").format(field=_named("quantity"))
    if rule == "bad_currency":
        return _("choose for {field} a column of codes such as CAD or EUR, or no column and set the "
                 "{default}").format(field=_named("currency"), default=_setting("currency"))
    if rule == "missing_ticket_id" and profile.numbers_tickets:
        # The lines are numbered within their orders: a line without its order's number has none.
        return _("choose for {order} a column that gives the order's number on every one of its lines, or for "
                 "{ticket} the column of ticket numbers").format(order=_named("order_id"), ticket=_named("ticket_id"))
    if rule == "missing_ticket_id":
        return _("choose for {ticket} the column of ticket numbers, or no column there and the column of order "
                 "numbers for {order} (each order's lines are then numbered)").format(
                     ticket=_named("ticket_id"), order=_named("order_id"))
    if rule == "missing_patron_id":
        return _("choose no column for {field}, so that the e-mail, else the phone, tells who bought; or, in the "
                 "mapping's YAML, give it a fallback such as `patron_id: [Customer ID, Email, Phone]`").format(
                     field=_named("patron_id"))
    spec = profile.columns.get("event_id")
    if rule == "missing_event_id" and spec is not None and SECTION_COLUMN in spec.sources:
        return _("these rows have no line above them naming their show (a line with its first cell alone, such "
                 "as « SPECTACLE DU 27 NOVEMBRE 2026 – 20 h »); add such a line above them, or choose for {field} "
                 "the column that tells the events apart").format(field=_named("event_id"))
    if rule == "missing_event_id":
        return _("choose for {field} the column that tells the events apart; if the export holds one event, "
                 "write `{{value: …}}` or `{{file_name: true}}` for it in the mapping's YAML").format(
                     field=_named("event_id"))
    if rule == "duplicate_ticket":
        return _("if the export has one row per order line, choose the column of order numbers for {order} and "
                 "no column for {ticket}; if the same ticket appears on several rows for another reason, choose "
                 "for {ticket} a column that is unique per ticket").format(
                     order=_named("order_id"), ticket=_named("ticket_id"))
    if rule == "refund_exceeds_sale":
        return _("check that the column chosen for {quantity} holds each line's number of seats and the column "
                 "chosen for {price} its amount, on sales and refunds alike").format(
                     quantity=_named("quantity"), price=_named(amount_field(profile)))
    if rule == "bad_refunded_amount":
        return _("check the {decimal} and that the column chosen for {field} holds amounts, or choose no column for "
                 "it").format(decimal=_setting("decimal"), field=_named("refunded_amount"))
    if rule == "refund_exceeds_paid":
        return _("check that the column chosen for {field} gives what was given back of each row's amount; if it is "
                 "each order's, write `refunded_amount_per: order` in the mapping's YAML; if it counts taxes, fees or "
                 "shipping the price leaves out, choose no column for it").format(field=_named("refunded_amount"))
    if rule == "malformed_line":
        return _("check the {delimiter}, the quote character (`quote`) and the {skip} if a title sits above the "
                 "column names").format(delimiter=_setting("delimiter"), skip=_setting("skip_lines"))
    return _("check the mapping")


def guard_quarantine(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile,
                     rows_in: int, by_reason: dict[str, int], max_share: float, *, accepted: int,
                     unnamed: int) -> None:
    """Raise ``UserError`` when one reason rejects more than ``max_share`` of ``rows_in``, or
    when no row naming a buyer is accepted (``accepted``; ``unnamed`` rows accepted name nobody; see
    the module's doc). The reason is said in words, never by its rule's code; the override is named
    for the member app (its box) and the command line."""
    if not accepted and unnamed:
        # Every sale names nobody: a box office's cash sheet, or buyer columns the mapping missed.
        raise UserError(plural(unnamed, "No row names a buyer, so nothing was written: the only row accepted is a sale "
                               "naming nobody (no customer number, e-mail, phone or name), and the cooperative counts "
                               "people; check that the mapping reads the buyer's columns, or send the export that "
                               "names it.",
                               "No row names a buyer, so nothing was written: the {n} rows accepted are sales naming "
                               "nobody (no customer number, e-mail, phone or name), and the cooperative counts people; "
                               "check that the mapping reads the buyer's columns, or send the export that names them."
                               ).format(n=_n(unnamed)))
    # Sales naming nobody are no mistake to fix: however many, they never stop a run (counted).
    over = {r: n for r, n in by_reason.items()
            if n > max_share * rows_in and n >= MIN_REJECTS_FOR_PATTERN and r not in UNFIXABLE}
    if accepted and not over:
        return
    if not by_reason:
        return
    rule = max(over or by_reason, key=lambda r: by_reason[r])
    field = FIELD_OF_RULE.get(rule)
    if field == "unit_price":
        field = amount_field(profile)
    if field == "ticket_id" and profile.numbers_tickets:
        field = "order_id"  # no ticket column: each line's ticket is its order's number and its place there
    examples = _examples(con, info, field, f"list_contains(reasons, '{rule}')") if field else []
    parts: dict[str, Any] = {
        "n": _n(by_reason[rule]), "total": _n(rows_in), "reason": say(REJECT_REASONS, rule, current_language()),
        "values": _listed(examples), "column": _source(profile, field) if field else "",
        "field": _named(field) if field else "", "advice": _advice(rule, profile, examples),
    }
    override = _("or, to set them aside anyway, tick “{box}” (or run prepare again with --max-reject-share 1)").format(
        box=_(QUARANTINE_ANYWAY))
    on = _(" in the column {column} chosen for {field}, with the values {values}").format(**parts) if examples else ""
    if not accepted:
        raise UserError(plural(by_reason[rule], "No row was accepted, so nothing was written: {n} row out of {total} is "
                               "set aside ({reason}){on}; {advice}.",
                               "No row was accepted, so nothing was written: {n} rows out of {total} are set aside "
                               "({reason}){on}; {advice}.").format(**parts, on=on))
    raise UserError(plural(by_reason[rule], "Nothing was written: {n} row out of {total} is set aside ({reason}){on}; "
                           "{advice}, {override}.",
                           "Nothing was written: {n} rows out of {total} are set aside ({reason}){on}; {advice}, "
                           "{override}.").format(**parts, on=on, override=override))


def guard_dropped_fields(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile,
                         max_share: float) -> dict[str, int]:
    """Raise ``UserError`` when an optional date field is unreadable in most rows that fill it;
    return how many rows had each field left empty."""
    row = con.execute(
        """SELECT count_if(starts_dropped), count_if(birth_dropped), count_if(starts_given),
                  count_if(birth_given)
        FROM checked WHERE len(reasons) = 0"""
    ).fetchall()[0]
    dropped = {"event_starts_at": int(row[0] or 0), "birth_date": int(row[1] or 0)}
    given = {"event_starts_at": int(row[2] or 0), "birth_date": int(row[3] or 0)}
    for field, flag in (("event_starts_at", "starts_dropped"), ("birth_date", "birth_dropped")):
        filled = given[field]
        if filled and dropped[field] > max_share * filled and dropped[field] >= 5:
            examples = _examples(con, info, field, f"len(reasons) = 0 AND {flag}")
            formats = _setting("datetime_formats" if field == "event_starts_at" else "date_formats")
            raise UserError(
                _("Nothing was written: {field}, read from the column {column}, cannot be read or is implausible "
                  "in {n} of the {total} rows that fill it ({share}), with the values {values}; add their format "
                  "to the {formats}, or choose another column for it.").format(
                    field=_named(field), column=_source(profile, field), n=_n(dropped[field]), total=_n(filled),
                    share=_share(dropped[field] / filled), values=_listed(examples), formats=formats)
            )
    return {k: v for k, v in dropped.items() if v}


# An identifier Excel wrote in scientific notation (its General format shows a number of 12 digits or
# more as « 8,84213E+11 » and saves it so): its last digits are lost.
_ROUNDED_ID = "(^|[^0-9A-Za-z.,])[0-9]([.,][0-9]+)?[eE]\\+[0-9]{2}($|[^0-9A-Za-z])"
_ID_FIELDS = ("ticket_id", "order_id", "event_id", "patron_id")



def rounded_id_sql(column: str) -> str:
    """SQL: whether ``column`` holds an identifier Excel rounded (``_ROUNDED_ID``). The pattern is tried only on
    a value with a « + »: tried on every identifier, it took 0.33 s of CPU per million rows, now 0.13 s."""
    return f"CASE WHEN contains({column}, '+') THEN regexp_matches({column}, '{_ROUNDED_ID}') ELSE false END"

def guard_rounded_identifiers(con: duckdb.DuckDBPyConnection, profile: Profile, info: SourceInfo) -> None:
    """Raise ``UserError`` when an identifier column holds numbers Excel rounded to scientific notation
    (the export opened and saved again in Excel): tickets, orders, events or patrons whose numbers
    differ only in their last digits would become one (two shows one event, two buyers one patron),
    with no row set aside to tell."""
    fields = [f for f in _ID_FIELDS if f in profile.columns]
    if not fields:
        return
    found = con.execute(
        "SELECT " + ", ".join(
            f"min(line_no) FILTER (WHERE {rounded_id_sql(f)}), min_by({f}, line_no) FILTER (WHERE {rounded_id_sql(f)})"
            for f in fields)
        + " FROM checked").fetchall()[0]
    for i, field in enumerate(fields):
        line, value = found[2 * i], found[2 * i + 1]
        if line is not None:
            raise UserError(
                _("The column {column} chosen for {field} holds numbers Excel rounded, such as «{value}» on line "
                  "{line}: their last digits are lost, so different ones would become the same; export the file "
                  "again from your ticketing system and give it without saving it in Excel (or, in Excel, format "
                  "that column as Text before the numbers are read).").format(
                    column=_source(profile, field), field=_named(field), value=value, line=info.line_label(line)))


def cut_short_warnings(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile) -> list[str]:
    """A sentence when the text export's last line stops before the header's last columns and no line
    break ends it: a file cut short (a download or a copy interrupted), whose rows after the cut are not
    in it. The line is read as any other (set aside when it stops before a column a ticket needs); the
    member is told to check the file is whole."""
    if info.text_path is None or profile.format not in ("csv", "jsonl") or not (info.header or profile.format == "jsonl"):
        return []
    with info.text_path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - (1 << 20)))
        tail = f.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return []
    last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    if profile.format == "jsonl":
        return _cut_record_warnings(con, info, last)
    if len(profile.delimiter) == 1 and len(profile.quote) == 1:
        cells = next(csv.reader([last], delimiter=profile.delimiter, quotechar=profile.quote), [])
    else:
        cells = last.split(profile.delimiter)
    line = con.execute("SELECT max(line_no) FROM checked").fetchall()[0][0]
    if line is None:
        return []
    if len(cells) >= len(info.header):
        return cut_last_word_warnings(con, info, profile, cells[len(info.header) - 1].strip(), int(line))
    return [_("The last line of {path} (line {line}) stops before the header's last columns with no line break "
              "after it, as a file cut short does (a download or a copy interrupted); check that the file holds "
              "the whole export, or export it again.").format(path=info.path.name, line=info.line_label(int(line)))]


def cut_last_word_warnings(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, last: str,
                           line: int) -> list[str]:
    """A sentence when the last cell (``last``) of an export's last line, with no line break after it, is
    the start of a word written in its column on other lines, or of a word the mapping gives that column
    (« Confirm » where the others say « Confirmed »): a file cut short in the middle of its last word,
    whatever its last column. A number cut short (« 12 » for « 12.50 ») reads as a number: not said."""
    column = info.header[-1]
    if not any(ch.isalpha() for ch in last) or "\\E" in last:
        return []
    words = {w for name, spec in profile.columns.items() if spec.sources == (column,)
             for w in _mapped_words(profile, name)}
    longer = sorted(w for w in words if len(w) > len(last) and w.casefold().startswith(last.casefold()))
    if last.casefold() in {w.casefold() for w in words}:
        return []
    d, q = re.escape(profile.delimiter), re.escape(profile.quote or "")
    quote = f"{q}?" if q else ""
    # The column's values on the other lines: the text after the line's last delimiter.
    same, word = con.execute(
        f"""SELECT count_if(regexp_matches(raw, $exact)), min(nullif(regexp_extract(raw, $longer, 1), ''))
            FROM {info.relation} WHERE NOT blank AND line_no < $cut_line""",
        bound_params(info.relation, info.params) | {
            "exact": f"{d}{quote}\\Q{last}\\E{quote}\\r?$", "longer": f"{d}{quote}(\\Q{last}\\E[^{d}{q}]+){quote}\\r?$",
            "cut_line": line}).fetchall()[0]
    if same:
        return []
    found = word or (longer[0] if longer else None)
    if not found:
        return []
    return [_("The last line of {path} (line {line}) ends with “{value}” and no line break, the start of “{word}” "
              "written in that column elsewhere, as a file cut short in the middle of a word does (a download or a "
              "copy interrupted); check that the file holds the whole export, or export it again.").format(
        path=info.path.name, line=info.line_label(line), value=last, word=found)]


def _cut_record_warnings(con: duckdb.DuckDBPyConnection, info: SourceInfo, last: str) -> list[str]:
    """A sentence when a JSON lines export's last line, with no line break after it, is no whole JSON
    object: the file was cut short in the middle of a record (set aside as unreadable, as any such line)."""
    try:
        loads(last)
        return []
    except ValueError:
        pass
    line = con.execute("SELECT max(line_no) FROM checked").fetchall()[0][0]
    if line is None or not last.lstrip().startswith("{"):
        return []
    return [_("The last line of {path} (line {line}) stops in the middle of a record with no line break after it, as "
              "a file cut short does (a download or a copy interrupted); check that the file holds the whole export, "
              "or export it again.").format(path=info.path.name, line=line)]


def _mapped_words(profile: Profile, field: str) -> list[str]:
    """The words the mapping reads for ``field`` (its status words, yes and no, ...)."""
    maps = {"status": profile.status_values, "line_kind": profile.line_kind_values,
            "channel": profile.channel_values, "patron_language": profile.language_values}
    return [str(w) for w in maps.get(field, {})]


# A median ticket above this (in the export's currency) is far more likely cents than a price.
CENTS_MEDIAN = 500


def plausibility_warnings(con: duckdb.DuckDBPyConnection, profile: Profile) -> list[str]:
    """Sentences about accepted values that are possible but unlikely (amounts in cents)."""
    out: list[str] = []
    row = con.execute(
        """SELECT median(unit_price), count(*) FROM checked
        WHERE len(reasons) = 0 AND NOT refund AND unit_price > 0"""
    ).fetchall()[0]
    median = float(row[0]) if row[0] is not None else 0.0
    if profile.amount_scale == 1 and median > CENTS_MEDIAN:
        out.append(_("The median ticket price is {price}: if the export gives amounts in cents, set {scale} "
                     "to 0.01 and prepare again.").format(price=_n(round(median)), scale=_setting("amount_scale")))
    return out


def unreadable_price_warnings(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile,
                              by_reason: dict[str, int]) -> list[str]:
    """The rows set aside for a price that is written but read as no amount (« ??? », « à voir »), said
    as such with the values quoted: the reason's own words (« prix manquant ou qui n’est pas un montant »)
    read as if the cells were empty."""
    if not by_reason.get("bad_price"):
        return []
    field = amount_field(profile)
    rows = con.execute(
        f"""SELECT trim({field}) AS v, count(*) AS n
        FROM {info.lines_where("line_no IN (SELECT line_no FROM checked WHERE list_contains(reasons, 'bad_price'))")}
        WHERE nullif(trim({field}), '') IS NOT NULL
        GROUP BY 1 ORDER BY n DESC, min(line_no) LIMIT 50""",
        info.params,
    ).fetchall()
    written = [(str(v), int(n)) for v, n in rows if not says_no_value(str(v)) or "?" in str(v)]
    if not written:
        return []
    total = sum(n for _v, n in written)
    quoted = "«\u00a0{}\u00a0»" if current_language() == "fr" else "“{}”"
    shown = ", ".join(quoted.format(v) + ("" if n == 1 else f" ({_n(n)})") for v, n in written[:5])
    return [plural(total, "{n} row has a price that cannot be read as an amount ({values}): it was set aside; write "
                          "its amount in the export ({zero} for a seat given), then prepare it again.",
                   "{n} rows have a price that cannot be read as an amount ({values}): they were set aside; write "
                   "their amounts in the export ({zero} for a seat given), then prepare it again.").format(
        n=_n(total), values=shown + (", …" if len(written) > 5 else ""), zero="0")]
