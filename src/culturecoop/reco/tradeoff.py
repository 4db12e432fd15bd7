"""The accuracy–diversity trade-off of the discoverability knob, measured on the cooperative's own data.

A member choosing how much discovery to ask for needs to see what it costs here, not on a public
data set: on the held-out fit of ``reco.holdout`` (the newest fifth of past events standing for
the upcoming season, a model of the older ones), every knob setting of ``evaluate.CURVE`` re-ranks the held-out events
for the people who attended both (``evaluate.discoverability``). The result is cooperative-wide
model quality (nDCG, shares of local and francophone events, coverage) over at least
``holdout.MIN_PEOPLE`` people — no count of people, nothing about one member's patrons — and is kept in
memory per model, knob setting and data version (``Warehouse.kept``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from culturecoop.i18n import _
from culturecoop.reco import service
from culturecoop.reco.evaluate import FRENCH, binary_rows, discoverability
from culturecoop.reco.holdout import K, held_out
from culturecoop.reco.rerank import RerankSettings
from culturecoop.warehouse.engine import Warehouse

MAX_PEOPLE = 3000  # a sample is enough for a curve, and keeps the first view to seconds


def tradeoff(warehouse: Warehouse, settings: RerankSettings | None = None) -> dict[str, Any]:
    """``{"available": True, "k", "curve", "summary", "people", "events"}`` or
    ``{"available": False, "reason"}`` when the data cannot support a curve."""
    chosen = settings or service.current_settings(warehouse)
    # Kept per model and data version rather than remembered per commit: saving an audience is
    # a commit, and the curve (seconds to measure) does not depend on audiences.
    return service.stored_per_model(warehouse, "reco_tradeoff", lambda: _measure(warehouse, chosen), chosen.diversity, chosen.boost)


def _unavailable(reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason}


def _measure(warehouse: Warehouse, settings: RerankSettings) -> dict[str, Any]:
    fit = held_out(warehouse)
    if fit == "events":
        return _unavailable(_("Too few past events to measure the trade-off on your cooperative's data."))
    if isinstance(fit, str):
        return _unavailable(_("Too few people attended both older and recent events to measure the trade-off on your cooperative's data."))
    users = np.flatnonzero((fit.train.getnnz(axis=1) > 0) & (fit.test.getnnz(axis=1) > 0))
    if len(users) > MAX_PEOPLE:
        users = np.sort(np.random.default_rng(7).choice(users, MAX_PEOPLE, replace=False))
    scores = fit.model.score(fit.train, fit.x_train, fit.x_test, users)
    relevant = binary_rows(fit.test, users)
    n_events = fit.x_test.shape[0]
    popularity = (np.asarray(relevant.sum(axis=0)).ravel() + 1) / (relevant.sum() + n_events)
    flags = {"local": np.array([v == "true" for v in fit.test_raw["is_local"]]),
             "francophone": np.array([str(v or "").lower() in FRENCH for v in fit.test_raw["language"]])}
    measured = discoverability(scores, relevant, K, popularity, fit.x_test, flags, settings)
    return {"available": True, "k": K, "curve": measured["curve"], "summary": measured["summary"],
            "people": len(users), "events": n_events}
