"""Helpers for the tests of real-export layouts: write an export and its mapping, prepare it,
ingest it into a warehouse in ``tmp_path``, and read back what landed."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from culturecoop.ingest.load import ingest
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import load_profile
from culturecoop.warehouse.engine import Warehouse
from test_prepare_support import TODAY

__all__ = ["TODAY", "Landed", "csv_text", "land", "write_mapping"]


def csv_text(header: list[str], rows: list[list[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def write_mapping(path: Path, mapping: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class Landed:
    """What a prepared and ingested export left in the warehouse."""

    def __init__(self, summary: PrepareSummary, package: Path, db: Path) -> None:
        self.summary = summary
        self.package = package
        self.db = db

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with Warehouse(self.db, read_only=True, create=False) as warehouse:
            return warehouse.query(sql, params)

    def one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        rows = self.rows(sql, params)
        assert len(rows) == 1, rows
        return rows[0]


def land(tmp_path: Path, keys: Path, export: Path, mapping: dict[str, Any], *, member: str = "m1",
         name: str = "x") -> Landed:
    """Prepare ``export`` with ``mapping`` (a dict written as YAML) and ingest it."""
    profile = load_profile(path=write_mapping(tmp_path / f"{name}.yaml", mapping))
    package = tmp_path / f"{name}-pkg"
    summary = prepare(export, member=MemberInfo(member, member), profile=profile, keys_dir=keys,
                      out=package, today=TODAY)
    db = tmp_path / f"{name}.duckdb"
    ingest(package, db)
    return Landed(summary, package, db)
