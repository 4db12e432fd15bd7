"""A month of a CSV download stays the month it is in a spreadsheet: Excel, in French as in English,
turns « 2024-12 » and « déc. 2024 » into the date 1 December 2024 (shown « déc-24 ») and
« 2024-12-01 » into that day. Each month is written « 2024-12 (déc.) »: text Excel keeps, read as the
page reads it, sorting in time order."""

from __future__ import annotations

import csv
import io
import re

import pytest

from culturecoop.web.i18n import Translator, _
from culturecoop.web.render import csv_text
from culturecoop.web.views.base import Col, table

# What a spreadsheet reads as a date, not as text: an ISO month or day, a month and a year with
# numbers or a month's name (« déc. 2024 », « Dec 2024 », « 12/2024 », « déc-24 »).
A_DATE_TO_EXCEL = re.compile(r"\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}[/-]\d{4}|[^\W\d]+\.? \d{4}|[^\W\d]+\.?-\d{2}")
MONTHS = ["2025-01", "2024-12", "2024-02", "2024-11"]


@pytest.mark.parametrize(("language", "december"), [("fr", "2024-12 (déc.)"), ("en", "2024-12 (Dec)")])
def test_csv_months_stay_text_that_reads_and_sorts(language: str, december: str) -> None:
    t = Translator(language)
    view = table("by_month", "Par mois", [{"month": m, "tickets": 10 + i} for i, m in enumerate(MONTHS)],
                 [Col("month", _("Month"), "month"), Col("tickets", _("Tickets"), "int")], t)
    rows = list(csv.reader(io.StringIO(csv_text(view, t).lstrip("\ufeff")), delimiter=";" if language == "fr" else ","))
    months = [row[0] for row in rows[1:]]
    assert december in months, months
    assert not [m for m in months if A_DATE_TO_EXCEL.fullmatch(m)], months
    # Sorted as text (what a spreadsheet does with text), the months come in time order.
    assert [m[:7] for m in sorted(months)] == sorted(MONTHS), months
