"""The reports' codes and numbers in a reader's words, in French or English.

Reports return codes (``hip_hop``, ``regulars``, ``same_fsa``, ``jazz_club``, ``new_patrons``)
and plain numbers; whoever shows them to a person — the dashboard, insight sentences, a CSV —
names the codes and formats the numbers here, in the reader's language, whatever language the
server process runs in. Messages are marked with ``_`` (a no-op: the catalogs translate them
when a language is known) so that the catalog test sees every one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

from culturecoop.i18n import BABEL_LOCALES, as_day, catalog, first_of_month, gettext_in
from culturecoop.schema.taxonomy import GENRE_LABELS


def _(message: str) -> str:
    """Mark ``message`` for translation; ``say`` translates it for a reader."""
    return message


def say(message: str, language: str, **fields: Any) -> str:
    """``message`` (an English message id) in ``language``, with ``fields`` filled in."""
    text = gettext_in(message, language)
    return text.format(**fields) if fields else text


# -- codes --------------------------------------------------------------------------------------

SEGMENTS = {
    "regulars": _("Regulars"), "explorers": _("Explorers"), "big_spenders": _("Big spenders"),
    "newcomers": _("Newcomers"), "fading": _("Fading"), "occasional": _("Occasional"),
}
SEGMENT_RULES = {
    "regulars": _("came in at least 4 different months of the period"),
    "explorers": _("attended at least 3 genres in the period"),
    "big_spenders": _("spend at least twice the average per visit"),
    "newcomers": _("first visit in the last 3 months of the period"),
    "fading": _("no visit in the last 6 months of the period"),
    "occasional": _("everyone else"),
}
DISTANCES = {
    "same_fsa": _("Same postal area as the venue"), "nearby": _("Neighbouring postal area"),
    "same_region": _("Elsewhere in the venue's region"), "same_country": _("Elsewhere in the venue's country"),
    "elsewhere_in_quebec": _("Elsewhere in Québec"),
    "outside_quebec": _("Outside Québec"), "abroad": _("Another country"), "unknown": _("Postal code unknown"),
}
MEMBER_KINDS = {
    "jazz_club": _("Jazz club"), "theatre": _("Theatre"), "festival": _("Festival"), "orchestra": _("Orchestra"),
    "museum": _("Museum"), "reseller": _("Ticket reseller"), "label": _("Record label"), "club": _("Club"),
    "other": _("Other"),
}
OVERVIEW_METRICS = {
    "patrons": _("Patrons"), "new_patrons": _("New patrons"), "returning_patrons": _("Returning patrons"),
    "events": _("Events"), "tickets": _("Tickets sold"), "revenue": _("Revenue (taxes included)"),
    "orders": _("Orders"), "average_basket": _("Average basket"), "tickets_per_patron": _("Tickets per patron"),
    "revenue_per_patron": _("Revenue per patron"), "new_share": _("Share of new patrons"),
}
BENCHMARK_FIGURES = {
    "patrons": _("Pooled patrons"), "visits_per_patron": _("Events attended per patron"),
    "tickets_per_patron": _("Tickets per patron"), "revenue_per_patron": _("Revenue per patron"),
    "average_price": _("Average ticket price"), "returning_share": _("Share of patrons who had come before"),
}
AGE_BANDS = {
    "under_18": _("Under 18"), "18_24": _("18–24"), "25_34": _("25–34"), "35_44": _("35–44"), "45_54": _("45–54"),
    "55_64": _("55–64"), "65_plus": _("65 and over"), "unknown": _("Age unknown"),
}
RFM_DIMENSIONS = {"recency": _("Recency"), "frequency": _("Frequency"), "monetary": _("Spending")}
RFM_BANDS = {
    "< 30 d": _("under 30 days"), "30-89 d": _("30 to 89 days"), "90-179 d": _("90 to 179 days"),
    "180+ d": _("180 days or more"),
    "1": _("1 visit"), "2": _("2 visits"), "3-4": _("3 or 4 visits"), "5-9": _("5 to 9 visits"), "10+": _("10 visits or more"),
}
# Spending bands: amounts in the member's currency (``label(..., currency=)``).
SPENDING_BANDS: dict[str, tuple[int | None, int | None]] = {
    "< 50": (None, 50), "50-99": (50, 99), "100-249": (100, 249), "250-499": (250, 499), "500+": (500, None),
}
DIRECTIONS = {"rising": _("rising"), "falling": _("falling"), "stable": _("stable")}
# Codes of a target audience's profile and of cross offers (``reco.audiences``, ``reco.cross``).
AUDIENCE_AGES = {"18-34": _("18 to 34"), "35-54": _("35 to 54"), "55+": _("55 and over"), "unknown": _("Age unknown")}
AREAS = {"montreal": _("Montréal"), "quebec_city": _("Québec City"), "rest_of_quebec": _("Rest of Québec"),
         "outside_quebec": _("Outside Québec"), "unknown": _("Postal code unknown"),
         # A member whose venues lie outside Canada: against its venues.
         "near_venue": _("the area of your venues"), "same_country": _("the rest of your country"),
         "abroad": _("another country")}
OWNERSHIP = {"own": _("Already your patrons"), "new": _("New to you")}
# A profile's dimensions, and the kind of code each holds.
AUDIENCE_DIMENSIONS = {"ownership": _("Own or new"), "age_band": _("Age"), "area": _("Where they live"),
                       "segment": _("Habits")}
PROFILE_CODES = {"ownership": "ownership", "age_band": "audience_age", "area": "area", "segment": "segment"}
AUDIENCE_KINDS = {"event": _("Likely audience of an event"), "segment": _("Segment of your patrons"),
                  "genre": _("Fans of a genre elsewhere"), "lapsed": _("Lapsed patrons")}
CAMPAIGN_STATUSES = {"awaiting_approval": _("awaiting the cooperative's approval"), "ready": _("ready to send"),
                     "sending": _("being sent"), "sent": _("sent"), "cancelled": _("cancelled")}
AGREEMENT_STATUSES = {"proposed": _("proposed, awaiting an answer"), "accepted": _("accepted"), "declined": _("declined")}
ROLES = {"coop_admin": _("Cooperative admin"), "member_admin": _("Member admin"), "member_analyst": _("Member analyst")}
# The periods a reader picks from (``analytics.period.PRESETS``); the dashboard adds its custom dates.
PERIOD_PRESETS = {"last_12_months": _("Last 12 months"), "this_season": _("This season"), "last_season": _("Last season")}
LOCAL = _("Local artists (Québec headliner)")

# Report columns as table headers: a column's code (``share_of_audience``) by its usual name, or by
# a narrower one in the table (a ``ReportTable``'s name) where the code means something more precise.
COLUMNS = {
    "metric": _("Code"), "figure": _("Code"), "value": _("Code"), "label": _("Name"), "name": _("Name"),
    "this_period": _("This period"), "previous_period": _("Previous period"), "change": _("Change"),
    "area": _("Area"), "fsa": _("Postal area"), "patrons": _("Patrons"), "share": _("Share"),
    "tickets": _("Tickets"), "distance": _("Distance"), "attendances": _("Attendances"), "age_band": _("Age"),
    "dimension": _("Dimension"), "band": _("Band"), "revenue": _("Revenue"), "revenue_share": _("Share of revenue"),
    "recency": _("Recency"), "frequency": _("Frequency"),
    "event_id": _("Identifier"), "title": _("Event"), "event_day": _("Day"), "attendees": _("Attendees"),
    "came_back": _("Came back"), "return_rate": _("Return rate"),
    "back_within_6_months": _("Back within six months"), "return_rate_6_months": _("Share back within six months"), "cohort": _("Month of the first visit"),
    "months_after": _("Months after"),
    "genre": _("Genre"), "first_share": _("Share over the first three months"), "last_share": _("Share over the last three months"),
    "slope_per_month": _("Slope per month"), "direction": _("Direction"), "month": _("Month"),
    "active_patrons": _("Active patrons"),
    "share_of_audience": _("Share of your audience"),
    "share_of_those_going_elsewhere": _("Share of those going elsewhere"),
    "rest_share": _("Share of the rest of the cooperative"), "lift": _("Lift"), "lift_vs_rest": _("Lift against the rest"),
    "ci_low": _("95% CI low"), "ci_high": _("95% CI high"), "p_value": _("p-value"), "q_value": _("q-value"),
    "significant": _("Significant"),
    "other_member": _("Member"), "kind": _("Kind"), "shared": _("People in common"),
    "their_audience": _("Their audience"), "share_of_yours": _("Share of your audience"),
    "share_of_theirs": _("Share of their audience"), "jaccard": _("Overlap index"),
    "from_genre": _("Genre A"), "to_genre": _("Genre B"), "from_label": _("Name of genre A"),
    "to_label": _("Name of genre B"), "from_patrons": _("People attending A"),
    "segment": _("Segment"), "description": _("Who is in it"), "your_patrons": _("Your patrons"),
    "your_share": _("Your share"), "cooperative_patrons": _("Cooperative's patrons"),
    "cooperative_share": _("Cooperative's share"), "index": _("Index"), "yours": _("Yours"), "peers": _("Peers"),
    "starts_at": _("Starts"), "capacity": _("Capacity"), "tickets_sold": _("Tickets sold"), "upcoming": _("Upcoming"),
    "days_before": _("Days before"), "comparables_share_sold": _("Share sold by comparable events"),
    "tickets_sold_later": _("Really sold by then"),
    "sold_by_now": _("Sold at the same point"), "final": _("Final sales"), "multiplier": _("Multiplier"),
    "low": _("Slow pace"), "median": _("Median pace"), "high": _("Fast pace"),
}
TABLE_COLUMNS = {
    ("overview", "label"): _("Figure"), ("benchmark", "label"): _("Figure"),
    ("by_month", "first_day"): _("From"), ("by_month", "last_day"): _("To"), ("by_month", "whole_month"): _("Whole month"),
    ("by_title", "title"): _("Title"), ("by_title", "first_day"): _("From"), ("by_title", "last_day"): _("To"),
    ("by_title", "days"): _("Days"), ("by_title", "visitors"): _("Patrons"),
    ("by_title", "back_within"): _("Back for another title"), ("by_title", "back_share"): _("Share back for another title"),
    ("by_month", "tickets_year_before"): _("Tickets a year before"),
    ("by_month", "revenue_year_before"): _("Revenue a year before"),
    ("travel", "distance"): _("Code"), ("travel", "label"): _("Distance"),
    ("travel", "share"): _("Share of attendances"), ("cohorts", "share"): _("Share of the cohort"),
    **{(table, "share"): _("Share of patrons") for table in ("areas", "fsa", "ages", "bands", "grid")},
    **{(table, "patrons"): _("People") for table in ("genres", "kinds", "regions")},
    ("genres", "value"): _("Genre"), ("kinds", "value"): _("Kind of member"), ("regions", "value"): _("Region"),
    ("affinity", "patrons"): _("People attending both"), ("affinity", "share"): _("Share of A's audience"),
    ("cooperative", "change"): _("Trend over the period (points, fitted to every month)"),
    ("yours", "change"): _("Trend over the period (points, fitted to every month)"),
    ("cooperative_months", "share"): _("Share of active patrons"),
    ("cooperative_months", "in_period"): _("In the period"), ("your_months", "in_period"): _("In the period"),
    ("your_months", "share"): _("Share of your tickets"), ("your_genres", "share"): _("Share of your tickets"),
}
# A trends table compared year over year: its start, end and change are other things than the
# first and last three months of a fitted line (``analytics.trends``).
YEAR_OVER_YEAR_HEADERS = {
    "first_share": _("Mean monthly share, same months a year earlier"), "last_share": _("Mean monthly share over the period"),
    "change": _("Change against a year earlier (points)"),
}


def genre(code: str, language: str) -> str:
    """A genre of the taxonomy (or ``local``) by its name in ``language``."""
    if code == "local":
        return gettext_in(LOCAL, language)
    pair = GENRE_LABELS.get(code)
    if pair is None:
        return code
    return pair[0] if language == "fr" else pair[1]


def label(kind: str, code: Any, language: str, currency: str = "CAD") -> str:
    """A code of one ``kind`` (``genre``, ``segment``, ``distance``, ``member_kind``,
    ``metric``, ``figure``, ``age_band``, ``dimension``, ``band``, ``direction``) in words; an
    unknown code is returned as it is. A spending band's amounts are in ``currency``."""
    if code is None:
        return ""
    if kind == "genre":
        return genre(str(code), language)
    if kind == "band" and str(code) in SPENDING_BANDS:
        low, high = SPENDING_BANDS[str(code)]
        if low is None:
            return gettext_in(_("under {amount}"), language).format(amount=money(high, language, currency, whole=True))
        if high is None:
            return gettext_in(_("{amount} or more"), language).format(amount=money(low, language, currency, whole=True))
        return gettext_in(_("{low} to {high}"), language).format(
            low=money(low, language, currency, whole=True), high=money(high, language, currency, whole=True))
    table = _TABLES.get(kind, {})
    found = table.get(str(code))
    return gettext_in(found, language) if found is not None else str(code)


