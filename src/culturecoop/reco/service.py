"""The recommendation service: training at the cooperative, scoring upcoming events.

- ``train``: the hybrid model (``reco.model``) on pooled histories and past events' content;
  only aggregate parameters are stored (``reco_model``): no person's row, so nothing to erase
  from a model and no retraining when a person withdraws.
- ``scoring_state``: profiles and factors of the people who may receive recommendations,
  computed from the *current* data and kept in memory until the data changes (a consent
  withdrawal is a data change: the person is gone from the next scoring).
- ``event_scores`` / ``score_people``: every eligible person's score for one event (targeting;
  ``reco.gains`` ranks its held-out events with the same function).
- ``patron_events`` / ``patron_lists``: a member's own consented patrons → their likely next events,
  from the member's own history of them only (never what they did elsewhere), and what the lists
  are like (``served_lists``: shares, coverage, Gini, novelty, diversity).
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp

from culturecoop.analytics.service import refresh
from culturecoop.errors import UserError
from culturecoop.i18n import _, general
from culturecoop.reco import data
from culturecoop.reco.attendance import profiles
from culturecoop.reco.diversity import standardize
from culturecoop.reco.features import Column, FeatureEncoder, fit_encoder
from culturecoop.reco.metrics import gini, intra_list_diversity
from culturecoop.reco.model import CoAttendanceModel
from culturecoop.reco.rerank import DEFAULT_BOOST, DEFAULT_DIVERSITY, RerankSettings
from culturecoop.reco.taste import Taste
from culturecoop.warehouse.engine import Warehouse

T = TypeVar("T")


@dataclass
class TrainedModel:
    model_id: str
    trained_at: datetime
    data_version: str
    encoder: FeatureEncoder
    model: CoAttendanceModel
    event_keys: list[tuple[str, str]]  # past events, in the training matrix's column order
    features: sp.csr_matrix  # past events × features
    summary: dict[str, Any]


def kept_per_model(warehouse: Warehouse, name: str, compute: Callable[[], T], *extra: Hashable) -> T:
    """``compute()``, kept in memory under ``name`` for ``extra`` (a member, a setting…) until the
    trained model or the data version changes, when every entry of ``name`` is forgotten: answers
    that take seconds and change only with them."""
    return _kept(warehouse, name, lambda _base: compute(), extra)


def _kept(warehouse: Warehouse, name: str, compute: Callable[[tuple[str, str]], T], extra: tuple[Hashable, ...]) -> T:
    """``kept_per_model``'s memory; ``compute`` is given the (model, data version) it is kept for."""
    base = (latest_model(warehouse).model_id, data_version_of(warehouse))
    kept = warehouse.kept(name)
    with warehouse.serialized(name):
        if kept.get("base") != base:
            kept.clear()
            kept["base"] = base
        if extra not in kept:
            kept[extra] = compute(base)
        found: T = kept[extra]
    return found


