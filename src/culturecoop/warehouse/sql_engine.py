"""The one small class that runs analytics SQL: on DuckDB (the warehouse) or on Spark (a lake).

Analytics are written once, in DuckDB's dialect, with named parameters (``$member``). DuckDB
runs them as they are and binds the parameters itself (the names a query uses are read by a small
scanner: SQLGlot is imported only for Spark). For Spark, SQLGlot parses the query,
replaces each parameter node by a typed literal node (binding at the tree level: a value is
never formatted into SQL text), removes what Spark rejects (an explicit frame on
``ROW_NUMBER()``) and writes Spark SQL. Domain code never imports an engine.
"""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.jsontext import parse
from culturecoop.schema.model import ALL_TABLES
from culturecoop.warehouse.engine import Warehouse

if TYPE_CHECKING:
    from sqlglot import exp

Params = Mapping[str, Any]
T = TypeVar("T")
# Tables of the canonical model that the analytics read; a lake holds these as Parquet.
LAKE_MANIFEST = "_lake.json"
_SPARK_TYPES = {"VARCHAR": "STRING"}


class SqlEngine(ABC):
    """Runs read queries written in DuckDB's dialect and returns plain Python rows."""

    name: str

    @abstractmethod
    def arrow(self, sql: str, params: Params | None = None) -> pa.Table:
        """The result of a query as an Arrow table."""

    @abstractmethod
    def materialize(self, table: str, sql: str, params: Params | None = None) -> None:
        """Store a query's result under ``table`` (a table on DuckDB, a cached view on Spark)."""

    @abstractmethod
    def has_table(self, table: str) -> bool:
        """True when ``table`` exists (canonical or materialized)."""

    def data_version(self) -> str:
        """An identifier of the data's state (for engines whose data is a snapshot)."""
        raise NotImplementedError

    def rows(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Rows of a query as dictionaries of plain values (no Decimal, no NaN)."""
        return [{k: plain(v) for k, v in row.items()} for row in self.arrow(sql, params).to_pylist()]

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        rows = self.rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, kept while the data cannot have changed (engines that know it keep it)."""
        return compute()

    def on_data_version(self, version: str) -> None:
        """Told by the analytics, before a report's queries, which data version they read."""
        del version  # engines that keep query results per version override this


def plain(value: Any) -> Any:
    """A result value as a JSON-friendly Python value, equal across engines."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# What a query's text holds, in the order tried at each position: a quoted string ('it''s'), a
# quoted name ("Prix $"), a comment, a dollar-quoted string ($$…$$, $tag$…$tag$), a parameter.
_SQL_PARTS = re.compile(r"""'(?:[^']|'')*'?|"(?:[^"]|"")*"?|--[^\n]*|/\*.*?(?:\*/|\Z)"""
                        r"""|(\$[A-Za-z_]\w*\$|\$\$).*?(?:\1|\Z)|(?<![\w$])\$([A-Za-z_]\w*)""", re.DOTALL)


@lru_cache(maxsize=512)
def parameter_names(sql: str) -> frozenset[str]:
    """Names of the ``$name`` parameters a query uses: ``$`` followed by a name, outside strings,
    quoted names and comments (where DuckDB reads no parameter either)."""
    return frozenset(m.group(2) for m in _SQL_PARTS.finditer(sql) if m.group(2))


def _used(sql: str, params: Params | None) -> dict[str, Any]:
    names = parameter_names(sql)
    missing = names - set(params or {})
    if missing:
        raise KeyError(f"query parameters without a value: {sorted(missing)}")
    return {k: v for k, v in (params or {}).items() if k in names}


def finish_pending(warehouse: Warehouse) -> None:
    """Close a result left open by ``execute().fetchone()``: DuckDB 2.0 refuses new work until then."""
    warehouse.con.complete()


class DuckDBEngine(SqlEngine):
    """Runs queries on the warehouse through ``Warehouse`` (which owns the connection)."""

    name = "duckdb"

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse

    def arrow(self, sql: str, params: Params | None = None) -> pa.Table:
        finish_pending(self.warehouse)
        return self.warehouse.arrow(sql, _used(sql, params) or None)

    def rows(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        # Report results are small: plain rows skip the Arrow round trip that arrow() makes.
        finish_pending(self.warehouse)
        cursor = self.warehouse.con.execute(sql, _used(sql, params) or None)
        names = [d[0] for d in cursor.description or []]
        return [{n: plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        return self.warehouse.remember(key, compute)

    def materialize(self, table: str, sql: str, params: Params | None = None) -> None:
        with self.warehouse.transaction() as con:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}", _used(sql, params) or None)

    def has_table(self, table: str) -> bool:
        return bool(self.warehouse.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]))

    def stored_facts_version(self) -> str | None:
        """The data version the derived tables were built from (None before the first build)."""
        finish_pending(self.warehouse)
        try:
            rows = self.warehouse.con.sql("SELECT data_version FROM analytics_meta").fetchall()
        except duckdb.CatalogException:
            return None
        return str(rows[0][0]) if rows else None


