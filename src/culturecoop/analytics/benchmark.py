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

from datetime import date, timedelta
from typing import Any

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.currency import main_currency
from culturecoop.analytics.pooled import Cells, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import label as code_label
from culturecoop.i18n import _, current_language, day_words
from culturecoop.privacy.gate import COUNT, MIN_PEERS, Beside, CountTable, peer_group_allowed

# Per-patron caps under noise (they bound one patron's weight in the sums).
CAPS = {"attendances": 24, "tickets": 48, "revenue": 2000}

MEMBER_FIGURES = """
WITH people AS (
  SELECT p.member_id, count(*) AS patrons, count_if(p.first_day < $date_from) AS returning
  FROM analytics_pool AS p
  WHERE (p.active & $period_mask) <> 0
  GROUP BY p.member_id
), sums AS (
  SELECT mm.member_id, CAST(sum(mm.attendances) AS BIGINT) AS attendances,
         CAST(sum(mm.tickets) AS BIGINT) AS tickets, CAST(sum(mm.revenue) AS DECIMAL(18, 2)) AS revenue
  FROM analytics_member_month AS mm
  WHERE mm.month BETWEEN $date_from AND $date_to
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
  WHERE v.pooled AND v.event_day BETWEEN $date_from AND $date_to
  GROUP BY v.member_id, v.person
)
SELECT member_id, count(*) AS patrons, count_if(first_day < $date_from) AS returning,
       CAST(sum(least(attendances, $cap_attendances)) AS BIGINT) AS attendances,
       CAST(sum(least(tickets, $cap_tickets)) AS BIGINT) AS tickets,
       CAST(sum(least(revenue, $cap_revenue)) AS DECIMAL(18, 2)) AS revenue
FROM per_patron
GROUP BY member_id
"""

MEMBER_KINDS = "SELECT member_id, kind FROM member"
OWN_FIRST_DAY = "SELECT min(event_day) AS first_day FROM analytics_visit WHERE member_id = $member"
# A member's data that starts after the period's first day, or at most this long before it, starts with it (the
# period line's « first period of data », `insights.COVERAGE_SLACK`).
FIRST_DAY_SLACK = timedelta(days=7)
MONEY_FIGURES = ("revenue_per_patron", "average_price")
MEASURES = ("patrons", "attendances", "tickets", "revenue", "returning")


def _figures(ctx: ReportContext) -> dict[str, dict[str, Any]]:
    noise = ctx.noise
    sql = MEMBER_FIGURES_CAPPED if noise else MEMBER_FIGURES
    caps = {f"cap_{k}": v for k, v in CAPS.items()} if noise else {}
    return {r["member_id"]: {**r, "revenue": float(r["revenue"] or 0)} for r in ctx.query(sql, **caps)}


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
    kinds = {str(r["member_id"]): str(r["kind"]) for r in ctx.query(MEMBER_KINDS)}
    kind = kinds[ctx.member_id]
    k = ctx.k
    measures = ("patrons", "attendances", "revenue")
    every = _figures(ctx)  # one query; the members of one's kind are among them
    groups = {"kind": {m: f for m, f in every.items() if kinds.get(m) == kind}, "all": every}
    own = every.get(ctx.member_id)
    candidates = {name: {m: f for m, f in figures.items() if m != ctx.member_id} for name, figures in groups.items()}

    def choose() -> dict[str, Any]:
        """The peer group: the members of one's kind, else all others, else none."""
        for name, peers in candidates.items():
            if peer_group_allowed(peers, measures, k):
                return {"group": name, "members": sorted(peers)}
        return {"group": None, "members": []}

    # Both groups' counts of people go through the gate, and beside them (``Beside``) the choice of
    # group and, without noise, the sums of visits, tickets and revenue: each rests on each peer's
    # own figures, so it is computed again only when a count of people moves by k. Computed afresh
    # at every request, one patron more or less would switch the comparison on or off at a peer of
    # exactly k patrons, and move the peers' revenue by that patron's spending. With noise, those
    # sums are noisy counts of their own, each patron's share capped (``CAPS``).
    sums = {name: {m: sum(round(float(p.get(m, 0))) for p in peers.values()) if len(peers) >= MIN_PEERS else 0
                   for m in MEASURES} for name, peers in candidates.items()}
    sensitivities = {"patrons": 1, "returning": 1, **CAPS}
    scopes = [("kind",), ("all",)]
    counted = MEASURES if ctx.noise else ("patrons", "returning")
    beside = [Beside("peer_group", "patrons", tuple(scopes), choose)]
    if not ctx.noise:
        beside.append(Beside("sums", "patrons", tuple(scopes),
                             lambda: {name: {m: sums[name][m] for m in MEASURES if m not in counted} for name in sums}))
    release = ctx.release(
        [CountTable(m, ("scope",), [{"scope": name, COUNT: sums[name][m]} for name in candidates if sums[name][m]],
                    sensitivities[m], scopes) for m in counted],
        beside)
    chosen = release.beside.get("peer_group") or choose()
    scope = chosen["group"]
    peers = {m: candidates["all"].get(m, {}) for m in chosen["members"]}
    allowed = scope is not None
    group = (_("members of your kind ({kind})").format(kind=code_label("member_kind", kind, current_language()))
             if scope == "kind" else _("all other members"))
    # One note that says what happened: compared with all members, or with nobody.
    if not allowed:
        ctx.notes.append(_("Not enough peers to compare with (at least three, none able to estimate another's figures from their sum): no peer figure is shown."))
    elif scope == "all":
        ctx.notes.append(_("Fewer than three comparable members of your kind, or one of them could estimate another's figures from their sum: you are compared with all other members."))
    released = {m: Cells(release.tables[m if m in counted else "patrons"]) for m in MEASURES}
    kept_sums = (release.beside.get("sums") or {}).get(scope or "", {})
    peer_sums = {m: None if not allowed or released[m].hidden(scope) else
                 (released[m].get(scope) if m in counted else kept_sums.get(m)) for m in MEASURES}
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
        hidden = allowed and any(released[m].hidden(scope) for m in depends[figure])
        value, peer = mine[figure], theirs[figure]
        rows.append(mark({"figure": figure, "label": label, "yours": value, "peers": peer,
                          "index": None if not peer or value is None else round(100 * float(value) / float(peer))},
                         {"peers": hidden, "index": hidden}))
    # A member whose own data starts within the period has nobody who « had come before » it: its 0 %
    # against its peers' 39 % read as « fewer of your patrons come back » and asked it to win back the
    # lapsed, in its first months. Its share is not compared, and a note says why.
    first_day = ctx.query(OWN_FIRST_DAY)[0]["first_day"]
    own_start = first_day if isinstance(first_day, date) and first_day + FIRST_DAY_SLACK >= ctx.period.start else None
    if own_start is not None:
        row = next(r for r in rows if r["figure"] == "returning_share")
        row["yours"] = row["index"] = None
        ctx.notes.append(_("Your data starts on {day}, within the period: none of your patrons can have come before it, so "
                           "the share who had come before is not compared with your peers'.").format(day=day_words(own_start)))
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
