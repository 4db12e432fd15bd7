"""The planted taste structure: which of a member's events each person chooses, with known truth.

Every person belongs to one of ``CLUSTERS`` taste groups. A group likes a few genres of the
taxonomy (a Dirichlet draw), leans towards or away from local headliners and from dear
tickets; a person's taste is the group's plus a little of their own. A francophone person
prefers shows in French, an anglophone one shows in English. When a person attends one of a
member's events, the event is drawn with probability proportional to

    popularity(event) · exp(STRENGTH · affinity(person, event))

where the affinity adds the person's taste for the event's genres (mean over its genres), for a
local headliner, for the show's language and for its price band. So content predicts attendance
beyond popularity — what a cold-start model must find — and ``truth.json`` says how (the groups'
genres and weights), while the attendances at the upcoming events (``reco/`` files) are the
ground truth of who comes to a show nobody has bought for yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from culturecoop.schema.taxonomy import GENRES
from culturecoop.synth.events import Events, genre_of_label

CLUSTERS = 8
STRENGTH = 1.6
GENRE_CONCENTRATION = 0.35  # Dirichlet: small = each group likes few genres
OWN_SHARE = 0.25  # weight of a person's own taste against the group's
LANGUAGE_TASTE = 0.8
# Draws are made in chunks so that memory stays bounded for millions of attendances.
CHUNK = 200_000
_GENRE_INDEX = {g: i for i, g in enumerate(GENRES)}


@dataclass
class Tastes:
    """Each person's taste (float32 to keep millions of people small)."""

    cluster: np.ndarray  # int8 group of each person
    genre: np.ndarray  # (people, genres) log-preference
    local: np.ndarray  # preference for a local headliner
    price: np.ndarray  # preference for dear tickets (negative: for cheap ones)
    english: np.ndarray  # bool: prefers English shows
    group_genres: np.ndarray  # (CLUSTERS, genres) the groups' genre shares

    def to_json(self) -> dict[str, Any]:
        top = [[GENRES[g] for g in np.argsort(-row)[:3].tolist()] for row in self.group_genres]
        return {
            "clusters": CLUSTERS, "strength": STRENGTH, "language_taste": LANGUAGE_TASTE,
            "own_share": OWN_SHARE,
            "group_top_genres": top,
            "group_sizes": np.bincount(self.cluster, minlength=CLUSTERS).tolist(),
            "definition": "P(event | person attends the member) ∝ popularity · exp(strength · "
                          "(mean genre log-preference + local taste · is_local + language match · "
                          "language_taste + price taste · standardized price))",
        }


def draw_tastes(rng: np.random.Generator, n: int, english: np.ndarray) -> Tastes:
    groups = rng.dirichlet(np.full(len(GENRES), GENRE_CONCENTRATION), size=CLUSTERS)
    group_local = rng.normal(0.0, 0.7, CLUSTERS)
    group_price = rng.normal(0.0, 0.5, CLUSTERS)
    cluster = rng.integers(0, CLUSTERS, n).astype(np.int8)
    own = rng.dirichlet(np.full(len(GENRES), 0.5), size=n).astype(np.float32)
    shares = (1 - OWN_SHARE) * groups[cluster].astype(np.float32) + OWN_SHARE * own
    genre = np.log(shares + 0.01).astype(np.float32)
    local = (group_local[cluster] + rng.normal(0.0, 0.3, n)).astype(np.float32)
    price = (group_price[cluster] + rng.normal(0.0, 0.3, n)).astype(np.float32)
    return Tastes(cluster, genre, local, price, english.astype(bool), groups)


def _event_genres(events: Events) -> np.ndarray:
    """(events, genres) weights: each event's taxonomy genres, summing to 1."""
    out = np.zeros((events.n, len(GENRES)), dtype=np.float32)
    for e, labels in enumerate(events.labels):
        genres = {_GENRE_INDEX[genre_of_label(label)] for label in labels}
        for g in genres:
            out[e, g] = 1.0 / len(genres)
    return out


def choose_events(rng: np.random.Generator, tastes: Tastes, person: np.ndarray, events: Events) -> np.ndarray:
    """One event for each attendance of ``person`` (person indices), drawn by taste.

    Events are grouped by what the affinity reads (genres, local, language, price band); a
    group is drawn by Gumbel-max over popularity × taste, then an event within it by popularity.
    """
    genres = _event_genres(events)
    price = events.price_cents.astype(float)
    band = np.clip(((price - price.mean()) / (price.std() or 1.0)).round(), -2, 2)
    signature = np.c_[genres, events.is_local.astype(np.float32),
                      (events.language == "fr").astype(np.float32),
                      (events.language == "en").astype(np.float32), band]
    groups, group_of = np.unique(signature, axis=0, return_inverse=True)
    group_of = group_of.ravel()
    popularity = events.popularity.astype(float)
    group_pop = np.bincount(group_of, weights=popularity, minlength=len(groups))
    log_pop = np.log(np.maximum(group_pop, 1e-12))
    g_genre = groups[:, : len(GENRES)].T  # genres × groups
    g_local, g_fr, g_en, g_band = (groups[:, len(GENRES) + i] for i in range(4))
    # Within a group, events by popularity: one cumulative sum per group, concatenated.
    order = np.argsort(group_of, kind="stable")
    cum = np.cumsum(popularity[order])
    starts = np.searchsorted(group_of[order], np.arange(len(groups)))
    ends = np.r_[starts[1:], len(order)]
    base = np.r_[0.0, cum][starts]
    chosen = np.empty(len(person), dtype=np.int64)
    for lo in range(0, len(person), CHUNK):
        who = person[lo: lo + CHUNK]
        affinity = tastes.genre[who] @ g_genre
        affinity += tastes.local[who, None] * g_local[None, :]
        affinity += tastes.price[who, None] * g_band[None, :]
        english = tastes.english[who, None]
        affinity += LANGUAGE_TASTE * np.where(english, g_en[None, :], g_fr[None, :])
        logits = log_pop[None, :] + STRENGTH * affinity
        group = np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)
        target = base[group] + rng.random(len(who)) * (np.r_[0.0, cum][ends[group]] - base[group])
        pos = np.searchsorted(cum, target, side="right")
        chosen[lo: lo + CHUNK] = order[np.clip(pos, starts[group], ends[group] - 1)]
    return chosen
