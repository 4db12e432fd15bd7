"""Files no ticketing system should write, given to the ingest commands as a member might.

The contract: a file that cannot be read is ONE sentence saying what is wrong and what to do, a
non-zero exit code, no traceback and nothing written (no mapping, no package); a file that can be
read is read whole, every row accepted or rejected and counted, never silently dropped.

The commands run in this process (``cli.main._run``: argument parsing, the error boundary, the exit
code), sparing each test a start-up of the command; one test runs the real command in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import run_cli
from culturecoop.cli import main as cli_main

HEADER = "Order ID,Email,Event,Event Date,Order Date,Price\n"
ROWS = "".join(f"{n},ana{n}@example.org,Jazz,2026-01-0{1 + n % 5} 20:00,2025-12-01 10:00,10\n" for n in range(30))
# The mapping `mapping draft` writes for HEADER + ROWS, as a member would give it to prepare.
MAPPING = {"datetime_formats": ["%Y-%m-%d %H:%M"],
           "columns": {"order_id": "Order ID", "purchased_at": "Order Date", "unit_price": "Price",
                       "event_id": {"join": ["Event", "Event Date"], "separator": " "}, "event_title": "Event",
                       "event_starts_at": "Event Date", "email": "Email"}}


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run ``culturecoop ARGS`` in this process: (exit code, standard output then error)."""
    code, out, err = cli_streams(monkeypatch, capsys, *args)
    return code, out + err


def cli_streams(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                *args: str) -> tuple[int, str, str]:
    """Run ``culturecoop ARGS`` in this process: (exit code, standard output, standard error)."""
    monkeypatch.setattr(sys, "argv", ["culturecoop", *args])
    monkeypatch.setenv("CULTURECOOP_LANG", "en")
    code = cli_main._run()
    said = capsys.readouterr()
    return code, said.out, said.err


