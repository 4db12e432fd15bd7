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
    "recommendation": (_("{share} of the accuracy the recommendations gained on the members' events: {yours} points of {total}."), 1),
    "conversions": (_("{share} of the people of saved event audiences who then bought a ticket to that event: about {yours} of {total}."), 0),
}
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
        view.points.append(t(message, share=t.percent(f.get("fraction") or 0.0), yours=t.number(f.get("member") or 0.0, digits),
                             total=t.number(total, digits)))
        shown.append((t(SHORT_NAMES.get(name, name)), f.get("fraction") or 0.0))
    if shown and members > 1:
        even = 1 / members
        view.chart = charts.bars(t("Your share of each kind of value"), [label for label, _share in shown],
                                 [(t("Your share"), [share for _label, share in shown]),
                                  (t.plural(members, "An even split ({n} member)", "An even split between the {n} members"),
                                   [even] * len(shown))],
                                 t, value_title=t("Share of the cooperative's total (%)"), category_title=t("Kind of value"),
                                 unit="percent", horizontal=True)
    if data.get("statement") is None:
        view.next_step = t("The cooperative has not set this period's remuneration rules yet: once its admin sets the pool and "
                           "the weight of each kind of value, your statement appears here, with its amount and a PDF.")
    return view
