"""Loading verified contribution packages into the warehouse (runs at the cooperative).

One package is loaded in one transaction: either every table is updated or none is. Loading is
idempotent: a package already loaded (same manifest SHA-256) changes nothing, and a newer
package from the same member updates rows by their keys (upsert), so re-sending an export with
corrections replaces the old values.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _, count, plural
from culturecoop.ingest.consent_changes import (
    is_consent_package,
    load_consent_changes,
    refuse_tickets,
    upsert_consents,
)
from culturecoop.ingest.package import VerifiedPackage, verify_package
from culturecoop.privacy.suppression import apply_suppression
from culturecoop.schema.model import CONTRIBUTED_TABLES
from culturecoop.schema.table import Table
from culturecoop.warehouse.engine import Warehouse


@dataclass
class TableLoad:
    rows: int = 0
    inserted: int = 0
    updated: int = 0


@dataclass
class IngestSummary:
    package: str
    package_sha256: str
    member_id: str
    already_ingested: bool
    tables: dict[str, TableLoad] = field(default_factory=dict)
    # Records of people erased at their own request, removed before the package committed.
    records_suppressed: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["rows_loaded"] = {name: t.rows for name, t in self.tables.items()}
        return data


def rejects_by_reason(manifest: dict[str, Any]) -> dict[str, int]:
    """Rejected rows per reason when `prepare` wrote them in the manifest (several spellings)."""
    for candidate in (manifest.get("rejects_by_reason"), manifest.get("rejects"),
                      (manifest.get("rows") or {}).get("rejected_by_reason")):
        if isinstance(candidate, dict):
            reasons = candidate.get("by_reason", candidate)
            if isinstance(reasons, dict):
                return {str(k): int(v) for k, v in reasons.items() if isinstance(v, int | float)}
    return {}


def _accepted_apart(manifest: dict[str, Any], key: str) -> int:
    """Accepted rows with no ticket of their own, so that the Data page can show every accepted row
    accounted for: ``refunds_merged``, refund rows `prepare` applied to the sale they refund, and
    ``unnamed_rows``, sales naming nobody summed in ``unnamed_sale``."""
    value = manifest.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object]) -> int:
    # fetchall, not fetchone: DuckDB 2.0 keeps a half-read result open.
    return int(con.execute(sql, params).fetchall()[0][0])


def _upsert(con: duckdb.DuckDBPyConnection, table: Table, parquet: Path, member_id: str) -> TableLoad:
    """Insert the package's rows of one table, replacing rows with the same key."""
    source, path = "read_parquet(?)", [str(parquet)]
    keys = ", ".join(table.primary_key)
    loaded, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT ({keys})) FROM {source}", path
    ).fetchall()[0]
    if loaded != distinct:
        raise UserError(
            plural(loaded - distinct, "The package's {table} table repeats {n} key; it is inconsistent, prepare it again.", "The package's {table} table repeats {n} keys; it is inconsistent, prepare it again.").format(
                table=table.name, n=count(loaded - distinct)),
            exit_code=3,
        )
    existing = _count(con, f"SELECT count(*) FROM {table.name} WHERE member_id = ?", [member_id])
    if table.name == "consent" and existing:  # the newest decision wins (a consent change may be newer than this package)
        return TableLoad(*upsert_consents(con, source, path))
    # Every row of the file is the member's (``verify_package``) and its keys are distinct (above): the
    # rows replaced are those the DELETE matched, every other row is new. With none of the member's
    # rows held (a first package, or its first consents), every row is new: no DELETE, and the
    # decisions need no comparison of dates.
    replaced = 0
    if existing:
        # Upsert as delete-then-insert: the big tables carry no key index (see schema.model).
        match = " AND ".join(f"t.{k} = p.{k}" for k in table.primary_key)
        replaced = _count(con, f"DELETE FROM {table.name} t USING {source} p WHERE {match}", path)
    con.execute(f"INSERT INTO {table.name} SELECT * FROM {source}", path)
    return TableLoad(rows=int(loaded), inserted=int(loaded) - replaced, updated=replaced)