# A report summary's figures whose column of the same code means something else (``came_back`` of an
# event counts patrons, of the summary visits) or that have no column.
SUMMARY = {"areas": _("Areas"), "share_nearby": _("From the neighbourhood"),
           "same_title_and_day": _("Your other events of this title that day"),
           "same_title_and_start": _("Of them, starting at the same time"),
           "came_back": _("Attendances followed by a return"),
           "events_in_last_six_months": _("Your events in the period's last six months"),
           "horizon_months": _("Horizon of the return rate (months)"),
           "followed_attendances": _("Attendances counted in the return rate"),
           "back_within": _("Of them, followed by a return"),
           "return_rate_any_time": _("Share followed by a return at any time"),
           "unnamed_admissions": _("Admissions naming nobody (door or cash sales)"),
           "pairs": _("Pairs of genres"), "significant_pairs": _("Significant pairs"),
           "strongest": _("Strongest affinity"), "pooled_patrons": _("Pooled patrons of the cooperative"),
           "peer_group": _("Compared with"), "audience": _("Your pooled audience"),
           "your_audience": _("Your pooled audience"), "going_elsewhere": _("Going to other members"),
           "share_going_elsewhere": _("Share going to other members"), "as_of": _("As of"),
           "past": _("Past events"), "months": _("Months"), "rising": _("Rising genres"),
           "exhibitions": _("Exhibitions (titles with many dated slots)"), "exhibition_slots": _("Their dated slots"),
           "falling": _("Falling genres"), "basis": _("The cooperative's trends, compared"),
           "your_basis": _("Your trends, compared"), "comparable_events": _("Comparable events"),
           "expected_by_now": _("Expected by then"), "pace_vs_comparables": _("Pace against comparable events"),
           "forecast_final": _("Forecast"), "forecast_low": _("Forecast, low end"),
           "forecast_high": _("Forecast, high end"), "sellout_probability": _("Chance of selling out"),
           "final_sold": _("Sold in the end"), "forecast_outcome": _("The final sales against the forecast"),
           "range_basis": _("The forecast's range comes from"),
           "track_record_events": _("Past events the forecast was replayed on"),
           "track_record_error": _("Its median error on them")}

