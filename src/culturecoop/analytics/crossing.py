"""Where a member's audience meets the rest of the cooperative: elsewhere and overlap.

The audience is the member's pooled patrons (linked, with pooling consent) who attended in the
period, as cooperative-wide persons. Everything about other members is a count of distinct
persons released by the gate.

- elsewhere: of that audience, how many attended other members in the period, by genre, by
  kind of member and by region.
- overlap: for each other member, the persons both audiences share; share of each audience,
  Jaccard index, and lift (how much more likely the member's audience is to attend the other
  member than pooled patrons in general, and than pooled patrons outside the audience).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from culturecoop.analytics.affinity import FDR, pair_statistics
from culturecoop.analytics.audience import ratio
from culturecoop.analytics.pooled import Cells, genre_domain, genre_labels, genres_in_period, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import number
from culturecoop.i18n import _, current_language, plural
from culturecoop.privacy.gate import CountTable
from culturecoop.schema.model import MEMBER_KINDS
from culturecoop.schema.taxonomy import GENRES

MEMBERS = "SELECT member_id, name, kind, coalesce(region, '?') AS region FROM member"

AUDIENCE = """
SELECT count(*) AS patrons FROM analytics_pool WHERE member_id = $member AND (active & $period_mask) <> 0
"""

ELSEWHERE = f"""
WITH mine AS (
  SELECT person FROM analytics_pool WHERE member_id = $member AND (active & $period_mask) <> 0
), other AS (
  SELECT r.person, m.kind, coalesce(m.region, '?') AS region, {genres_in_period("r")} AS genres
  FROM analytics_pool AS r
  JOIN mine ON mine.person = r.person
  JOIN member AS m ON m.member_id = r.member_id
  WHERE r.member_id <> $member AND (r.active & $period_mask) <> 0
)
SELECT 'genre' AS dimension, g.genre AS value, count(DISTINCT o.person) AS patrons
FROM other AS o JOIN analytics_genre AS g ON ((o.genres >> g.bit) & 1) = 1
GROUP BY g.genre
UNION ALL
SELECT 'kind' AS dimension, kind AS value, count(DISTINCT person) AS patrons FROM other GROUP BY kind
UNION ALL
SELECT 'region' AS dimension, region AS value, count(DISTINCT person) AS patrons FROM other GROUP BY region
UNION ALL
SELECT 'any' AS dimension, '*' AS value, count(DISTINCT person) AS patrons FROM other
"""

# The rest of the cooperative: pooled people active in the period at other members who are not
# in the member's audience; what they attend at members other than this one, by genre.
ELSEWHERE_REST = f"""
WITH mine AS (
  SELECT person FROM analytics_pool WHERE member_id = $member AND (active & $period_mask) <> 0
), rest AS (
  SELECT r.person, {genres_in_period("r")} AS genres
  FROM analytics_pool AS r
  LEFT JOIN mine ON mine.person = r.person
  WHERE mine.person IS NULL AND r.member_id <> $member AND (r.active & $period_mask) <> 0
)
SELECT 'genre' AS dimension, g.genre AS value, count(DISTINCT rest.person) AS patrons
FROM rest JOIN analytics_genre AS g ON ((rest.genres >> g.bit) & 1) = 1
GROUP BY g.genre
UNION ALL
SELECT 'any' AS dimension, '*' AS value, count(DISTINCT person) AS patrons FROM rest
"""

OVERLAP = """
WITH mine AS (
  SELECT person FROM analytics_pool WHERE member_id = $member AND (active & $period_mask) <> 0
)
SELECT a.member_id AS other_member, count(*) AS audience, count(mine.person) AS shared
FROM analytics_pool AS a LEFT JOIN mine ON mine.person = a.person
WHERE a.member_id <> $member AND (a.active & $period_mask) <> 0
GROUP BY a.member_id
"""

POOLED_PERSONS = """
SELECT count(*) AS patrons FROM analytics_person WHERE (active & $period_mask) <> 0
"""


def members(ctx: ReportContext) -> list[dict[str, Any]]:
    return sorted(ctx.query(MEMBERS), key=lambda m: m["member_id"])


def _counts(rows: list[dict[str, Any]], dimension: str) -> list[dict[str, Any]]:
    return [{"value": r["value"], "patrons": r["patrons"]} for r in rows if r["dimension"] == dimension]


def elsewhere(ctx: ReportContext) -> ReportOutput:
    audience = ctx.query(AUDIENCE)[0]["patrons"]
    found = ctx.query(ELSEWHERE)
    rest = ctx.query(ELSEWHERE_REST)
    others = [m for m in members(ctx) if m["member_id"] != ctx.member_id]
    regions = sorted({m["region"] for m in others})
    # The kinds of the other members only (the cooperative's member list is no secret): a kind no
    # other member has read « < 10 » people, as if a few of your patrons went to a record label.
    kinds = [k for k in MEMBER_KINDS if any(m["kind"] == k for m in others)]
    release = ctx.release([
        CountTable("genre", ("value",), _counts(found, "genre"), len(GENRES), genre_domain()),
        CountTable("kind", ("value",), _counts(found, "kind"), max(1, len(kinds)), [(k,) for k in kinds]),
        CountTable("region", ("value",), _counts(found, "region"), max(1, len(regions)), [(r,) for r in regions]),
        CountTable("any", ("value",), _counts(found, "any"), 1, [("*",)]),
        CountTable("rest_genre", ("value",), _counts(rest, "genre"), len(GENRES), genre_domain()),
        CountTable("rest", ("value",), _counts(rest, "any"), 1, [("*",)]),
    ])
    anywhere = Cells(release.tables["any"])
    going = anywhere.get("*")

    def table(name: str, labels: dict[str, str]) -> list[dict[str, Any]]:
        cells = Cells(release.tables[name])
        rows = []
        for value, label in labels.items():
            patrons = cells.get(value)
            rows.append(mark({"value": value, "label": label, "patrons": patrons,
                              "share_of_audience": ratio(patrons, audience),
                              "share_of_those_going_elsewhere": ratio(patrons, going)},
                             {"patrons": cells.hidden(value), "share_of_audience": cells.hidden(value),
                              "share_of_those_going_elsewhere": cells.hidden(value) or anywhere.hidden("*")}))
        return sorted(rows, key=lambda r: (-(r["patrons"] or 0), r["value"]))

    kind_labels = {k: k.replace("_", " ") for k in kinds}
    genre_rows = _against_the_rest(table("genre", genre_labels()), None if anywhere.hidden("*") else going,
                                   Cells(release.tables["rest_genre"]), Cells(release.tables["rest"]))
    cols = (
        Column("value", _("Genre, kind of member or region")),
        Column("label", _("Its name")),
        Column("patrons", _("People of your audience who attended it at other members in the period")),
        Column("share_of_audience", _("Share of your pooled audience")),
        Column("share_of_those_going_elsewhere", _("Share of your audience members who attended other members at all")),
    )
    summary = {"audience": audience, "going_elsewhere": going,
               "share_going_elsewhere": None if anywhere.hidden("*") else ratio(going, audience)}
    ctx.notes.append(plural(audience, "Your audience here: your patrons who agreed to pooling and are linked across members ({n} person in the period).", "Your audience here: your patrons who agreed to pooling and are linked across members ({n} people in the period).").format(n=number(audience, current_language())))
    return ReportOutput([
        ReportTable("genres", _("Genres your audience attends elsewhere"), cols + GENRE_COMPARISON, genre_rows,
                    pooled=True),
        ReportTable("kinds", _("Kinds of members your audience attends"), cols, table("kind", kind_labels), pooled=True),
        ReportTable("regions", _("Regions where your audience goes out"), cols,
                    table("region", {r: r for r in regions}), pooled=True),
    ], summary, release)


GENRE_COMPARISON = (
    Column("rest_share", _("Share of the rest of the cooperative (pooled people outside your audience) who attended it at other members")),
    Column("lift", _("Share of those going elsewhere divided by the rest's share: how many times more your audience chooses it at other members than the rest of the cooperative")),
    Column("ci_low", _("Lower end of the 95% interval of that ratio")),
    Column("ci_high", _("Upper end of the 95% interval of that ratio")),
    Column("q_value", _("p-value adjusted for testing every genre (false-discovery rate)")),
    Column("significant", _("True when q < 0.05: unlikely to be chance")),
)


def _against_the_rest(rows: list[dict[str, Any]], going: int | None, rest_genre: Cells, rest: Cells) -> list[dict[str, Any]]:
    """Each genre row with the rest of the cooperative's share and the risk ratio with its 95 %
    interval and a q-value over the genres tested. Both sides are people who went to other
    members in the period — your audience's (``going``) and the rest of the cooperative — so
    the ratio compares what they chose there, not whether they went out at all."""
    rest_total = rest.get("*")
    audience = going or 0
    tested = []
    for row in rows:
        genre = row["value"]
        hidden = "patrons" in row["suppressed"] or rest_genre.hidden(genre) or rest.hidden("*") or going is None
        row["rest_share"] = None if rest_genre.hidden(genre) or rest.hidden("*") else ratio(rest_genre.get(genre), rest_total)
        for name in ("lift", "ci_low", "ci_high", "q_value", "significant"):
            row[name] = None
        if rest_genre.hidden(genre) or rest.hidden("*"):
            row["suppressed"].append("rest_share")
        if hidden:
            row["suppressed"] += ["lift", "ci_low", "ci_high", "q_value", "significant"]
        elif audience and rest_total:
            tested.append(row)
    if tested and rest_total:
        a = np.array([r["patrons"] for r in tested])
        c = np.array([rest_genre.get(r["value"]) or 0 for r in tested])
        n_rest = int(rest_total)
        figures = pair_statistics(a, np.full(len(tested), audience), a + c, audience + n_rest)
        from scipy import stats  # imported here: see affinity.pair_statistics

        q_values = stats.false_discovery_control(figures["p_value"], method="bh")
        for i, row in enumerate(tested):
            for name, source in (("lift", "lift_vs_rest"), ("ci_low", "rr_low"), ("ci_high", "rr_high")):
                value = float(figures[source][i])
                row[name] = round(value, 4) if np.isfinite(value) else None
            row["q_value"] = round(float(q_values[i]), 6)
            row["significant"] = bool(q_values[i] < FDR)
    return rows


def overlap(ctx: ReportContext) -> ReportOutput:
    mine = ctx.query(AUDIENCE)[0]["patrons"]
    found = ctx.query(OVERLAP)
    others = [m for m in members(ctx) if m["member_id"] != ctx.member_id]
    domain = [(m["member_id"],) for m in others]
    pooled_total = ctx.query(POOLED_PERSONS)[0]["patrons"]
    sensitivity = max(1, len(others))
    release = ctx.release([
        CountTable("shared", ("other_member",),
                   [{"other_member": r["other_member"], "patrons": r["shared"]} for r in found],
                   sensitivity, domain),
        CountTable("audience", ("other_member",),
                   [{"other_member": r["other_member"], "patrons": r["audience"]} for r in found],
                   sensitivity, domain),
        CountTable("pooled", ("scope",), [{"scope": "*", "patrons": pooled_total}], 1, [("*",)]),
    ])
    shared, theirs, pool = (Cells(release.tables[n]) for n in ("shared", "audience", "pooled"))
    total = pool.get("*")
    rows = []
    for m in others:
        key = m["member_id"]
        both, audience = shared.get(key), theirs.get(key)
        p_given_mine = ratio(both, mine, 6)
        p_overall = ratio(audience, total, 6)
        outside = None if None in (audience, both, total) else (total or 0) - mine
        p_outside = ratio(None if outside is None else (audience or 0) - (both or 0), outside, 6)
        # Four decimals, past the two a page shows: rounded to three, 1.1849 was 1.185 and read 1,19.
        lift = ratio(p_given_mine, p_overall, 4) if p_overall else None
        lift_rest = ratio(p_given_mine, p_outside, 4) if p_outside else None
        union = None if None in (both, audience) else mine + (audience or 0) - (both or 0)
        hide_shared, hide_theirs, hide_total = shared.hidden(key), theirs.hidden(key), pool.hidden("*")
        rows.append(mark({
            "other_member": key, "name": m["name"], "kind": m["kind"], "shared": both,
            "their_audience": audience, "share_of_yours": ratio(both, mine),
            "share_of_theirs": ratio(both, audience), "jaccard": ratio(both, union),
            "lift": lift, "lift_vs_rest": lift_rest,
        }, {"shared": hide_shared, "their_audience": hide_theirs, "share_of_yours": hide_shared,
            "share_of_theirs": hide_shared or hide_theirs, "jaccard": hide_shared or hide_theirs,
            "lift": hide_shared or hide_theirs or hide_total, "lift_vs_rest": hide_shared or hide_theirs or hide_total}))
    rows.sort(key=lambda r: (-(r["shared"] or 0), r["other_member"]))
    cols = (
        Column("other_member", _("The other member's identifier")),
        Column("name", _("Its name")),
        Column("kind", _("Its kind")),
        Column("shared", _("People who attended both you and that member in the period")),
        Column("their_audience", _("That member's pooled audience in the period (people)")),
        Column("share_of_yours", _("Shared people as a share of your pooled audience")),
        Column("share_of_theirs", _("Shared people as a share of their pooled audience")),
        Column("jaccard", _("Jaccard index: shared people / people in either audience")),
        Column("lift", _("How many times more likely your audience is to attend that member than pooled patrons in general")),
        Column("lift_vs_rest", _("How many times more likely your audience is to attend that member than pooled patrons outside your audience")),
    )
    summary = {"your_audience": mine, "pooled_patrons": total}
    return ReportOutput([ReportTable("overlap", _("Audience overlap with other members"), cols, rows, pooled=True)],
                        summary, release)
