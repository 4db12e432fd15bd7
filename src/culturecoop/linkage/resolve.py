"""Warehouse → ``identity``: resolve every patron record to a stable cooperative-wide key.

``link_warehouse`` reads the encoding columns of ``patron`` (``records.PATRON_COLUMNS_READ``,
nothing else), runs the pipeline, assigns keys and replaces ``identity`` in one transaction.

Stable keys (``assign_keys``): a key names a set of records, and keeps naming it as long as
the evidence does.

* Each new cluster *claims* the previous keys of its records, weighted by how many of its
  records held each key.
* Claims are granted strongest first (most records; ties: smaller key, then smaller
  cluster); a key goes to at most one cluster and a cluster takes at most one key. So a
  cluster that only gained records keeps its key; when two clusters merge, the merged one
  keeps the key of the larger part and the other key is retired; when a cluster splits,
  the part holding most of its records keeps the key and the rest get new keys.
* A cluster with no granted claim gets a new key, ``pk_`` + 16 hex digits of SHA-256 of its
  first record (``member_id``, ``member_patron_id``), so a rerun on the same data from an
  empty ``identity`` gives the same keys.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from culturecoop.linkage.pipeline import MATCH_THRESHOLD, LinkResult, link_records
from culturecoop.linkage.records import LOAD_PATRONS_SQL, records_from_arrow
from culturecoop.warehouse.engine import Warehouse

# Previous key of every patron record, in the order of LOAD_PATRONS_SQL.
PREVIOUS_KEYS_SQL = """
SELECT i.patron_key FROM patron p
LEFT JOIN identity i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
ORDER BY p.member_id, p.member_patron_id
"""


@dataclass
class LinkSummary:
    """What ``culturecoop link`` did, for people and for ``--json``."""

    records: int = 0
    members: int = 0
    persons: int = 0
    persons_at_several_members: int = 0
    records_deduplicated_within_members: int = 0
    candidate_pairs: int = 0
    matched_pairs: int = 0
    split_clusters: int = 0
    records_without_encodings: int = 0
    records_with_shared_contacts: int = 0  # their e-mail or phone is carried under ten names or more
    keys_kept: int = 0
    keys_new: int = 0
    keys_retired: int = 0
    records_changed_key: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    blocking: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _read_arrow(warehouse: Warehouse, sql: str) -> pa.Table:
    # DuckDB 2 refuses a relation while a fetchone() result (Warehouse.scalar, the version
    # check) is unfinished; a fully fetched statement completes it first. DuckDB's progress
    # bar would write into `--json` output on long reads: off for this session.
    warehouse.query("SET enable_progress_bar = false")
    return warehouse.arrow(sql)


def new_key(member_id: str, member_patron_id: str, attempt: int = 0) -> str:
    """The key a new cluster founded by this record gets (deterministic)."""
    text = f"{member_id}\x1f{member_patron_id}" + (f"\x1f{attempt}" if attempt else "")
    return "pk_" + hashlib.sha256(text.encode()).hexdigest()[:16]


def assign_keys(
    labels: np.ndarray, previous: list[str | None], member_ids: list[str], patron_ids: list[str]
) -> tuple[list[str], dict[str, int]]:
    """A key per record from cluster labels and each record's previous key (or None)."""
    n = len(labels)
    n_clusters = int(labels.max()) + 1 if n else 0
    prev_names = sorted({k for k in previous if k is not None})
    code = {k: i for i, k in enumerate(prev_names)}
    prev_code = np.array([code[k] if k is not None else -1 for k in previous], dtype=np.int64)
    has = prev_code >= 0
    claims, counts = np.unique(
        np.column_stack([labels[has], prev_code[has]]).reshape(-1, 2), axis=0, return_counts=True
    )
    cluster_key = np.full(n_clusters, -1, dtype=np.int64)
    key_taken = np.zeros(len(prev_names), dtype=bool)
    if len(claims):
        order = np.lexsort((claims[:, 0], claims[:, 1], -counts))
        claims = claims[order]
        while len(claims):
            # Each key goes to its strongest claimant; each cluster takes its strongest win.
            _, first_of_key = np.unique(claims[:, 1], return_index=True)
            wins = claims[np.sort(first_of_key)]
            _, first_of_cluster = np.unique(wins[:, 0], return_index=True)
            granted = wins[np.sort(first_of_cluster)]
            cluster_key[granted[:, 0]] = granted[:, 1]
            key_taken[granted[:, 1]] = True
            open_ = (cluster_key[claims[:, 0]] < 0) & ~key_taken[claims[:, 1]]
            claims = claims[open_]
    keys_of_cluster: list[str | None] = [prev_names[c] if c >= 0 else None for c in cluster_key]
    used = set(prev_names[i] for i in np.flatnonzero(key_taken))
    first_record = np.full(n_clusters, n, dtype=np.int64)
    np.minimum.at(first_record, labels, np.arange(n))
    fresh = 0
    for c in np.flatnonzero(cluster_key < 0).tolist():
        r = int(first_record[c])
        attempt = 0
        key = new_key(member_ids[r], patron_ids[r])
        while key in used:
            attempt += 1
            key = new_key(member_ids[r], patron_ids[r], attempt)
        used.add(key)
        keys_of_cluster[c] = key
        fresh += 1
    out = [str(keys_of_cluster[c]) for c in labels.tolist()]
    changed = sum(1 for a, b in zip(out, previous, strict=True) if b is not None and a != b)
    stats = {
        "keys_kept": int(key_taken.sum()),
        "keys_new": fresh,
        "keys_retired": int(len(prev_names) - key_taken.sum()),
        "records_changed_key": changed,
    }
    return out, stats


