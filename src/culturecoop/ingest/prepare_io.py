"""What ``prepare`` and the consent-export ``prepare`` share: the summary they return, where
rejects go, the checks on destinations, the DuckDB connection they parse in, the rejects
file's writer, and the guarded write of the package. Both ``ingest.prepare`` and ``ingest.consent_export`` stand on this module."""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from culturecoop.errors import UserError
from culturecoop.files import check_writable, sweep_partials
from culturecoop.i18n import _, current_language
from culturecoop.ingest.guard import scan_package
from culturecoop.ingest.normalize import install_normalizers
from culturecoop.ingest.package import write_package
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.rejects import rejects_header
from culturecoop.ingest.title_boilerplate import TitleTrim
from culturecoop.ingest.title_names import NamesWithheld
from culturecoop.ingest.words import REJECT_REASONS, say
from culturecoop.spreadsheet import spreadsheet_column

STEPS = ("read", "validate", "rejects", "split", "pseudonymize", "write")
StepCallback = Callable[[str], None]


@dataclass
class RefundedAmounts:
    """What a column of refunded amounts beside the amounts paid did (``ingest.refunded_amounts``)."""

    tickets_in_part: int = 0  # seats that stay sold at their price less the part refunded
    given_back: dict[str, str] = field(default_factory=dict)  # currency -> the money given back on them ("30.00")
    tickets_in_whole: int = 0  # seats sold that the amount refunded in whole: now refunded
    price_unknown: int = 0  # seats of a partly refunded order whose refund is read nowhere: sold at no known price


@dataclass
class PrepareSummary:
    """What ``prepare`` did; ``rows_in == rows_accepted + rows_rejected`` always holds, and
    ``rows_per_table["ticket"] == rows_accepted - refunds_merged - unnamed_sales``."""

    package: str
    rejects_file: str
    member_id: str
    profile: str
    source: str
    rows_in: int
    rows_accepted: int
    rows_rejected: int
    rejects_by_reason: dict[str, int]
    rows_per_table: dict[str, int]
    blank_lines: int = 0
    summary_lines: int = 0  # "Total" rows under the table: not rows, like blank lines
    # Rows that sold no ticket (a donation, a membership, a shop's goods: ``line_kind``), left out of the
    # package and counted apart from ``rows_in`` as total lines are: the export's rows are both added.
    not_tickets: int = 0
    refunds_merged: int = 0  # refund rows applied to their sale (accepted, no ticket of their own)
    refunds_reduced: int = 0  # of those, refunds of part of a ticket's amount: the ticket stays sold, for less
    refunds_split: int = 0  # refunds of some of a line's seats: each is those seats' refunded ticket
    refunds_unmatched: int = 0  # refunds matching no sale of the export: refunded tickets of their own
    refunded_amounts: RefundedAmounts = field(default_factory=RefundedAmounts)
    unnamed_sales: int = 0  # rows naming nobody (door or cash sales): admissions of their events, no ticket
    values_dropped: dict[str, int] = field(default_factory=dict)
    # Values read once what a spreadsheet took from them was put back (« 1000 » → 01000 for a French postal code).
    values_restored: dict[str, int] = field(default_factory=dict)
    genres_unmapped: dict[str, int] = field(default_factory=dict)
    # The export's wording removed around event titles (« Représentation : », « (billet) »).
    titles_trimmed: list[TitleTrim] = field(default_factory=list)
    # Patrons' full names taken out of event titles, venues and identifiers (« Anniversaire de … »).
    names_withheld: list[NamesWithheld] = field(default_factory=list)
    consent: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # The export's rows when each was read one line per attendee (``attendees``): ``rows_in`` counts the attendees.
    export_rows: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def default_rejects_path(out: Path) -> Path:
    """Where the rejects go when not told: beside the package, ``PKG.rejects.csv``."""
    return out.with_name(out.name + ".rejects.csv")


def check_destinations(out: Path, rejects: Path) -> None:
    if out.exists():
        raise UserError(
            _("The output {path} already exists; choose a new --out or remove the old package first.").format(path=out)
        )
    resolved_out, resolved_rejects = out.resolve(), rejects.resolve()
    if resolved_rejects == resolved_out or resolved_out in resolved_rejects.parents:
        raise UserError(
            _("The rejects file must not be inside the package (it holds raw lines with personal "
              "data); choose a --rejects path outside {path}.").format(path=out)
        )
    if rejects.is_dir():
        raise UserError(_("The rejects path {path} is a folder; give a file name.").format(path=rejects))
    check_writable(out)
    check_writable(rejects)


