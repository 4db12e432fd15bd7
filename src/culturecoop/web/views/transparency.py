"""Transparency in plain language: each audit entry about a member's data as one sentence — who,
what, when, from which members' data — and the privacy budget in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from culturecoop.web.i18n import Translator, _
from culturecoop.web.tabs import REPORT_TITLES

# Campaign steps recorded in the audit log (``campaigns.service.record``) and their releases.
CAMPAIGN_STEPS = {
    "campaign_created": _("On {when}, {who} created campaign {campaign}."),
    "campaign_approved": _("On {when}, {who} approved campaign {campaign}."),
    "campaign_cancelled": _("On {when}, {who} cancelled campaign {campaign} before it was sent."),
    "campaign_refused": _("On {when}, {who} refused campaign {campaign}: nobody received it."),
    "campaign_reply_to": _("On {when}, {who} changed the address that receives replies to the member's campaigns."),
    "campaign_send_started": _("On {when}, {who} started sending campaign {campaign}."),
    "campaign_send_interrupted": _("On {when}, the sending of campaign {campaign} stopped (the mail server stopped answering); it resumes where it stopped."),
    "campaign_sent": _("On {when}, {who} finished a sending run of campaign {campaign}."),
}
# The same steps of a campaign the page cannot name by its subject (another member's: its
# identifier, « cmp_7dfe108e62e8 », told the reader nothing).
CAMPAIGN_STEPS_UNNAMED = {
    "campaign_created": _("On {when}, {who} created a campaign."),
    "campaign_approved": _("On {when}, {who} approved a campaign."),
    "campaign_cancelled": _("On {when}, {who} cancelled a campaign before it was sent."),
    "campaign_refused": _("On {when}, {who} refused a campaign: nobody received it."),
    "campaign_reply_to": _("On {when}, {who} changed the address that receives replies to the member's campaigns."),
    "campaign_send_started": _("On {when}, {who} started sending a campaign."),
    "campaign_send_interrupted": _("On {when}, the sending of a campaign stopped (the mail server stopped answering); it resumes where it stopped."),
    "campaign_sent": _("On {when}, {who} finished a sending run of a campaign."),
}
# Releases that are not report tabs: the target audience tab's and the campaigns'.
ACTION_RELEASES = {"campaign": _("Campaign size"), "campaign_results": _("Campaign results"),
                   "audience_preview": _("Likely audience of an upcoming event"), "audience": _("Saved audience"),
                   "cross_offers": _("Cross-offer partners")}

ROLE_WORDS = {"member_admin": _("admin"), "member_analyst": _("analyst"), "coop_admin": _("cooperative admin")}


@dataclass
class AuditLine:
    seq: int
    when: str
    sentence: str
    data_from: str
    action: str
    members: str = ""
    label: str = ""  # "Entry no. 12"


@dataclass
class TransparencyView:
    member_id: str
    member_name: str
    budget: list[str]
    lines: list[AuditLine] = field(default_factory=list)
    total: int = 0


def _who(entry: Mapping[str, Any], member_id: str, accounts: Mapping[str, Any], names: Mapping[str, str],
         t: Translator, about: str | None = None) -> str:
    actor = str(entry.get("actor") or "")
    if entry.get("member_id") != member_id:
        other = names.get(str(entry.get("member_id")), str(entry.get("member_id")))
        return t("{member}, another member,", member=other)
    if actor.startswith("web:"):
        account = accounts.get(actor[4:])
        if account is not None:
            if about:  # the page read by the cooperative's admin: the member by its name
                return t("{name} ({role} at {member})", name=account.display_name or account.email,
                         role=t(ROLE_WORDS.get(account.role, account.role)), member=about)
            return t("{name} ({role}, your organisation)", name=account.display_name or account.email,
                     role=t(ROLE_WORDS.get(account.role, account.role)))
        return t("an account of {member} that no longer exists", member=about) if about else t(
            "an account of your organisation that no longer exists")
    if actor.startswith("cli:"):
        # Ends with a comma like « {member}, another member, »: the verb follows.
        return t("the cooperative, from the command line,")
    return t("the cooperative")


def _period(parameters: Any, t: Translator) -> str:
    params = parameters if isinstance(parameters, dict) else {}
    start, end = params.get("from"), params.get("to")
    if not start or not end:
        return ""
    text = t(" for {start} to {end}", start=t.day(start), end=t.day(end))
    if params.get("event"):
        text += t(" (event {event})", event=params["event"])
    return text


def audit_line(entry: Mapping[str, Any], member_id: str, accounts: Mapping[str, Any], names: Mapping[str, str],
               t: Translator, campaigns: Mapping[str, str] | None = None, about: str | None = None) -> AuditLine:
    """One audit entry as a sentence; ``about``: the member's name when the reader is not one of its
    accounts (the cooperative's admin), whom « your organisation » would not speak to."""
    report = str(entry.get("report") or "")
    titles = {**REPORT_TITLES, **ACTION_RELEASES}
    title = t(titles[report]) if report in titles else t("a release named {code}", code=report)
    fields = {"when": t.date(entry.get("recorded_at")), "who": _who(entry, member_id, accounts, names, t, about),
              "report": title, "period": _period(entry.get("parameters"), t)}
    action = str(entry.get("action") or "")
    raw = entry.get("parameters")
    params: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    if action in _GOVERNANCE_ACTIONS:
        sentence = _governance_sentence(action, params, member_id, fields["when"], t, about)
        seq = int(entry.get("seq") or 0)
        return AuditLine(seq, fields["when"], sentence, "", action, "", t("Entry no. {seq}", seq=t.number(seq)))
    if action == "campaign" and report in CAMPAIGN_STEPS:
        campaign = str(params.get("campaign", ""))
        subject = (campaigns or {}).get(campaign) if entry.get("member_id") == member_id else None
        # The member's own campaign by its subject; another member's is « a campaign ».
        if subject:
            campaign = f"« {subject} »" if t.language == "fr" else f"“{subject}”"
            sentence = t(CAMPAIGN_STEPS[report], when=fields["when"], who=fields["who"], campaign=campaign)
        else:
            sentence = t(CAMPAIGN_STEPS_UNNAMED[report], when=fields["when"], who=fields["who"])
    elif action == "refused":
        sentence = t("On {when}, {who} asked for “{report}”{period}: refused, the privacy budget was spent.", **fields)
    elif action == "re-release":
        sentence = t("On {when}, {who} consulted “{report}”{period} again: the same figures as before were shown.", **fields)
    else:
        sentence = t("On {when}, {who} consulted “{report}”{period}: {released}, {hidden}.", **fields,
                     released=t.plural(entry.get("cells_released"), "{n} cell published", "{n} cells published"),
                     hidden=t.plural(entry.get("cells_suppressed"), "{n} cell under the threshold", "{n} cells under the threshold"))
    epsilon = float(entry.get("epsilon") or 0)
    if epsilon:
        sentence += " " + t("ε {epsilon} spent.", epsilon=t.number(epsilon, 2))
    touched = entry.get("members_touched") or []
    if not touched:
        data_from, members = "", ""
    elif len(touched) == len(names) and set(map(str, touched)) == set(names):
        # Most releases use every member's data: say so rather than list them all, every time.
        data_from, members = t.plural(len(touched), "Data of the cooperative's only member.", "Data of all {n} members of the cooperative."), ""
    else:
        members = ", ".join(names.get(str(m), str(m)) for m in touched)
        data_from = t.plural(len(touched), "Data of {n} member: {names}.", "Data of {n} members: {names}.", names=members)
    seq = int(entry.get("seq") or 0)
    return AuditLine(seq, fields["when"], sentence, data_from, action, members, t("Entry no. {seq}", seq=t.number(seq)))


_GOVERNANCE_ACTIONS = ("erasure", "retention", "consent")


def _governance_sentence(action: str, params: Mapping[str, Any], member_id: str, when: str, t: Translator,
                         about: str | None = None) -> str:
    """A person's rights exercised, said with counts only (an erasure names nobody)."""
    removed = params.get("records_removed") if isinstance(params.get("records_removed"), dict) else {}
    yours = int(removed.get(member_id) or 0) if removed else 0
    if about and action == "erasure":
        return t.plural(yours, "On {when}, a person was erased from the whole cooperative at their own request: {n} record of {member} removed, everywhere and from the files themselves.",
                        "On {when}, a person was erased from the whole cooperative at their own request: {n} records of {member} removed, everywhere and from the files themselves.",
                        when=when, member=about)
    if about and action == "retention":
        return t.plural(yours, "On {when}, the retention rule removed {n} record of {member} whose last ticket was more than {months} months old.",
                        "On {when}, the retention rule removed {n} records of {member} whose last ticket was more than {months} months old.",
                        when=when, months=t.number(params.get("months") or 0), member=about)
    if action == "erasure":
        return t.plural(yours, "On {when}, a person was erased from the whole cooperative at their own request: {n} record of yours removed, everywhere and from the files themselves.",
                        "On {when}, a person was erased from the whole cooperative at their own request: {n} of your records removed, everywhere and from the files themselves.",
                        when=when)
    if action == "retention":
        return t.plural(yours, "On {when}, the retention rule removed {n} record of yours whose last ticket was more than {months} months old.",
                        "On {when}, the retention rule removed {n} of your records whose last ticket was more than {months} months old.",
                        when=when, months=t.number(params.get("months") or 0))
    return t.plural(params.get("records") or 0, "On {when}, a patron's consent change was recorded ({n} record).",
                    "On {when}, a patron's consent change was recorded ({n} records).", when=when)


def budget_sentences(budget: Mapping[str, Any] | None, noise: bool, t: Translator) -> list[str]:
    """The member's privacy budget in words."""
    if not budget:
        return []
    start, end = budget.get("period_start"), budget.get("period_end")
    period = t("from {start} to {end}", start=t.day(start), end=t.day(end)) if isinstance(start, str | date) else ""
    if not noise:
        return [t("Differential privacy is off: cross-member figures are protected by the minimum cell size and cost no budget.")]
    return [t.plural(budget.get("releases") or 0, "Privacy budget {period}: ε {spent} spent of {total}, {left} left, over {n} release.",
                     "Privacy budget {period}: ε {spent} spent of {total}, {left} left, over {n} releases.", period=period,
                     spent=t.number(budget.get("epsilon_spent") or 0, 2), total=t.number(budget.get("epsilon_budget") or 0, 2),
                     left=t.number(budget.get("epsilon_left") or 0, 2))]


def transparency_view(payload: Mapping[str, Any], member_id: str, member_name: str, accounts: Mapping[str, Any],
                      names: Mapping[str, str], noise: bool, t: Translator,
                      campaigns: Mapping[str, str] | None = None, about: str | None = None) -> TransparencyView:
    """The Transparency page from the API's payload (entries newest first, as shown); ``campaigns``:
    the member's campaigns by their subjects."""
    view = TransparencyView(member_id, member_name, budget_sentences(payload.get("budget"), noise, t),
                            total=int(payload.get("total") or 0))
    view.lines = [audit_line(e, member_id, accounts, names, t, campaigns, about) for e in payload.get("audit") or []]
    return view