# A summary's values that are codes, in words (``summary_value``).
TREND_BASES = {"year_over_year": _("with the same months a year earlier"),
               "within_period": _("within the period (its first and last three months)")}
FORECAST_OUTCOMES = {"within": _("within the forecast's range"), "above": _("above the forecast's range"),
                     "below": _("below the forecast's range")}
RANGE_BASES = {"track_record": _("the forecast's errors on your past events"),
               "comparables": _("the spread of comparable events")}
_STRONGEST = re.compile(r"(?P<a>[\w-]+) → (?P<b>[\w-]+) ×(?P<lift>[0-9.]+)")


def summary_value(code: str, value: Any, language: str) -> str | None:
    """A report summary's value that is a code (a genre, a basis, an outcome), in ``language``;
    None for a value that is a figure or already in words (the caller formats it)."""
    if not isinstance(value, str):
        return None
    if code in ("rising", "falling"):
        return ", ".join(genre(g.strip(), language) for g in value.split(","))
    if code in ("basis", "your_basis"):
        return gettext_in(TREND_BASES[value], language) if value in TREND_BASES else value
    if code == "forecast_outcome":
        return gettext_in(FORECAST_OUTCOMES[value], language) if value in FORECAST_OUTCOMES else value
    if code == "range_basis":
        return gettext_in(RANGE_BASES[value], language) if value in RANGE_BASES else value
    found = _STRONGEST.fullmatch(value) if code == "strongest" else None
    if found is not None:
        return f"{genre(found['a'], language)} → {genre(found['b'], language)} ×{number(float(found['lift']), language, 2)}"
    return None