def connect(workdir: Path, country: str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection spilling to ``workdir``, the normalizers installed for ``country``'s export."""
    memory = os.environ.get("CULTURECOOP_PREPARE_MEMORY", "1GB")
    try:
        con = duckdb.connect(config={
            # Spill to the private work folder rather than grow past the memory target.
            "memory_limit": memory,
            "temp_directory": str(workdir / "spill"),
            "preserve_insertion_order": True,
        })
    except (duckdb.ParserException, duckdb.InvalidInputException):
        raise UserError(_("CULTURECOOP_PREPARE_MEMORY={value} is not a memory size; write it like 2GB or 512MB, "
                          "or unset it.").format(value=memory)) from None
    con.execute("SET enable_progress_bar = false")  # Rich draws the progress, on stderr
    install_normalizers(con, country)
    return con


# A JSON document's record, named in the reader's language, with its line in the file when known.
_RECORD_LABEL = """CASE WHEN c.line_no <= len($lines)
                        THEN replace(replace($record_at, '{number}', CAST(c.line_no AS VARCHAR)), '{line}',
                                     CAST($lines[c.line_no] AS VARCHAR))
                        ELSE replace($record, '{number}', CAST(c.line_no AS VARCHAR)) END"""


# A line of an export read one line per attendee (``attendees``): the export's line, and which attendee.
_LINE_LABEL = "CASE WHEN c.line_no <= len($labels) THEN $labels[c.line_no] ELSE CAST(c.line_no AS VARCHAR) END"


def write_rejects(con: duckdb.DuckDBPyConnection, rejects: Path, tmp: Path, *, records: bool = False,
                  record_lines: list[int] | None = None, line_labels: list[str] | None = None) -> None:
    """Write the rejected rows to ``tmp``, a private partial file beside ``rejects``; ``records``: the rows are
    a JSON document's records, each named as such (« record 12 »), with the line of the file it starts on
    when ``record_lines`` says it (« record 12 (line 90) »); ``line_labels``: each line's name, when the
    lines are not the export's own (« 5 (attendee 2) »)."""
    # The codes are for programs; the person who opens the file in a spreadsheet reads the reasons
    # in words, in their language, beside them. Worded in DuckDB, as the table is read: built in
    # Python, an Arrow array of the words made pyarrow import pandas (0.15 s of every prepare).
    language = current_language()
    codes = list(REJECT_REASONS)
    table = con.sql(
        f"""SELECT {_RECORD_LABEL if records else _LINE_LABEL if line_labels is not None else "c.line_no"} AS line, array_to_string(c.reasons, ';') AS reasons,
                  array_to_string(list_transform(c.reasons, lambda r: coalesce($said[list_position($codes, r)], r)), '; ')
                      AS explanation,
                  c.raw AS raw_line
        FROM checked c WHERE len(c.reasons) > 0 ORDER BY c.line_no""",
        params={"codes": codes, "said": [say(REJECT_REASONS, code, language) for code in codes],
                **({"record": _("record {number}"), "record_at": _("record {number} (line {line})"), "lines": record_lines or []}
                   if records else {}), **({"labels": line_labels} if line_labels is not None else {})},
    ).to_arrow_table()
    # Raw lines are the export's text: a line (or the part of one after a lone CR) may be a formula. The
    # columns are named in the reader's language (``ingest.rejects``; ``read_rejects`` reads any).
    table = pa.Table.from_arrays([spreadsheet_column(c) if pa.types.is_string(c.type) else c for c in table.columns],
                                 names=rejects_header(language, tuple(table.column_names), records=records))
    rejects.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(rejects)
    # Raw lines carry personal data: the file is the account's own. The signature first, which makes a
    # spreadsheet read the file as UTF-8 (Excel reads it as the system's code page without).
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(codecs.BOM_UTF8)
        pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="needed"))


def write_guarded_package(out: Path, tables: dict[str, pa.Table], identifiers: pa.Table, profile: Profile,
                          own_buyer: dict[str, tuple[int, int]] | None = None, **package: Any) -> dict[str, Any]:
    """``write_package`` (``package``: its keyword arguments but the profile's name) while the fail-closed guard
    (``guard.scan_package``) scans ``tables``, and return the manifest. The files go to the
    package's private partial folder; nothing is put in place before the guard's verdict, and a
    refusal removes the folder and raises the guard's ``UserError``: the package never appears."""
    with ThreadPoolExecutor(max_workers=1) as guard_thread:
        verdict = guard_thread.submit(scan_package, tables, identifiers, profile, own_buyer)
        return write_package(out, tables, profile=profile.name, before_commit=verdict.result, **package)
