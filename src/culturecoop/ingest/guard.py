"""The fail-closed scan of a package before it is written: no personal data in clear, whatever
the mapping says.

Identifiers are tokenized and patrons pseudonymized by construction, but a mapping can still
route a personal value into a column that travels in clear (an e-mail as the event id, the
buyer's name as the artist). ``scan_package`` looks at every distinct value of every text
column of every table for the following (our own hex tokens aside: a column proved to hold
nothing else is not scanned value by value, see ``_all_tokens``):

* e-mail addresses, any of them;
* phone numbers: an input patron's number in any format, alone or within a text among other
  digits (« Jazz 2026 – rappeler Marie au 514 555-0199 »), or any international number; in free text (titles, venues, artists)
  also any number written as a phone is (514 555-0199, 06 12 34 56 78, +33 6 12 34 56 78): a
  venue's own number is public, but whose number a title carries cannot be told, so it does not
  leave;
* birth dates of the input, in ISO, day-first, month-first or compact form, alone or within a text;
* names of the input: a patron's full name (either order); in an identifier column also a
  column mostly made of given names or surnames, in free text one made of surnames (four values
  in five, three at least);
* postal codes of the input in full (H2X 1Y4, SW1A 1AA: the package keeps a patron's coarse
  area only): values that are an input patron's full postal code, three at least and a fifth of
  the column (in an identifier column also when they are half its values);
* street addresses in free text (« 12 rue des Lilas », « 221B Baker Street »,
  ``addresses.STREET_ADDRESS``): four distinct values in five, when they are more than twenty and
  more than a third of the table's rows (the addresses of many people, not a handful of venues).

In free text that may legitimately name a person (event titles, venues, artists) a full name
is a hit only when it is no coincidence: when the column carries the name of the very buyer of
the row it was read from in half the events or more (``split.own_buyer_names``), or other
patrons' names in at least three values and a fifth of the column. A surname or a given name
alone, or a full postal code within the text (a venue's own address is public; a patron's is not),
is a hit when the column follows the buyer: on half the patrons' lines or more, the value is
the surname or given name, or carries the postal code, of the very buyer of that line
(``split.own_buyer_lines``) — a title that merely names someone (« Hommage à Brel »), or an
artist or a venue's postal code shared by a few buyers, stays far below. So is a street address
without its postal code, when on half the patrons' lines or more it is one no other patron's line
carries and not its event's own (a venue is its audience's, on every line of its event). Any hit
stops ``prepare`` (and ``mapping check``: ``scan_checked``) with one sentence naming the column;
nothing is written.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.addresses import STREET_ADDRESS
from culturecoop.ingest.normalize import install_country, install_normalizers
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.split import own_buyer_lines, own_buyer_names, unnamed_sale_table
from culturecoop.privacy.encodings import all_hex_tokens

# Package column -> the canonical field a mapping fills it from (to name the source column).
SOURCE_FIELD: dict[tuple[str, str], str] = {
    ("event", "event_id"): "event_id", ("event", "title"): "event_title", ("event", "venue"): "venue",
    ("event", "artists"): "artists", ("event", "genres"): "genres", ("ticket", "event_id"): "event_id",
    ("ticket", "ticket_id"): "ticket_id", ("ticket", "order_id"): "order_id",
    ("ticket", "member_patron_id"): "patron_id", ("patron", "member_patron_id"): "patron_id",
    ("consent", "member_patron_id"): "patron_id",
}
FREE_TEXT = {("event", "title"), ("event", "venue"), ("event", "artists")}
_TOKEN = "[0-9a-f]{32}|[0-9a-f]{64}"
_TOKEN_LENGTHS = (32, 64)


def _all_tokens(column: pa.ChunkedArray) -> bool:
    """True when every value of ``column`` is one of our hex tokens (or NULL), proved from its Arrow
    buffers (``encodings.all_hex_tokens``); False on anything else, and the column is then scanned
    value by value like any other."""
    return all_hex_tokens(column, _TOKEN_LENGTHS)


# An e-mail address, also as a francophone may type one (« josé@exemple.ca », an accented domain),
# or with the full-width ＠; looked for once invisible characters (``_INVISIBLE``) are taken out.
_EMAIL_CHARS = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_EMAIL = f"[{_EMAIL_CHARS}._%+-]+[@\uff20][{_EMAIL_CHARS}-]+(\\.[{_EMAIL_CHARS}-]+)+"
# An address spelled out so that robots miss it, as hand-kept lists write one (« luc.roy (at) exemple
# (point) ca », « luc arobase exemple point fr », « luc[at]exemple[.]ca »). Its words may also be
# words of a title (« Live at the Apollo », « point final »): it counts only when it ends in a
# domain's last label (``_TOP_LEVEL``).
_AT_SPELLED = "(?:\\s*[(\\[{<]\\s*(?:at|arobase|@)\\s*[)\\]}>]\\s*|\\s+(?:at|arobase)\\s+)"
_DOT_SPELLED = "(?:\\.|\\s*[(\\[{<]\\s*(?:dot|point|\\.)\\s*[)\\]}>]\\s*|\\s+(?:dot|point)\\s+)"
# Domains' last labels that are no word of a title (« de », « it », « me », « no » are left out:
# « Live at Turning Point de Montréal »).
_TOP_LEVEL = "com|org|net|info|biz|edu|gov|io|eu|fr|ca|qc|ch|lu|uk|nl|pt|dk|fi|hu|cz|ie"
_EMAIL_SPELLED = (f"(?i:[{_EMAIL_CHARS}._%+-]+{_AT_SPELLED}[{_EMAIL_CHARS}-]+(?:{_DOT_SPELLED}[{_EMAIL_CHARS}-]+)*"
                  f"{_DOT_SPELLED}(?:{_TOP_LEVEL})\\b)")
# Either, as the guard looks for an address in any text.
_ANY_EMAIL = f"{_EMAIL}|{_EMAIL_SPELLED}"
# Zero-width spaces and joiners, a soft hyphen, a byte-order mark: nothing on screen, but they
# split an address (« marie\u200b@gmail.com ») where a pattern looks for it.
_INVISIBLE = "[\u00ad\u200b-\u200f\u2060\ufeff]"
# A number written as a phone in a text: international (+), North American groups (514 555-0199),
# or a national number after its trunk zero in groups (06 12 34 56 78, 020 7946 0018). Each match
# must then read as a phone number of the export's country (cc_phone_here): a date does not.
_PHONE_SHAPE = ("\\+[0-9]{1,3}(?:[ .-]?\\(?[0-9]{1,4}\\)?){2,6}"
                "|\\(?[2-9][0-9]{2}\\)?[ .-]?[0-9]{3}[ .-][0-9]{4}"
                "|0[1-9][0-9]?(?:[ .-][0-9]{2,4}){2,4}")
# A date within a text, in the forms an input birth date is looked for (``id_birth_dates``).
_DATE_SHAPE = "[0-9]{1,4}[-/][0-9]{1,2}[-/][0-9]{1,4}|[0-9]{8}"
# Consecutive groups of digits, up to this many, are read together as a number written in groups.
_PHONE_GROUPS = 6
# A free-text column of street addresses holds more distinct values than a touring company's venues.
_MANY_ADDRESSES = 20


def _identifier_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE TEMP TABLE id_phones AS SELECT DISTINCT phone FROM identifiers WHERE phone IS NOT NULL;
        CREATE TEMP TABLE id_full_names AS
            SELECT DISTINCT n FROM (
                SELECT given_name || ' ' || surname AS n FROM identifiers
                UNION ALL SELECT surname || ' ' || given_name FROM identifiers)
            WHERE n IS NOT NULL;
        CREATE TEMP TABLE id_name_parts AS
            SELECT DISTINCT n FROM (SELECT given_name AS n FROM identifiers UNION ALL SELECT surname FROM identifiers)
            WHERE length(n) >= 3;
        CREATE TEMP TABLE id_surnames AS SELECT DISTINCT surname AS n FROM identifiers WHERE length(surname) >= 3;
        -- Full postal codes (compact, as cc_postcode_in writes them) with a letter (H2X1Y4,
        -- SW1A1AA, 1011AB): a code of digits alone is also a year, a price or a number in a text.
        CREATE TEMP TABLE id_postcodes AS
            SELECT p FROM (SELECT DISTINCT upper(postcode) AS p FROM identifiers)
            WHERE length(p) >= 5 AND regexp_matches(p, '[A-Z]');
        CREATE TEMP TABLE id_birth_dates AS
            SELECT DISTINCT d FROM (
                SELECT unnest([strftime(b, '%Y-%m-%d'), strftime(b, '%d/%m/%Y'), strftime(b, '%m/%d/%Y'),
                               strftime(b, '%Y%m%d'), strftime(b, '%d-%m-%Y')]) AS d
                FROM (SELECT TRY_CAST(birth_date AS DATE) AS b FROM identifiers) WHERE b IS NOT NULL)"""
    )


