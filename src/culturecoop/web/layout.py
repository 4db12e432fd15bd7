"""Laying a report's JSON out as a page: key figures, sortable tables, charts, "< k" cells.

Works on the JSON the API returns (``ReportResult.to_json``), so a page shows exactly what the
API answers; labels and values are translated for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from culturecoop.schema.taxonomy import GENRE_LABELS
from culturecoop.web.i18n import Translator, _, retranslate, translate_exact
from culturecoop.web.reports import POOLED_REPORTS, REPORT_TITLES, Tab

# Column and key-figure names of the reports, in words (anything else is shown as its name).
COLUMN_LABELS: dict[str, str] = {
    "share": _("Share"),
    "patrons": _("Patrons"),
    "label": _("Label"),
    "tickets": _("Tickets"),
    "genre": _("Genre"),
    "month": _("Month"),
    "lift_vs_rest": _("Lift vs rest"),
    "lift": _("Lift"),
    "index": _("Index"),
    "event_id": _("Event"),
    "change": _("Change"),
    "area": _("Area"),
    "yours": _("Yours"),
    "your_share": _("Your share"),
    "your_patrons": _("Your patrons"),
    "value": _("Value"),
    "to_label": _("To label"),
    "to_genre": _("To genre"),
    "title": _("Title"),
    "tickets_sold": _("Tickets sold"),
    "this_period": _("This period"),
    "their_audience": _("Their audience"),
    "sold_by_now": _("Sold by now"),
    "slope_per_month": _("Slope per month"),
    "significant": _("Significant"),
    "shared": _("Shared"),
    "share_of_yours": _("Share of yours"),
    "share_of_those_going_elsewhere": _("Share of those going elsewhere"),
    "share_of_theirs": _("Share of theirs"),
    "share_of_audience": _("Share of audience"),
    "segment": _("Segment"),
    "revenue_share": _("Revenue share"),
    "revenue": _("Revenue"),
    "return_rate": _("Return rate"),
    "recency": _("Recency"),
    "q_value": _("q value"),
    "previous_period": _("Previous period"),
    "peers": _("Peers"),
    "p_value": _("p value"),
    "other_member": _("Other member"),
    "name": _("Name"),
    "multiplier": _("Multiplier"),
    "months_after": _("Months after"),
    "metric": _("Metric"),
    "last_share": _("Last share"),
    "kind": _("Kind"),
    "jaccard": _("Jaccard"),
    "fsa": _("FSA"),
    "from_patrons": _("From patrons"),
    "from_label": _("From label"),
    "from_genre": _("From genre"),
    "frequency": _("Frequency"),
    "first_share": _("First share"),
    "final": _("Final"),
    "figure": _("Figure"),
    "event_day": _("Event day"),
    "distance": _("Distance"),
    "direction": _("Direction"),
    "dimension": _("Dimension"),
    "description": _("Description"),
    "days_before": _("Days before"),
    "cooperative_share": _("Cooperative share"),
    "cooperative_patrons": _("Cooperative patrons"),
    "comparables_share_sold": _("Comparables share sold"),
    "cohort": _("Cohort"),
    "ci_low": _("CI low"),
    "ci_high": _("CI high"),
    "capacity": _("Capacity"),
    "came_back": _("Came back"),
    "band": _("Band"),
    "attendees": _("Attendees"),
    "attendances": _("Attendances"),
    "active_patrons": _("Active patrons"),
    "areas": _("Areas"),
    "average_basket": _("Average basket"),
    "new_share": _("New share"),
    "share_nearby": _("Share nearby"),
    "visits_per_patron": _("Visits per patron"),
    "peer_group": _("Peer group"),
    "pooled_patrons": _("Pooled patrons"),
    "rising": _("Rising"),
    "falling": _("Falling"),
    "months": _("Months"),
    "your_audience": _("Your audience"),
    "average_price": _("Average price"),
    "new_patrons": _("New patrons"),
    "forecast_final": _("Forecast final"),
    "forecast_low": _("Forecast low"),
    "forecast_high": _("Forecast high"),
    "events": _("Events"),
    "comparable_events": _("Comparable events"),
    "going_elsewhere": _("Going elsewhere"),
    "nearby": _("Nearby"),
}


def label(key: str, t: Translator) -> str:
    """A column or key-figure name in the reader's language."""
    known = COLUMN_LABELS.get(key)
    if known is not None:
        return t(known)
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]

MONEY_WORDS = ("revenue", "price", "amount", "basket", "spend", "monetary")
SHARE_WORDS = ("share", "rate", "pct", "percent", "probability", "jaccard", "change")
# Words that reports use as values.
VALUE_LABELS = {"rising": _("rising"), "falling": _("falling"), "stable": _("stable")}
# Tables whose columns mix units row by row: chart only these (x, y) columns.
# The x axis may join several columns ("jazz → theatre").
CHART_HINTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "overview": (("label",), ("change",)),
    "benchmark": (("label",), ("index",)),
    "affinity": (("from_genre", "to_genre"), ("lift",)),
}
TIME_WORDS = ("month", "week", "period", "date", "day", "year", "cohort", "_at")


