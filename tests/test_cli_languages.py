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


def test_lang_after_the_command_name_is_read_as_before_it(tmp_path: Path) -> None:
    """`culturecoop reco evaluate … --lang fr` was refused (« No such option: --lang »), though every
    command takes it: written after the command, it now speaks French as written before it."""
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    after = run_cli("audit", "verify", "--db", str(coop), "--lang", "fr", lang="en")
    before = run_cli("--lang", "fr", "audit", "verify", "--db", str(coop), lang="en")
    assert after.returncode == before.returncode == 0, after.stderr
    assert after.stderr == before.stderr and "No such option" not in after.stderr
    assert run_cli("audit", "verify", "--db", str(coop), "--lang=fr", lang="en").stderr == before.stderr
    refused = run_cli("audit", "verify", "--db", str(coop), "--lang", "de", lang="fr")
    assert refused.returncode == 2 and "--lang de" in refused.stderr
