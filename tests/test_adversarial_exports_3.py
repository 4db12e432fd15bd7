"""Exports bent the way real files get bent, found by a mutation sweep of ``prepare`` over the vendor
exports of ``tests/fixtures/exports`` (re-saved by Excel, put twice in one file, ...).

The contract is ``test_adversarial_exports``'s: one sentence (in French and English) and nothing
written, or every row read whole, in its own columns, with the same figures as the file before it was
bent; never a sale counted twice or a row dropped without a word.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from culturecoop.ingest.quarantine import _ROUNDED_ID, rounded_id_sql
from test_adversarial_exports import HEADER, MAPPING, ROWS, cli, cli_streams, refused


def _mapping(tmp_path: Path, **settings: Any) -> Path:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump({**MAPPING, **settings}), encoding="utf-8")
    return mapping


def _prepare(tmp_path: Path, export: Path, mapping: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str, str]:
    return cli_streams(monkeypatch, capsys, *more, "prepare", str(export), "--mapping", str(mapping), "--member", "m1",
                       "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")


def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _table(text: str) -> list[list[object]]:
    return [line.split(",") for line in text.splitlines()]


# The same export twice in one file (a copy pasted below the first, its header with it): its 30 sales were
# 60 tickets, each order's second line numbered ``order#2``, with no word; with ticket numbers, 30 rows were
# set aside as duplicates with advice to choose another column.
TWICE = [
    ("ventes.csv", (HEADER + ROWS + HEADER + ROWS).encode(), {}, "Line 32 of ventes.csv", "30 rows below it"),
    ("ventes-id.csv", (HEADER + ROWS + HEADER + ROWS).encode(), {"ticket_id": "Order ID"}, "Line 32 of ventes-id.csv",
     "from line 33"),
    # A second export whose period overlaps the first: its 10 rows of the first's are counted twice.
    ("chevauchement.csv", (HEADER + ROWS + HEADER + "".join(ROWS.splitlines(keepends=True)[20:]) + "".join(
        f"{n},ana{n}@example.org,Jazz,2026-01-0{1 + n % 5} 20:00,2025-12-01 10:00,10\n" for n in range(30, 50))).encode(),
     {}, "Line 32 of chevauchement.csv", "10 rows below it, from line 33"),
    ("ventes.xlsx", _workbook(_table(HEADER + ROWS + HEADER + ROWS)), {}, "Line 32 of ventes.xlsx", "30 rows"),
    # Two files joined whole: the second header carries its byte-order mark.
    ("bom.csv", b"\xef\xbb\xbf" + (HEADER + ROWS).encode() + b"\xef\xbb\xbf" + (HEADER + ROWS).encode(),
     {"ticket_id": "Order ID"}, "Line 32 of bom.csv", "30 rows below it"),
]


@pytest.mark.parametrize(("name", "content", "columns", "line", "rows"), TWICE, ids=[t[0] for t in TWICE])
def test_the_same_export_twice_in_one_file_is_refused(
        name: str, content: bytes, columns: dict[str, str], line: str, rows: str, tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / name
    export.write_bytes(content)
    settings = {"format": "xlsx"} if name.endswith(".xlsx") else {}
    mapping = _mapping(tmp_path, columns={**MAPPING["columns"], **columns}, **settings)
    code, out, err = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys)
    refused(code, out + err, line, rows, "twice", "keep each row once")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "m.yaml"])  # no package, no rejects
    if name == "ventes.csv":  # check says it as prepare does, and in French
        code, said = cli(monkeypatch, capsys, "--lang", "fr", "mapping", "check", str(export), "--mapping", str(mapping))
        refused(code, said.replace("Erreur : ", "Error: "), "écrit de nouveau l’en-tête", "deux fois",
                "gardez chaque ligne une seule fois")


def test_a_report_whose_pages_repeat_the_header_is_read_whole(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The header at the top of each page above other rows (and one order's two identical seats across a
    page break) is no export written twice: every row is a ticket."""
    lines = ROWS.splitlines(keepends=True)
    seat = lines[14]
    export = tmp_path / "rapport.csv"
    export.write_text(HEADER + "".join(lines[:15]) + HEADER + seat + "".join(lines[15:]), encoding="utf-8")
    code, out, err = _prepare(tmp_path, export, _mapping(tmp_path), keys, monkeypatch, capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_per_table"]["ticket"]) == (31, 31, 31)


# An export re-saved by Excel: its General format writes a number of 12 digits or more as « 8,84213E+11 »
# (« 8.84213E+11 » in English). Two shows numbered 884213370551 and 884213370604 became one event, their
# sales one show's, with no word; two customers numbered alike, one patron.
ROUNDED_HEADER = "Order ID,Email,Event ID,Event,Event Date,Order Date,Price,Customer\n"
ROUNDED_MAPPING = {**MAPPING, "columns": {**MAPPING["columns"], "event_id": "Event ID", "patron_id": "Customer"}}


def _rounded_rows(event: str, customer: str) -> str:
    return "".join(f'{n},ana{n}@example.org,{event},Jazz {n % 2},2026-01-0{1 + n % 2} 20:00,2025-12-01 10:00,10,'
                   f'{customer}\n' for n in range(20))



@pytest.mark.parametrize("value", [
    "8,84213E+11", "8.84213e+11", "1E+15", "x 1.2E+15", "9,9E+12 ", "C+1E+12", "A1E+12", "1.2E+1", "8E+11x",
    "+33 6 12 34 56 78", "E+12", "T0000001", "12+34", "1E12", "", None])
def test_a_rounded_identifier_is_told_as_the_pattern_tells_it(value: str | None) -> None:
    # The guard tries its pattern only on values with a « + » (a million identifiers: 0.33 s -> 0.13 s of CPU).
    con = duckdb.connect()
    expected = None if value is None else re.search(_ROUNDED_ID, value) is not None
    assert con.execute(f"SELECT {rounded_id_sql('v')} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchone() == (
        expected if value is not None else False,)

@pytest.mark.parametrize(("event", "customer", "words"), [
    ('"8,84213E+11"', "5", ("Event ID", "«8,84213E+11» on line 2")),
    ("E1", "1.23457E+15", ("Customer", "«1.23457E+15» on line 2")),
], ids=["event-fr", "customer-en"])
def test_identifiers_excel_rounded_are_refused(
        event: str, customer: str, words: tuple[str, ...], tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "ventes.csv"
    export.write_text(ROUNDED_HEADER + _rounded_rows(event, customer), encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(ROUNDED_MAPPING), encoding="utf-8")
    code, out, err = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys)
    refused(code, out + err, *words, "Excel rounded", "without saving it in Excel")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml", "ventes.csv"]
    if event != "E1":  # check says it as prepare does, and in French
        code, said = cli(monkeypatch, capsys, "--lang", "fr", "mapping", "check", str(export), "--mapping", str(mapping))
        refused(code, said.replace("Erreur : ", "Error: "), "arrondis par Excel", "sans l’enregistrer dans Excel")


def test_the_draft_says_the_identifiers_excel_rounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "ventes.csv"
    export.write_text(ROUNDED_HEADER + _rounded_rows('"8,84213E+11"', "5"), encoding="utf-8")
    code, out, _err = cli_streams(monkeypatch, capsys, "mapping", "draft", str(export), "--out",
                                  str(tmp_path / "m.yaml"), "--json")
    assert code == 0
    said = [s for s in json.loads(out)["undecided"] if "Excel rounded" in s]
    assert said and "Event ID" in said[0] and "«8,84213E+11»" in said[0], json.loads(out)["undecided"]


# A UTF-8 export cut short in the middle of « é » (a download interrupted): prepare said it was not UTF-8
# « on line 1 » and to declare Windows-1252, which reads every accent of the file wrong; the draft, with no
# byte-order mark, declared Windows-1252 itself, and with one, drafted a status « Pay� ».
CUT = (HEADER.replace("Event,", "Événement,") + ROWS).encode() + "31,léa@example.org,Café".encode()[:-1]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_a_file_cut_in_the_middle_of_a_character_is_said_cut_short(
        bom: bytes, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "ventes.csv"
    export.write_bytes(bom + CUT)
    code, said = cli(monkeypatch, capsys, "mapping", "draft", str(export), "--out", str(tmp_path / "d.yaml"))
    refused(code, said, "ventes.csv ends in the middle of a character", "line (32)", "cut short", "download it again")
    mapping = _mapping(tmp_path, columns={**MAPPING["columns"], "event_title": "Événement"},
                       encoding="utf-8-sig" if bom else "utf-8")
    code, out, err = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "--lang", "fr")
    refused(code, (out + err).replace("Erreur : ", "Error: "), "se termine au milieu d’un caractère", "(32)",
            "téléchargez-le de nouveau")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml", "ventes.csv"]


def test_a_last_letter_of_windows_1252_is_no_file_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """« Café » at the very end of a file otherwise in ASCII is Windows-1252, as before."""
    export = tmp_path / "ventes.csv"
    export.write_bytes((HEADER + ROWS).encode() + "31,lea@example.org,Café".encode("cp1252"))
    code, out, _err = cli_streams(monkeypatch, capsys, "mapping", "draft", str(export), "--out",
                                  str(tmp_path / "d.yaml"), "--json")
    assert code == 0 and json.loads(out)["mapping"]["encoding"] == "cp1252"


def test_a_file_cut_short_between_characters_is_said_so(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An export cut in half (a download interrupted): its last line, half a row, was set aside like any
    unreadable line, and nothing said the rows after it were missing."""
    export = tmp_path / "ventes.csv"
    whole = HEADER + ROWS
    export.write_text(whole[: len(whole) // 2], encoding="utf-8")
    code, out, err = _prepare(tmp_path, export, _mapping(tmp_path), keys, monkeypatch, capsys, "--lang", "fr")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows_in"], summary["rows_rejected"]) == (15, 1)
    said = " ".join(err.split())
    assert "La dernière ligne de ventes.csv (ligne 16) s’arrête avant les dernières colonnes" in said, said
    assert "vérifiez que le fichier contient tout l’export" in said
    # A whole export with no line break after its last row is no file cut short.
    # Cut after the price, before the last column: still half a row, set aside, and said.
    cut = tmp_path / "coupe"
    cut.mkdir()
    export = cut / "ventes.csv"
    export.write_text(HEADER.replace("\n", ",Note\n") + ROWS.replace("\n", ",ok\n") + "31,lea@example.org,Jazz,"
                      "2026-01-02 20:00,2025-12-01 10:00,10", encoding="utf-8")
    code, out, err = _prepare(cut, export, _mapping(cut), keys, monkeypatch, capsys)
    assert code == 0 and json.loads(out)["rejects_by_reason"] == {"malformed_line": 1}, err
    assert "The last line of ventes.csv (line 32) stops before the header's last columns" in " ".join(err.split())
    again = tmp_path / "entier"
    again.mkdir()
    export = again / "ventes.csv"
    export.write_text(whole.rstrip("\n"), encoding="utf-8")
    code, out, err = _prepare(again, export, _mapping(again), keys, monkeypatch, capsys, "--lang", "fr")
    assert code == 0 and json.loads(out)["rows_rejected"] == 0 and "coupé" not in err, err


def test_the_draft_reads_the_price_among_two_columns_named_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Two columns « Price » (a ticket type's, then the amount): the draft read neither and said only that no
    column looks like the price; until 2026-12-07 it then told the member to rename one in the export. Each is
    now named by its rank (« Price (1) », « Price (2) »), as prepare reads them, and the amounts are the price."""
    export = tmp_path / "ventes.csv"
    export.write_text("Order ID,Email,Event,Event Date,Order Date,Price,Price\n" + "".join(
        f"{n},ana{n}@example.org,Jazz,2026-01-0{1 + n % 5} 20:00,2025-12-01 10:00,Adulte,{10 + n % 3}.00\n"
        for n in range(30)), encoding="utf-8")
    code, out, _err = cli_streams(monkeypatch, capsys, "--lang", "fr", "mapping", "draft", str(export), "--out",
                                  str(tmp_path / "m.yaml"), "--json")
    assert code == 0
    assert json.loads(out)["mapping"]["columns"]["unit_price"] == "Price (2)", json.loads(out)["mapping"]


def test_a_line_that_leaves_out_its_last_empty_cells_is_read(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Excel writes a row's trailing empty cells only on a sheet's first rows, other tools never: the rows
    without them were each set aside as unreadable (26 of Shopify's 32 rows: nothing written, with advice on
    the separator and the quote, which were right). Half a line still is (it stops before the price)."""
    export = tmp_path / "ventes.csv"
    rows = [f"{n},ana{n}@example.org,Jazz,2026-01-0{1 + n % 5} 20:00,2025-12-01 10:00,10,,\n" for n in range(30)]
    ragged = [row if n < 16 else row.rstrip(",\n") + "\n" for n, row in enumerate(rows)]
    export.write_text(HEADER.rstrip("\n") + ",Note,Code promo\n" + "".join(ragged) + "99,bob@example.org,Jazz\n",
                      encoding="utf-8")
    code, out, err = _prepare(tmp_path, export, _mapping(tmp_path), keys, monkeypatch, capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rejects_by_reason"]) == (31, 30, {"malformed_line": 1})
    assert summary["rows_per_table"]["ticket"] == 30


def test_rows_that_end_with_a_delimiter_their_header_does_not_are_read(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An export written cell by cell, each followed by the delimiter (« 12;Jazz;25,00; »), its header not:
    every row had one cell too many and was set aside, nothing written, with advice on the separator and
    the quote, which were right. In such a file a row with a filled cell more is still set aside."""
    export = tmp_path / "ventes.csv"
    rows = ROWS.replace("\n", ",\n").splitlines(keepends=True)
    rows[3] = rows[3].replace(",\n", ",encore\n")  # a value more: read in the wrong columns, set aside
    export.write_text(HEADER + "".join(rows), encoding="utf-8")
    code, out, err = _prepare(tmp_path, export, _mapping(tmp_path), keys, monkeypatch, capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rejects_by_reason"]) == (30, 29, {"malformed_line": 1})
    code, out, _err = cli_streams(monkeypatch, capsys, "mapping", "draft", str(export), "--out",
                                  str(tmp_path / "d.yaml"), "--json")
    assert code == 0 and {"purchased_at", "unit_price", "email"} <= set(json.loads(out)["mapping"]["columns"])


def test_a_short_line_reads_a_field_joined_from_its_first_columns(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An order read as the buyer's e-mail joined with the time of sale, the e-mail last and left out on the
    box office's lines (« GUICHET;08/04/2026 16:13;…;29,50 »): those lines were all set aside as unreadable
    (nothing written), where the time alone makes their order."""
    export = tmp_path / "ventes.csv"
    export.write_text("Order Date,Event,Event Date,Price,Email\n" + "".join(
        f"2025-12-01 10:{n:02d},Jazz,2026-01-0{1 + n % 5} 20:00,10" + (f",ana{n}@example.org\n" if n % 2 else "\n")
        for n in range(30)), encoding="utf-8")
    columns = {**MAPPING["columns"], "order_id": {"join": ["Email", "Order Date"], "separator": " | "}}
    code, out, err = _prepare(tmp_path, export, _mapping(tmp_path, columns=columns), keys, monkeypatch, capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows_accepted"], summary["unnamed_sales"], summary["rows_rejected"]) == (30, 15, 0)
