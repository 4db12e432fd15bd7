"""What a tab page shows, as typed view models, and the cells of its tables.

View builders (``views.own``, ``views.pooled``) turn the analytics' JSON answers into these;
templates render them to HTML, ``render.csv_text`` to CSV, and ``charts`` figures travel with
them. Every code a report returns (genre, segment, distance...) is named here in the reader's
language; numbers are formatted by locale; a cell the privacy gate hid stays hidden — shown as
"< k" on the page, an empty cell plus a flag column in the CSV.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from culturecoop.analytics import wording
from culturecoop.web.i18n import Translator, _
from culturecoop.web.tabs import Tab

# How a column's values are shown: counts, shares, money...; ``code:<kind>`` names a code.
KINDS = ("text", "int", "part", "index", "float1", "float2", "times", "money", "percent", "points", "day", "month", "bool")


@dataclass(frozen=True)
class Col:
    """A column of a table: the report's key, its label (message id), how values are shown,
    and the glossary term its header explains (if any)."""

    key: str
    label: str
    kind: str = "text"
    term: str | None = None
    # Why a cell of this column may hold no value, other than the privacy gate (a message id): said
    # as the page's « – » tooltip and in the CSV's cell, where an empty cell read as a lost figure.
    empty: str | None = None


# A pooled table's cell with no figure and no reason of its column: in a row the gate partly hid,
# a figure computed from the hidden ones; else a figure too few people or months allow.
FROM_HIDDEN = _("Not computed: the figures it comes from are hidden by the privacy gate")
NO_FIGURE = _("No figure: too few people or months in the data to compute it")


def why_empty(row: Mapping[str, Any], col: Col, pooled: bool) -> str | None:
    """Why a cell the gate did not hide holds no value (a message id), or None when not known: in a
    pooled table every empty cell says why, as an empty cell in a CSV reads as a figure lost."""
    if pooled and row.get("suppressed"):
        return FROM_HIDDEN
    if col.empty:
        return col.empty
    return NO_FIGURE if pooled else None


@dataclass
class Cell:
    value: Any
    text: str
    suppressed: bool = False
    numeric: bool = False
    kind: str = "text"  # how the value is written in a CSV (see ``render.csv_text``)
    why: str | None = None  # why it holds no value (not the gate's doing): the tooltip, the CSV's text


@dataclass
class Column:
    key: str
    label: str
    kind: str
    term: str | None = None
    meaning: str | None = None


@dataclass
class TableView:
    id: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    pooled: bool = False
    collapsed: bool = False  # long tables open on demand under their chart
    currency: str = "CAD"  # the unit of its amounts (a CSV's header says it)


@dataclass
class Action:
    """Something to do from what a section shows: a download, a page, or a form to send."""

    kind: str  # "download", "link", "audience"
    label: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    hint: str | None = None
    reason: str | None = None  # why, in one sentence with the page's figure (a tab's next steps)


@dataclass
class Section:
    id: str
    title: str
    chart: dict[str, Any] | None = None
    table: TableView | None = None
    note: str | None = None
    pooled: bool = False
    actions: list[Action] = field(default_factory=list)
    lead: str | None = None  # one sentence under the title: how to read the chart
    # Actions per row of the table (a segment: download its patrons, build an audience).
    action_rows: list[tuple[str, list[Action]]] = field(default_factory=list)
    action_rows_note: str | None = None  # once, under those actions (what to do with a download)


@dataclass
class Kpi:
    label: str
    cell: Cell
    term: str | None = None
    detail: str | None = None
    small: bool = False  # a text (an event's title) rather than a figure


@dataclass
class PeriodView:
    """The period the figures cover, in words; ``first`` when it starts with the data; ``rounded``
    why it is not the period chosen in the form above it (cross-member figures count whole months)."""

    text: str
    previous: str | None = None
    first: str | None = None
    rounded: str | None = None


@dataclass
class TabView:
    tab: Tab
    member_id: str
    pooled: bool
    k: int | None = None
    period: PeriodView | None = None
    insights: list[str] = field(default_factory=list)
    silence: str | None = None
    kpis: list[Kpi] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    picker: dict[str, Any] | None = None  # the sales-pace tab's choice of event
    next_steps: list[Action] = field(default_factory=list)  # what to do about what the tab found

    def table(self, table_id: str) -> TableView | None:
        return next((s.table for s in self.sections if s.table is not None and s.table.id == table_id), None)


def told_apart(*candidates: list[str]) -> list[str]:
    """Each item's label in a picker: its first candidate (« 23 déc. 2026 · Copper Lake »), unless
    another item reads the same; then its next candidate (with the time, the room), and so on: two
    entries a person cannot tell apart never sit side by side in a list. The last candidate (the
    member's own event id) is the one kept when nothing else differs."""
    chosen = list(candidates[0])
    for better in candidates[1:]:
        alike = Counter(chosen)
        chosen = [better[n] if alike[label] > 1 else label for n, label in enumerate(chosen)]
    return chosen


def is_hidden(row: Mapping[str, Any], key: str) -> bool:
    """True when the privacy gate suppressed this cell of a report row."""
    marker = row.get("suppressed")
    if marker is True:
        return row.get(key) is None
    return isinstance(marker, list | tuple) and key in marker


def cell(value: Any, kind: str, t: Translator, k: int | None = None, hidden: bool = False, why: str | None = None) -> Cell:
    """One value as the reader sees it. A hidden count reads "< k"; a hidden group of a released
    total (kind ``part``) reads "hidden": the gate also hides large groups there, so that a small one
    cannot be deduced by difference; a hidden figure derived from counts (a share, an index) reads
    "–": "< 10" would read as its value. A missing value reads "–", with ``why`` (translated) when
    the reason is known."""
    if hidden:
        shown = f"< {k or 10}" if kind == "int" else t("hidden") if kind == "part" else "–"
        return Cell(None, shown, suppressed=True, kind=kind)
    if value is None:
        return Cell(None, "–", kind=kind, why=why)
    if kind.startswith("code:"):
        return Cell(value, t.label(kind[5:], value), kind="text")
    text = {
        "int": lambda: t.number(value),
        "part": lambda: t.number(value),
        # A figure against a reference (100 = the same), whole: hidden, it is no count below k.
        "index": lambda: t.number(value),
        "float1": lambda: t.number(value, 1),
        "float2": lambda: t.number(value, 2),
        "times": lambda: t.number(value, 2) + "\u00a0×",
        "money": lambda: t.money(value),
        "percent": lambda: t.percent(value),
        # A change of a share, in percentage points: +14,6 pts.
        "points": lambda: wording.points(value, t.language),
    }.get(kind)
    if text is not None:
        return Cell(value, text(), numeric=True, kind=kind)
    if kind == "day":
        return Cell(value, t.day(value), kind=kind)
    if kind == "month":
        return Cell(value, t.month(value), kind=kind)
    if kind == "bool":
        return Cell(value, t("yes") if value else t("no"), kind="text")
    if kind == "label":
        return Cell(value, t.relabel(str(value)), kind="text")
    return Cell(value, str(value), kind="text")


def table(table_id: str, title: str, rows: Iterable[Mapping[str, Any]], cols: Iterable[Col], t: Translator, *,
          k: int | None = None, pooled: bool = False, meanings: Mapping[str, str] | None = None,
          collapsed: bool | None = None, derive: Mapping[str, Callable[[Mapping[str, Any]], Any]] | None = None) -> TableView:
    """A table of report rows in the chosen columns (``derive`` computes a column from a row)."""
    columns = list(cols)
    out_rows = []
    for row in rows:
        values = {**row, **{key: fn(row) for key, fn in (derive or {}).items()}}
        # A derived column is computed from what the row shows: never a cell the gate hid.
        out_rows.append([cell(values.get(c.key), c.kind, t, k, c.key not in (derive or {}) and is_hidden(row, c.key),
                              why=t(reason) if (reason := why_empty(row, c, pooled)) else None)
                         for c in columns])
    view = TableView(
        table_id, title,
        [Column(c.key, t(c.label), c.kind, c.term, t.relabel(meanings[c.key]) if meanings and c.key in meanings else None)
         for c in columns],
        out_rows, pooled, collapsed if collapsed is not None else len(out_rows) > 12, t.currency)
    return view


def released(row: Mapping[str, Any] | None, key: str) -> Any:
    """A value of a report row for a chart: None when suppressed (a gap, never a zero)."""
    if row is None or is_hidden(row, key):
        return None
    return row.get(key)
