"""A status inside a French sentence is said in French: « est déjà proposée », « à l’état
envoyée », where the sentence carried the stored code (« est déjà proposed », « à l’état sent »)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from test_reports_support import tiny_cooperative


def test_a_cross_offer_proposed_twice_says_its_status_in_french(tmp_path: Path) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    first = run_cli("reco", "cross-offers", "--db", str(coop), "--member", "jazz-a", "--propose", "theatre-b", lang="fr")
    assert first.returncode == 0, first.stderr
    again = run_cli("reco", "cross-offers", "--db", str(coop), "--member", "jazz-a", "--propose", "theatre-b", lang="fr")
    words = " ".join(again.stderr.split())
    assert again.returncode == 4, words
    assert "est déjà proposée" in words and "proposed" not in words


def test_a_campaign_that_cannot_be_approved_says_its_status_in_french() -> None:
    from culturecoop.campaigns.service import _status_word
    from culturecoop.i18n import set_language

    set_language("fr")
    try:
        assert _status_word("sent") == "envoyée"
    finally:
        set_language(None)
