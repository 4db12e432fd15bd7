"""The canonical model is a public contract: documented, in sync, and what the warehouse holds."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from culturecoop.schema.model import ALL_TABLES, schema_markdown
from culturecoop.warehouse.engine import Warehouse
from packages import make_package

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def test_schema_doc_is_up_to_date() -> None:
    assert DOCS.read_text().strip() == schema_markdown().strip(), (
        "docs/schema.md is stale: run `culturecoop schema --markdown > docs/schema.md`"
    )


def test_every_column_is_documented() -> None:
    for table in ALL_TABLES:
        for column in table.columns:
            assert len(column.doc) > 10, f"{table.name}.{column.name} needs a real description"


def test_warehouse_tables_match_the_model(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb", create=True) as w:
        for table in ALL_TABLES:
            columns = [r["column_name"] for r in w.query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table.name])]
            assert columns == table.column_names


def test_schema_command_lists_tables() -> None:
    result = run_cli("schema", "--json")
    assert result.returncode == 0
    assert '"consent"' in result.stdout and '"recorded_at"' in result.stdout


def test_warehouse_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse(db, create=True) as w:
        w.con.execute("UPDATE schema_info SET value = '0' WHERE key = 'schema_version'")
    result = run_cli("ingest", str(make_package(tmp_path / "pkg")), "--db", str(db))
    assert result.returncode == 4 and "schema version 0" in result.stderr
    assert "Traceback" not in result.stderr
