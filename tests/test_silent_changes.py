"""Values `prepare` used to change or drop without a word, and failures that were no sentence.

An adversarial tester's findings, each as a member meets it: a year written with four digits
below 100 (« 0001-01-01 ») read as 2001, a purchase in 1900 accepted, a capacity of 10¹² emptied
silently, a column the mapping reads written twice in the header, a NUL or an escape left in an
event's title, a 34 MB line that stopped `prepare` as an internal failure, and Ctrl-C landing once
the package was complete reported as a stop that left nothing.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import run_cli_here as run_cli
from culturecoop.errors import UserError
from culturecoop.ingest import read
from culturecoop.ingest.package import MemberInfo, verify_package
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import load_profile
from culturecoop.ingest.rejects import read_rejects

CANONICAL = Path(__file__).parent / "fixtures" / "exports" / "canonical.csv"
FESTIVAL = Path(__file__).parent / "fixtures" / "exports" / "festival-jsonl.jsonl"


def _canonical_rows() -> tuple[list[str], list[list[str]]]:
    with CANONICAL.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, [r for r in rows if len(r) == len(header)][:4]


HEADER, ROWS = _canonical_rows()
AT = {name: i for i, name in enumerate(HEADER)}


def export(tmp_path: Path, edits: dict[int, dict[str, str]] | None = None, *, copies: int = 1,
           header: list[str] | None = None, extra: list[str] | None = None) -> Path:
    """The canonical export's four good rows (``copies`` times, each copy with its own ticket ids),
    the row ``i`` (0-based, over all copies) with the fields of ``edits[i]`` replaced; ``extra``
    columns appended to every row under the ``header``'s extra names."""
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header or HEADER)
        for copy in range(copies):
            for k, row in enumerate(ROWS):
                row = list(row)
                row[AT["ticket_id"]] += f"-{copy}"
                for field, value in (edits or {}).get(copy * len(ROWS) + k, {}).items():
                    row[AT[field]] = value
                writer.writerow(row + (extra or []))
    return path


def run_prepare(source: Path, keys: Path, out: Path, *extra: str, profile: str = "canonical") -> tuple[int, str, str]:
    """Exit code, the summary as a reader reads it (standard error, lines joined), the JSON (standard output)."""
    result = run_cli("prepare", str(source), "--member", "m1", "--profile", profile, "--keys", str(keys),
                     "--out", str(out), *extra)
    return result.returncode, " ".join(result.stderr.split()), result.stdout


def rejects(out: Path) -> dict[int, list[str]]:
    # A raw line of 34 MB: read_rejects reads fields of any length.
    return {int(r["line"]): r["reasons"].split(";") for r in read_rejects(out.with_name(out.name + ".rejects.csv"))}


def one_sentence(stderr: str) -> str:
    text = " ".join(stderr.split())
    assert "Traceback" not in stderr and text.startswith("Error:"), stderr
    return text


# 1. Dates: a year written with four digits is what it says; before 1950 no ticket was sold.

def test_a_four_digit_year_below_100_is_never_read_as_another_year(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, {0: {"purchased_at": "0001-01-01T10:00:00"},
                               2: {"purchased_at": "1900-01-01T10:00:00"},
                               3: {"event_starts_at": "0026-04-01T22:00:00"}})
    out = tmp_path / "pkg"
    code, said, _json = run_prepare(source, keys, out)
    assert code == 0, said
    # The purchases of year 1 (not 2001) and of 1900 are set aside with their reason, and said.
    assert rejects(out) == {2: ["implausible_purchased_at"], 4: ["implausible_purchased_at"]}
    assert "purchase time before 1950" in said
    purchases = pq.read_table(out / "ticket.parquet").column("purchased_at").to_pylist()
    assert all(p.year == 2026 for p in purchases) and len(purchases) == 2
    # The show written in year 26 is left empty and counted, never moved to 2026.
    events = {e["event_id"]: e for e in pq.read_table(out / "event.parquet").to_pylist()}
    assert events["E3"]["starts_at"] is None
    assert "implausible “Event date and time” (event_starts_at); it was left empty" in said


