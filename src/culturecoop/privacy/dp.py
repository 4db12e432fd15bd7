"""Differential-privacy noise for counts computed in SQL, with OpenDP's vetted samplers.

The gate hands over a vector of distinct-patron counts and the most cells one patron can count
in (its L1 sensitivity, bounded by how the query is built). OpenDP's discrete Laplace
measurement adds the noise; its privacy map confirms the ε spent. ``numpy.random`` is never
used for a release.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any


@cache
def _opendp() -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def noisy_counts(counts: Sequence[int], sensitivity: int, epsilon: float) -> list[int]:
    """``counts`` with discrete Laplace noise such that the release is ε-differentially private.

    ``sensitivity`` is the L1 distance between the count vectors of two cooperatives that
    differ by one patron: the number of cells one patron can count in.
    """
    if epsilon <= 0 or sensitivity < 1:
        raise ValueError("epsilon must be positive and sensitivity at least 1")
    if not counts:
        return []
    dp = _opendp()
    space = dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64")
    measurement = dp.m.make_laplace(*space, scale=sensitivity / epsilon)
    spent = float(measurement.map(sensitivity))
    # The map is exact for this mechanism; a larger loss would mean a wrong scale.
    if spent > epsilon * (1 + 1e-9):
        raise AssertionError(f"noise calibrated for ε={epsilon} spends {spent}")
    return [int(v) for v in measurement([int(c) for c in counts])]
