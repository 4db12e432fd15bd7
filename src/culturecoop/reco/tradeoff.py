"""The accuracy–diversity trade-off of the discoverability knob, measured on the cooperative's own data.

A member choosing how much discovery to ask for needs to see what it costs here, not on a public
data set: the newest fifth of past events (by start) is held out as if it were the upcoming
season, a model is fitted on the attendances at the older events only (pooled rows, as in
``service.train``), and every knob setting of ``evaluate.CURVE`` re-ranks the held-out events
for the people who attended both (``evaluate.discoverability``). The result is cooperative-wide
model quality (nDCG, shares of local and francophone events, coverage) over at least
``MIN_PEOPLE`` people — no count of people, nothing about one member's patrons — and is kept in
memory per model, knob setting and data version (``Warehouse.kept``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.reco import data, service
from culturecoop.reco.evaluate import FRENCH, binary_rows, discoverability
from culturecoop.reco.features import fit_encoder
from culturecoop.reco.model import CoAttendanceModel
from culturecoop.reco.rerank import RerankSettings
from culturecoop.warehouse.engine import Warehouse

K = 10
HELD_OUT = 0.2  # newest share of past events standing for the upcoming season
MIN_PEOPLE = 100  # fewer test people than this and the curve is noise
MAX_PEOPLE = 3000  # a sample is enough for a curve, and keeps the first view to seconds
MAX_TRAINING_PEOPLE = 20_000  # the backtest's model learns from a sample: seconds, not the full training's minutes
MIN_EVENTS = 2 * K


def tradeoff(warehouse: Warehouse, settings: RerankSettings | None = None) -> dict[str, Any]:
    """``{"available": True, "k", "curve", "summary", "people", "events"}`` or
    ``{"available": False, "reason"}`` when the data cannot support a curve."""
    trained = service.latest_model(warehouse)
    chosen = settings or service.current_settings(warehouse)
    # Kept per model and data version rather than remembered per commit: saving an audience is
    # a commit, and the curve (seconds to measure) does not depend on audiences.
    key = (trained.model_id, service.data_version_of(warehouse), chosen.diversity, chosen.boost)
    kept = warehouse.kept("reco_tradeoff")
    with warehouse.serialized("reco_tradeoff"):
        if key not in kept:
            kept.clear()
            kept[key] = _measure(warehouse, chosen)
        found: dict[str, Any] = kept[key]
    return found


def warm_tradeoff(warehouse: Warehouse) -> None:
    """Measure the curve ahead of the first reader (the server's warm-up); nothing when no model
    is trained yet. Releases nothing and writes nothing."""
    try:
        tradeoff(warehouse)
    except UserError:
        return


def _unavailable(reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason}


def _measure(warehouse: Warehouse, settings: RerankSettings) -> dict[str, Any]:
    day = service.require_data(warehouse)
    past = data.events(warehouse, data.PAST_EVENTS, day)
    history, _people = data.pooled_history(warehouse, day, past.n)
    starts = np.array([e["starts_at"].timestamp() if e.get("starts_at") else 0.0 for e in past.extra], dtype=np.float64)
    dated = starts > 0
    if dated.sum() < 2 * MIN_EVENTS:
        return _unavailable(_("Too few past events to measure the trade-off on your cooperative's data."))
    cutoff = float(np.quantile(starts[dated], 1 - HELD_OUT))
    test_items = np.flatnonzero(starts > cutoff)
    train_items = np.flatnonzero(dated & (starts <= cutoff))
    rng = np.random.default_rng(7)
    people = np.flatnonzero(history[:, train_items].getnnz(axis=1) > 0)
    if len(people) > MAX_TRAINING_PEOPLE:
        people = np.sort(rng.choice(people, MAX_TRAINING_PEOPLE, replace=False))
    train = history[people][:, train_items].tocsr()
    test = history[people][:, test_items].tocsr()
    users = np.flatnonzero((train.getnnz(axis=1) > 0) & (test.getnnz(axis=1) > 0))
    if len(users) < MIN_PEOPLE or len(test_items) < MIN_EVENTS:
        return _unavailable(_("Too few people attended both older and recent events to measure the trade-off on your cooperative's data."))
    if len(users) > MAX_PEOPLE:
        users = np.sort(rng.choice(users, MAX_PEOPLE, replace=False))
    train_raw = {c: [v[i] for i in train_items] for c, v in past.columns.items()}
    test_raw = {c: [v[i] for i in test_items] for c, v in past.columns.items()}
    encoder = fit_encoder(train_raw, len(train_items))
    x_train = encoder.encode(train_raw, len(train_items))
    x_test = encoder.encode(test_raw, len(test_items))
    model = CoAttendanceModel().fit(train, x_train, starts[train_items].astype(np.int64))
    scores = model.score(train, x_train, x_test, users)
    relevant = binary_rows(test, users)
    popularity = (np.asarray(relevant.sum(axis=0)).ravel() + 1) / (relevant.sum() + len(test_items))
    flags = {"local": np.array([v == "true" for v in test_raw["is_local"]]),
             "francophone": np.array([str(v or "").lower() in FRENCH for v in test_raw["language"]])}
    measured = discoverability(scores, relevant, K, popularity, x_test, flags, settings)
    return {"available": True, "k": K, "curve": measured["curve"], "summary": measured["summary"],
            "people": len(users), "events": len(test_items)}
