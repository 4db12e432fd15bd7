"""``prepare``: an export on the member's machine becomes a contribution package.

map → parse → validate → split → pseudonymize → package, with every rejected row written to
a rejects file beside the package (never inside it: it holds raw lines with personal data).
Parsing, normalization and validation run as SQL in an in-memory DuckDB connection; only the
per-patron pseudonymization runs in Python. Row conservation holds by construction: every
source row lands in ``checked`` and is either accepted (no reason) or rejected (reasons).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from culturecoop.errors import UserError
from culturecoop.files import check_writable, partial_path, sweep_partials
from culturecoop.i18n import _
from culturecoop.ingest.normalize import install_normalizers
from culturecoop.ingest.package import MemberInfo, write_package
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.pseudonymize import pseudonymize_patrons
from culturecoop.ingest.read import SourceInfo, header_only, read_source, translate_read_error
from culturecoop.ingest.split import (
    build_consents,
    build_events,
    build_patrons,
    fetch_kept_rows,
    ticket_table,
)
from culturecoop.ingest.validate import RULES, check_rows, mark_duplicates
from culturecoop.privacy.keys import MemberKeys, load_member_keys

STEPS = ("read", "validate", "rejects", "split", "pseudonymize", "write")
StepCallback = Callable[[str], None]


@dataclass
class PrepareSummary:
    """What ``prepare`` did; ``rows_in == rows_accepted + rows_rejected`` always holds."""

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
    values_dropped: dict[str, int] = field(default_factory=dict)
    genres_unmapped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def default_rejects_path(out: Path) -> Path:
    """Where the rejects go when not told: beside the package, ``PKG.rejects.csv``."""
    return out.with_name(out.name + ".rejects.csv")


def _check_destinations(out: Path, rejects: Path) -> None:
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


_PSEUDONYMIZER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pseudonymize")


def _connect(workdir: Path) -> duckdb.DuckDBPyConnection:
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
    install_normalizers(con)
    return con


def _write_rejects(con: duckdb.DuckDBPyConnection, rejects: Path, tmp: Path) -> None:
    """Write the rejected rows to ``tmp``, a private partial file beside ``rejects``."""
    table = con.sql(
        """SELECT c.line_no AS line, array_to_string(c.reasons, ';') AS reasons, c.raw AS raw_line
        FROM checked c WHERE len(c.reasons) > 0 ORDER BY c.line_no"""
    ).to_arrow_table()
    rejects.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(rejects)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # raw lines carry personal data
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))


def _reason_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(
        "SELECT r, count(*) FROM (SELECT unnest(reasons) AS r FROM checked) GROUP BY r"
    ).fetchall()
    found = {str(r): int(n) for r, n in rows}
    return {name: found[name] for name in RULES if name in found}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0] or 0)


def prepare(
    source: Path,
    *,
    member: MemberInfo,
    profile: Profile,
    keys_dir: Path,
    out: Path,
    rejects: Path | None = None,
    step: StepCallback | None = None,
    today: date | None = None,
) -> PrepareSummary:
    """Turn the export ``source`` into the package ``out`` and return what happened.

    Nothing is left behind on failure: the package is written atomically by ``write_package``
    and the rejects file is moved into place only after the package exists. Raises
    ``UserError`` for bad input (missing file, wrong encoding, missing columns, empty file,
    existing output, missing keys).
    """
    started = time.perf_counter()
    notify = step or (lambda _name: None)
    rejects = rejects or default_rejects_path(out)
    _check_destinations(out, rejects)
    keys = load_member_keys(keys_dir)
    if not source.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=source))
    rejects_tmp: Path | None = None
    with tempfile.TemporaryDirectory(prefix="culturecoop-prepare-") as work:
        try:
            con = _connect(Path(work))
            try:
                notify("read")
                info = read_source(source, profile, Path(work), con)
                notify("validate")
                rows_in, blank_lines = _check(con, info, profile, today or date.today())
                notify("rejects")
                rejected = _scalar(con, "SELECT count(*) FROM checked WHERE len(reasons) > 0")
                by_reason = _reason_counts(con)
                # Named before it exists: an interruption anywhere in the writing still removes it.
                rejects_tmp = partial_path(rejects)
                _write_rejects(con, rejects, rejects_tmp)
                notify("split")
                parts = _split(con, info, profile, member.member_id, keys)
            finally:
                con.close()  # frees DuckDB's memory before the Python side builds the package
            notify("pseudonymize")
            patrons = parts.patrons.result()
            notify("write")
            tables: dict[str, pa.Table] = {
                "event": parts.events, "patron": patrons, "ticket": parts.tickets, "consent": parts.consents,
            }
            per_table = {name: t.num_rows for name, t in tables.items()}
            write_package(
                out, tables, member=member, profile=profile.name,
                rows={"in": rows_in, "accepted": rows_in - rejected, "rejected": rejected, **per_table},
                source_name=source.name,
                extra={"rejects_by_reason": by_reason, "blank_lines": blank_lines},
                companions=[(rejects_tmp, rejects)],  # put in place with the package
            )
            rejects_tmp = None
        finally:
            if rejects_tmp is not None:
                rejects_tmp.unlink(missing_ok=True)
    return PrepareSummary(
        package=str(out), rejects_file=str(rejects), member_id=member.member_id,
        profile=profile.name, source=source.name, rows_in=rows_in,
        rows_accepted=rows_in - rejected, rows_rejected=rejected, rejects_by_reason=by_reason,
        rows_per_table=per_table, blank_lines=blank_lines, values_dropped=parts.dropped,
        genres_unmapped=parts.unmapped, seconds=round(time.perf_counter() - started, 3),
    )


def _check(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, today: date) -> tuple[int, int]:
    """Build ``checked`` (every rule, duplicates included); return (rows read, blank lines)."""
    try:
        check_rows(con, info, profile, today)
    except duckdb.Error as exc:
        error = translate_read_error(exc, info)
        if error is None:
            raise
        raise error from None
    counts = con.execute("SELECT count(reasons), count(*) FROM checked").fetchall()[0]
    rows_in, blank_lines = int(counts[0]), int(counts[1]) - int(counts[0]) + info.blank_rows
    if rows_in == 0:
        raise header_only(info.path)
    mark_duplicates(con, info)
    return rows_in, blank_lines


@dataclass
class _Parts:
    """The tables built in DuckDB, and the patrons being pseudonymized beside them."""

    patrons: Future[pa.Table]
    events: pa.Table
    tickets: pa.Table
    consents: pa.Table
    dropped: dict[str, int]
    unmapped: dict[str, int]


def _split(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, member_id: str,
           keys: MemberKeys) -> _Parts:
    fetch_kept_rows(con, info)
    con.execute("DROP TABLE IF EXISTS source_lines")  # every line needed is in ``checked`` or ``kept``
    build_patrons(con, profile)
    clear = con.sql("SELECT * FROM patron_clear").to_arrow_table()
    # Pseudonymization (Python and NumPy, mostly one core) runs beside DuckDB's work on
    # events, tickets and consents: DuckDB releases the GIL, and leaves it one core meanwhile
    # (it comes last otherwise: two DuckDB threads and the Python one on two cores).
    patrons = _PSEUDONYMIZER.submit(pseudonymize_patrons, clear, member_id, keys)
    con.execute(f"SET threads = {max(1, (os.cpu_count() or 1) - 1)}")
    build_events(con, profile, member_id)
    unmapped = {str(k): int(v) for k, v in con.execute(
        "SELECT label, events FROM genre_unmapped ORDER BY events DESC, label").fetchall()}
    return _Parts(
        patrons=patrons,
        events=con.sql("SELECT * FROM event_out").to_arrow_table(),
        tickets=ticket_table(con, member_id), consents=build_consents(con, member_id),
        dropped=_dropped_values(con), unmapped=unmapped,
    )


def _dropped_values(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Patron values present in the export that no normalizer could use (so became NULL)."""
    row = con.execute(
        """SELECT count_if(email_dropped), count_if(phone_dropped), count_if(postcode_dropped)
        FROM patron_clear"""
    ).fetchall()[0]
    counts = {"email": int(row[0] or 0), "phone": int(row[1] or 0), "postal_code": int(row[2] or 0)}
    return {k: v for k, v in counts.items() if v}
