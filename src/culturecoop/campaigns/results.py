"""Attribution and lift: what the campaign changed, measured against its random holdout.

A conversion is a sold ticket of the campaign's member (for its event, or any event when the
campaign says ``member``) bought within ``conversion_days`` of the first send, by a person of
either arm. The comparison is by assignment (intention to treat): everyone drawn into the
treatment arm counts there, reached or not, so the random holdout stays a fair baseline.

Every count goes through the privacy gate (k, stable cells, audit entry): a figure under k is
shown "< k", revenue only beside a conversion count that is shown, and the lift only when all
four counts it rests on are shown. The revenue of an arm and the CUPED estimate are released with
the counts they rest on (``gate.Beside``): while those counts are re-released unchanged, so are
they, so that one more conversion by a buyer the member knows moves nothing it reads (recomputed
each time, they told whether that buyer was in the campaign, and in which arm). With noise on
(the policy's differential privacy), the counts are noisy and so is the revenue: each person's
revenue is capped at ``REVENUE_CAP`` and each arm's sum released as a noisy count of currency
units, calibrated to that cap; the CUPED estimate, made from per-person rows, is not shown. The
lift is the difference of conversion rates with a 95 %
Wald interval for two proportions, and beside it a CUPED estimate (Deng et al., 2013): each
person's outcome minus θ times their centred pre-period spend at the member, θ = cov(y, x) /
var(x) over both arms, which removes the part of the variance that past spending explains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from babel.numbers import format_decimal

from culturecoop.analytics.service import default_actor
from culturecoop.campaigns.service import campaign_row
from culturecoop.i18n import _, current_language, plural
from culturecoop.privacy.gate import COUNT, Beside, CountTable, PrivacyGate
from culturecoop.warehouse.engine import Warehouse

Z95 = 1.959963984540054
# Ticket times are the member's wall clock (see `ticket.purchased_at`); sends are UTC.
MEMBER_TIMEZONE = ZoneInfo("America/Toronto")
TREATMENT_MEASURES = ("recipients", "sent", "delivered", "bounced", "unsubscribed", "converted")
HOLDOUT_MEASURES = ("recipients", "converted")
# With noise on, the most one person's purchases count for in an arm's revenue (currency units):
# the noise is calibrated to it. Four tickets of 100 cover most conversions to one show.
REVENUE_CAP = 400

PER_PERSON = """
WITH conversions AS (
  SELECT i.patron_key, sum(t.quantity * CAST(t.unit_price AS DOUBLE)) AS revenue
  FROM ticket AS t
  JOIN identity AS i ON i.member_id = t.member_id AND i.member_patron_id = t.member_patron_id
  WHERE t.member_id = $member AND t.status = 'sold' AND ($any_event OR t.event_id = $event)
    AND t.purchased_at >= $since AND t.purchased_at < $until
    AND i.patron_key IN (SELECT patron_key FROM campaign_recipient WHERE campaign_id = $campaign)
  GROUP BY i.patron_key
)
SELECT r.arm, r.pre_spend, s.status AS send_status,
       EXISTS (SELECT 1 FROM consent_event AS e WHERE e.patron_key = r.patron_key AND e.campaign_id = r.campaign_id AND NOT e.granted) AS unsubscribed,
       c.revenue IS NOT NULL AS converted, coalesce(c.revenue, 0) AS revenue