def stored_per_model(warehouse: Warehouse, name: str, compute: Callable[[], dict[str, Any]], *extra: Hashable) -> dict[str, Any]:
    """``kept_per_model``, and kept in the warehouse as well (``reco_measure``): a measure that takes
    seconds is made once per model and data version, not again after the dashboard restarts or by
    the command line. ``compute()`` returns JSON-able aggregates; the answer is always their JSON
    reading, the first time as after a restart. A read-only warehouse measures without keeping."""

    def read_or_measure(base: tuple[str, str]) -> dict[str, Any]:
        model_id, version = base
        variant = json.dumps(list(extra), default=_plain)
        key = [model_id, version, name, variant]
        found = warehouse.con.execute("SELECT value FROM reco_measure WHERE model_id = ? AND data_version = ? AND name = ? "
                                      "AND variant = ?", key).fetchall()
        if found:
            value: dict[str, Any] = json.loads(found[0][0])
            return value
        text = json.dumps(compute(), default=_plain)
        if not warehouse.read_only:
            # Bookkeeping: no remembered read depends on a measure; older models' and data's go.
            with warehouse.transaction(bookkeeping=True) as con:
                con.execute("DELETE FROM reco_measure WHERE name = ? AND (model_id <> ? OR data_version <> ?)",
                            [name, model_id, version])
                con.execute("INSERT INTO reco_measure VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            [*key, text, _now()])
        measured: dict[str, Any] = json.loads(text)
        return measured

    return _kept(warehouse, name, read_or_measure, extra)


def _plain(value: Any) -> Any:
    """A NumPy number or array as JSON writes a Python one."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    if isinstance(value, frozenset | set):  # tuples JSON writes as lists itself
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def data_version_of(warehouse: Warehouse) -> str:
    from culturecoop.analytics.facts import data_version
    from culturecoop.warehouse.sql_engine import DuckDBEngine

    return data_version(DuckDBEngine(warehouse))


def require_data(warehouse: Warehouse) -> Any:
    refresh(warehouse)
    if not warehouse.scalar("SELECT count(*) FROM identity"):
        raise UserError(_("No patron is linked across members yet, so there is no pooled history to learn from: run `culturecoop link --db FILE` first."))
    day = data.as_of(warehouse)
    if day is None:
        raise UserError(_("The warehouse holds no ticket yet; load packages with `culturecoop ingest` first."))
    return day


def train(warehouse: Warehouse) -> dict[str, Any]:
    """Train on the pooled data and store the model; returns its summary."""
    started = time.perf_counter()
    day = require_data(warehouse)
    past = data.events(warehouse, data.PAST_EVENTS, day)
    history, _people = data.pooled_history(warehouse, day, past.n)
    if history.nnz == 0:
        raise UserError(_("No pooled attendance to learn from (nobody who agreed to pooling is linked); check consents and run `culturecoop link`."))
    encoder = fit_encoder(past.columns, past.n)
    features = encoder.encode(past.columns, past.n)
    # Folds by start time, as in evaluation: the newest fold stands for the upcoming season.
    starts = np.array([e["starts_at"].timestamp() if e.get("starts_at") else 0 for e in past.extra], dtype=np.int64)
    model = CoAttendanceModel().fit(history, features, starts)
    seconds = time.perf_counter() - started
    summary = {"people": int(history.shape[0]), "events": past.n, "interactions": int(history.nnz),
               "features": encoder.size, "similarity_weight": model.similarity_weight,
               "collaborative_weight": model.collaborative_weight, "neighbour_weight": model.neighbour_weight,
               "neighbours": model.neighbours, "discount": model.discount, "draw_weight": model.draw_weight,
               "taste_weight": model.taste_weight, "seconds": round(seconds, 2),
               "as_of": str(day)}
    # Prefixed as audiences' and campaigns' ids are: twelve hex digits are all decimal digits once in
    # three hundred, and « Modèle 196449447757 entraîné » reads as a count.
    trained = TrainedModel("mdl_" + uuid.uuid4().hex[:12], _now(), data_version_of(warehouse), encoder, model, past.keys, features, summary)
    with warehouse.transaction(bookkeeping=True) as con:
        con.execute("INSERT INTO reco_model VALUES (?, ?, ?, ?, ?)",
                    [trained.model_id, trained.trained_at, trained.data_version, json.dumps(summary), _pack(trained)])
    return {"model_id": trained.model_id, **summary}


def _pack(trained: TrainedModel) -> bytes:
    m, x = trained.model, trained.features
    meta = {"columns": [[c.name, c.kind, c.edges, c.separator, c.source] for c in trained.encoder.columns],
            "vocabulary": [[c, t, i] for (c, t), i in trained.encoder.vocabulary.items()],
            "event_keys": trained.event_keys, "summary": trained.summary,
            "similarity_weight": m.similarity_weight, "collaborative_weight": m.collaborative_weight,
            "neighbour_weight": m.neighbour_weight, "neighbours": m.neighbours, "shrink": m.shrink, "discount": m.discount,
            "factors": m.factors, "taste_weight": m.taste_weight}
    if m.taste is not None:
        meta |= {"taste_scale": m.taste.scale, "taste_ridge": m.taste.ridge, "taste_draw": m.taste.draw}
    buffer = io.BytesIO()
    arrays: dict[str, Any] = {"meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                              "weight": m.weight, "x_data": x.data, "x_indices": x.indices,
                              "x_indptr": x.indptr, "x_shape": np.array(x.shape)}
    if m.factor_map is not None:
        arrays["factor_map"] = m.factor_map
    if m.item_factors is not None:
        arrays["item_factors"] = m.item_factors
    if m.item_confidence is not None:
        arrays["item_confidence"] = m.item_confidence
    if m.taste is not None:
        arrays |= {"taste_base": m.taste.base, "taste_mean": m.taste.mean, "taste_basis": m.taste.basis,
                   "taste_spread": m.taste.spread}
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _unpack(model_id: str, trained_at: datetime, version: str, blob: bytes) -> TrainedModel:
    arrays = np.load(io.BytesIO(blob), allow_pickle=False)
    meta = json.loads(bytes(arrays["meta"]).decode())
    # Models stored before list separators were detected have three fields per column ("|").
    encoder = FeatureEncoder([Column(c[0], c[1], list(c[2]), *c[3:]) for c in meta["columns"]],
                             {(c, t): int(i) for c, t, i in meta["vocabulary"]})
    model = CoAttendanceModel(factors=int(meta["factors"]))
    model.weight = arrays["weight"]
    model.similarity_weight = float(meta["similarity_weight"])
    model.collaborative_weight = float(meta["collaborative_weight"])
    model.factor_map = arrays.get("factor_map", None)
    # Models stored before the neighbour term and the shrinking have neither (weight 0, power 0).
    model.neighbour_weight = float(meta.get("neighbour_weight", 0.0))
    model.neighbours = int(meta.get("neighbours", model.neighbours))
    model.shrink = float(meta.get("shrink", 0.0))
    model.discount = float(meta.get("discount", 0.0))
    model.item_factors = arrays.get("item_factors", None)
    # Models stored before the popularity discount weigh every attendance the same.
    model.item_confidence = arrays.get("item_confidence", None)
    # Models stored before the taste term have none (weight 0).
    model.taste_weight = float(meta.get("taste_weight", 0.0))
    if "taste_base" in arrays:
        model.taste = Taste(arrays["taste_base"], arrays["taste_mean"], arrays["taste_basis"], arrays["taste_spread"],
                            float(meta["taste_scale"]), float(meta["taste_ridge"]), float(meta["taste_draw"]))
    x = sp.csr_matrix((arrays["x_data"], arrays["x_indices"], arrays["x_indptr"]), shape=tuple(arrays["x_shape"]))
    keys = [(str(a), str(b)) for a, b in meta["event_keys"]]
    return TrainedModel(model_id, trained_at, version, encoder, model, keys, x, meta["summary"])


def latest_model(warehouse: Warehouse) -> TrainedModel:
    """The newest trained model (kept in memory until the data changes)."""
    def read() -> TrainedModel | None:
        warehouse.con.complete()
        rows = warehouse.con.execute(
            "SELECT model_id, trained_at, data_version, state FROM reco_model ORDER BY trained_at DESC LIMIT 1").fetchall()
        return _unpack(rows[0][0], rows[0][1], rows[0][2], bytes(rows[0][3])) if rows else None

    found = warehouse.remember(("reco", "model"), read)
    if found is None:
        raise UserError(_("No recommendation model is trained yet: run `culturecoop reco train --db FILE` first."))
    return found


@dataclass
class ScoringState:
    """Eligible people's profiles and factors under one model, for the current data."""

    model: TrainedModel
    people: np.ndarray  # person numbers (analytics_patron.person)
    patron_keys: np.ndarray
    history: sp.csr_matrix  # eligible people × past events
    profile: sp.csr_matrix
    factors: dict[str, np.ndarray] | None  # by collaborative term (``people_factors``)
    as_of: Any
    # The direction of each person's summed features (the own-history similarity term), made once.
    directions: sp.csr_matrix | None = None


def scoring_state(warehouse: Warehouse) -> ScoringState:
    """Kept until the data changes: a consent withdrawal (a data change) drops the person."""
    trained = latest_model(warehouse)

    def build() -> ScoringState:
        day = require_data(warehouse)
        index = {k: n for n, k in enumerate(trained.event_keys)}
        past = data.events(warehouse, data.PAST_EVENTS, day)
        columns = np.array([index.get(k, -1) for k in past.keys], dtype=np.int64)
        history, people = data.pooled_history(warehouse, day, past.n)
        eligible = warehouse.query(data.ELIGIBLE_PEOPLE)
        keys = {int(r["person"]): r["patron_key"] for r in eligible}
        rows = np.array([n for n, p in enumerate(people.tolist()) if p in keys], dtype=np.int64)
        # Columns of the model's training events (events added since training are left out).
        known = np.flatnonzero(columns >= 0)
        h = sp.csr_matrix(history[rows][:, known])
        remapped = sp.csr_matrix((h.data, columns[known][h.indices], h.indptr), shape=(len(rows), len(trained.event_keys)))
        remapped.sort_indices()
        kept_people = people[rows]
        profile = profiles(remapped, trained.features)
        # Without the taste term: see ``event_scores``.
        factors = trained.model.people_factors(remapped, trained.features, taste=False) or None
        return ScoringState(trained, kept_people, np.array([keys[int(p)] for p in kept_people.tolist()], dtype=object),
                            remapped, profile, factors, day)

    return warehouse.remember(("reco", "state", trained.model_id), build)


def upcoming(warehouse: Warehouse, member_id: str | None = None) -> data.EventTable:
    """Upcoming events (all members, or one member's)."""
    day = require_data(warehouse)
    table = data.events(warehouse, data.UPCOMING_EVENTS, day)
    if member_id is None:
        return table
    keep = [n for n, k in enumerate(table.keys) if k[0] == member_id]
    return data.EventTable([table.keys[n] for n in keep], {c: [v[n] for n in keep] for c, v in table.columns.items()},
                           [table.extra[n] for n in keep])


def event_features(state: ScoringState, events: data.EventTable) -> sp.csr_matrix:
    return state.model.encoder.encode(events.columns, events.n)


def find_upcoming(warehouse: Warehouse, member_id: str, event_id: str) -> tuple[data.EventTable, int]:
    """The member's upcoming events and the position of ``event_id`` among them."""
    table = upcoming(warehouse, member_id)
    for n, key in enumerate(table.keys):
        if key[1] == event_id:
            return table, n
    known = ", ".join(k[1] for k in table.keys[:8]) or _("none")
    raise UserError(_("Member {member} has no upcoming event {event}; load its programme (the Target audience tab, or `culturecoop reco programme`) (upcoming events: {known}).").format(
        member=member_id, event=event_id, known=known))


def event_scores(state: ScoringState, item: sp.csr_matrix) -> np.ndarray:
    """Every eligible person's score for one event (``score_people`` on the current data)."""
    if state.model.model.similarity_weight > 0 and state.directions is None:
        state.directions = history_directions(state.profile)
    return score_people(state.model.model, state.model.features, state.profile, state.factors, state.directions, item)


def history_directions(profile: sp.csr_matrix) -> sp.csr_matrix:
    """The direction of each person's summed features (a profile is their mean over the square
    root of their count: the same direction), for the own-history similarity term."""
    summed = sp.csr_matrix(profile[:, :-1])
    norms = np.sqrt(np.asarray(summed.multiply(summed).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)) @ summed)