def link_warehouse(warehouse: Warehouse, threshold: float = MATCH_THRESHOLD) -> LinkSummary:
    """Resolve every patron of the warehouse and replace ``identity`` in one transaction."""
    started = time.perf_counter()
    table = _read_arrow(warehouse, LOAD_PATRONS_SQL)
    records = records_from_arrow(table)
    del table
    result: LinkResult = link_records(records, threshold=threshold)
    members = [records.member_ids[m] for m in records.member.tolist()]
    patron_ids = [str(p) for p in records.patron_ids.to_pylist()]
    previous = _read_arrow(warehouse, PREVIOUS_KEYS_SQL).column(0).to_pylist()
    keys, key_stats = assign_keys(result.labels, previous, members, patron_ids)
    identity = pa.table({
        "member_id": pa.array(members, pa.string()),
        "member_patron_id": pa.array(patron_ids, pa.string()),
        "patron_key": pa.array(keys, pa.string()),
        "confidence": pa.array(np.round(result.confidence, 6), pa.float64()),
    })
    with warehouse.transaction() as con:
        con.execute("DELETE FROM identity")
        con.register("_link_identity", identity)
        try:
            con.execute(
                "INSERT INTO identity (member_id, member_patron_id, patron_key, confidence) "
                "SELECT member_id, member_patron_id, patron_key, confidence FROM _link_identity"
            )
        finally:
            con.unregister("_link_identity")
    labels = result.labels
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    if len(labels):
        pairs = np.unique(np.column_stack([labels, records.member]), axis=0)
        members_per_person = np.bincount(pairs[:, 0], minlength=n_clusters)
        several = int((members_per_person >= 2).sum())
        dedup = int(len(labels) - len(pairs))
    else:
        several = dedup = 0
    return LinkSummary(
        records=len(records),
        members=records.n_members,
        persons=n_clusters,
        persons_at_several_members=several,
        records_deduplicated_within_members=dedup,
        candidate_pairs=result.candidate_pairs,
        matched_pairs=result.matched_pairs,
        split_clusters=result.split_components,
        records_without_encodings=result.empty_records,
        records_with_shared_contacts=result.shared_contacts,
        seconds=round(time.perf_counter() - started, 3),
        stages=result.seconds,
        blocking=dict(result.blocking.proposed),
        **key_stats,
    )
