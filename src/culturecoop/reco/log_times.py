"""The times a log writes, as Unix seconds: ISO 8601, Unix numbers in any unit, written dates.

A Unix number is seconds, milliseconds, microseconds or nanoseconds by its size; a time outside
the calendar's years 1 to 9999 is no time; dates with the day and the month as numbers are read in
the one order the column allows, never guessed. The same rules in Python (``parse_time``) and in
DuckDB's SQL (``TIME_SQL``), for a log of millions of rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from culturecoop.errors import UserError
from culturecoop.i18n import _

NO_TIME = np.iinfo(np.int64).min

# Written times besides ISO 8601 and Unix numbers: Goodreads' and Twitter's ("Fri Aug 25 13:55:02
# -0700 2017"), and e-mail's / RSS's RFC 2822 ("Fri, 25 Aug 2017 13:55:02 -0700").
TIME_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%a, %d %b %Y %H:%M:%S %z")

# A Unix time this large is not seconds (it would be after the year 5000) but milliseconds,
# microseconds or nanoseconds, as many exports write it (Amazon's reviews, Kafka, JavaScript).
_UNIT_LIMITS = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3))

# The moments a calendar date can name (years 1 to 9999, UTC): a time outside them is no time, however
# it was written (a cutoff of 99999999999999999999999 was an incident when the split named its day).
FIRST_SECOND = -62_135_596_800
LAST_SECOND = 253_402_300_799


def unix_seconds(number: float) -> int:
    """Unix seconds from a Unix time in seconds, milliseconds, microseconds or nanoseconds."""
    for limit, divisor in _UNIT_LIMITS:
        if abs(number) >= limit:
            return int(number / divisor)
    return int(number)


def _strptime(text: str, form: str | None) -> datetime | None:
    """``text`` read with ``form`` (None: ISO 8601), or None."""
    try:
        return datetime.fromisoformat(text) if form is None else datetime.strptime(text, form)
    except ValueError:
        return None


def parse_time(value: str) -> int | None:
    """Unix seconds from an ISO 8601 date or time, or from a Unix time (seconds, or milliseconds
    and finer: ``unix_seconds``)."""
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return _in_calendar(unix_seconds(number)) if np.isfinite(number) else None
    # ISO 8601 (a date alone included), then the other written forms.
    moment = next((m for m in (_strptime(text.replace("Z", "+00:00"), None), *(_strptime(text, f) for f in TIME_FORMATS))
                   if m is not None), None)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _in_calendar(int(moment.timestamp()))


def _in_calendar(seconds: int) -> int | None:
    return seconds if FIRST_SECOND <= seconds <= LAST_SECOND else None


UNIX_SQL = "CASE " + " ".join(f"WHEN abs(x) >= {limit:.0f} THEN x / {divisor:.0f}" for limit, divisor in _UNIT_LIMITS) + " ELSE x END"
CALENDAR_SQL = f"CASE WHEN x BETWEEN {FIRST_SECOND} AND {LAST_SECOND} THEN x END"
TIME_SQL = """
in_calendar(coalesce(
  try_cast(unix_seconds(try_cast(trim({c}) AS DOUBLE)) AS BIGINT),
  epoch(try_cast(replace(trim({c}), 'Z', '+00:00') AS TIMESTAMPTZ))::BIGINT,
  epoch(try_cast(trim({c}) AS TIMESTAMP))::BIGINT,
  epoch(try_strptime(trim({c}), [{formats}]))::BIGINT))
"""

# Dates written with the day and month as numbers (``12/1/2010 8:26``, Online Retail's; ``31.12.2024``).
_NUMERIC_DATE = r"^\s*(\d{1,2})([/.-])(\d{1,2})[/.-]\d{4}"


def time_formats(con: duckdb.DuckDBPyConnection, column: str, path: Path) -> list[str]:
    """``TIME_FORMATS`` and, when the log writes its dates with numbers for the day and the month,
    their order as the column shows it: a first number above 12 is a day (``31/12/2024``), a second
    above 12 makes the first the month (``12/31/2024``). Never both, never guessed."""
    first, separator, second = con.execute(f"""
        SELECT max(CAST(regexp_extract({column}, '{_NUMERIC_DATE}', 1) AS INTEGER)),
               any_value(regexp_extract({column}, '{_NUMERIC_DATE}', 2)),
               max(CAST(regexp_extract({column}, '{_NUMERIC_DATE}', 3) AS INTEGER))
        FROM raw WHERE regexp_matches({column}, '{_NUMERIC_DATE}')""").fetchone() or (None, None, None)
    if first is None or separator is None or second is None:
        return list(TIME_FORMATS)
    if first > 12 and second > 12:
        raise UserError(_("{path}: its dates put a number above 12 both first and second (day and month?); write them one way, best as ISO 8601 (2024-03-01T20:00).").format(path=path))
    if first <= 12 and second <= 12:
        raise UserError(_("{path}: its dates (such as 03/04/2024) read day first as well as month first; write them as ISO 8601 (2024-03-01T20:00).").format(path=path))
    order = f"%d{separator}%m{separator}%Y" if first > 12 else f"%m{separator}%d{separator}%Y"
    return [*TIME_FORMATS, f"{order} %H:%M:%S", f"{order} %H:%M", order]
