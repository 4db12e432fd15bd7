"""Does an audience list find the people who come? Measured on the cooperative's recent past.

Before sending a campaign to "the 500 people most likely to come", a marketing manager asks how
good that list is. On the held-out fit of ``reco.holdout`` (the newest fifth of past events set
aside as if upcoming, a model of the older ones), each held-out event's audience is ranked over
every sampled person exactly as an upcoming event's is (``service.score_people``), and we count
where the people who actually came stand in that ranking:

- the **gains curve**: the share of those who came found among the most likely x % of the
  cooperative's people (a list drawn at random finds x %);
- the **member's own list**: what the usual campaign does, writing to everyone who came to the
  same member before. Its share of those who came, against the model's list of the same length,
  and the share of *newcomers* (people who had never been to that member) the model's list finds,
  whom an own list never holds.

Cooperative-wide model quality over at least ``holdout.MIN_PEOPLE`` attendances, no figure about
one member's patrons: shown to every member as the trade-off is. Kept in memory per trained
model and data version (``Warehouse.kept``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from culturecoop.i18n import _
from culturecoop.reco import service
from culturecoop.reco.attendance import profiles
from culturecoop.reco.holdout import MIN_PEOPLE, HeldOut, held_out
from culturecoop.warehouse.engine import Warehouse

SHARES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
HEADLINE = 0.05  # the share the page's sentence is about: a list of one person in twenty
MAX_EVENTS = 200  # a sample of held-out events is enough for a curve, and keeps it to seconds
MIN_ATTENDEES = 10  # an event with fewer of the sampled people at it says nothing of its ranking
MIN_EVENTS = 10


def audience_gains(warehouse: Warehouse) -> dict[str, Any]:
    """``{"available": True, "events", "attendances", "curve", "headline", "own_list"}`` or
    ``{"available": False, "reason"}`` when the data cannot support the measure."""
    return service.stored_per_model(warehouse, "reco_gains", lambda: _measure(warehouse))


def _unavailable(reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason}


def _measure(warehouse: Warehouse) -> dict[str, Any]:
    fit = held_out(warehouse)
    if fit == "events":
        return _unavailable(_("Too few past events to measure how well an audience list finds the people who come."))
    if isinstance(fit, str):
        return _unavailable(_("Too few people came to both older and recent events to measure how well an audience list finds the people who come."))
    return measure_gains(fit)


def measure_gains(fit: HeldOut) -> dict[str, Any]:
    """The gains of the held-out events' audiences (see the module's doc)."""
    model, train = fit.model, fit.train
    people = train.shape[0]
    attendees = np.asarray(fit.test.getnnz(axis=0)).ravel()
    events = np.flatnonzero(attendees >= MIN_ATTENDEES)
    if len(events) > MAX_EVENTS:
        events = np.sort(np.random.default_rng(7).choice(events, MAX_EVENTS, replace=False))
    if len(events) < MIN_EVENTS or int(attendees[events].sum()) < MIN_PEOPLE:
        return _unavailable(_("Too few recent events drew enough people to measure how well an audience list finds the people who come."))
    profile = profiles(train, fit.x_train)
    factors = model.people_factors(train, fit.x_train, taste=False) or None
    directions = service.history_directions(profile) if model.similarity_weight > 0 else None
    came_by_event = fit.test.tocsc()
    came_before: dict[str, np.ndarray] = {}  # by member: who came to its older events
    headline_size = math.ceil(HEADLINE * people)
    positions: list[np.ndarray] = []
    total = own_found = model_found = newcomers = newcomers_found = newcomers_headline = 0
    own_reach = 0.0
    for j in events.tolist():
        member = str(fit.test_members[j])
        if member not in came_before:
            came_before[member] = np.asarray(train[:, np.flatnonzero(fit.train_members == member)].getnnz(axis=1)).ravel() > 0
        own = came_before[member]
        scores = service.score_people(model, fit.x_train, profile, factors, directions, fit.x_test[j])
        rank = np.empty(people, dtype=np.int64)
        rank[np.argsort(-scores, kind="stable")] = np.arange(1, people + 1)
        came = came_by_event.indices[came_by_event.indptr[j]:came_by_event.indptr[j + 1]]
        positions.append(rank[came] / people)
        listed = int(own.sum())
        total += len(came)
        own_found += int(own[came].sum())
        model_found += int((rank[came] <= listed).sum())
        new = came[~own[came]]
        newcomers += len(new)
        newcomers_found += int((rank[new] <= listed).sum())
        newcomers_headline += int((rank[new] <= headline_size).sum())
        own_reach += listed / people
    where = np.concatenate(positions)
    curve = [{"share": share, "found": float((where <= share).mean()) if share > 0 else 0.0} for share in SHARES]
    found = float((where <= HEADLINE).mean())
    return {
        "available": True, "events": len(events), "attendances": total,
        "curve": curve,
        "headline": {"share": HEADLINE, "found": found, "lift": found / HEADLINE,
                     "newcomers_found": newcomers_headline / newcomers if newcomers else None},
        "own_list": {"reach": own_reach / len(events), "found": own_found / total, "model_found": model_found / total,
                     "newcomers": newcomers / total, "newcomers_found": newcomers_found / newcomers if newcomers else None},
    }