def score_people(model: CoAttendanceModel, features: sp.csr_matrix, profile: sp.csr_matrix,
                 factors: dict[str, np.ndarray] | None, directions: sp.csr_matrix | None,
                 item: sp.csr_matrix) -> np.ndarray:
    """People's scores for one event: the model's predicted attendance (the co-attendance term in
    its own scale, plus the other terms' contributions). ``features``: the model's training events;
    ``profile``, ``factors`` and ``directions``: the people's, from their histories over them.

    The taste term is left out here: it ranks a person's events well, but across people its
    scores follow how far each person's weights are from the cooperative's, and the people with
    the most pronounced tastes crowd every audience. Measured on the synth cooperative of the
    tests: an audience of 500 held 91.4 % of an event's true attendees without it, 89.7 % with it
    (docs/reco.md)."""
    direction = np.asarray(model.weight @ item.toarray().ravel()).ravel()
    score = np.asarray(profile @ direction).ravel()
    if score.size == 0:
        return score  # nobody to score (no one consented): no spread to take, no NaN to hand on
    # Every other term is brought to the co-attendance term's spread over the people (the blend's
    # weights are between standardized terms).
    spread = float(score.std()) or 1.0
    if model.similarity_weight > 0:
        event = item.toarray().ravel()
        towards = directions if directions is not None else history_directions(profile)
        cosine = np.asarray(towards @ (event / max(float(np.linalg.norm(event)), 1e-12))).ravel()
        if cosine.std() > 0:
            score = score + model.similarity_weight * (spread / cosine.std()) * cosine
    if factors is not None:
        placed = model.placements(features, item)
        weights = {"linear": model.collaborative_weight, "neighbours": model.neighbour_weight}
        for term, people in factors.items():
            collab = people @ placed[term].ravel()
            scale = spread / collab.std() if collab.std() > 0 else 0.0
            score = score + weights[term] * scale * collab
    return score


