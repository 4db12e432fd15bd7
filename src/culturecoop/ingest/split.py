"""Splitting accepted flat rows into the canonical ``event``, ``patron``, ``ticket``, ``consent`` and
``unnamed_sale`` (sales naming nobody, summed per event, day, channel, price and status).

Real exports repeat the buyer and the event on every ticket row. Each event keeps the values
of its first accepted row; each patron keeps the values of its latest purchase (ties broken by
line number, so the result never depends on thread scheduling). Event and patron fields are
read and normalized here, once per distinct event or patron, not once per ticket.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.ingest.addresses import STREET_ADDRESS
from culturecoop.ingest.countries import phone_zero_restored_sql, zeros_lost, zeros_restored_sql
from culturecoop.ingest.dates import first_of
from culturecoop.ingest.labels import DEFAULT_LANGUAGE_VALUES
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.shared_contacts import contact_key
from culturecoop.ingest.source import SourceInfo
from culturecoop.ingest.validate import label_params
from culturecoop.privacy.encodings import id_token_sql, pads
from culturecoop.schema.model import CONSENT, CONSENT_PURPOSES, EVENT, TICKET, UNNAMED_SALE
from culturecoop.schema.table import Table
from culturecoop.schema.taxonomy import GENRE_SYNONYMS

# Accepted rows that are tickets (a refund applied to its sale is accepted but merged; a sale naming
# nobody is accepted as an admission of its event, not as a ticket).
ACCEPTED = "checked WHERE len(reasons) = 0 AND NOT merged AND NOT unnamed"
# Accepted rows that say something of their event: tickets and sales naming nobody.
ADMITTED = "checked WHERE len(reasons) = 0 AND NOT merged"


def conform(table: Table, inner: str) -> str:
    """``inner`` projected to exactly ``table``'s columns, in order, with their canonical types."""
    columns = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in table.columns)
    return f"SELECT {columns} FROM ({inner})"


def _bool_sql(column: str) -> str:
    # list_position on a constant list, exact label first: list_contains is far slower here.
    return first_of(f"$bool_values[list_position($bool_keys, {column})]",
                    f"$bool_values[list_position($bool_keys, cc_key({column}))]")


def lookup_params(con: duckdb.DuckDBPyConnection, profile: Profile) -> dict[str, Any]:
    """The label lookups ``build_events`` and ``build_patrons`` bind (yes/no words, genres,
    languages): computed once per prepare and handed to both."""
    labels = label_params(con, profile)
    languages = {**DEFAULT_LANGUAGE_VALUES, **profile.language_values}
    genre_rows = con.execute(
        "SELECT cc_fold(k) AS key, min(v) FROM (SELECT unnest($k) AS k, unnest($v) AS v) GROUP BY key",
        {"k": list(GENRE_SYNONYMS), "v": list(GENRE_SYNONYMS.values())},
    ).fetchall()
    lang_rows = con.execute(
        "SELECT cc_key(k), v FROM (SELECT unnest($k) AS k, unnest($v) AS v)",
        {"k": list(languages), "v": list(languages.values())},
    ).fetchall()
    return {
        "bool_keys": labels["true_keys"] + labels["false_keys"],
        "bool_values": [True] * len(labels["true_keys"]) + [False] * len(labels["false_keys"]),
        "genre_keys": [r[0] for r in genre_rows], "genre_values": [r[1] for r in genre_rows],
        "lang_keys": [r[0] for r in lang_rows], "lang_values": [r[1] for r in lang_rows],
    }


def _list_sql(column: str, profile: Profile) -> str:
    split = f"string_split({column}, $sep)"
    if profile.format == "jsonl":
        # JSON exports carry lists as arrays; a few vendors still send "a, b" strings.
        split = (f"CASE WHEN starts_with({column}, '[') AND json_valid({column}) "
                 f"THEN from_json({column}, '[\"VARCHAR\"]') ELSE {split} END")
    return split