def summary_label(code: str, language: str) -> str:
    """A report summary's figure in ``language``: a key figure's name, else a column's."""
    if code in SUMMARY:
        return gettext_in(SUMMARY[code], language)
    for kind in ("metric", "figure"):
        found = label(kind, code, language)
        if found != code:
            return found
    return column_label(code, language)


def column_label(code: str, language: str, table: str = "") -> str:
    """A report column's header in ``language``: its name in ``table`` (a ``ReportTable``'s
    name), else the code's usual name; an unknown code as it is."""
    found = TABLE_COLUMNS.get((table, code)) or COLUMNS.get(code)
    return gettext_in(found, language) if found is not None else code


@cache
def _english_of() -> dict[str, str]:
    return {v: k for k, v in catalog("fr").items()}


def relabel(text: str, language: str) -> str:
    """A label a report wrote in the server's language (an area, a note), in ``language``:
    exact catalog matches only, anything else as it is."""
    if language == "en":
        return _english_of().get(text, text)
    return catalog("fr").get(text, text)


_TABLES: dict[str, dict[str, str]] = {
    "segment": SEGMENTS, "segment_rule": SEGMENT_RULES, "distance": DISTANCES, "member_kind": MEMBER_KINDS,
    "metric": OVERVIEW_METRICS, "figure": BENCHMARK_FIGURES, "age_band": AGE_BANDS, "dimension": RFM_DIMENSIONS,
    "band": RFM_BANDS, "direction": DIRECTIONS,
    "audience_age": AUDIENCE_AGES, "area": AREAS, "ownership": OWNERSHIP, "audience_kind": AUDIENCE_KINDS,
    "audience_dimension": AUDIENCE_DIMENSIONS,
    "agreement": AGREEMENT_STATUSES, "campaign_status": CAMPAIGN_STATUSES, "role": ROLES,
    "period_preset": PERIOD_PRESETS,
}