def current_settings(warehouse: Warehouse) -> RerankSettings:
    rows = warehouse.query("SELECT diversity, boost FROM reco_settings WHERE settings_id = 'cooperative'")
    return RerankSettings(float(rows[0]["diversity"]), float(rows[0]["boost"])) if rows else RerankSettings()


def set_settings(warehouse: Warehouse, actor: str, diversity: float | None, boost: float | None) -> RerankSettings:
    """The cooperative admin's discoverability defaults."""
    now = current_settings(warehouse)
    diversity = now.diversity if diversity is None else diversity
    boost = now.boost if boost is None else boost
    if not 0 <= diversity <= 1:
        raise UserError(_("--diversity must be between 0 (the model's order) and 1; the default is {default}.").format(default=general(DEFAULT_DIVERSITY)))
    if not 0 <= boost <= 100:
        raise UserError(_("--boost is in percentage points between 0 and 100; the default is {default}.").format(default=general(DEFAULT_BOOST)))
    with warehouse.transaction() as con:
        con.execute("INSERT OR REPLACE INTO reco_settings VALUES ('cooperative', ?, ?, ?, ?)", [diversity, boost, _now(), actor])
    return RerankSettings(diversity, boost)


def patron_events(warehouse: Warehouse, member_id: str, *, k: int = 5, partners: tuple[str, ...] = (),
                  settings: RerankSettings | None = None) -> list[dict[str, Any]]:
    """Each of the member's own patrons who consented to personalization → their ``k`` likely
    next events (``patron_lists`` without its summary)."""
    return patron_lists(warehouse, member_id, k=k, partners=partners, settings=settings)[0]


