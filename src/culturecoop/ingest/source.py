"""What every reader of an export shares: the ``SourceInfo`` it returns, how the profile's
columns are found in a header (and where the header is, when it is not on the first line), the
errors for empty files, and how a spreadsheet cell is rendered as text.

``ingest.read`` (delimited text, JSON lines) and ``ingest.read_xlsx`` (workbooks) both build on
this module; neither imports the other's internals.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.folding import fold
from culturecoop.i18n import _, count, plural
from culturecoop.ingest.attendees import Spread
from culturecoop.ingest.profile import SECTION_COLUMN, Profile
from culturecoop.ingest.shapes import EXCEL_EPOCH

# Where ``SourceInfo.lines_where`` inserts its condition.
LINE_FILTER = "/*lines*/"
# Control characters (C0 but tab, line feed and carriage return; DEL; C1): invisible bytes an
# export pads or breaks values with. Removed from every value read (an export's text, a cell), in
# Python and in SQL (RE2) alike, so that no title, name or identifier carries one.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_SQL = "'[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x{9f}]'"


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
    # The same for its other control characters (``CONTROL_CHARACTERS``: removed too).
    control_line: int | None = None
    control_count: int = 0
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
    # The lines (rows) below the header that write it again, as they are (a workbook's reader lists them;
    # a text export's are found by ``refuse_rows_twice``): no rows, like blank lines.
    header_again: list[int] = field(default_factory=list)
    # Reads the file again from a UTF-8 copy whose few lines of Windows-1252 are read as such, when the
    # reader stops on one beyond the file's head (``read._reread_mixed``); None when it cannot happen.
    mixed_utf8: Callable[[], None] | None = None
    # An order's attendees read a line each (``attendees.spread_file``): each line's row of the export.
    attendees: Spread | None = None

    def line_label(self, line_no: int) -> str:
        """The line ``line_no`` as the member finds it in the export: its number, and the attendee's when each
        order's attendees were read a line each (« 5 (attendee 2) »)."""
        if self.attendees is None:
            return str(line_no)
        return self.attendees.label(line_no, "{line}", _("{line} (attendee {n})"))

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        """Read the file's lines into the table ``source_lines``, once, in parallel.

        Every later step reads the table in parallel, and reading a few rows again is a join
        on the line number, not a second scan of the file.
        """
        if self.lines_sql:
            try:
                con.execute(self.lines_sql, self.lines_quick_params or self.lines_params)
            except (duckdb.InvalidInputException, duckdb.NotImplementedException) as exc:
                if self.mixed_utf8 is not None and _not_utf8(exc):
                    self.mixed_utf8()  # refuses the file when it is no UTF-8 text
                    self.mixed_utf8 = None
                    self.load(con)
                    return
                if self.lines_quick_params is None or not _line_too_long(exc):
                    raise self._too_long(exc) from None
                try:
                    con.execute(self.lines_sql, self.lines_params)
                except (duckdb.InvalidInputException, duckdb.NotImplementedException) as again:
                    raise self._too_long(again) from None
            self.lines_sql = ""
            if self.section_sql:
                con.execute(self.section_sql)
                found = con.execute("SELECT count_if(is_section), min_by(section, line_no) FILTER (WHERE is_section) "
                                    "FROM section_lines").fetchall()[0]
                self.section_lines, self.first_section = int(found[0] or 0), found[1]
                self.section_sql = ""

    def _too_long(self, exc: duckdb.Error) -> Exception:
        """The sentence for a line longer than the reader takes (``exc`` as it is when it is not that)."""
        if not _line_too_long(exc) or self.text_path is None:
            return exc
        limit = int(self.lines_params.get("max_line", 0))
        return line_too_long(self.path, first_line_longer(self.text_path, limit), limit >> 20)

    def lines_where(self, condition: str) -> str:
        """``relation`` restricted to the lines meeting ``condition`` (on ``line_no``), applied
        before any line is split: reading a few rows again costs a lookup, not a parse."""
        return self.relation.replace(LINE_FILTER, f"AND ({condition})")


