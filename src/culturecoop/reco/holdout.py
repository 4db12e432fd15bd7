"""The cooperative's recent past, held out as if it were upcoming: one model fitted on older events.

Two questions a member asks before trusting the Target audience tab are answered on the
cooperative's own data rather than on a public data set: what the discoverability knob costs
(``reco.tradeoff``) and whether an audience list finds the people who come (``reco.gains``).
Both need the same thing: the newest fifth of past events (by start) standing for the upcoming
season, and a model fitted on the attendances at the older events only (pooled rows, as in
``service.train``), over a sample of the people with a history then. That fit takes seconds on a
regional cooperative and about a minute at a million people (``benchmarks/reco.py``); it is kept in
memory per trained model and data version (``Warehouse.kept``), shared by both, and made at the
server's warm-up.

Nothing here leaves the cooperative: the callers publish model quality over at least
``MIN_PEOPLE`` people, never a count of one member's patrons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from culturecoop.reco import data, service
from culturecoop.reco.features import fit_encoder
from culturecoop.reco.model import CoAttendanceModel
from culturecoop.warehouse.engine import Warehouse

K = 10
HELD_OUT = 0.2  # newest share of past events standing for the upcoming season
MIN_PEOPLE = 100  # fewer test people than this and a measure is noise
MAX_TRAINING_PEOPLE = 20_000  # the backtest's model learns from a sample: seconds, not the full training's minutes
MIN_EVENTS = 2 * K


@dataclass
class HeldOut:
    """A model of the older events and what happened at the newer ones, over sampled people."""

    model: CoAttendanceModel
    train: sp.csr_matrix  # people × older events (their history at the cutoff)
    test: sp.csr_matrix  # people × held-out events (who came)
    x_train: sp.csr_matrix  # older events × features
    x_test: sp.csr_matrix  # held-out events × features
    test_raw: dict[str, list[str | None]]  # held-out events' content columns, as read
    train_members: np.ndarray  # the member of each older event
    test_members: np.ndarray  # the member of each held-out event


def held_out(warehouse: Warehouse) -> HeldOut | str:
    """The held-out fit for the current model and data, or why the data cannot support one:
    ``"events"`` (too few past events) or ``"people"`` (too few people came to both older and
    newer ones); each caller says it in its own words."""
    return service.kept_per_model(warehouse, "reco_held_out", lambda: _fit(warehouse))


def _fit(warehouse: Warehouse) -> HeldOut | str:
    day = service.require_data(warehouse)
    past = data.events(warehouse, data.PAST_EVENTS, day)
    history, _people = data.pooled_history(warehouse, day, past.n)
    starts = np.array([e["starts_at"].timestamp() if e.get("starts_at") else 0.0 for e in past.extra], dtype=np.float64)
    dated = starts > 0
    if dated.sum() < 2 * MIN_EVENTS:
        return "events"
    cutoff = float(np.quantile(starts[dated], 1 - HELD_OUT))
    test_items = np.flatnonzero(starts > cutoff)
    train_items = np.flatnonzero(dated & (starts <= cutoff))
    if len(test_items) < MIN_EVENTS:
        return "events"
    rng = np.random.default_rng(7)
    people = np.flatnonzero(history[:, train_items].getnnz(axis=1) > 0)
    if len(people) > MAX_TRAINING_PEOPLE:
        people = np.sort(rng.choice(people, MAX_TRAINING_PEOPLE, replace=False))
    train = history[people][:, train_items].tocsr()
    test = history[people][:, test_items].tocsr()
    if int(((train.getnnz(axis=1) > 0) & (test.getnnz(axis=1) > 0)).sum()) < MIN_PEOPLE:
        return "people"
    train_raw = {c: [v[i] for i in train_items] for c, v in past.columns.items()}
    test_raw = {c: [v[i] for i in test_items] for c, v in past.columns.items()}
    encoder = fit_encoder(train_raw, len(train_items))
    x_train = encoder.encode(train_raw, len(train_items))
    x_test = encoder.encode(test_raw, len(test_items))
    model = CoAttendanceModel().fit(train, x_train, starts[train_items].astype(np.int64))
    members = np.array([k[0] for k in past.keys], dtype=object)
    return HeldOut(model, train, test, x_train, x_test, test_raw, members[train_items], members[test_items])
