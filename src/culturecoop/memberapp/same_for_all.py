"""One purchase date for every row of an export that dates no sale (a list of bookings kept by hand):
what the form accepts for it, said in the form's words before the mapping's check names its YAML key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import _, day_words
from culturecoop.ingest.words import FIELD_LABELS


def _read(text: str, formats: list[str]) -> dt.date | None:
    """The day ``text`` writes: ISO (what a date picker sends) or one of the mapping's formats."""
    for fmt in ("%Y-%m-%d", *formats):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def same_purchase_date(columns: Mapping[str, Any], mapping: Mapping[str, Any], today: dt.date | None = None) -> None:
    """Refuse a purchase date written once for every row that is no date, or a day still to come (every
    row would be set aside as bought in the future)."""
    spec = columns.get("purchased_at")
    if not (isinstance(spec, dict) and set(spec) == {"value"}):
        return
    written = str(spec["value"]).strip()
    formats = [str(f) for f in (*(mapping.get("datetime_formats") or ()), *(mapping.get("date_formats") or ()))]
    day = _read(written, formats)
    field = _("“{label}”").format(label=_(FIELD_LABELS["purchased_at"]))
    if day is None:
        raise UserError(_("{field} “{value}” is no date: choose the day in the calendar (or write it as 2026-12-07), "
                          "then apply again.").format(field=field, value=written))
    today = today or dt.date.today()
    if day > today:
        raise UserError(_("{field} is {day}, a day still to come: write the day the bookings were taken, or today's at "
                          "the latest, not the show's, then apply again.").format(field=field, day=day_words(day)))
