"""The cooperative admin's home: the cooperative's health (``governance.coop_health``) in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from culturecoop.governance.coop_health import CoopHealth, Warning
from culturecoop.web.i18n import Translator
from culturecoop.web.views.base import Cell, Column, Kpi, TableView, cell


@dataclass
class AdminHomeView:
    kpis: list[Kpi]
    members: TableView
    warnings: list[str] = field(default_factory=list)
    chain: str = ""
    chain_ok: bool = True


def _warning(w: Warning, names: dict[str, str], t: Translator) -> str:
    name = names.get(w.member_id or "", w.member_id or "")
    if w.code == "never_uploaded":
        return t("{member} has never sent data: help it prepare its first package.", member=name)
    if w.code == "stale":
        return t("{member}'s data is stale: its last package was loaded on {day}.", member=name, day=t.day(w.detail.get("since")))
    if w.code == "behind":
        return t("{member}'s data ends on {day}, more than a month before the cooperative's ({cooperative}): its reports stop there; ask it for a recent export.",
                 member=name, day=t.day(w.detail.get("until")), cooperative=t.day(w.detail.get("cooperative")))
    if w.code == "budget":
        return t("{member} has spent ε {spent} of its {budget} budget for the period.", member=name,
                 spent=t.number(w.detail.get("spent"), 2), budget=t.number(w.detail.get("budget"), 2))
    if w.code == "not_linked":
        return t("Patrons are not linked across members yet: run the culturecoop link command so that cross-member figures exist.")
    return w.code


def admin_home_view(health: CoopHealth, t: Translator) -> AdminHomeView:
    members = health.members
    names = {m["member_id"]: m["name"] for m in members}
    patrons = sum(m["patrons"] for m in members)
    found = sum(m["found_elsewhere"] for m in members)
    kpis = [
        Kpi(t("Members"), cell(len(members), "int", t)),
        Kpi(t("Members with data"), cell(sum(1 for m in members if m["patrons"]), "int", t)),
        Kpi(t("Patron records"), cell(patrons, "int", t)),
        Kpi(t("Found at another member"), cell(found / patrons if patrons else None, "percent", t), term="pooling",
            detail=t("linkage rate over all records")),
        Kpi(t("Pooled people"), cell(health.pooled_people, "int", t), term="pooling",
            detail=t("linked, and agreed to pooling")),
    ]
    columns = [Column("name", t("Member"), "text"), Column("kind", t("Kind"), "text"),
               Column("last_ingest", t("Last package"), "text"), Column("data_until", t("Data until"), "text"),
               Column("packages", t("Packages"), "int"),
               Column("tickets", t("Tickets"), "int"), Column("patrons", t("Patron records"), "int"),
               Column("linkage_rate", t("Found at another member"), "percent"),
               Column("pooled_rate", t("Pooled"), "percent", "pooling"),
               Column("budget", t("ε spent this period"), "text", "epsilon")]
    rows = []
    for m in members:
        budget = m["budget"]
        rows.append([
            Cell(m["member_id"], m["name"]), Cell(m["kind"], t.label("member_kind", m["kind"])),
            Cell(m["last_ingest"], t.date(m["last_ingest"]) if m["last_ingest"] else t("never")),
            Cell(m.get("data_until"), t.day(m["data_until"]) if m.get("data_until") else "–"),
            cell(m["packages"], "int", t), cell(m["tickets"], "int", t), cell(m["patrons"], "int", t),
            cell(m["linkage_rate"], "percent", t), cell(m["pooled_rate"], "percent", t),
            Cell(budget["spent"], t.plural(budget["releases"], "{spent} of {budget} ({n} release)", "{spent} of {budget} ({n} releases)",
                                           spent=t.number(budget["spent"], 2), budget=t.number(budget["budget"], 2))
                 # Without noise no ε is spent and no release is counted against a budget: « 0 releases »
                 # read as a member never consulted, whatever its transparency page lists.
                 if health.noise else t("no noise: no ε budget to spend")),
        ])
    table = TableView("admin-members", t("Members"), columns, rows, collapsed=False)
    if health.chain_ok:
        chain = t.plural(health.chain_entries, "Audit log: {n} entry, the hash chain holds (checked {when}).",
                           "Audit log: {n} entries, the hash chain holds (checked {when}).",
                  when=t.date(health.checked_at))
    else:
        chain = t("Audit log: the hash chain is broken at entry {seq}: an entry was edited, inserted or deleted. Run the culturecoop audit verify command and investigate.",
                  seq=t.number(health.first_bad_entry or 0))
    return AdminHomeView(kpis, table, [_warning(w, names, t) for w in health.warnings], chain, health.chain_ok)
