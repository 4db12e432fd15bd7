"""Reading an export as text rows: one per source line, with its number and raw text.

``read_source`` checks the file (exists, not empty, encoding, columns) and returns a
``SourceInfo`` whose ``relation`` is a SQL subquery over the file::

    (line_no BIGINT, raw VARCHAR, blank BOOLEAN, malformed BOOLEAN, <one VARCHAR per canonical field>)

``SourceInfo.load`` reads the file's lines into the table ``source_lines`` once;
``validate.check_rows`` splits them all, ``SourceInfo.lines_where`` a few again.

Why not DuckDB's CSV parser directly? Rejects must name the exact source line and carry the
raw line, and a broken quote must be one ``malformed_line`` reject, not a parser that swallows
the following lines into one field (RFC 4180 lets a quoted field span lines) or stops the
file; ``store_rejects`` reports only parser failures, and the ordinal of an accepted row is
no line number once one record has spanned lines. So the file is read as *lines* by DuckDB
into a table, in file order (DuckDB's ``preserve_insertion_order``, on by default and set by
``prepare``), where a line's row id is its line number minus one (numbering the lines as they
are read, ``WITH ORDINALITY``, would confine the reading to one thread). Each line is split
into fields in SQL: a line without a quote character is a plain ``string_split``; a line with
quotes is split on the quote character, the delimiters outside quotes become field breaks. An
odd number of quotes (an unterminated quote) or a wrong field count makes the line malformed.
A quoted field that spans lines (a line break typed inside a spreadsheet cell) is joined
beforehand into its record's first line, the lines it took left blank so that every other line
keeps its number (``_joined_records``); a quote left open stays a ``malformed_line`` reject on
each of its lines, counted, never lost and never swallowing the lines after it.

Encodings other than UTF-8 are transcoded to a UTF-8 temporary file in streaming chunks
(DuckDB reads only UTF-8, UTF-16 and a strict Latin-1); JSON lines are validated and
extracted with DuckDB's JSON functions; XLSX sheets are read with openpyxl (real date and
number cells rendered in ISO form, see ``read_xlsx``).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, AnyStr

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.attendees import Spread, spread_file
from culturecoop.ingest.columns import field_expressions, is_large
from culturecoop.ingest.jsondoc import as_json_lines, is_document, loads
from culturecoop.ingest.profile import ALTERNATIVES, REQUIRED_FIELDS, SECTION_COLUMN, Profile
from culturecoop.ingest.source import (
    CONTROL_CHARACTERS,
    CONTROL_CHARACTERS_SQL,
    LINE_FILTER,
    SourceInfo,
    cut_in_a_character,
    empty_file,
    header_across_lines,
    header_hint,
    header_only,
    header_positions,
    line_too_long,
    match_columns,
    missing_columns,
    open_quote_start,
    other_delimiter,
    ranked_names,
    refuse_ambiguous_columns,
    render_cell,
)

# Re-exported: callers read these from here.
__all__ = ["SourceInfo", "empty_file", "header_only", "match_columns", "read_source", "render_cell",
           "transcode_to_utf8", "translate_read_error"]
from culturecoop.ingest.encodings import mac_roman_rather, mixed_head, mixed_note, transcode_mixed
from culturecoop.ingest.filekind import check_source

# A separator that never occurs in text: DuckDB's CSV reader then returns each line whole.
_NO_DELIMITER = "\x01\x02\x03"
_CHUNK = 8 << 20
# A delimiter inside quotes while a quoted line is split (``_csv_relation``), given back in each field: a
# control character, so never in a line read (``source.CONTROL_CHARACTERS`` are removed).
_QUOTED_DELIMITER = "\x1e"
# ``source.CONTROL_CHARACTERS`` as bytes of UTF-8 text (C1 characters are two bytes: found by DuckDB's
# cleaning only), and as JSON escapes (« \u0000 », « \u001b »).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_OTHER_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED_CONTROLS = re.compile(rb"(?<!\\)\\u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")
# A row of an export is at most a few kilobytes: a longer line is quarantined as malformed, and
# DuckDB reads lines up to _READ_LINE_BYTES (its default, 2 MB, would stop the whole file).
MAX_LINE_BYTES = 1 << 20
_READ_LINE_BYTES = 64 << 20
# DuckDB reads a file on one core when its buffer (twice the longest line it accepts, at least)
# holds a large part of the file: lines are read first with this limit, and again with the one
# above only when a longer line stops the reading.
_QUICK_LINE_BYTES = 8 << 20


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of byte ``offset`` of ``path``."""
    count = 1
    done = 0
    with path.open("rb") as f:
        while done < offset:
            block = f.read(min(_CHUNK, offset - done))
            if not block:
                break
            count += block.count(b"\n")
            done += len(block)
    return count


