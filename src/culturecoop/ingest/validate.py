"""Named row rules: every source row is parsed once and checked against all of them.

``check_rows`` turns the text relation of the export (see ``ingest.read``) into ``checked``:
the ticket fields parsed to their canonical types, and ``reasons``, the list of every rule the
row fails. A row is accepted when ``reasons`` is empty. A malformed line is only
``malformed_line``: its fields cannot be trusted enough to judge anything else. Event and patron
text stays in the source: ``ingest.split`` reads it once per distinct event and patron.

Optional fields never cost a ticket: an unreadable or implausible event time or birth date is
left empty and counted (``starts_dropped``, ``birth_dropped``). A negative amount or quantity
is a refund (``refund``): ``ingest.rows`` applies it to the sale it refunds.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb

from culturecoop.ingest import vocabulary
from culturecoop.ingest.ages import age_sql
from culturecoop.ingest.columns import SMALL_EXPORT_BYTES, is_large, writes_person
from culturecoop.ingest.dates import first_of, fix_two_digit_year, format_params, timestamp_sql
from culturecoop.ingest.labels import (
    DEFAULT_CHANNEL_VALUES,
    DEFAULT_FALSE,
    DEFAULT_STATUS_VALUES,
    DEFAULT_TRUE,
    UNPAID_WORDS,
)
from culturecoop.ingest.line_kinds import (
    ANY_OTHER_VALUE,
    LINE_KINDS,
    default_line_kind_values,
    sold_as_ticket_type,
)
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.refunded_amounts import PARTIAL, UNPAID
from culturecoop.ingest.shapes import (
    BIRTH_SERIAL_FROM,
    YEARLESS_SQL,
    no_value_sql,
    numeric_day_first,
    text_or_null_sql,
)
from culturecoop.ingest.shared_contacts import contact_key
from culturecoop.ingest.source import SourceInfo, bound_params
from culturecoop.ingest.title_dates import day_first_of, load_title_dates, title_start_sql
from culturecoop.ingest.vocabulary import fold, is_partial
from culturecoop.privacy.encodings import member_id_sql
from culturecoop.schema.model import CHANNELS, TICKET_STATUSES

# Rule name -> what it means (the rejects file and the summary show the names).
RULES: dict[str, str] = {
    "malformed_line": "the line cannot be split into the header's columns (broken quoting, "
    "wrong number of fields), is not a JSON object, or is longer than 1 MB",
    "missing_ticket_id": "no ticket identifier (nor an order identifier to number the order's lines)",
    "missing_patron_id": "no patron identifier (nor an e-mail standing in for it)",
    "anonymous_sale": "a sale naming nobody (no customer number, e-mail, phone or name: a door or cash "
    "sale): accepted as an admission of its event (`unnamed_sale`) unless it is a refund or breaks another rule",
    "missing_event_id": "no event identifier",
    "bad_purchased_at": "purchase time missing or not in the profile's date formats",
    "implausible_purchased_at": "purchase time before 1950",
    "purchase_in_future": "purchase time after the day the export was prepared",
    "bad_price": "unit price missing or not an amount",
    "bad_quantity": "quantity not a whole number between 1 and 10000",
    "bad_status": "status missing or not a label the profile knows",
    "bad_line_kind": "the column saying what the row sold (line_kind) is empty or holds a value line_kind_values "
    "does not name as ticket or other",
    "bad_currency": "currency not a three-letter ISO 4217 code",
    "duplicate_ticket": "ticket identifier already used by an accepted row on another line",
    "refund_exceeds_sale": "a refund row of more seats, or more money per seat, than is left of the sale it "
    "refunds (the same ticket, else a sale of its order and event)",
    "bad_refunded_amount": "the refunded amount (refunded_amount) is written but is not an amount",
    "refund_exceeds_paid": "the refunded amount (refunded_amount) is larger than what the row paid, or its order's "
    "lines when it is the order's (refunded_amount_per: order)",
}

# The rule each canonical field's bad values fail (to show the values in advice).
FIELD_OF_RULE: dict[str, str] = {
    "bad_purchased_at": "purchased_at", "implausible_purchased_at": "purchased_at",
    "purchase_in_future": "purchased_at", "bad_price": "unit_price", "bad_quantity": "quantity",
    "bad_status": "status", "bad_line_kind": "line_kind", "bad_currency": "currency", "missing_ticket_id": "ticket_id",
    "missing_patron_id": "patron_id", "missing_event_id": "event_id", "bad_refunded_amount": "refunded_amount",
}
# Event times further ahead than this are not believed (left empty and counted).
MAX_YEARS_AHEAD = 10
# No ticket of an export was bought, and no show of one began, before this year (« 0001-01-01 », a
# date typed for « unknown », or 1900, a spreadsheet's day zero): set aside, or left empty and counted.
EARLIEST_TICKET_YEAR = 1950


def amount_field(profile: Profile) -> str:
    """The field the amounts are read from: ``unit_price`` (one admission's), else ``total_price``
    (the whole row's, divided by its quantity)."""
    return "total_price" if "unit_price" not in profile.columns and "total_price" in profile.columns else "unit_price"


def _amount_sql(column: str, profile: Profile, *, blank_free: bool = False, large: bool = False) -> str:
    """SQL: the amount written in ``column``, scaled: the cheap cast first, the general amount parser
    only for what it cannot read; with ``blank_free``, 0 for an empty cell (a seat given). The empty cell is
    tested after the cast (which reads no empty cell), not around it: the cast would run twice."""
    general = f"cc_amount({column}, $dec)"
    if blank_free:  # empty, or saying nothing: « - », « N/A » (``shapes.says_no_value``); « ??? » is a doubt, no seat given
        general = (f"CASE WHEN {no_value_sql(column)} AND NOT contains(coalesce({column}, ''), '?') THEN 0::DECIMAL(18,4) "
                   f"ELSE {general} END")
    amount = first_of(f"TRY_CAST({trim_sql(column, large)} AS DECIMAL(18,4))", general) if profile.decimal == "." else general
    if profile.amount_scale != 1:  # an amount too large once scaled is none (``bad_price``), not a crash
        amount = f"TRY_CAST(CAST({amount} AS DECIMAL(38,4)) * CAST($scale AS DECIMAL(18,6)) AS DECIMAL(18,4))"
    return amount


def _types_sold_as_tickets(con: duckdb.DuckDBPyConnection, relation: tuple[str, dict[str, Any]],
                           listed: dict[str, str]) -> dict[str, str]:
    """The export's ticket types, unlisted by a mapping that makes the unlisted ones tickets (``"*"``),
    that are no tickets as the draft reads them (``line_kinds.sold_as_ticket_type``: « Don libre 20 $ »
    next month, where the draft saw « Don libre »): ``other``, rather than tickets by default."""
    known = {fold(k) for k in listed}
    sql = (f"SELECT DISTINCT trim(line_kind) FROM {relation[0]} WHERE nullif(trim(line_kind), '') IS NOT NULL "
           "LIMIT 10000")
    values = [str(r[0]) for r in con.execute(sql, bound_params(sql, relation[1])).fetchall()]
    return {v: "other" for v in values if fold(v) not in known and sold_as_ticket_type(v) is not None}


def label_params(con: duckdb.DuckDBPyConnection, profile: Profile,
                 relation: tuple[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Vendor labels as written and folded with ``cc_key`` (lookups ignore case and accents).

    The profile's own labels come first, then the canonical values, then the built-in vendor
    words whose folded form the profile does not define itself. Each ``*_keys`` list holds the
    labels as written followed by their folded forms, and the matching ``*_values`` list
    repeats the canonical values, so a row whose label is written exactly as listed never pays
    for folding.
    """

    status_builtin = {**{c: c for c in TICKET_STATUSES}, **{c.replace("_", " "): c for c in TICKET_STATUSES},
                      **DEFAULT_STATUS_VALUES}
    channel_builtin = {**{c: c for c in CHANNELS}, **{c.replace("_", " "): c for c in CHANNELS},
                       **DEFAULT_CHANNEL_VALUES}
    kind_builtin = ({**{k: k for k in LINE_KINDS}, **default_line_kind_values()} if "line_kind" in profile.columns
                    else {})
    # ``"*"`` is no label but what every unlisted one is (``check_rows``).
    own_kinds = {k: v for k, v in profile.line_kind_values.items() if k != ANY_OTHER_VALUE}
    if relation is not None and ANY_OTHER_VALUE in profile.line_kind_values and "line_kind" in profile.columns:
        own_kinds = {**_types_sold_as_tickets(con, relation, own_kinds), **own_kinds}
    true_words = [v for v in (*profile.true_values, *DEFAULT_TRUE) if v]
    false_words = [v for v in (*profile.false_values, *DEFAULT_FALSE) if v]
    # Every word folded in one query: each query costs far more than the folding itself.
    words = sorted({*profile.status_values, *status_builtin, *profile.channel_values, *channel_builtin,
                    *own_kinds, *kind_builtin, *true_words, *false_words})
    folded = dict(zip(words, (row[0] or "" for row in con.execute(
        "SELECT cc_key(k) FROM (SELECT unnest($k) AS k, generate_subscripts($k, 1) AS i) ORDER BY i",
        {"k": words}).fetchall()), strict=True))

    def fold(words: list[str]) -> list[str]:
        return [folded[w] for w in words]

    def both(mapping: dict[str, str]) -> tuple[list[str], list[str]]:
        keys = list(mapping)
        values = [mapping[k] for k in keys]
        return keys + fold(keys), values + values

    def with_builtin(own: dict[str, str], builtin: dict[str, str]) -> dict[str, str]:
        taken = set(fold(list(own)))
        merged = dict(own)
        for word, value in builtin.items():
            if word not in merged and word not in taken:
                merged[word] = value
        return merged

    status_keys, status_values = both(with_builtin(profile.status_values, status_builtin))
    # A partial refund counted as a sale is told apart until ``refunded_amounts`` reads what it gave back.
    status_values = [PARTIAL if v == "sold" and is_partial(k) else v for k, v in zip(status_keys, status_values,
                                                                                   strict=True)]
    # A checkout never paid (« En attente », "Abandoned") is cancelled, and counted apart (``unpaid``).
    # So is a booking a « Réglé » / « Payé » / "Paid" column says was not paid (« non », an empty box).
    said = profile.columns.get("status")
    paid_column = said is not None and said.form == "column" and vocabulary.classify_status(said.sources[0]) == "sold"
    status_values = [UNPAID if v == "cancelled" and (vocabulary.fold(k) in UNPAID_WORDS or (
        paid_column and (not k.strip() or vocabulary.classify_boolean(k) is False))) else v
                     for k, v in zip(status_keys, status_values, strict=True)]
    channel_keys, channel_values = both(with_builtin(profile.channel_values, channel_builtin))
    line_kind_keys, line_kind_values = both(with_builtin(own_kinds, kind_builtin))
    true_keys, _t = both(dict.fromkeys(true_words, "true"))
    false_keys, _f = both(dict.fromkeys(false_words, "false"))
    return {
        "status_keys": status_keys, "status_values": status_values,
        "channel_keys": channel_keys, "channel_values": channel_values,
        "line_kind_keys": line_kind_keys, "line_kind_values": line_kind_values,
        "true_keys": true_keys, "false_keys": false_keys,
    }


def trim_sql(column: str, large: bool = True) -> str:
    """SQL: ``trim(column)``, which takes spaces alone (Unicode's: « \u00a0 » too); on a ``large`` export only
    where there may be some to take: a value that begins or ends with a space, or holds a character beyond ASCII.
    trim copies every value (0.05-0.19 s of CPU per million, by their length), the test reads its ends and counts
    its bytes (0.02-0.04 s), but makes the query longer to plan: a small export keeps trim alone."""
    if not large:
        return f"trim({column})"
    return (f"CASE WHEN starts_with({column}, ' ') OR ends_with({column}, ' ') OR strlen({column}) <> length({column}) "
            f"THEN trim({column}) ELSE {column} END")


def _text_or_null(column: str, large: bool) -> str:
    """SQL: ``column`` trimmed, NULL where it is empty or says nothing (``shapes.text_or_null_sql``); a value
    with a digit, as nearly every date is, is only trimmed (``trim_sql``): it says something."""
    return f"CASE WHEN regexp_matches({column}, '[0-9]') THEN {trim_sql(column, large)} ELSE {text_or_null_sql(column)} END"


def _lookup(column: str, name: str, *otherwise: str, when: str | None = None) -> str:
    """SQL: the canonical value of a vendor label, exact match first, folded match second, then ``otherwise``;
    the folded match and ``otherwise`` only where ``when`` holds (``first_of``)."""
    return first_of(f"${name}_values[list_position(${name}_keys, {column})]",
                    f"${name}_values[list_position(${name}_keys, cc_key({column}))]", *otherwise, when=when)


# The fields that write a person on a line (how many a line writes picks the patron's line).
_PERSON_FIELDS = ("email", "phone", "first_name", "last_name", "full_name", "postal_code", "birth_date")
# The line's e-mail, phone and name as keys (NULL when not written), as written: the box office
# types its own address and number the same way each time.
CONTACT_KEYS = f"""CASE WHEN writes_email THEN {contact_key("email")} END AS contact_email,
                        CASE WHEN writes_phone THEN {contact_key("phone")} END AS contact_phone,
                        CASE WHEN writes_first_name OR writes_last_name OR writes_full_name
                             THEN hash(first_name, last_name, full_name) END AS name_key"""


# The characters a line's copy may carry more or less of at its ends: a space, a tab, a carriage return, a
# byte-order mark (two files joined whole).
_LINE_EDGES = ("' '", "chr(9)", "chr(13)", "chr(65279)")
# SQL: the hash of a line as written, without those characters at its ends (``ingest.repeats``). Only a line
# that begins or ends with one is trimmed: DuckDB's trim reads the whole line (2.4 s of CPU per million lines
# of 290 bytes, where the test of its ends takes 0.1 s).
_LINE_HASH = (f"hash(CASE WHEN {' OR '.join(f'starts_with(raw, {c}) OR ends_with(raw, {c})' for c in _LINE_EDGES)} "
              f"THEN trim(raw, {' || '.join(_LINE_EDGES)}) ELSE raw END)")


def check_rows(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, today: date) -> None:
    """Create ``checked`` from the source relation: parsed ticket fields, flags and ``reasons``
    (every failed rule; NULL for a blank line, which is no row)."""
    info.load(con)
    # Planning is what a small export waits for: it keeps the SQL that is shortest to plan, a large one the SQL that
    # costs least per row (``trim_sql``, ``columns.writes_person``, the rules' list built only where one fails).
    small = not is_large(info.path)
    extra = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d") if profile.format == "xlsx" else ()
    formats = (*profile.datetime_formats, *extra)
    date_formats = (*profile.date_formats, *(f for f in extra if "%H" not in f))
    bought = profile.columns.get("purchased_at")
    if bought is not None and bought.form == "value" and "%Y-%m-%d" not in date_formats:
        date_formats = (*date_formats, "%Y-%m-%d")  # one day for every row, as the member app's date picker writes it
    # Each parser runs once per row, in the innermost query, and only on rows that have a value;
    # the outer queries read its result as a column (a CASE repeating it would re-run it).
    # A field the mapping does not read is NULL: no parser (the date parser alone takes 0.05 s to plan).
    purchased = (timestamp_sql("purchased_at", formats, date_formats, when="purchased_at IS NOT NULL")
                 if "purchased_at" in profile.columns else "NULL::TIMESTAMP")
    start_spec = profile.columns.get("event_starts_at")
    in_text = start_spec is not None and start_spec.in_text > 0
    # A start read only in the events' names has no column of dates to parse first.
    starts = ("NULL::TIMESTAMP" if start_spec is None or (in_text and start_spec.form == "in_text")
              else timestamp_sql("event_starts_at", formats, date_formats, when="event_starts_at IS NOT NULL"))
    if in_text:
        load_title_dates(con, info.relation, info.params,
                         day_first_of(formats, date_formats, profile.country))
    birth = (first_of("CAST(try_strptime(birth_date, $d_formats) AS TIMESTAMP)",
                      timestamp_sql("birth_date", formats, date_formats, serials_from=BIRTH_SERIAL_FROM),
                      when="birth_date IS NOT NULL")
             if "birth_date" in profile.columns else "NULL::TIMESTAMP")
    # An age (``ingest.ages``): only the birth band is taken from it, never a birth date. Read only when mapped.
    ages = "age" in profile.columns
    age_text = f", {_text_or_null('age', not small)} AS age" if ages else ""
    age_read = f"\n                        age IS NOT NULL AS age_given, {age_sql('age')} AS age_years," if ages else ""
    age_out = ("year(purchased_at) - age_years AS age_year, age_given AND age_years IS NULL AS age_dropped" if ages
               else "NULL::INTEGER AS age_year, false AS age_dropped")
    # The cheap cast first; the general amount parser only for what it cannot read. An amount
    # of the whole row (``total_price``) is divided by the row's quantity further out.
    amount = amount_field(profile)
    price = _amount_sql(amount, profile, blank_free=profile.blank_price_free, large=not small)  # a row with no price: a seat given
    # What was given back (``ingest.refunded_amounts``), negative or positive alike: a cell without a digit
    # (empty, « - », "n/a") gives back nothing; one with digits that is no amount sets the row aside.
    refunded, refunded_written, row_worth = "NULL::DECIMAL(18,4)", "false", "NULL::DECIMAL(18,4)"
    if "refunded_amount" in profile.columns:
        refunded_written = "regexp_matches(coalesce(refunded_amount, ''), '[0-9]')"
        refunded = f"CASE WHEN {refunded_written} THEN abs({_amount_sql('refunded_amount', profile, large=not small)}) END"
        # The row's amount as the export writes it (a total before its division by the seats), to take refunds from.
        row_worth = ("abs(price)" if amount == "total_price" else "abs(price) * quantity")
    # An export without a status column sells every ticket it lists.
    status = _lookup(f"coalesce({trim_sql('status', not small)}, '')", "status") if "status" in profile.columns else "'sold'"
    # What the row sold: a ticket, or something else (a donation, a membership, merchandise) that is
    # left out of the package and counted (``not_ticket``). Without the column every row is a ticket.
    kinds = "line_kind" in profile.columns
    line_kind = _lookup(f"coalesce({trim_sql('line_kind', not small)}, '')", "line_kind") if kinds else "'ticket'"
    # ``line_kind_values: {"*": ticket}``: a value it does not list (a ticket type added since the draft),
    # or an empty cell, is that rather than rejected.
    kind_default = profile.line_kind_values.get(ANY_OTHER_VALUE) if kinds else None
    if kind_default is not None:
        line_kind = f"coalesce({line_kind}, $line_kind_default)"
    labels = label_params(con, profile, (info.relation, info.params))
    params: dict[str, Any] = {
        **info.params,
        **format_params(formats, date_formats, profile.timezone, today.year, info.serial_base),
        **{k: v for k, v in labels.items() if k.startswith(("status", "channel", "line_kind"))},
        "dec": profile.decimal,
        "currency": profile.currency,
        "today": today,
        "latest_purchase": datetime.combine(today + timedelta(days=2), time()),
        "latest_event": today.year + MAX_YEARS_AHEAD,
        "earliest": EARLIEST_TICKET_YEAR,
    }
    if profile.amount_scale != 1:
        params["scale"] = profile.amount_scale
    if kind_default is not None:
        params["line_kind_default"] = kind_default
    if "status" not in profile.columns:
        del params["status_keys"], params["status_values"]
    if not kinds:
        del params["line_kind_keys"], params["line_kind_values"]
    if "d_formats" not in params:
        params["d_formats"] = ["%Y-%m-%d"]
    # Most exports write every date in the mapping's own formats: a column whose every value the first
    # reading reads is parsed by that reading alone (the whole parser gives the same values). Each date column
    # the mapping reads: (its whole parser, its first reading).
    readings = {column: (whole, first) for column, whole, first in (
        ("purchased_at", purchased, timestamp_sql("purchased_at", formats, date_formats, first_only=True)),
        ("event_starts_at", starts, timestamp_sql("event_starts_at", formats, date_formats, first_only=True)),
        ("birth_date", birth, "CAST(try_strptime(birth_date, $d_formats) AS TIMESTAMP)"),
    ) if whole != "NULL::TIMESTAMP"}
    # On a large export the count would cost more than it saves.
    enough = _read_at_first(con, info, {c: first for c, (_whole, first) in readings.items()}, params) if small else set()
    parsed = {column: first if column in enough else whole for column, (whole, first) in readings.items()}
    purchased, starts, birth = (parsed.get(c, "NULL::TIMESTAMP") for c in ("purchased_at", "event_starts_at", "birth_date"))
    numbered = profile.numbers_tickets  # one row per order line (or per buyer and event): numbered later
    by_buyer = "ticket_id" in profile.columns  # ``{numbered: true}``: a row of no order by its buyer and event
    rules = [
        ("missing_ticket_id", ("order_id IS NULL AND (patron_id IS NULL OR event_id IS NULL)" if by_buyer
                               else "order_id IS NULL") if numbered else "ticket_id IS NULL"),
        ("missing_patron_id", "patron_id IS NULL AND NOT anonymous"),
        ("anonymous_sale", "patron_id IS NULL AND anonymous"),
        ("missing_event_id", "event_id IS NULL"),
        ("bad_purchased_at", "purchased_at IS NULL"),
        ("implausible_purchased_at", "year(purchased_at) < $earliest"),
        ("purchase_in_future", "purchased_at > $latest_purchase"),
        ("bad_price", "price IS NULL OR abs(price) >= 100000000"),
        ("bad_quantity", "quantity IS NULL"),
        ("bad_status", "status IS NULL"),
        ("bad_line_kind", "line_kind IS NULL"),
        ("bad_currency", "NOT regexp_full_match(currency, '[A-Z]{3}')"),
        ("bad_refunded_amount", "refunded_bad"),
    ]
    # Whether the line writes each field of a person, read once per field (``anonymous`` and
    # ``identity_fields`` both count them).
    writes = ", ".join(f"{writes_person(name, large=not small)} AS writes_{name}" for name in _PERSON_FIELDS)
    identity_fields = " + ".join(f"CAST(writes_{name} AS TINYINT)" for name in _PERSON_FIELDS)
    anonymous = " OR ".join(f"writes_{name}" for name in ("email", "phone", "first_name", "last_name", "full_name"))
    reason_list = ", ".join(f"CASE WHEN {cond} THEN '{name}' END" for name, cond in rules)
    # The list is built only for a row that fails a rule: for the others (nearly every row) the conditions are
    # read once, and no list is made and filtered by a lambda (0.2 s of CPU per million rows).
    any_failed = " OR ".join(f"({cond})" for _name, cond in rules) if not small else "true"
    per_admission = (",\n                                  CAST(price / coalesce(quantity, 1) AS DECIMAL(18,4)) AS price"
                     if amount == "total_price" else "")
    # A date read in a name: where the column read first gave none, the name's, its year (when the
    # name writes none) from the first purchase of the name's tickets. Only a date found in a name
    # counts as given: a name without one is no unreadable start.
    fixed_starts = fix_two_digit_year("starts_at", "starts_written")
    title_starts, starts_given, title_columns, title_join = fixed_starts, "event_starts_at IS NOT NULL", "", ""
    if in_text:
        first_purchase = "min(purchased_at) OVER (PARTITION BY event_id, starts_text)"
        title_starts = (f"coalesce({fixed_starts}, CASE WHEN title_parts IS NOT NULL "
                        f"THEN {title_start_sql('title_parts', first_purchase)} END)")
        starts_given = "title_date.p IS NOT NULL"
        title_columns = "\n                        title_date.p AS title_parts, event_starts_at AS starts_text,"
        title_join = " LEFT JOIN title_date ON title_date.t = event_starts_at"
    # An event named by its start's text beside its title ("Fest-noz samedi 1 novembre 2025 21h"): the
    # same show typed twice ("Samedi …", "samedi …", a wrong weekday) is one event, named by the
    # start as read ("… 2025-11-01 21:00") wherever the text was read as a start.
    event_spec = profile.columns.get("event_id")
    by_start = (start_spec is not None and start_spec.form == "column" and not in_text and event_spec is not None
                and event_spec.form in ("column", "join") and start_spec.sources[0] in event_spec.sources)
    # So is a start read in a tariff joined to the title (HelloAsso's « Tarif plein - Cabaret du 7 février »,
    # « Tarif adhérent - Cabaret du 7 février »): one show, whatever the tariff, never one event per tariff.
    title_spec, texts = profile.columns.get("event_title"), start_spec.text_sources if start_spec else ()
    by_start = by_start or (start_spec is not None and start_spec.form == "in_text" and len(texts) == 1
                            and event_spec is not None and event_spec.form == "join" and texts[0] in event_spec.sources
                            and title_spec is not None
                            # the tariff's text titles the show when the title joined is a season's (``draft_events``)
                            and (texts[0] not in title_spec.sources or len(event_spec.sources) > 1))
    start_named = ("CASE WHEN starts_text IS NOT NULL AND starts_at IS NOT NULL AND contains(event_id, starts_text) "
                   "THEN replace(event_id, starts_text, strftime(starts_at, '%Y-%m-%d %H:%M')) ELSE event_id END "
                   "AS event_id" if by_start else "event_id")
    if by_start:
        title_columns = title_columns or "\n                        event_starts_at AS starts_text,"
    # ``checked`` stays narrow: the raw line only where a rule failed, and no event or patron
    # text (``ingest.split`` fetches those for the one row it keeps per event and patron).
    sql = f"""CREATE TEMP TABLE checked AS
        SELECT line_no, CASE WHEN len(reasons) > 0 THEN raw END AS raw,
               ticket_id, order_id, patron_id, event_id, purchased_at, starts_at, quantity,
               unit_price, currency, channel,
               CASE WHEN refund THEN 'refunded' WHEN status = '{PARTIAL}' THEN 'sold'
                    WHEN status = '{UNPAID}' THEN 'cancelled' ELSE status END AS status,
               coalesce(status = '{PARTIAL}' AND NOT refund, false) AS partial,
               coalesce(status = '{UNPAID}' AND NOT refund, false) AS unpaid,
               status_blank, birth_date, refund, refunded, row_worth, false AS merged, false AS unnamed,
               false AS summary_row, not_ticket,
               starts_dropped, birth_dropped,
               starts_given, birth_given, purchased_blank, identity_fields, contact_email, contact_phone, name_key,
               age_year, age_dropped, reasons,
               -- The line as written, as a hash (``ingest.repeats`` finds an export given twice by it).
               CASE WHEN NOT blank THEN {_LINE_HASH} END AS line_hash
        FROM (
        SELECT *, CASE WHEN blank THEN NULL
                       WHEN malformed THEN ['malformed_line']
                       -- No ticket (a donation, merchandise): no row of the package, and no reject either.
                       WHEN not_ticket THEN NULL
                       WHEN {any_failed} THEN list_filter([{reason_list}], lambda r: r IS NOT NULL)
                       ELSE []::VARCHAR[] END AS reasons
        FROM (SELECT *, NOT blank AND NOT malformed AND coalesce(line_kind = 'other', false) AS not_ticket FROM (
            SELECT line_no, raw, blank, malformed, ticket_id, order_id, patron_id, {start_named}, anonymous,
                   purchased_at, quantity, currency, channel, status, status_blank, line_kind, price, refunded,
                   refunded_bad, row_worth, starts_given,
                   birth_given, purchased_blank, identity_fields, contact_email, contact_phone, name_key,
                   CASE WHEN abs(price) < 100000000 THEN CAST(abs(price) AS DECIMAL(10,2)) END AS unit_price,
                   price < 0 OR negative_quantity AS refund,
                   CASE WHEN year(starts_at) BETWEEN $earliest AND $latest_event THEN starts_at END AS starts_at,
                   starts_given AND coalesce(year(starts_at) NOT BETWEEN $earliest AND $latest_event, true)
                       AS starts_dropped,
                   {age_out},
                   CASE WHEN birth_date BETWEEN DATE '1900-01-01' AND $today THEN birth_date END AS birth_date,
                   birth_given AND coalesce(birth_date NOT BETWEEN DATE '1900-01-01' AND $today, true)
                       AS birth_dropped
            FROM (
                SELECT * REPLACE ({fix_two_digit_year("purchased_at", "purchased_written")} AS purchased_at,
                                  {title_starts} AS starts_at,
                                  CAST({fix_two_digit_year("birth_date", "birth_written")} AS DATE) AS birth_date{per_admission}),
                       TRY_CAST({row_worth} AS DECIMAL(18,4)) AS row_worth,
                       refunded_written AND refunded IS NULL AS refunded_bad
                FROM (
                    SELECT line_no, raw, blank, malformed,
                        nullif({trim_sql("ticket_id", not small)}, '') AS ticket_id, nullif({trim_sql("order_id", not small)}, '') AS order_id,
                        {member_id_sql("patron_id")} AS patron_id,
                        nullif({trim_sql("event_id", not small)}, '') AS event_id,
                        -- Nothing names a person: a door or cash sale, not a fixable omission.
                        -- "N/A", "Guest", "Info Requested" name nobody either.
                        NOT ({anonymous}) AS anonymous,
                        -- How much of the person the line writes: an order export may write it on
                        -- the order's first line only (``ingest.rows``, ``ingest.split``'s pick).
                        {identity_fields} AS identity_fields,
                        -- Who the line's e-mail, phone and name are, as keys (``ingest.shared_contacts``
                        -- finds an address written for many people, the box office's).
                        {CONTACT_KEYS},
                        purchased_at IS NULL AS purchased_blank,
                        -- As written: a year written with four digits is never read as two.
                        purchased_at AS purchased_written, event_starts_at AS starts_written,
                        birth_date AS birth_written,
                        {purchased} AS purchased_at,
                        {starts_given} AS starts_given,
                        {starts} AS starts_at,{title_columns}
                        {price} AS price,
                        {refunded} AS refunded, {refunded_written} AS refunded_written,
                        CASE WHEN quantity IS NULL THEN 1 ELSE coalesce(cc_row_quantity(quantity),
                             CASE WHEN {no_value_sql("quantity")} THEN 1 END) END AS quantity,
                        CASE WHEN starts_with({trim_sql("quantity", not small)}, '-') THEN regexp_matches(quantity, '[0-9]')
                             ELSE false END AS negative_quantity,  -- « - » alone says no number, as an empty cell
                        upper({first_of(f"nullif({trim_sql('currency', not small)}, '')", f"cc_amount_currency({amount})", "$currency")}) AS currency,
                        {status} AS status,
                        nullif({trim_sql("status", not small)}, '') IS NULL AS status_blank,
                        {line_kind} AS line_kind,
                        {_lookup(trim_sql("channel", not small), "channel", "'other'", when="channel IS NOT NULL")} AS channel,
                        birth_date IS NOT NULL AS birth_given,{age_read}
                        {birth} AS birth_date
                    FROM (SELECT * REPLACE ({_text_or_null("purchased_at", not small)} AS purchased_at,  -- « - » too
                                            {_text_or_null("event_starts_at", not small)} AS event_starts_at,
                                            {_text_or_null("birth_date", not small)} AS birth_date{age_text}), {writes}
                          FROM {info.relation}){title_join}
                )))))"""
    # The parameters of the parsers and lookups the query holds (DuckDB refuses one it does not use).
    used = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
    con.execute(sql, {k: v for k, v in params.items() if k in used})
    _dates_without_year(con, info, formats, date_formats, params["latest_purchase"])


# An export up to this size has its dates counted before they are parsed (``_read_at_first``): the count
# costs about 0.7 s per million rows, the parser's planning it can save 0.2 s.
_SMALL_EXPORT_BYTES = SMALL_EXPORT_BYTES


def _read_at_first(con: duckdb.DuckDBPyConnection, info: SourceInfo, firsts: dict[str, str],
                   params: dict[str, Any]) -> set[str]:
    """The date columns of ``firsts`` (column: its parser's first reading) whose every written value that
    reading reads (on every line but the blank ones and the header written again)."""
    if not firsts:
        return set()
    counts = ", ".join(f"count_if({column} IS NOT NULL AND ({first}) IS NULL)" for column, first in firsts.items())
    trimmed = ", ".join(f"nullif(trim({column}), '') AS {column}" for column in firsts)
    sql = f"SELECT {counts} FROM (SELECT * REPLACE ({trimmed}) FROM {info.relation}) WHERE NOT blank"
    used = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
    missed = con.execute(sql, {k: v for k, v in params.items() if k in used}).fetchone() or ()
    return {column for column, n in zip(firsts, missed, strict=True) if n == 0}


def _dates_without_year(con: duckdb.DuckDBPyConnection, info: SourceInfo, formats: tuple[str, ...],
                        date_formats: tuple[str, ...], latest_purchase: datetime) -> None:
    """A purchase written as a day and a month without a year takes the year that puts it nearest
    the purchase dated on the closest line (above it when two are as close): « 15/01 » beside
    purchases of late December is January of the next year. Day and month come in the order
    of the mapping's formats; formats that write the year first read no such dates. Only lines set
    aside as ``bad_purchased_at`` are looked at; ``undated_years`` holds each date given a year (and
    the text it was read from), said by ``prepare``."""
    day_first = numeric_day_first((*formats, *date_formats))
    con.execute("CREATE OR REPLACE TEMP TABLE undated_years (line_no BIGINT, written VARCHAR, purchased_at TIMESTAMP)")
    if day_first is None:
        return
    day, month = ("a", "b") if day_first else ("b", "a")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE undated_typed AS
        SELECT line_no, trim(purchased_at) AS written, regexp_extract(purchased_at, '^{YEARLESS_SQL}$', ['a', 'b']) AS p
        FROM {info.lines_where(
            "line_no IN (SELECT line_no FROM checked WHERE list_contains(reasons, 'bad_purchased_at') "
            "AND NOT list_contains(reasons, 'malformed_line'))")}
        WHERE regexp_full_match(purchased_at, '{YEARLESS_SQL}')""",
        info.params,
    )
    if not con.execute("SELECT count(*) FROM undated_typed").fetchall()[0][0]:
        return
    con.execute(
        f"""INSERT INTO undated_years
        WITH dated AS (SELECT line_no, CAST(purchased_at AS DATE) AS d FROM checked
                  WHERE purchased_at IS NOT NULL AND NOT list_contains(reasons, 'malformed_line')),
        near AS (
            SELECT t.line_no, t.written, CAST(t.p.{day} AS INTEGER) AS dd, CAST(t.p.{month} AS INTEGER) AS mm,
                   CASE WHEN a.d IS NULL OR t.line_no - b.line_no <= a.line_no - t.line_no THEN coalesce(b.d, a.d)
                        ELSE a.d END AS n
            FROM undated_typed t ASOF LEFT JOIN dated b ON t.line_no >= b.line_no
                         ASOF LEFT JOIN dated a ON t.line_no <= a.line_no)
        SELECT line_no, any_value(written), CAST(arg_min(c, abs(datediff('day', c, n))) AS TIMESTAMP)
        FROM (SELECT line_no, written, n, unnest([try(make_date(year(n) - 1, mm, dd)), try(make_date(year(n), mm, dd)),
                                                  try(make_date(year(n) + 1, mm, dd))]) AS c
              FROM near WHERE n IS NOT NULL)
        WHERE c IS NOT NULL
        GROUP BY line_no""")
    con.execute(
        """UPDATE checked SET purchased_at = u.purchased_at,
               reasons = list_filter(checked.reasons, lambda r: r <> 'bad_purchased_at')
                         || CASE WHEN u.purchased_at > $latest THEN ['purchase_in_future'] ELSE [] END
        FROM undated_years u WHERE checked.line_no = u.line_no""",
        {"latest": latest_purchase},
    )
