"""The audit log: every use of pooled data, append-only and hash-chained.

Each entry records who asked, for which member, what (report and parameters), when, the ε it
cost and which members' data entered the release. Its ``hash`` is the SHA-256 of its fields and
of the previous entry's hash, so changing or deleting an entry breaks every later hash:
``verify_chain`` finds the first broken entry. Removing the newest entries leaves a valid but
shorter chain: compare ``head()`` with a head published earlier to detect that too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from culturecoop.warehouse.engine import Warehouse

GENESIS = "0" * 64
COLUMNS = (
    "seq", "recorded_at", "actor", "member_id", "action", "report", "parameters", "epsilon",
    "members_touched", "cells_released", "cells_suppressed", "result_sha256", "prev_hash", "hash",
)


@dataclass(frozen=True)
class AuditRecord:
    """What the gate asks to be recorded (the log adds sequence, time and hashes)."""

    actor: str
    member_id: str
    action: str
    report: str | None
    parameters: dict[str, Any]
    epsilon: float
    members_touched: tuple[str, ...]
    cells_released: int | None = None
    cells_suppressed: int | None = None
    result_sha256: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    recorded_at: datetime
    actor: str
    member_id: str
    action: str
    report: str | None
    parameters: str
    epsilon: float
    members_touched: str
    cells_released: int | None
    cells_suppressed: int | None
    result_sha256: str | None
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["recorded_at"] = self.recorded_at.isoformat(timespec="microseconds")
        data["parameters"] = json.loads(self.parameters)
        data["members_touched"] = json.loads(self.members_touched)
        return data


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad_seq: int | None
    head_seq: int
    head_hash: str


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of an entry's fields (everything but ``hash``) in a fixed, typed encoding."""
    payload = [
        fields["seq"],
        fields["recorded_at"].isoformat(timespec="microseconds"),
        fields["actor"], fields["member_id"], fields["action"], fields["report"],
        fields["parameters"], repr(float(fields["epsilon"])), fields["members_touched"],
        fields["cells_released"], fields["cells_suppressed"], fields["result_sha256"],
        fields["prev_hash"],
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


# The newest sequence number and its hash: one row of audit_head, written by every append (a
# scan of the log itself grows with every release); the scan remains for a log without a head.
HEAD_SQL = "SELECT seq, hash FROM audit_head WHERE log = 'audit'"
SCAN_HEAD_SQL = "SELECT max(seq), arg_max(hash, seq) FROM audit"


def read_head(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(seq, hash) of the newest entry, ``(0, GENESIS)`` for an empty log; inside a transaction."""
    rows = con.execute(HEAD_SQL).fetchall()
    if not rows:
        return _scanned(con)
    return int(rows[0][0]), str(rows[0][1])


class StaleHeadError(Exception):
    """The head given to ``append`` is no longer the log's: roll back, read it, try again."""


def append(con: duckdb.DuckDBPyConnection, record: AuditRecord, head: tuple[int, str] | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction (so it commits with what it records).

    ``head`` is the newest entry's (seq, hash) as the caller knows it (read in this transaction
    or kept from its own last append). The head row moves only from that exact head
    (compare-and-set): if another entry came first, ``StaleHeadError`` is raised and nothing is
    written.
    """
    if head is None:
        head = read_head(con)
    seq, prev = head[0] + 1, head[1]
    fields: dict[str, Any] = {
        "seq": seq,
        "recorded_at": datetime.now(UTC).replace(tzinfo=None),
        "actor": record.actor,
        "member_id": record.member_id,
        "action": record.action,
        "report": record.report,
        "parameters": json.dumps(record.parameters, sort_keys=True, ensure_ascii=False, default=str),
        "epsilon": float(record.epsilon),
        "members_touched": json.dumps(sorted(record.members_touched), ensure_ascii=False),
        "cells_released": record.cells_released,
        "cells_suppressed": record.cells_suppressed,
        "result_sha256": record.result_sha256,
        "prev_hash": prev,
    }
    fields["hash"] = entry_hash(fields)
    # An UPDATE of the one row costs half an INSERT OR REPLACE (no key-index rewrite).
    moved = con.execute(
        "UPDATE audit_head SET seq = ?, hash = ? WHERE log = 'audit' AND seq = ? AND hash = ? RETURNING seq",
        [seq, fields["hash"], head[0], head[1]],
    ).fetchall()
    if not moved:
        # No head row moved: the head given is stale, unless the log has no head row yet (new,
        # or written before audit_head existed) and the head given is the log's newest entry.
        if con.execute("SELECT count(*) FROM audit_head").fetchall()[0][0] or head != _scanned(con):
            raise StaleHeadError
        con.execute("INSERT INTO audit_head VALUES ('audit', ?, ?)", [seq, fields["hash"]])
    con.execute(
        f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
        [fields[c] for c in COLUMNS],
    )
    return AuditEntry(**fields)


def _scanned(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    top, digest = con.execute(SCAN_HEAD_SQL).fetchall()[0]
    return (int(top), str(digest)) if top is not None else (0, GENESIS)


def _entries(warehouse: Warehouse, where: str = "", params: list[Any] | None = None) -> list[AuditEntry]:
    rows = warehouse.query(f"SELECT {', '.join(COLUMNS)} FROM audit {where} ORDER BY seq", params or [])
    return [AuditEntry(**row) for row in rows]


def entries(warehouse: Warehouse, limit: int | None = None) -> list[AuditEntry]:
    """Every entry in order (the last ``limit`` ones when given)."""
    found = _entries(warehouse)
    return found[-limit:] if limit else found


# The entries a member may read: releases it asked for and releases that used its data.
ABOUT_MEMBER = "member_id = ? OR list_contains(from_json(members_touched, '[\"VARCHAR\"]'), ?)"


def entries_for_member(warehouse: Warehouse, member_id: str, limit: int | None = None) -> list[AuditEntry]:
    """The entries about ``member_id`` in order (only the newest ``limit`` when given)."""
    if limit is None:
        return _entries(warehouse, f"WHERE {ABOUT_MEMBER}", [member_id, member_id])
    rows = warehouse.query(
        f"SELECT * FROM (SELECT {', '.join(COLUMNS)} FROM audit WHERE {ABOUT_MEMBER} ORDER BY seq DESC LIMIT ?) ORDER BY seq",
        [member_id, member_id, limit])
    return [AuditEntry(**row) for row in rows]


def count_for_member(warehouse: Warehouse, member_id: str) -> int:
    """How many entries concern ``member_id``."""
    return int(warehouse.scalar(f"SELECT count(*) FROM audit WHERE {ABOUT_MEMBER}", [member_id, member_id]))


def head(warehouse: Warehouse) -> tuple[int, str]:
    """Sequence number and hash of the newest entry (``(0, GENESIS)`` for an empty log)."""
    rows = warehouse.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
    return (int(rows[0]["seq"]), str(rows[0]["hash"])) if rows else (0, GENESIS)


def verify_chain(warehouse: Warehouse) -> ChainCheck:
    """Recompute every hash; the first entry whose hash, link or number is wrong breaks the chain.

    The recorded head must also name the last entry: entries cut from the end break it too.
    """
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(warehouse):
        fields = asdict(entry)
        if entry.seq != expected_seq or entry.prev_hash != prev or entry_hash(fields) != entry.hash:
            return ChainCheck(False, count, entry.seq if entry.seq == expected_seq else expected_seq, *head(warehouse))
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    recorded = warehouse.query(HEAD_SQL)
    if recorded and (int(recorded[0]["seq"]), str(recorded[0]["hash"])) != (count, prev):
        return ChainCheck(False, count, count + 1, *head(warehouse))
    return ChainCheck(True, count, None, *head(warehouse))