def drafted(tmp_path: Path, name: str, content: bytes, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    """``mapping draft`` of a file ``name`` holding ``content``: (exit code, what it said, the mapping's path)."""
    export = tmp_path / name
    export.write_bytes(content)
    out = tmp_path / "mapping.yaml"
    code, said = cli(monkeypatch, capsys, "mapping", "draft", str(export), "--out", str(out))
    return code, said, out


def refused(code: int, said: str, *words: str) -> None:
    """One sentence, after ``Error:``, naming what is wrong; a non-zero code; no traceback."""
    assert code != 0, said
    assert "Traceback" not in said and "Something went wrong" not in said, said
    error = " ".join(said.split()).split("Error: ", 1)[1]
    assert error.count(". ") == 0 and error.endswith("."), error  # one sentence
    for word in words:
        assert word in error, error


def _workbook_cut_short() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Order ID", "Email"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()[:1500]  # a download interrupted: no ZIP directory at the end


def _zip_of_a_text() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("ventes.csv", HEADER + ROWS)
    return data.getvalue()


# (file name, content, words of the sentence that refuses it)
NOT_TABLES = [
    ("empty.csv", b"", ("is empty",)),
    ("bom-only.csv", b"\xef\xbb\xbf", ("is empty",)),
    ("blank-lines.csv", b"\xef\xbb\xbf\r\n \r\n\t\n", ("is empty",)),
    ("header-only.csv", HEADER.encode(), ("header but no data rows",)),
    ("junk.csv", bytes(range(256)) * 40, ("binary data",)),
    ("junk.xlsx", b"\x00\x13\xfe" * 3000, ("binary data",)),
    ("cut-short.xlsx", _workbook_cut_short(), ("damaged or incomplete", "again")),
    ("archive.xlsx", _zip_of_a_text(), ("ZIP archive",)),
    ("one-line.csv", b"a," * (5 << 20), ("megabytes long", "right file")),
    ("scalar.json", b"42", ("single value (42)",)),
    ("null.json", b"null\n", ("single value (null)",)),
    ("nested.json", b"[" * 200 + b"]" * 200, ("no list of records",)),
    ("deep.json", b"[" * 5000 + b"]" * 5000, ("nested thousands of levels deep",)),
    ("deep-line.jsonl", b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"\n", ("nested thousands of levels deep",)),
    ("empty-object.json", b"{}", ("fewer than two fields",)),
    ("one-field.jsonl", b'{"a": {"a": {"a": 1}}}\n' * 3, ("fewer than two fields",)),
]


@pytest.mark.parametrize(("name", "content", "words"), NOT_TABLES, ids=[n for n, _c, _w in NOT_TABLES])
def test_a_file_that_is_no_table_is_one_sentence_and_no_mapping(name: str, content: bytes, words: tuple[str, ...],
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, said, _out = drafted(tmp_path, name, content, monkeypatch, capsys)
    refused(code, said, name, *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no mapping, no partial file


@pytest.mark.parametrize(("name", "content", "words"), [
    ("empty.csv", b"", ("is empty",)),
    ("junk.csv", bytes(range(256)) * 40, ("binary data",)),
    ("cut-short.xlsx", _workbook_cut_short(), ("damaged or incomplete",)),
    ("one-line.csv", b"a," * (5 << 20), ("longer than 100 KB",)),
    ("deep.json", b"[" * 5000 + b"]" * 5000, ("JSON",)),
    ("utf16.csv", (HEADER + ROWS).encode("utf-16-le"), ("UTF-16", "encoding: utf-16")),
])
def test_check_and_prepare_refuse_it_in_one_sentence_writing_nothing(
        name: str, content: bytes, words: tuple[str, ...], tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / name
    export.write_bytes(content)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    refused(*cli(monkeypatch, capsys, "mapping", "check", str(export), "--mapping", str(mapping)), *words)
    out = tmp_path / "pkg"
    refused(*cli(monkeypatch, capsys, "prepare", str(export), "--mapping", str(mapping), "--member", "m1",
                 "--keys", str(keys), "--out", str(out)), *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "m.yaml"])  # no package, no rejects


def _nul_in_a_cell() -> bytes:
    return (HEADER + ROWS).encode() + b"30,zoe@example.org,Ja\x00zz,2026-01-02 20:00,2025-12-01 10:00,10\n"


def _mixed_line_ends() -> bytes:
    lines = (HEADER + ROWS).splitlines()
    return "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(lines)).encode()


# (file name, content, rows accepted, rows rejected): every data line is a row, accepted or counted.
ODD_BUT_READABLE = [
    ("nul.csv", _nul_in_a_cell(), 31, 0),
    # CR LF, LF and CR alone in one file: after a lone CR, the next line lost its first character
    # ("2,ana2@…" read as ",ana2@…").
    ("line-ends.csv", _mixed_line_ends(), 30, 0),
    # A column named twice that the mapping does not read (one the mapping reads is refused:
    # tests/test_silent_changes.py).
    ("twice.csv", ("Order ID,Email,Event,Event Date,Order Date,Price,Note,Note\n" + "".join(
        f"{n},a{n}@x.example,Jazz,2026-01-02 20:00,2025-12-01 10:00,10,a,b\n" for n in range(30))).encode(),
     30, 0),
    ("blank-names.csv", ("Order ID,,Email,Event,,Event Date,Order Date,Price\n" + "".join(
        f"{n},x,a{n}@x.example,Jazz,,2026-01-02 20:00,2025-12-01 10:00,10\n" for n in range(30))).encode(), 30, 0),
    ("utf16-le.csv", (HEADER + ROWS).encode("utf-16-le"), 30, 0),
    ("utf16-be.csv", (HEADER + ROWS).encode("utf-16-be"), 30, 0),
    # A last row cut off in a cell of 2 MB (over the 1 MB a line may hold): the 30 rows above it are
    # read, that row rejected.
    ("long-tail.csv", (HEADER + ROWS).encode() + b"31,zoe@example.org,Jazz," + b"x" * (2 << 20), 30, 1),
    # Longer than the lines the first, quicker read of the file accepts (8 MB): read again whole.
    ("longer-tail.csv", (HEADER + ROWS).encode() + b"31,zoe@example.org,Jazz," + b"x" * (9 << 20) + b"\n"
     + b"32,ana32@example.org,Jazz,2026-01-02 20:00,2025-12-01 10:00,10\n", 31, 1),
    # One line nested past reading among JSON lines: set aside, the others read.
    ("deep-one.jsonl", b'{"order":0,"x":' + b"[" * 3000 + b"]" * 3000 + b"}\n" + "".join(json.dumps(
        {"order": n, "price": 10, "email": f"a{n}@x.example", "date": "2026-01-01 10:00", "event": "Gala"}) + "\n"
        for n in range(1, 21)).encode(), 20, 1),
    # Spreadsheet formulas: text, never evaluated nor read as a number ("=2*5" is not 25).
    ("formulas.csv", (HEADER + ROWS + '31,ana31@example.org,=1+1,2026-01-02 20:00,2025-12-01 10:00,=2*5\n'
                      '32,ana32@example.org,Jazz,2026-01-02 20:00,2025-12-01 10:00,2 x 10\n').encode(), 30, 2),
]


@pytest.mark.parametrize(("name", "content", "accepted", "rejected"), ODD_BUT_READABLE,
                         ids=[n for n, _c, _a, _r in ODD_BUT_READABLE])
def test_an_odd_but_readable_file_is_read_whole(name: str, content: bytes, accepted: int, rejected: int,
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, said, out = drafted(tmp_path, name, content, monkeypatch, capsys)
    assert code == 0, said
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["columns"]  # valid YAML, columns chosen
    code, said, err = cli_streams(monkeypatch, capsys, "mapping", "check", str(tmp_path / name), "--mapping", str(out), "--json")
    assert code == 0, err
    verdict = json.loads(said)
    assert (verdict["rows_accepted"], verdict["rows_rejected"]) == (accepted, rejected), verdict["rejects_by_reason"]
    assert verdict["rows_in"] == accepted + rejected


def test_a_formula_is_no_price_in_the_package(tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # Read as its digits, "=2*5" was a ticket at 25.00: it is set aside as a price not read.
    export = tmp_path / "formulas.csv"
    export.write_bytes((HEADER + ROWS + "31,ana31@example.org,Jazz,2026-01-02 20:00,2025-12-01 10:00,=2*5\n").encode())
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    code, said = cli(monkeypatch, capsys, "prepare", str(export), "--mapping", str(mapping), "--member", "m1",
                     "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")
    assert code == 0, said
    from test_prepare_support import read_table

    assert {str(t["unit_price"]) for t in read_table(tmp_path / "pkg", "ticket")} == {"10.00"}
    rejects = (tmp_path / "pkg.rejects.csv").read_text(encoding="utf-8")
    assert "bad_price" in rejects and "=2*5" in rejects


def test_the_real_command_exits_with_one_sentence(tmp_path: Path) -> None:
    # The whole process, as a member runs it: exit code 2, one sentence, no traceback, nothing written.
    export = tmp_path / "deep.json"
    export.write_bytes(b"[" * 5000 + b"]" * 5000)
    result = run_cli("mapping", "draft", str(export), "--out", str(tmp_path / "m.yaml"), timeout=60)
    assert result.returncode == 2, result.stderr
    refused(result.returncode, result.stdout + result.stderr, "nested thousands of levels deep")
    assert os.listdir(tmp_path) == ["deep.json"]


@pytest.mark.parametrize(("setting", "words"), [
    ({"encoding": "utf\x00-8"}, ("encoding",)),
    ({"timezone": "é" * 200}, ("IANA",)),
    ({"columns": "[" * 5000 + "]" * 5000}, ("nested too deeply",)),
    # « 01/09 » read without a year is 1 September 1900, a purchase no report would place.
    ({"date_formats": ["%d/%m/%Y", "%d/%m"]}, ("%d/%m", "reads no year", "1900")),
])
def test_a_mapping_no_reader_takes_is_one_sentence(setting: dict[str, object], words: tuple[str, ...], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A mapping file with a NUL in its encoding, a time zone longer than a file name, or lists nested
    thousands deep: the standard library and the YAML reader gave up in their own way (a traceback)."""
    export = tmp_path / "orders.csv"
    export.write_text(HEADER + ROWS, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    if isinstance(setting.get("columns"), str):  # written as text: a YAML writer would refuse the depth
        mapping.write_text("columns: " + str(setting["columns"]) + "\n", encoding="utf-8")
    else:
        mapping.write_text(yaml.safe_dump({**MAPPING, **setting}, allow_unicode=True), encoding="utf-8")
    code, said = cli(monkeypatch, capsys, "mapping", "check", str(export), "--mapping", str(mapping))
    refused(code, said, *words)