def fetch_kept_rows(con: duckdb.DuckDBPyConnection, info: SourceInfo, ages: bool = False) -> None:
    """Create ``event_pick``, ``patron_pick`` and ``kept`` (the source text of those rows).

    Each event keeps its first accepted row; each patron its latest purchase, ties broken by the
    line that writes most of the person (an order export may write the name and address on the
    order's first line only), then by line number, through one narrow aggregate over a unique
    (time, fields, line) key, which also picks that line's birth date (as ``checked`` parsed it). Only
    the rows kept are read again and split, so event and patron text is never carried per ticket.
    ``ages``: the mapping reads an age, whose birth year (``checked.age_year``) comes with that line's birth date.
    """
    con.execute(
        f"""CREATE TEMP TABLE event_pick AS
        SELECT event_id, min(line_no) AS line_no FROM {ADMITTED} GROUP BY event_id"""
    )
    age, age_year = (", pick.age_year AS age_year", ", age_year") if ages else ("", "")
    # One struct, not arg_max(birth_date, …) beside arg_max(line_no, …): arg_max skips the rows whose
    # value is NULL, so it would take a birth date from another line than the patron's (arg_max_null
    # keeps them, at a third more time than the struct).
    con.execute(
        f"""CREATE TEMP TABLE patron_pick AS
        SELECT patron_id, last_purchase, pick.line_no AS line_no, pick.birth_date AS birth_date{age} FROM (
            SELECT patron_id, max(purchased_at) AS last_purchase,
                   arg_max(struct_pack(line_no, birth_date{age_year}),
                           (CAST(epoch_us(purchased_at) AS HUGEINT) * 16 + identity_fields) * 4294967296
                           + line_no) AS pick
            FROM {ACCEPTED} GROUP BY patron_id)"""
    )
    con.execute(
        f"""CREATE TEMP TABLE kept AS
        SELECT line_no, event_title, venue, venue_postal_code, genres, artists, capacity, is_local,
               event_language, email, phone, first_name, last_name, postal_code, patron_language,
               consent_pooling, consent_marketing, consent_personalization
        FROM {info.lines_where("line_no IN (SELECT line_no FROM event_pick UNION ALL SELECT line_no FROM patron_pick)")}""",
        info.params,
    )


def build_events(con: duckdb.DuckDBPyConnection, profile: Profile, member_id: str,
                 params: dict[str, Any] | None = None) -> None:
    """Create ``event_out`` (canonical columns) and ``genre_unmapped(label, events)``;
    ``params`` are ``lookup_params`` (computed here when not given)."""
    params = params or lookup_params(con, profile)
    con.execute(
        """CREATE TEMP TABLE event_first AS
        SELECT p.event_id, struct_pack(title := k.event_title, starts_at := c.starts_at,
                   venue := k.venue, venue_postal_code := k.venue_postal_code, genres := k.genres,
                   artists := k.artists, capacity := k.capacity, is_local := k.is_local,
                   language := k.event_language) AS e
        FROM event_pick p JOIN kept k USING (line_no) JOIN checked c USING (line_no)"""
    )
    con.execute(
        f"""CREATE TEMP TABLE event_labels AS
        SELECT event_id,
               list_filter(list_transform({_list_sql("e.genres", profile)}, lambda g: cc_fold(g)),
                           lambda g: g IS NOT NULL) AS labels,
               list_filter(list_transform({_list_sql("e.artists", profile)}, lambda a: cc_name(a)),
                           lambda a: a IS NOT NULL) AS artists
        FROM event_first""",
        {"sep": profile.list_separator},
    )
    con.execute(
        """CREATE TEMP TABLE genre_unmapped AS
        SELECT label, count(*) AS events FROM (
            SELECT DISTINCT event_id, unnest(labels) AS label FROM event_labels)
        WHERE NOT list_contains($genre_keys, label)
        GROUP BY label""",
        {"genre_keys": params["genre_keys"]},
    )
    con.execute(
        "CREATE TEMP TABLE event_out AS " + conform(EVENT, f"""
        SELECT $member AS member_id, f.event_id,
               cc_name(e.title) AS title,
               e.starts_at,
               cc_name(e.venue) AS venue,
               cc_area_here({zeros_restored_sql("e.venue_postal_code", profile.country)}) AS venue_fsa,
               list_filter(g, lambda x, i: list_position(g, x) = i) AS genres,
               list_filter(l.artists, lambda x, i: list_position(l.artists, x) = i) AS artists,
               CASE WHEN cc_number(e.capacity, '.') BETWEEN 0 AND 2000000000
                         AND cc_number(e.capacity, '.') = round(cc_number(e.capacity, '.'))
                    THEN CAST(cc_number(e.capacity, '.') AS INTEGER) END AS capacity,
               {_bool_sql("e.is_local")} AS is_local,
               ($lang_values)[list_position($lang_keys, cc_key(e.language))] AS language
        FROM event_first f JOIN (
            SELECT event_id, artists, list_transform(labels, lambda x:
                coalesce(($genre_values)[list_position($genre_keys, x)], 'other')) AS g
            FROM event_labels) l USING (event_id)
        ORDER BY f.event_id"""),
        {"member": member_id, **{k: params[k] for k in (
            "bool_keys", "bool_values", "genre_keys", "genre_values", "lang_keys", "lang_values")}},
    )


