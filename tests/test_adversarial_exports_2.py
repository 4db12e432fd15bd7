"""More files a venue's staff (or someone meaning harm) could give ``mapping draft`` and ``prepare``:
two exports put one after the other with their columns in another order, a header under a row of
group names, a web page « .xls » whose cells span rows, a compressed file or an image named .csv,
one buyer's e-mail written with a tab or a no-break space around it, and e-mail addresses in a title
that a plain ASCII pattern does not see.

The contract is ``test_adversarial_exports``'s: one sentence and nothing written, or every row read
whole, in its own columns; and nothing that names a person leaves in clear.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from test_adversarial_exports import HEADER, MAPPING, ROWS, cli, cli_streams, drafted, refused
from test_prepare_support import read_table

DRAFTED_HEADER = "Order ID,Email,Event,Event Date,Order Date,Price"


def _prepared(tmp_path: Path, export: Path, mapping: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``prepare --json``: (exit code, what it said on both streams)."""
    return cli(monkeypatch, capsys, "prepare", str(export), "--mapping", str(mapping), "--member", "m1",
               "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")


def _summary(tmp_path: Path, export: Path, mapping: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The JSON summary of a ``prepare`` that succeeds."""
    code, out, err = cli_streams(monkeypatch, capsys, "prepare", str(export), "--mapping", str(mapping), "--member",
                                 "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")
    assert code == 0, err
    return dict(json.loads(out))


def _second_export(header: str) -> str:
    """Thirty more rows under ``header`` (the columns of HEADER in its order), as a second export."""
    names = header.split(",")
    rows = []
    for n in range(30, 60):
        cell = {"Order ID": str(n), "Email": f"bob{n}@example.org", "Event": "Blues",
                "Event Date": f"2026-02-0{1 + n % 5} 20:00", "Order Date": "2025-12-02 10:00", "Price": "12"}
        rows.append(",".join(cell[name] for name in names) + "\n")
    return header + "\n" + "".join(rows)


def test_two_exports_with_their_columns_in_another_order_are_refused(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The second export's header named the purchase date where the first had the show's: read with the
    first header, its 30 rows were accepted with a show on the purchase day and a purchase two months later
    (its header line alone was set aside)."""
    name = "ventes.csv"
    content = (HEADER + ROWS + _second_export("Order ID,Email,Event,Order Date,Event Date,Price")).encode()
    code, said, _out = drafted(tmp_path, name, content, monkeypatch, capsys)
    refused(code, said, "Line 32 of ventes.csv", "another order")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")  # the first export's mapping
    refused(*_prepared(tmp_path, tmp_path / name, mapping, keys, monkeypatch, capsys),
            "Line 32 of ventes.csv", "read in the wrong columns")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "m.yaml"])  # no package, no rejects
    code, said = cli(monkeypatch, capsys, "--lang", "fr", "mapping", "check", str(tmp_path / name),
                     "--mapping", str(mapping))
    refused(code, said.replace("Erreur : ", "Error: "), "La ligne 32 de ventes.csv", "autre ordre")


