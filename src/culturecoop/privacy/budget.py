"""Each member's differential-privacy budget: ε spent per period, never more than allowed.

A noisy release charges ``epsilon_per_release`` to the member that asked. The budget resets at
the start of each period (calendar month, quarter or year, per the policy). A charge that would
take the spent ε above the budget is refused before anything is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _, day_words, general
from culturecoop.privacy.policy import PrivacyPolicy, current_policy
from culturecoop.warehouse.engine import Warehouse

PERIODS = ("month", "quarter", "year")
# Rounding slack: ε values are sums of floats; a hair above the budget is still within it.
_SLACK = 1e-9


@dataclass(frozen=True)
class BudgetStatus:
    member_id: str
    period_start: date
    period_end: date
    epsilon_budget: float
    epsilon_spent: float
    releases: int
    noise: bool

    @property
    def epsilon_left(self) -> float:
        return max(0.0, self.epsilon_budget - self.epsilon_spent)

    def to_json(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "epsilon_budget": self.epsilon_budget,
            "epsilon_spent": round(self.epsilon_spent, 9),
            "epsilon_left": round(self.epsilon_left, 9),
            "releases": self.releases,
            "noise": self.noise,
        }


def today() -> date:
    return datetime.now(UTC).date()


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """First and last day of the budget period that contains ``day``."""
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    months = 3 if period == "quarter" else 1
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + months
    end = date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _spent(con: duckdb.DuckDBPyConnection, member_id: str, start: date) -> tuple[float, int]:
    rows = con.execute(
        "SELECT epsilon_spent, releases FROM budget WHERE member_id = ? AND period_start = ?",
        [member_id, start],
    ).fetchall()
    return (float(rows[0][0]), int(rows[0][1])) if rows else (0.0, 0)


def status_in(con: duckdb.DuckDBPyConnection, member_id: str, policy: PrivacyPolicy, day: date) -> BudgetStatus:
    start, end = period_bounds(day, policy.budget_period)
    spent, releases = _spent(con, member_id, start)
    return BudgetStatus(member_id, start, end, policy.epsilon_budget, spent, releases, policy.noise)


def budget_status(warehouse: Warehouse, member_id: str, policy: PrivacyPolicy | None = None,
                  day: date | None = None) -> BudgetStatus:
    """The member's budget in the current period: allowed, spent, left."""

    policy = policy or current_policy(warehouse)
    warehouse.con.complete()
    return status_in(warehouse.con, member_id, policy, day or today())


def charge(con: duckdb.DuckDBPyConnection, member_id: str, epsilon: float, policy: PrivacyPolicy,
           day: date) -> BudgetStatus:
    """Charge ε to the member inside the caller's transaction, or refuse when it would exceed."""
    status = status_in(con, member_id, policy, day)
    if epsilon < 0:
        raise ValueError("a charge cannot be negative")
    if status.epsilon_spent + epsilon > status.epsilon_budget + _SLACK:
        raise UserError(
            _("This release needs ε = {needed} but member {member} has only ε = {left} left of its {budget} for the period {start} to {end}; wait for the next period or ask the cooperative to raise the budget.").format(
                needed=general(epsilon), member=member_id, left=general(status.epsilon_left), budget=general(status.epsilon_budget),
                start=day_words(status.period_start), end=day_words(status.period_end)),
            exit_code=4,
        )
    spent = min(status.epsilon_budget, status.epsilon_spent + epsilon)
    con.execute(
        "INSERT OR REPLACE INTO budget VALUES (?, ?, ?, ?, ?)",
        [member_id, status.period_start, spent, status.releases + 1, datetime.now(UTC).replace(tzinfo=None)],
    )
    return BudgetStatus(member_id, status.period_start, status.period_end, status.epsilon_budget,
                        spent, status.releases + 1, policy.noise)
