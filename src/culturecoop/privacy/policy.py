"""The cooperative's privacy policy: minimum cell size k, noise, ε per release and budget.

Its own module so that the gate and the budget both read it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from culturecoop.warehouse.engine import Warehouse

__all__ = ["DEFAULT_POLICY", "PrivacyPolicy", "current_policy"]


@dataclass(frozen=True)
class PrivacyPolicy:
    """The cooperative's privacy settings (table ``privacy_policy``)."""

    min_patrons: int = 10
    noise: bool = False
    epsilon_per_release: float = 1.0
    epsilon_budget: float = 10.0
    budget_period: str = "month"

    def to_json(self) -> dict[str, Any]:
        return {"k": self.min_patrons, "noise": self.noise, "epsilon_per_release": self.epsilon_per_release,
                "epsilon_budget": self.epsilon_budget, "budget_period": self.budget_period}


DEFAULT_POLICY = PrivacyPolicy()


def current_policy(warehouse: Warehouse) -> PrivacyPolicy:
    """The policy in force: the stored one, else the defaults (k = 10, no noise)."""
    def read() -> PrivacyPolicy:
        warehouse.con.complete()
        rows = warehouse.query(
            "SELECT min_patrons, noise, epsilon_per_release, epsilon_budget, budget_period "
            "FROM privacy_policy WHERE policy_id = 'cooperative'")
        return PrivacyPolicy(**rows[0]) if rows else DEFAULT_POLICY

    # Kept until the next commit that is not bookkeeping: a policy change is one.
    return warehouse.remember(("privacy", "policy"), read)
