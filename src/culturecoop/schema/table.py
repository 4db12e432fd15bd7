"""The shape of the canonical model's tables: a table, its columns, its key, its DDL."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    doc: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    # True for tables that a contribution package carries; False for derived tables.
    contributed: bool = True
    # False for the large contributed tables: `ingest` guarantees their keys are unique, and
    # bulk loads run 2-3x faster without maintaining a primary-key index.
    indexed_key: bool = True
    # False for a contributed table that packages prepared by earlier releases lack (loaded as
    # having no row): adding such a table keeps the schema version.
    required: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        cols = [
            f"    {c.name} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns
        ]
        if self.indexed_key:
            cols.append(f"    PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(cols) + "\n)"


def column(name: str, sql_type: str, doc: str, nullable: bool = True) -> Column:
    return Column(name, sql_type, doc, nullable)
