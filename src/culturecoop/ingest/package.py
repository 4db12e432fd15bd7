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
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from culturecoop import __version__
from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.schema.model import CONTRIBUTED_TABLES, SCHEMA_VERSION

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
) -> dict[str, Any]:
    """Write a package folder atomically (temporary folder, then rename) and return its manifest.

    ``tables`` maps each contributed table name to an Arrow table with exactly its canonical
    columns; ``rows`` carries at least ``in``, ``accepted`` and ``rejected``.
    """
    if out.exists():
        raise UserError(
            _("The output {path} already exists; choose a new --out or remove the old package first.").format(path=out)
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for table in CONTRIBUTED_TABLES:
            if tables[table.name].column_names != table.column_names:
                raise ValueError(f"{table.name}: columns {tables[table.name].column_names} != {table.column_names}")

        def write_one(name: str) -> dict[str, Any]:
            file = tmp / f"{name}.parquet"
            pq.write_table(tables[name], file, compression="zstd")
            return {"file": file.name, "rows": tables[name].num_rows, "sha256": sha256_file(file)}

        # Arrow writes and hashlib release the GIL: the four files are written side by side.
        with ThreadPoolExecutor(max_workers=len(CONTRIBUTED_TABLES)) as pool:
            written = list(pool.map(write_one, [t.name for t in CONTRIBUTED_TABLES]))
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
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


@dataclass(frozen=True)
class VerifiedPackage:
    path: Path
    manifest: dict[str, Any]
    sha256: str

    @property
    def member(self) -> MemberInfo:
        m = self.manifest["member"]
        return MemberInfo(m["member_id"], m.get("name") or m["member_id"], m.get("kind") or "other", m.get("region"))

    def table_path(self, name: str) -> Path:
        return self.path / Path(str(self.manifest["tables"][name]["file"])).name


def verify_package(path: Path) -> VerifiedPackage:
    """Check a package before anything is loaded: format, schema version, checksums, columns."""
    if not path.exists():
        raise UserError(_("The package {path} does not exist; check the path.").format(path=path))
    if not path.is_dir() or not (path / MANIFEST).is_file():
        raise UserError(
            _("{path} is not a contribution package (no manifest.json); give the folder written by "
              "`culturecoop prepare`.").format(path=path)
        )
    raw = (path / MANIFEST).read_bytes()
    try:
        manifest = json.loads(raw)
        if not isinstance(manifest, dict):
            raise ValueError
    except ValueError:
        raise UserError(
            _("The manifest of {path} is not valid JSON: the package is corrupted; prepare it again.").format(path=path),
            exit_code=3,
        ) from None
    if manifest.get("format") != PACKAGE_FORMAT:
        raise UserError(
            _("{path} is not a contribution package (unknown format); give the folder written by "
              "`culturecoop prepare`.").format(path=path),
            exit_code=3,
        )
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise UserError(
            _("The package {path} was prepared for schema version {found}, but this warehouse uses "
              "version {expected}; prepare it again with a matching culturecoop.").format(
                path=path, found=version, expected=SCHEMA_VERSION),
            exit_code=3,
        )
    member = manifest.get("member") or {}
    if not isinstance(member, dict) or not member.get("member_id"):
        raise UserError(_("The manifest of {path} names no member: the package is corrupted; prepare it again.").format(path=path), exit_code=3)
    tables = manifest.get("tables") or {}
    for table in CONTRIBUTED_TABLES:
        entry = tables.get(table.name)
        if not isinstance(entry, dict) or "file" not in entry or "sha256" not in entry:
            raise UserError(
                _("The package {path} has no {table} table in its manifest: it is incomplete; prepare it again.").format(path=path, table=table.name),
                exit_code=3,
            )
        file = path / Path(str(entry["file"])).name
        if not file.is_file():
            raise UserError(
                _("The package {path} is missing {file}: it is incomplete; copy the whole folder again.").format(path=path, file=file.name),
                exit_code=3,
            )
        if sha256_file(file) != entry["sha256"]:
            raise UserError(
                _("{file} in {path} does not match its checksum: the package was corrupted or altered "
                  "after it was prepared; ask the member to send it again.").format(path=path, file=file.name),
                exit_code=3,
            )
        schema = pq.read_schema(file)
        if schema.names != table.column_names:
            raise UserError(
                _("{file} in {path} does not have the columns of the {table} table; prepare the package "
                  "again with a matching culturecoop.").format(path=path, file=file.name, table=table.name),
                exit_code=3,
            )
        member_ids = pq.read_table(file, columns=["member_id"]).column("member_id").unique().to_pylist()
        if any(m != member["member_id"] for m in member_ids):
            raise UserError(
                _("{file} in {path} holds rows of another member than {member}: the package is "
                  "inconsistent; prepare it again.").format(path=path, file=file.name, member=member["member_id"]),
                exit_code=3,
            )
    return VerifiedPackage(path, manifest, hashlib.sha256(raw).hexdigest())
