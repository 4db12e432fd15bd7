"""The privacy budget's period as a person says it: `privacy set --period` reads « trimestre »,
"quarterly", « par mois », and `privacy show` names the current one (« ce trimestre, 4e trimestre
2026 »), never the policy's code (month, quarter, year)."""

from __future__ import annotations

import re
from datetime import date

from culturecoop.errors import UserError
from culturecoop.folding import fold
from culturecoop.i18n import BABEL_LOCALES, _, current_language

# Each period by the words a person types for it, French and English, folded (« année » → annee).
PERIOD_WORDS = {
    "month": ("month", "months", "monthly", "mois", "mensuel", "mensuelle", "mensuellement", "m"),
    "quarter": ("quarter", "quarters", "quarterly", "trimestre", "trimestres", "trimestriel", "trimestrielle",
                "trimestriellement", "q", "t"),
    "year": ("year", "years", "yearly", "annual", "annually", "an", "ans", "annee", "annees", "annuel", "annuelle",
             "annuellement", "calendar year", "annee civile", "y"),
}
_PERIOD_OF = {word: period for period, words in PERIOD_WORDS.items() for word in words}
# What may come before the period's word: "per quarter", « par trimestre », « chaque mois », "a year".
_BEFORE = re.compile(r"^(?:per|par|each|every|chaque|a|an|one|un|une|by|le|la|l|this|ce|cet|cette)\s+")


def read_period(given: str | None) -> str | None:
    """The budget period ``given`` names (month, quarter or year), in French or English; None when absent."""
    if given is None:
        return None
    words = " ".join(re.sub(r"[^a-z]+", " ", fold(given)).split())
    words = _BEFORE.sub("", words) if words not in _PERIOD_OF else words
    if words in _PERIOD_OF:
        return _PERIOD_OF[words]
    raise UserError(_("--period {value} is not a budget period; give month, quarter or year (per month, per quarter "
                      "or per year), e.g. --period quarter.").format(value=given))


def period_word(period: str) -> str:
    """A budget period (month, quarter, year) in the reader's language, after « par »: mois, trimestre, année."""
    return {"month": _("month"), "quarter": _("quarter"), "year": _("year")}.get(period, period)


def this_period(period: str, start: date) -> str:
    """The current budget period that starts on ``start``, in words: « ce trimestre (4e trimestre 2026) »,
    "this month (December 2026)", "this year (2026)"."""
    if period == "year":
        return _("this year ({year})").format(year=start.year)
    if period == "quarter":
        quarter = (_("Q1"), _("Q2"), _("Q3"), _("Q4"))[(start.month - 1) // 3]  # « 4e trimestre »
        return _("this quarter ({quarter})").format(quarter=f"{quarter} {start.year}")
    from babel.dates import format_date  # only a budget shown by month pays for babel's dates

    month = str(format_date(start, "LLLL y", locale=BABEL_LOCALES[current_language()]))
    return _("this month ({month})").format(month=month)
