"""Saved audiences: who a member may reach, stored at the cooperative as patron keys only.

Four kinds, each built from one question:

- ``event``: the people across the cooperative most likely to attend one of the member's
  upcoming events (the recommendation model; only people who may receive recommendations:
  pooled and with personalization consent everywhere they gave a decision);
- ``segment``: the member's own patrons in one of its segments (``analytics.segments`` rules,
  over the last 12 months);
- ``genre``: "fans of genre X elsewhere": pooled people who attended genre X at *another*
  member in the last 12 months;
- ``lapsed``: the member's own patrons with no visit in the last N months.

A member never sees who is in an audience: it sees the size and profile (segments, age bands,
where they live, own patrons vs new) as the privacy gate releases them — a figure under k shows
as "< k" — and every build and every summary is an audit entry. The patron keys stay in
``audience_member`` for the campaign sender (``audience_patron_keys``), never for a member.
"""

from __future__ import annotations

import json
import math
import unicodedata
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from culturecoop.analytics import facts
from culturecoop.analytics.facts import genre_column
from culturecoop.analytics.period import Period, month_ordinal, month_start
from culturecoop.analytics.segments import MEMBER_SEGMENTED, SEGMENTS
from culturecoop.analytics.service import data_coverage, default_actor
from culturecoop.analytics.wording import choices, number
from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language
from culturecoop.privacy.gate import COUNT, HIDDEN, CountTable, GatedTable, PrivacyGate
from culturecoop.privacy.policy import current_policy
from culturecoop.reco import service
from culturecoop.schema.taxonomy import GENRES
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.members import MEMBERS_SQL, require_member
from culturecoop.warehouse.sql_engine import DuckDBEngine

KINDS = ("event", "segment", "genre", "lapsed")
# The longest audience name (the dashboard's form and the API say the same).
NAME_LENGTH = 200
DEFAULT_LAPSED_MONTHS = 12
# Twenty years without a visit: as far back as any member's history goes (the API's bound too).
MAX_LAPSED_MONTHS = 240
# An event audience holds this many people per seat on sale (a campaign reaches more people
# than will come), at least MIN_EVENT_AUDIENCE.
PEOPLE_PER_SEAT = 3
MIN_EVENT_AUDIENCE = 500
# ... but at most this share of the people the model can score (the pooling-consented): a small
# cooperative's pool can be smaller than a hall calls for, and an "audience" of everyone targets
# nobody (its profile is the pool's). An explicit size is kept, up to the whole pool.
MAX_POOL_SHARE = 0.5
AGE_BANDS = ("18-34", "35-54", "55+", "unknown")
# A Canadian member: the postal areas near its venues first (H2 for a club on the Plateau: most of a
# Montréal venue's audience lives in Montréal, and "Montréal" alone would say nothing), then Québec's.
AREAS = ("near_venue", "montreal", "quebec_city", "rest_of_quebec", "outside_quebec", "unknown")
# A member whose venues lie outside Canada (areas like FR-750): where people live against its venues.
AREAS_ABROAD = ("near_venue", "same_country", "abroad", "unknown")
OWNERSHIP = ("own", "new")
# The order a profile's groups are read in (the gate returns them sorted by code).
_PROFILE_ORDER = {"age_band": AGE_BANDS, "area": tuple(dict.fromkeys((*AREAS, *AREAS_ABROAD))), "ownership": OWNERSHIP}
OWN_KINDS = ("segment", "lapsed")

_SEGMENT_RULE = """
CASE WHEN bit_count(a.active & $period_mask) >= 4 THEN 'regulars'
     WHEN bit_count({genres}) >= 3 THEN 'explorers'
     WHEN CAST(a.revenue AS DOUBLE) / a.visits >= 2 * avg(CAST(a.revenue AS DOUBLE) / a.visits) OVER () THEN 'big_spenders'
     WHEN a.first_day >= $recent_from THEN 'newcomers'
     WHEN (a.active & $late_mask) = 0 THEN 'fading'
     ELSE 'occasional' END
"""

# The member's own records in one segment, as patron keys.
SEGMENT_PEOPLE = """
WITH s AS (
  SELECT a.rid, {rule} AS segment FROM analytics_record AS a
  WHERE a.member_id = $member AND (a.active & $period_mask) <> 0
)
SELECT DISTINCT i.patron_key FROM s
JOIN analytics_patron AS p ON p.rid = s.rid
JOIN identity AS i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
WHERE s.segment = $segment
"""