FROM campaign_recipient AS r
LEFT JOIN campaign_send AS s USING (campaign_id, patron_key)
LEFT JOIN conversions AS c USING (patron_key)
WHERE r.campaign_id = $campaign
"""


@dataclass(frozen=True)
class Interval:
    difference: float
    low: float
    high: float

    def as_json(self) -> dict[str, float]:
        return {"difference": self.difference, "low": self.low, "high": self.high}


def two_proportion(converted_t: int, n_t: int, converted_h: int, n_h: int) -> Interval:
    """Difference of conversion rates (treatment − holdout) with its 95 % Wald interval."""
    p_t, p_h = converted_t / n_t, converted_h / n_h
    se = math.sqrt(p_t * (1 - p_t) / n_t + p_h * (1 - p_h) / n_h)
    d = p_t - p_h
    return Interval(d, d - Z95 * se, d + Z95 * se)


def cuped(outcome: np.ndarray, covariate: np.ndarray, treated: np.ndarray) -> Interval:
    """Difference of means of the CUPED-adjusted outcome with its 95% interval."""
    y, x = outcome.astype(float), covariate.astype(float)
    var_x = float(np.var(x))
    theta = float(np.cov(x, y, ddof=0)[0, 1] / var_x) if var_x > 0 else 0.0
    adjusted = y - theta * (x - x.mean())
    a, b = adjusted[treated], adjusted[~treated]
    d = float(a.mean() - b.mean())
    se = math.sqrt(float(np.var(a, ddof=1)) / len(a) + float(np.var(b, ddof=1)) / len(b))
    return Interval(d, d - Z95 * se, d + Z95 * se)


def _number(value: float) -> str:
    """One decimal in the reader's language (« 5,9 » / "5.9")."""
    return format_decimal(round(value, 1), format="#,##0.0", locale="fr_CA" if current_language() == "fr" else "en_CA")


def _labels() -> dict[str, str]:
    return {"recipients": _("people"), "sent": _("messages sent"), "delivered": _("delivered"), "bounced": _("bounced"),
            "unsubscribed": _("unsubscribed"), "converted": _("conversions"), "treatment": _("Campaign"), "holdout": _("Holdout")}


