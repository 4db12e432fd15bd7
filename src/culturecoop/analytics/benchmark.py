"""Benchmark: a member's key figures against its peers (members of the same kind).

Figures are computed on pooled patrons only (those who agreed to pooling), at the member and at
its peers, so the comparison is like for like. Peers are pooled only when there are at least
three, each with at least k patrons, and no peer's patrons, visits or revenue can be estimated
from the peers' sum by another peer within 20 % (the p % rule, `privacy.gate.peer_group_allowed`);
otherwise all other members are tried as peers, and failing that no peer
figure is shown. Peer figures are ratios of sums (e.g. the peers' revenue divided by the peers'
patrons); with noise, each patron's visits, tickets and revenue are capped before summing.
"""

from __future__ import annotations

from typing import Any

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.currency import main_currency
from culturecoop.analytics.pooled import Cells, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import label as code_label
from culturecoop.i18n import _, current_language
from culturecoop.privacy.gate import COUNT, CountTable, peer_group_allowed

# Per-patron caps under noise (they bound one patron's weight in the sums).
CAPS = {"attendances": 24, "tickets": 48, "revenue": 2000}

MEMBER_FIGURES = """
WITH people AS (
  SELECT p.member_id, count(*) AS patrons, count_if(p.first_day < $date_from) AS returning
  FROM analytics_pool AS p JOIN member AS m ON m.member_id = p.member_id
  WHERE (p.active & $period_mask) <> 0 AND ($kind = '' OR m.kind = $kind)
  GROUP BY p.member_id
), sums AS (
  SELECT mm.member_id, CAST(sum(mm.attendances) AS BIGINT) AS attendances,
         CAST(sum(mm.tickets) AS BIGINT) AS tickets, CAST(sum(mm.revenue) AS DECIMAL(18, 2)) AS revenue
  FROM analytics_member_month AS mm JOIN member AS m ON m.member_id = mm.member_id
  WHERE mm.month BETWEEN $date_from AND $date_to AND ($kind = '' OR m.kind = $kind)
  GROUP BY mm.member_id
)
SELECT people.member_id, people.patrons, people.returning, sums.attendances, sums.tickets, sums.revenue
FROM people JOIN sums ON sums.member_id = people.member_id
"""

# Under noise each patron's visits, tickets and revenue are capped, which needs them per patron.
MEMBER_FIGURES_CAPPED = """
WITH per_patron AS (
  SELECT v.member_id, v.person, count(*) AS attendances, sum(v.tickets) AS tickets,
         sum(v.revenue) AS revenue, min(v.first_day) AS first_day
  FROM analytics_visit AS v
  JOIN member AS m ON m.member_id = v.member_id
  WHERE v.pooled AND v.event_day BETWEEN $date_from AND $date_to AND ($kind = '' OR m.kind = $kind)
  GROUP BY v.member_id, v.person
)
SELECT member_id, count(*) AS patrons, count_if(first_day < $date_from) AS returning,
       CAST(sum(least(attendances, $cap_attendances)) AS BIGINT) AS attendances,
       CAST(sum(least(tickets, $cap_tickets)) AS BIGINT) AS tickets,
       CAST(sum(least(revenue, $cap_revenue)) AS DECIMAL(18, 2)) AS revenue
FROM per_patron
GROUP BY member_id
"""

MEMBER_KIND = "SELECT kind FROM member WHERE member_id = $member"
MONEY_FIGURES = ("revenue_per_patron", "average_price")
MEASURES = ("patrons", "attendances", "tickets", "revenue", "returning")


def _figures(ctx: ReportContext, kind: str) -> dict[str, dict[str, Any]]:
    noise = ctx.noise
    sql = MEMBER_FIGURES_CAPPED if noise else MEMBER_FIGURES
    caps = {f"cap_{k}": v for k, v in CAPS.items()} if noise else {}
    return {r["member_id"]: {**r, "revenue": float(r["revenue"] or 0)} for r in ctx.query(sql, kind=kind, **caps)}


def _ratios(f: dict[str, Any] | None) -> dict[str, float | None]:
    f = f or {}
    patrons = f.get(COUNT)
    return {
        "patrons": patrons,
        "visits_per_patron": ratio(f.get("attendances"), patrons, 4),
        "tickets_per_patron": ratio(f.get("tickets"), patrons, 4),
        "revenue_per_patron": ratio(f.get("revenue"), patrons, 2),
        "average_price": ratio(f.get("revenue"), f.get("tickets"), 2),
        "returning_share": ratio(f.get("returning"), patrons),
    }