def own_buyer_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per free-text event column, (events whose value is the name of the buyer on the very row
    it was read from, events): a column that tracks the buyer is a mapping mistake, however few
    events there are (see ``ingest.guard``). Call after ``build_events``."""
    row = con.execute(
        """WITH b AS (
            SELECT f.event_id, f.e, [cc_fold(k.first_name || ' ' || k.last_name),
                                     cc_fold(k.last_name || ' ' || k.first_name)] AS names
            FROM event_first f JOIN event_pick p USING (event_id) JOIN kept k USING (line_no))
        SELECT count(*),
               count_if(list_contains(names, cc_fold(e.title))),
               count_if(list_contains(names, cc_fold(e.venue))),
               count_if(len(list_filter(l.artists, lambda a: list_contains(names, cc_fold(a)))) > 0)
        FROM b JOIN event_labels l USING (event_id)"""
    ).fetchall()[0]
    events = int(row[0] or 0)
    return {column: (int(hits or 0), events) for column, hits in zip(("title", "venue", "artists"), row[1:], strict=True)}


# Every way a text can carry a postal code, once per distinct text: its runs of letters and
# digits, upper-case, each alone and joined to the next one and two (H2X 1Y4, H2X-1Y4, H2X1Y4,
# SW1A 1AA all give H2X1Y4 or SW1A1AA). A text with no digit carries none.
_WINDOWS = """CASE WHEN regexp_matches(x, '[0-9]') THEN list_transform([regexp_extract_all(upper(x), '[A-Z0-9]+')],
    lambda runs: flatten(list_transform(runs, lambda r, i:
        [r, r || coalesce(runs[i + 1], ''), r || coalesce(runs[i + 1], '') || coalesce(runs[i + 2], '')])))[1] END"""


def own_buyer_lines(con: duckdb.DuckDBPyConnection, profile: Profile) -> dict[str, tuple[int, int]]:
    """Per free-text event column, on each patron's line (the latest purchase, ``patron_pick``):
    ``"<column>:name"`` → (lines whose value is their own buyer's surname or given name, lines with
    a value and a name), ``"<column>:postcode"`` → (lines whose value carries their own buyer's full
    postal code, lines with a value and a postal code). A column that follows the buyer from line to
    line holds the buyer, not the event: coincidences (an artist named like one buyer, a venue's
    postal code where a few buyers live) stay a small share. Call after ``build_patrons``: the
    names and postal codes are those it normalized, the texts are read once per distinct value."""
    rows = con.execute(
        f"""WITH l AS MATERIALIZED (
            SELECT k.event_title AS title, k.venue, k.artists,
                   n.given_name, n.surname,  -- a list of the two made on every line took a third of the time
                   n.postcode  -- compact and upper-case, as cc_postcode_in writes it
            FROM patron_norm n JOIN kept k USING (line_no)),
        lines AS (
            SELECT 'title' AS c, title AS x, given_name, surname, postcode FROM l
            UNION ALL SELECT 'venue', venue, given_name, surname, postcode FROM l
            UNION ALL SELECT 'artists', artists, given_name, surname, postcode FROM l),
        texts AS (
            SELECT c, x, {_WINDOWS} AS windows,
                   list_filter(CASE WHEN c = 'artists' THEN list_transform({_list_sql("x", profile)}, lambda a: cc_fold(a))
                                    ELSE [cc_fold(x)] END, lambda a: a IS NOT NULL) AS names
            FROM (SELECT DISTINCT c, x FROM lines WHERE x IS NOT NULL)),
        -- The few texts that could be a buyer's: a text that is nobody's name and carries no
        -- digit is left out before the lines are looked at.
        candidates AS (
            SELECT * FROM texts WHERE windows IS NOT NULL OR (c, x) IN (
                SELECT (c, x) FROM (SELECT c, x, unnest(names) AS n FROM texts)
                WHERE n IN (SELECT given_name FROM patron_norm UNION SELECT surname FROM patron_norm)))
        SELECT c, count_if(l.x IS NOT NULL AND (l.given_name IS NOT NULL OR l.surname IS NOT NULL)),
               count_if(list_contains(t.names, l.given_name) OR list_contains(t.names, l.surname)),
               count_if(l.x IS NOT NULL AND l.postcode IS NOT NULL),
               count_if(list_contains(t.windows, l.postcode))
        FROM lines l LEFT JOIN candidates t USING (c, x) GROUP BY c""",
        {"sep": profile.list_separator},
    ).fetchall()
    found: dict[str, tuple[int, int]] = {}
    for column, lines, named, coded, carried in rows:
        found[f"{column}:name"] = (int(named or 0), int(lines or 0))
        found[f"{column}:postcode"] = (int(carried or 0), int(coded or 0))
    return {**found, **_own_buyer_addresses(con)}


def _own_buyer_addresses(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per free-text event column, ``"<column>:address"`` → (patrons' lines whose value is a street
    address (``addresses.STREET_ADDRESS``) that no other patron's line carries and that is not
    its event's own value, lines with a value). A venue written with its address is its event's,
    on every line of it; a buyer's address is theirs alone and changes from line to line of one
    event. Call after ``build_events``."""
    lines = con.execute(
        "SELECT count(k.event_title), count(k.venue), count(k.artists) FROM patron_pick p JOIN kept k USING (line_no)"
    ).fetchall()[0]
    # Only the texts one patron's line carries, shaped as an address, are joined back to their event.
    rows = con.execute(
        """WITH lines AS (
            SELECT p.line_no, unnest(['title', 'venue', 'artists']) AS c, unnest([k.event_title, k.venue, k.artists]) AS x
            FROM patron_pick p JOIN kept k USING (line_no)),
        alone AS (
            SELECT c, x, any_value(line_no) AS line_no FROM lines WHERE x IS NOT NULL GROUP BY c, x
            HAVING count(*) = 1 AND regexp_matches(x, $street)),
        events AS (
            SELECT event_id, unnest(['title', 'venue', 'artists']) AS c,
                   unnest([e.title, e.venue, e.artists]) AS own FROM event_first)
        SELECT a.c, count(*) FROM alone a JOIN checked k USING (line_no) LEFT JOIN events e ON e.event_id = k.event_id AND e.c = a.c
        WHERE e.own IS DISTINCT FROM a.x
        GROUP BY a.c""",
        {"street": STREET_ADDRESS},
    ).fetchall()
    hits = {str(c): int(n) for c, n in rows}
    return {f"{column}:address": (hits.get(column, 0), int(n or 0))
            for column, n in zip(("title", "venue", "artists"), lines, strict=True)}