def campaign_results(warehouse: Warehouse, campaign_id: str, *, member_id: str | None = None,
                     actor: str | None = None) -> dict[str, Any]:
    """The campaign's figures per arm and its lift, as the privacy gate releases them (audited)."""
    row = campaign_row(warehouse, campaign_id, member_id)
    member_id = row["member_id"]
    started = row["first_sent_at"]
    rows: list[dict[str, Any]] = []
    if started is not None:
        since = started.replace(tzinfo=ZoneInfo("UTC")).astimezone(MEMBER_TIMEZONE).replace(tzinfo=None)
        rows = warehouse.query(PER_PERSON, {
            "member": member_id, "campaign": campaign_id, "event": row["event_id"] or "",
            "any_event": row["conversion"] == "member", "since": since, "until": since + timedelta(days=row["conversion_days"])})
    else:
        rows = [dict(r, send_status=None, unsubscribed=False, converted=False, revenue=0.0) for r in warehouse.query(
            "SELECT arm, pre_spend FROM campaign_recipient WHERE campaign_id = ?", [campaign_id])]
    counts: dict[tuple[str, str], int] = {}
    revenue_now = {"treatment": 0.0, "holdout": 0.0}
    capped = {"treatment": 0.0, "holdout": 0.0}

    def add(arm: str, measure: str) -> None:
        counts[(arm, measure)] = counts.get((arm, measure), 0) + 1

    for r in rows:
        arm = r["arm"]
        add(arm, "recipients")
        if arm == "treatment" and r["send_status"] in ("sent", "bounced", "failed", "uncertain"):
            add(arm, "sent")
            if r["send_status"] in ("sent", "bounced"):
                add(arm, "delivered" if r["send_status"] == "sent" else "bounced")
        if arm == "treatment" and r["unsubscribed"]:
            add(arm, "unsubscribed")
        if r["converted"]:
            add(arm, "converted")
            revenue_now[arm] += float(r["revenue"])
            capped[arm] += min(float(r["revenue"]), REVENUE_CAP)
    domain = [("treatment", m) for m in TREATMENT_MEASURES] + [("holdout", m) for m in HOLDOUT_MEASURES]
    table = CountTable("results", ("arm", "measure"), [{"arm": a, "measure": m, COUNT: counts.get((a, m), 0)} for a, m in domain],
                       len(TREATMENT_MEASURES), domain)
    touched = tuple(r["member_id"] for r in warehouse.query(
        "SELECT DISTINCT i.member_id FROM campaign_recipient AS r JOIN identity AS i USING (patron_key) WHERE r.campaign_id = ? ORDER BY 1",
        [campaign_id])) or (member_id,)
    lift_cells = (("treatment", "recipients"), ("treatment", "converted"), ("holdout", "recipients"), ("holdout", "converted"))
    gate = PrivacyGate(warehouse)
    tables = [table]
    beside: list[Beside] = []
    if gate.policy.noise:
        # Revenue as a noisy count of currency units: one person is in one arm and adds at most the cap.
        tables.append(CountTable("revenue", ("arm",), [{"arm": arm, COUNT: round(capped[arm])} for arm in capped],
                                 REVENUE_CAP, [("treatment",), ("holdout",)]))
    else:
        beside = [Beside(f"revenue_{arm}", "results", ((arm, "converted"),), partial(round, revenue_now[arm], 2))
                  for arm in ("treatment", "holdout")]
        beside.append(Beside("cuped", "results", lift_cells, partial(_cuped_of, rows if started is not None else [])))
    release = gate.release(
        member_id=member_id, report="campaign_results", actor=actor or default_actor(), params={"campaign": campaign_id},
        tables=tables, members_touched=touched, data_version=str(warehouse.scalar("SELECT count(*) FROM ingest_log")),
        beside=beside)
    k = release.k
    if release.noise:
        noisy = {r["arm"]: r[COUNT] for r in release.tables["revenue"].rows}
        revenue = {arm: float(max(noisy[arm] or 0, 0)) for arm in ("treatment", "holdout")}
    else:
        revenue = {arm: float(release.beside[f"revenue_{arm}"]) for arm in ("treatment", "holdout")}
    shown = {(r["arm"], r["measure"]): r[COUNT] for r in release.tables["results"].rows}
    labels = _labels()
    arms = []
    for arm, measures in (("treatment", TREATMENT_MEASURES), ("holdout", HOLDOUT_MEASURES)):
        value = shown[(arm, "converted")]
        arms.append({
            "arm": arm, "label": labels[arm],
            "measures": [{"measure": m, "label": labels[m], "value": shown[(arm, m)],
                          "shown": f"< {k}" if shown[(arm, m)] is None else str(shown[(arm, m)])} for m in measures],
            "revenue": None if value is None else round(revenue[arm], 2),
            "revenue_shown": f"< {k}" if value is None else f"{revenue[arm]:.2f}",
        })
    lift = _lift(shown, None if release.noise else release.beside["cuped"], started is not None, noise=release.noise)
    return {**_counting(warehouse, row, started),"campaign_id": campaign_id, "member_id": member_id, "status": row["status"], "k": k,
            "conversion": row["conversion"], "conversion_days": row["conversion_days"], "event_id": row["event_id"],
            "first_sent_at": started.isoformat(timespec="seconds") if started else None,
            "arms": arms, "lift": lift, "audit_id": release.audit_seq}


def _counting(warehouse: Warehouse, row: dict[str, Any], started: datetime | None) -> dict[str, Any]:
    """Until when purchases count, in the member's wall clock (``conversion_days`` after the first send),
    whether that is over (for a campaign on one show, also once the show has taken place: nobody buys
    for it any more), and the show's title and start: what « did they come? » asks about."""
    title, starts = None, None
    if row["event_id"]:
        found = warehouse.query("SELECT title, starts_at FROM reco_upcoming_event WHERE member_id = ? AND event_id = ? "
                                "UNION ALL SELECT title, starts_at FROM event WHERE member_id = ? AND event_id = ?",
                                [row["member_id"], row["event_id"], row["member_id"], row["event_id"]])
        if found:
            title, starts = found[0]["title"] or row["event_id"], found[0]["starts_at"]
    now = datetime.now(MEMBER_TIMEZONE).replace(tzinfo=None)
    until = None
    if started is not None:
        since = started.replace(tzinfo=ZoneInfo("UTC")).astimezone(MEMBER_TIMEZONE).replace(tzinfo=None)
        until = since + timedelta(days=row["conversion_days"])
    event_over = starts is not None and starts <= now
    return {"event_title": title, "event_starts_at": starts.isoformat(timespec="minutes") if starts else None,
            "event_over": event_over, "counted_until": until.isoformat(timespec="minutes") if until else None,
            "counting_over": until is not None and (until <= now or (row["conversion"] == "event" and event_over))}


