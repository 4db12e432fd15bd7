"""Consent changes honoured by every service: a purpose × service matrix.

The planted person, known to two members, withdraws one purpose at one member. Each service is
asked, through its own code, whether it still uses them; a withdrawal must reach exactly the
services of its purpose, and leave the others as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import planted
from culturecoop.analytics.service import refresh
from culturecoop.governance.consent import apply_consent_request, reachable
from culturecoop.governance.requests import build_request
from culturecoop.reco import data as reco_data
from culturecoop.warehouse.engine import Warehouse
from planted import MEMBERS, PLANTED, Coop


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    return planted.build(tmp_path_factory.mktemp("consent") / "base", lake=False)


def _patron_key(warehouse: Warehouse, coop: Coop) -> str:
    token = planted.needles(coop.keys)["email_token"].decode()
    return str(warehouse.scalar(
        "SELECT any_value(i.patron_key) FROM identity i JOIN patron p USING (member_id, member_patron_id) "
        "WHERE p.email_token = ?", [token]))


def _services(warehouse: Warehouse, key: str) -> dict[str, bool]:
    """Does each service still use the person? (Each answered by the service's own query.)"""
    refresh(warehouse)  # pooled analytics and recommendations: at their next refresh / scoring
    pooled = warehouse.scalar(
        "SELECT count(*) FROM analytics_patron p JOIN identity i USING (member_id, member_patron_id) "
        "WHERE i.patron_key = ? AND p.member_id = ? AND p.pooled", [key, MEMBERS[0]])
    eligible = {str(r["patron_key"]) for r in warehouse.query(reco_data.ELIGIBLE_PEOPLE)}
    return {
        "analytics": bool(pooled),
        "recommendations": key in eligible,
        "campaigns": key in reachable(warehouse, "marketing"),
    }


# purpose withdrawn at one member → the services that must stop using the person.
EXPECTED = {
    "pooling": {"analytics"},
    "marketing": {"campaigns"},
    "personalization": {"recommendations"},
}


@pytest.mark.parametrize("purpose", sorted(EXPECTED))
def test_a_withdrawal_reaches_exactly_the_services_of_its_purpose(built: Coop, tmp_path: Path, purpose: str) -> None:
    coop = built.copy_to(tmp_path / "coop")
    request = build_request("consent", MEMBERS[0], coop.keys, emails=[PLANTED["email"]], consents={purpose: False})
    with Warehouse(coop.db) as warehouse:
        key = _patron_key(warehouse, coop)
        before = _services(warehouse, key)
        assert before == {"analytics": True, "recommendations": True, "campaigns": True}
        # Campaigns: immediately, without any refresh in between.
        apply_consent_request(warehouse, request, who="test")
        if purpose == "marketing":
            assert key not in reachable(warehouse, "marketing")
        after = _services(warehouse, key)
        stopped = {service for service, used in after.items() if not used}
        assert stopped == EXPECTED[purpose]
        # Granting again brings the person back everywhere.
        again = build_request("consent", MEMBERS[0], coop.keys, emails=[PLANTED["email"]], consents={purpose: True})
        apply_consent_request(warehouse, again, who="test")
        assert _services(warehouse, key) == before
