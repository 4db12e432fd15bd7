"""Building blocks of the cross-member reports: period masks over the facts, and reading the
cells the privacy gate released (a suppressed cell is None and named in the row's
``suppressed`` list)."""

from __future__ import annotations

from typing import Any

from culturecoop.analytics.facts import GENRE_BITS, genre_column
from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language
from culturecoop.privacy.gate import COUNT, GatedTable
from culturecoop.schema.taxonomy import GENRE_LABELS, GENRES
from culturecoop.warehouse.sql_engine import SqlEngine


def genres_in_period(alias: str) -> str:
    """SQL: the genre bit mask of what a record or person attended in the period's months."""
    return " + ".join(
        f"(CASE WHEN ({alias}.{genre_column(g)} & $period_mask) <> 0 "
        f"THEN CAST({1 << bit} AS BIGINT) ELSE CAST(0 AS BIGINT) END)"
        for g, bit in GENRE_BITS.items()
    )


def genre_labels() -> dict[str, str]:
    """Display names of the genres in the current language."""
    index = 0 if current_language() == "fr" else 1
    return {g: GENRE_LABELS.get(g, (g, g))[index] for g in GENRES}


def genre_label(genre: str) -> str:
    return genre_labels().get(genre, genre)


def genre_domain() -> list[tuple[Any, ...]]:
    return [(g,) for g in GENRES]


def require_identity(engine: SqlEngine, db_hint: str = "FILE") -> None:
    """Cross-member reports need ``culturecoop link``: say so in one sentence when it has not run."""
    linked = engine.remember(("analytics", "linked"), lambda: bool(engine.scalar("SELECT count(*) FROM identity")))
    if not linked:
        raise UserError(
            _("No patron is linked across members yet, so cross-member reports have nothing to compare: run `culturecoop link --db {db}` first.").format(db=db_hint)
        )


class Cells:
    """Lookup of released cells of one gated table by key."""

    def __init__(self, table: GatedTable) -> None:
        self.table = table
        self._values = {tuple(r[k] for k in table.keys): r for r in table.rows}

    def get(self, *key: Any) -> int | None:
        row = self._values.get(tuple(key))
        return None if row is None else row[COUNT]

    def hidden(self, *key: Any) -> bool:
        row = self._values.get(tuple(key))
        return row is None or bool(row["suppressed"])

    @property
    def total(self) -> int | None:
        return self.table.total


def mark(row: dict[str, Any], hidden: dict[str, bool]) -> dict[str, Any]:
    """Blank the columns whose source cells were suppressed and list them in ``suppressed``."""
    names = [name for name, is_hidden in hidden.items() if is_hidden]
    for name in names:
        row[name] = None
    row["suppressed"] = names
    return row