# Pooled people who attended the genre at another member in the period.
GENRE_PEOPLE = """
SELECT DISTINCT i.patron_key
FROM analytics_pool AS a
JOIN analytics_patron AS p ON p.person = a.person AND p.pooled
JOIN identity AS i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
WHERE a.member_id <> $member AND (a.{column} & $period_mask) <> 0
"""

LAPSED_PEOPLE = """
SELECT DISTINCT i.patron_key
FROM analytics_record AS a
JOIN analytics_patron AS p ON p.rid = a.rid
JOIN identity AS i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
WHERE a.member_id = $member AND a.last_day < $since
"""

# The people of an audience drawn from the cooperative (event, genre): one row per person, their
# birth band and postal area from any member's record, their segment over all members.
POOLED_PROFILED = """
WITH people AS (
  -- The member's own patrons are described by its own records: another member's would tell, by a
  -- band or an area the member's record lacks, that the person has a record there.
  SELECT am.patron_key, am.own,
         CASE WHEN am.own THEN min(p.birth_band) FILTER (WHERE i.member_id = $member) ELSE min(p.birth_band) END
             AS birth_band,
         CASE WHEN am.own THEN min(upper(p.fsa)) FILTER (WHERE i.member_id = $member) ELSE min(upper(p.fsa)) END
             AS fsa
  FROM ({source}) AS am
  LEFT JOIN identity AS i ON i.patron_key = am.patron_key
  LEFT JOIN patron AS p ON p.member_id = i.member_id AND p.member_patron_id = i.member_patron_id
  GROUP BY am.patron_key, am.own
), persons AS (
  SELECT people.*, max(ap.person) AS person FROM people
  LEFT JOIN identity AS i ON i.patron_key = people.patron_key
  LEFT JOIN analytics_patron AS ap ON ap.member_id = i.member_id AND ap.member_patron_id = i.member_patron_id
  GROUP BY ALL
), segmented AS (
  SELECT a.person, {rule} AS segment FROM analytics_person AS a WHERE (a.active & $period_mask) <> 0
), profiled AS (
  SELECT persons.own, persons.birth_band, persons.fsa, s.segment
  FROM persons LEFT JOIN segmented AS s ON s.person = persons.person
)"""
# The people of an audience of the member's own patrons (segment, lapsed): their birth band and
# postal area from the member's own records, their segment by the member's own visits (its Segments
# tab's rule). Nothing another member knows enters: two such audiences that differ by one known
# patron (lapsed 12 and 13 months) would otherwise show what that patron did elsewhere.
OWN_PROFILED = MEMBER_SEGMENTED + """, own_people AS (
  SELECT am.patron_key, min(p.birth_band) AS birth_band, min(upper(p.fsa)) AS fsa,
         min(list_position($segment_order, s.segment)) AS segment_rank
  FROM ({source}) AS am
  LEFT JOIN identity AS i ON i.patron_key = am.patron_key AND i.member_id = $member
  LEFT JOIN patron AS p ON p.member_id = i.member_id AND p.member_patron_id = i.member_patron_id
  LEFT JOIN analytics_patron AS ap ON ap.member_id = i.member_id AND ap.member_patron_id = i.member_patron_id
  LEFT JOIN segmented AS s ON s.key = ap.rid
  GROUP BY am.patron_key
), profiled AS (
  SELECT true AS own, birth_band, fsa, list_extract($segment_order, segment_rank) AS segment FROM own_people
)"""
# Profile of an audience: one row per person with the dimensions the member may see.
PROFILE = """
SELECT CASE WHEN own THEN 'own' ELSE 'new' END AS ownership,
       CASE WHEN birth_band IS NULL THEN 'unknown'
            WHEN CAST(substr(birth_band, 1, 4) AS INTEGER) >= $young_from THEN '18-34'
            WHEN CAST(substr(birth_band, 1, 4) AS INTEGER) >= $middle_from THEN '35-54'
            ELSE '55+' END AS age_band,
       CASE WHEN fsa IS NULL OR fsa = '' THEN 'unknown'
            WHEN $abroad THEN CASE WHEN list_contains($venue_near, {near}) THEN 'near_venue'
                                   WHEN {region} = $venue_country THEN 'same_country' ELSE 'abroad' END
            WHEN list_contains($venue_near, {near}) THEN 'near_venue'
            WHEN instr(fsa, '-') > 0 THEN 'outside_quebec'
            WHEN substr(fsa, 1, 1) = 'H' THEN 'montreal'
            WHEN substr(fsa, 1, 2) = 'G1' OR substr(fsa, 1, 2) = 'G2' THEN 'quebec_city'
            WHEN substr(fsa, 1, 1) IN ('G', 'J') THEN 'rest_of_quebec'
            ELSE 'outside_quebec' END AS area,
       coalesce(segment, 'occasional') AS segment
FROM profiled
"""
SAVED_PEOPLE = "SELECT patron_key, own FROM audience_member WHERE audience_id = $audience"
# An audience not saved (a preview): its people travel as two parallel lists.
LISTED_PEOPLE = "SELECT unnest($keys) AS patron_key, unnest($own) AS own"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_member(warehouse: Warehouse, member_id: str) -> tuple[str, ...]:
    return require_member(warehouse.query(MEMBERS_SQL), member_id)


