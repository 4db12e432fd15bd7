"""Contribution packages: Parquet tables plus a manifest, written atomically, verified on arrival.

A package is a folder::

    PKG/
      manifest.json      schema version, member, profile, row counts, SHA-256 of every file
      event.parquet      exactly the columns of the canonical `event` table
      patron.parquet     ... `patron`
      ticket.parquet     ... `ticket`
      consent.parquet    ... `consent`

The package's identity is the SHA-256 of its manifest bytes (the manifest names the SHA-256 of
every table file, so it pins the whole package). Nothing in it is clear-text personal data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from culturecoop import __version__
from culturecoop.errors import UserError
from culturecoop.files import atomic_folder, check_writable
from culturecoop.i18n import _, count, general, plural
from culturecoop.ingest.pages import verify_pages
from culturecoop.jsontext import parse
from culturecoop.privacy.encodings import BLOOM_FIELDS, ID_TOKEN_HEX, all_hex_tokens
from culturecoop.schema.model import (
    BLOOM_BITS,
    CONTRIBUTED_TABLES,
    MEMBER_KINDS,
    SCHEMA_VERSION,
    is_member_id,
)

PACKAGE_FORMAT = "culturecoop-package"
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class MemberInfo:
    member_id: str
    name: str
    kind: str = "other"
    region: str | None = None


def write_package(
    out: Path,
    tables: dict[str, pa.Table],
    *,
    member: MemberInfo,
    profile: str,
    rows: dict[str, int],
    source_name: str,
    extra: dict[str, Any] | None = None,
    companions: Sequence[tuple[Path, Path]] = (),
    before_commit: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Write a package folder atomically (temporary folder, then rename) and return its manifest.

    ``tables`` maps each contributed table name to an Arrow table with exactly its canonical
    columns; ``rows`` carries at least ``in``, ``accepted`` and ``rejected``. ``companions``
    are (written partial, target) files put in place with the package (``files.atomic_folder``).
    ``before_commit`` runs once every file is written and before anything is put in place: when
    it raises, the partial folder is removed and nothing appears (``prepare`` waits there for
    its guard's verdict, so the guard and the writing run side by side).
    """
    if out.exists():
        raise UserError(
            _("The output {path} already exists; choose a new --out or remove the old package first.").format(path=out)
        )
    for table in CONTRIBUTED_TABLES:
        if tables[table.name].column_names != table.column_names:
            raise ValueError(f"{table.name}: columns {tables[table.name].column_names} != {table.column_names}")
    check_writable(out)
    # A partial folder beside ``out``, renamed into place once every file is on the disk.
    with atomic_folder(out, mode=0o700, companions=companions) as tmp:

        def write_one(name: str) -> dict[str, Any]:
            file = tmp / f"{name}.parquet"
            # Page checksums let ingest tell a damaged file from a good one page by page.
            pq.write_table(tables[name], file, compression="zstd", write_page_checksum=True)
            return {"file": file.name, "rows": tables[name].num_rows, "sha256": sha256_file(file)}

        # Arrow writes and hashlib release the GIL: the four files are written side by side. Ctrl-C
        # raises in this thread wherever it waits (even in the pool's shutdown): the writers are
        # waited for before the exception leaves, so the partial folder is removed after them.
        with ThreadPoolExecutor(max_workers=len(CONTRIBUTED_TABLES)) as pool:
            futures = [pool.submit(write_one, t.name) for t in CONTRIBUTED_TABLES]
            try:
                written = [f.result() for f in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                wait(futures)
                raise
        manifest_tables = {t.name: w for t, w in zip(CONTRIBUTED_TABLES, written, strict=True)}
        manifest = {
            "format": PACKAGE_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "culturecoop_version": __version__,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "member": {
                "member_id": member.member_id,
                "name": member.name,
                "kind": member.kind,
                "region": member.region,
            },
            "profile": profile,
            "source": source_name,
            "rows": rows,
            "tables": manifest_tables,
            **(extra or {}),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if before_commit is not None:
            before_commit()
    return manifest


@dataclass(frozen=True)
class VerifiedPackage:
    path: Path
    manifest: dict[str, Any]
    sha256: str
    # How messages name the package: its path, or the uploaded file's name (never a server path).
    label: str = ""

    @property
    def member(self) -> MemberInfo:
        m = self.manifest["member"]
        return MemberInfo(m["member_id"], m.get("name") or m["member_id"], m.get("kind") or "other", m.get("region"))

    @property
    def shown(self) -> str:
        return self.label or str(self.path)

    def table_path(self, name: str) -> Path:
        return self.path / Path(str(self.manifest["tables"][name]["file"])).name


# A manifest is a few kilobytes; anything far larger is not one (and is not read into memory).
MAX_MANIFEST_BYTES = 1 << 20
_BATCH_ROWS = 256_000
_PROOF_ROWS = 65_536


def _corrupted(message: str, **fields: Any) -> UserError:
    return UserError(message.format(**fields), exit_code=3)


def _read_manifest(path: Path, shown: str) -> tuple[dict[str, Any], bytes]:
    manifest_path = path / MANIFEST
    if manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
        raise _corrupted(_("The manifest of {path} is far too large to be a package manifest: the package is "
                           "corrupted; prepare it again."), path=shown)
    raw = manifest_path.read_bytes()
    try:
        manifest = parse(raw)
        if not isinstance(manifest, dict):
            raise ValueError
    except ValueError:  # also bytes that are not UTF-8 text, or nested or numbered past reading
        raise _corrupted(_("The manifest of {path} is not valid JSON: the package is corrupted; prepare it "
                           "again."), path=shown) from None
    return manifest, raw


def _check_manifest_fields(manifest: dict[str, Any], shown: str) -> dict[str, Any]:
    """The member of a manifest whose fields have the types ``load_package`` relies on."""
    member = manifest.get("member") or {}
    if not isinstance(member, dict) or not isinstance(member.get("member_id"), str) \
            or not is_member_id(member["member_id"]):
        raise _corrupted(_("The manifest of {path} names no member: the package is corrupted; prepare it again."),
                         path=shown)
    rows = manifest.get("rows", {})
    created = manifest.get("created_at")
    fields_ok = (
        all(member.get(k) is None or isinstance(member.get(k), str) for k in ("name", "kind", "region"))
        # A kind prepare never writes would be loaded as the member's kind: refused like any edited field.
        and member.get("kind") in (None, *MEMBER_KINDS)
        and isinstance(rows, dict) and all(_is_count(v) for v in rows.values())
        and isinstance(manifest.get("tables"), dict)
        and isinstance(created, str) and _is_timestamp(created)
    )
    if not fields_ok:
        raise _corrupted(_("The manifest of {path} has fields of the wrong kind (member, rows, tables or "
                           "created_at): the package is corrupted; prepare it again."), path=shown)
    return member


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 63


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def read_columns(file: Path, columns: list[str]) -> pa.Table:
    """Some columns of one Parquet file. Read through ``ParquetFile``: ``pq.read_table`` imports
    pyarrow's dataset module (a fifth of a second of every ``ingest``) for features no package needs.
    On this thread: Arrow's thread pools cost more to start than they save on a package's few columns
    (a million tickets' tokens: 0.5 s of system time and three times the wall time, against 0.02 s)."""
    with pq.ParquetFile(file) as parquet:
        return parquet.read(columns=columns, use_threads=False)


def _check_table_file(file: Path, table: Any, entry: dict[str, Any], member_id: str, shown: str) -> None:
    """Check every page of one table file: a truncated or damaged file is refused here, even when
    its manifest entry was re-hashed to match, never half-way through a load."""
    names = {"path": shown, "file": file.name, "table": table.name}
    try:
        parquet = pq.ParquetFile(file)
        if parquet.schema_arrow.names != table.column_names:
            raise _corrupted(_("{file} in {path} does not have the columns of the {table} table; prepare the "
                               "package again with a matching culturecoop."), **names)
        if verify_pages(file) == 0:
            # A package written without page checksums: decoding every page is the check left.
            for _batch in parquet.iter_batches(batch_size=_BATCH_ROWS, use_threads=False):
                pass
        rows = parquet.metadata.num_rows
        found = parquet.read(columns=["member_id"], use_threads=False).column("member_id")
        others = [m for m in pc.unique(found).to_pylist() if m != member_id]
    except (pa.ArrowException, OSError, ValueError) as exc:  # DamagedPageError is a ValueError
        # The first clause of the explanation: one sentence, whatever Arrow appends.
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0].split(". ")[0].rstrip(".")[:160]
        raise _corrupted(_("{file} in {path} is damaged or incomplete ({reason}): ask the member to send the "
                           "package again."), reason=reason, **names) from None
    if others:
        raise _corrupted(_("{file} in {path} holds rows of another member than {member}: the package is "
                           "inconsistent; prepare it again."), member=member_id, **names)
    declared = entry.get("rows")
    if rows != len(found) or (declared is not None and declared != rows):
        raise _corrupted(plural(rows, "{file} in {path} holds {found} row where its manifest says {declared}: the "
                                "package is inconsistent; prepare it again.",
                                "{file} in {path} holds {found} rows where its manifest says {declared}: the "
                                "package is inconsistent; prepare it again."),
                         found=count(rows), declared=count(declared) if isinstance(declared, int) else declared, **names)


def verify_package(path: Path, *, label: str | None = None) -> VerifiedPackage:
    """Check a package before anything is loaded: format, schema version, checksums, columns, and
    the checksum of every page of every table file (``pages.verify_pages``). Messages name the
    package ``label`` (default: its path)."""
    shown = label or str(path)
    if not path.exists():
        raise UserError(_("The package {path} does not exist; check the path.").format(path=shown))
    if not path.is_dir() or not (path / MANIFEST).is_file():
        raise UserError(
            _("{path} is not a contribution package (no manifest.json); give the folder written by "
              "`culturecoop prepare`.").format(path=shown)
        )
    manifest, raw = _read_manifest(path, shown)
    if manifest.get("format") != PACKAGE_FORMAT:
        raise UserError(
            _("{path} is not a contribution package (unknown format); give the folder written by "
              "`culturecoop prepare`.").format(path=shown),
            exit_code=3,
        )
    version = manifest.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        # Not a version at all ("2", null, NaN): saying « version 2, but this warehouse uses version 2 » misleads.
        raise _corrupted(_("The manifest of {path} gives no schema version: the package is corrupted; prepare it "
                           "again."), path=shown)
    if version != SCHEMA_VERSION:
        raise UserError(
            _("The package {path} was prepared for schema version {found}, but this warehouse uses "
              "version {expected}; prepare it again with a matching culturecoop.").format(
                path=shown, found=version, expected=SCHEMA_VERSION),
            exit_code=3,
        )
    member = _check_manifest_fields(manifest, shown)
    tables = manifest["tables"]
    for table in CONTRIBUTED_TABLES:
        entry = tables.get(table.name)
        if entry is None and not table.required:
            continue  # prepared by a release that did not write this table: it has no row of it
        if not isinstance(entry, dict) or "file" not in entry or "sha256" not in entry:
            raise UserError(
                _("The package {path} has no {table} table in its manifest: it is incomplete; prepare it again.").format(path=shown, table=table.name),
                exit_code=3,
            )
        if entry.get("rows") is not None and not _is_count(entry["rows"]):
            raise _corrupted(_("The manifest of {path} has fields of the wrong kind (member, rows, tables or "
                               "created_at): the package is corrupted; prepare it again."), path=shown)
        file = path / Path(str(entry["file"])).name
        if not file.is_file():
            raise UserError(
                _("The package {path} is missing {file}: it is incomplete; copy the whole folder again.").format(path=shown, file=file.name),
                exit_code=3,
            )
        if sha256_file(file) != entry["sha256"]:
            raise UserError(
                _("{file} in {path} does not match its checksum: the package was corrupted or altered "
                  "after it was prepared; ask the member to send it again.").format(path=shown, file=file.name),
                exit_code=3,
            )
        _check_table_file(file, table, entry, member["member_id"], shown)
    _check_pseudonyms(path, tables, shown)
    _check_references(path, tables, shown)
    _check_amounts(path, tables, shown)
    return VerifiedPackage(path, manifest, hashlib.sha256(raw).hexdigest(), label or "")


# What prepare writes where a person's identifiers go (``privacy.encodings``): a member's ids as keyed tokens
# of ID_TOKEN_HEX hex digits, e-mails and phones as HMAC-SHA256 hex digests, names, birth dates and
# postcodes as Bloom filters of BLOOM_BITS bits (None below). Anything else there was edited in and may be
# the identifier itself in clear (an e-mail for its token): refused before anything is loaded.
_DIGEST_HEX = 64
_PSEUDONYMS: dict[str, tuple[tuple[str, int | None], ...]] = {
    "patron": (("member_patron_id", ID_TOKEN_HEX), ("email_token", _DIGEST_HEX), ("phone_token", _DIGEST_HEX),
               *((f"bloom_{f}", None) for f in BLOOM_FIELDS)),
    "ticket": (("ticket_id", ID_TOKEN_HEX), ("order_id", ID_TOKEN_HEX), ("member_patron_id", ID_TOKEN_HEX)),
    "consent": (("member_patron_id", ID_TOKEN_HEX),),
}


def _not_pseudonymous_sql(column: str, digits: int | None, kind: pa.DataType) -> str:
    """SQL: how many values of ``column`` are not what prepare writes there (``_PSEUDONYMS``); all of
    them when the file's column is not of the type prepare writes."""
    if digits is None and (pa.types.is_binary(kind) or pa.types.is_large_binary(kind)):
        return f"count_if(octet_length({column}) <> {BLOOM_BITS // 8})"
    if digits is not None and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return f"count_if(NOT regexp_full_match({column}, '[0-9a-f]{{{digits}}}'))"
    return f"count({column})"


def _as_prepare_writes(column: pa.ChunkedArray, digits: int | None) -> bool:
    """Whether every value of ``column`` is what prepare writes there, proved from the Arrow buffers
    (a tenth of the time of a pattern per value); False says only "look closer"."""
    if digits is not None:
        return all_hex_tokens(column, (digits,))
    if not all(pa.types.is_binary(chunk.type) for chunk in column.chunks):
        return bool(column.null_count == len(column))
    bounds = pc.min_max(pc.binary_length(column))
    return bool(column.null_count == len(column) or bounds["min"].as_py() == bounds["max"].as_py() == BLOOM_BITS // 8)


def _proved_pseudonymous(file: Path, columns: Sequence[tuple[str, int | None]]) -> bool:
    """Whether every value of ``columns`` in ``file`` is what prepare writes there, proved batch by
    batch: the batches' memory is reused, where a whole patron file's Bloom filters (120 MB for
    200,000 patrons) cost the kernel more to hand out than the proof itself takes."""
    with pq.ParquetFile(file) as parquet:
        for batch in parquet.iter_batches(batch_size=_PROOF_ROWS, columns=[c for c, _d in columns],
                                          use_threads=False):
            if not all(_as_prepare_writes(pa.chunked_array([batch.column(c)]), d) for c, d in columns):
                return False
    return True


def _check_pseudonyms(path: Path, tables: dict[str, Any], shown: str) -> None:
    """Refuse a package whose token or Bloom-filter columns hold anything prepare does not write
    there: the columns proved from their Arrow buffers, and a table where a proof fails counted
    value by value in one DuckDB query over its Parquet file (the refusal says how many)."""
    for table, columns in _PSEUDONYMS.items():
        entry = tables.get(table)
        if not isinstance(entry, dict):
            continue
        file = path / Path(str(entry["file"])).name
        if _proved_pseudonymous(file, columns):
            continue  # the common case: no DuckDB connection, no second reading of the file
        schema = pq.read_schema(file)
        con = duckdb.connect()
        try:
            found = con.execute(
                "SELECT " + ", ".join(_not_pseudonymous_sql(c, d, schema.field(c).type) for c, d in columns)
                + " FROM read_parquet(?)", [str(file)]).fetchall()[0]
        finally:
            con.close()
        for (column, digits), n in zip(columns, found, strict=True):
            if n:
                raise _not_pseudonymous(shown, table, column, digits, int(n))


def _not_pseudonymous(shown: str, table: str, column: str, digits: int | None, n: int) -> UserError:
    if digits is None:
        message = plural(n, "The package {path} holds {n} value in {table}.{column} that is not a Bloom filter of {bits} "
                            "bits as prepare writes it, perhaps personal data in clear: nothing was loaded; prepare the "
                            "export again with culturecoop prepare.",
                         "The package {path} holds {n} values in {table}.{column} that are not Bloom filters of {bits} "
                         "bits as prepare writes them, perhaps personal data in clear: nothing was loaded; prepare the "
                         "export again with culturecoop prepare.")
    else:
        message = plural(n, "The package {path} holds {n} value in {table}.{column} that is not a keyed token of {digits} "
                            "hexadecimal digits as prepare writes it, perhaps personal data in clear: nothing was loaded; "
                            "prepare the export again with culturecoop prepare.",
                         "The package {path} holds {n} values in {table}.{column} that are not keyed tokens of {digits} "
                         "hexadecimal digits as prepare writes them, perhaps personal data in clear: nothing was "
                         "loaded; prepare the export again with culturecoop prepare.")
    return _corrupted(message, path=shown, n=count(n), table=table, column=column, digits=digits, bits=BLOOM_BITS)


# What a table's rows name in another table of the same package: prepare writes every sale's event and
# buyer with it (a later package repeats them), so a row naming one the package lacks was edited in, and
# every report would leave it out without a word.
_REFERENCES = (("ticket", "event_id", "event"), ("ticket", "member_patron_id", "patron"),
               ("unnamed_sale", "event_id", "event"))


def _check_references(path: Path, tables: dict[str, Any], shown: str) -> None:
    def values(table: str, column: str) -> pa.Array | None:
        entry = tables.get(table)
        if not isinstance(entry, dict):
            return None
        return pc.unique(read_columns(path / Path(str(entry["file"])).name, [column]).column(column))

    for table, column, target in _REFERENCES:
        named, held = values(table, column), values(target, column)
        if named is None or held is None:
            continue
        missing = pc.filter(named, pc.invert(pc.is_in(named, value_set=held)))
        if len(missing):
            message = (plural(len(missing), "Rows of {file} in {path} name an event the package does not hold: the "
                              "package is inconsistent; prepare it again.",
                              "Rows of {file} in {path} name {n} events the package does not hold: the package is "
                              "inconsistent; prepare it again.") if target == "event" else
                       plural(len(missing), "Rows of {file} in {path} name a buyer the package does not hold: the "
                              "package is inconsistent; prepare it again.",
                              "Rows of {file} in {path} name {n} buyers the package does not hold: the package is "
                              "inconsistent; prepare it again."))
            raise _corrupted(message, file=Path(str(tables[table]["file"])).name, path=shown, n=count(len(missing)))


# What prepare lets through (``ingest.validate``): a line's quantity from 1 to 10,000 admissions, a
# price from 0 to under a hundred million. A row beyond them was edited in, and would weigh on every
# pooled figure (a quantity of −1,000,000 wipes out a season's tickets).
_AMOUNTS = (("ticket", "quantity", 1, 10_000), ("ticket", "unit_price", 0, 99_999_999.99),
            ("unnamed_sale", "unit_price", 0, 99_999_999.99), ("unnamed_sale", "admissions", 1, None))


def _check_amounts(path: Path, tables: dict[str, Any], shown: str) -> None:
    for table, column, low, high in _AMOUNTS:
        entry = tables.get(table)
        if not isinstance(entry, dict):
            continue
        file = Path(str(entry["file"])).name
        values = read_columns(path / file, [column]).column(column)
        if not len(values):
            continue
        bounds = pc.min_max(pc.cast(values, pa.float64()))
        smallest, largest = bounds["min"].as_py(), bounds["max"].as_py()
        if smallest is None:
            continue
        if smallest < low or (high is not None and largest > high):
            wrong = float(smallest if smallest < low else largest)
            message = {"quantity": _("Rows of {file} in {path} hold a quantity prepare never writes (admissions on a "
                                     "line: {value}): the package was edited; prepare it again."),
                       "admissions": _("Rows of {file} in {path} hold a count of admissions prepare never writes (on a "
                                       "line: {value}): the package was edited; prepare it again."),
                       }.get(column, _("Rows of {file} in {path} hold a unit price of {value}, which prepare never "
                                       "writes: the package was edited; prepare it again."))
            raise _corrupted(message, file=file, path=shown,
                             value=count(int(wrong)) if wrong.is_integer() and abs(wrong) < 1e15 else general(wrong))
