"""What every reader of an export shares: the ``SourceInfo`` it returns, how the profile's
columns are found in a header (and where the header is, when it is not on the first line), the
errors for empty files, and how a spreadsheet cell is rendered as text.

``ingest.read`` (delimited text, JSON lines) and ``ingest.read_xlsx`` (workbooks) both build on
this module; neither imports the other's internals.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.shapes import EXCEL_EPOCH

# Where ``SourceInfo.lines_where`` inserts its condition.
LINE_FILTER = "/*lines*/"


@dataclass
class SourceInfo:
    """Where the rows are: ``relation`` is a SQL subquery (with ``params``) yielding
    ``line_no, raw, blank, malformed`` and one text column per canonical field."""

    path: Path
    text_path: Path | None
    header: list[str]
    header_line: int
    relation: str
    params: dict[str, Any]
    blank_rows: int = 0  # blank rows already left out of ``relation`` (spreadsheets)
    # SQL (with ``lines_params``) creating the ``source_lines`` table that ``relation`` reads.
    lines_sql: str = ""
    lines_params: dict[str, Any] = field(default_factory=dict)
    # Parameters tried first, quicker on most files; ``lines_params`` only when DuckDB stops on a
    # line's size with them.
    lines_quick_params: dict[str, Any] | None = None
    # The line of the first NUL byte of a text export, and how many it holds (read as nothing).
    nul_line: int | None = None
    nul_count: int = 0
    # Sentences about what was read or left (a workbook's other sheets), for the summary's warnings.
    notes: list[str] = field(default_factory=list)
    # SQL creating ``section_lines`` once the lines are loaded (a mapping reading ``(section)``); then
    # the lines that name the show of the rows below them, and the first one's text.
    section_sql: str = ""
    section_lines: int = 0
    first_section: str | None = None
    # The day Excel's serial dates count from (``dates.format_params``): 1 January 1904 in a workbook of
    # Excel for Mac's 1904 date system, else 30 December 1899.
    serial_base: datetime = EXCEL_EPOCH

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        """Read the file's lines into the table ``source_lines``, once, in parallel.

        Every later step reads the table in parallel, and reading a few rows again is a join
        on the line number, not a second scan of the file.
        """
        if self.lines_sql:
            try:
                con.execute(self.lines_sql, self.lines_quick_params or self.lines_params)
            except duckdb.InvalidInputException as exc:
                if self.lines_quick_params is None or "maximum line size" not in str(exc).lower():
                    raise
                con.execute(self.lines_sql, self.lines_params)
            self.lines_sql = ""
            if self.section_sql:
                con.execute(self.section_sql)
                found = con.execute("SELECT count_if(is_section), min_by(section, line_no) FILTER (WHERE is_section) "
                                    "FROM section_lines").fetchall()[0]
                self.section_lines, self.first_section = int(found[0] or 0), found[1]
                self.section_sql = ""

    def lines_where(self, condition: str) -> str:
        """``relation`` restricted to the lines meeting ``condition`` (on ``line_no``), applied
        before any line is split: reading a few rows again costs a lookup, not a parse."""
        return self.relation.replace(LINE_FILTER, f"AND ({condition})")


def first_cell_alone(cells: list[str | None]) -> str | None:
    """The text of a row whose first cell alone is written (a line naming the show of the rows below
    it, in a list kept by hand), or None."""
    text = (cells[0] or "").strip() if cells else ""
    return text if text and not any((c or "").strip() for c in cells[1:]) else None


def _closest_columns(wanted: str, present: Iterable[str]) -> str:
    match = difflib.get_close_matches(wanted, list(present), n=1, cutoff=0.4)
    return _("\"{wanted}\" (closest present: \"{match}\")").format(wanted=wanted, match=match[0]) \
        if match else f"\"{wanted}\""


def missing_columns(path: Path, profile: Profile, missing: list[str], present: list[str],
                     hint: str = "") -> UserError:
    described = ", ".join(_closest_columns(m, present) for m in missing)
    if hint:
        return UserError(
            _("The file {path} lacks the column(s) {columns} that the profile {profile} maps on its header "
              "line, but {hint}.").format(path=path.name, columns=described, profile=profile.name, hint=hint)
        )
    return UserError(
        _("The file {path} lacks the column(s) {columns} that the profile {profile} maps; export them or "
          "fix the column names in a mapping file (--mapping).").format(
            path=path.name, columns=described, profile=profile.name)
    )


def header_positions(header: list[str], wanted: list[str]) -> tuple[dict[str, int], list[str]]:
    """1-based position in ``header`` of each ``wanted`` column (exact name first, then ignoring
    case, accents and surrounding spaces), and the columns not found."""
    exact = {name: i + 1 for i, name in reversed(list(enumerate(header)))}
    loose = {_loose(name): i + 1 for i, name in reversed(list(enumerate(header)))}
    positions: dict[str, int] = {}
    missing: list[str] = []
    for column in wanted:
        pos = exact.get(column) or loose.get(_loose(column))
        if pos is None:
            missing.append(column)
        else:
            positions[column] = pos
    return positions, missing


def match_columns(path: Path, profile: Profile, header: list[str], hint: str = "") -> dict[str, int]:
    """Source column -> 1-based position in ``header`` for every column the profile reads."""
    positions, missing = header_positions(header, profile.source_columns())
    if missing:
        raise missing_columns(path, profile, missing, header, hint)
    return positions


def header_hint(profile: Profile, rows: list[tuple[int, list[str]]]) -> str:
    """Where the profile's header seems to be among ``rows`` (line number, cells), as advice:
    the export has a title block above its table."""
    wanted = profile.source_columns()
    for number, cells in rows:
        _found, missing = header_positions([c.strip() for c in cells], wanted)
        if not missing:
            return _("line {line} holds them all: add `skip_lines: {skip}` to the mapping").format(
                line=number, skip=number - 1)
    return ""


def _loose(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def empty_file(path: Path) -> UserError:
    return UserError(
        _("The file {path} is empty; export the data again from your ticketing software.").format(path=path.name)
    )


def header_only(path: Path) -> UserError:
    return UserError(
        _("The file {path} has a header but no data rows; export a period that has sales.").format(path=path.name)
    )


def render_cell(value: Any, decimal: str) -> str | None:
    """The text of one spreadsheet cell as the profile's parsers expect it (ISO dates)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", decimal)
    return str(value)
