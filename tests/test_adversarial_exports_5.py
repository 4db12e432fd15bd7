"""Exports as vendors and spreadsheets really write them, fifth sweep: a CSV written between single quotes,
an API's pages dumped one after the other, count and total lines among the rows, JSON records named as
records, countries named in the reader's language and guessed from the file's own evidence, and API-style
JSON orders built from the vendor exports of ``tests/fixtures``.

The contract is ``test_adversarial_exports``'s: one sentence (in French and English) and nothing
written, or every row read whole, in its own columns, with the same figures as the file before it was
bent; never a sale counted twice or a row dropped without a word.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_adversarial_exports import cli_streams


def _draft(tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           lang: str = "en") -> tuple[dict[str, Any], str]:
    """``mapping draft`` of ``export`` (in process): its JSON and the mapping's YAML text."""
    out = tmp_path / f"{export.stem}.yaml"
    code, said, err = cli_streams(monkeypatch, capsys, "--lang", lang, "mapping", "draft", str(export), "--out",
                                  str(out), "--json")
    assert code == 0, err
    return json.loads(said), out.read_text(encoding="utf-8")


def _prepare(tmp_path: Path, export: Path, mapping: dict[str, Any] | str, keys: Path,
             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             lang: str = "en") -> tuple[int, dict[str, Any], str]:
    """``prepare`` of ``export`` with ``mapping`` (a dict, or a drafted YAML text): its code, JSON and what it said."""
    path = tmp_path / "given.yaml"
    path.write_text(mapping if isinstance(mapping, str) else yaml.safe_dump(mapping), encoding="utf-8")
    code, out, err = cli_streams(monkeypatch, capsys, "--lang", lang, "prepare", str(export), "--mapping", str(path),
                                 "--member", "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")
    return code, (json.loads(out) if code == 0 else {}), " ".join((out + err).split())


# A till's export written between single quotes, a title holding the separator. Read with « " », every
# name kept its quotes (the draft found the e-mail and the title only), « 'Soirée » and « Coltrane' » were
# two cells; the member app drafted a converted copy, the CLI did not.
QUOTED = "'No billet','Courriel','Date achat','Titre','Prix'\n" + "".join(
    f"'B{i}','p{i}@exemple.test','1{i % 9}/01/2026 16:47','Soirée, Coltrane','46,50'\n" for i in range(20))


def test_a_csv_written_between_single_quotes_is_drafted_and_read_with_them(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "caisse.csv"
    export.write_text(QUOTED, encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert "quote: \"'\"  # les noms de colonnes et les valeurs sont écrits entre apostrophes" in text, text
    columns = draft["mapping"]["columns"]
    assert (columns["ticket_id"], columns["unit_price"], columns["event_title"]) == ("No billet", "Prix", "Titre")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    assert code == 0, said
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_per_table"]["event"]) == (20, 20, 1), summary
