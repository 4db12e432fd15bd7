"""Exports as vendors and spreadsheets really write them, sixth sweep: prices that say nothing (JSON's null,
« - », « N/A »), a JSON export's rejects named as records, orders refunded in part, festival passes, and
vendor-like layouts not among ``tests/fixtures`` (Billetweb, Shotgun, HelloAsso, SoTicket, a Google Forms
list, a festival's till).

The contract is ``test_adversarial_exports``'s: one sentence (in French and English) and nothing written, or
every row read whole, with the same figures as the file; never a sale counted twice or a row dropped without
a word. Every command runs in process (``cli_streams``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from test_adversarial_exports import cli_streams


def _draft(tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           lang: str = "en") -> tuple[dict[str, Any], str]:
    """``mapping draft`` of ``export``: its JSON and the mapping's YAML text."""
    out = tmp_path / f"{export.stem}.yaml"
    code, said, err = cli_streams(monkeypatch, capsys, "--lang", lang, "mapping", "draft", str(export), "--out",
                                  str(out), "--force", "--json")
    assert code == 0, err
    return json.loads(said), out.read_text(encoding="utf-8")


def _prepare(tmp_path: Path, export: Path, mapping: dict[str, Any] | str, keys: Path,
             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             lang: str = "en") -> tuple[int, dict[str, Any], str]:
    """``prepare`` of ``export`` with ``mapping`` (a dict or a YAML text): its code, JSON and what it said."""
    path = tmp_path / "given.yaml"
    path.write_text(mapping if isinstance(mapping, str) else yaml.safe_dump(mapping, allow_unicode=True),
                    encoding="utf-8")
    code, out, err = cli_streams(monkeypatch, capsys, "--lang", lang, "prepare", str(export), "--mapping", str(path),
                                 "--member", "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")
    return code, (json.loads(out) if code == 0 else {}), " ".join((out + err).split())


def _tickets(tmp_path: Path, query: str) -> list[tuple[Any, ...]]:
    """``query`` on the package's tickets (``t``) and events (``e``)."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{tmp_path / 'pkg' / 'ticket.parquet'}')")
    con.execute(f"CREATE VIEW e AS SELECT * FROM read_parquet('{tmp_path / 'pkg' / 'event.parquet'}')")
    return con.execute(query).fetchall()


def _record(n: int, price: Any) -> dict[str, Any]:
    return {"id": n, "email": f"ana{n}@example.org", "event": "Jazz", "created_at": f"2025-12-0{1 + n % 5} 10:00",
            "price": price}


def _written(tmp_path: Path, form: str, blank: Any) -> Path:
    records = [_record(n, blank if n % 2 == 0 else "10") for n in range(30)]
    if form == "json":
        export = tmp_path / "orders.json"
        export.write_text(json.dumps(records, indent=2), encoding="utf-8")
        return export
    export = tmp_path / "ventes.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    export.write_text(out.getvalue(), encoding="utf-8")
    return export


# Half the prices « - » or « N/A » in a CSV or a JSON export: the draft found no price column (they are no
# amounts), so nothing could be prepared, where JSON's null and a CSV's empty cell were read as blank prices.
# Each is now a price left blank: the draft says `blank_price: 0`, prepare's refusal says it too, and with it
# every such row is a seat given.
@pytest.mark.parametrize(("form", "blank"), [("json", "n/a"), ("csv", "-")], ids=["json-na", "csv-dash"])
def test_a_price_that_says_nothing_is_a_blank_price(
        form: str, blank: Any, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = _written(tmp_path, form, blank)
    draft, text = _draft(tmp_path, export, monkeypatch, capsys)
    assert draft["mapping"]["columns"].get("unit_price") == "price", draft["mapping"]
    assert ("15 of the rows looked at have no amount in «price»: if they are seats given (invitations, press, "
            "guests), add `blank_price: 0` to the mapping") in " ".join(draft["undecided"]), draft["undecided"]
    code, _summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    assert code != 0 and "these rows have no price: if they are seats given" in said, said
    code, summary, said = _prepare(tmp_path, export, text + "blank_price: 0\n", keys, monkeypatch, capsys)
    assert code == 0 and (summary["rows_accepted"], summary["rows_rejected"]) == (30, 0), said
    assert _tickets(tmp_path, "SELECT count(*) FILTER (WHERE unit_price = 0), sum(unit_price) FROM t") == [(15, 150)]


# A JSON export's rejects file named its first column « ligne » beside « enregistrement 1 (ligne 2) », and its
# last « ligne telle qu’exportée » for a record of nine lines: the columns name records, as the rows do.
def test_a_json_exports_rejects_file_names_its_columns_as_records(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from culturecoop.ingest.rejects import read_rejects

    export = tmp_path / "orders.json"
    records = [_record(n, "abc" if n == 4 else "10") for n in range(30)]
    export.write_text(json.dumps(records, indent=2), encoding="utf-8")
    mapping = {"format": "jsonl", "datetime_formats": ["%Y-%m-%d %H:%M"],
               "columns": {"ticket_id": "id", "purchased_at": "created_at", "unit_price": "price", "event_id": "event",
                           "event_title": "event", "email": "email"}}
    code, summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "fr")
    assert code == 0 and summary["rows_rejected"] == 1, said
    rejects = tmp_path / "pkg.rejects.csv"
    header = rejects.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == '"enregistrement","raisons (codes)","explication","enregistrement tel qu’exporté"', header
    (reject,) = read_rejects(rejects)
    assert reject["line"] == "enregistrement 5 (ligne 30)" and '"id": 4' in reject["raw_line"], reject