def _reason(exc: Exception, package: VerifiedPackage) -> str:
    """DuckDB's first line, naming the package as the user knows it (never a server's path)."""
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    return first.replace(str(package.path), package.shown)


def load_package(
    warehouse: Warehouse, package: VerifiedPackage, on_table: Callable[[str], None] | None = None
) -> IngestSummary:
    """Load a verified package in one transaction and record it in ``ingest_log``.

    ``on_table`` is called with each table's name once it is loaded (for progress displays).
    """
    started = time.perf_counter()
    member = package.member
    summary = IngestSummary(
        package=str(package.path),
        package_sha256=package.sha256,
        member_id=member.member_id,
        already_ingested=False,
    )
    seen = warehouse.scalar(
        "SELECT count(*) FROM ingest_log WHERE package_sha256 = ?", [package.sha256]
    )
    if seen:
        summary.already_ingested = True
        summary.tables = {t.name: TableLoad() for t in CONTRIBUTED_TABLES}
        summary.seconds = time.perf_counter() - started
        return summary
    manifest = package.manifest
    try:
        with warehouse.transaction() as con:
            con.execute(
                "INSERT OR REPLACE INTO member VALUES (?, ?, ?, ?)",
                [member.member_id, member.name, member.kind, member.region],
            )
            if is_consent_package(manifest):  # consent changes: no ticket, no event, records kept
                refuse_tickets(manifest, package.shown)
                patrons, consents = load_consent_changes(
                    con, package.table_path("patron"), package.table_path("consent"), member.member_id)
                summary.tables = {"event": TableLoad(), "patron": TableLoad(*patrons), "ticket": TableLoad(),
                                  "consent": TableLoad(*consents)}
            for table in CONTRIBUTED_TABLES if not is_consent_package(manifest) else ():
                if table.name not in manifest["tables"]:  # an optional table an older release did not write
                    summary.tables[table.name] = TableLoad()
                    continue
                summary.tables[table.name] = _upsert(
                    con, table, package.table_path(table.name), member.member_id
                )
                if on_table:
                    on_table(table.name)
            summary.records_suppressed = apply_suppression(con, member.member_id)
            rows = manifest.get("rows") or {}
            con.execute(
                "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    package.sha256,
                    member.member_id,
                    manifest.get("profile"),
                    datetime.fromisoformat(str(manifest["created_at"]).replace("Z", "+00:00")).replace(tzinfo=None),
                    datetime.now(UTC).replace(tzinfo=None),
                    rows.get("in"),
                    rows.get("rejected"),
                    json.dumps({name: t.rows for name, t in summary.tables.items()}
                               | {key: n for key in ("refunds_merged", "unnamed_rows")
                                  if (n := _accepted_apart(manifest, key))}
                               | ({"rejects_by_reason": reasons} if (reasons := rejects_by_reason(manifest)) else {})
                               # Rows of the export that sold no ticket (donations, a shop's goods): left out.
                               | ({"not_tickets": n} if (n := _accepted_apart(rows, "not_tickets")) else {})),
                    json.dumps(manifest["consent"]) if isinstance(manifest.get("consent"), dict) else None,
                ],
            )
    except duckdb.ConstraintException as exc:
        raise UserError(
            _("The package {path} breaks a key of the warehouse ({reason}); it is inconsistent, "
              "prepare it again.").format(path=package.shown, reason=_reason(exc, package)),
            exit_code=3,
        ) from None
    except (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.BinderException) as exc:
        raise UserError(
            _("The package {path} cannot be loaded ({reason}); prepare it again with a matching "
              "culturecoop.").format(path=package.shown, reason=_reason(exc, package)),
            exit_code=3,
        ) from None
    summary.seconds = time.perf_counter() - started
    return summary


def ingest(package_path: Path, db_path: Path) -> IngestSummary:
    """Verify a package, then load it into the warehouse at ``db_path`` (created if needed)."""
    package = verify_package(package_path)
    with Warehouse(db_path, create=True) as warehouse:
        return load_package(warehouse, package)
