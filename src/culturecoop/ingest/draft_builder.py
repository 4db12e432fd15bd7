"""The draft under way: an export's columns, the fields chosen so far and why, what is left open.

``DraftBuilder`` holds what every step of ``ingest.draft`` reads and writes (the columns not yet
used, the column of each canonical field, the evidence, the settings, the open questions); each
step (``draft_people``, ``draft_events``, ``draft_amounts``, ``draft_labels``, ``draft_consent``)
is a function of it.
"""

from __future__ import annotations

from typing import Any

import duckdb

from culturecoop.i18n import current_language
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_preview import cell_filled, raw_preview
from culturecoop.ingest.shapes import Column
from culturecoop.ingest.sniff import Evidence, Sample
from culturecoop.ingest.words import field_named


def named(field: str) -> str:
    """The canonical field ``field`` as the member's language names it."""
    return field_named(field, current_language())


class DraftBuilder:
    """The columns of one sampled export and the mapping drafted from them so far."""

    def __init__(self, sample: Sample, columns: list[Column], con: duckdb.DuckDBPyConnection) -> None:
        self.sample = sample
        # A column named like an earlier one cannot be told apart by name: prepare reads the first.
        self.columns: list[Column] = []
        seen: set[str] = set()
        for column in columns:
            if column.name and vocab.fold(column.name) not in seen:
                seen.add(vocab.fold(column.name))
                self.columns.append(column)
        self.con = con
        self.columns_map: dict[str, Any] = {}
        self.used: set[int] = set()
        self.evidence: list[Evidence] = list(sample.evidence)
        self.undecided: list[str] = []
        self.settings: dict[str, Any] = dict(sample.settings)
        self.language = vocab.headers_language([c.name for c in self.columns])
        self.date_values: dict[str, list[str]] = {}

    def note(self, key: str, value: Any, why: str, check: bool = False) -> None:
        """Keep the decision ``key`` with its evidence (and, for a setting, its value)."""
        self.evidence.append(Evidence(key, value, why, check))
        if not key.startswith("columns.") and value is not None and key not in ("consent_defaults",
                                                                                  "channel_values"):
            self.settings[key] = value

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def choose(self, field: str, column: Column, why: str, *, check: bool = False) -> None:
        """Read ``field`` from ``column``: mapped, the column used, the reason kept (replacing an
        earlier one for the same field)."""
        self.columns_map[field] = column.name
        self.used.add(column.index)
        key = f"columns.{field}"
        self.evidence = [e for e in self.evidence if e.key != key]
        self.note(key, column.name, why, check=check)

    def read_instead(self, field: str, column: Column, why: str, *, as_field: str | None = None,
                     check: bool = False) -> None:
        """Read ``as_field`` (default ``field``) from ``column`` instead of ``field`` from the column it
        was read from: that mapping, the use of its column and its reason go first."""
        replaced = self.mapped(field)
        del self.columns_map[field]
        if replaced is not None:
            self.used.discard(replaced.index)
        self.evidence = [e for e in self.evidence if e.key != f"columns.{field}"]
        self.choose(as_field or field, column, why, check=check)

    def mapped(self, name: str) -> Column | None:
        """The column the field ``name`` is read from (the first of a fallback list), if any."""
        spec = self.columns_map.get(name)
        if isinstance(spec, str):
            return self.column(spec)
        if isinstance(spec, list) and spec:
            return self.column(spec[0])
        return None

    def columns_of(self, spec: Any) -> list[Column]:
        # A start read in a name ({column: …, in_text: …}): the column read as dates, not the name.
        names = [spec] if isinstance(spec, str) else spec if isinstance(spec, list) else spec.get(
            "join", spec.get("sum", spec.get("first", [spec["column"]] if "column" in spec else
                                             [spec["group_size"]] if "group_size" in spec else [])))
        return [c for n in names if (c := self.column(n)) is not None]

    def price(self) -> Column | None:
        """The column the amounts are read from: the unit price, else the row's total."""
        return self.mapped("unit_price") or self.mapped("total_price")

    def values_of(self, spec: Any) -> list[str]:
        """The sampled values of a column spec (one column, a fallback list or a join)."""
        if isinstance(spec, str):
            column = self.column(spec)
            return column.values if column else []
        rows = raw_preview(self.sample, {"x": spec}, len(self.sample.rows))
        return [v for r in rows if (v := r.get("x"))]

    def spec_cells(self, row: list[str | None], spec: Any) -> list[str]:
        """The non-empty cells of ``row`` that the column spec ``spec`` reads."""
        return [(row[c.index] or "").strip() for c in self.columns_of(spec) if cell_filled(row, c.index)]