def literal(value: Any) -> exp.Expression:
    """A Python value as a typed SQL literal node."""
    from sqlglot import exp

    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float | Decimal):
        return exp.Literal.number(value)
    if isinstance(value, datetime):
        return exp.Cast(this=exp.Literal.string(value.isoformat(sep=" ")), to=exp.DataType.build("TIMESTAMP"))
    if isinstance(value, date):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("DATE"))
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as an SQL parameter")


def _strip_ranking_frames(node: exp.Expr) -> exp.Expr:
    # Spark rejects an explicit frame on ROW_NUMBER()/RANK(): the frame means nothing there.
    from sqlglot import exp

    if isinstance(node, exp.Window) and isinstance(node.this, (exp.RowNumber, exp.Rank, exp.DenseRank)) \
            and node.args.get("spec"):
        node = node.copy()
        node.set("spec", None)
    return node


@lru_cache(maxsize=512)
def _parsed(sql: str) -> exp.Expr:
    import sqlglot

    return sqlglot.parse_one(sql, read="duckdb")


def to_spark_sql(sql: str, params: Params | None = None) -> str:
    """A DuckDB-dialect query as Spark SQL, its parameters bound as literal nodes."""
    values = _used(sql, params)

    from sqlglot import exp

    def bind(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder) and node.name:
            return literal(values[str(node.name)])
        return _strip_ranking_frames(node)

    return _parsed(sql).copy().transform(bind).sql(dialect="spark")


def spark_session(master: str = "local[2]") -> Any:
    """A local Spark session configured for the analytics (imported lazily)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UserError(
            _("The Spark engine needs the spark extra: install it with `pip install 'culturecoop[spark]'` (and Java 17).")
        ) from None
    # The driver listens on the loopback only (Spark picks the machine's network address otherwise, and
    # warns about it), and says errors, not its warnings and a progress bar per stage.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    log_config = Path(__file__).with_name("spark-log4j2.properties").as_uri()
    return (
        SparkSession.builder.master(master)
        .appName("culturecoop")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config}")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def _lake_manifest(path: Path, lake: Path) -> dict[str, Any]:
    """The lake's manifest, refused in one sentence when it is not one ``export-lake`` writes: not JSON,
    or naming tables that are not the warehouse's (their names become folders read and views made)."""
    known = {t.name for t in ALL_TABLES}
    try:
        manifest = parse(path.read_bytes())
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict | list) \
            or not all(isinstance(t, str) and t in known for t in manifest["tables"]):
        raise UserError(
            _("{lake} is not a culturecoop lake (its {file} was altered or damaged); create it again with "
              "`culturecoop export-lake --db FILE --lake {lake}`.").format(lake=lake, file=LAKE_MANIFEST),
            exit_code=3,
        )
    return manifest


class SparkEngine(SqlEngine):
    """Runs the same queries through Spark SQL on a Parquet lake (see ``warehouse.lake``)."""

    name = "spark"

    def __init__(self, lake: Path | str, session: Any | None = None) -> None:
        self.lake = Path(lake)
        manifest = self.lake / LAKE_MANIFEST
        if not manifest.is_file():
            raise UserError(
                _("{lake} is not a culturecoop lake; create it with `culturecoop export-lake --db FILE --lake {lake}`.").format(lake=self.lake)
            )
        self.manifest: dict[str, Any] = _lake_manifest(manifest, self.lake)
        self.spark = session if session is not None else spark_session()
        self._views: set[str] = set()
        for table in self.manifest["tables"]:
            self.spark.read.parquet(str(self.lake / table)).createOrReplaceTempView(table)
            self._views.add(table)
        for absent in ALL_TABLES:
            if not absent.required and absent.name not in self._views:
                # A lake exported before this table existed: it holds none of its rows.
                columns = ", ".join(f"CAST(NULL AS {_SPARK_TYPES.get(c.sql_type, c.sql_type)}) AS {c.name}"
                                    for c in absent.columns)
                self.spark.sql(f"SELECT {columns} LIMIT 0").createOrReplaceTempView(absent.name)
                self._views.add(absent.name)

    def arrow(self, sql: str, params: Params | None = None) -> pa.Table:
        table: pa.Table = self.spark.sql(to_spark_sql(sql, params)).toArrow()
        return table

    def materialize(self, table: str, sql: str, params: Params | None = None) -> None:
        frame = self.spark.sql(to_spark_sql(sql, params)).cache()
        frame.createOrReplaceTempView(table)
        self._views.add(table)

    def has_table(self, table: str) -> bool:
        return table in self._views

    def data_version(self) -> str:
        """A lake is a snapshot: its export time identifies its data."""
        return json.dumps({"lake": str(self.lake), "exported_at": self.manifest.get("exported_at")})