def patron_lists(warehouse: Warehouse, member_id: str, *, k: int = 5, partners: tuple[str, ...] = (),
                 settings: RerankSettings | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each of the member's own patrons who consented to personalization → their ``k`` likely
    next events among the member's upcoming events and its accepted partners', and what the lists
    are like (``served_lists``).

    Rows carry the member's own ``member_patron_id`` (its own identifier, never another
    member's) and the event; profiles come from the member's own history of the patron only.
    """
    from culturecoop.reco.evaluate import FRENCH
    from culturecoop.reco.rerank import FloorCandidates, exposure_floor, last_values, rerank

    trained = latest_model(warehouse)
    day = require_data(warehouse)
    catalogue = upcoming(warehouse)
    keep = [n for n, key in enumerate(catalogue.keys) if key[0] == member_id or key[0] in partners]
    if not keep:
        raise UserError(_("Member {member} has no upcoming event to recommend; load its programme (the Target audience tab, or `culturecoop reco programme`).").format(member=member_id))
    events = data.EventTable([catalogue.keys[n] for n in keep], {c: [v[n] for n in keep] for c, v in catalogue.columns.items()},
                             [catalogue.extra[n] for n in keep])
    consented = warehouse.query(data.OWN_CONSENTED, {"member": member_id})
    if not consented:
        return [], {"patrons": 0}
    rids = np.array([r["rid"] for r in consented], dtype=np.int64)
    index = {key: n for n, key in enumerate(trained.event_keys)}
    past = data.events(warehouse, data.PAST_EVENTS, day)
    history = data.own_history(warehouse, member_id, day, rids, past.n)
    columns = np.array([index.get(key, -1) for key in past.keys], dtype=np.int64)
    known = np.flatnonzero(columns >= 0)
    h = sp.csr_matrix(history[:, known])
    own = sp.csr_matrix((h.data, columns[known][h.indices], h.indptr), shape=(len(rids), len(trained.event_keys)))
    items = trained.encoder.encode(events.columns, events.n)
    scores = trained.model.score(own, trained.features, items)
    flags = {"local": np.array([v == "true" for v in events.columns["is_local"]]),
             "francophone": np.array([str(v or "").lower() in FRENCH for v in events.columns["language"]])}
    settings = settings or current_settings(warehouse)
    z = standardize(scores)
    ranked = rerank(z, items, flags, settings, min(k, events.n))
    # Every upcoming event reaches at least the patrons it suits best (up to one list in five).
    ranked, _changed = exposure_floor(ranked, last_values(z, ranked), FloorCandidates.of(z), events.n,
                                      flags=flags, boost=settings.boost)
    out = []
    for row, record in enumerate(consented):
        for rank, item in enumerate(ranked[row].tolist(), start=1):
            out.append({"member_patron_id": record["member_patron_id"], "rank": rank,
                        "member_id": events.keys[item][0], "event_id": events.keys[item][1],
                        "title": events.extra[item]["title"], "starts_at": events.extra[item]["starts_at"]})
    seen = _genres_seen(history, past.columns["genres"])
    return out, served_lists(ranked, items, flags, np.array([key[0] for key in events.keys], dtype=object),
                             np.asarray(items @ trained.model.weight[-1]).ravel(), seen, events.columns["genres"])


def _genre_sets(values: list[str | None]) -> list[frozenset[str]]:
    return [frozenset(g for g in str(v or "").split("|") if g) for v in values]


def _genres_seen(history: sp.csr_matrix, genres: list[str | None]) -> list[frozenset[str]]:
    """The genres of the events each person of ``history`` (rows × past events) came to."""
    per_event = _genre_sets(genres)
    history = sp.csr_matrix(history)
    return [frozenset().union(*(per_event[j] for j in history.indices[history.indptr[r]:history.indptr[r + 1]]))
            for r in range(history.shape[0])]


def served_lists(ranked: np.ndarray, items: sp.csr_matrix, flags: dict[str, np.ndarray], owners: np.ndarray,
                 draw: np.ndarray, seen: list[frozenset[str]], genres: list[str | None]) -> dict[str, Any]:
    """What a set of served lists (people × k candidates) is like, as ``reco evaluate`` states it
    for a model's lists: local and francophone shares against the candidates', catalogue
    coverage, Gini of exposure across events and across members, novelty (mean −log2 of each
    event's expected share of attention, from its content: the model's draw, as a softmax over the
    candidates — an upcoming event has no sales to count), intra-list diversity, and the share of
    suggestions in a genre the person never came to (their own history here)."""
    people, k = ranked.shape
    if not people or not k:
        return {"patrons": int(people), "k": int(k)}
    exposure = np.bincount(ranked.ravel(), minlength=len(owners))
    expected = np.exp(draw - draw.max())
    expected /= expected.sum()
    members, owner = np.unique(owners, return_inverse=True)
    per_member = np.bincount(owner[ranked.ravel()], minlength=len(members))
    event_genres = _genre_sets(genres)
    new = [bool(event_genres[item]) and not event_genres[item] & seen[row]
           for row in range(people) for item in ranked[row].tolist()]
    out: dict[str, Any] = {
        "patrons": int(people), "k": int(k), "events": len(owners),
        "coverage": round(float((exposure > 0).mean()), 6),
        "gini_events": round(gini(exposure), 6),
        # Across members only when the lists hold several (a member's own and its partners').
        "gini_members": round(gini(per_member), 6) if len(members) > 1 else None,
        "novelty": round(float((-np.log2(np.clip(expected[ranked], 1e-12, None))).mean()), 6),
        "diversity": round(intra_list_diversity(ranked, items), 6),
        "new_genre_share": round(float(np.mean(new)), 6),
        "by_member": {str(m): int(n) for m, n in zip(members.tolist(), per_member.tolist(), strict=True)},
    }
    for name, flag in flags.items():
        out[f"{name}_share"] = round(float(flag[ranked].mean()), 6)
        out[f"{name}_catalogue_share"] = round(float(flag.mean()), 6)
    return out
