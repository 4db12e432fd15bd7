"""The glossary: every technical word of the dashboard in plain language (French and English).

Pages link each jargon word to its entry (``/glossary#term``) and repeat the definition in a
tooltip; the glossary page lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from culturecoop.web.i18n import Translator, _


@dataclass(frozen=True)
class Term:
    slug: str
    word: str
    definition: str
    example: str | None = None


TERMS: tuple[Term, ...] = (
    Term("aggregate", _("Aggregate"), _("A figure that combines several members' data: a count of people, never a person. Every aggregate passes the privacy gate before you see it.")),
    Term("pooling", _("Pooling"), _("Putting members' data together. Only patrons who agreed to pooling, and who are linked across members, count in figures that cross members; “pooled patrons” are those people.")),
    Term("k", _("Minimum cell size (k)"), _("The smallest number of people a cross-member figure may count. A cell under k is hidden and shown as “< k”; other cells may be hidden with it so that it cannot be worked out by subtraction."),
         _("With k = 10, “< 10” means between 0 and 9 people: too few to show without risking that someone is recognised.")),
    Term("epsilon", _("Privacy budget (ε)"), _("When the cooperative turns differential privacy on, a little random noise is added to cross-member counts. ε measures how much each release can reveal; each member has a budget of ε per period, and a release that would exceed it is refused.")),
    Term("lift", _("Lift"), _("How many times more often a group does something than a reference group. 1 means as often; 2 means twice as often; 0.5 half as often."),
         _("Jazz → blues 3.7: people who attend jazz attend blues 3.7 times as often as the average pooled patron.")),
    Term("ci", _("Confidence interval (95% CI)"), _("The range in which the true value very probably lies, given how many people were counted. A lift whose whole interval is above 1 is a real difference, not chance."),
         _("Lift 3.7 (95% CI 2.9–4.6): the true lift is very probably between 2.9 and 4.6.")),
    Term("p_value", _("p-value"), _("The probability of seeing so strong a link by chance alone, if there were none. The smaller, the more certain the link.")),
    Term("q_value", _("q-value (significant)"), _("A p-value corrected because many pairs are tested at once (false-discovery rate). A result is called significant when q < 0.05: at most one significant result in twenty is expected to be chance.")),
    Term("cuped", _("CUPED (counting past spending)"), _("A way of measuring a campaign's effect that takes into account what each person spent before it: people who already bought a lot are compared with people like them, so the estimate is less left to chance than a direct comparison.")),
    Term("index", _("Index"), _("Your figure compared with a reference, as a percentage of it: 100 is the same, 150 is one and a half times, 50 is half."),
         _("Index 180 for regulars: your share of regulars is 1.8 times the cooperative's.")),
    Term("jaccard", _("Overlap index"), _("People in common divided by the people in either audience (Jaccard index): 0% when the audiences are apart, 100% when they are the same people.")),
    Term("fsa", _("Postal area"), _("The first three characters of a Canadian postal code (forward sortation area, RTA in French), e.g. H2X: a neighbourhood in a city, a town or a rural area. Elsewhere, the country and the first digits of the postal code (FR-750: Paris, BE-13, CH-12), or a British postcode's district (GB-SW4). Postal codes are cut to this area before they leave the member.")),
    Term("cohort", _("Cohort"), _("The patrons whose first visit was in the same month, followed month after month.")),
    Term("return_rate", _("Return rate"), _("Of the people at an event, the share who came to another of your events within six months (longer when your calendar has a longer break, such as a festival's year), counted for the events your data follows that long.")),
    Term("multiplier", _("Multiplier"), _("A comparable event's final sales divided by what it had sold at the same number of days before its start: how much sales still grew from that point.")),
    Term("segment", _("Segment"), _("A group of patrons defined by a simple rule about how often, how recently and how much they come and spend; each patron is in one segment.")),
    Term("gini", _("Gini coefficient of exposure"), _("How unevenly suggestions are shared out: 0 when every show (or every member's shows) is suggested as often, 1 when a single one gets every suggestion.")),
    Term("novelty", _("Novelty (bits)"), _("How unexpected a suggestion is, measured in bits: the mean of −log2 of each suggested show's expected share of attention. 1 bit is as unexpected as one show out of 2, 5 bits as one out of 32.")),
    Term("diversity", _("Diversity within a list"), _("How different the shows of one patron's list are from each other, by what the programme says of them (genre, artists, venue…), averaged over pairs of shows and over lists: 0 when they are all alike, 1 when they share nothing.")),
    Term("shapley", _("Shapley value"), _("A member's part of a value the cooperative creates: the average of what its data adds when the members join in every possible order. The parts add up to the total, two members with the same data get the same part, and a member whose data changes nothing gets nothing.")),
)
TERMS_BY_SLUG = {term.slug: term for term in TERMS}


def tooltip(slug: str | None, t: Translator) -> str | None:
    """A term's definition in the reader's language, for a title attribute."""
    term = TERMS_BY_SLUG.get(slug or "")
    return None if term is None else t(term.definition)
