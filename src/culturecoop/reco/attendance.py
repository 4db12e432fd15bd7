"""Attendance as the hybrid learns from it: histories as yes/no, people's profiles of attended
content, and each attendance's weight (the time its item was open, its item's popularity)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def binary(matrix: sp.spmatrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    out.data[:] = 1.0
    out.eliminate_zeros()
    return out


def profiles(interactions: sp.csr_matrix, features: sp.csr_matrix) -> sp.csr_matrix:
    """Each person's mean item feature vector, with a constant 1 as the last column."""
    counts = np.asarray(interactions.sum(axis=1)).ravel()
    scale = sp.diags(np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, 1)), 0.0))
    mean = scale @ interactions @ features
    const = sp.csr_matrix(np.ones((interactions.shape[0], 1)))
    return sp.hstack([mean, const], format="csr")


def profile_similarity(r: sp.csr_matrix, features: sp.csr_matrix, items: sp.csr_matrix) -> np.ndarray:
    """Cosine between each person's summed item features and each new item's."""
    return cosine(r @ features, items)


def cosine(people: sp.spmatrix, items: sp.spmatrix) -> np.ndarray:
    """Cosine between each row of ``people`` (a person's profile) and each row of ``items``; a row
    of zeros has a cosine of 0 with everything."""
    profile = np.asarray(people.toarray())
    profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    new = items.toarray()
    new /= np.maximum(np.linalg.norm(new, axis=1, keepdims=True), 1e-12)
    return np.asarray(profile @ new.T)


# The most an item open to interactions for a short time weighs as a target, against the typical
# item (``exposure_weights``).
EXPOSURE_CAP = 4.0


def exposure_weights(exposure: np.ndarray | None) -> np.ndarray | None:
    """Each training item's weight as a target of the co-attendance term: the typical item's time
    open to interactions over its own (at least 1, at most ``EXPOSURE_CAP``); None when times say
    nothing (no exposure given, or every item open as long).

    An item released a month before the cutoff has had a month to gather attendances, an old one
    the whole log: counted as they are, the newest items look unpopular, and so do their features
    (this year's films, a new venue) — exactly the content of the items to come. Weighting by the
    inverse of the time open makes the target a rate rather than a count. Measured on MovieLens
    100k's temporal splits (title words and genres): 1998-01-15 0.1693 → 0.2005, 1998-02-15
    0.2661 → 0.3447 (docs/reco.md)."""
    if exposure is None or len(exposure) == 0:
        return None
    open_for = np.maximum(np.asarray(exposure, dtype=np.float64), 0.0)
    typical = float(np.median(open_for))
    if typical <= 0 or np.all(open_for >= typical):
        return None
    return np.asarray(np.clip(typical / np.maximum(open_for, typical / EXPOSURE_CAP), 1.0, EXPOSURE_CAP))


def popularity_discount(r: sp.csr_matrix, power: float) -> np.ndarray:
    """Each item's confidence factor: (its attendance / the mean item's) ** -``power``.

    With equal confidence, the factors of the most attended items dominate ALS's fit, the
    content → factor placements learn "popular content" as much as taste, and every person's
    list of new items leans to the same ones. Discounting each attendance by its item's
    popularity makes an attendance of a niche item count a little more as evidence of taste, as
    inverse-propensity weighting does for exposure bias."""
    counts = np.maximum(np.asarray(r.sum(axis=0)).ravel(), 1.0)
    return np.asarray((counts / counts.mean()) ** -power)