def _not_utf8(exc: duckdb.Error) -> bool:
    """Whether DuckDB stopped on bytes that are no UTF-8."""
    text = str(exc).lower()
    return "unicode" in text or "utf-8" in text


def _line_too_long(exc: duckdb.Error) -> bool:
    """Whether DuckDB stopped on a line's size: longer than its ``max_line_size``, or than its buffer
    (which its parallel reader then reports as a full read it does not support)."""
    text = str(exc).lower()
    return "maximum line size" in text or (isinstance(exc, duckdb.NotImplementedException)
                                           and "parallel csv reader" in text)


def first_line_longer(path: Path, limit: int) -> int | None:
    """The 1-based number of the first line of ``path`` longer than ``limit`` bytes (None if none):
    read by blocks, only when a reading stopped on such a line."""
    number, length = 1, 0
    with path.open("rb") as f:
        while block := f.read(8 << 20):
            pieces = block.split(b"\n")
            for k, piece in enumerate(pieces):
                length += len(piece)
                if length > limit:
                    return number + k
                if k < len(pieces) - 1:
                    length = 0
            number += len(pieces) - 1
    return None


def line_too_long(path: Path, line: int | None, mb: int) -> UserError:
    return UserError(
        _("Line {line} of {path} is longer than {mb} MB, far too long for a row of an export; check that you "
          "gave the right file, or remove that line and prepare again.").format(
            line=line if line is not None else "?", path=path.name, mb=mb)
    )


def first_cell_alone(cells: list[str | None]) -> str | None:
    """The text of a row whose first cell alone is written (a line naming the show of the rows below
    it, in a list kept by hand), or None."""
    text = (cells[0] or "").strip() if cells else ""
    return text if text and not any((c or "").strip() for c in cells[1:]) else None


def _closest_columns(wanted: str, present: Iterable[str]) -> str:
    match = difflib.get_close_matches(wanted, list(present), n=1, cutoff=0.4)
    return _("\"{wanted}\" (closest present: \"{match}\")").format(wanted=wanted, match=match[0]) \
        if match else f"\"{wanted}\""


def ranked_names(header: list[str]) -> list[str]:
    """``header`` with each name written more than once numbered in its order (« Date (1) », « Date (2) »): two
    « Email » (the buyer's, the attendee's), two « Date » (the show's, the sale's), as a spreadsheet's user
    or a vendor writes them. Each column can then be named in a mapping; the draft reads each by its values.
    Empty names stay empty."""
    seen: dict[str, int] = {}
    twice = {name for name in header if name and header.count(name) > 1}
    out = []
    for name in header:
        if name in twice:
            seen[name] = seen.get(name, 0) + 1
            out.append(f"{name} ({seen[name]})")
        else:
            out.append(name)
    return out


_RANK = re.compile(r"^(.*) \((\d+)\)$")


def unranked(name: str) -> str:
    """A name as the export writes it, without the rank ``ranked_names`` gave it (« Date (2) » → « Date »)."""
    found = _RANK.match(name)
    return found.group(1) if found else name


def _named_twice(path: Path, missing: list[str], present: list[str]) -> UserError | None:
    """The sentence for a column the mapping names as the export writes it, when the export writes that name
    over several columns (numbered by ``ranked_names``): which one it means is unclear."""
    for column in missing:
        ranked = [(i, name) for i, name in enumerate(present, start=1)
                  if _RANK.match(name) and _loose(unranked(name)) == _loose(column)]
        if len(ranked) > 1:
            return UserError(
                _("The file {path} has {n} columns named “{column}” (columns {positions}) and the mapping reads that "
                  "name, so which one it means is unclear; name in the mapping the one to read: {names}.").format(
                    path=path.name, n=len(ranked), column=column, positions=", ".join(str(i) for i, _n in ranked),
                    names=_(" or ").join(_("“{label}”").format(label=name) for _i, name in ranked)))
    return None