def _first_utf8_error(path: Path) -> int | None:
    """The offset of the first byte of ``path`` that is not UTF-8; -1 when the only one is a character
    cut at the end of the file (``source.cut_in_a_character``)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    utf8 = False  # a character of several bytes read whole (or the byte-order mark): UTF-8 indeed
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return done + exc.start
            utf8 = utf8 or re.search(rb"[\x80-\xff]", block[:-3]) is not None
            done += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return -1 if utf8 else done - 1  # else a last letter of Windows-1252 (« Café » at the very end)
    return None


def _head(path: Path, n: int) -> bytes:
    with path.open("rb") as f:
        return f.read(n)


def _not_utf8(path: Path, offset: int | None) -> UserError:
    if offset == -1:
        return cut_in_a_character(path)
    head = _head(path, 4 << 20)
    suggestion = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else \
        "mac_roman" if mac_roman_rather(head) else "cp1252"
    line = _line_of(path, offset) if offset is not None else 1
    return UserError(
        _("The file {path} is not UTF-8 text (first invalid byte on line {line}); it looks like {encoding}: "
          "use a mapping with `encoding: {encoding}` (Excel in French usually writes cp1252).").format(
            path=path.name, line=line, encoding=suggestion)
    )


def transcode_to_utf8(path: Path, encoding: str, out: Path) -> None:
    """Copy ``path`` decoded from ``encoding`` to ``out`` as UTF-8, in streaming chunks.

    Refuses (``UserError``) bytes the encoding does not define, a UTF-8 file declared as a
    single-byte encoding, Windows-1252 punctuation declared as Latin-1, and a file declared
    UTF-16 that has neither a byte-order mark nor NUL bytes.
    """
    name = codecs.lookup(encoding).name
    decoder = codecs.getincrementaldecoder(name)(errors="strict")
    checked_utf8 = False
    done = 0
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while block := src.read(_CHUNK):
            if done == 0 and name.startswith("utf-16") and block[:2] not in (b"\xff\xfe", b"\xfe\xff") \
                    and b"\x00" not in block[:4096]:
                raise UserError(
                    _("The file {path} does not look like UTF-16 text; set the mapping's encoding to the one "
                      "the file was saved in (utf-8 or cp1252).").format(path=path.name)
                )
            if not checked_utf8 and not name.startswith("utf") and re.search(rb"[\x80-\xff]", block):
                checked_utf8 = True
                if _looks_utf8(block):
                    raise UserError(
                        _("The file {path} looks like UTF-8 text but the mapping says {encoding}; use "
                          "`encoding: utf-8` (or the built-in profile meant for UTF-8 files).").format(
                            path=path.name, encoding=encoding)
                    )
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise UserError(
                    _("The file {path} is not valid {encoding} text (line {line}); check which encoding the "
                      "file was saved in and set it in the mapping (utf-8, cp1252 or latin-1).").format(
                        path=path.name, encoding=encoding, line=_line_of(path, done + exc.start))
                ) from None
            if name == "iso8859-1" and re.search("[\x80-\x9f]", text):
                raise UserError(
                    _("The file {path} holds Windows-1252 characters (such as curly quotes) that Latin-1 does "
                      "not have; use `encoding: cp1252` in the mapping.").format(path=path.name)
                )
            dst.write(text.lstrip("\ufeff") if done == 0 else text)
            done += len(block)
        dst.write(decoder.decode(b"", final=True))


def _looks_utf8(block: bytes) -> bool:
    """True when the non-ASCII bytes of ``block`` form valid multi-byte UTF-8 sequences."""
    try:
        block.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sequence cut at the end of the block is still UTF-8.
        return exc.start >= len(block) - 3 and exc.reason == "unexpected end of data"
    return True


def read_source(path: Path, profile: Profile, workdir: Path,
                con: duckdb.DuckDBPyConnection) -> SourceInfo:
    """Check ``path`` and describe its rows as a relation (see the module docstring).

    Raises ``UserError`` for a missing or empty file, a wrong encoding (detected on the
    first lines here; ``translate_read_error`` covers the rest of the file) or missing columns.
    """
    if not path.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=path))
    if path.is_dir():
        raise UserError(_("The path {path} is a folder; give the export file itself.").format(path=path))
    if path.stat().st_size == 0:
        raise empty_file(path)
    check_source(path, profile)  # what the file really is: gzip, xlsx, PDF... before decoding
    if profile.format == "xlsx":
        from culturecoop.ingest.read_xlsx import read_xlsx

        return read_xlsx(con, path, profile)
    text_path = path
    notes: list[str] = []
    if codecs.lookup(profile.encoding).name not in ("utf-8", "utf-8-sig"):
        text_path = workdir / "source.utf8"
        transcode_to_utf8(path, profile.encoding, text_path)
    elif _head(path, 2) in (b"\xff\xfe", b"\xfe\xff"):
        raise _not_utf8(path, 0)
    elif mixed_head(path):  # UTF-8 but for a few lines of Windows-1252: read them as such, and say so
        text_path = workdir / "source.utf8"
        notes.append(_transcoded_mixed(path, text_path))
    quote = profile.quote.encode() if profile.format == "csv" and profile.quote else None
    json_escapes = profile.format == "jsonl"
    scan = _scan_text(text_path, quote, json_escapes=json_escapes)
    if scan.lone_carriage_returns:
        text_path = _with_line_feeds(text_path, workdir / "source.lf")
        scan = _scan_text(text_path, quote, json_escapes=json_escapes)
    nul_path = text_path  # joining a record's lines keeps every line's number
    if quote is not None and _records_across_lines(text_path, profile, scan.odd_quote_lines):
        text_path = _joined_records(text_path, workdir / "source.joined", profile)
    spread = _attendees_spread(path, text_path, profile, workdir)
    if spread is not None:  # an order's attendees side by side: a line each (``attendees``)
        text_path = workdir / "source.attendees"
        scan = _scan_text(text_path, quote)
    if profile.format == "jsonl" and is_document(text_path):
        # One JSON document (an API's answer saved to a file): its records as JSON lines.
        text_path = nul_path = as_json_lines(text_path, workdir / "source.jsonl")
        scan = _scan_text(text_path, None, json_escapes=True)
    head = _first_lines(path, text_path, profile)
    if scan.clean:  # the header and the first lines as the reader reads them: without control characters
        head = [(n, CONTROL_CHARACTERS.sub("", t)) for n, t in head]
    info = _jsonl_relation(path, text_path, profile, head, scan.clean) if profile.format == "jsonl" else \
        _csv_relation(path, text_path, profile, head, scan.clean)
    info.nul_line = _line_of(nul_path, scan.first_nul) if scan.first_nul is not None else None
    info.nul_count = scan.nuls
    info.control_line = _line_of(nul_path, scan.first_control) if scan.first_control is not None else None
    info.control_count = scan.controls
    info.notes.extend(notes)
    info.attendees = spread
    if not notes and text_path == path and codecs.lookup(profile.encoding).name in ("utf-8", "utf-8-sig"):
        info.mixed_utf8 = lambda: _reread_mixed(info, workdir)
    return info


def _attendees_spread(path: Path, text_path: Path, profile: Profile, workdir: Path) -> Spread | None:
    """``text_path`` written one line per attendee to ``workdir/source.attendees`` when the mapping says the
    export names an order's attendees side by side (``profile.attendees``)."""
    if profile.attendees is None or profile.format != "csv":
        return None
    return spread_file(text_path, workdir / "source.attendees", profile.attendees, delimiter=profile.delimiter,
                       quote=profile.quote, skip_lines=profile.skip_lines, decimal=profile.decimal,
                       places=2 if profile.amount_scale == 1 else 0, shown=path.name)


