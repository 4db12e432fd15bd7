"""The words `culturecoop report` prints for the cross-member tables' statistics."""

from __future__ import annotations


def _(message: str) -> str:
    """Mark ``message`` for translation: ``report`` translates it for its reader when it prints it."""
    return message


# The cross-member tables' statistics in the dashboard's words (docs/dashboard-reading.md): a venue's
# staff read « Très probablement au moins », not « IC 95 % bas »; the terms (lift, 95% CI, p- and
# q-value) stay in --json's keys and in the glossary. Each: (header, meaning), English message ids.
PLAIN_WORDS = {
    "ci_low": (_("Very probably at least"),
               _("The ratio very probably is at least this much, given how many people were counted")),
    "ci_high": (_("Very probably at most"),
                _("The ratio very probably is at most this much, given how many people were counted")),
    "p_value": (_("Risk for this row alone"),
                _("How often chance alone would give a gap this large, were this row the only one looked at")),
    "q_value": (_("Risk that it is chance"),
                _("How often chance alone would give a gap this large, every row of the table looked at: under "
                  "0.05 it is too clear to be chance")),
    "significant": (_("Too clear to be chance"),
                    _("Yes when the risk that it is chance is under 0.05: a real difference, not chance")),
}
# A ratio's header as its table's page says it (the rest: those who did not attend A, the pooled patrons
# outside your audience, as its meaning says).
PLAIN_HEADERS = {
    ("affinity", "lift"): _("Times as often as average"),
    ("affinity", "lift_vs_rest"): _("Times as often as the rest"),
    ("genres", "lift"): _("Times as much as the rest of the cooperative"),
    ("overlap", "lift"): _("Times as likely as the average pooled patron"),
    ("overlap", "lift_vs_rest"): _("Times as often as the rest"),
}
PLAIN_SUMMARY = {"significant_pairs": _("Pairs too clear to be chance")}
# A meaning said in words where its table's service names a statistic (the pace's band: « 10th percentile »; the
# overlap's « Jaccard index »).
PLAIN_MEANINGS = {
    ("band", "low"): _("Tickets this event would have sold by then at the pace of the slowest comparable events: "
                       "8 comparable events in 10 sold between this pace and the fast one"),
    ("overlap", "jaccard"): _("People in both audiences, as a share of the people in either"),
    # The month is printed as the reader writes it (« août 2025 »); its YYYY-MM is --json's.
    ("by_month", "month"): _("Month of the events"),
    ("band", "high"): _("Tickets this event would have sold by then at the pace of the fastest comparable events: "
                        "8 comparable events in 10 sold between the slow pace and this one"),
}

# `audit show`: what each entry did, and what it released, in words (their codes stay in --json).
AUDIT_ACTIONS = {
    "release": _("figures released"), "re-release": _("the same figures shown again"),
    "refused": _("refused: privacy budget spent"), "policy": _("privacy policy changed"), "campaign": _("campaign"),
    "erasure": _("erasure"), "retention": _("retention applied"), "consent": _("consent changed"),
}
AUDIT_RELEASES = {
    "campaign": _("Campaign size"), "campaign_results": _("Campaign results"),
    "audience_preview": _("Likely audience of an upcoming event"), "audience": _("Saved audience"),
    "cross_offers": _("Cross-offer partners"), "campaign_created": _("Campaign created"),
    "campaign_approved": _("Campaign approved"), "campaign_cancelled": _("Campaign cancelled"),
    "campaign_refused": _("Campaign refused"), "campaign_reply_to": _("Address for replies to campaigns"),
    "campaign_send_started": _("Sending started"),
    "campaign_send_interrupted": _("Sending interrupted"), "campaign_sent": _("Sending run finished"),
    "campaign_settings": _("Campaign rules"), "cross_offer_proposed": _("Cross-offer proposed"),
    "cross_offer_accepted": _("Cross-offer accepted"), "cross_offer_declined": _("Cross-offer declined"),
}