def missing_columns(path: Path, profile: Profile, missing: list[str], present: list[str],
                     hint: str = "") -> UserError:
    if (twice := _named_twice(path, missing, present)) is not None:
        return twice
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
    case, accents and surrounding spaces, then a colon after the name: « Order Date: », « Prix : », as a
    report or a spreadsheet's label writes it), and the columns not found."""
    exact = {name: i + 1 for i, name in reversed(list(enumerate(header)))}
    loose = {_loose(name): i + 1 for i, name in reversed(list(enumerate(header)))}
    bare = {_bare(name): i + 1 for i, name in reversed(list(enumerate(header)))}
    positions: dict[str, int] = {}
    missing: list[str] = []
    for column in wanted:
        pos = exact.get(column) or loose.get(_loose(column)) or bare.get(_bare(column))
        if pos is None:
            missing.append(column)
        else:
            positions[column] = pos
    return positions, missing


def refuse_ambiguous_columns(path: Path, header: list[str], wanted: Iterable[str]) -> None:
    """Refuse (``UserError``) a column the mapping reads that the header names twice or more (two
    « Email », two « Date »): reading the first would be a guess. A repeated column the mapping
    does not read is no matter."""
    for column in wanted:
        same = [i for i, name in enumerate(header, start=1) if name == column] or [
            i for i, name in enumerate(header, start=1) if _loose(name) == _loose(column)]
        if len(same) > 1:
            raise UserError(
                _("The file {path} has {n} columns named “{column}” (columns {positions}) and the mapping reads "
                  "that name, so which one it means is unclear; rename all but one of them in the export's header "
                  "line (such as “{column} 2”), then name in the mapping the one to read.").format(
                    path=path.name, n=len(same), column=header[same[0] - 1], positions=", ".join(map(str, same))))


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


_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")


def other_delimiter(path: Path, profile: Profile, header_text: str) -> UserError | None:
    """The sentence for a header that names every column the mapping reads once split on another delimiter
    than the mapping's (a spreadsheet saved the export again with its own: « ; » in French), else None."""
    wanted = [c for c in profile.source_columns() if c != SECTION_COLUMN]
    for found in (";", ",", "\t", "|"):
        if found == profile.delimiter or found not in header_text:
            continue
        cells = [c.strip().strip(profile.quote or '"').strip() for c in header_text.split(found)]
        if wanted and not header_positions(cells, wanted)[1]:
            return UserError(
                _("The file {path} separates its columns with “{found}” where the mapping says “{said}”, as a "
                  "spreadsheet does when it saves a file again; set `delimiter: \"{found}\"` in the mapping (and "
                  "check `decimal`: such a file may write « 12,50 »), or give the file as it was exported.").format(
                    path=path.name, found="\\t" if found == "\t" else found,
                    said="\\t" if profile.delimiter == "\t" else profile.delimiter))
    return None


def _loose(name: str) -> str:
    # Without control characters: the reader takes them out of the header, a mapping may keep them.
    # Spaces of any run or kind as one: a name wrapped in its cell is read with a space for its break.
    # Nor byte-order marks and zero-width characters: invisible, left in a name by files joined or re-saved.
    return fold(" ".join(_INVISIBLE.sub("", CONTROL_CHARACTERS.sub("", name)).split()))


def _bare(name: str) -> str:
    """``_loose`` without the colons and spaces that end a label (« Order Date: », « Prix : »)."""
    return _loose(name).rstrip(" :\uff1a") or _loose(name)


def cut_in_a_character(path: Path) -> UserError:
    """The sentence for a UTF-8 file whose last bytes are the start of a character and no more: a file
    cut short (a download or a copy interrupted), not one in another encoding; read as Windows-1252 its
    every accent would be wrong, read as it is its last line would be half a row."""
    with path.open("rb") as f:
        lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
    return UserError(
        _("The file {path} ends in the middle of a character, on its last line ({line}): it was cut short (a "
          "download or a copy interrupted); export or download it again and give the whole file.").format(
            path=path.name, line=lines + 1))


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
    text = str(value)
    return text if text.isprintable() else CONTROL_CHARACTERS.sub("", text)