def _cuped_of(rows: list[dict[str, Any]]) -> dict[str, float] | None:
    """The CUPED estimate from the per-person rows (None when an arm has fewer than two people)."""
    treated = np.array([r["arm"] == "treatment" for r in rows], dtype=bool)
    if treated.sum() < 2 or (~treated).sum() < 2:
        return None
    outcome = np.array([bool(r["converted"]) for r in rows])
    covariate = np.array([float(r["pre_spend"] or 0.0) for r in rows])
    return cuped(outcome, covariate, treated).as_json()


def _lift(shown: dict[tuple[str, str], int | None], adjusted_json: dict[str, float] | None, sent: bool, *,
          noise: bool = False) -> dict[str, Any]:
    needed = [shown[("treatment", "recipients")], shown[("treatment", "converted")],
              shown[("holdout", "recipients")], shown[("holdout", "converted")]]
    if not sent:
        return {"available": False, "sentence": _("The campaign has not been sent yet: there is no lift to measure.")}
    if any(v is None for v in needed) or not needed[0] or not needed[2] or (adjusted_json is None and not noise):
        return {"available": False, "sentence": _("The lift is not shown: a figure it rests on is under k (too few people or conversions yet).")}
    n_t, c_t, n_h, c_h = (int(v) for v in needed)  # type: ignore[arg-type]
    # Noisy counts may say more conversions than people: a rate is kept between 0 and 1.
    c_t, c_h = min(max(c_t, 0), n_t), min(max(c_h, 0), n_h)
    simple = two_proportion(c_t, n_t, c_h, n_h)

    def points(value: float) -> str:
        return ("+" if value >= 0 else "−") + _number(abs(100 * value))

    def difference(value: float) -> str:
        """A difference with its unit in the form its figure takes: « +1,5 point », « +2,0 points »; in
        English a figure written with a decimal takes the plural ("+1.0 points")."""
        form = min(2, int(round(abs(100 * value), 1))) if current_language() == "fr" else 2
        return plural(form, "{value} point", "{value} points").format(value=points(value))

    rates = {"treated": _number(100 * c_t / n_t) + "\u00a0%", "held": _number(100 * c_h / n_h) + "\u00a0%",
             "d": difference(simple.difference), "low": points(simple.low), "high": points(simple.high)}
    lift = {"available": True, "rate_treatment": c_t / n_t, "rate_holdout": c_h / n_h,
            "two_proportion": simple.as_json(), "cuped": None}
    if adjusted_json is None:  # noise on: the CUPED estimate rests on per-person rows
        lift["sentence"] = _("Conversion {treated} with the campaign against {held} without: a difference of {d} (very probably between {low} and {high}), from counts with differential-privacy noise. The estimate that takes into account what each person spent before is not shown with noise on: it rests on each person's figures.").format(**rates)
        return lift
    adjusted = Interval(**adjusted_json)
    lift["cuped"] = adjusted.as_json()
    lift["sentence"] = _("Conversion {treated} with the campaign against {held} without: a difference of {d} (very probably between {low} and {high}); taking into account what each person spent before, {cd} (very probably between {clow} and {chigh}).").format(
        **rates, cd=difference(adjusted.difference), clow=points(adjusted.low), chigh=points(adjusted.high))
    return lift