def _period_params(warehouse: Warehouse, member_id: str | None = None) -> dict[str, Any]:
    """The last 12 whole months up to the data's as-of date, as the facts' month masks; with
    ``member_id``, up to that member's own as-of date when its data ends first, as its Segments
    tab counts them (the audience saved from a segment is the segment the tab showed)."""
    window = data_coverage(warehouse, member_id) if member_id else facts.window(DuckDBEngine(warehouse))
    end = month_ordinal(window.as_of)
    period = Period(month_start(end - 11), window.as_of)
    late = Period(month_start(end - 5), window.as_of)
    return {"period_mask": period.month_mask(window), "late_mask": late.month_mask(window),
            "recent_from": month_start(end - 2), "as_of": window.as_of}


def _rule() -> str:
    from culturecoop.analytics.pooled import genres_in_period

    return _SEGMENT_RULE.format(genres=genres_in_period("a"))


def _people(warehouse: Warehouse, member_id: str, kind: str, params: dict[str, Any]) -> tuple[list[tuple[str, float | None]], dict[str, Any]]:
    """(patron_key, score) of the audience and its normalized definition."""
    period = _period_params(warehouse, member_id)
    if kind == "event":
        event_id = str(params.get("event") or "").strip()
        if not event_id:
            raise UserError(_("An event audience needs the event: give --event EVENT_ID (an upcoming event of your programme)."))
        state = service.scoring_state(warehouse)
        table, index = service.find_upcoming(warehouse, member_id, event_id)
        item = state.model.encoder.encode({c: [v[index]] for c, v in table.columns.items()}, 1)
        scores = service.event_scores(state, item)
        newcomers = bool(params.get("newcomers"))
        # Newcomers only: the people who never bought a ticket from the member, the ones it cannot
        # reach with its own list (docs/reco.md, "Does the list find the people who come?").
        eligible = np.arange(len(scores))
        if newcomers:
            own = _own_keys(warehouse, member_id)
            eligible = np.array([i for i, key in enumerate(state.patron_keys.tolist()) if key not in own], dtype=np.int64)
            if not len(eligible):
                raise UserError(_("Everyone the cooperative can suggest for this event has already bought a ticket from you: "
                                  "save the whole likely audience instead (leave out --newcomers)."))
        capacity = int(table.extra[index].get("capacity") or 0)
        asked = params.get("size")
        if asked is not None and int(asked) < 1:
            raise UserError(_("--size must be a positive number of people, e.g. --size 2000."))
        size, wanted = (min(int(asked), len(eligible)), int(asked)) if asked else event_audience_size(capacity, len(eligible))
        limited = size < wanted
        # Whole blocks of k people: two audiences of one event whose sizes differ by one (--size 500
        # and 501, a capacity moved by one seat) would show by difference the profile of the person
        # ranked between them.
        k = current_policy(warehouse).min_patrons
        size = min(size, max(k, size // k * k))
        top = eligible[np.argsort(-scores[eligible], kind="stable")[:size]]
        people: list[tuple[str, float | None]] = [(str(state.patron_keys[i]), float(scores[i])) for i in top.tolist()]
        definition = {"event": event_id, "size": size, "model_id": state.model.model_id}
        if newcomers:
            definition["newcomers"] = True
        if capacity > 0 and not asked:
            definition["seats"] = capacity
        if limited and not asked:
            definition.update({"pool_limited": True, "wanted": wanted})
        if asked and size != int(asked):
            definition["asked"] = int(asked)
        return people, definition
    if kind == "segment":
        segment = str(params.get("segment") or "").strip().lower().replace(" ", "_").replace("-", "_")
        if segment not in SEGMENTS:
            raise UserError(_("Unknown segment {segment}; choose one of {segments}.").format(
                segment=params.get("segment"), segments=choices("segment", SEGMENTS, current_language())))
        rows = warehouse.query(SEGMENT_PEOPLE.format(rule=_rule()), {
            "member": member_id, "segment": segment, **{k: period[k] for k in ("period_mask", "late_mask", "recent_from")}})
        return [(r["patron_key"], None) for r in rows], {"segment": segment}
    if kind == "genre":
        genre = str(params.get("genre") or "").strip().lower().replace(" ", "_").replace("-", "_")
        if not genre:
            raise UserError(_("No genre given; choose one of {genres}.").format(genres=choices("genre", GENRES, current_language())))
        if genre not in GENRES:
            raise UserError(_("Unknown genre {genre}; choose one of {genres}.").format(genre=params.get("genre"), genres=choices("genre", GENRES, current_language())))
        rows = warehouse.query(GENRE_PEOPLE.format(column=genre_column(genre)),
                               {"member": member_id, "period_mask": period["period_mask"]})
        return [(r["patron_key"], None) for r in rows], {"genre": genre}
    months = params.get("months", DEFAULT_LAPSED_MONTHS)
    try:
        months = int(months)
    except (TypeError, ValueError):
        months = -1
    if not 1 <= months <= MAX_LAPSED_MONTHS:
        raise UserError(_("A lapsed audience needs a whole number of months without a visit from 1 to {most}, e.g. 12; got {months}.").format(
            most=MAX_LAPSED_MONTHS, months=params.get("months")))
    since = period["as_of"] - timedelta(days=round(months * 30.44))
    rows = warehouse.query(LAPSED_PEOPLE, {"member": member_id, "since": since})
    return [(r["patron_key"], None) for r in rows], {"months": months}


def event_audience_size(capacity: int | None, pool: int) -> tuple[int, int]:
    """An upcoming event's likely audience size among ``pool`` people the model can score, and the
    size its hall alone calls for: ``PEOPLE_PER_SEAT`` per seat, at least ``MIN_EVENT_AUDIENCE``,
    at most ``MAX_POOL_SHARE`` of the pool (cross offers use the same rule)."""
    wanted = max(MIN_EVENT_AUDIENCE, PEOPLE_PER_SEAT * int(capacity or 0))
    return min(wanted, max(1, math.ceil(MAX_POOL_SHARE * pool)), pool), wanted


def _own_keys(warehouse: Warehouse, member_id: str) -> set[str]:
    return {r["patron_key"] for r in warehouse.query("SELECT DISTINCT patron_key FROM identity WHERE member_id = ?", [member_id])}


def preview_event_audience(warehouse: Warehouse, member_id: str, event_id: str, *,
                           actor: str | None = None) -> dict[str, Any]:
    """The likely audience of one of the member's upcoming events, not saved: its size and
    profile as the privacy gate releases them (an audited release, like a saved audience's)."""
    members = _check_member(warehouse, member_id)
    service.require_data(warehouse)
    people, definition = _people(warehouse, member_id, "event", {"event": event_id})
    own_keys = _own_keys(warehouse, member_id)
    keys = [key for key, _score in people]
    tables = _profile_tables(warehouse, member_id, None, "event", (keys, [key in own_keys for key in keys]))
    release = PrivacyGate(warehouse).release(
        member_id=member_id, report="audience_preview", actor=actor or default_actor(),
        params={"event": event_id, "model_id": definition["model_id"], "size": definition["size"]}, tables=tables,
        members_touched=members, data_version=service.data_version_of(warehouse))
    return _summary_of(release, member_id, definition, release.k)


def _summary_of(release: Any, member_id: str, definition: dict[str, Any], k: int) -> dict[str, Any]:
    size = release.tables["age_band"].total
    return {"member_id": member_id, "kind": "event", "definition": definition, "k": k, "size": size,
            "size_shown": f"< {k}" if size is None else str(size),
            "profile": {name: _shown(t, k) for name, t in release.tables.items()},
            "audit_id": release.audit_seq, "release": release.action}


def build_audience(warehouse: Warehouse, *, member_id: str, kind: str, params: dict[str, Any], name: str,
                   actor: str | None = None) -> dict[str, Any]:
    """Build and save an audience; returns its id, gated size and profile (JSON-ready)."""
    if kind not in KINDS:
        raise UserError(_("Unknown audience kind {kind}; use event, segment, genre or lapsed.").format(kind=kind))
    name = (name or "").strip()
    if not name:
        raise UserError(_("Give the audience a name with --name, e.g. --name \"Jazz fans for March\"."))
    if any(not (c.isprintable() or unicodedata.category(c) == "Zs") for c in name):
        # A terminal escape or a NUL in a name reached every terminal that listed the audiences.
        raise UserError(_("The audience name holds a line break or a control character; write it on one line, "
                          "e.g. --name \"Jazz fans for March\"."))
    if len(name) > NAME_LENGTH:
        # The dashboard's form and the API take no more; a longer one would fill every listing.
        raise UserError(_("The audience name is {length} characters long; give at most {most}, e.g. --name \"Jazz fans for "
                          "March\".").format(length=number(len(name), current_language()),
                                             most=number(NAME_LENGTH, current_language())))
    _check_member(warehouse, member_id)
    service.require_data(warehouse)
    people, definition = _people(warehouse, member_id, kind, params)
    own_keys = _own_keys(warehouse, member_id)
    audience_id = "aud_" + uuid.uuid4().hex[:12]
    with warehouse.transaction() as con:
        con.execute("INSERT INTO audience VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                    [audience_id, member_id, name, kind, json.dumps(definition, sort_keys=True), _now(), actor or default_actor()])
        if people:
            con.executemany("INSERT INTO audience_member VALUES (?, ?, ?, ?)",
                            [[audience_id, key, score, key in own_keys] for key, score in people])
    summary = audience_summary(warehouse, member_id, audience_id, actor=actor)
    with warehouse.transaction() as con:
        con.execute("UPDATE audience SET gated_size = ?, audit_seq = ? WHERE audience_id = ?",
                    [summary["size"], summary["audit_id"], audience_id])
    return summary


def _venue_places(warehouse: Warehouse, member_id: str) -> tuple[list[str], str | None]:
    """The areas near the member's venues, and their country when most of its venues lie outside
    Canada (``FR-750``); a Canadian member's country is None (it reads Québec's regions after the
    areas near its venues: ``H2`` for ``H2X 1Y4``)."""
    rows = warehouse.query(
        f"""SELECT {facts.NEAR.format(a='v')} AS near, {facts.REGION.format(a='v')} AS region, count(*) AS events
            FROM (SELECT upper(venue_fsa) AS v FROM event WHERE member_id = ? AND venue_fsa IS NOT NULL AND venue_fsa <> '')
            GROUP BY ALL""", [member_id])
    abroad = [r for r in rows if len(r["region"]) == 2]
    if sum(r["events"] for r in abroad) * 2 <= sum(r["events"] for r in rows):
        return sorted({r["near"] for r in rows if len(r["region"]) == 1}), None
    countries: Counter[str] = Counter()
    for r in abroad:
        countries[r["region"]] += r["events"]
    return sorted({r["near"] for r in abroad}), max(sorted(countries), key=countries.__getitem__)


def _profile_tables(warehouse: Warehouse, member_id: str, audience_id: str | None, kind: str,
                    listed: tuple[list[str], list[bool]] | None = None, *, newcomers: bool = False) -> list[CountTable]:
    """The profile's count tables of a saved audience, or of ``listed`` (keys, own flags)."""
    own_only = kind in OWN_KINDS
    # An audience of own patrons is profiled over the member's period, as it was built.
    period = _period_params(warehouse, member_id if own_only else None)
    year = period["as_of"].year
    near, country = _venue_places(warehouse, member_id)
    people: dict[str, Any] = {"audience": audience_id} if listed is None else {"keys": listed[0], "own": listed[1]}
    source = SAVED_PEOPLE if listed is None else LISTED_PEOPLE
    profiled = (OWN_PROFILED.replace("{source}", source) if own_only
                else POOLED_PROFILED.format(rule=_rule(), source=source))
    people["member"] = member_id
    if own_only:
        people["segment_order"] = list(SEGMENTS)
    sql = profiled + PROFILE.format(near=facts.NEAR.format(a="fsa"), region=facts.REGION.format(a="fsa"))
    rows = warehouse.query(sql, {
        **people, "young_from": year - 34, "middle_from": year - 54, "abroad": country is not None,
        "venue_near": near or [""], "venue_country": country or "",
        **{k: period[k] for k in ("period_mask", "late_mask", "recent_from")}})
    total = len(rows)

    def table(name: str, domain: tuple[str, ...]) -> CountTable:
        counts: dict[str, int] = {}
        for r in rows:
            counts[r[name]] = counts.get(r[name], 0) + 1
        return CountTable(name, (name,), [{name: v, COUNT: n} for v, n in counts.items()], 1,
                          [(v,) for v in domain], partition_total=total)

    dimensions = [table("age_band", AGE_BANDS), table("area", AREAS if country is None else AREAS_ABROAD),
                  table("segment", SEGMENTS)]
    # A segment or lapsed audience is the member's own patrons only, a newcomers' audience nobody
    # of them: "own vs new" says nothing (and its empty "own" would hide "new" by difference).
    return dimensions if kind in OWN_KINDS or newcomers else [table("ownership", OWNERSHIP), *dimensions]


def _shown(table: GatedTable, k: int) -> list[dict[str, Any]]:
    """The table's rows as the member reads them: the count; "< k" for a hidden group when the total
    itself was hidden (every group is then under k); else ``HIDDEN``, never "< k" of a group that may
    be large."""
    small = f"< {k}" if table.total is None else HIDDEN
    key = table.keys[0]
    order = {code: n for n, code in enumerate(_PROFILE_ORDER.get(key, ()))}
    rows = sorted(table.rows, key=lambda r: (order.get(r[key], len(order)), str(r[key])))
    return [{key: r[key], "patrons": r[COUNT], "shown": small if r["suppressed"] else str(r[COUNT])} for r in rows]


def _audience_row(warehouse: Warehouse, member_id: str, audience_id: str) -> dict[str, Any]:
    rows = warehouse.query("SELECT * FROM audience WHERE audience_id = ? AND member_id = ?", [audience_id, member_id])
    if not rows:
        # The same sentence whether the audience does not exist or belongs to another member.
        raise UserError(_("Member {member} has no audience {audience}; choose one of its saved audiences.").format(
            member=member_id, audience=audience_id))
    return rows[0]


def audience_summary(warehouse: Warehouse, member_id: str, audience_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """Gated size and profile of one of the member's audiences (an audited release)."""
    members = _check_member(warehouse, member_id)
    row = _audience_row(warehouse, member_id, audience_id)
    newcomers = bool(json.loads(row["definition"] or "{}").get("newcomers"))
    tables = _profile_tables(warehouse, member_id, audience_id, row["kind"], newcomers=newcomers)
    gate = PrivacyGate(warehouse)
    # The gate remembers the question by the audience's definition, not its id: saving the same
    # definition again after one person changed (a record planted, a consent withdrawn) shows the
    # figures shown before, as a report asked again does.
    release = gate.release(member_id=member_id, report="audience", actor=actor or default_actor(),
                           params={"audience": audience_id, "kind": row["kind"]}, tables=tables,
                           members_touched=members, data_version=service.data_version_of(warehouse),
                           question={"kind": row["kind"], "definition": json.loads(row["definition"] or "{}")})
    k = release.k
    size = release.tables["age_band"].total
    return {
        "audience_id": audience_id, "member_id": member_id, "name": row["name"], "kind": row["kind"],
        "definition": json.loads(row["definition"]), "created_at": row["created_at"].isoformat(timespec="seconds"),
        "created_by": row["created_by"], "k": k, "size": size, "size_shown": f"< {k}" if size is None else str(size),
        "profile": {name: _shown(t, k) for name, t in release.tables.items()},
        "audit_id": release.audit_seq, "release": release.action,
    }


def list_audiences(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    """The member's saved audiences with their gated sizes (as released at build)."""
    _check_member(warehouse, member_id)
    k = PrivacyGate(warehouse).policy.min_patrons
    rows = warehouse.query("SELECT audience_id, name, kind, definition, created_at, created_by, gated_size FROM audience "
                           "WHERE member_id = ? ORDER BY created_at, audience_id", [member_id])
    return [{"audience_id": r["audience_id"], "name": r["name"], "kind": r["kind"], "definition": json.loads(r["definition"]),
             "created_at": r["created_at"].isoformat(timespec="seconds"), "created_by": r["created_by"],
             "size": r["gated_size"], "size_shown": f"< {k}" if r["gated_size"] is None else str(r["gated_size"])}
            for r in rows]


def audience_patron_keys(warehouse: Warehouse, audience_id: str) -> list[str]:
    """The people of an audience, for the campaign sender only: never return this to a member."""
    return [r["patron_key"] for r in warehouse.query(
        "SELECT patron_key FROM audience_member WHERE audience_id = ? ORDER BY score DESC NULLS LAST, patron_key", [audience_id])]
