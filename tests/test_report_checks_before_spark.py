"""`report --engine spark` reads its arguments before Spark starts: a day that does not exist, a
report name with a typo or a period given backwards is one sentence at once. Before, Spark
started first (most of a minute, its JVM warnings on standard error) and only then was the
date read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import run_cli, run_cli_here
from test_reports_support import tiny_cooperative


@pytest.mark.parametrize(("args", "said"), [
    (("overview", "--from", "2026-02-30"), "--from 2026-02-30 n’est pas une date"),
    (("overveiw",), "vouliez-vous dire overview"),
    (("overview", "--from", "2025-03-01", "--to", "2025-01-01"), "inversez --from et --to"),
    (("overview", "--event", "E1"), "le rapport overview n’en prend pas : retirez --event"),
])
def test_a_bad_argument_is_said_before_spark_starts(tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    assert run_cli_here("export-lake", "--db", str(coop), "--lake", str(tmp_path / "lake")).returncode == 0
    # The report is a process of its own: Spark's JVM, had it started, would write on its standard error.
    started = time.monotonic()
    result = run_cli("report", args[0], "--db", str(coop), "--member", "jazz-a", "--engine", "spark",
                     "--lake", str(tmp_path / "lake"), *args[1:], lang="fr", timeout=300)
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert said in words
    assert "WARN" not in result.stderr and words.startswith("Erreur :")
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(("args", "said"), [
    # Options that were silently ignored: the reader believed the lake, or the event, was read.
    (("report", "overview", "--db", "{db}", "--member", "jazz-a", "--lake", "{lake}"),
     "--lake se lit avec --engine spark"),
    (("report", "geography", "--db", "{db}", "--member", "jazz-a", "--event", "E1"),
     "le rapport geography n’en prend pas : retirez --event"),
    (("schema", "--json", "--markdown"), "Donnez --markdown ou --json, pas les deux"),
])
def test_an_option_that_would_be_ignored_is_refused(tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    result = run_cli_here(*(a.format(db=coop, lake=tmp_path) for a in args), lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode == 2 and said in words, words
    assert not result.stdout.strip(), result.stdout[:300]


@pytest.mark.parametrize("manifest", [
    b"{not json", b"[" * 5_000 + b"]" * 5_000, b'{"tables": {"../../etc": 1}}', b'{"tables": 3}', b"null",
])
def test_a_lake_whose_manifest_was_altered_is_one_sentence_before_spark_starts(tmp_path: Path, manifest: bytes) -> None:
    """A damaged ``_lake.json`` was an incident (or, naming other tables, read other folders as tables)."""
    from culturecoop.errors import UserError
    from culturecoop.i18n import set_language
    from culturecoop.warehouse.sql_engine import SparkEngine

    lake = tmp_path / "lake"
    lake.mkdir()
    (lake / "_lake.json").write_bytes(manifest)
    set_language("fr")
    with pytest.raises(UserError) as refused:
        SparkEngine(lake)
    assert refused.value.exit_code == 3
    assert refused.value.message == (f"{lake} n’est pas un lac culturecoop (son _lake.json a été modifié ou abîmé) ; "
                                     f"créez-le de nouveau avec `culturecoop export-lake --db FICHIER --lake {lake}`.")