def _distinct(column: pa.ChunkedArray, is_list: bool) -> pa.Array:
    """The distinct non-NULL values of a text column (of its lists' items for a list column),
    found by Arrow: a million repeats of a few values cost a hash pass, not a pattern each."""
    values = pc.list_flatten(column) if is_list else column
    return pc.drop_null(pc.unique(values))


def _counts(con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str, pa.Array]]) -> dict[tuple[str, str], tuple[int, ...]]:
    """Per (table, column, distinct values): how many values (our tokens aside), and how many of
    them look like an e-mail, an input phone number, an input full name, a part of an input name,
    an input birth date, an input surname, an input full postal code (the whole value), then
    ``_within``'s three counts, then (free text only) how many look like a street address. One
    query for every column: the normalizers are planned once, not once per column."""
    if not columns:
        return {}
    # One table of every column's values, each with its column's number: one scan to plan, not one per
    # column (0.17 s -> 0.05 s). The numbers from their buffer: Arrow's reading of Python values would
    # import pandas (0.3 s).
    numbers = np.repeat(np.arange(len(columns), dtype=np.int32), [len(values) for _t, _c, values in columns])
    con.register("distinct_values", pa.Table.from_arrays(
        [pa.Array.from_buffers(pa.int32(), len(numbers), [None, pa.py_buffer(numbers.tobytes())]),
         pa.concat_arrays([values.cast(pa.string()) for _t, _c, values in columns])], names=["i", "x"]))
    tables = "[" + ", ".join(f"'{table}'" for table, _c, _v in columns) + "]"
    names = "[" + ", ".join(f"'{column}'" for _t, column, _v in columns) + "]"
    values = (f"SELECT {tables}[i + 1] AS t, {names}[i + 1] AS c, x FROM distinct_values "
              f"WHERE NOT regexp_full_match(x, '{_TOKEN}')")
    rows = con.execute(
        f"""WITH v AS (SELECT *, cc_fold(x) AS folded FROM ({values}))
        SELECT t, c, count(*),
               count_if(regexp_matches(regexp_replace(x, '{_INVISIBLE}', '', 'g'), '{_ANY_EMAIL}')),
               count_if(cc_phone_here(x) IN (SELECT phone FROM id_phones)
                        OR regexp_full_match(regexp_replace(x, '[\\s().-]', '', 'g'), '\\+[1-9][0-9]{{7,14}}')),
               count_if(folded IN (SELECT n FROM id_full_names)),
               count_if(folded IN (SELECT n FROM id_name_parts)),
               count_if(trim(x) IN (SELECT d FROM id_birth_dates)),
               count_if(folded IN (SELECT n FROM id_surnames)),
               count_if(regexp_matches(x, '[0-9]')
                        AND regexp_replace(upper(x), '[^A-Z0-9]', '', 'g') IN (SELECT p FROM id_postcodes)),
               count_if(t = 'event' AND c IN ('title', 'venue', 'artists') AND regexp_matches(x, $street))
        FROM v GROUP BY t, c""",
        {"street": STREET_ADDRESS},
    ).fetchall()
    counts = {(str(r[0]), str(r[1])): tuple(int(v or 0) for v in r[2:]) for r in rows}
    within = _within(con, values)
    return {key: (*found[:-1], *within.get(key, (0, 0, 0)), found[-1]) for key, found in counts.items()}


