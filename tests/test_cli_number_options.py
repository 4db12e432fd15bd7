"""Numbers no command can use, given on the command line: NaN and infinity, whole numbers past what
the warehouse or a date can hold, counts of zero or below, days outside 1900–2099. Each is one
sentence in the reader's language and exit 2, and nothing is stored: before, `privacy set
--epsilon nan` saved NaN as the policy's ε, and the others ended on an internal error (or ran for
hours, `reco evaluate --k 1000000000000`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import run_cli as run_process
from conftest import run_cli_here as run_cli
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import tiny_cooperative


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_cooperative(tmp_path_factory.mktemp("numbers") / "coop.duckdb")


CASES = [
    (("privacy", "set", "--epsilon", "nan"), "--epsilon nan n’est pas un nombre utilisable"),
    (("privacy", "set", "--budget", "inf"), "--budget inf n’est pas un nombre utilisable"),
    (("privacy", "set", "--k", "1000000000000"), "--k 1000000000000 est trop grand pour toute commande ; donnez un "
                                                 "nombre entier d’au plus 2 147 483 647"),
    (("privacy", "set", "--k", "-1000000000000"), "--k -1000000000000 est trop petit pour toute commande ; donnez un "
                                                  "nombre entier d’au moins -2 147 483 647"),
    (("campaigns", "settings", "--rate", "inf"), "--rate inf n’est pas un nombre utilisable"),
    (("campaigns", "settings", "--days", "1000000"), "d’au plus 366 jours"),
    (("audiences", "create", "--member", "jazz-a", "--name", "x", "--lapsed", "1000000000"), "de 1 à 240"),
    (("contribution", "shapley", "--sample", "--permutations", "0"), "--permutations doit être un nombre entier de 1 à 100 000 (2 000 par défaut)"),
    (("contribution", "shapley", "--sample", "--permutations", "-5"), "--permutations doit être un nombre entier de 1 à 100 000 (2 000 par défaut)"),
    (("retention", "apply", "--as-of", "0001-01-01", "--dry-run"), "--as-of 0001-01-01 est hors des jours"),
    (("audit", "show", "--last", "-1"), "--last doit être zéro"),
    (("audiences", "create", "--member", "jazz-a", "--name", "x", "--segment", "regulars", "--size", "0"),
     "--size fixe le nombre de personnes d’un public d’événement"),
    (("contribution", "rules", "--pool", "NaN"), "NaN n’est pas un montant"),
    (("contribution", "rules", "--pool", "1e308"), "--pool 1e308 dépasse tout montant"),
    (("contribution", "rules", "--pool", "100", "--floor", "1e400"), "--floor 1e400 dépasse tout montant"),
    (("contribution", "rules", "--pool", "100", "--weights", "insight=0.5,linkage=0.5,conversions=nan"),
     "Le poids « conversions » n’est pas un nombre"),
]


@pytest.mark.parametrize(("args", "said"), CASES, ids=[" ".join(a[:2]) + " " + a[-1] for a, _s in CASES])
def test_a_number_no_command_can_use_is_one_french_sentence_and_nothing_is_stored(coop: Path, args: tuple[str, ...],
                                                                                  said: str) -> None:
    result = run_cli(*args[:2], "--db", str(coop), *args[2:], lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert said in words
    assert "Traceback" not in result.stderr and "erreur interne" not in words
    policy = json.loads(run_cli("privacy", "show", "--db", str(coop), "--json").stdout)["policy"]
    assert (policy["k"], policy["epsilon_per_release"], policy["epsilon_budget"]) == (10, 1.0, 10.0)


def test_the_budget_period_is_said_in_french(coop: Path) -> None:
    result = run_cli("privacy", "show", "--db", str(coop), lang="fr")
    assert result.returncode == 0
    assert "par mois" in " ".join((result.stdout + result.stderr).split())


def test_a_synthetic_season_past_2099_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("synth", "--out", str(tmp_path / "s"), "--patrons", "10", "--today", "9999-12-31", lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert "--today 9999-12-31 est hors des jours" in words
    assert not (tmp_path / "s").exists()


def test_an_evaluation_list_longer_than_any_shown_is_refused_at_once(tmp_path: Path) -> None:
    result = run_process("reco", "evaluate", "--interactions", str(tmp_path / "log.csv"), "--cutoff", "2025-01-01",
                     "--k", "5000", "--no-lightfm", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "--k must be a whole number from 1 to 1000" in " ".join(result.stderr.split())


def test_a_send_window_past_2099_is_one_sentence(coop: Path, tmp_path: Path) -> None:
    with Warehouse(coop) as w:
        w.con.execute("INSERT INTO audience VALUES ('aud_window', 'jazz-a', 'Anciens', 'lapsed', '{\"months\": 1}', ?, "
                      "'test', NULL, NULL)", [datetime(2025, 3, 1)])
    (tmp_path / "fr.txt").write_text("Bonjour", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Hello", encoding="utf-8")
    result = run_cli("campaigns", "create", "--db", str(coop), "--member", "jazz-a", "--audience", "aud_window",
                     "--subject-fr", "Objet", "--subject-en", "Subject", "--body-fr", str(tmp_path / "fr.txt"),
                     "--body-en", str(tmp_path / "en.txt"), "--window-start", "9999-12-31", lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert "se termine au plus tard le 2099-12-01" in words