def _transcoded_mixed(path: Path, out: Path) -> str:
    """``path`` copied to ``out`` in UTF-8 (``encodings.transcode_mixed``), and the sentence saying which lines
    were read as Windows-1252; refused as a file of another code when it is not mostly UTF-8."""
    first, lines, mostly = transcode_mixed(path, out)
    if not mostly:
        raise _not_utf8(path, _first_utf8_error(path))
    return mixed_note(path.name, first, lines)


def _reread_mixed(info: SourceInfo, workdir: Path) -> None:
    """``info`` read again from a UTF-8 copy of its file whose few lines of Windows-1252 beyond the head are
    read as such (the reader stopped on one)."""
    assert info.text_path is not None
    out = workdir / f"{info.text_path.name}.utf8"
    info.notes.append(_transcoded_mixed(info.text_path, out))
    info.text_path = out
    info.lines_sql, info.lines_params = _lines_sql(out)
    info.lines_quick_params = _quick_lines_params(info.lines_params)


@dataclass
class _TextScan:
    """What one pass over a text export finds before it is read (``_scan_text``)."""

    # Some lines end with a carriage return alone and others with a line feed (a file edited on two
    # systems): the line reader takes the line ending it meets first for every line, and after a
    # lone one it ate the next line's first character ("12," read as "2,").
    lone_carriage_returns: bool
    # The byte offset of each line with an odd number of quotes (``_records_across_lines``).
    odd_quote_lines: list[int]
    # The byte offset of the first NUL byte and how many the file holds (a text export padding
    # fields with them: the reader reads each as nothing, and prepare says so).
    first_nul: int | None
    nuls: int
    # The same for the other control characters (``source.CONTROL_CHARACTERS``; in JSON lines,
    # written as escapes too: « \u0007 »): removed from the lines, and said.
    first_control: int | None = None
    controls: int = 0

    @property
    def clean(self) -> bool:
        """Whether the lines must be read without their control characters."""
        return bool(self.nuls or self.controls)


