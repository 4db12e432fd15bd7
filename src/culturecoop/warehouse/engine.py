"""The warehouse: the one class that opens database connections.

Reads and writes go through ``Warehouse``; writes happen inside ``transaction()``, one explicit
transaction, so a failure or a killed process leaves the warehouse as it was.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.schema.model import SCHEMA_VERSION, create_statements


class Warehouse:
    """A DuckDB warehouse file holding the canonical model."""

    def __init__(self, path: Path | str, *, read_only: bool = False, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise UserError(
                _("The warehouse {path} does not exist; check the path or load a package into it "
                  "with `culturecoop ingest PKG --db {path}`.").format(path=self.path)
            )
        if self.path.exists() and self.path.is_dir():
            raise UserError(_("{path} is a folder, not a warehouse file; give the path of a .duckdb file.").format(path=self.path))
        if create and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise UserError(
                _("The warehouse {path} cannot be opened ({reason}); close any other program using it "
                  "and check that it is a culturecoop warehouse.").format(path=self.path, reason=str(exc).splitlines()[0])
            ) from None
        # DuckDB's progress bar would write into --json output on long queries.
        self.con.execute("SET enable_progress_bar = false")
        if not read_only:
            self._migrate()
        self._check_version()

    def _migrate(self) -> None:
        with self.transaction():
            for statement in create_statements():
                self.con.execute(statement)
            self.con.execute(
                "INSERT INTO schema_info VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [str(SCHEMA_VERSION)],
            )

    def _check_version(self) -> None:
        try:
            rows = self.con.execute(
                "SELECT value FROM schema_info WHERE key = 'schema_version'"
            ).fetchall()
            row = rows[0] if rows else None
        except duckdb.CatalogException:
            row = None
        if row is None or int(row[0]) != SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise UserError(
                _("The warehouse {path} has schema version {found} but this culturecoop expects "
                  "{expected}; use a culturecoop release that matches it.").format(
                    path=self.path, found=found, expected=SCHEMA_VERSION),
                exit_code=4,
            )

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One explicit transaction: committed when the block ends, rolled back on any error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a read query as dictionaries."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        # fetchall, not fetchone: DuckDB 2.0 keeps a half-read result open ("Resource In Use").
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        # DuckDB 2.0 warns that a DB-API result copies rows into Arrow; a relation does not.
        return self.con.sql(sql, params=params or None).to_arrow_table()

    def counts(self) -> dict[str, int]:
        """Rows per canonical table."""
        from culturecoop.schema.model import ALL_TABLES

        return {t.name: int(self.scalar(f"SELECT count(*) FROM {t.name}")) for t in ALL_TABLES}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