def benchmark(ctx: ReportContext) -> ReportOutput:
    kind = str(ctx.query(MEMBER_KIND)[0]["kind"])
    k = ctx.k
    figures = _figures(ctx, kind)
    own = figures.get(ctx.member_id)
    peers = {m: f for m, f in figures.items() if m != ctx.member_id}
    group = _("members of your kind ({kind})").format(kind=code_label("member_kind", kind, current_language()))
    if not peer_group_allowed(peers, ("patrons", "attendances", "revenue"), k):
        figures = _figures(ctx, "")
        peers = {m: f for m, f in figures.items() if m != ctx.member_id}
        group = _("all other members")
        fell_back = True
    else:
        fell_back = False
    allowed = peer_group_allowed(peers, ("patrons", "attendances", "revenue"), k)
    # One note that says what happened: compared with all members, or with nobody.
    if not allowed:
        peers = {}
        ctx.notes.append(_("Not enough peers to compare with (at least three, none able to estimate another's figures from their sum): no peer figure is shown."))
    elif fell_back:
        ctx.notes.append(_("Fewer than three comparable members of your kind, or one of them could estimate another's figures from their sum: you are compared with all other members."))
    sums = {m: sum(round(float(p.get(m, 0))) for p in peers.values()) for m in MEASURES}
    sensitivities = {"patrons": 1, "returning": 1, **CAPS}
    release = ctx.release([
        CountTable(m, ("scope",), [{"scope": "peers", COUNT: sums[m]}] if allowed else [], sensitivities[m], [("peers",)])
        for m in MEASURES
    ])
    released = {m: Cells(release.tables[m]) for m in MEASURES}
    peer_sums = {m: released[m].get("peers") for m in MEASURES}
    mine, theirs = _ratios(own), _ratios(peer_sums)
    depends = {
        "patrons": ("patrons",), "visits_per_patron": ("attendances", "patrons"),
        "tickets_per_patron": ("tickets", "patrons"), "revenue_per_patron": ("revenue", "patrons"),
        "average_price": ("revenue", "tickets"), "returning_share": ("returning", "patrons"),
    }
    labels = {
        "patrons": _("Pooled patrons who attended in the period"),
        "visits_per_patron": _("Events attended per patron"),
        "tickets_per_patron": _("Tickets per patron"),
        "revenue_per_patron": _("Revenue per patron"),
        "average_price": _("Average ticket price"),
        "returning_share": _("Share of patrons who had come before the period"),
    }
    rows = []
    for figure, label in labels.items():
        # Without a peer group nothing was asked of the gate: no figure, and no « < 10 » either.
        hidden = allowed and any(released[m].hidden("peers") for m in depends[figure])
        value, peer = mine[figure], theirs[figure]
        rows.append(mark({"figure": figure, "label": label, "yours": value, "peers": peer,
                          "index": None if not peer or value is None else round(100 * float(value) / float(peer))},
                         {"peers": hidden, "index": hidden}))
    # Amounts compare only within one currency: euros per patron against dollars per patron is no index.
    own_currency = main_currency(ctx.engine, ctx.member_id)
    if peers and any(main_currency(ctx.engine, m) != own_currency for m in peers):
        for row in rows:
            if row["figure"] in MONEY_FIGURES:
                row["peers"] = row["index"] = None
        ctx.notes.append(_("Some of your peers sell in another currency than yours: their revenue per patron and average "
                           "price are not compared with yours."))
    # Patrons: the peers' figure is the average peer's, and the index compares with that (against
    # the peers' sum it read 20 for a member as large as the average peer of five).
    rows[0]["peers"] = rows[0]["index"] = None
    if "peers" not in rows[0]["suppressed"]:
        average = None if peer_sums["patrons"] is None or not peers else round(peer_sums["patrons"] / len(peers))
        rows[0]["peers"] = average
        if average and rows[0]["yours"] is not None:
            rows[0]["index"] = round(100 * float(rows[0]["yours"]) / average)
    cols = (
        Column("figure", _("Name of the figure")),
        Column("label", _("What it measures")),
        Column("yours", _("Your value (pooled patrons only)")),
        Column("peers", _("The peers' value (ratio of their sums; for patrons, the average per peer)")),
        Column("index", _("Yours against the peers' (100 = same)")),
    )
    summary = {"peers": len(peers), "peer_group": group if allowed else None}
    return ReportOutput([ReportTable("benchmark", _("Your key figures against your peers"), cols, rows, pooled=True)],
                        summary, release)