def test_the_header_again_in_its_own_order_is_no_refusal(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # In capitals, in the same order: the rows below it read right (the line itself is set aside, counted).
    export = tmp_path / "ventes.csv"
    export.write_text(HEADER + ROWS + _second_export(DRAFTED_HEADER).replace(DRAFTED_HEADER, DRAFTED_HEADER.upper()),
                      encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    summary = _summary(tmp_path, export, mapping, keys, monkeypatch, capsys)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"]) == (61, 60, 1)


def _workbook(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _drafted_then_prepared(tmp_path: Path, name: str, content: bytes, keys: Path,
                           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, said, mapping = drafted(tmp_path, name, content, monkeypatch, capsys)
    assert code == 0, said
    return _summary(tmp_path, tmp_path / name, mapping, keys, monkeypatch, capsys)


def test_a_header_under_a_row_of_group_names_is_read_from_its_second_row(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """« Commande », « Spectacle » and « Achat » each merged across two columns above the header: the draft
    took them for the header, read no date, no price and no e-mail, and prepare said the export listed who
    comes rather than what was sold."""
    import datetime as dt

    rows: list[list[object]] = [["Commande", None, "Spectacle", None, "Achat", None], DRAFTED_HEADER.split(",")]
    rows += [[1000 + n, f"ana{n}@example.org", "Jazz", dt.datetime(2026, 1, 1 + n % 5, 20), dt.datetime(2025, 12, 1, 10),
              10.0] for n in range(30)]
    content = _workbook(rows, ("A1:B1", "C1:D1", "E1:F1"))
    summary = _drafted_then_prepared(tmp_path, "ventes.xlsx", content, keys, monkeypatch, capsys)
    mapping = yaml.safe_load((tmp_path / "mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["skip_lines"] == 1
    assert {mapping["columns"][f] for f in ("order_id", "email", "purchased_at", "unit_price")} == {
        "Order ID", "Email", "Order Date", "Price"}
    assert (summary["rows_in"], summary["rows_accepted"]) == (30, 30)
    assert len(read_table(tmp_path / "pkg", "event")) == 5


def test_a_web_page_whose_cells_span_rows_keeps_each_value_in_its_column(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A back office's « Excel » export (an HTML table) writes a show and its date once over its two rows
    (rowspan): on the second row the purchase date and the price slid left into the show's columns, and
    half the rows were set aside (with a group row above the header, nothing was read at all)."""
    body = "".join(
        f"<tr><td>{n}</td><td>ana{n}@example.org</td>"
        + (f"<td rowspan=2>Jazz</td><td rowspan='2'>2026-01-0{1 + n % 5} 20:00</td>" if n % 2 == 0 else "")
        + "<td>2025-12-01 10:00</td><td>10</td></tr>\n" for n in range(30))
    page = ("<html><body><table><tr><th colspan=2>Commande</th><th colspan=2>Spectacle</th><th colspan=2>Achat</th>"
            "</tr><tr>" + "".join(f"<th>{h}</th>" for h in DRAFTED_HEADER.split(",")) + "</tr>\n" + body
            + "</table></body></html>")
    summary = _drafted_then_prepared(tmp_path, "ventes.xls", page.encode(), keys, monkeypatch, capsys)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"]) == (30, 30, 0)
    tickets = read_table(tmp_path / "pkg", "ticket")
    assert {str(t["unit_price"]) for t in tickets} == {"10.00"}
    # Each show spans its two rows, so it has its two tickets, three times over.
    assert Counter(t["event_id"] for t in tickets) == {f"Jazz 2026-01-0{d} 20:00": 6 for d in range(1, 6)}


def _png() -> bytes:
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + b"IHDR" + header + b"\0" * 4
            + zlib.compress(b"\0" * 64))


@pytest.mark.parametrize(("name", "content", "words"), [
    ("ventes.csv.gz", gzip.compress((HEADER + ROWS).encode()), ("compressed (gzip)", "decompress it")),
    ("ventes.csv", gzip.compress((HEADER + ROWS).encode()), ("compressed (gzip)",)),
    ("ventes.csv", _png(), ("is an image",)),
], ids=["gz", "gz-named-csv", "png-named-csv"])
def test_draft_says_what_the_file_is(name: str, content: bytes, words: tuple[str, ...], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # « holds binary data; export the sales as CSV » to a member whose CSV is in the compressed file.
    code, said, _out = drafted(tmp_path, name, content, monkeypatch, capsys)
    refused(code, said, name, *words)
    assert "binary data" not in said
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_one_buyer_with_blanks_around_the_email_is_one_patron(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With no customer number the e-mail stands in for it: « ana@example.org » with a tab after it, a
    no-break space or a byte-order mark before it were three more patrons (their e-mail tokens equal)."""
    forms = ["Ana.Roy@Example.org", "ana.roy@example.org\t", "\u00a0ana.roy@example.org", "\ufeffANA.ROY@example.org"]
    export = tmp_path / "ventes.csv"
    export.write_text(HEADER + "".join(
        f'{n},"{forms[n] if n < 4 else f"p{n}@example.org"}",Jazz,2026-01-0{1 + n % 5} 20:00,2025-12-01 10:00,10\n'
        for n in range(30)), encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    assert _summary(tmp_path, export, mapping, keys, monkeypatch, capsys)["rows_accepted"] == 30
    assert len(read_table(tmp_path / "pkg", "patron")) == 27
    assert len({t["member_patron_id"] for t in read_table(tmp_path / "pkg", "ticket")[:4]}) == 1


def test_the_member_recomputes_the_token_prepare_wrote_whatever_the_blanks() -> None:
    from culturecoop.privacy.encodings import _ID_BLANKS, member_id_sql, normalize_member_id

    # A connection of its own, each row read whole: a result left open on DuckDB's default connection
    # refused the next statement of every later test of the process that used it.
    con = duckdb.connect()
    # Every blank on either side (the SQL trims only a value that begins or ends with no printable ASCII
    # character), inside a value, and values of one character, accented or not.
    around = [v for b in _ID_BLANKS for v in (f"{b}C-1042", f"C-1042{b}", f"a{b}b", f"{b}{b}é{b}")]
    values = ["ana@example.org\t", "\u00a0ana@example.org", "\ufeffC-1042", "C-1042\u2003", "\r\n514 555-0199 ",
              *around, "x", "é", "é1", "1é", "~", "!", "\x7f1", "1\x7f"]
    written = con.execute(f"SELECT v, {member_id_sql('v')} FROM (SELECT unnest($vs) AS v, generate_subscripts($vs, 1) AS i) "
                          "ORDER BY i", {"vs": values}).fetchall()
    assert [(v, w) for v, w in written if w != normalize_member_id(v)] == []
    assert len(written) == len(values)
    con.close()
    assert normalize_member_id("\u00a0Ana@Example.org\t") == "ana@example.org"


@pytest.mark.parametrize("title", [
    "Jazz (réservé par josé@vidéotron.ca)",  # accents on both sides of the @
    "Jazz — infos marie@exämple.ca",
    "Jazz marie.tremblay\uff20gmail.com",  # a full-width @
    "Jazz marie\u200b@gmail.com",  # a zero-width space before the @
])
def test_an_email_a_plain_pattern_misses_in_a_title_never_leaves(
        title: str, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "ventes.csv"
    export.write_text(HEADER + ROWS.replace("Jazz", title, 1), encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    refused(*_prepared(tmp_path, export, mapping, keys, monkeypatch, capsys), "e-mail addresses")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml", "ventes.csv"]


def test_the_result_is_said_the_same_by_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # mapping check scans as prepare does (``guard.scan_checked``): the same refusal, before any package.
    export = tmp_path / "ventes.csv"
    export.write_text(HEADER + ROWS.replace("Jazz", "Jazz josé@exemple.ca", 1), encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    code, _out, err = cli_streams(monkeypatch, capsys, "mapping", "check", str(export), "--mapping", str(mapping))
    refused(code, err, "e-mail addresses")


def test_a_header_cell_wrapped_over_two_lines_is_read_as_one_name(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """« E-mail⏎client » wrapped in its cell (Alt+Enter in Excel), saved as CSV: the draft said the file had
    no header row, then that its header wrote a name over two lines. The name is read with a space for
    its break, by the draft and by prepare, and every row keeps its line number."""
    name = "ventes.csv"
    # Excel writes a break in a cell as « \n » and ends its lines with « \r\n ».
    content = ('Order ID,"E-mail\nclient",Event,"Event\r\nDate",Order Date,Price\r\n' + ROWS.replace("\n", "\r\n")).encode()
    summary = _drafted_then_prepared(tmp_path, name, content, keys, monkeypatch, capsys)
    assert summary["rows_accepted"] == ROWS.count("\n") and summary["rows_rejected"] == 0, summary
    mapping = yaml.safe_load((tmp_path / "mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["columns"]["email"] == "E-mail client", mapping["columns"]
    patrons = read_table(tmp_path / "pkg", "patron")
    assert patrons and all(p["email_token"] for p in patrons)
    # A mapping written with the break as the spreadsheet shows it reads the same column.
    written = tmp_path / "m.yaml"
    written.write_text(yaml.safe_dump({**MAPPING, "columns": {**MAPPING["columns"], "email": "E-mail\nclient"}}),
                       encoding="utf-8")
    (tmp_path / "again").mkdir()
    again = _summary(tmp_path / "again", tmp_path / name, written, keys, monkeypatch, capsys)
    assert again["rows_accepted"] == summary["rows_accepted"], (again, mapping)
    # A row set aside is named by its line in the file: the header took lines 1 to 3.
    (tmp_path / name).write_bytes(content.replace(b"4,ana4@example.org,Jazz,2026-01-05 20:00,2025-12-01 10:00,10",
                                                  b"4,ana4@example.org,Jazz,2026-01-05 20:00,2025-12-01 10:00,dix"))
    (tmp_path / "third").mkdir()
    _summary(tmp_path / "third", tmp_path / name, tmp_path / "mapping.yaml", keys, monkeypatch, capsys)
    rejects = (tmp_path / "third" / "pkg.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert len(rejects) == 2 and rejects[1].startswith("8,"), rejects


@pytest.mark.parametrize(("header_end", "row_end"), [("\n", "\r\n"), ("\r\n", "\n"), ("\r\n", "\r\n"), ("\r", "\r")],
                         ids=["lf-then-crlf", "crlf-then-lf", "crlf", "cr"])
def test_a_row_set_aside_is_named_by_its_line_whatever_the_line_breaks(
        header_end: str, row_end: str, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A file saved again by another program may end its header with « \n » and its rows with « \r\n »:
    the row at line 6 was named line 10 in the rejects (each « \r\n » read as two breaks)."""
    rows = ROWS.replace("2025-12-01 10:00,10\n", "2025-12-01 10:00,10" + row_end)
    rows = rows.replace("4,ana4@example.org,Jazz,2026-01-05 20:00,2025-12-01 10:00,10",
                        "4,ana4@example.org,Jazz,2026-01-05 20:00,2025-12-01 10:00,dix")
    export = tmp_path / "ventes.csv"
    export.write_bytes((HEADER.rstrip("\n") + header_end + rows).encode())
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    summary = _summary(tmp_path, export, mapping, keys, monkeypatch, capsys)
    assert (summary["rows_accepted"], summary["rows_rejected"]) == (29, 1), summary
    rejects = (tmp_path / "pkg.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[1].startswith("6,"), rejects


def test_a_quote_left_open_in_the_header_is_still_said_so(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A header whose quote no line closes is no header wrapped in its cells: one sentence, nothing written."""
    name = "ventes.csv"
    content = ('Order ID,"E-mail,Event,Event Date,Order Date,Price\n' + ROWS).encode()
    code, said, _out = drafted(tmp_path, name, content, monkeypatch, capsys)
    refused(code, said, "ventes.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("mark", ["\x00", "\x1b"], ids=["nul", "escape"])
def test_a_control_character_in_a_header_name_does_not_lose_its_column(
        mark: str, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The draft named the column « Em\x00ail » as written; prepare reads the header without control
    # characters and said the mapping's column was missing (closest present: « Email »).
    name = "ventes.csv"
    content = (HEADER.replace("Email", f"Em{mark}ail") + ROWS).encode()
    code, said, mapping = drafted(tmp_path, name, content, monkeypatch, capsys)
    assert code == 0, said
    summary = _summary(tmp_path, tmp_path / name, mapping, keys, monkeypatch, capsys)
    assert (summary["rows_in"], summary["rows_accepted"]) == (30, 30)
    assert len(read_table(tmp_path / "pkg", "patron")) == 30