def choices(kind: str, codes: Iterable[str], language: str, names: Mapping[str, str] | None = None) -> str:
    """The values a refusal offers: the codes to send, each with its name in French (« regulars
    (Habitués) »), as they are in English (a code is the English name's short form). ``names``
    gives the codes' names (English message ids) of a kind that has no table here (the reports'
    titles, kept by ``analytics.registry``)."""
    if language == "en":
        return ", ".join(codes)
    if names is not None:
        return ", ".join(f"{code} ({gettext_in(names[code], language)})" for code in codes)
    return ", ".join(f"{code} ({label(kind, code, language)})" for code in codes)


# -- numbers and dates --------------------------------------------------------------------------

def half_away(value: Any, digits: int, *, percent: bool = False) -> Decimal:
    """``value`` rounded to ``digits`` decimals, half away from zero, as it is written (1.185 → 1.19,
    −1.185 → −1.19; with ``percent``, 0.4545 → 45.45 % first): the one rounding of the page, its
    sentences and its CSV, so that they never tell a half apart."""
    number = Decimal(repr(float(value)))
    if percent:
        number = number.scaleb(2)
    return number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


# Babel formats one value in tens of microseconds; a report table has thousands of cells, most of
# them repeated values (counts, shares, months): the formatted text is kept per value and locale.

@lru_cache(maxsize=65536, typed=True)
def _decimal(value: int | float, fmt: str | None, locale: str) -> str:
    with localcontext() as context:  # Babel rounds half to even (1.185 → 1,18): the CSV says 1,19
        context.rounding = ROUND_HALF_UP
        return str(format_decimal(value, format=fmt, locale=locale))


@lru_cache(maxsize=65536, typed=True)
def _money(value: str, currency: str, locale: str, fmt: str | None) -> str:
    return str(format_currency(Decimal(value), currency, format=fmt, locale=locale, currency_digits=fmt is None))


