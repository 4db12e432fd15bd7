"""Named row rules: every source row is parsed once and checked against all of them.

``check_rows`` turns the text table ``src`` (see ``ingest.read``) into ``checked``: the ticket
fields parsed to their canonical types, the event and patron fields still as text (they are
normalized once per distinct event and patron, see ``ingest.split``), and ``reasons``, the
list of every rule the row fails. A row is accepted when ``reasons`` is empty. A malformed
line is only ``malformed_line``: its fields cannot be trusted enough to judge anything else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from culturecoop.ingest.profile import DEFAULT_FALSE, DEFAULT_TRUE, Profile
from culturecoop.ingest.read import SourceInfo
from culturecoop.schema.model import CHANNELS, TICKET_STATUSES

# Rule name -> what it means (the rejects file and the summary show the names).
RULES: dict[str, str] = {
    "malformed_line": "the line cannot be split into the header's columns (broken quoting, "
    "wrong number of fields) or is not a JSON object",
    "missing_ticket_id": "no ticket identifier",
    "missing_patron_id": "no patron identifier",
    "missing_event_id": "no event identifier",
    "bad_purchased_at": "purchase time missing or not in the profile's date formats",
    "bad_event_starts_at": "event start time not in the profile's date formats",
    "bad_price": "unit price missing or not an amount",
    "negative_price": "unit price below zero",
    "bad_quantity": "quantity not a whole number between 1 and 10000",
    "bad_status": "status missing or not a label the profile knows",
    "bad_currency": "currency not a three-letter ISO 4217 code",
    "bad_birth_date": "birth date not in the profile's date formats",
    "impossible_birth_date": "birth date in the future or before 1900",
    "duplicate_ticket": "ticket identifier already used by an accepted row on another line",
}

# The zone of local wall-clock times in the canonical model.
LOCAL_ZONE = "America/Toronto"


def first_of(*expressions: str) -> str:
    """SQL: the first non-NULL of ``expressions``, evaluating each only where the ones before
    it are NULL (DuckDB's ``coalesce`` evaluates every argument on every row)."""
    if len(expressions) == 1:
        return expressions[0]
    branches = " ".join(f"WHEN ({e}) IS NOT NULL THEN ({e})" for e in expressions[:-1])
    return f"CASE {branches} ELSE ({expressions[-1]}) END"


def _has_zone(fmt: str) -> bool:
    return "%z" in fmt or "%Z" in fmt


def timestamp_sql(column: str, profile: Profile, extra: tuple[str, ...] = ()) -> str:
    """SQL parsing ``column`` with the profile's datetime formats, then its date formats.

    Formats with an offset (``%z``) are converted to local wall-clock time. The formats are
    the named parameters ``$dt_plain``, ``$dt_zone`` and ``$d_formats`` (see ``format_params``).
    """
    formats = (*profile.datetime_formats, *extra)
    terms = []
    if any(not _has_zone(f) for f in formats):
        terms.append(f"try_strptime({column}, $dt_plain)")
    if any(_has_zone(f) for f in formats):
        # DuckDB's %z parsing rolls 31 February over to March: check the wall-clock part alone.
        terms.append(
            f"CASE WHEN try_strptime(regexp_replace({column}, '(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$', ''), "
            f"$dt_zone_wall) IS NOT NULL THEN timezone('{LOCAL_ZONE}', try_strptime({column}, $dt_zone)) END"
        )
    terms.append(f"CAST(try_strptime({column}, $d_formats) AS TIMESTAMP)")
    return first_of(*terms)


def format_params(profile: Profile, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The parameters that ``timestamp_sql`` and the label lookups refer to."""
    formats = (*profile.datetime_formats, *extra)
    params: dict[str, Any] = {"d_formats": list(profile.date_formats) + [f for f in extra if "%H" not in f]}
    plain = [f for f in formats if not _has_zone(f)]
    zoned = [f for f in formats if _has_zone(f)]
    if plain:
        params["dt_plain"] = plain
    if zoned:
        params["dt_zone"] = zoned
        params["dt_zone_wall"] = [f.replace("%z", "").replace("%Z", "") for f in zoned]
    return params


def label_params(con: duckdb.DuckDBPyConnection, profile: Profile) -> dict[str, Any]:
    """Vendor labels as written and folded with ``cc_key`` (lookups ignore case and accents).

    Each ``*_keys`` list holds the labels as written followed by their folded forms, and the
    matching ``*_values`` list repeats the canonical values, so a row whose label is written
    exactly as in the profile never pays for folding.
    """

    def both(mapping: dict[str, str]) -> tuple[list[str], list[str]]:
        keys = list(mapping)
        folded = [row[0] for row in con.execute(
            "SELECT cc_key(k) FROM (SELECT unnest($k) AS k)", {"k": keys}).fetchall()]
        values = [mapping[k] for k in keys]
        return keys + [f or "" for f in folded], values + values

    def with_canonical(mapping: dict[str, str], canonical: tuple[str, ...]) -> dict[str, str]:
        return {**{c: c for c in canonical}, **{c.replace("_", " "): c for c in canonical}, **mapping}

    status_keys, status_values = both(with_canonical(profile.status_values, TICKET_STATUSES))
    channel_keys, channel_values = both(with_canonical(profile.channel_values, CHANNELS))
    true_keys, _t = both({v: "true" for v in (*profile.true_values, *DEFAULT_TRUE) if v})
    false_keys, _f = both({v: "false" for v in (*profile.false_values, *DEFAULT_FALSE) if v})
    return {
        "status_keys": status_keys, "status_values": status_values,
        "channel_keys": channel_keys, "channel_values": channel_values,
        "true_keys": true_keys, "false_keys": false_keys,
    }


def _lookup(column: str, name: str) -> str:
    """SQL: the canonical value of a vendor label, exact match first, folded match second."""
    return first_of(f"${name}_values[list_position(${name}_keys, {column})]",
                    f"${name}_values[list_position(${name}_keys, cc_key({column}))]")


def check_rows(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, today: date) -> None:
    """Create ``checked`` from the source relation: parsed ticket fields, the event and patron
    fields as text, and ``reasons`` (every failed rule; NULL for a blank line, which is no row).
    """
    info.load(con)
    extra = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d") if profile.format == "xlsx" else ()
    purchased = timestamp_sql("trim(purchased_at)", profile, extra)
    starts = timestamp_sql("trim(event_starts_at)", profile, extra)
    birth = first_of("CAST(try_strptime(trim(birth_date), $d_formats) AS DATE)",
                     f"CAST({timestamp_sql('trim(birth_date)', profile, extra)} AS DATE)")
    # The cheap cast first; the general amount parser only for what it cannot read.
    price = (first_of("TRY_CAST(trim(unit_price) AS DECIMAL(18,4))", "cc_amount(unit_price, $dec)")
             if profile.decimal == "." else "cc_amount(unit_price, $dec)")
    # An export without a status column sells every ticket it lists.
    status = _lookup("trim(status)", "status") if "status" in profile.columns else "'sold'"
    labels = label_params(con, profile)
    params: dict[str, Any] = {
        **info.params,
        **format_params(profile, extra),
        **{k: v for k, v in labels.items() if k.startswith(("status", "channel"))},
        "dec": profile.decimal,
        "currency": profile.currency,
        "today": today,
    }
    if "status" not in profile.columns:
        del params["status_keys"], params["status_values"]
    rules = [
        ("missing_ticket_id", "ticket_id IS NULL"),
        ("missing_patron_id", "patron_id IS NULL"),
        ("missing_event_id", "event_id IS NULL"),
        ("bad_purchased_at", "purchased_at IS NULL"),
        ("bad_event_starts_at", "raw_starts_at IS NOT NULL AND starts_at IS NULL"),
        ("bad_price", "price IS NULL OR abs(price) >= 100000000"),
        ("negative_price", "price < 0"),
        ("bad_quantity", "quantity IS NULL"),
        ("bad_status", "status IS NULL"),
        ("bad_currency", "NOT regexp_full_match(currency, '[A-Z]{3}')"),
        ("bad_birth_date", "raw_birth_date IS NOT NULL AND birth_date IS NULL"),
        ("impossible_birth_date", "birth_date > $today OR birth_date < DATE '1900-01-01'"),
    ]
    reason_list = ", ".join(f"CASE WHEN {cond} THEN '{name}' END" for name, cond in rules)
    # ``checked`` stays narrow: the raw line only where a rule failed, and no event or patron
    # text (``ingest.split`` fetches those for the one row it keeps per event and patron).
    sql = f"""CREATE TEMP TABLE checked AS
        SELECT line_no, CASE WHEN len(reasons) > 0 THEN raw END AS raw,
               ticket_id, order_id, patron_id, event_id, purchased_at, starts_at, quantity,
               unit_price, currency, channel, status, birth_date, reasons
        FROM (
        SELECT line_no, raw, ticket_id, order_id, patron_id, event_id, purchased_at, starts_at,
               quantity, CASE WHEN abs(price) < 100000000 THEN CAST(price AS DECIMAL(10,2)) END AS unit_price,
               currency, channel, status, birth_date,
               CASE WHEN blank THEN NULL
                    WHEN malformed THEN ['malformed_line']
                    ELSE list_filter([{reason_list}], lambda r: r IS NOT NULL) END AS reasons
        FROM (
            SELECT line_no, raw, blank, malformed,
                nullif(trim(ticket_id), '') AS ticket_id, nullif(trim(order_id), '') AS order_id,
                nullif(trim(patron_id), '') AS patron_id, nullif(trim(event_id), '') AS event_id,
                {purchased} AS purchased_at,
                event_starts_at AS raw_starts_at, {starts} AS starts_at,
                {price} AS price,
                CASE WHEN quantity IS NULL THEN 1 ELSE cc_quantity(quantity) END AS quantity,
                upper({first_of("nullif(trim(currency), '')", "cc_amount_currency(unit_price)", "$currency")}) AS currency,
                {status} AS status,
                CASE WHEN channel IS NOT NULL THEN {first_of(_lookup("trim(channel)", "channel"), "'other'")} END AS channel,
                birth_date AS raw_birth_date, {birth} AS birth_date
            FROM {info.relation}
        ))"""
    con.execute(sql, params)


def mark_duplicates(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Add ``duplicate_ticket`` to every row whose ticket id an earlier or valid row already uses.

    Among the rows sharing a ticket id, the first row that passes every other rule is kept;
    preferring a valid row means a broken first copy never costs a good second one. The raw
    lines of the rows marked are read again from the source for the rejects file.
    """
    con.execute(
        """CREATE TEMP TABLE duplicates AS
        SELECT line_no FROM (
            SELECT line_no, row_number() OVER (
                PARTITION BY ticket_id ORDER BY len(reasons) > 0, line_no) AS k
            FROM checked
            WHERE ticket_id IN (
                SELECT ticket_id FROM checked
                WHERE ticket_id IS NOT NULL AND NOT list_contains(reasons, 'malformed_line')
                GROUP BY ticket_id HAVING count(*) > 1)
              AND NOT list_contains(reasons, 'malformed_line'))
        WHERE k > 1"""
    )
    if not con.execute("SELECT count(*) FROM duplicates").fetchall()[0][0]:
        return
    con.execute(
        f"""CREATE TEMP TABLE duplicate_raw AS
        SELECT line_no, raw FROM {info.lines_where("line_no IN (SELECT line_no FROM duplicates)")}""",
        info.params,
    )
    con.execute(
        """UPDATE checked SET reasons = list_append(reasons, 'duplicate_ticket'), raw = d.raw
        FROM duplicate_raw d WHERE checked.line_no = d.line_no"""
    )
