"""The vendor-layout writers tell the truth about what they wrote (other tests rely on it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from vendors import VENDORS, write_export


def _table(path: Path, settings: dict[str, object]) -> list[list[str]]:
    if settings["format"] == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        sheet = book[str(settings["sheet"])]
        rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    text = path.read_bytes().decode(str(settings["encoding"]))
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=str(settings["delimiter"])))


@pytest.mark.parametrize("vendor", VENDORS)
def test_truth_matches_the_file(vendor: str, tmp_path: Path) -> None:
    truth = write_export(vendor, tmp_path, rows=120, seed=3)
    table = _table(truth.path, truth.settings)
    assert table[truth.header_line - 1] == truth.header
    data_lines = [n for n in range(truth.header_line + 1, len(table) + 1) if n not in truth.not_rows]
    assert len(data_lines) == truth.rows
    assert set(truth.bad_rows) <= set(data_lines)
    for ticket in truth.tickets:
        row = table[ticket.line - 1]
        key = ticket.ticket_id or ticket.order_id
        assert key in row, (vendor, ticket.line, key, row)
        assert ticket.line not in truth.bad_rows
    # The truth's mapping names only columns the file has.
    for spec in truth.columns.values():
        names = spec if isinstance(spec, list) else spec.get("join", []) if isinstance(spec, dict) else [spec]
        assert set(names) <= set(truth.header), (vendor, names)


@pytest.mark.parametrize("vendor", VENDORS)
def test_same_seed_same_bytes(vendor: str, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_export(vendor, tmp_path / "a", rows=40, seed=11)
    second = write_export(vendor, tmp_path / "b", rows=40, seed=11)
    if first.settings["format"] == "xlsx":
        assert _table(first.path, first.settings) == _table(second.path, second.settings)
    else:
        assert first.path.read_bytes() == second.path.read_bytes()


def test_planted_quirks_are_there(tmp_path: Path) -> None:
    eventbrite = write_export("eventbrite-attendees", tmp_path, rows=200)
    # Attendee e-mail empty, buyer e-mail there: only a fallback list reads those rows.
    table = _table(eventbrite.path, eventbrite.settings)
    header = table[0]
    empty_attendee = [r for r in table[1:] if not r[header.index("Email")] and r[header.index("Buyer Email")]]
    assert len(empty_attendee) > 20
    tessitura = write_export("tessitura-history", tmp_path, rows=200)
    lines = tessitura.path.read_text(encoding="utf-8").splitlines()
    assert any("($" in line for line in lines) and "Grand Total" in lines[-1]
    assert any(t.status == "refunded" for t in tessitura.tickets)
    box_office = write_export("billetterie-fr", tmp_path, rows=200)
    with pytest.raises(UnicodeDecodeError):
        box_office.path.read_bytes().decode("utf-8")
    assert "’" in box_office.path.read_bytes().decode("cp1252")
    shotgun = write_export("shotgun-tickets", tmp_path, rows=50)
    assert all(t.unit_price * 100 == int(t.unit_price * 100) for t in shotgun.tickets)
    billetweb = write_export("billetweb-orders", tmp_path, rows=100)
    assert any(t.quantity > 1 for t in billetweb.tickets) and all(t.ticket_id is None for t in billetweb.tickets)