def _within(con: duckdb.DuckDBPyConnection, values: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    """Per (table, column): how many values carry an input patron's phone number within a text
    (consecutive groups of digits read together: « rappeler au 514 555-0199 »), how many carry a
    number written as a phone (``_PHONE_SHAPE``, whoever's), and how many an input birth date."""
    rows = con.execute(
        f"""WITH v AS (SELECT * FROM ({values}) WHERE regexp_matches(x, '[0-9]')),
        groups AS (SELECT t, c, x, regexp_extract_all(x, '[0-9]+') AS g FROM v),
        windows AS (
            SELECT t, c, x, unnest(flatten(list_transform(range(1, len(g) + 1), lambda i:
                list_transform(range(i, least(i + {_PHONE_GROUPS}, len(g)) + 1), lambda j:
                    array_to_string(g[i:j], ''))))) AS d
            FROM groups),
        own_phones AS (
            SELECT DISTINCT t, c, x FROM windows
            WHERE length(d) BETWEEN 7 AND 15
              AND (cc_phone_e164_here(d) IN (SELECT phone FROM id_phones)
                   OR cc_phone_e164_here('+' || d) IN (SELECT phone FROM id_phones))),
        shaped AS (
            SELECT DISTINCT t, c, x FROM (
                SELECT t, c, x, unnest(regexp_extract_all(x, '{_PHONE_SHAPE}')) AS m FROM v)
            WHERE cc_phone_here(m) IS NOT NULL),
        births AS (
            SELECT DISTINCT t, c, x FROM (
                SELECT t, c, x, unnest(regexp_extract_all(x, '{_DATE_SHAPE}')) AS m FROM v)
            WHERE m IN (SELECT d FROM id_birth_dates))
        SELECT t, c, sum(own), sum(shape), sum(birth) FROM (
            SELECT t, c, 1 AS own, 0 AS shape, 0 AS birth FROM own_phones
            UNION ALL SELECT t, c, 0, 1, 0 FROM shaped
            UNION ALL SELECT t, c, 0, 0, 1 FROM births)
        GROUP BY t, c""",
    ).fetchall()
    return {(str(r[0]), str(r[1])): (int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows}


def scan_package(tables: dict[str, pa.Table], identifiers: pa.Table, profile: Profile,
                 own_buyer: dict[str, tuple[int, int]] | None = None) -> None:
    """Raise ``UserError`` when a text column of ``tables`` holds personal data of the export
    (``identifiers``: the normalized e-mail, phone, given name, surname, birth date and postal code
    of each patron, as ``ingest.split`` read them; ``own_buyer``: per free-text event column, how
    many events carry the full name of the buyer of the row they were read from, out of how many,
    and under ``"<column>:name"`` and ``"<column>:postcode"`` how many lines carry their own
    buyer's surname or given name, or postal code, out of how many: ``split.own_buyer_names``
    and ``split.own_buyer_lines``)."""
    for key, (hits, out_of) in (own_buyer or {}).items():
        column, _sep, kind = key.partition(":")
        # A full name is no coincidence even once; a surname, a given name or a postal code may
        # be on a line: two lines at least, when there are two.
        if hits and hits >= 0.5 * out_of and (not kind or hits >= min(out_of, 2)):
            carried = {"postcode": _("patrons' postal codes"), "address": _("patrons' addresses")}.get(
                kind, _("patrons' names"))
            raise _leak(profile, "event", column, carried, follows_buyer=bool(kind))
    if "postcode" not in identifiers.column_names:  # a consent export reads no postal code
        identifiers = identifiers.append_column("postcode", pa.nulls(identifiers.num_rows, pa.string()))
    con = duckdb.connect()
    try:
        install_normalizers(con, profile.country, only=("cc_fold", "cc_phone_here", "cc_phone_e164_here"))
        con.register("identifiers", identifiers)
        _identifier_tables(con)
        columns: list[tuple[str, str, pa.Array]] = []
        for name, table in tables.items():
            for field in table.schema:
                is_list = pa.types.is_list(field.type) and pa.types.is_string(field.type.value_type)
                if is_list or pa.types.is_large_string(field.type) or (
                        pa.types.is_string(field.type) and not _all_tokens(table.column(field.name))):
                    columns.append((name, field.name, _distinct(table.column(field.name), is_list)))
        counts = _counts(con, columns)
        # Free text first: an event id joined from a title names the title, which is what to fix.
        for name, column, _values in sorted(columns, key=lambda c: (c[0], c[1]) not in FREE_TEXT):
            found = counts.get((name, column))
            what = _verdict((name, column), *found, rows=tables[name].num_rows) if found else None
            if what:
                # Many people's addresses as an event's column: a buyer's column mapped as the event's.
                raise _leak(profile, name, column, what, follows_buyer=what == _("patrons' addresses"))
    finally:
        con.close()


def scan_checked(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """``scan_package`` on what ``mapping check`` built in ``con`` (``event_out``, ``patron_clear``, the
    sales naming nobody; tickets and patrons carry tokens only once prepared): the refusal ``prepare``
    would make, in its words. Call after ``build_events`` and ``build_patrons``."""
    tables = {"event": con.sql("SELECT * FROM event_out").to_arrow_table(),
              "unnamed_sale": unnamed_sale_table(con, "check")}
    identifiers = con.sql(
        "SELECT email, phone, given_name, surname, birth_date, postcode FROM patron_clear").to_arrow_table()
    scan_package(tables, identifiers, profile, {**own_buyer_names(con), **own_buyer_lines(con, profile)})


def _verdict(column: tuple[str, str], total: int, emails: int, phones: int, full_names: int,
             parts: int, births: int, surnames: int = 0, postcodes: int = 0, phones_within: int = 0,
             shaped_phones: int = 0, births_within: int = 0, streets: int = 0, *, rows: int = 0) -> str | None:
    if emails:
        return _("e-mail addresses")
    if phones or phones_within or (column in FREE_TEXT and shaped_phones):
        return _("phone numbers")
    if births or births_within:
        return _("birth dates")
    if (postcodes >= 3 and postcodes >= 0.2 * total) or (column not in FREE_TEXT and postcodes >= 0.5 * total > 0):
        return _("patrons' postal codes")
    if column in FREE_TEXT and streets >= 0.8 * total and total > max(_MANY_ADDRESSES, rows / 3):
        return _("patrons' addresses")
    if column in FREE_TEXT:
        # A surname alone as a title (« Brel », « Chopin ») is no coincidence only when most are.
        names = names_in_free_text(full_names, total) or (surnames >= 3 and surnames >= 0.8 * total)
        return _("patrons' names") if names else None
    if full_names or (parts >= 3 and parts >= 0.5 * total):
        return _("patrons' names")
    return None


def names_in_free_text(full_names: int, values: int) -> bool:
    """Whether a free-text column whose ``values`` distinct values hold ``full_names`` input patrons'
    full names is made of names (a buyer's column mapped as the event's), not one that names a few."""
    return full_names >= 3 and full_names >= 0.2 * values


def _leak(profile: Profile, table: str, column: str, what: str, *, follows_buyer: bool = False) -> UserError:
    """The refusal naming ``column`` and the export's column it comes from. A free-text column
    that follows the buyer (``follows_buyer``) is a buyer's column mapped as the event's: it is
    mapped elsewhere, not cleaned."""
    field = SOURCE_FIELD.get((table, column))
    spec = profile.columns.get(field) if field else None
    if spec is not None and field is not None and (table, column) in FREE_TEXT and not follows_buyer:
        return UserError(
            _("Nothing was written: the package's {table}.{column}, filled from {source} by the mapping's "
              "{field}, would carry {what} in clear; remove them from that column of the export (titles, "
              "venues and artists are shared as they are written), or leave {field} out of the mapping.").format(
                table=table, column=column, source=spec.describe(), field=field, what=what)
        )
    if spec is not None and field is not None:
        return UserError(
            _("Nothing was written: the package's {table}.{column}, filled from {source} by the mapping's "
              "{field}, would carry {what} in clear; map {field} to another column of the export, or leave "
              "it out of the mapping.").format(table=table, column=column, source=spec.describe(),
                                               field=field, what=what)
        )
    return UserError(
        _("Nothing was written: the package's {table}.{column} would carry {what} in clear; check which "
          "columns of the export the mapping uses.").format(table=table, column=column, what=what)
    )


# Seven digits or more in groups: a phone number, or a number that identifies a person (a social
# insurance number, a card's); no organization's name or region writes one but a season's years.
_PERSONAL_NUMBER = re.compile(r"\+?[0-9](?:[\s().\-/]*[0-9]){6,}")
_SEASON = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}\s*[-–/]\s*(?:(?:19|20)[0-9]{2}|[0-9]{2})(?![0-9])")


def check_member_words(member_id: str, name: str | None, region: str | None) -> None:
    """Raise ``UserError`` when the member's name or region, written in clear in the package's
    manifest, holds an e-mail address, a phone number or another personal number. A name left to
    the member id (no ``--name``) is the id, checked where it is given."""
    asked = [("--name", name, _("your organization's name"), '--name "Jazz Dièse"'),
             ("--region", region, _("your administrative region"), "--region Montréal")]
    for option, value, expected, example in asked:
        if not value or (option == "--name" and value == member_id):
            continue
        what = (_("an e-mail address") if re.search(_ANY_EMAIL, re.sub(_INVISIBLE, "", value))
                else _("a phone number or another personal number")
                if _PERSONAL_NUMBER.search(_SEASON.sub(" ", value)) else None)
        if what:
            raise UserError(
                _("Nothing was written: {option} holds {what}, which the package's manifest would carry to the "
                  "cooperative in clear; give {expected} instead, such as {example}.").format(
                    option=option, what=what, expected=expected, example=example))


def personal_in_texts(con: duckdb.DuckDBPyConnection, texts: list[str], country: str) -> dict[str, str]:
    """Which of ``texts`` (shown as they are written, with no export's patrons to compare them
    with: a programme's titles, venues, artists) carry what ``scan_package`` refuses in free text
    whoever's it is: an e-mail address, or a number written as a phone number of ``country`` or
    any international number; text → ``"email"`` or ``"phone"``. ``con`` has the normalizers
    installed."""
    if not texts:
        return {}
    install_country(con, country)
    con.register("shown_texts", pa.table({"x": pa.array(list(dict.fromkeys(texts)), pa.string())}))
    try:
        rows = con.execute(
            f"""WITH shaped AS (
                SELECT DISTINCT x FROM (SELECT x, unnest(regexp_extract_all(x, '{_PHONE_SHAPE}')) AS m FROM shown_texts)
                WHERE cc_phone_here(m) IS NOT NULL)
            SELECT x, regexp_matches(regexp_replace(x, '{_INVISIBLE}', '', 'g'), '{_ANY_EMAIL}'),
                   regexp_full_match(regexp_replace(x, '[\\s().-]', '', 'g'), '\\+[1-9][0-9]{{7,14}}')
                   OR x IN (SELECT x FROM shaped)
            FROM shown_texts""",
        ).fetchall()
    finally:
        con.unregister("shown_texts")
    return {str(x): "email" if email else "phone" for x, email, phone in rows if email or phone}


# The forms an input birth date is looked for in a text (``id_birth_dates``), as ``strptime`` reads them.
_BIRTH_DATE_FORMS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%d-%m-%Y")
_DATE_IN_TEXT = re.compile(f"(?<![0-9])(?:{_DATE_SHAPE})(?![0-9])")


def dates_in_text(text: str) -> list[date]:
    """Every date ``text`` carries in the forms ``scan_package`` looks an input birth date up in
    (ISO, day first, month first, compact; both readings of ``03/04/1964``)."""
    found = []
    for match in _DATE_IN_TEXT.finditer(text):
        for form in _BIRTH_DATE_FORMS:
            try:
                found.append(datetime.strptime(match.group(0), form).date())
            except ValueError:
                continue
    return found
