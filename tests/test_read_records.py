"""Which exports are rewritten before reading: a quoted cell spanning lines (a line break typed in a
spreadsheet cell) joins its record's lines; a quote left open never does.

``read._records_across_lines`` decides it from the lines with an odd number of quotes alone, so that
a large export is not read line by line in Python; it must decide as the reader itself
(``read._records``) would, on every file."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import yaml

from culturecoop.ingest import read
from culturecoop.ingest.prepare import check_export
from culturecoop.ingest.profile import load_profile, parse_profile

CELLS = ("a", "b c", '"x"', '"y', 'z"', '""', '"q,r"', "", '"m\nn"', "1", '"', 'é"', '"s\n\nt"')


def _quick_check(path: Path, profile: read.Profile) -> bool:
    return read._records_across_lines(path, profile, read._scan_text(path, b'"').odd_quote_lines)


def _spans_as_the_reader_says(path: Path, profile: read.Profile) -> bool:
    with path.open("rb") as f:
        return any(taken > 1 for _record, taken in read._records(iter(f), profile))


@pytest.mark.parametrize("longest", [3, read.MAX_LINES_PER_RECORD])
def test_the_quick_check_decides_as_the_reader_on_random_files(longest: int, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_LINES_PER_RECORD", longest)
    rng = random.Random(longest)
    canonical = load_profile("canonical")
    spanning = 0
    for trial in range(1500):
        width = rng.randint(1, 4)
        profile = dataclasses.replace(canonical, skip_lines=rng.choice([0, 0, 1, 2]))
        lines = [",".join(rng.choice(CELLS) for _ in range(rng.randint(width - 1, width + 1)))
                 for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.3:
            lines.insert(0, "")
        path = tmp_path / f"{trial}.csv"
        path.write_bytes(("\n".join(lines) + rng.choice(["", "\n"])).encode())
        expected = _spans_as_the_reader_says(path, profile)
        assert _quick_check(path, profile) == expected, path.read_text()
        spanning += expected
    assert 300 < spanning < 1200  # both answers drawn often


def test_broken_quotes_far_apart_leave_the_file_as_it_is(tmp_path: Path) -> None:
    # Two quotes left open 60 lines apart: each line stays malformed; nothing is joined.
    profile = load_profile("canonical")
    header = ",".join(["c"] * 3)
    body = ["1,2,3"] * 60
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, '"4,5,6', *body, '7,8,9"', "1,2,3"]) + "\n", encoding="utf-8")
    assert not _quick_check(path, profile)
    path.write_text("\n".join([header, '"4,5,6', *body[:40], '7,8,9"', "1,2,3"]) + "\n", encoding="utf-8")
    assert not _quick_check(path, profile)  # joined, 42 lines make no 3-column record
    path.write_text("\n".join([header, '1,"4\n5",6', "1,2,3"]) + "\n", encoding="utf-8")
    assert _quick_check(path, profile)


def test_a_nul_byte_is_said_on_its_line_after_a_cell_spanning_lines(tmp_path: Path) -> None:
    # The line a NUL byte is said on is the file's, as the member's editor numbers it, though a
    # record before it was joined from two lines.
    export = tmp_path / "liste.csv"
    rows = [f"2025-11-{day:02d};Roy{day};r{day}@videotron.ca;1;22,00;" for day in range(1, 9)]
    rows[1] += '"fauteuil roulant\nplace en bordure"'
    rows[5] = rows[5].replace("Roy6", "Ro\x00y6")
    export.write_bytes(("Date;Nom;Courriel;Nb billets;Prix;Remarques\n" + "\n".join(rows) + "\n").encode())
    columns = {"purchased_at": "Date", "last_name": "Nom", "email": "Courriel", "quantity": "Nb billets",
               "unit_price": "Prix", "order_id": {"join": ["Courriel", "Date"]}, "event_id": {"file_name": True}}
    profile = parse_profile(yaml.safe_dump({"delimiter": ";", "decimal": ",", "columns": columns}), source="m.yaml")
    summary = check_export(export, profile)
    assert (summary.rows_in, summary.rows_accepted) == (8, 8)
    # Header, row 1, row 2 on two lines, rows 3 to 5: row 6 is line 8.
    assert any(w.startswith("Line 8 of the file holds a NUL character") and "in the file: 1" in w
               for w in summary.warnings), summary.warnings