@lru_cache(maxsize=65536, typed=True)
def _percent(value: float, fmt: str, locale: str) -> str:
    with localcontext() as context:  # half away from zero, as ``half_away`` and the CSV
        context.rounding = ROUND_HALF_UP
        return str(format_percent(value, format=fmt, locale=locale))


@lru_cache(maxsize=16384)
def _day(value: date, locale: str, fmt: str) -> str:
    return _first_of_month(str(format_date(value, format=fmt, locale=locale)), value, locale)


def _first_of_month(text: str, value: date, locale: str) -> str:
    return first_of_month(text, value, locale[:2])


def locale_of(language: str) -> str:
    return BABEL_LOCALES.get(language, BABEL_LOCALES["en"])


def number(value: Any, language: str, digits: int = 0) -> str:
    """12 345 (fr) or 12,345 (en); ``digits`` decimals for a float."""
    if value is None:
        return "–"
    if isinstance(value, int) and not isinstance(value, bool) and not digits:
        return _decimal(value, None, locale_of(language))
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    text = _decimal(float(value), fmt, locale_of(language))
    return _no_negative_zero(text)


def decimal(value: Any, language: str) -> str:
    """A setting's number as written by hand: up to two decimals, none when they are zeros (0,1 in
    French, 0.1 in English; 12)."""
    return _no_negative_zero(_decimal(float(value), "#,##0.##", locale_of(language)))


def colon(language: str) -> str:
    """What stands between a name and its value: French sets a space before the colon."""
    return " : " if language == "fr" else ": "


def points(change: Any, language: str) -> str:
    """A share's change (−0.468) in percentage points: −46,8 pts (fr), −46.8 pts (en); a change that
    rounds to nothing is 0,0 pts, never −0,0."""
    value = float(change)
    # Scaled in decimal, not binary: 0.4545 × 100 is 45.449999… in floating point, and read 45,4.
    shown = half_away(abs(value), 1, percent=True)
    # The sign of the figure shown: a change that rounds to nothing reads 0,0, never −0,0 nor +0,0.
    sign = "" if not shown else "+" if value > 0 else "−"
    return sign + number(shown, language, 1) + "\u00a0pts"


def currency_symbol(currency: str, language: str) -> str:
    """The sign a reader writes beside an amount: $ for Canadian dollars in Canada, € for euros,
    CHF for Swiss francs."""
    return str(get_currency_symbol(currency, locale=locale_of(language)))


def money(value: Any, language: str, currency: str = "CAD", whole: bool = False) -> str:
    """12 345,50 $ (fr) or $12,345.50 (en); ``whole`` drops the cents."""
    if value is None:
        return "–"
    fmt = None
    if whole:
        fmt = "#,##0\u00a0¤" if language == "fr" else "¤#,##0"
    return _money(str(half_away(value, 0 if whole else 2)), currency, locale_of(language), fmt)


def percent(value: Any, language: str, digits: int = 1) -> str:
    """A share (0.386) as 38,6 % (fr) or 38.6% (en)."""
    if value is None:
        return "–"
    # French puts a (narrow no-break) space before %, English none.
    sign = "\u00a0%" if language == "fr" else "%"
    fmt = ("#,##0." + "0" * digits if digits else "#,##0") + sign
    return _no_negative_zero(_percent(float(value), fmt, locale_of(language)))


def signed_percent(value: Any, language: str, digits: int = 0) -> str:
    """A change (-0.2) as −20 % / +12 %."""
    if value is None:
        return "–"
    text = percent(abs(float(value)), language, digits)
    if text.lstrip("0,.\u00a0\u202f%") == "":
        return text
    return ("+" if float(value) > 0 else "−") + text


def times(value: Any, language: str) -> str:
    """A ratio (3.7) as 3,7 (fr) or 3.7 (en), one decimal."""
    return number(value, language, 1)


def day(value: Any, language: str, fmt: str = "medium") -> str:
    """A day (``2026-11-12`` or a date) as 12 nov. 2026 (fr) or Nov 12, 2026 (en)."""
    if value is None:
        return "–"
    day = as_day(value)
    return str(value) if day is None else _day(day, locale_of(language), fmt)


