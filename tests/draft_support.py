"""Reading an export through a drafted mapping, field by field, to compare with the writer's truth.

This is how the draft is judged before the pipeline runs: every good row's required fields
are read with the mapping's own settings (its strptime formats tried in DuckDB, month names,
``Z`` and offsets converted to its timezone, amounts scaled) and compared with what the
vendor-layout writer says must land in the warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from culturecoop.ingest.draft_preview import raw_preview
from culturecoop.ingest.read import render_cell
from culturecoop.ingest.shapes import named_date, read_amount, strip_zone
from culturecoop.ingest.sniff import Sample
from culturecoop.ingest.vocabulary import classify_status
from vendors import Truth


def rows_by_line(truth: Truth, mapping: dict[str, Any]) -> dict[int, dict[str, str | None]]:
    """Every source row (by line or sheet row) as the mapping's canonical fields, text as written."""
    lines: dict[int, list[str | None]] = {}
    if truth.settings["format"] == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(truth.path, read_only=True, data_only=True)
        sheet = book[mapping.get("sheet") or book.sheetnames[0]]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            lines[number] = [render_cell(v, mapping.get("decimal", ".")) for v in row]
        book.close()
    else:
        text = truth.path.read_bytes().decode(mapping["encoding"]).lstrip("\ufeff")
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=mapping["delimiter"]), start=1):
            lines[number] = [c if c != "" else None for c in row]
    header_line = mapping.get("skip_lines", 0) + 1
    while not any(lines.get(header_line) or []):
        header_line += 1
    header = [str(c or "").strip() for c in lines[header_line]]
    numbers = [n for n in sorted(lines) if n > header_line]
    sample = Sample(path=truth.path, format=truth.settings["format"], header=header,
                    rows=[lines[n] for n in numbers])
    read = raw_preview(sample, mapping["columns"], len(numbers))
    return dict(zip(numbers, read, strict=True))


def read_time(raw: str | None, mapping: dict[str, Any], con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """A time as the mapping reads it: named months, or its strptime formats; Z and offsets
    converted to the mapping's timezone (a local wall-clock time, as the warehouse keeps it)."""
    if raw is None:
        return None
    plain, zone = strip_zone(raw.strip())
    parsed = named_date(plain)
    if parsed is None:
        formats = [*mapping.get("datetime_formats", []), *mapping.get("date_formats", [])]
        if truth_xlsx(mapping):
            formats += ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
        for fmt in formats:
            value = con.execute("SELECT try_strptime(?, ?)", [plain, fmt]).fetchone()
            if value is not None and value[0] is not None:
                parsed = value[0]
                break
    if parsed is None or zone is None:
        return parsed
    offset = dt.UTC if zone == "Z" else dt.timezone(
        (-1 if zone[0] == "-" else 1) * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
    return parsed.replace(tzinfo=offset).astimezone(ZoneInfo(mapping["timezone"])).replace(tzinfo=None)


def truth_xlsx(mapping: dict[str, Any]) -> bool:
    return mapping.get("format") == "xlsx"


@dataclass
class Verdict:
    """How many good rows a drafted mapping reads right, and the first few it reads wrong."""

    rows: int = 0
    right: int = 0
    wrong: list[tuple[int, str, Any, Any]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.rows if self.rows else 0.0


def judge(truth: Truth, mapping: dict[str, Any]) -> Verdict:
    """Read every good row's ticket, order, event, time, price, status and e-mail through
    ``mapping`` and compare with the truth."""
    rows = rows_by_line(truth, mapping)
    con = duckdb.connect()
    verdict = Verdict()
    statuses = mapping.get("status_values", {})
    scale = Decimal(str(mapping.get("amount_scale", 1)))
    for ticket in truth.tickets:
        row = rows[ticket.line]
        checks: list[tuple[str, Any, Any]] = [
            ("event_id", row.get("event_id"), ticket.event_id),
            ("email", (row.get("email") or "").lower(), ticket.email.lower()),
            ("purchased_at", read_time(row.get("purchased_at"), mapping, con),
             ticket.purchased_at.replace(second=0)),
        ]
        if ticket.ticket_id is not None:
            checks.append(("ticket_id", row.get("ticket_id"), ticket.ticket_id))
        else:
            checks.append(("order_id", row.get("order_id"), ticket.order_id))
        if "event_starts_at" in mapping["columns"]:
            checks.append(("event_starts_at", read_time(row.get("event_starts_at"), mapping, con),
                           ticket.show.starts_at))
        amount = read_amount(row.get("unit_price") or "")
        checks.append(("unit_price", None if amount is None else amount * scale, ticket.unit_price))
        if "status" in mapping["columns"]:
            label = row.get("status") or ""
            status = statuses.get(label) or classify_status(label)
            # A refund written as a second row leaves the first one paid.
            expected = "sold" if truth.vendor == "tessitura-history" and ticket.status == "refunded" else ticket.status
            checks.append(("status", status, expected))
        verdict.rows += 1
        bad = [(name, got, want) for name, got, want in checks
               if not (got == want or (name == "purchased_at" and got is not None
                       and got.replace(second=0) == want))]
        if bad:
            if len(verdict.wrong) < 5:
                verdict.wrong.extend((ticket.line, *b) for b in bad[:1])
        else:
            verdict.right += 1
    con.close()
    return verdict


def write(tmp: Path, vendor: str, **options: Any) -> Truth:
    from vendors import write_export

    folder = tmp / vendor
    folder.mkdir(parents=True, exist_ok=True)
    return write_export(vendor, folder, **options)
