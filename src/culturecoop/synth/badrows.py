"""Bad rows salted into every export, as real exports have them, counted by reason.

Every bad row is an extra row: a copy of a valid row with one defect (and, unless it is a
duplicate, a ticket number of its own, so that it fails one rule only), inserted at a random
place. Valid rows are never altered, so the planted signals measured on valid rows hold
whatever a reader does with the bad ones. ``SaltedRows`` is the typed content of a whole
export (valid and bad rows in file order); writers format it in each vendor's style.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from culturecoop.synth.tickets import MemberData

REASONS: tuple[str, ...] = (
    "unparseable_date",  # purchase or event time that no date format reads (31 February, "TBA")
    "negative_price",
    "missing_ticket_id",
    "missing_patron_id",
    "missing_event_id",
    "duplicate_row",  # an exact copy of another row
    "impossible_birth_date",  # in the future, or in 1850
    "broken_quoting",  # CSV/TSV: a quoted field with an unescaped quote inside ("Hamlet "VIP")
    "invalid_json",  # JSON lines: a line cut short
)
_WEIGHTS = {
    "unparseable_date": 0.15, "negative_price": 0.1, "missing_ticket_id": 0.08,
    "missing_patron_id": 0.08, "missing_event_id": 0.07, "duplicate_row": 0.2,
    "impossible_birth_date": 0.12, "broken_quoting": 0.12, "invalid_json": 0.12,
}
BAD_ROW_SHARE = 0.007


def reasons_for(file_format: str) -> tuple[str, ...]:
    """The defects that make sense in a file of ``file_format`` (csv, jsonl or xlsx)."""
    skip = {"csv": {"invalid_json"}, "jsonl": {"broken_quoting"},
            "xlsx": {"invalid_json", "broken_quoting"}}[file_format]
    return tuple(r for r in REASONS if r not in skip)


@dataclass
class SaltedRows:
    """Typed content of an export, valid and bad rows in file order."""

    data: MemberData
    source: np.ndarray  # valid row each output row is copied from
    reason: np.ndarray  # -1 for a valid row, else index into REASONS
    variant: np.ndarray  # which flavour of the defect (0, 1, ...)
    ticket_no: np.ndarray  # a bad row other than a duplicate gets a ticket number of its own
    ticket_missing: np.ndarray
    patron_missing: np.ndarray
    event_missing: np.ndarray
    price_cents: np.ndarray
    birth: np.ndarray  # per row, datetime64[D] (NaT when unknown)
    birth_year_1850: np.ndarray  # rows whose birth date is in 1850 (kept out of datetime64)

    @property
    def n(self) -> int:
        return len(self.source)

    def rows_with(self, reason: str) -> np.ndarray:
        return np.flatnonzero(self.reason == REASONS.index(reason))

    def counts(self) -> dict[str, int]:
        return {r: int((self.reason == i).sum()) for i, r in enumerate(REASONS)
                if (self.reason == i).any()}


def salt(rng: np.random.Generator, data: MemberData, file_format: str) -> SaltedRows:
    """Insert about ``BAD_ROW_SHARE`` bad rows (at least one per possible reason)."""
    n_good = data.tickets.n
    reasons = reasons_for(file_format)
    n_bad = max(len(reasons) + 2, round(BAD_ROW_SHARE * n_good))
    w = np.array([_WEIGHTS[r] for r in reasons])
    drawn = np.r_[np.arange(len(reasons)), rng.choice(len(reasons), n_bad - len(reasons), p=w / w.sum())]
    bad_reason = np.array([REASONS.index(reasons[i]) for i in drawn], dtype=np.int8)
    rng.shuffle(bad_reason)
    total = n_good + n_bad
    bad_pos = np.sort(rng.choice(np.arange(1, total), size=n_bad, replace=False))
    is_bad = np.zeros(total, dtype=bool)
    is_bad[bad_pos] = True
    source = np.empty(total, dtype=np.int64)
    source[~is_bad] = np.arange(n_good)
    reason = np.full(total, -1, dtype=np.int8)
    reason[bad_pos] = bad_reason
    # A bad row copies a random valid row; a duplicate is often the row just before it.
    source[bad_pos] = rng.integers(0, n_good, n_bad)
    dup = bad_pos[bad_reason == REASONS.index("duplicate_row")]
    adjacent = dup[rng.random(len(dup)) < 0.5]
    for pos in adjacent.tolist():
        source[pos] = source[pos - 1]
    variant = np.where(is_bad, rng.integers(0, 2, total), 0).astype(np.int8)

    t, rec = data.tickets, data.records
    ticket_no = t.ticket_no[source].copy()
    fresh = (reason >= 0) & (reason != REASONS.index("duplicate_row"))
    ticket_no[fresh] = t.ticket_no.max() + 1 + np.arange(int(fresh.sum()))
    price = t.price_cents[source].copy()
    neg = reason == REASONS.index("negative_price")
    price[neg] = -np.where(price[neg] > 0, price[neg], 1_500)
    birth = rec.birth[t.record[source]].copy()
    odd_birth = reason == REASONS.index("impossible_birth_date")
    future = odd_birth & (variant == 0)
    days = rng.integers(0, 3_650, total).astype("timedelta64[D]")
    birth[future] = np.datetime64("2031-01-01") + days[future]
    year_1850 = odd_birth & (variant == 1)
    birth[year_1850] = np.datetime64("1850-01-01") + (days[year_1850] % np.timedelta64(365, "D"))
    return SaltedRows(
        data=data, source=source, reason=reason, variant=variant, ticket_no=ticket_no,
        ticket_missing=reason == REASONS.index("missing_ticket_id"),
        patron_missing=reason == REASONS.index("missing_patron_id"),
        event_missing=reason == REASONS.index("missing_event_id"),
        price_cents=price, birth=birth, birth_year_1850=year_1850,
    )