def month(value: Any, language: str, fmt: str = "MMM y") -> str:
    """A month (``2026-11``) as nov. 2026 (fr) or Nov 2026 (en); ``fmt`` "MMMM y" in a sentence."""
    if isinstance(value, str) and len(value) >= 7:
        try:
            value = date.fromisoformat(value[:7] + "-01")
        except ValueError:
            return str(value)
    if not isinstance(value, date):
        return str(value)
    return _day(value, locale_of(language), fmt)


def _as_datetime(value: Any) -> datetime | None:
    """``value`` as a time: itself, or read from its ISO text; None when it is neither."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def moment(value: Any, language: str) -> str:
    """A time (``2026-11-12T14:03:...``) as « 12 nov. 2026 à 14 h 03 » / "Nov 12, 2026, 2:03 PM"."""
    parsed = _as_datetime(value)
    if parsed is None:
        return str(value) if isinstance(value, str) else day(value, language)
    return _moment(parsed.replace(second=0, microsecond=0), locale_of(language))


@lru_cache(maxsize=16384)
def _moment(value: datetime, locale: str) -> str:
    # « 20 h 00 » holds no-break spaces: a line (a table cell on a phone, a terminal) never ends on « 20 h ».
    pattern = "d MMM y 'à' H\u00a0'h'\u00a0mm" if locale.startswith("fr") else "MMM d, y, h:mm\u00a0a"
    return _first_of_month(str(format_datetime(value, format=pattern, locale=locale)), value.date(), locale)


def time_of_day(value: Any, language: str) -> str:
    """When in its day something starts (``2026-02-06T14:00``) as « 14 h 00 » / "2:00 PM"."""
    parsed = _as_datetime(value)
    if parsed is None:
        return str(value)
    pattern = "H\u00a0'h'\u00a0mm" if locale_of(language).startswith("fr") else "h:mm\u00a0a"
    return str(format_datetime(parsed.replace(second=0, microsecond=0), format=pattern, locale=locale_of(language)))


def event_names(rows: Iterable[Mapping[str, Any]], language: str, dated: bool = False) -> list[str]:
    """Each event's name for a reader: its title (or its id), and only when another of ``rows``
    has the same title on the same day (a matinee and an evening) its start time, « Trio (14 h 00) »
    (with the day too when ``dated``: in a sentence no day column stands beside it), or its id when
    the export gave no time or the same one."""
    rows = list(rows)

    def key(r: Mapping[str, Any], *more: str) -> tuple[Any, ...]:
        return (r.get("title") or r.get("event_id"), r.get("event_day"), *(r.get(m) for m in more))

    alike, same_start = Counter(key(r) for r in rows), Counter(key(r, "starts_at") for r in rows)
    # A start shared by another of the same title and day tells nothing: the member's event id does.
    return [event_name(r if same_start[key(r, "starts_at")] < 2 else {**r, "starts_at": None}, language,
                       alike[key(r)] > 1, dated) for r in rows]


def event_name(event: Mapping[str, Any], language: str, alike: bool, dated: bool = False) -> str:
    """An event's title (or its id); when ``alike`` (another has its title and day), with its start
    (the day too when ``dated``) or, when its export gave no time, its id."""
    title = str(event.get("title") or event.get("event_id") or "")
    start = event.get("starts_at")
    if not alike:
        return title
    if start:
        return f"{title} ({moment(start, language) if dated else time_of_day(start, language)})"
    return f"{title} ({event.get('event_id')})" if event.get("event_id") and event.get("title") else title


def summary_name(summary: Mapping[str, Any], language: str) -> str:
    """The name of a report's event (the sales pace's) in a sentence: with its start when another of
    the member's events has its title that day (``same_title_and_day``), its id when one shares its
    start too (``same_title_and_start``)."""
    event = {**summary, "starts_at": None} if summary.get("same_title_and_start") else summary
    return event_name(event, language, alike=bool(summary.get("same_title_and_day")), dated=True)


def _no_negative_zero(text: str) -> str:
    """-0,0 % is 0,0 %: a rounded change of nothing has no sign."""
    if text[:1] in "-−" and not any(c in "123456789" for c in text):
        return text[1:]
    return text