def test_a_column_of_early_years_is_refused_in_one_sentence(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, {k: {"purchased_at": "0026-01-10T19:30:00"} for k in range(12)}, copies=3)
    out = tmp_path / "pkg"
    code, said, _json = run_prepare(source, keys, out)
    assert code == 2
    text = one_sentence(said)
    assert "purchase time before 1950" in text and "0026-01-10T19:30:00" in text
    assert not out.exists() and not out.with_name("pkg.rejects.csv").exists()


# 2. A capacity out of bounds is emptied, and said.

def test_a_capacity_out_of_bounds_is_said_in_the_summary(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, {0: {"capacity": "1000000000000"}})
    out = tmp_path / "pkg"
    code, said, stdout = run_prepare(source, keys, out, "--json")
    assert code == 0, said
    assert ("One event had a “Capacity” (capacity) that is not a whole number of seats from 0 to 2,000,000,000; "
            "it was left empty, the event was kept.") in said
    assert json.loads(stdout)["values_dropped"]["capacity"] == 1
    events = {e["event_id"]: e for e in pq.read_table(out / "event.parquet").to_pylist()}
    assert events["E1"]["capacity"] is None and events["E2"]["capacity"] == 150


# 3. A column the mapping reads, written twice in the header.

def test_a_duplicated_column_the_mapping_reads_is_refused(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, header=[*HEADER, "email"], extra=["someone.else@example.com"])
    out = tmp_path / "pkg"
    code, said, _json = run_prepare(source, keys, out)
    assert code == 2
    text = one_sentence(said)
    assert "2 columns named “email” (columns 20, 30)" in text, text
    assert "name in the mapping the one to read: “email (1)” or “email (2)”" in text, text
    assert not out.exists()


