"""The Contribution page's answer to « what did my data bring, and what comes back to me? ».

``routes.contribution.member_contribution`` gives the member's Shapley value of each kind of value
and the cooperative's total; this says it in sentences first (with what each figure counts), draws
the member's share of each against an even split between the members, and says what comes next
about the money. The member's own figures only, as the route returns them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from culturecoop.web import charts
from culturecoop.web.i18n import Translator, _

# Each kind of value, in words: what the member's share of it is, with its count (a mean over the
# orders members could join in, so « about »), and how many digits the count is worth.
SAID = {
    "insight": (_("{share} of the report cells the cooperative could publish above the privacy threshold: about {yours} of {total}."), 0),
    "linkage": (_("{share} of the people recognized at several members thanks to the pooled data: about {yours} of {total}."), 0),
    "recommendation": (_("{share} of the accuracy the recommendations gained on the members' events: {yours} points of {total}."), 1),  # said by RECOMMENDATION_POINTS
    "conversions": (_("{share} of the people of saved event audiences who then bought a ticket to that event: about {yours} of {total}."), 0),
}
# Points of nDCG with one decimal: « 0,0 point », « 1,5 point » (French: singular below 2), "0.0 points".
RECOMMENDATION_POINTS = ("{share} of the accuracy the recommendations gained on the members' events: {yours} point of {total}.",
                         "{share} of the accuracy the recommendations gained on the members' events: {yours} points of {total}.")
SHORT_NAMES = {
    "insight": _("Published figures"), "linkage": _("People recognized"),
    "recommendation": _("Recommendations"), "conversions": _("Campaign conversions"),
}


# The table's rows as a venue reads them, each with its unit: the governance's names (« nDCG@10 gagné »,
# « cellules de rapport publiées au-dessus du seuil ») stay in each row's tooltip, for the curious.
ROW_NAMES = {
    "insight": _("Figures the cooperative could publish (report cells with enough people)"),
    "linkage": _("People recognized at several members"),
    "recommendation": _("Recommendations: how much better the model finds who comes to members' events (points out of 100)"),
    "conversions": _("Ticket buyers from saved audiences"),
}


@dataclass
class ContributionView:
    points: list[str] = field(default_factory=list)  # what the data brought, one kind of value a sentence
    silent: list[str] = field(default_factory=list)  # kinds of value the period has none of
    chart: dict[str, Any] | None = None
    next_step: str | None = None
    digits: dict[str, int] = field(default_factory=dict)
    why: str | None = None  # why the member's shares are nought, and what brings them
    period: str | None = None  # why the period is not the other tabs'


def _standing(data: Mapping[str, Any], t: Translator) -> tuple[Mapping[str, Any], str, str]:
    """The member's standing in the cooperative's period (``statements.member_standing``) and the
    period's first and last days as the page writes them."""
    return data.get("standing") or {}, t.day(data.get("from")), t.day(data.get("to"))


def _why(data: Mapping[str, Any], t: Translator) -> str | None:
    """Why every share of a member is nought, and what brings it: its patrons are not linked across
    members yet (the cooperative does that, nothing to do), none of them agreed to pooling (the member
    app's consent section), or it has no visit in the period."""
    standing, start, end = _standing(data, t)
    if not standing or standing.get("pooled"):
        return None
    if standing.get("unlinked"):
        return t("Your data counts for nothing yet: your patrons who agreed to pooling are not linked across members yet. "
                 "The cooperative links them after loading your package, and your share of each kind of value appears then, "
                 "with nothing for you to do.")
    if standing.get("visits"):
        return t("Your data counts for nothing in this period: none of your patrons who came between {start} and {end} agreed to "
                 "pooling, and only patrons who did count. If your terms of sale allow it, choose \"given\" for pooling in the "
                 "member app's consent section, with its basis, then prepare your export again and send it on the Data page.",
                 start=start, end=end)
    return t("Your data holds no visit between {start} and {end}, so it counts for nothing in this period: your share comes "
             "with the exports that cover it.", start=start, end=end)


def _period(data: Mapping[str, Any], t: Translator) -> str | None:
    """Why the page's period is not the one of the other tabs (the member's own data's)."""
    standing, start, end = _standing(data, t)
    if not standing or standing.get("asked"):
        return None
    if standing.get("rules_period"):
        return t("These figures cover {start} to {end}, the period the cooperative set its remuneration rules for: one period for "
                 "every member, so that the members' shares add up to the cooperative's total. Your other tabs follow your own "
                 "data's dates.", start=start, end=end)
    return t("These figures cover {start} to {end}, the twelve months up to the cooperative's latest past event: one period for "
             "every member, so that the members' shares add up to the cooperative's total. Your other tabs follow your own "
             "data's dates; this one follows the period the cooperative sets its remuneration rules for, once it does.",
             start=start, end=end)


def contribution_view(data: Mapping[str, Any], t: Translator) -> ContributionView:
    view = ContributionView()
    functions: Mapping[str, Mapping[str, Any]] = data.get("functions") or {}
    members = int(data.get("members") or 0)
    shown = []
    for name, f in functions.items():
        message, digits = SAID.get(name, ("{share}: {yours} of {total}.", 1))
        view.digits[name] = digits
        total = float(f.get("total") or 0)
        if total <= 0:
            view.silent.append(t(SHORT_NAMES.get(name, name)))
            continue
        fields = {"share": t.percent(f.get("fraction") or 0.0), "yours": t.number(f.get("member") or 0.0, digits),
                  "total": t.number(total, digits)}
        if name == "recommendation":
            said = t.plural_of(float(f.get("member") or 0.0), digits, *RECOMMENDATION_POINTS, **fields)
        else:
            said = t(message, **fields)
        view.points.append(said)
        shown.append((t(SHORT_NAMES.get(name, name)), f.get("fraction") or 0.0))
    if shown and members > 1:
        even = 1 / members
        view.chart = charts.bars(t("Your share of each kind of value"), [label for label, _share in shown],
                                 [(t("Your share"), [share for _label, share in shown]),
                                  (t.plural(members, "An even split ({n} member)", "An even split between the {n} members"),
                                   [even] * len(shown))],
                                 t, value_title=t("Share of the cooperative's total (%)"), category_title=t("Kind of value"),
                                 unit="percent", horizontal=True)
    view.why, view.period = _why(data, t), _period(data, t)
    if data.get("statement") is None:
        view.next_step = t("The cooperative has not set this period's remuneration rules yet: once its admin sets the pool and "
                           "the weight of each kind of value, your statement appears here, with its amount and a PDF.")
    return view