def bound_params(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters ``sql`` names (DuckDB refuses a named parameter the query does not use)."""
    return {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}


def header_again(path: Path, line: int) -> UserError:
    """The sentence for a line that names the header's columns in another order (two exports
    written one after the other): the rows below it would be read in the wrong columns."""
    return UserError(
        _("Line {line} of {path} is a header again, naming the columns in another order (two exports put one "
          "after the other?), so the rows below it would be read in the wrong columns; export the period again as "
          "one file, or give each export on its own.").format(line=line, path=path.name))


def is_header_again(cells: list[str], header: list[str]) -> bool:
    """Whether ``cells`` name the columns of ``header`` in another order: two at least of its filled
    cells, all header names (ignoring case and accents), one at least not its own column's. The header
    written again in its order (a report's next page) is no matter: its rows below read right."""
    written = [unranked(h) for h in header]  # as the export writes them, not as ``ranked_names`` numbers them
    names = {_loose(h) for h in written if h.strip()}
    filled = [(i, _loose(c)) for i, c in enumerate(cells) if c.strip()]
    return (len(filled) >= 2 and all(c in names for _i, c in filled)
            and any(i >= len(written) or c != _loose(written[i]) for i, c in filled))


def refuse_header_again(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile) -> None:
    """Refuse (``header_again``) an export whose rows set aside include the header written again with
    its columns in another order. Such a line is always set aside (a column's name is no date, no
    price), so only those rows are read again: the mapped columns' text, compared with their names."""
    if profile.format == "jsonl" or not info.header:
        return
    fields = [(f, spec.sources[0]) for f, spec in profile.columns.items()
              if spec.form == "column" and len(spec.sources) == 1 and f != "patron_id"]
    # Nothing set aside, nothing to read again (the comparison takes 0.06 s to plan).
    if len(fields) < 2 or not con.execute("SELECT count(*) FROM checked WHERE len(reasons) > 0").fetchall()[0][0]:
        return
    names = [_loose(h) for h in info.header if h.strip()]
    # The line's mapped cells, folded, as one list the three counts read: written as a sum of one term
    # per column for each count, the comparison took DuckDB half a second to plan for 28 columns.
    folded = [f"strip_accents(lower(trim(coalesce({f}, ''))))" for f, _s in fields]
    # Every cell written must be a name of the header: the lines whose first two cells are not are left before
    # every cell is folded (0.6 s → 0.1 s of CPU for the 80,000 rows set aside of a million).
    named = " AND ".join(f"({cell} = '' OR list_contains($header_names, {cell}))" for cell in folded[:2])
    params = {**info.params, "header_names": names, "own_names": [_loose(source) for _f, source in fields]}
    found = con.execute(
        f"""SELECT min(line_no) FROM (
              SELECT line_no, len(list_filter(cells, lambda c: list_contains($header_names, c))) AS in_header,
                     len(list_filter(cells, lambda c: c <> '')) AS filled,
                     len(list_filter(list_zip(cells, $own_names), lambda p: p[1] = p[2])) AS own
              FROM (SELECT line_no, [{", ".join(folded)}] AS cells FROM {info.lines_where(
                  "line_no IN (SELECT line_no FROM checked WHERE len(reasons) > 0)")} WHERE {named}))
            WHERE in_header >= 2 AND in_header = filled AND own < in_header""", params).fetchall()[0][0]
    if found is not None:
        raise header_again(info.path, int(found))


def header_across_lines(path: Path, start: str) -> UserError:
    """The sentence for a header whose quoted column name goes on over a line break (a cell wrapped
    in Excel: « E-mail⏎client »), ``start`` its text before the break: its header is not one line."""
    return UserError(
        _("The header of {path} writes a column name over two lines (“{start}…”), so its columns cannot be told "
          "apart; remove the line break from that name (in the spreadsheet, or in the export's settings) and "
          "give the file again.").format(path=path.name, start=start.strip()[:40]))


def open_quote_start(line: str, quote: str) -> str | None:
    """The text after the quote ``line`` leaves open (an odd count of ``quote``), or None."""
    return line.rsplit(quote, 1)[1] if quote and line.count(quote) % 2 else None


def rows_twice(path: Path, line: int, rows: int, first: int) -> UserError:
    """The sentence for the header written again (``line``) above ``rows`` rows that repeat rows above it,
    the first on line ``first``: the same export twice in one file, whose sales would count twice."""
    return UserError(plural(
        rows,
        "Line {line} of {path} writes the header again and the row below it on line {first} repeats a row above "
        "it word for word (the same export twice in one file?), so its sale would count twice; keep each row once "
        "(or export the period again as one file) and give the file again.",
        "Line {line} of {path} writes the header again and {n} rows below it, from line {first}, repeat rows above "
        "it word for word (the same export twice in one file?), so their sales would count twice; keep each row "
        "once (or export the period again as one file) and give the file again.").format(
        line=line, path=path.name, n=count(rows), first=first))


def refuse_rows_twice(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Refuse (``rows_twice``) an export whose header is written again below its rows with rows under it
    repeating rows above it: the same export put twice in one file, or two exports of periods that overlap.
    Read whole, each sale written twice would count twice (an export with no ticket number numbers the
    order's lines) or be set aside as a duplicate, a mass of rows for one reason the file's own.

    A report's next page writes the header again too, its rows others: one of its blocks is refused only
    when a fifth of its rows at least repeat earlier ones (an order's identical seats split by a page break
    are one or two rows). Only an export with a blank line (the header written again as it is is counted
    as one) or a row set aside (the header in capitals) is read again."""
    if not info.header:
        return
    again = list(info.header_again)
    if not again and info.text_path is not None and "header_text" in info.params:
        # The second export's header may carry its byte-order mark (« \ufeff »): the files were joined whole.
        # Only the lines not read as rows are compared (the header again is a blank line or a row set aside), in
        # a CASE: a condition beside it would be evaluated on every line first (strip_accents: 10 s of CPU per
        # million lines).
        # Folding a whole line costs (0.65 s of CPU for the 80,000 rows set aside of a million): a line whose
        # first characters are printable ASCII, which folding keeps as they are but for their case, is compared
        # only when they are the folded header's own.
        folded = str(con.execute("SELECT strip_accents(lower($h))", {"h": info.params["header_text"]}).fetchall()[0][0])
        head = re.match("[ -~]{0,16}", folded).group()  # type: ignore[union-attr]  # always matches
        prefix = f"lower(regexp_extract(raw, '^[ -~]{{{len(head)}}}')) NOT IN ('', $head) THEN false WHEN " if head else ""
        sql = (f"""SELECT line_no FROM (SELECT line_no, raw, line_no IN (SELECT line_no FROM checked
                                                                 WHERE reasons IS NULL OR len(reasons) > 0) AS unread
                                   FROM {info.relation})
                   WHERE CASE WHEN NOT unread THEN false WHEN {prefix}true
                              THEN strip_accents(lower(trim(raw, chr(13) || chr(65279)))) = $folded END ORDER BY 1""")
        params = {**info.params, "folded": folded, "head": head}
        again = [int(n) for (n,) in con.execute(sql, bound_params(sql, params)).fetchall() if n > info.header_line]
    if not again:
        return
    sql = f"""WITH r AS (SELECT line_no, trim(raw, chr(13) || chr(65279)) AS raw,
                                len(list_filter($again, lambda x: x < line_no)) AS block
                         FROM {info.relation} WHERE NOT blank),
                   b AS (SELECT line_no, block, min(block) OVER (PARTITION BY raw) < block AS twice FROM r)
              SELECT block, count(*), count_if(twice), min(line_no) FILTER (WHERE twice)
              FROM b WHERE block > 0 AND NOT list_contains($again, line_no) GROUP BY block ORDER BY block"""
    for block, rows, twice, first in con.execute(sql, bound_params(sql, {**info.params, "again": again})).fetchall():
        if twice and 5 * twice >= rows:
            raise rows_twice(info.path, again[int(block) - 1], int(twice), int(first))