def test_a_drafted_mapping_reads_each_of_two_columns_named_alike(tmp_path: Path) -> None:
    """Two « Email » (the buyer's, the attendee's): the draft names them « Email (1) », « Email (2) » as prepare
    reads them, and the check takes its mapping (until 2026-12-07 the check refused it, and the member had to
    rename a column in the export)."""
    source = tmp_path / "twice.csv"
    source.write_text("Order ID,Email,Email,Event,Event Date,Order Date,Price\n" + "".join(
        f"{n},a{n}@x.example,b{n}@x.example,Jazz,2026-01-02 20:00,2025-12-01 10:00,10\n" for n in range(30)),
        encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    assert run_cli("mapping", "draft", str(source), "--out", str(mapping)).returncode == 0
    assert "email: [Email (1), Email (2)]" in mapping.read_text(encoding="utf-8")
    result = run_cli("mapping", "check", str(source), "--mapping", str(mapping))
    assert result.returncode == 0, result.stderr


def test_a_duplicated_column_the_mapping_does_not_read_is_no_matter(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, header=[*HEADER, "Notes", "Notes"], extra=["a", "b"])
    code, said, _json = run_prepare(source, keys, tmp_path / "pkg")
    assert code == 0, said


def test_a_duplicated_column_in_a_workbook_is_refused(tmp_path: Path, keys: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADER, "event_id"])
    for row in ROWS:
        sheet.append([*row, "E9"])
    book.save(tmp_path / "export.xlsx")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("format: xlsx\ncolumns:\n" + "".join(f"  {h}: {h}\n" for h in HEADER), encoding="utf-8")
    result = run_cli("prepare", str(tmp_path / "export.xlsx"), "--member", "m1", "--mapping", str(mapping),
                     "--keys", str(keys), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 2
    assert "2 columns named “event_id”" in one_sentence(result.stderr)


# 4. Control characters never reach a value.

def test_control_characters_are_removed_from_every_text_and_said(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, {0: {"event_title": "Jazz\x00, la\x1b nuit"}, 1: {"venue": "Salle\x07 B"},
                               3: {"event_id": "E\x003"}})
    out = tmp_path / "pkg"
    code, said, _json = run_prepare(source, keys, out)
    assert code == 0, said
    events = {e["event_id"]: e for e in pq.read_table(out / "event.parquet").to_pylist()}
    assert set(events) == {"E1", "E2", "E3"}
    assert events["E1"]["title"] == "Jazz, la nuit" and events["E2"]["venue"] == "Salle B"
    assert "Line 2 of the file holds a NUL character" in said
    assert "Line 2 of the file holds a control character" in said and "2 in the file): each was removed" in said


def test_control_characters_written_as_json_escapes_are_removed(tmp_path: Path, keys: Path) -> None:
    lines = FESTIVAL.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["event"]["name"] = "Nuits\u0007 : Tessellate"
    source = tmp_path / "export.jsonl"
    source.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    out = tmp_path / "pkg"
    code, said, _json = run_prepare(source, keys, out, "--max-reject-share", "1", profile="festival-jsonl")
    assert code == 0, said
    titles = pq.read_table(out / "event.parquet").column("title").to_pylist()
    assert "Nuits : Tessellate" in titles and not any("\x07" in t for t in titles)
    assert "Line 1 of the file holds a control character" in said


# 5. A line far too long is set aside, or refused in one sentence: never an internal failure.

def test_a_34_mb_line_is_set_aside_as_unreadable(tmp_path: Path, keys: Path) -> None:
    long = "x" * (34 << 20)
    source = export(tmp_path, {1: {"event_title": long}})
    out = tmp_path / "pkg"
    code, said, _json = run_prepare(source, keys, out, "--max-reject-share", "1")
    assert code == 0, said
    assert rejects(out) == {3: ["malformed_line"]}
    # Its reason in words says the length, not only quoting and columns the line does not get wrong.
    [row] = read_rejects(out.with_name(out.name + ".rejects.csv"))
    assert "longer than 1 MB" in row["explanation"], row["explanation"]
    assert verify_package(out).manifest["rows"]["accepted"] == 3


def test_a_line_longer_than_the_reader_takes_is_refused_in_one_sentence(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reader's limits made small, so that a small file goes past them as a 70 MB line does.
    monkeypatch.setattr(read, "_QUICK_LINE_BYTES", 1 << 20)
    monkeypatch.setattr(read, "_READ_LINE_BYTES", 2 << 20)
    source = export(tmp_path, {2: {"event_title": "x" * (5 << 20)}})
    out = tmp_path / "pkg"
    with pytest.raises(UserError) as refused:
        prepare(source, member=MemberInfo("m1", "m1"), profile=load_profile("canonical"), keys_dir=keys, out=out,
                today=date(2026, 6, 15))
    assert str(refused.value).startswith("Line 4 of export.csv is longer than 2 MB")
    assert not out.exists()


# 6. Ctrl-C once the package is in place: said as it is.

_STOP_AFTER_COMMIT = """
import os, signal, sys
from pathlib import Path

import culturecoop.files as files

real = files.commit


def commit(partial: Path, target: Path, *, replace: bool = True) -> None:
    real(partial, target, replace=replace)
    if target.name == "pkg":  # the package folder renamed into place: Ctrl-C now
        os.kill(os.getpid(), signal.SIGINT)


files.commit = commit
from culturecoop.cli.main import main

sys.argv = ["culturecoop", *sys.argv[1:]]
main()
"""


def test_ctrl_c_once_the_package_is_complete_says_it_is_complete(tmp_path: Path, keys: Path) -> None:
    import os
    import subprocess

    script = tmp_path / "stop_after_commit.py"
    script.write_text(_STOP_AFTER_COMMIT, encoding="utf-8")
    out = tmp_path / "pkg"
    result = subprocess.run(
        [sys.executable, str(script), "prepare", str(export(tmp_path)), "--member", "m1", "--profile", "canonical",
         "--keys", str(keys), "--out", str(out)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "CULTURECOOP_LANG": "en"})
    assert result.returncode == 130
    text = one_sentence(result.stderr)
    assert "once the package was complete" in text and str(out) in text
    assert "run the command again" not in text
    assert verify_package(out).manifest["rows"]["accepted"] == 4
    assert out.with_name("pkg.rejects.csv").exists()