@dataclass
class Cell:
    value: Any
    text: str
    suppressed: bool = False
    numeric: bool = False


@dataclass
class TableView:
    id: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[list[Cell]]
    pooled: bool
    chart: dict[str, Any] | None = None
    meanings: dict[str, str] = field(default_factory=dict)


@dataclass
class TabView:
    tab: Tab
    available: bool
    pooled: bool
    k: int | None = None
    kpis: list[tuple[str, Cell]] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _kind(key: str, values: list[Any]) -> str:
    lowered = key.lower()
    sample = [v for v in values if v is not None and not (isinstance(v, str) and v.startswith("<"))]
    if sample and all(isinstance(v, bool) for v in sample):
        return "text"
    if sample and all(isinstance(v, int | float) and not isinstance(v, bool) for v in sample):
        if any(w in lowered for w in MONEY_WORDS):
            return "money"
        if any(w in lowered for w in SHARE_WORDS) and all(-1.5 <= float(v) <= 1.5 for v in sample):
            return "percent"
        return "int" if all(isinstance(v, int) for v in sample) else "float"
    if sample and all(isinstance(v, str) and len(v) >= 7 and v[:4].isdigit() and v[4] == "-" for v in sample):
        return "date"
    return "text"


def _cell(value: Any, kind: str, t: Translator, k: int | None, suppressed: bool) -> Cell:
    if suppressed or (isinstance(value, str) and value.startswith("<") and kind != "text"):
        return Cell(None, f"< {k}" if k else (value if isinstance(value, str) else "< k"), suppressed=True)
    if value is None:
        return Cell(None, "–")
    if kind == "money":
        return Cell(value, t.money(value), numeric=True)
    if kind == "percent":
        return Cell(value, t.percent(value), numeric=True)
    if kind == "int":
        return Cell(value, t.number(value), numeric=True)
    if kind == "float":
        return Cell(value, t.number(value, 2), numeric=True)
    if kind == "date":
        return Cell(value, t.day(datetime.fromisoformat(value)) if len(value) >= 10 else value)
    if isinstance(value, list):
        return Cell(value, ", ".join(str(v) for v in value))
    if isinstance(value, bool):
        return Cell(value, t(_("yes")) if value else t(_("no")))
    if isinstance(value, str) and value in GENRE_LABELS:
        french, english = GENRE_LABELS[value]
        return Cell(value, french if t.language == "fr" else english)
    if isinstance(value, str) and value in VALUE_LABELS:
        return Cell(value, t(VALUE_LABELS[value]))
    if isinstance(value, str):
        return Cell(value, translate_exact(value, t.language))
    return Cell(value, str(value))


def _suppressed_keys(row: dict[str, Any]) -> set[str]:
    marker = row.get("suppressed")
    if marker is True:
        return {k for k, v in row.items() if v is None}
    if isinstance(marker, list | tuple):
        return {str(m) for m in marker}
    return set()


HIDDEN_COLUMNS = {"suppressed", "member_id"}


def _table(table_id: str, title: str, rows: list[dict[str, Any]], pooled: bool, t: Translator,
           k: int | None) -> TableView:
    keys: list[str] = []
    for row in rows:
        for key in row:
            if key not in keys and key not in HIDDEN_COLUMNS:
                keys.append(key)
    kinds = {key: _kind(key, [r.get(key) for r in rows]) for key in keys}
    view_rows = []
    for row in rows:
        hidden = _suppressed_keys(row)
        view_rows.append([_cell(row.get(key), kinds[key], t, k, key in hidden) for key in keys])
    view = TableView(table_id, title, [(key, label(key, t)) for key in keys], view_rows, pooled)
    hint = CHART_HINTS.get(table_id.split("-", 1)[-1])
    if hint and all(key in keys for key in (*hint[0], *hint[1])):
        x_positions = [keys.index(key) for key in hint[0]]
        y_positions = [keys.index(key) for key in hint[1]]
        x_key = " → ".join(hint[0]) if len(hint[0]) > 1 else hint[0][0]
        chart_rows = [[Cell(None, " → ".join(row[i].text for i in x_positions)), *(row[i] for i in y_positions)]
                      for row in view_rows]
        labels = {**dict(view.columns), x_key: " → ".join(dict(view.columns)[key] for key in hint[0])}
        view.chart = _chart(table_id, title, [x_key, *hint[1]], {**kinds, x_key: "text"}, chart_rows, k, labels)
        if view.chart is not None:
            view.chart["columns"] = keys
            view.chart["rows"] = _raw_rows(view_rows, k)
    else:
        view.chart = _chart(table_id, title, keys, kinds, view_rows, k, dict(view.columns))
    return view


MAX_BARS = 30
MAX_SERIES = 12


