"""The hybrid's taste term: each person's own weights over the content features (``Taste``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# A whisper of ridge on the population's weights: a feature no attendance ever went to stays finite.
TASTE_BASE_RIDGE = 1e-3

# How many person × feature cells the taste term's people's weights compute at once.
TASTE_CELLS = 4_000_000


@dataclass
class Taste:
    """Each person's own weights over the content features, for the taste term.

    The population's weights (``base``) are a multinomial logit over the training items: which item
    an attendance goes to, from the items' features alone (popularity from content). A person's
    weights are one Newton step from ``base`` on their own attendances, with a ridge pulling them
    back to it. The step needs the features' mean and covariance under ``base``, the same for
    everyone, so it is a closed form per person: ``(n Σ + ridge · n̄ I)⁻¹ (s − n μ)``, with ``s``
    the sum of the features of their ``n`` attendances and ``n̄`` the training's mean ``n``. Few
    attendances stay near the population's taste; many speak for themselves. Unlike the
    co-attendance term, which maps a profile to weights by one matrix shared by all, these weights
    are the person's own. Measured alone on two random item splits of MovieLens (1M's first users,
    seed 71; latest-small, seed 61), it ranks held-out films 12 % and 16 % better than the best
    other term alone (docs/reco.md).
    """

    base: np.ndarray  # features: the population's weights
    mean: np.ndarray  # features: their mean over the items, each weighed by its share under ``base``
    basis: np.ndarray  # features × features: the eigenvectors of their covariance under ``base``
    spread: np.ndarray  # features: its eigenvalues
    scale: float  # the mean number of attendances of a person in training
    ridge: float
    draw: float = 1.0  # the weight kept on ``base`` in people's weights (their own step stays whole)

    @classmethod
    def fit(cls, r: sp.csr_matrix, x: sp.csr_matrix, ridge: float, draw: float = 1.0) -> Taste:
        from scipy.optimize import minimize

        dense = np.asarray(x.toarray() if sp.issparse(x) else x, dtype=np.float64)
        counts = np.asarray(r.sum(axis=0), dtype=np.float64).ravel()
        target = counts @ dense / max(counts.sum(), 1.0)

        def shares(w: np.ndarray) -> tuple[np.ndarray, float]:
            s = dense @ w
            top = float(s.max()) if len(s) else 0.0
            e = np.exp(s - top)
            return e / e.sum(), top + float(np.log(e.sum()))

        def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
            p, log_total = shares(w)
            loss = -float(target @ w) + log_total + 0.5 * TASTE_BASE_RIDGE * float(w @ w)
            return loss, -target + p @ dense + TASTE_BASE_RIDGE * w

        base = minimize(objective, np.zeros(dense.shape[1]), jac=True, method="L-BFGS-B",
                        options={"maxiter": 200}).x
        p, _total = shares(base)
        mean = p @ dense
        centred = dense - mean
        spread, basis = np.linalg.eigh((centred * p[:, None]).T @ centred)
        attended = np.asarray(r.sum(axis=1)).ravel()
        scale = float(attended[attended > 0].mean()) if (attended > 0).any() else 1.0
        return cls(base, mean, basis, np.maximum(spread, 0.0), scale, ridge, draw)

    def people(self, r: sp.csr_matrix, x: sp.csr_matrix) -> np.ndarray:
        """People's weights (people × features, single precision) from their histories ``r`` over
        the training items ``x``; a block of people at a time, so memory stays that of the result."""
        out = np.empty((r.shape[0], len(self.base)), dtype=np.float32)
        block = max(1, TASTE_CELLS // max(len(self.base), 1))
        sums = sp.csr_matrix(r @ x)
        n = np.asarray(r.sum(axis=1), dtype=np.float64).ravel()
        centre = self.mean @ self.basis
        for first in range(0, r.shape[0], block):
            rows = slice(first, first + block)
            projected = np.asarray(sums[rows] @ self.basis) - np.outer(n[rows], centre)
            step = projected / (np.outer(n[rows], self.spread) + self.ridge * self.scale)
            out[rows] = self.draw * self.base + step @ self.basis.T
        return out
