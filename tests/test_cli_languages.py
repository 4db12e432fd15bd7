"""A language culturecoop does not speak is refused, not replaced: `--lang de` printed the report in
French (or English) with exit 0, and `users add --language de` created an account whose
dashboard is in French, both without a word."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli
from test_reports_support import tiny_cooperative


def test_an_unknown_lang_is_one_sentence_and_the_command_does_not_run(tmp_path: Path) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    result = run_cli("--lang", "de", "audit", "show", "--db", str(coop), lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert words.startswith("Erreur : --lang de n’est pas une langue de culturecoop")
    assert result.stdout == ""
    assert run_cli("--lang", "EN", "audit", "show", "--db", str(coop), lang="fr").returncode == 0


def test_an_account_in_an_unknown_language_is_not_created(tmp_path: Path) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    os.environ["CULTURECOOP_TEST_PASSWORD"] = "a long enough password"
    try:
        result = run_cli("users", "add", "someone@example.org", "--db", str(coop), "--language", "de",
                         "--password-env", "CULTURECOOP_TEST_PASSWORD", lang="fr")
    finally:
        del os.environ["CULTURECOOP_TEST_PASSWORD"]
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert "--language de n’est pas une langue du tableau de bord" in words
    accounts = json.loads(run_cli("users", "list", "--db", str(coop), "--json").stdout)
    assert all(a["email"] != "someone@example.org" for a in accounts)