def _scan_text(path: Path, quote: bytes | None, *, json_escapes: bool = False) -> _TextScan:
    """One pass over ``path`` by blocks, each cut after its last line feed. Only the quotes, carriage
    returns and control characters are visited (most exports have few or none), each quote's line
    found around it: a million lines take the time of reading them. With ``json_escapes``, control
    characters written as JSON escapes count too."""
    lone = feed = False
    odd: list[int] = []
    first_nul: int | None = None
    nuls = 0
    first_control: int | None = None
    controls = 0
    done = 0  # bytes before the block
    carry = b""
    with path.open("rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            block = carry + chunk
            cut = block.rfind(b"\n") + 1 if chunk else len(block)
            body, carry = block[:cut], block[cut:]
            feed = feed or b"\n" in body
            # A carriage return ending the file ends its last line: it is no lone one.
            ends = body if chunk else body.removesuffix(b"\r")
            lone = lone or (b"\r" in ends and ends.count(b"\r") != ends.count(b"\r\n"))
            # One pass in C finds whether the block holds any control byte; only then are they located.
            found = len(body) - len(body.translate(None, _CONTROL_BYTES))
            if found:
                in_block = body.count(b"\x00")
                if in_block and first_nul is None:
                    first_nul = done + body.index(b"\x00")
                nuls += in_block
                others = _OTHER_CONTROL_BYTES.search(body) if found > in_block else None
                if others is not None and first_control is None:
                    first_control = done + others.start()
                controls += found - in_block
            if json_escapes and b"\\u00" in body:
                escapes = _ESCAPED_CONTROLS.findall(body)
                if escapes and first_control is None:
                    first_control = done + body.index(escapes[0])
                controls += len(escapes)
            at = body.find(quote) if quote else -1
            while quote and at >= 0:
                start = body.rfind(b"\n", 0, at) + 1
                end = body.find(b"\n", at)
                end = len(body) if end < 0 else end
                if body.count(quote, start, end) & 1:
                    odd.append(done + start)
                at = body.find(quote, end)
            done += len(body)
            if not chunk:
                return _TextScan(lone and feed, odd, first_nul, nuls, first_control, controls)


def _with_line_feeds(path: Path, out: Path) -> Path:
    """A copy of ``path`` with every line ending (CR LF, CR, LF) written as LF: the same lines."""
    with path.open("rb") as src, out.open("wb") as dst:
        carry = b""
        while block := src.read(_CHUNK):
            block = carry + block
            carry = b"\r" if block.endswith(b"\r") else b""
            if carry:
                block = block[:-1]
            dst.write(block.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        dst.write(b"\n" if carry else b"")
    return out


# A quoted cell holds at most this many line breaks (a comment typed with Alt+Enter in a
# spreadsheet); an unterminated quote is not followed further than that.
MAX_LINES_PER_RECORD = 50
# A header's names are short: one wrapped in its cell (« "E-mail⏎client" ») closes within a few lines.
MAX_LINES_PER_HEADER = 6


def wrapped_header(first: AnyStr, following: Iterator[AnyStr], quote: AnyStr) -> tuple[list[AnyStr], bool]:
    """The lines of a header whose quoted names go on over line breaks, from ``first`` (which leaves
    a quote open) to the line that closes the last one, and whether one did within
    ``MAX_LINES_PER_HEADER`` lines. Every line taken from ``following`` is in the list. The reader
    calls it on the file's bytes, the draft (``sniff``) on its text."""
    lines, parity = [first], first.count(quote) % 2
    while parity and len(lines) < MAX_LINES_PER_HEADER and (line := next(following, None)) is not None:
        lines.append(line)
        parity = (parity + line.count(quote)) % 2
    return lines, not parity


def _records(lines: Iterator[bytes], profile: Profile) -> Iterator[tuple[bytes, int]]:
    """Each record of ``lines`` as it should be read, and how many lines of the file it took. A line
    with an odd number of quotes opens a quoted cell that goes on to the next lines (a line break
    typed in a spreadsheet cell): when they close it within ``MAX_LINES_PER_RECORD`` and the record
    then has the header's columns, it is one line, its line breaks read as spaces, followed by a
    blank line for every line it took, so that the other lines keep their numbers. Otherwise the
    line stays as it is (malformed) and the lines after it are read again, each on its own."""
    quote = (profile.quote or '"').encode()
    width: int | None = None
    waiting: deque[bytes] = deque()  # lines taken ahead for a record that did not close

    def next_line() -> bytes:
        return waiting.popleft() if waiting else next(lines, b"")

    number = 0
    while line := next_line():
        number += 1
        if width is None and number > profile.skip_lines and line.strip():
            if line.count(quote) & 1:  # a name wrapped in its cell: the header is one line, its breaks spaces
                header, closed = wrapped_header(line, iter(next_line, b""), quote)
                if closed:  # then a blank line for each line it took, so that the others keep their numbers
                    joined = b" ".join(h.rstrip(b"\r\n") for h in header)
                    width = _header_width(joined, profile)
                    number += len(header) - 1
                    yield joined + _ending(header[-1]) * len(header), len(header)
                    continue
                waiting.extendleft(reversed(header[1:]))  # not a header after all: read again
            width = _header_width(line, profile)  # the header
        if not line.count(quote) & 1:
            yield line, 1
            continue
        record, parity = [line], 1
        while parity and len(record) <= MAX_LINES_PER_RECORD and (following := next_line()):
            record.append(following)
            parity = (parity + following.count(quote)) % 2
        joined = b" ".join(r.rstrip(b"\r\n") for r in record)
        if parity == 0 and len(_split_line(joined.decode("utf-8", errors="replace"), profile)) == width:
            number += len(record) - 1
            yield joined + _ending(record[-1]) * len(record), len(record)
        else:
            yield line, 1
            waiting.extendleft(reversed(record[1:]))


def _ending(line: bytes) -> bytes:
    """The line break ``line`` ends with: a joined record's blank lines end the same way, since
    DuckDB counts a file's lines by the break it finds first (after a « \\n », « \\r\\n » is two)."""
    return b"\r\n" if line.endswith(b"\r\n") else b"\r" if line.endswith(b"\r") else b"\n"


def _records_across_lines(path: Path, profile: Profile, odd: list[int]) -> bool:
    """True when a quoted cell of ``path`` spans lines and makes a whole record (``_records``):
    only then is the file rewritten; a quote left open (a broken line, which stays malformed) is
    no reason to.

    Such a record opens on a line with an odd number of quotes (``odd``: their byte offsets) and
    closes on the next one, at most ``MAX_LINES_PER_RECORD`` lines further: only the lines from
    each such line to the next are read again, and joined (most files have none, and a file of
    broken quotes far apart is told at the speed of a scan)."""
    if len(odd) < 2:
        return False
    quote = (profile.quote or '"').encode()
    with path.open("rb") as f:
        width = 0
        for number, line in enumerate(f, start=1):
            if number > profile.skip_lines and line.strip():
                header = f.tell() - len(line)
                if line.count(quote) & 1:
                    if wrapped_header(line, iter(f.readline, b""), quote)[1]:
                        return True  # a header whose names are wrapped in their cells: read as one line
                    f.seek(header + len(line))  # not one: the lines it looked at are read again below
                width = _header_width(line, profile)
                break
        else:
            return False  # no header: no record has a width to match
        for first, following in pairwise(odd):
            if first < header:  # before the header, no record has a width to match
                continue
            f.seek(first)
            record = [f.readline()]
            while f.tell() < following and len(record) <= MAX_LINES_PER_RECORD:
                record.append(f.readline())
            if f.tell() != following or len(record) > MAX_LINES_PER_RECORD:
                continue  # the next such line is too far: this quote stays open
            record.append(f.readline())
            joined = b" ".join(r.rstrip(b"\r\n") for r in record)
            if len(_split_line(joined.decode("utf-8", errors="replace"), profile)) == width:
                return True
    return False


def _header_width(line: bytes, profile: Profile) -> int:
    """How many columns the header ``line`` names: the width a record spanning lines must have."""
    return len(_split_line(_text_of(line).lstrip("\ufeff"), profile))


def _text_of(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r\n")


def _joined_records(path: Path, out: Path, profile: Profile) -> Path:
    """A copy of ``path`` whose records spanning lines are each on one line (``_records``); every
    other line as it was, with its number. Streamed."""
    with path.open("rb") as src, out.open("wb") as dst:
        dst.writelines(record for record, _taken in _records(iter(src), profile))
    return out


def translate_read_error(exc: duckdb.Error, info: SourceInfo) -> UserError | None:
    """The one-sentence error for a DuckDB failure while reading the source, if it is one."""
    text = str(exc).lower()
    if info.text_path is not None and ("unicode" in text or "utf-8" in text):
        return _not_utf8(info.path, _first_utf8_error(info.text_path))
    if "maximum line size" in text:
        found = re.search(r"line: (\d+)", text)
        return line_too_long(info.path, int(found.group(1)) if found else None, _READ_LINE_BYTES >> 20)
    return None


def _first_lines(path: Path, text_path: Path, profile: Profile, limit: int = 1000) -> list[tuple[int, str]]:
    """Up to ``limit`` non-blank (line number, text) pairs after ``skip_lines``."""
    out: list[tuple[int, str]] = []
    try:
        with text_path.open(encoding="utf-8", newline="") as f:
            for number, line in enumerate(f, start=1):
                text = line.rstrip("\r\n").lstrip("\ufeff") if number == 1 else line.rstrip("\r\n")
                if number > profile.skip_lines and text.replace(profile.delimiter, "").strip():
                    out.append((number, text))
                    if len(out) >= limit:
                        break
    except UnicodeDecodeError:
        raise _not_utf8(path, _first_utf8_error(text_path)) from None
    if not out:
        raise empty_file(path)
    return out


def _lines_sql(text_path: Path) -> tuple[str, dict[str, Any]]:
    """SQL creating ``source_lines(line)``: every line of the file, in order (see the module
    docstring); ``_numbered_lines`` reads it with line numbers."""
    # One column per line: DuckDB's CSV reader with a delimiter that never occurs and no quote.
    # Left to itself it takes the first line break it meets for the file's: after a « \n », each
    # « \r\n » is two breaks, and a file whose header ends in « \n » and rows in « \r\n » (a file
    # saved again by another program) had every row named by the wrong line in the rejects. Told
    # « \r\n », it takes « \n » and « \r\n » alike, as Python reads lines; a file of « \r » alone
    # (no « \n » at all) is left to it.
    with text_path.open("rb") as f:
        breaks = ", new_line = '\\r\\n'" if b"\n" in f.read(1 << 20) else ""
    sql = f"""CREATE TEMP TABLE source_lines AS
        SELECT line FROM read_csv($file, columns = {{'line': 'VARCHAR'}}, delim = $no_delim,
            quote = '', escape = '', header = false, auto_detect = false, strict_mode = false,
            max_line_size = $max_line, buffer_size = $buffer{breaks})"""
    return sql, {"file": str(text_path), "no_delim": _NO_DELIMITER, "max_line": _READ_LINE_BYTES,
                 "buffer": 2 * _READ_LINE_BYTES}


def _quick_lines_params(params: dict[str, Any]) -> dict[str, Any]:
    """``_lines_sql``'s parameters for its first try: buffers small enough that DuckDB reads the
    file on every core (half the time of one core on a large export); a line longer than
    ``_QUICK_LINE_BYTES`` makes it read again with the full ones (``SourceInfo.load``)."""
    return {**params, "max_line": _QUICK_LINE_BYTES, "buffer": 4 * _QUICK_LINE_BYTES}


def _numbered_lines(after: int, clean: bool = False) -> str:
    """SQL: ``(line_no, line)`` of the lines after line ``after`` of ``source_lines``; with ``clean``,
    without their control characters (``source.CONTROL_CHARACTERS``: only files that hold some pay)."""
    line = f"regexp_replace(line, {CONTROL_CHARACTERS_SQL}, '', 'g') AS line" if clean else "line"
    return f"(SELECT rowid + 1 AS line_no, {line} FROM source_lines WHERE rowid >= {int(after)})"


def _char(c: str) -> str:
    # Delimiter and quote enter the SQL as chr(code): constant-folded like a literal (a bound
    # parameter makes DuckDB's split markedly slower) and immune to quoting mistakes.
    return f"chr({ord(c)})"


def _split_line(text: str, profile: Profile) -> list[str]:
    """One line's fields as Python's csv module reads them (empty when it cannot)."""
    try:
        return next(csv.reader([text], delimiter=profile.delimiter, quotechar=profile.quote or None,
                               quoting=csv.QUOTE_MINIMAL if profile.quote else csv.QUOTE_NONE), [])
    except csv.Error:
        return []


# The fields whose columns a line of text must reach to be read: without them it is no ticket.
_LINE_NEEDS = ("ticket_id", "order_id", "purchased_at", "unit_price", "total_price", "event_id")


def _last_line_if_open(path: Path) -> int | None:
    """The number of the file's last line when no line break ends it (the file may be cut short), else None."""
    with path.open("rb") as f:
        if f.seek(0, 2) == 0:
            return None
        f.seek(-1, 2)
        if f.read(1) in (b"\n", b"\r"):
            return None
        f.seek(0)
        return sum(block.count(b"\n") for block in iter(lambda: f.read(_CHUNK), b"")) + 1


def _rows_end_with_delimiter(header: list[str], rows: list[tuple[int, str]], profile: Profile) -> int:
    """1 when the export's rows end with a delimiter its header does not (« 12;Jazz;25,00; »: an export
    written cell by cell, each followed by the delimiter), else 0: then a row's one more cell, empty, is
    no cell. Judged on most of the first rows: in another export, a row of one cell more is a value whose
    delimiter was not quoted, read in the wrong columns, and set aside."""
    split = [_split_line(text, profile) for _n, text in rows[:200]]
    ending = sum(1 for cells in split if len(cells) == len(header) + 1 and not cells[-1].strip())
    return int(len(split) >= 2 and 2 * ending > len(split))


def _csv_relation(path: Path, text_path: Path, profile: Profile, head: list[tuple[int, str]],
                  clean: bool = False) -> SourceInfo:
    header_line, header_text = head[0]
    if (start := open_quote_start(header_text, profile.quote or "")) is not None:
        raise header_across_lines(path, start)
    header = ranked_names([h.strip() for h in _split_line(header_text, profile)])
    sections = SECTION_COLUMN in profile.source_columns()
    positions, missing = header_positions(header, [c for c in profile.source_columns() if c != SECTION_COLUMN])
    if missing:
        rows = [(n, _split_line(t, profile)) for n, t in head[1:50]]
        raise other_delimiter(path, profile, header_text) or missing_columns(path, profile, missing, header, header_hint(profile, rows))
    refuse_ambiguous_columns(path, header, positions)
    d = _char(profile.delimiter)
    # With quotes, a field's delimiters written inside them are given back (see the split below).
    def cell(at: int) -> str:
        if not profile.quote:
            return f"f[{at}]"
        return f"CASE WHEN s IS NULL THEN f[{at}] ELSE replace(f[{at}], {_char(_QUOTED_DELIMITER)}, {d}) END"

    fields, params = field_expressions(
        profile, lambda column: "section" if column == SECTION_COLUMN else cell(positions[column]), path,
        is_large(text_path))  # the cheaper test of a person's text per row, planned longer
    if profile.quote:
        q = _char(profile.quote)
        # Split on the quote: even (1-based) segments are inside quotes and kept whole, their delimiters
        # written as ``_QUOTED_DELIMITER`` (each field gives them back); in the others each delimiter is a
        # field break, and an empty inner segment is an escaped quote (""). An odd number of quotes (an even
        # number of segments) is an unterminated quote: malformed. A stray pair of quotes inside a field is
        # read leniently (the quotes are dropped), as DuckDB's own reader does outside strict mode. Every line
        # is split on the delimiter by one ``string_split``: a ``CASE`` choosing between two lists copied
        # every line's list (0.4 s of CPU per million lines).
        split = f"""string_split(CASE WHEN s IS NULL THEN line
                 ELSE array_to_string(list_transform(s, lambda x, i:
                     CASE WHEN i % 2 = 0 THEN replace(x, {d}, {_char(_QUOTED_DELIMITER)})
                          WHEN i > 1 AND i < len(s) AND x = '' THEN {q}
                          ELSE x END), '') END, {d})"""
        bad_quotes = "s IS NOT NULL AND len(s) % 2 = 0"
        segments = f"CASE WHEN contains(line, {q}) THEN string_split(line, {q}) END"
    else:
        split, bad_quotes, segments = f"string_split(line, {d})", "false", "NULL::VARCHAR[]"
    params["n"] = len(header)
    # A line that leaves out its last cells, empty (Excel writes them only on a sheet's first rows; other
    # tools never), reads them as empty: it is malformed only when it stops before a column a ticket
    # cannot do without (half a line, « TO-99999,oops »).
    # A field read from several columns (joined, or the first filled) has its value once one of them is read.
    needed = [min(at) for f in _LINE_NEEDS if f in profile.columns
              if (at := [positions[c] for c in profile.columns[f].sources if c in positions])]
    params["need"] = max(needed, default=len(header))
    params["extra"] = _rows_end_with_delimiter(header, head[1:], profile)
    # A file with no line break after its last line may be cut short: that line, if it stops before the
    # header's last columns, is half a row, set aside (``quarantine.cut_short_warnings`` says why).
    last = _last_line_if_open(text_path)
    cut_end = f"OR (len(f) < $n AND line_no = {last})" if last else ""
    params["header_text"] = header_text.rstrip("\r")
    # The report's title block written again at the top of each page (« État des ventes — Salle Pleyel »): no
    # row, as the header written again is none. Compared only on a line that starts like one of its lines.
    titles = _title_lines(text_path, header_line, profile)
    if titles:
        params["titles"], params["title_starts"] = titles, sorted({t[:4] for t in titles})
    title_again = ("OR CASE WHEN list_contains($title_starts, left(line, 4)) THEN list_contains($titles, "
                   f"rtrim(line, ' ' || {_char(profile.delimiter)} || chr(13))) ELSE false END" if titles else "")
    # A line of nothing but spaces and delimiters (Excel's ";;;;" rows) is blank, not a row: ltrim with a
    # character set stops at the first other character, but copies the rest of the line (0.1 s of CPU per
    # million lines), so only a line that begins with one of them (or is empty, or NULL) is trimmed. So is
    # the header written again (a report repeats it at the top of every page); rtrim copies the
    # line, so only a line that starts like the header is trimmed (a CASE: DuckDB's AND evaluates
    # both sides), 1 s per million lines saved.
    # A line naming the show of the rows below it is no row (``_section_lines_sql``).
    large = is_large(text_path)
    # A line over 1 MB is set aside only when what the mapping reads of it is: a long note pasted in a column
    # it does not read (« Remarques ») costs no ticket. The cells' lengths are summed on such lines alone.
    read_cells = sorted({positions[c] for c in profile.source_columns() if c in positions})
    read_length = " + ".join(f"coalesce(strlen(f[{at}]), 0)" for at in read_cells) or "0"
    too_long = f"CASE WHEN strlen(raw) > {MAX_LINE_BYTES} THEN {read_length} > {MAX_LINE_BYTES} ELSE false END"
    blank_cells = f"ltrim(line, ' ' || {d} || chr(9) || chr(13)) = ''"
    if large:  # the test takes longer to plan (0.02 s) than it saves on a small export
        blank_cells = f"CASE WHEN ascii(line) NOT IN (0, 32, 9, 13, {ord(profile.delimiter)}) THEN false ELSE {blank_cells} END"
    section_join, section_blank = ("LEFT JOIN section_lines USING (line_no)", " OR coalesce(is_section, false)") \
        if sections else ("", "")
    relation = f"""(
        SELECT line_no, raw, blank,
               NOT blank AND (({bad_quotes}) OR len(f) > $n + $extra OR len(f) < $need
                                  OR (len(f) > $n AND trim(f[-1]) <> '') OR {too_long}
                                  {cut_end}) AS malformed,
               {", ".join(fields)}
        FROM (SELECT line_no, line AS raw, blank{section_blank} AS blank, s, {split} AS f{", section" if sections else ""}
              FROM (SELECT line_no, line,
                           coalesce({blank_cells}
                                    OR CASE WHEN starts_with(line, $header_text)
                                            THEN rtrim(line, chr(13)) = $header_text ELSE false END {title_again},
                                    true) AS blank,
                           {segments} AS s
                    FROM {_numbered_lines(header_line, clean)} WHERE true {LINE_FILTER}) AS numbered {section_join}))"""
    lines_sql, lines_params = _lines_sql(text_path)
    return SourceInfo(path=path, text_path=text_path, header=header, header_line=header_line,
                      relation=relation, params=params, lines_sql=lines_sql, lines_params=lines_params,
                      lines_quick_params=_quick_lines_params(lines_params),
                      section_sql=_section_lines_sql(header_line, profile, clean) if sections else "")


def _title_lines(text_path: Path, header_line: int, profile: Profile) -> list[str]:
    """The lines above the header (a report's title block, ``skip_lines``) as written, without the separators
    and spaces that pad them: a line of the body that writes one again is the next page's title."""
    titles: list[str] = []
    if header_line <= 1:
        return titles
    with text_path.open(encoding="utf-8", errors="replace", newline="") as f:
        for _number, line in zip(range(header_line - 1), f, strict=False):
            text = line.lstrip("\ufeff").rstrip("\r\n").rstrip(" " + profile.delimiter + "\r")
            if text.strip():
                titles.append(text)
    return titles


def _section_lines_sql(header_line: int, profile: Profile, clean: bool = False) -> str:
    """SQL creating ``section_lines(line_no, is_section, section)``: whether each line after the
    header names the show of the rows below it (its first cell alone is written: « SPECTACLE DU 27
    NOVEMBRE 2026 – 20 h;;;; », quoted or not), and the text of the last such line above it."""
    d = _char(profile.delimiter)
    q = _char(profile.quote) if profile.quote else "''"
    return f"""CREATE OR REPLACE TEMP TABLE section_lines AS
        SELECT line_no, is_section,
               last_value(CASE WHEN is_section THEN title END IGNORE NULLS) OVER (ORDER BY line_no) AS section
        FROM (SELECT line_no, trim(CASE WHEN quoted THEN replace(cell[2:-2], {q} || {q}, {q}) ELSE cell END) AS title,
                     cell <> '' AND (quoted OR NOT contains(cell, {d})) AS is_section
              FROM (SELECT line_no, cell,
                           {q} <> '' AND strlen(cell) > 1 AND starts_with(cell, {q}) AND ends_with(cell, {q})
                               AND NOT contains(cell[2:-2], {q} || {d}) AS quoted
                    FROM (SELECT line_no, rtrim(line, ' ' || {d} || chr(9) || chr(13)) AS cell
                          FROM {_numbered_lines(header_line, clean)})))"""


def _json_path(dotted: str) -> str:
    return "$." + ".".join('"' + part.replace('"', '\\"') + '"' for part in dotted.split("."))


def _flatten(obj: Any, prefix: str = "") -> Iterable[str]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            name = f"{prefix}{key}"
            yield name
            yield from _flatten(value, name + ".")


def _jsonl_relation(path: Path, text_path: Path, profile: Profile, head: list[tuple[int, str]],
                    clean: bool = False) -> SourceInfo:
    seen: set[str] = set()
    for _number, line in head:
        try:
            seen.update(_flatten(loads(line)))
        except (ValueError, RecursionError):
            continue  # a broken line (or one nested past reading): set aside as unreadable
    # JSON exporters omit empty keys, so only the fields a ticket cannot do without must appear.
    needed = [profile.columns[f] for f in dict.fromkeys((*REQUIRED_FIELDS, *ALTERNATIVES, "total_price"))
              if f in profile.columns]
    missing = [" | ".join(spec.sources) for spec in needed
               if spec.sources and not any(path_ in seen for path_ in spec.sources)]
    if missing:
        raise missing_columns(path, profile, missing, sorted(seen))
    paths = profile.source_columns()
    fields, params = field_expressions(profile, lambda column: f"v[{paths.index(column) + 1}]", path, is_large(text_path))
    params["paths"] = [_json_path(p) for p in paths]
    values = "try(json_extract_string(line, $paths))"
    if clean:  # written as escapes (« \u0000 »), control characters reach the values: removed there too
        values = f"list_transform({values}, lambda x: regexp_replace(x, {CONTROL_CHARACTERS_SQL}, '', 'g'))"
    relation = f"""(
        SELECT line_no, raw, blank,
               NOT blank AND (NOT ok OR CASE WHEN strlen(raw) > {MAX_LINE_BYTES}  -- only what the mapping reads counts
                                             THEN coalesce(list_sum(list_transform(v, lambda x: strlen(x))), 0)
                                                  > {MAX_LINE_BYTES} ELSE false END) AS malformed,
               {", ".join(fields)}
        FROM (SELECT line_no, line AS raw, blank, ok,
                     -- try(): DuckDB may evaluate the branch for invalid lines too.
                     CASE WHEN ok THEN {values} END AS v
              FROM (SELECT line_no, line, blank,
                           NOT blank AND coalesce(try(json_type(line)) = 'OBJECT', false) AS ok
                    FROM (SELECT line_no, line, trim(coalesce(line, '')) = '' AS blank
                          FROM {_numbered_lines(profile.skip_lines, clean)} WHERE true {LINE_FILTER}))))"""
    lines_sql, lines_params = _lines_sql(text_path)
    return SourceInfo(path=path, text_path=text_path, header=[], header_line=profile.skip_lines,
                      relation=relation, params=params, lines_sql=lines_sql, lines_params=lines_params,
                      lines_quick_params=_quick_lines_params(lines_params))
