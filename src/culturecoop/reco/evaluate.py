"""``reco evaluate``: the cold-start protocol on any interaction log, models against baselines.

Two splits, both cold-start (the test items never appear in training):

- **temporal** (``cutoff``): items first available after the cutoff form the test catalogue; the
  model sees only interactions before the cutoff and the items' features; a test user has an
  interaction before the cutoff and one on a test item after it, and ranks every test item.
  Every statistic a model learns (vocabulary, number bands, popularity) comes from the training
  interactions and items: nothing after the cutoff leaks in.
- **item** (``test_items``): the listed items and all their interactions are held out; a test
  user has a training interaction and one on a held-out item, and ranks every held-out item.

Every model of the same run ranks the same users over the same items; the JSON has one entry
per model with the same fields.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from culturecoop.errors import UserError
from culturecoop.i18n import _, plural
from culturecoop.reco import baselines
from culturecoop.reco.attendance import exposure_weights
from culturecoop.reco.committee import RANKING_SHARE, HybridCommittee
from culturecoop.reco.diversity import item_similarity, mmr, standardize
from culturecoop.reco.features import (
    FeatureEncoder,
    fit_encoder,
    looks_co_interacted,
    looks_like_outcome,
    looks_like_rank,
)
from culturecoop.reco.log_arrays import InteractionLog, ItemTable
from culturecoop.reco.logs import keep_items, read_interactions, read_item_list, read_items
from culturecoop.reco.metrics import TieKeys, auc_values, list_metrics, tie_keys, top_k, untied
from culturecoop.reco.model import CoAttendanceModel
from culturecoop.reco.rerank import (
    DEFAULT_DIVERSITY,
    FLOOR_SHARE,
    FloorCandidates,
    RerankSettings,
    exposure_floor,
    last_values,
    rerank,
)

GENRE_COLUMNS = ("genres", "genre", "categories", "category", "tags", "type")
# Yes/no columns that are genres written one column each, when no column is named for genres.
ONE_HOT_GENRES = 3
FLAG_COLUMNS = {"local": ("is_local", "local"), "francophone": ("language", "lang", "event_language")}
FRENCH = frozenset({"fr", "french", "français", "francais", "bilingual", "bilingue"})
CURVE = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
# Test users × test items scored at once (``evaluate``): 16 MB of scores per model and batch.
BATCH_CELLS = 2_000_000
# Ranked lists longer than this measure nothing a member would show (and take hours to score).
MAX_K = 1000


@dataclass
class Split:
    """Training interactions and the cold-start test: users × test items relevance."""

    mode: str
    train: sp.csr_matrix  # users × train items
    train_items: np.ndarray  # indices into the item table
    test_items: np.ndarray
    test_users: np.ndarray  # rows of ``train``
    relevant: sp.csr_matrix  # test users × test items
    cutoff: str | None = None


# Below this share of its time open, an older item's interactions span too little of it: the
# log's items close once past (events), and their counts need no weighing (``_exposure``).
OPEN_SPAN = 0.5


# Told of each stage of a run, for a reader waiting on a large log: ``(stage, done, total)`` with
# stage "read", "split", "train:<model>" (a model's fit begins; a committee also tells as each of its
# ``total`` parts begins, ``done`` of them fitted), "score" (``done`` of ``total`` test users scored)
# or "metrics".
Progress = Callable[[str, int, int], None]


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None


def _item_time(log: InteractionLog, items: ItemTable) -> np.ndarray:
    """First availability of every item: the column when given, else its first interaction."""
    first = np.full(len(items.ids), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, log.item, log.time)
    if items.first_available is not None:
        given = items.first_available
        first = np.where(given != np.iinfo(np.int64).min, given, first)
    return first


def _exposure(log: InteractionLog, item_time: np.ndarray, split: Split) -> np.ndarray | None:
    """How long each training item was open to training interactions: from its first availability
    (or the log's first interaction, if later) to the end of training (the cutoff; the log's last
    interaction in the item protocol).

    None for a log without times, and for a log whose items close: films and books keep drawing
    interactions long after they appear, events stop when they take place (their past sales are
    complete, and a recently announced one has sold all it will). Told apart by the older half of
    the items: when their interactions typically span less than ``OPEN_SPAN`` of their time open,
    the items close and their counts need no weighing."""
    if len(log.time) == 0 or log.time.min() == log.time.max():
        return None
    start = int(log.time.min())
    end = int(datetime.fromisoformat(split.cutoff).timestamp()) if split.cutoff else int(log.time.max())
    column = np.full(len(log.item_ids), -1)
    column[split.train_items] = np.arange(len(split.train_items))
    rows = (column[log.item] >= 0) & (log.time <= end)
    last = np.full(len(split.train_items), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, column[log.item[rows]], log.time[rows])
    opened = np.maximum(item_time, start)
    exposure = np.asarray(end - opened, dtype=np.float64)
    older = (exposure >= np.median(exposure)) & (exposure > 0) & (last > np.iinfo(np.int64).min)
    if not older.any():
        return None
    span = float(np.median((last[older] - opened[older]) / exposure[older]))
    return exposure if span >= OPEN_SPAN else None


def temporal_split(log: InteractionLog, items: ItemTable, cutoff: int) -> Split:
    first = _item_time(log, items)
    is_test = first > cutoff
    before = log.time <= cutoff
    # An interaction before an item's announced availability is noise: it never trains.
    train_rows = before & ~is_test[log.item]
    test_rows = ~before & is_test[log.item]
    return _assemble("temporal", log, items, is_test, train_rows, test_rows,
                     datetime.fromtimestamp(cutoff, UTC).isoformat(), _span(log, cutoff))


def _day(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def _span(log: InteractionLog, cutoff: int) -> tuple[str, str, str]:
    """The cutoff and the log's first and last day, to say where a cutoff that leaves a side empty
    could go instead; the cutoff with its time when the log spans a single day."""
    first, last = int(log.time.min()), int(log.time.max())
    if _day(first) == _day(last):
        return (datetime.fromtimestamp(cutoff, UTC).isoformat(timespec="seconds"),
                datetime.fromtimestamp(first, UTC).isoformat(timespec="seconds"),
                datetime.fromtimestamp(last, UTC).isoformat(timespec="seconds"))
    return _day(cutoff), _day(first), _day(last)


def item_split(log: InteractionLog, items: ItemTable, held_out: np.ndarray) -> Split:
    is_test = np.zeros(len(items.ids), dtype=bool)
    is_test[held_out] = True
    return _assemble("item", log, items, is_test, ~is_test[log.item], is_test[log.item], None)


def _assemble(mode: str, log: InteractionLog, items: ItemTable, is_test: np.ndarray,
              train_rows: np.ndarray, test_rows: np.ndarray, cutoff: str | None,
              span: tuple[str, str, str] | None = None) -> Split:
    train_items = np.flatnonzero(~is_test)
    test_items = np.flatnonzero(is_test & (np.bincount(log.item[test_rows], minlength=len(is_test)) > 0))
    if span is not None and span[1] == span[2] and (len(train_items) == 0 or not train_rows.any() or len(test_items) < 2):
        raise UserError(_("Every interaction of the log is at the same moment ({moment}), so no cutoff splits it in time; hold out items with --test-items instead.").format(
            moment=span[1]))
    if len(train_items) == 0 or not train_rows.any():
        if span is not None:
            raise UserError(_("No interaction is left for training before the cutoff {cutoff}: the log runs from {first} to {last}; choose a later --cutoff between these days.").format(
                cutoff=span[0], first=span[1], last=span[2]))
        raise UserError(_("No interaction is left for training: the --test-items hold out every item of the log that has one; hold out fewer items."))
    if len(test_items) < 2:
        if span is not None:
            raise UserError(_("Fewer than two items first available after the cutoff {cutoff} have interactions after it (the log runs from {first} to {last}); choose an earlier --cutoff between these days.").format(
                cutoff=span[0], first=span[1], last=span[2]))
        raise UserError(_("Fewer than two of the --test-items have interactions in the log; list more --test-items."))
    train_col = np.full(len(is_test), -1)
    train_col[train_items] = np.arange(len(train_items))
    test_col = np.full(len(is_test), -1)
    test_col[test_items] = np.arange(len(test_items))
    n_users = len(log.users)
    train = sp.csr_matrix((np.ones(int(train_rows.sum())), (log.user[train_rows], train_col[log.item[train_rows]])),
                          shape=(n_users, len(train_items)))
    keep = test_rows & (test_col[log.item] >= 0)
    test = sp.csr_matrix((np.ones(int(keep.sum())), (log.user[keep], test_col[log.item[keep]])),
                         shape=(n_users, len(test_items)))
    train.data[:] = 1.0
    test.data[:] = 1.0
    users = np.flatnonzero((train.getnnz(axis=1) > 0) & (test.getnnz(axis=1) > 0))
    if len(users) == 0:
        raise UserError(_("No user has both a training interaction and a test interaction with this split; choose another --cutoff or other --test-items."))
    return Split(mode, train, train_items, test_items, users, binary_rows(test, users), cutoff)


def binary_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix[rows])
    out.data[:] = 1.0
    return out


def _pick_column(items: ItemTable, names: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in items.columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _genre_features(items: ItemTable, encoder: FeatureEncoder) -> np.ndarray:
    """The features the genre baselines use: a genre column's (``genres``, ``category``…); else,
    when genres come as yes/no columns (MovieLens 100k's ``u.item``: ``Action``, ``Comedy``…, at
    least ``ONE_HOT_GENRES`` of them besides the local and language flags), their "yes"; else the
    column of lists with the fewest labels; else every feature."""
    genre = _pick_column(items, GENRE_COLUMNS)
    chosen = encoder.column_of(genre) if genre else np.zeros(0, dtype=np.int64)
    if len(chosen) == 0:
        own = {c.lower() for c in FLAG_COLUMNS["local"] + FLAG_COLUMNS["francophone"]}
        flags = [c.name for c in encoder.columns if c.kind == "flag" and c.name.lower() not in own]
        if len(flags) >= ONE_HOT_GENRES:
            chosen = np.array(sorted(encoder.vocabulary[(f, "yes")] for f in flags if (f, "yes") in encoder.vocabulary),
                              dtype=np.int64)
    if len(chosen) == 0:
        # No column named for genres (a file without headers: MovieLens 1M's movies.dat): the
        # column of lists with the fewest labels, as genres are a few labels in many combinations.
        lists = [encoder.column_of(c.name) for c in encoder.columns if c.kind == "labels"
                 and any(c.separator in str(v or "") for v in items.columns.get(c.name, []))]
        lists = [found for found in lists if len(found) >= 2]
        chosen = min(lists, key=len) if lists else chosen
    return chosen if len(chosen) else np.arange(encoder.size)


def item_flags(items: ItemTable, rows: np.ndarray) -> dict[str, np.ndarray]:
    """``local`` and ``francophone`` flags of items, when the table has such columns."""
    flags: dict[str, np.ndarray] = {}
    local = _pick_column(items, FLAG_COLUMNS["local"])
    if local:
        values = [str(items.columns[local][i] or "").strip().lower() for i in rows]
        flags["local"] = np.array([v in {"true", "1", "yes", "y", "oui", "vrai", "t"} for v in values])
    language = _pick_column(items, FLAG_COLUMNS["francophone"])
    if language:
        values = [str(items.columns[language][i] or "").strip().lower() for i in rows]
        flags["francophone"] = np.array([bool(set(v.split("|")) & FRENCH) for v in values])
    return flags


def _raw(items: ItemTable, rows: np.ndarray) -> dict[str, list[str | None]]:
    return {name: [values[i] for i in rows] for name, values in items.columns.items()}


def evaluate(log: InteractionLog, items: ItemTable, split: Split, k: int, *,
             with_lightfm: bool = True, settings: RerankSettings | None = None,
             batch_cells: int = BATCH_CELLS, progress: Progress | None = None) -> dict[str, Any]:
    """Every model on ``split``: one entry per model, plus the discoverability trade-off.

    When the log's items stay open to interactions (films, books: ``_exposure``), the hybrid weighs
    each training item's attendances by how long it has been open (``attendance.exposure_weights``).

    Each model is fitted once, then scores the test users batch by batch (about ``batch_cells``
    users × test items at a time): only the top-k lists are kept, so memory does not grow with
    users × test items, and the figures are the same whatever the batch size. ``progress`` hears of
    each stage (``Progress``)."""
    started = time.perf_counter()
    tell = progress or _silent
    settings = settings or RerankSettings()
    train_raw, test_raw = _raw(items, split.train_items), _raw(items, split.test_items)
    encoder = fit_encoder(train_raw, len(split.train_items))
    x_train = encoder.encode(train_raw, len(split.train_items))
    x_test = encoder.encode(test_raw, len(split.test_items))
    genre_idx = _genre_features(items, encoder)
    g_train, g_test = x_train[:, genre_idx], x_test[:, genre_idx]
    train, users, relevant = split.train, split.test_users, split.relevant
    n_test = len(split.test_items)
    item_time = _item_time(log, items)[split.train_items]
    exposure = _exposure(log, item_time, split)
    popularity = (np.asarray(relevant.sum(axis=0)).ravel() + 1) / (relevant.sum() + n_test)
    flags = item_flags(items, split.test_items)
    # Tied scores are ranked by a key of the user's and the item's ids, not in the file's order.
    user_keys, item_keys = tie_keys(log.users[users]), tie_keys(items.ids[split.test_items])
    rng = np.random.default_rng(11)

    # Each model fitted once: a function from a batch of test users (rows of ``train``) to scores.
    scorers: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    seconds: dict[str, float] = {}

    def fitted(name: str, fit: Callable[[], Callable[[np.ndarray], np.ndarray] | None]) -> None:
        tell(f"train:{name}", 0, 0)
        t0 = time.perf_counter()
        scorer = fit()
        seconds[name] = time.perf_counter() - t0
        if scorer is not None:
            scorers[name] = scorer

    fitted("random", lambda: lambda rows: rng.random((len(rows), n_test)))
    by_genre = baselines.genre_popularity(train, g_train, g_test)
    fitted("genre_popularity", lambda: lambda rows: np.tile(by_genre, (len(rows), 1)))
    fitted("content_knn", lambda: lambda rows: baselines.content_knn(train[rows], g_train, g_test))
    # Items held out at random (item protocol): a committee whose blends are also chosen on random
    # quarters; upcoming items (temporal protocol): the cooperative's own single hybrid.
    hybrid: CoAttendanceModel | HybridCommittee = (
        HybridCommittee() if split.mode == "item" else CoAttendanceModel())

    def fit_hybrid() -> Callable[[np.ndarray], np.ndarray]:
        if isinstance(hybrid, HybridCommittee):
            hybrid.fit(train, x_train, item_time, exposure, step=lambda done, parts: tell("train:hybrid", done, parts))
        else:
            hybrid.fit(train, x_train, item_time, exposure)
        score = hybrid.scorer(x_train, x_test)
        return lambda rows: score(train[rows])
    fitted("hybrid", fit_hybrid)
    if with_lightfm:
        fitted("lightfm", lambda: baselines.lightfm_scorer(train, x_train, x_test))

    ranked: dict[str, list[np.ndarray]] = {name: [] for name in scorers}
    aucs: dict[str, list[np.ndarray]] = {name: [] for name in scorers}
    reranked: list[Reranked] = []
    floor_parts: list[FloorCandidates] = []
    hybrid_last: list[np.ndarray] = []
    t0 = time.perf_counter()
    similarity = item_similarity(x_test)
    rerank_seconds = time.perf_counter() - t0
    per_batch = max(1, batch_cells // max(n_test, 1))
    for first in range(0, len(users), per_batch):
        tell("score", first, len(users))
        rows = users[first:first + per_batch]
        for name, scorer in scorers.items():
            t0 = time.perf_counter()
            scores = scorer(rows)
            seconds[name] += time.perf_counter() - t0
            # The committee serves its lists at the diversity its members chose on their folds.
            diversity = hybrid.diversity if name == "hybrid" and isinstance(hybrid, HybridCommittee) else 0.0
            ties = TieKeys(user_keys[first:first + per_batch], item_keys)
            if split.mode == "item":
                aucs[name].append(auc_values(scores, relevant[first:first + per_batch]))
            if name == "hybrid":
                # Its lists are built greedily too (diversity, the re-ranking, the floor): ties broken
                # per user there as top_k breaks them, never the same for everyone.
                scores = untied(scores, ties)
            ranked[name].append(mmr(scores, x_test, diversity, k, similarity) if diversity > 0 else top_k(scores, k, ties))
            if name == "hybrid":
                t0 = time.perf_counter()
                z = standardize(scores)
                floor_parts.append(FloorCandidates.of(z))
                hybrid_last.append(last_values(z, ranked[name][-1]))
                reranked.append(rerank_lists(scores, x_test, flags, settings, k, similarity, z, diversity))
                rerank_seconds += time.perf_counter() - t0

    tell("metrics", len(users), len(users))
    # The hybrid's lists as the cooperative serves them: with the exposure floor (rerank.py).
    candidates = FloorCandidates.stack(floor_parts)
    unfloored = np.vstack(ranked["hybrid"])
    before = list_metrics(unfloored, relevant, k, popularity=popularity, features=x_test, flags=flags)
    floored, changed = exposure_floor(unfloored, np.concatenate(hybrid_last), candidates, n_test)
    ranked["hybrid"] = [floored]

    results: dict[str, Any] = {}
    for name in scorers:
        entry = list_metrics(np.vstack(ranked[name]), relevant, k, popularity=popularity, features=x_test, flags=flags)
        if split.mode == "item":
            values = np.concatenate(aucs[name])
            entry["auc"] = round(float(values.mean()) if len(values) else 0.0, 6)
        entry["seconds"] = round(seconds[name], 3)
        results[name] = entry
    results["hybrid"]["exposure_floor"] = {"share": FLOOR_SHARE, "lists_changed": changed,
                                           "ndcg_before": before["ndcg"]["mean"], "coverage_before": before["coverage"]}
    results["als"] = {"applicable": False, "reason": _("Every test item is cold (no interaction in training): implicit ALS cannot score an item it has never seen.")}
    if with_lightfm and "lightfm" not in scorers:
        results["lightfm"] = {"applicable": False, "reason": _("LightFM is not installed; install the bench extra (`pip install 'culturecoop[bench]'`) to measure it.")}

    t0 = time.perf_counter()
    discover = discoverability_metrics(floored, Reranked.stack(reranked).floored(candidates, n_test, flags, settings.boost),
                                       relevant, k,
                                       popularity, x_test, flags, settings)
    results["hybrid_discoverability"] = {**discover["default"], "seconds": round(rerank_seconds + time.perf_counter() - t0, 3)}
    return {
        "protocol": split.mode, "cutoff": split.cutoff, "k": k,
        "train": {"users": int((train.getnnz(axis=1) > 0).sum()), "items": len(split.train_items), "interactions": int(train.nnz)},
        "test": {"users": len(users), "items": n_test, "interactions": int(relevant.nnz)},
        "features": encoder.size, "feature_columns": {c.name: c.kind for c in encoder.columns},
        "hybrid": _choices(hybrid),
        "exposure_weighted": exposure_weights(exposure) is not None,
        "models": results,
        "tradeoff": discover["curve"],
        "discoverability": discover["summary"],
        "seconds": round(time.perf_counter() - started, 2),
    }


def _choices(hybrid: CoAttendanceModel | HybridCommittee) -> dict[str, Any]:
    """What the hybrid chose on its held-out quarter (a committee: its newest-quarter member's, and
    every member's under ``members``)."""
    def one(m: CoAttendanceModel) -> dict[str, Any]:
        return {"similarity_weight": m.similarity_weight, "collaborative_weight": m.collaborative_weight,
                "neighbour_weight": m.neighbour_weight, "neighbours": m.neighbours, "discount": m.discount,
                "draw_weight": m.draw_weight, "taste_weight": m.taste_weight,
                "taste_ridge": m.taste.ridge if m.taste is not None else None, "taste_draw": m.taste_draw, "breadth": m.breadth,
                "diversity": m.diversity}
    if isinstance(hybrid, HybridCommittee):
        return {**one(hybrid.members[0]), "diversity": hybrid.diversity, "ranking_share": RANKING_SHARE,
                "members": [one(m) for m in hybrid.members]}
    return one(hybrid)


@dataclass
class Reranked:
    """The re-ranked top-k lists of a batch of people: one per diversity of ``CURVE``, and the
    settings' own; with the standardized score of each list's last item (for the exposure floor)."""

    curve: list[np.ndarray]
    default: np.ndarray
    curve_last: list[np.ndarray]
    default_last: np.ndarray

    @staticmethod
    def stack(batches: list[Reranked]) -> Reranked:
        def rows(pick: Any) -> np.ndarray:
            return np.concatenate([pick(b) for b in batches])
        return Reranked([rows(lambda b, n=n: b.curve[n]) for n in range(len(CURVE))], rows(lambda b: b.default),
                        [rows(lambda b, n=n: b.curve_last[n]) for n in range(len(CURVE))], rows(lambda b: b.default_last))

    def floored(self, candidates: FloorCandidates, n_items: int, flags: dict[str, np.ndarray], boost: float) -> Reranked:
        """Every list set with the exposure floor, the local / francophone floors kept."""
        def one(ranked: np.ndarray, last: np.ndarray) -> np.ndarray:
            return exposure_floor(ranked, last, candidates, n_items, flags=flags, boost=boost)[0]
        return Reranked([one(r, last) for r, last in zip(self.curve, self.curve_last, strict=True)],
                        one(self.default, self.default_last), self.curve_last, self.default_last)


def rerank_lists(scores: np.ndarray, features: sp.csr_matrix, flags: dict[str, np.ndarray],
                 settings: RerankSettings, k: int, similarity: np.ndarray | None = None,
                 standardized: np.ndarray | None = None, own_diversity: float = 0.0) -> Reranked:
    """Each person's list at every point of the trade-off curve and at the settings
    (``similarity``: the items' ``item_similarity``, computed once for every batch;
    ``standardized``: the scores' ``model.standardize``, when already computed;
    ``own_diversity``: the diversity the model's own lists already have — the knob never makes a
    list less diverse than the model serves it)."""
    if similarity is None:
        similarity = item_similarity(features)
    z = standardize(scores) if standardized is None else standardized
    curve = [rerank(scores, features, flags, RerankSettings(diversity=max(d, own_diversity), boost=settings.boost), k,
                    similarity=similarity) for d in CURVE]
    default = rerank(scores, features, flags, RerankSettings(diversity=max(settings.diversity, own_diversity),
                                                             boost=settings.boost), k, similarity=similarity)
    return Reranked(curve, default, [last_values(z, r) for r in curve], last_values(z, default))


def discoverability(scores: np.ndarray, relevant: sp.csr_matrix, k: int, popularity: np.ndarray,
                    features: sp.csr_matrix, flags: dict[str, np.ndarray],
                    settings: RerankSettings | None = None) -> dict[str, Any]:
    """The accuracy–diversity trade-off of the re-ranking, and the default setting's metrics."""
    settings = settings or RerankSettings()
    z = standardize(scores)
    candidates = FloorCandidates.of(z)
    top = top_k(scores, k)
    base = exposure_floor(top, last_values(z, top), candidates, scores.shape[1])[0]
    lists = rerank_lists(scores, features, flags, settings, k, standardized=z).floored(candidates, scores.shape[1], flags,
                                                                                   settings.boost)
    return discoverability_metrics(base, lists, relevant, k,
                                   popularity, features, flags, settings)


def discoverability_metrics(base_ranked: np.ndarray, lists: Reranked, relevant: sp.csr_matrix, k: int,
                            popularity: np.ndarray, features: sp.csr_matrix, flags: dict[str, np.ndarray],
                            settings: RerankSettings) -> dict[str, Any]:
    """The trade-off curve and the settings' metrics, from the model's own top-k lists
    (``base_ranked``) and the re-ranked ones."""
    base = list_metrics(base_ranked, relevant, k, popularity=popularity, features=features, flags=flags)
    curve = []
    for diversity, ranked in zip(CURVE, lists.curve, strict=True):
        m = list_metrics(ranked, relevant, k, popularity=popularity, features=features, flags=flags)
        curve.append({"diversity": diversity, "ndcg": m["ndcg"]["mean"], "coverage": m["coverage"],
                      "diversity_within_lists": m["diversity"],
                      **{f"{f}_share": m[f"{f}_share"] for f in flags}})
    default = list_metrics(lists.default, relevant, k, popularity=popularity, features=features, flags=flags)
    loss = 1 - default["ndcg"]["mean"] / base["ndcg"]["mean"] if base["ndcg"]["mean"] else 0.0
    summary: dict[str, Any] = {"diversity": settings.diversity, "boost": settings.boost,
                               "ndcg_loss": round(loss, 6)}
    for f in flags:
        summary[f"{f}_share"] = default[f"{f}_share"]
        summary[f"{f}_catalogue_share"] = default[f"{f}_catalogue_share"]
        summary[f"{f}_gain_points"] = round(100 * (default[f"{f}_share"] - default[f"{f}_catalogue_share"]), 2)
    return {"curve": curve, "default": default, "summary": summary}


def run(interactions: Path, items_path: Path | None, *, cutoff: str | None, test_items: Path | None,
        k: int, with_lightfm: bool = True, diversity: float = DEFAULT_DIVERSITY,
        progress: Progress | None = None) -> dict[str, Any]:
    """``reco evaluate`` from files: read, split, evaluate (``progress``: see ``Progress``)."""
    if (cutoff is None) == (test_items is None):
        raise UserError(_("Give either --cutoff DATE (temporal cold-start) or --test-items FILE (item cold-start), not both and not neither."))
    if not 1 <= k <= MAX_K:
        raise UserError(_("--k must be a whole number from 1 to {most}, e.g. --k 10; got {k}.").format(most=MAX_K, k=k))
    tell = progress or _silent
    tell("read", 0, 0)
    log = read_interactions(interactions, timed=cutoff is not None)
    items = read_items(items_path, log)
    # The table's rows that no interaction names are no training items: only the test catalogue
    # keeps such items (first available after the cutoff; listed in --test-items).
    logged = np.bincount(log.item, minlength=len(items.ids)) > 0
    tell("split", 0, 0)
    if cutoff is not None:
        moment = parse_cutoff(cutoff)
        upcoming = items.first_available > moment if items.first_available is not None else np.zeros_like(logged)
        items, _renumbered = keep_items(log, items, logged | upcoming)
        split = temporal_split(log, items, moment)
    else:
        assert test_items is not None
        held = read_item_list(test_items, items)
        listed = np.zeros_like(logged)
        listed[held] = True
        items, renumbered = keep_items(log, items, logged | listed)
        split = item_split(log, items, renumbered[held])
    report = evaluate(log, items, split, k, with_lightfm=with_lightfm, settings=RerankSettings(diversity=diversity),
                      progress=progress)
    report["interactions"] = str(interactions)
    report["columns"] = log.columns
    report["items"] = str(items_path) if items_path else None
    report["item_table"] = {**items.summary, "columns_left_out": items.ignored} if items_path else None
    # Columns read but no feature are listed with what they are, as a link is.
    report["feature_columns"] = {**items.ignored, **report["feature_columns"]}
    report["warnings"] = [*items.notes, *outcome_warnings(report["feature_columns"])]
    if not report["features"]:
        # CiaoDVD's log alone: every model ranked the new items alike (nDCG 0.0059 each), a "win" by nothing.
        report["warnings"].append(_("No item has a feature (no --items, or an item table of ids alone): to every model the new items look alike, so the comparison tells nothing about cold start. Give --items FILE with item_id and what describes each item (genres, year, artists…)."))
    return report


def outcome_warnings(feature_columns: dict[str, str]) -> list[str]:
    """A sentence when numeric item columns look like aggregates of the interactions (``n_ratings``,
    ``vote_count``, ``average_rating``, ``stars``, ``listeners``, ``playcount``…:
    ``features.looks_like_outcome``): computed over the whole log, they tell every model what
    happens after the cutoff or on the held-out items. They are used as given (every column given
    is a feature); the reader decides. A rank by popularity (``rank``, ``salesRank``, a chart's
    position: ``features.looks_like_rank``) is said too, number or text ("1,234 in Books")."""
    suspects = [name for name, kind in feature_columns.items()
                if (kind == "number" and looks_like_outcome(name)) or (kind in ("number", "labels", "text") and looks_like_rank(name))]
    lists = [name for name, kind in feature_columns.items() if kind != "number" and looks_co_interacted(name)]
    said = [plural(len(lists),
                   "The item table's column {columns} lists the items bought or viewed with each one: computed from the same purchases as the log, it tells every model what happens on the held-out items or after the cutoff, a leak of the test period. It is used as given (every column is a feature); leave it out of --items for an honest measure.",
                   "The item table's columns {columns} list the items bought or viewed with each one: computed from the same purchases as the log, they tell every model what happens on the held-out items or after the cutoff, a leak of the test period. They are used as given (every column is a feature); leave them out of --items for an honest measure.").format(
        columns=", ".join(lists))] if lists else []
    if not suspects:
        return said
    return [*said, plural(len(suspects),
                   "The item table's column {columns} looks like a count or an average of the interactions themselves: computed over the whole log, it tells every model what happens after the cutoff or on the held-out items, a leak of the test period. It is used as given (every column is a feature); leave it out of --items for an honest measure.",
                   "The item table's columns {columns} look like counts or averages of the interactions themselves: computed over the whole log, they tell every model what happens after the cutoff or on the held-out items, a leak of the test period. They are used as given (every column is a feature); leave them out of --items for an honest measure.").format(
        columns=", ".join(suspects))]


def parse_cutoff(value: str) -> int:
    """A cutoff date or time (ISO 8601) or Unix seconds, as Unix seconds (UTC)."""
    from culturecoop.reco.log_times import parse_time

    if not value.strip():
        raise UserError(_("--cutoff is empty; give the day the test begins, as YYYY-MM-DD, e.g. --cutoff 1998-01-01."))
    seconds = parse_time(value)
    if seconds is None:
        raise UserError(_("--cutoff {value} is not a date; write it as YYYY-MM-DD (or an ISO 8601 time, or Unix seconds).").format(value=value))
    return seconds


def run_synth(folder: Path, k: int, *, with_lightfm: bool = True, diversity: float = DEFAULT_DIVERSITY,
              progress: Progress | None = None) -> dict[str, Any]:
    """``reco evaluate --synth DIR``: the temporal protocol on ``synth``'s truth log, the
    upcoming season (announced after the period) being the cold-start test catalogue."""
    from culturecoop.jsontext import parse

    truth_path = folder / "truth.json"
    if not truth_path.is_file():
        raise UserError(_("{folder} holds no truth.json; give the folder written by `culturecoop synth --out DIR`.").format(folder=folder))
    try:
        truth = parse(truth_path.read_bytes())
        signals = truth.get("signals", {}) if isinstance(truth, dict) else None
        taste = signals.get("taste") if isinstance(signals, dict) else None
    except ValueError:
        raise UserError(_("{path} is not valid JSON; regenerate it with `culturecoop synth`.").format(path=truth_path)) from None
    if not isinstance(taste, dict) or not taste.get("reco_interactions") or not isinstance(taste.get("reco_cutoff"), str):
        raise UserError(_("{folder} was written by an older culturecoop synth without a taste structure; generate it again with `culturecoop synth`.").format(folder=folder))
    report = run(folder / "reco" / "interactions.csv", folder / "reco" / "items.csv", cutoff=taste["reco_cutoff"],
                 test_items=None, k=k, with_lightfm=with_lightfm, diversity=diversity, progress=progress)
    report["synth"] = str(folder)
    return report
