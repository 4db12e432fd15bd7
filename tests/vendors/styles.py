"""How vendors write dates, amounts and phone numbers (the quirks the exports carry)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
NBSP = "\u00a0"


def fr_short_day(when: dt.datetime) -> str:
    """``dim. 22 mars 2026 15h00`` (Billetweb's session label)."""
    return f"{FR_DAYS[when.weekday()][:3]}. {when.day} {FR_MONTHS[when.month - 1]} {when.year} {when.hour}h{when.minute:02d}"


def fr_long_day_upper(when: dt.date) -> str:
    """``SAMEDI 8 AOÛT 2026``."""
    return f"{FR_DAYS[when.weekday()]} {when.day} {FR_MONTHS[when.month - 1]} {when.year}".upper()


def hour_h(when: dt.datetime) -> str:
    """``20h00``."""
    return f"{when.hour}h{when.minute:02d}"


def us_datetime(when: dt.datetime) -> str:
    """``3/4/2026 2:22 PM`` (month first, no leading zeros, 12-hour clock)."""
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d} {'PM' if when.hour >= 12 else 'AM'}"


def iso_offset(when: dt.datetime, zone: str) -> str:
    """``2026-03-04 14:22:05-05:00``: local wall clock with the zone's offset of that day."""
    aware = when.replace(tzinfo=ZoneInfo(zone))
    return aware.isoformat(sep=" ")


def iso_utc_z(when: dt.datetime, zone: str) -> str:
    """``2026-03-04T19:22:05.000Z``: the local time converted to UTC, as APIs write it."""
    utc = when.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fr_datetime(when: dt.datetime, two_digit_year: bool = False, seconds: bool = False) -> str:
    year = f"{when.year % 100:02d}" if two_digit_year else str(when.year)
    text = f"{when.day:02d}/{when.month:02d}/{year} {when.hour:02d}:{when.minute:02d}"
    return text + (f":{when.second:02d}" if seconds else "")


def fr_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _grouped(units: int, separator: str) -> str:
    text = str(units)
    groups = []
    while len(text) > 3:
        groups.insert(0, text[-3:])
        text = text[:-3]
    groups.insert(0, text)
    return separator.join(groups)


def fr_amount(value: Decimal, symbol: str | None = None) -> str:
    """``1 234,50 €`` (no-break spaces) or ``12,50`` without a symbol."""
    sign = "-" if value < 0 else ""
    cents = int((abs(value) * 100).to_integral_value())
    text = f"{sign}{_grouped(cents // 100, NBSP)},{cents % 100:02d}"
    return f"{text}{NBSP}{symbol}" if symbol else text


def us_amount(value: Decimal) -> str:
    """``$1,250.00``; a negative amount in accounting style, ``($45.00)``."""
    cents = int((abs(value) * 100).to_integral_value())
    text = f"${_grouped(cents // 100, ',')}.{cents % 100:02d}"
    return f"({text})" if value < 0 else text


def cents(value: Decimal) -> str:
    return str(int((value * 100).to_integral_value()))


def qc_phone(digits: str, style: int) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}", f"{a}.{b}.{c}")[style % 4]


def fr_phone(digits: str, style: int) -> str:
    pairs = " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return (pairs, "+33" + digits[1:], "+33 " + pairs[1:])[style % 3]
