"""Build contribution packages directly (without `prepare`) to test loading in isolation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.ingest.package import MemberInfo, write_package
from culturecoop.schema.model import CONTRIBUTED_TABLES, create_statements


def build_tables(member_id: str, n_tickets: int, price: float = 25.0, offset: int = 0,
                 currency: str = "CAD") -> dict[str, pa.Table]:
    """A consistent small member dataset, typed exactly like the canonical tables, identifiers shaped
    as prepare's tokens (32 hex digits for ids, 64 for e-mail tokens: ingest refuses anything else)."""
    con = duckdb.connect()
    for statement in create_statements():
        con.execute(statement)
    n_patrons = max(1, n_tickets // 4)
    n_events = max(1, n_tickets // 50)
    con.execute(
        """
        INSERT INTO event SELECT ?, 'E' || i, 'Spectacle ' || i, TIMESTAMP '2026-01-01' + i * INTERVAL 3 DAY,
               'Salle A', 'H2X', ['jazz'], ['Artiste ' || i], 200, i % 2 = 0, 'fr'
        FROM range(?) t(i)
        """,
        [member_id, n_events],
    )
    con.execute(
        """
        INSERT INTO patron SELECT ?, md5('P' || i), sha256('e' || i), NULL, NULL, NULL, NULL, NULL,
               'H2X', '1980-1984', 'fr', NULL
        FROM range(?) t(i)
        """,
        [member_id, n_patrons],
    )
    con.execute(
        """
        INSERT INTO ticket SELECT ?, md5('T' || (i + ?)), md5('O' || i), md5('P' || (i % ?)), 'E' || (i % ?),
               TIMESTAMP '2025-12-01' + i * INTERVAL 1 MINUTE, 1, ?, ?, 'web', 'sold'
        FROM range(?) t(i)
        """,
        [member_id, offset, n_patrons, n_events, price, currency, n_tickets],
    )
    con.execute(
        """
        INSERT INTO consent SELECT ?, md5('P' || i), p, true, TIMESTAMP '2025-12-01'
        FROM range(?) t(i), (VALUES ('pooling'), ('marketing'), ('personalization')) v(p)
        """,
        [member_id, n_patrons],
    )
    return {t.name: con.sql(f"SELECT * FROM {t.name}").to_arrow_table() for t in CONTRIBUTED_TABLES}


# Each member under its own name: pages that name partners (cross offers) read as a member would.
NAMES = {"jazz-dieze": "Club de jazz Le Dièse", "theatre-nord": "Théâtre du Nord", "festival-est": "Festival de l'Est"}


def make_package(out: Path, member_id: str = "jazz-dieze", n_tickets: int = 200, **kw: Any) -> Path:
    tables = build_tables(member_id, n_tickets, **kw)  # type: ignore[arg-type]
    n = tables["ticket"].num_rows
    write_package(
        out,
        tables,
        member=MemberInfo(member_id, NAMES.get(member_id, member_id), "jazz_club", "Montréal"),
        profile="canonical",
        rows={"in": n, "accepted": n, "rejected": 0},
        source_name="test.csv",
    )
    return out
