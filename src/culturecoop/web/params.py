"""Parameters several routes read the same way: the days of a period (``from``, ``to``).

A day is written ``YYYY-MM-DD`` and nothing else: pydantic alone would also read ``0`` as
1970-01-01 (a Unix time) and ``1e9`` as a day of 2001. A day no report can cover, or a period
that ends before it starts, is refused in one sentence before any service is asked.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from culturecoop.analytics.period import FIRST_DAY, LAST_DAY, out_of_range
from culturecoop.web.errors import WebError
from culturecoop.web.i18n import _
from culturecoop.web.views.period import OUT_OF_RANGE

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """A query's day as written: blank is no day; anything but ``YYYY-MM-DD`` is no day at all."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if not _ISO_DAY.fullmatch(value):
            raise PydanticCustomError("date_parsing", "Input should be a day written YYYY-MM-DD")
    return value


Day = Annotated[date | None, BeforeValidator(_iso_day)]
FromQuery = Annotated[Day, Query(alias="from", description="First day of the period (YYYY-MM-DD).")]
ToQuery = Annotated[Day, Query(alias="to", description="Last day of the period (YYYY-MM-DD).")]


def check_period(start: date | None, end: date | None) -> None:
    """Refuse (HTTP 400, one sentence) a day no report covers or a period ending before it starts."""
    for day in (start, end):
        if day is not None and out_of_range(day):
            raise WebError(400, OUT_OF_RANGE, value=day.isoformat(), first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    if start and end and start > end:
        raise WebError(400, _("The period starts after it ends ({start} > {end}); swap the dates."),
                       start=start.isoformat(), end=end.isoformat())


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
