"""Fellegi–Sunter scoring with parameters estimated from the data itself (no labels).

For each comparison *c* and level *l*: ``m[c][l] = P(level | match)`` and
``u[c][l] = P(level | non-match)``; a pair's Bayes factor is the product of ``m/u`` over its
comparisons (the "missing" level 0 is neutral), and its match probability is
``λ·BF / (λ·BF + 1 − λ)``. As in Splink:

* ``u`` comes from random record pairs (almost all non-matches); the exact level's ``u`` is
  the exact chance that two random records agree, ``Σ tf(v)²``, from the term frequencies;
* ``m`` and the prior ``λ`` are estimated by expectation–maximisation over the candidate pairs,
  run on the distinct comparison patterns weighted by their counts (a few hundred rows, so
  EM takes milliseconds whatever the number of pairs);
* agreeing on a rare value is stronger evidence than on a common one: the exact level's
  Bayes factor uses the value's own frequency, ``m/tf(v)`` (term-frequency adjustment).

Unlike Splink, the prior ``λ`` is estimated separately for pairs within one member and pairs
across members: a member's file rarely holds the same person twice, and forcing one prior
on both inflates within-member false matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from culturecoop.linkage.comparison import COMPARISONS, PairComparison, compare
from culturecoop.linkage.features import MISSING, Features, term_frequency
from culturecoop.linkage.records import EncodedRecords

CLASS_NAMES = ("within_member", "across_members")
_U_SAMPLE = 400_000
MAX_VALUE_SHARE = 0.02
_FLOOR = 1e-9


@dataclass
class FellegiSunter:
    """A trained model: m, u per comparison level, a prior per pair class, term frequencies."""

    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: np.ndarray  # (2,) λ within a member, across members
    tf: list[np.ndarray | None] = field(default_factory=list)
    iterations: int = 0

    def log2_bayes_factor(self, comp: PairComparison) -> np.ndarray:
        """Match weight (log2 Bayes factor) of every pair, with term-frequency adjustment."""
        total = np.zeros(len(comp.levels))
        for c, spec in enumerate(COMPARISONS):
            lv = comp.levels[:, c].astype(np.intp)
            ratio = np.log2(np.maximum(self.m[c], _FLOOR) / np.maximum(self.u[c], _FLOOR))
            ratio[0] = 0.0
            weight = ratio[lv]
            tf = self.tf[c] if self.tf else None
            if spec.tf and tf is not None:
                exact = lv == len(spec.levels) - 1
                value = comp.tf_value[exact, c]
                known = value != MISSING
                idx = np.flatnonzero(exact)[known]
                freq = np.maximum(tf[value[known]], _FLOOR)
                # Splink's adjustment: scale the exact level by (average frequency / this one).
                weight[idx] += np.log2(max(float((tf ** 2).sum()), _FLOOR) / freq)
            total += weight
        return total

    def probability(self, comp: PairComparison, pair_class: np.ndarray) -> np.ndarray:
        """Match probability of every pair given its class (0 within a member, 1 across)."""
        weight = self.log2_bayes_factor(comp)
        lam = np.clip(self.prior[pair_class], _FLOOR, 1 - _FLOOR)
        log_odds = weight + np.log2(lam / (1 - lam))
        prob: np.ndarray = 1.0 / (1.0 + np.exp2(-np.clip(log_odds, -60, 60)))
        return prob

    def describe(self) -> dict[str, object]:
        """Parameters as plain data (for --json and the docs)."""
        return {
            "prior": dict(zip(CLASS_NAMES, map(float, self.prior), strict=True)),
            "iterations": self.iterations,
            "comparisons": {
                spec.name: {
                    lvl: {"m": round(float(self.m[c][k]), 6), "u": round(float(self.u[c][k]), 8)}
                    for k, lvl in enumerate(spec.levels) if k > 0
                }
                for c, spec in enumerate(COMPARISONS)
            },
        }


def term_frequencies(records: EncodedRecords, feats: Features) -> list[np.ndarray | None]:
    """Per comparison, the frequency of each distinct value (None when not weighted).

    Frequencies are capped at ``MAX_VALUE_SHARE``: in a small warehouse a value held by two
    records out of five is not really shared by 40% of people, and treating it so would stop
    exact duplicates from linking.
    """
    tf = [
        term_frequency(feats.given, len(feats.names)),
        term_frequency(feats.surname, len(feats.names)),
        term_frequency(feats.birth_date, len(feats.birth)),
        term_frequency(feats.postcode, len(feats.post)),
    ]
    return [*(np.minimum(t, MAX_VALUE_SHARE) for t in tf), None, None]


def _token_agreement(values: np.ndarray) -> float:
    present = values[values != 0]
    if len(present) == 0:
        return _FLOOR
    _, counts = np.unique(present, return_counts=True)
    share = counts / len(present)
    return float((share ** 2).sum())


def estimate_u(
    records: EncodedRecords, feats: Features, tf: list[np.ndarray | None], seed: int = 7
) -> list[np.ndarray]:
    """u probabilities from random record pairs, exact levels from ``Σ tf²``."""
    n = len(records)
    rng = np.random.default_rng(seed)
    size = min(_U_SAMPLE, n * (n - 1) // 2) if n > 1 else 0
    left = rng.integers(0, max(n, 1), size)
    right = rng.integers(0, max(n, 1), size)
    keep = left != right
    comp = compare(records, feats, left[keep], right[keep])
    exact_u = [
        *[min(float((t ** 2).sum()), MAX_VALUE_SHARE) if t is not None else _FLOOR
          for t in tf[:4]],
        _token_agreement(records.email),
        _token_agreement(records.phone),
    ]
    u: list[np.ndarray] = []
    for c, spec in enumerate(COMPARISONS):
        k = len(spec.levels)
        counts = np.bincount(comp.levels[:, c], minlength=k).astype(np.float64)[1:k - 1] + 0.5
        inexact = counts / counts.sum()
        top = min(max(exact_u[c], _FLOOR), 0.5)
        u.append(np.concatenate([[1.0], inexact * (1 - top), [top]]))
    return u


def _initial_m() -> list[np.ndarray]:
    m = []
    for spec in COMPARISONS:
        k = len(spec.levels) - 1
        weights = np.geomspace(1, 40, k)  # most matches agree exactly, few disagree
        m.append(np.concatenate([[1.0], weights / weights.sum()]))
    return m


def pairs_per_class(member: np.ndarray, n_members: int) -> np.ndarray:
    """Number of record pairs within one member and across members (all pairs, not candidates)."""
    sizes = np.bincount(member, minlength=n_members).astype(np.float64)
    within = float((sizes * (sizes - 1) / 2).sum())
    total = len(member) * (len(member) - 1) / 2
    return np.array([within, total - within])


def train(
    comp: PairComparison,
    pair_class: np.ndarray,
    class_pairs: np.ndarray,
    u: list[np.ndarray],
    tf: list[np.ndarray | None],
    max_iterations: int = 100,
    tolerance: float = 1e-6,
) -> FellegiSunter:
    """Estimate m and the per-class priors by EM (u stays fixed).

    The EM runs over *all* record pairs of each class (``class_pairs``), treating the pairs
    that blocking did not propose as certain non-matches: the prior is then the chance that
    two random records match, consistent with ``u`` from random pairs. (Estimating the prior
    among candidates only lets the match class absorb every blocked pair.)
    """
    n_records = np.sqrt(2 * class_pairs.sum()) + 1
    start = np.clip(n_records / np.maximum(class_pairs, 1), 1e-12, 0.5) * np.array([0.1, 0.5])
    model = FellegiSunter(m=_initial_m(), u=u, prior=start, tf=tf)
    if len(comp.levels) == 0:
        return model
    # Distinct (levels, class) patterns: each level < 8, so a base-8 integer code.
    code = pair_class.astype(np.int64)
    for c in range(comp.levels.shape[1]):
        code = code * 8 + comp.levels[:, c]
    distinct, counts_int = np.unique(code, return_counts=True)
    counts = counts_int.astype(np.float64)
    levels = np.empty((len(distinct), comp.levels.shape[1]), dtype=np.intp)
    rest = distinct.copy()
    for c in range(comp.levels.shape[1] - 1, -1, -1):
        levels[:, c] = rest % 8
        rest //= 8
    classes = rest.astype(np.intp)
    patterns = levels
    for iteration in range(1, max_iterations + 1):
        weight = np.zeros(len(patterns))
        for c in range(len(COMPARISONS)):
            ratio = np.log(np.maximum(model.m[c], _FLOOR) / np.maximum(model.u[c], _FLOOR))
            ratio[0] = 0.0
            weight += ratio[levels[:, c]]
        lam = np.clip(model.prior[classes], _FLOOR, 1 - _FLOOR)
        log_odds = np.clip(weight + np.log(lam / (1 - lam)), -700, 700)
        posterior = 1.0 / (1.0 + np.exp(-log_odds))
        matched = posterior * counts
        new_prior = model.prior.copy()
        for k in range(len(CLASS_NAMES)):
            if class_pairs[k] > 0:
                # Pairs that blocking did not propose count as non-matches.
                new_prior[k] = matched[classes == k].sum() / class_pairs[k]
        new_m = []
        for c, spec in enumerate(COMPARISONS):
            k = len(spec.levels)
            mass = np.bincount(levels[:, c], weights=matched, minlength=k)[1:] + 1e-3
            new_m.append(np.concatenate([[1.0], mass / mass.sum()]))
        change = max(
            float(np.abs(new_prior - model.prior).max()),
            max(float(np.abs(a - b).max()) for a, b in zip(new_m, model.m, strict=True)),
        )
        model.m, model.prior, model.iterations = new_m, new_prior, iteration
        if change < tolerance:
            break
    return model
