"""Reading dates and times the way vendors write them, as SQL over the export's text.

``timestamp_sql`` parses a text column to a local wall-clock ``TIMESTAMP`` in the profile's
``timezone``. It tries, and pays for, each way only where the ones before failed:

1. the profile's strptime formats (the fast path: nearly every row of a real export);
2. its date-only formats (midnight);
3. an ISO time with a trailing ``Z`` or offset (``2026-03-23T01:30:00Z``, Shopify's
   ``2026-03-14 19:42:10 -0400``, DICE's ``2026-02-03 18:22:05 UTC``), whatever the
   profile lists: converted from that offset to the profile's zone, so a 21:30 show in
   Montréal written in UTC lands at 21:30;
4. hours written ``15h00`` / ``15 h``, as French exports do, in any of the profile's formats;
5. month and day names in French, English, German and the languages of ``vocabulary_languages``
   (``dim. 22 mars 2026 15h00``, ``za 14 mrt. 2026 20:30``,
   ``SAMEDI 8 AOÛT 2026``, ``Sat, Aug 8, 2026 8:00 PM``, ``Sa., 14. März 2026, 19:30 Uhr``),
   through the ``cc_text_datetime`` macro;
6. Unix times in seconds or milliseconds from 2000 to 2035 (an API's ``created_at``), as instants;
7. Excel's serial dates (``46300,443056``: days since ``$serial_base``, the time of day as their
   fraction) from 1990 to 2100, as wall-clock times (``shapes.excel_serial`` reads them alike).

``fix_two_digit_year`` then reads a year written with two digits (``22/03/26`` parsed by a
``%Y`` format as year 26) as Excel does: 20yy unless that is more than ten years ahead, else 19yy;
a year written with four digits (``0026-03-22``) stays what it says.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from culturecoop.ingest.shapes import (
    DAY_NAMES,
    EPOCH_SECONDS,
    EXCEL_EPOCH,
    EXCEL_SERIAL_SQL,
    EXCEL_SERIALS,
    ZONE_ABBREVIATIONS,
    ZONE_WORDS,
)
from culturecoop.ingest.vocabulary_languages import BEFORE_TIME
from culturecoop.ingest.vocabulary_languages import DAYS as DAYS_ABROAD
from culturecoop.ingest.vocabulary_languages import MONTHS as MONTHS_ABROAD

# Month words (accents folded, lower case): French and English names and abbreviations.
_MONTHS: dict[int, str] = {
    1: "janvier janv jan january januar", 2: "fevrier fevr fev feb february februar",
    3: "mars mar march marz maerz", 4: "avril avr apr april", 5: "mai may", 6: "juin jun june juni",
    7: "juillet juil jul july juli", 8: "aout aou aug august", 9: "septembre sept sep september",
    10: "octobre oct october oktober okt", 11: "novembre nov november", 12: "decembre dec december dezember dez",
}
# And in Dutch, Portuguese, Spanish, Italian, the Scandinavian languages and Polish.
_OTHER_MONTHS = {w: m for w, m in MONTHS_ABROAD.items() if w not in " ".join(_MONTHS.values()).split()}
MONTH_WORDS: tuple[str, ...] = (*(w for words in _MONTHS.values() for w in words.split()), *_OTHER_MONTHS)
MONTH_NUMBERS: tuple[int, ...] = (*(m for m, words in _MONTHS.items() for _w in words.split()),
                                  *_OTHER_MONTHS.values())
DAY_WORDS: tuple[str, ...] = DAY_NAMES + tuple(w for w in DAYS_ABROAD
                                               if w not in ("lun", "mar", "mer", "ven", "sam", "dim", "do", "di"))
# ISO wall-clock forms read before an offset, whatever the profile's formats.
ISO_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
)
# A zone written after the time: Z, UTC, GMT, an offset (+01:00, -0400, GMT-5) or an abbreviation
# (EST, HAE, CEST: shapes.ZONE_ABBREVIATIONS).
_OFFSET = (r"((?:UTC|GMT) ?[+-][0-9]{1,2}(?::?[0-9]{2})?|Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2}|" + ZONE_WORDS + ")$")
_ZONE_NAMES = "[" + ", ".join(f"'{k}'" for k in ZONE_ABBREVIATIONS) + "]"
_ZONE_OFFSETS = "[" + ", ".join(f"'{v}'" for v in ZONE_ABBREVIATIONS.values()) + "]"


def _iso_offset(suffix: str) -> str:
    """SQL: the ``±hh:mm`` (or ``±hhmm``) a zone suffix stands for."""
    return f"""CASE WHEN {suffix} IN ('Z', 'UTC', 'GMT') THEN '+00:00'
        WHEN list_position({_ZONE_NAMES}, {suffix}) > 0 THEN {_ZONE_OFFSETS}[list_position({_ZONE_NAMES}, {suffix})]
        WHEN regexp_matches({suffix}, '^(UTC|GMT)')
        THEN list_transform([regexp_extract({suffix}, '([+-])([0-9]{{1,2}}):?([0-9]{{2}})?$', ['s', 'h', 'm'])],
                            lambda o: o.s || lpad(o.h, 2, '0') || ':' || coalesce(nullif(o.m, ''), '00'))[1]
        ELSE {suffix} END"""


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MW = _alternation(MONTH_WORDS)
_DW = _alternation(DAY_WORDS)
_BT = _alternation(BEFORE_TIME)
_MW_LIST = "[" + ", ".join(f"'{w}'" for w in MONTH_WORDS) + "]"
_MN_LIST = "[" + ", ".join(str(n) for n in MONTH_NUMBERS) + "]"

DATE_MACROS: tuple[str, ...] = (
    # Lower case without accents, ordinals (1er, 31st) and commas gone, "à"/"at"/"le" gone (and
    # « kl. », « om », « às » before a time), and a
    # leading day name dropped when a month word follows (so "Mar 22" stays March, and
    # "mar. 22 mars" loses its Tuesday).
    f"""CREATE OR REPLACE MACRO cc_dw_text(x) AS
        trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            -- "01-Mar-2026", "14/mars/2026": the month word between dashes or slashes.
            regexp_replace(regexp_replace(replace(replace(strip_accents(lower(x)), 'ø', 'o'), 'ł', 'l'),
                                          '([0-9])[-/]([a-z])', '\\1 \\2', 'g'),
                           '([a-z])[-/]([0-9])', '\\1 \\2', 'g'),
            '(\\d)(er|st|nd|rd|th)\\b', '\\1', 'g'), '[,.]|\\s(a|at|le|de|du|-)\\s|\\suhr$', ' ', 'g'),
            -- « às 21h00 », « kl. 19:00 », « om 20:00 »: the word before the time goes too.
            '\\s+', ' ', 'g'), '\\s({_BT})\\s(\\d)', ' \\2', 'g'),
            '^({_DW})\\s+((\\d{{1,2}} ({_MW})\\b)|(({_MW}) \\d))', '\\2'))""",
    f"""CREATE OR REPLACE MACRO cc_dw_parts(s) AS
        CASE WHEN regexp_full_match(s, '(\\d{{1,2}}) ({_MW}) (\\d{{2,4}})( .*)?')
             THEN regexp_extract(s, '^(\\d{{1,2}}) ({_MW}) (\\d{{2,4}}) ?(.*)$', ['d', 'm', 'y', 't'])
             WHEN regexp_full_match(s, '({_MW}) (\\d{{1,2}}) (\\d{{2,4}})( .*)?')
             THEN regexp_extract(s, '^({_MW}) (\\d{{1,2}}) (\\d{{2,4}}) ?(.*)$', ['m', 'd', 'y', 't']) END""",
    # [hour, minute, second] of "15h00", "15 h", "20:30:00", "8:00 pm"; [0, 0, 0] for no time.
    """CREATE OR REPLACE MACRO cc_dw_time(t) AS
        CASE WHEN t = '' THEN [0, 0, 0]
             WHEN regexp_full_match(t, '(\\d{1,2}) ?(h|:)? ?(\\d{2})?(:\\d{2})? ?(am|pm)?')
             THEN list_transform([regexp_extract(t,
                     '^(\\d{1,2}) ?(?:h|:)? ?(\\d{2})?(?::(\\d{2}))? ?(am|pm)?$', ['h', 'm', 's', 'p'])],
                  lambda r: [CAST(r.h AS INTEGER) % 12 * (r.p <> '')::INTEGER
                                 + CAST(r.h AS INTEGER) * (r.p = '')::INTEGER + 12 * (r.p = 'pm')::INTEGER,
                             coalesce(TRY_CAST(nullif(r.m, '') AS INTEGER), 0),
                             coalesce(TRY_CAST(nullif(r.s, '') AS INTEGER), 0)])[1] END""",
    # Lambdas bind each part once (a scalar subquery here would be decorrelated into a join over
    # every row of the export, whichever branch of the caller's CASE the row takes).
    f"""CREATE OR REPLACE MACRO cc_text_datetime(x) AS
        list_transform([cc_dw_parts(cc_dw_text(x))], lambda p:
            list_transform([cc_dw_time(p.t)], lambda tm:
                CASE WHEN p IS NOT NULL AND tm IS NOT NULL
                THEN try(make_timestamp(CAST(p.y AS BIGINT), {_MN_LIST}[list_position({_MW_LIST}, p.m)],
                                        CAST(p.d AS BIGINT), tm[1], tm[2], tm[3])) END)[1])[1]""",
)


def first_of(*expressions: str, when: str | None = None) -> str:
    """SQL: the first non-NULL of ``expressions``. The first is the cheap reading most rows take;
    the others are evaluated only on the rows it leaves NULL (a ``CASE`` evaluates a branch on the
    rows that reach it only), together (``coalesce``: DuckDB evaluates each of its arguments on
    every row it is given), so each of them is written once; the ones that cost are guarded by
    their own cheap test (``timestamp_sql``'s terms).

    Not a lambda binding each value once (``list_transform([e], lambda v: CASE WHEN v IS NOT
    NULL THEN v ELSE … END)``): DuckDB sets up a lambda's body again for every chunk of 2,048
    rows, regular expressions compiled anew included, and the date parser's eight nested levels
    cost 2.5 s per million rows where this costs 0.11 s. Nor a ``CASE`` per expression: each
    would be written twice (its test, its value), and DuckDB then computes it once for every row,
    outside the ``CASE``.

    ``when``: the others only where this holds (the value is written: a parser's head gives NULL for NULL).
    Written inside the ``CASE`` rather than around it: DuckDB computes the head once, for every row, only
    where it is the condition of a ``CASE`` it evaluates on every row; inside another ``CASE``'s branch
    (``CASE WHEN x IS NOT NULL THEN first_of(…) END``) it computes it twice (0.07 s per million dates)."""
    if len(expressions) == 1:
        return expressions[0] if when is None else f"CASE WHEN {when} THEN {expressions[0]} END"
    head, rest = expressions[0], expressions[1:]
    fallback = rest[0] if len(rest) == 1 else f"coalesce({', '.join(rest)})"
    return f"CASE WHEN ({head}) IS NOT NULL THEN ({head}) {'ELSE' if when is None else f'WHEN {when} THEN'} {fallback} END"


def _has_zone(fmt: str) -> bool:
    return "%z" in fmt or "%Z" in fmt


def timestamp_sql(column: str, formats: tuple[str, ...], date_formats: tuple[str, ...], *,
                  serials_from: int = EXCEL_SERIALS[0], first_only: bool = False, when: str | None = None) -> str:
    """SQL parsing the text ``column`` to a wall-clock TIMESTAMP in ``$tz`` (see the module doc); an
    Excel serial date is read from the serial ``serials_from`` on (an earlier one for birth dates).
    ``first_only``: the first reading alone (the mapping's own formats), which gives the whole
    parser's value wherever it reads one (a caller that knows it reads every value of the column
    leaves the rest out: two thirds of a small export's planning). ``when``: the readings after the first only
    where it holds (``first_of``).

    The formats are bound as the named parameters of ``format_params(formats, date_formats)``.
    """
    terms = []
    plain = [f for f in formats if not _has_zone(f)]
    if plain:
        terms.append(f"try_strptime({column}, $dt_plain)")
    if len(plain) < len(formats):
        # DuckDB's %z parsing rolls 31 February over to March: check the wall-clock part alone.
        terms.append(
            f"CASE WHEN try_strptime(regexp_replace({column}, '{_OFFSET}', ''), $dt_zone_wall) IS NOT NULL "
            f"THEN timezone($tz, try_strptime({column}, $dt_zone)) END"
        )
    if date_formats:
        terms.append(f"CAST(try_strptime({column}, $d_formats) AS TIMESTAMP)")
    if first_only and terms:
        return terms[0]
    # A zone after the time: the wall-clock time before it (ISO, the profile's formats, or with month
    # names), converted from that zone to the profile's.
    # An offset of whole hours after the seconds (PostgreSQL's "15:15:00+00") read as "+00:00".
    zoned = f"regexp_replace({column}, '(:[0-9]{{2}}(\\.[0-9]+)?)([+-][0-9]{{2}})$', '\\1\\3:00')"
    wall = f"regexp_replace({zoned}, '\\s*{_OFFSET}', '')"
    offset = _iso_offset(f"regexp_extract({zoned}, '{_OFFSET}', 1)")
    walls = [f"try_strptime({wall}, $dt_iso)"]
    if plain:
        walls.append(f"try_strptime({wall}, $dt_plain)")
    walls.append(f"cc_text_datetime({wall})")
    terms.append(
        f"""CASE WHEN regexp_matches({zoned}, '[0-9mM.] ?{_OFFSET}') THEN timezone($tz, TRY_CAST(
                strftime({first_of(*walls)}, '%Y-%m-%d %H:%M:%S') || ({offset}) AS TIMESTAMPTZ)) END"""
    )
    hours = f"regexp_replace({column}, '([0-9])\\s*[hH]\\s*([0-9]{{2}})?\\b', '\\1:\\2', 'g')"
    if plain:
        terms.append(
            f"CASE WHEN regexp_matches({column}, '[0-9]\\s*[hH]') THEN "
            f"try_strptime(regexp_replace({hours}, ':(\\s|$)', ':00\\1', 'g'), $dt_plain) END"
        )
    # A day's name before a numeric date, a slash before the time ("Fr, 20.03.2026 / 19:30"): read without
    # them (``shapes.strip_zone`` drafts the formats so).
    bare = (f"regexp_replace(regexp_replace(trim({column}), '^\\p{{L}}{{2,10}}\\.?,?\\s+([0-9])', '\\1'), "
            f"'([0-9])\\s+/\\s+([0-9])', '\\1 \\2')")
    plain_bare = [f"try_strptime({bare}, $dt_plain)"] if plain else []
    dated_bare = [f"CAST(try_strptime({bare}, $d_formats) AS TIMESTAMP)"] if date_formats else []
    if plain_bare or dated_bare:
        terms.append(f"CASE WHEN regexp_matches({column}, '^\\s*\\p{{L}}{{2,10}}\\.?,?\\s+[0-9]|[0-9]\\s+/\\s+[0-9]') "
                     f"THEN {first_of(*plain_bare, *dated_bare)} END")
    # Unix seconds or milliseconds (an API's "created_at": 1788410632), 2000 to 2035 (``shapes.is_epoch``):
    # an instant, converted to the profile's zone.
    epoch = f"TRY_CAST(trim({column}) AS BIGINT)"
    terms.append(
        f"CASE WHEN regexp_full_match(trim({column}), '[0-9]{{10}}') AND {epoch} BETWEEN {EPOCH_SECONDS[0]} AND "
        f"{EPOCH_SECONDS[1]} THEN timezone($tz, to_timestamp({epoch})) "
        f"WHEN regexp_full_match(trim({column}), '[0-9]{{13}}') AND {epoch} // 1000 BETWEEN {EPOCH_SECONDS[0]} AND "
        f"{EPOCH_SECONDS[1]} THEN timezone($tz, to_timestamp({epoch} / 1000.0)) END")
    # Excel's serial dates (« 46300,443056 », a CSV saved from a sheet whose dates were formatted as
    # numbers; a workbook's number cell): wall-clock times, to the nearest second.
    serial = f"TRY_CAST(replace(trim({column}), ',', '.') AS DOUBLE)"
    terms.append(
        f"CASE WHEN regexp_full_match(trim({column}), '{EXCEL_SERIAL_SQL}') AND {serial} BETWEEN {int(serials_from)} "
        f"AND {EXCEL_SERIALS[1]} THEN $serial_base + to_seconds(CAST(round({serial} * 86400) AS BIGINT)) END")
    # Three letters in a row, accented ones included: "1 déc. 2025" and "1 août" hold no three ASCII ones.
    terms.append(f"CASE WHEN regexp_matches({column}, '\\p{{L}}{{3}}') THEN cc_text_datetime({column}) END")
    # "8:00 p.m.", "10 h 15 a.m.": read again as "8:00 PM" (the draft reads them so).
    meridiem = (f"regexp_replace(regexp_replace({column}, '([0-9])\\s*[aA]\\.\\s?[mM]\\.?', '\\1 AM', 'g'), "
                f"'([0-9])\\s*[pP]\\.\\s?[mM]\\.?', '\\1 PM', 'g')")
    again = ([f"try_strptime({meridiem}, $dt_plain)"] if plain else []) + [f"cc_text_datetime({meridiem})"]
    terms.append(f"CASE WHEN regexp_matches({column}, '[0-9]\\s*[aApP]\\.\\s?[mM]') THEN {first_of(*again)} END")
    return first_of(*terms, when=when)


# A year written with four digits below 100 (« 0001-01-01 », « 14/03/0026 »): never a two-digit year.
FOUR_DIGIT_EARLY_YEAR = "(^|[^0-9])00[0-9]{2}([^0-9]|$)"


def fix_two_digit_year(expression: str, written: str) -> str:
    """SQL: ``expression`` (a TIMESTAMP read from the text ``written``) with a year below 100 read as
    20yy or 19yy (see module), unless ``written`` writes that year with four digits (« 0026 »): a year
    written in full is never read as another (the caller's range check sets it aside)."""
    return (f"CASE WHEN year({expression}) < 100 THEN CASE WHEN regexp_matches({written}, "
            f"'{FOUR_DIGIT_EARLY_YEAR}') THEN {expression} ELSE {expression} + to_years("
            f"CASE WHEN year({expression}) + 2000 <= $max_century_year THEN 2000 ELSE 1900 END) END "
            f"ELSE {expression} END")


def format_params(formats: tuple[str, ...], date_formats: tuple[str, ...], timezone: str,
                  this_year: int, serial_base: datetime = EXCEL_EPOCH) -> dict[str, Any]:
    """The parameters that ``timestamp_sql`` and ``fix_two_digit_year`` refer to (``serial_base``: the
    day Excel's serial dates count from, ``SourceInfo.serial_base``)."""
    plain = [f for f in formats if not _has_zone(f)]
    zoned = [f for f in formats if _has_zone(f)]
    params: dict[str, Any] = {"dt_iso": list(ISO_FORMATS), "tz": timezone,
                              "max_century_year": this_year + 10, "serial_base": serial_base}
    if date_formats:
        params["d_formats"] = list(date_formats)
    if plain:
        params["dt_plain"] = plain
    if zoned:
        params["dt_zone"] = zoned
        params["dt_zone_wall"] = [f.replace("%z", "").replace("%Z", "") for f in zoned]
    return params
