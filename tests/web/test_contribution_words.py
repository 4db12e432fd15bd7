"""The Contribution page says why a member's shares are nought and what brings them, and why its
period is not the other tabs': each case from the figures the route gives the page (the new member
whose patrons are not linked yet is read on its real page in test_new_member.py)."""

from __future__ import annotations

from typing import Any

import pytest

from culturecoop.web.i18n import Translator
from culturecoop.web.views.contribution import contribution_view


def data(standing: dict[str, Any], recommendation: float = 0.0) -> dict[str, Any]:
    """What ``routes.contribution.member_contribution`` gives the page for a member of three."""
    return {"member_id": "salle", "from": "2025-02-04", "to": "2026-02-03", "members": 3, "k": 10, "statement": None,
            "functions": {"linkage": {"total": 654.0, "exact": True, "member": 0.0, "fraction": 0.0, "half_width": None},
                          "recommendation": {"total": 12.4, "exact": True, "member": recommendation,
                                             "fraction": recommendation / 12.4, "half_width": None}},
            "standing": {"visits": 90, "pooled": 0, "unlinked": 0, "rules_period": False, "asked": False, **standing}}


def test_no_consent_says_what_to_choose_in_the_member_app() -> None:
    view = contribution_view(data({}), Translator("fr"))
    assert view.why is not None and view.why.startswith(
        "Vos données ne comptent pas pour cette période : aucun de vos clients venus entre le 4 févr. 2025 et le 3 févr. 2026 "
        "n’a consenti à la mise en commun"), view.why
    assert "choisissez « donné » pour la mise en commun dans la section des consentements de l’application membre" in view.why


def test_no_visit_in_the_period_says_so() -> None:
    view = contribution_view(data({"visits": 0}), Translator("en"))
    assert view.why == ("Your data holds no visit between Feb 4, 2025 and Feb 3, 2026, so it counts for nothing in this period: "
                        "your share comes with the exports that cover it."), view.why


def test_pooled_data_needs_no_excuse_and_the_rules_period_says_whose_it_is() -> None:
    view = contribution_view(data({"pooled": 40, "rules_period": True}), Translator("fr"))
    assert view.why is None
    assert view.period is not None and view.period.startswith(
        "Ces chiffres couvrent la période du 4 févr. 2025 au 3 févr. 2026, celle pour laquelle la coopérative a fixé ses règles"), view.period
    assert contribution_view(data({"pooled": 40, "asked": True}), Translator("fr")).period is None  # the reader chose it


@pytest.mark.parametrize(("language", "points", "said"), [
    ("fr", 0.0, ": 0,0 point sur 12,4."), ("fr", 1.5, ": 1,5 point sur 12,4."), ("fr", 2.0, ": 2,0 points sur 12,4."),
    ("en", 0.0, ": 0.0 points of 12.4."), ("en", 1.0, ": 1.0 points of 12.4."),
])
def test_points_of_accuracy_agree_with_their_figure(language: str, points: float, said: str) -> None:
    view = contribution_view(data({"pooled": 40}, points), Translator(language))
    assert any(point.endswith(said) for point in view.points), view.points