# Whether the kept line's e-mail or phone is one ``ingest.shared_contacts`` found written for many
# people (keyed by ``shared_contacts.contact_key``, as ``validate.CONTACT_KEYS`` keys them).
_SHARED_EMAIL = f"coalesce({contact_key('k.email')} IN (SELECT key FROM shared_contact WHERE kind = 'email'), false)"
_SHARED_PHONE = f"coalesce({contact_key('k.phone')} IN (SELECT key FROM shared_contact WHERE kind = 'phone'), false)"


def build_patrons(con: duckdb.DuckDBPyConnection, profile: Profile, id_key: bytes,
                  params: dict[str, Any] | None = None) -> None:
    """Create ``patron_clear``: one normalized row per patron, still with identifiers in clear
    but for ``member_patron_id``, already the member's keyed token (see ``id_token_sql``).

    ``patron_clear`` never leaves the connection: ``ingest.pseudonymize`` turns it into the
    canonical ``patron`` table. A consent the export does not state takes the profile's
    ``consent_defaults`` (false when it has none).
    """
    params = params or lookup_params(con, profile)
    # A postal code a spreadsheet read as a number lost its leading zeros: put back where the country
    # makes it unambiguous (« 1000 » → 01000 in France), and counted.
    postcode = zeros_restored_sql("k.postal_code", profile.country)
    # A birth date wins; without one, the band of the birth year an age gives (``ingest.ages``).
    band = "cc_birth_band(p.birth_date)"
    if "age" in profile.columns:
        band = (f"coalesce({band}, CAST(p.age_year // 5 * 5 AS VARCHAR) || '-' "
                f"|| CAST(p.age_year // 5 * 5 + 4 AS VARCHAR))")
    lost = zeros_lost(profile.country)
    zeros = f"regexp_full_match(trim(raw_postcode), '{lost}')" if lost else "false"
    # Each normalizer once per patron into a table, then the flags: DuckDB would evaluate a
    # macro again for every expression that mentions it. Names repeat across patrons (a few
    # thousand distinct among hundreds of thousands): each distinct name is folded once. The
    # normalizers run in the inner projection, outside any CASE: within one (the shared contacts'
    # below), a macro that names its argument in several branches reads it again in each (the
    # phones' digits six times: 0.5 s of CPU per 200,000 patrons). ``patron_id`` and ``line_no``
    # stay beside the token: later steps read the patron's line from here, not through
    # ``patron_pick`` again. The token is made here too, and ``patron_token`` (the tickets' lookup)
    # read from this table: made apart, it was joined back on the patron ids (0.3 s per 200,000), and
    # the birth date comes with the patron's line in ``patron_pick``, not from a join with ``checked``.
    con.execute(
        f"""CREATE TEMP TABLE patron_norm AS
        WITH names AS (
            SELECT name, cc_fold(name) AS folded
            FROM (SELECT first_name AS name FROM kept UNION SELECT last_name FROM kept))
        SELECT member_patron_id, patron_id, line_no, last_purchase,
               -- An address or number written for many people is nobody's (``ingest.shared_contacts``).
               CASE WHEN NOT email_shared THEN raw_email END AS raw_email,
               CASE WHEN NOT email_shared THEN email END AS email,
               CASE WHEN NOT phone_shared THEN raw_phone END AS raw_phone,
               CASE WHEN NOT phone_shared THEN phone END AS phone,
               given_name, surname, birth_date, raw_postcode, postcode, fsa, birth_band, language,
               pooling, marketing, personalization
        FROM (
            SELECT {id_token_sql("p.patron_id")} AS member_patron_id, p.patron_id, p.line_no, p.last_purchase,
                   {_SHARED_EMAIL} AS email_shared, {_SHARED_PHONE} AS phone_shared,
                   k.email AS raw_email, cc_email(k.email) AS email,
                   k.phone AS raw_phone, {phone_zero_restored_sql("k.phone", profile.country)} AS phone,
                   g.folded AS given_name, s.folded AS surname,
                   strftime(p.birth_date, '%Y-%m-%d') AS birth_date,
                   k.postal_code AS raw_postcode, cc_postcode_here({postcode}) AS postcode,
                   cc_area_here({postcode}) AS fsa,
                   {band} AS birth_band,
                   ($lang_values)[list_position($lang_keys, cc_key(k.patron_language))] AS language,
                   coalesce({_bool_sql("k.consent_pooling")}, $pooling) AS pooling,
                   coalesce({_bool_sql("k.consent_marketing")}, $marketing) AS marketing,
                   coalesce({_bool_sql("k.consent_personalization")}, $personalization) AS personalization
            FROM patron_pick p JOIN kept k USING (line_no)
                 LEFT JOIN names g ON g.name = k.first_name LEFT JOIN names s ON s.name = k.last_name)""",
        {**{k: params[k] for k in ("bool_keys", "bool_values", "lang_keys", "lang_values")},
         **{purpose: profile.consent_defaults.get(purpose, False) for purpose in CONSENT_PURPOSES}, **pads(id_key)},
    )
    con.execute("CREATE TEMP TABLE patron_token AS SELECT patron_id, member_patron_id AS token FROM patron_norm")
    # A « Contact » column read as both the e-mail and the phone: a phone number in it is no unreadable
    # e-mail (and the other way round); a value that is neither is counted once, as the e-mail.
    email_spec, phone_spec = profile.columns.get("email"), profile.columns.get("phone")
    shared = email_spec is not None and phone_spec is not None and email_spec.sources == phone_spec.sources
    con.execute(
        f"""CREATE TEMP TABLE patron_clear AS
        SELECT member_patron_id, last_purchase, email, phone, given_name, surname, birth_date,
               lower(postcode) AS postcode, fsa, birth_band,
               CASE WHEN language IN ('fr', 'en') THEN language END AS language,
               pooling, marketing, personalization,
               -- Raw values a normalizer could not use (counted in the summary, never silent).
               raw_email IS NOT NULL AND email IS NULL{" AND phone IS NULL" if shared else ""} AS email_dropped,
               raw_phone IS NOT NULL AND phone IS NULL{" AND false" if shared else ""} AS phone_dropped,
               raw_postcode IS NOT NULL AND fsa IS NULL AS postcode_dropped,
               fsa IS NOT NULL AND {zeros} AS postcode_zeros_restored
        FROM patron_norm ORDER BY member_patron_id"""
    )


