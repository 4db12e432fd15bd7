"""What a report is and what it returns: the types shared by every report family."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from culturecoop.analytics.facts import Window
from culturecoop.analytics.period import Period
from culturecoop.privacy.gate import Beside, CountTable, GatedTable, Release
from culturecoop.warehouse.sql_engine import SqlEngine


@dataclass(frozen=True)
class Column:
    """A column of a report table and what it means, in plain words."""

    name: str
    meaning: str
    header: str | None = None  # a header of its own (a message id) when the table's usual one would mislead


@dataclass
class ReportTable:
    """One table of a report. ``rows`` are plain values; a suppressed cell is None and its
    column is listed in the row's ``suppressed`` list (shown as "< k")."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    pooled: bool = False

    def to_json(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            item = {c.name: row.get(c.name) for c in self.columns}
            if self.pooled:
                item["suppressed"] = list(row.get("suppressed", []))
            out.append(item)
        return out


@dataclass
class ReportResult:
    """A report's answer: tables, key figures, notes, and what the privacy gate did."""

    report: str
    title: str
    member_id: str
    engine: str
    params: dict[str, Any]
    pooled: bool
    k: int
    tables: list[ReportTable]
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    epsilon_spent: float = 0.0
    audit_id: int | None = None
    release: str | None = None  # "release", "re-release" or None for a member's own data
    policy: dict[str, Any] = field(default_factory=dict)
    # The data's first and last event day and its as-of day (last sale): what a period means.
    coverage: dict[str, Any] = field(default_factory=dict)
    # The member's currency (that of most of its tickets): how its amounts are written.
    currency: str = "CAD"
    # The report's queries as run (SQL and parameters): for benchmarks and for explaining a figure.
    trace: list[tuple[str, dict[str, Any]]] = field(default_factory=list, repr=False)
    # The cross-member cells exactly as the gate released them (before the report derived
    # shares and ratios from them).
    released: dict[str, GatedTable] = field(default_factory=dict, repr=False)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.tables[0].rows if self.tables else []

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.tables[0].columns if self.tables else ()

    def to_json(self) -> dict[str, Any]:
        """One JSON document: ``rows`` is the main table, other tables under their names."""
        payload: dict[str, Any] = {
            "report": self.report,
            "title": self.title,
            "member_id": self.member_id,
            "engine": self.engine,
            "params": self.params,
            "pooled": self.pooled,
            "k": self.k,
            "suppressed_label": f"< {self.k}",
            "epsilon_spent": self.epsilon_spent,
            "audit_id": self.audit_id,
            "release": self.release,
            "policy": self.policy,
            "coverage": self.coverage,
            "currency": self.currency,
            "summary": self.summary,
            "notes": self.notes,
            "titles": {t.name: t.title for t in self.tables},
            "column_meanings": {t.name: {c.name: c.meaning for c in t.columns} for t in self.tables},
        }
        for index, table in enumerate(self.tables):
            payload["rows" if index == 0 else table.name] = table.to_json()
        return payload


@dataclass
class ReportContext:
    """Everything a report needs to run: engine, member, period; the gate for pooled cells."""

    engine: SqlEngine
    member_id: str
    period: Period
    window: Window
    params: dict[str, Any]
    k: int
    noise: bool = False
    gate: Callable[[list[CountTable], Sequence[Beside]], Release] | None = None
    notes: list[str] = field(default_factory=list)
    trace: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def standard_params(self) -> dict[str, Any]:
        return {
            "member": self.member_id,
            "date_from": self.period.start,
            "date_to": self.period.end,
            "period_mask": self.period.month_mask(self.window),
        }

    def query(self, sql: str, **extra: Any) -> list[dict[str, Any]]:
        """Run one of the report's named queries with the standard parameters and ``extra``."""
        params: dict[str, Any] = {**self.standard_params(), **extra}
        self.trace.append((sql, params))
        return self.engine.rows(sql, params)

    def release(self, tables: list[CountTable], beside: Sequence[Beside] = ()) -> Release:
        if self.gate is None:
            raise RuntimeError("a member-only report cannot release cross-member cells")
        return self.gate(tables, beside)


@dataclass
class ReportOutput:
    """What a report's build function returns (the service adds the gate's figures)."""

    tables: list[ReportTable]
    summary: dict[str, Any] = field(default_factory=dict)
    release: Release | None = None


@dataclass(frozen=True)
class ReportSpec:
    """A named report: title, what it tells (English message ids, said in a reader's language),
    whether it crosses members, how it is built."""

    name: str
    title: str
    description: str
    pooled: bool
    build: Callable[[ReportContext], ReportOutput]
    extra_params: tuple[str, ...] = ()