def _chart(table_id: str, title: str, keys: list[str], kinds: dict[str, str], rows: list[list[Cell]],
           k: int | None, labels: dict[str, str]) -> dict[str, Any] | None:
    """A chart of a table: a line over time, one line per category when the table is long-format
    (month × genre), else grouped bars of the first unit's columns."""
    if not rows or not keys:
        return None
    text_cols = [i for i, key in enumerate(keys) if kinds[key] in ("text", "date")]
    time_cols = [i for i in text_cols if kinds[keys[i]] == "date" or any(w in keys[i].lower() for w in TIME_WORDS)]
    x_index = time_cols[0] if time_cols else (text_cols[0] if text_cols else None)
    numeric = [i for i, key in enumerate(keys) if kinds[key] in ("int", "float", "money", "percent")
               and not key.lower().startswith(("ci_", "p_value", "q_value")) and i != x_index]
    if x_index is None or not numeric:
        return None
    x_key = keys[x_index]
    is_time = bool(time_cols)
    first_kind = kinds[keys[numeric[0]]]

    def x_of(row: list[Cell]) -> Any:
        return row[x_index].value if kinds[x_key] == "date" else row[x_index].text

    def y_of(cell: Cell) -> Any:
        return None if cell.suppressed else cell.value

    categories = [i for i in text_cols if i != x_index]
    series: list[dict[str, Any]]
    if is_time and categories:
        cat = categories[0]
        names = list(dict.fromkeys(row[cat].text for row in rows))[:MAX_SERIES]
        y = numeric[0]
        series = [{"name": name, "x": [x_of(r) for r in rows if r[cat].text == name],
                   "y": [y_of(r[y]) for r in rows if r[cat].text == name]} for name in names]
        title_y = keys[y]
    else:
        shown = rows if is_time else rows[:MAX_BARS]
        series = [{"name": labels.get(keys[i], keys[i]), "x": [x_of(r) for r in shown], "y": [y_of(r[i]) for r in shown]}
                  for i in [i for i in numeric if kinds[keys[i]] == first_kind][:4]]
        title_y = ""
    return {
        "id": table_id,
        "title": title,
        "kind": "line" if is_time else "bar",
        "x_label": labels.get(x_key, x_key),
        "y_label": labels.get(title_y, title_y) if title_y else "",
        "series": series,
        "percent": first_kind == "percent",
        "truncated": not is_time and len(rows) > MAX_BARS,
        "columns": keys,
        "rows": _raw_rows(rows, k),
    }


def _raw_rows(rows: list[list[Cell]], k: int | None) -> list[list[Any]]:
    """The table's values for the CSV download (suppressed cells as "< k")."""
    return [[(f"< {k}" if c.suppressed and k else c.value) if not isinstance(c.value, list)
             else ", ".join(map(str, c.value)) for c in row] for row in rows]


SKIPPED_KEYS = frozenset({
    "available", "k", "policy", "params", "report", "name", "member_id", "pooled", "audit_id", "titles",
    "column_meanings", "suppressed_label", "engine", "release", "title", "epsilon_spent",
})


def build_tab_view(tab: Tab, payloads: dict[str, dict[str, Any]], t: Translator) -> TabView:
    """Lay out the JSON answers of a tab's reports as key figures, tables and charts."""
    available = all(p.get("available") for p in payloads.values())
    view = TabView(tab, available, tab.pooled)
    for name, payload in payloads.items():
        if not payload.get("available"):
            continue
        if payload.get("error"):
            view.errors.append((t(REPORT_TITLES.get(name, name)), str(payload["error"])))
            continue
        k = payload.get("k") or (payload.get("policy") or {}).get("k")
        view.k = view.k or (int(k) if isinstance(k, int | float) else None)
        pooled = bool(payload.get("pooled", name in POOLED_REPORTS))
        titles: dict[str, str] = payload.get("titles") or {}
        meanings: dict[str, dict[str, str]] = payload.get("column_meanings") or {}
        main = next(iter(titles), "rows")
        for key, value in payload.items():
            if key in SKIPPED_KEYS:
                continue
            if key == "notes" and isinstance(value, list):
                view.notes += [retranslate(str(v), t.language) for v in value]
            elif isinstance(value, list) and (not value or isinstance(value[0], dict)):
                table_name = main if key == "rows" else key
                title = titles.get(table_name) or t(REPORT_TITLES.get(name, name))
                table = _table(f"{name}-{table_name}", retranslate(title, t.language), value, pooled, t, view.k)
                table.meanings = {c: retranslate(m, t.language) for c, m in meanings.get(table_name, {}).items()}
                view.tables.append(table)
            elif isinstance(value, dict) and value and all(not isinstance(v, dict | list) for v in value.values()):
                kinds = {kk: _kind(kk, [vv]) for kk, vv in value.items()}
                view.kpis += [(label(kk, t), _cell(vv, kinds[kk], t, view.k, False)) for kk, vv in value.items()]
            elif isinstance(value, str) and key in ("note", "message", "method"):
                view.notes.append(retranslate(value, t.language))
    # Two reports of a tab often say the same thing about the gate: say it once.
    view.notes = list(dict.fromkeys(view.notes))
    return view