def build_consents(con: duckdb.DuckDBPyConnection, member_id: str) -> pa.Table:
    """The canonical ``consent`` table: each purpose per patron, dated by the latest purchase."""
    # Each patron's three rows in the order of the purposes' names, patrons in ``patron_clear``'s order
    # (by token: the connection keeps insertion order, as the patron table relies on): the order an
    # ORDER BY member_patron_id, purpose gave, without sorting three rows per patron again.
    purposes = sorted(CONSENT_PURPOSES)
    inner = f"""SELECT $member AS member_id, member_patron_id,
               unnest([{", ".join(f"'{p}'" for p in purposes)}]) AS purpose,
               unnest([{", ".join(purposes)}]) AS granted,
               last_purchase AS recorded_at
        FROM patron_clear"""
    return con.sql(
        conform(CONSENT, inner),
        params={"member": member_id},
    ).to_arrow_table()


def ticket_table(con: duckdb.DuckDBPyConnection, member_id: str, id_key: bytes) -> pa.Table:
    """The canonical ``ticket`` table from the accepted rows, identifiers as the member's keyed
    tokens, in source order."""
    # Ticket ids are unique, so each costs one HMAC; an order's id repeats on each of its
    # tickets and is tokenized once per order, then joined (a join is cheaper than an HMAC).
    inner = f"""WITH orders AS (
            SELECT order_id, {id_token_sql("order_id")} AS token
            FROM (SELECT DISTINCT order_id FROM {ACCEPTED} AND order_id IS NOT NULL))
        SELECT $member AS member_id, {id_token_sql("c.ticket_id")} AS ticket_id,
               o.token AS order_id, t.token AS member_patron_id,
               c.event_id, c.purchased_at, c.quantity, c.unit_price, c.currency, c.channel, c.status
        FROM (FROM checked UNION ALL FROM refunded_seats) c JOIN patron_token t ON t.patron_id = c.patron_id
             LEFT JOIN orders o ON o.order_id = c.order_id
        WHERE len(c.reasons) = 0 AND NOT c.merged AND NOT c.unnamed
        ORDER BY c.line_no"""
    return con.sql(conform(TICKET, inner), params={"member": member_id, **pads(id_key)}).to_arrow_table()


def unnamed_sale_table(con: duckdb.DuckDBPyConnection, member_id: str) -> pa.Table:
    """The canonical ``unnamed_sale`` table: the accepted sales that name nobody, summed per event,
    local day, channel, price and status (no line of them identifies anyone, and none is kept)."""
    inner = """SELECT $member AS member_id, event_id, CAST(purchased_at AS DATE) AS sold_on,
               coalesce(channel, 'other') AS channel, unit_price, currency, status,
               sum(quantity) AS admissions, count(*) AS lines
        FROM (FROM checked UNION ALL FROM refunded_seats) WHERE unnamed AND len(reasons) = 0
        GROUP BY ALL
        ORDER BY event_id, sold_on, channel, unit_price, currency, status"""
    return con.sql(conform(UNNAMED_SALE, inner), params={"member": member_id}).to_arrow_table()
