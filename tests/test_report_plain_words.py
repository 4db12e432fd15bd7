"""`culturecoop report` says the cross-member statistics as the dashboard does (docs/dashboard-reading.md):
« Très probablement au moins », not « IC 95 % bas »; the terms stay in --json's keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli_here as run_cli
from test_reports_support import tiny_cooperative

PERIOD = ("--from", "2025-01-01", "--to", "2025-03-31")
TERMS = {"fr": ("Lift", "IC 95", "valeur q", "valeur p", "Significatif", "significatives"),
         "en": ("Lift", "95% CI", "q-value", "p-value", "Significant")}
WORDS = {"fr": ("Très probablement au moins", "Très probablement au plus", "Risque que ce soit le hasard",
                "Trop net pour être le hasard"),
         "en": ("Very probably at least", "Very probably at most", "Risk that it is chance", "Too clear to be chance")}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_cooperative(tmp_path_factory.mktemp("plain") / "tiny.duckdb")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_cross_member_legends_say_the_statistics_in_words(tiny: Path, language: str) -> None:
    for name, ratio in (("affinity", {"fr": "Fois plus souvent que la moyenne", "en": "Times as often as average"}),
                        ("elsewhere", {"fr": "Fois plus que le reste de la coopérative",
                                       "en": "Times as much as the rest of the cooperative"}),
                        ("overlap", {"fr": "Fois plus que le client mutualisé moyen",
                                     "en": "Times as likely as the average pooled patron"})):
        result = run_cli("report", name, "--db", str(tiny), "--member", "jazz-a", *PERIOD, lang=language)
        assert result.returncode == 0, result.stderr
        printed = result.stdout + result.stderr
        colon = " :" if language == "fr" else ":"  # French sets a space before the colon
        assert f"  {ratio[language]}{colon}" in printed, (name, printed)
        bare = [term for term in TERMS[language] if term in printed]
        assert not bare, (name, language, bare)
        if name != "overlap":
            for words in WORDS[language]:
                assert f"  {words}{colon}" in printed, (name, words)


def test_json_keeps_the_terms(tiny: Path) -> None:
    result = run_cli("report", "affinity", "--db", str(tiny), "--member", "jazz-a", *PERIOD, "--json", lang="fr")
    payload = json.loads(result.stdout)
    assert {"lift", "ci_low", "ci_high", "q_value", "significant"} <= set(payload["rows"][0])
    assert "significant_pairs" in payload["summary"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_paces_band_and_the_overlap_index_are_said_without_their_terms(tiny: Path, language: str) -> None:
    for name in ("pace", "overlap"):
        result = run_cli("report", name, "--db", str(tiny), "--member", "jazz-a", *PERIOD, lang=language)
        assert result.returncode == 0, result.stderr
        printed = (result.stdout + result.stderr).casefold()
        assert not [term for term in ("percentile", "centile", "jaccard") if term in printed], (name, printed)
