"""The audit log: every use of pooled data, append-only and hash-chained.

Each entry records who asked, for which member, what (report and parameters), when, the ε it
cost and which members' data entered the release. Its ``hash`` is the SHA-256 of its fields and
of the previous entry's hash, so changing or deleting an entry breaks every later hash:
``verify_chain`` finds the first broken entry. Removing the newest entries leaves a valid but
shorter chain: the recorded head (``audit_head``, brought up to date at least once a second
while releases are made and when the warehouse closes) must still be in the log, and a head
published elsewhere (``--expect-head``) catches what happened after it.
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
        data = {name: getattr(self, name) for name in COLUMNS}  # flat values: no deep copy
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


# The recorded head: one row of audit_head naming an entry (seq, hash) that must stay in the log,
# so entries cut from the end are found without a head published elsewhere. It is written with
# every append by default; the privacy gate writes it at most once a second and when the
# warehouse closes (``record_head``), since each extra write costs about a millisecond per
# release. The true head is the newest entry at or after the recorded one.
HEAD_SQL = "SELECT seq, hash FROM audit_head WHERE log = 'audit'"
NEWEST_SINCE_SQL = "SELECT seq, hash FROM audit WHERE seq >= ? ORDER BY seq DESC LIMIT 1"


def read_head(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(seq, hash) of the newest entry, ``(0, GENESIS)`` for an empty log."""
    recorded = con.execute(HEAD_SQL).fetchall()
    since = int(recorded[0][0]) if recorded else 0
    rows = con.execute(NEWEST_SINCE_SQL, [since]).fetchall()
    if not rows and since:  # entries cut below the recorded head: the log's own newest
        rows = con.execute(NEWEST_SINCE_SQL, [0]).fetchall()
    return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS)


def record_head(con: duckdb.DuckDBPyConnection, head: tuple[int, str]) -> None:
    """Write ``head`` as the recorded head (inside the caller's transaction)."""
    moved = con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE log = 'audit' RETURNING seq", list(head)).fetchall()
    if not moved:
        con.execute("INSERT INTO audit_head VALUES ('audit', ?, ?)", list(head))


class StaleHeadError(Exception):
    """The head given to ``append`` is no longer the log's: roll back, read it, try again."""


def append(con: duckdb.DuckDBPyConnection, record: AuditRecord, head: tuple[int, str] | None = None,
           *, recorded: bool = True) -> AuditEntry:
    """Append one entry inside the caller's transaction (so it commits with what it records).

    ``head`` is the newest entry's (seq, hash) as the caller knows it (read in this transaction
    or kept from its own last append). If another entry took its place since, the key of the log
    refuses the new one: ``StaleHeadError`` is raised and the caller's transaction must roll back.
    ``recorded=False`` leaves the recorded head for the caller to write later (``record_head``).
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
    try:
        con.execute(
            f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
            [fields[c] for c in COLUMNS],
        )
    except duckdb.ConstraintException:  # an entry with this number exists: the head was stale
        raise StaleHeadError from None
    if recorded:
        record_head(con, (seq, fields["hash"]))
    return AuditEntry(**fields)


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
    return latest_for_member(warehouse, member_id, limit)[0]


def latest_for_member(warehouse: Warehouse, member_id: str, limit: int | None = None) -> tuple[list[AuditEntry], int]:
    """The newest ``limit`` entries about ``member_id`` (all without a limit), in order, and how
    many there are in all — one read of the log."""
    rows = warehouse.query(
        f"""SELECT * FROM (SELECT {', '.join(COLUMNS)}, count(*) OVER () AS total FROM audit
            WHERE {ABOUT_MEMBER} ORDER BY seq DESC LIMIT ?) ORDER BY seq""",
        [member_id, member_id, limit])
    total = int(rows[0]["total"]) if rows else 0
    return [AuditEntry(**{c: row[c] for c in COLUMNS}) for row in rows], total


def head(warehouse: Warehouse) -> tuple[int, str]:
    """Sequence number and hash of the newest entry (``(0, GENESIS)`` for an empty log)."""
    warehouse.con.complete()
    return read_head(warehouse.con)


def verify_chain(warehouse: Warehouse) -> ChainCheck:
    """Recompute every hash; the first entry whose hash, link or number is wrong breaks the chain.

    The recorded head must also still be in the log: entries cut from the end up to it break
    the chain too.
    """
    recorded = warehouse.query(HEAD_SQL)
    mark = (int(recorded[0]["seq"]), str(recorded[0]["hash"])) if recorded else None
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(warehouse):
        fields = asdict(entry)
        if entry.seq != expected_seq or entry.prev_hash != prev or entry_hash(fields) != entry.hash:
            return ChainCheck(False, count, entry.seq if entry.seq == expected_seq else expected_seq, *head(warehouse))
        if mark is not None and entry.seq == mark[0] and entry.hash != mark[1]:
            return ChainCheck(False, count, entry.seq, *head(warehouse))
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    if mark is not None and mark[0] > count:
        return ChainCheck(False, count, count + 1, *head(warehouse))
    return ChainCheck(True, count, None, *head(warehouse))
