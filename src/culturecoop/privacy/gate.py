"""The privacy gate: the one door every cross-member result passes through.

A report hands the gate tables of cells, each cell the number of distinct patrons it counts
(never a patron-level row). The gate then, in one transaction:

1. **Scope**: refuses any table that carries patron identifiers instead of counts.
2. **Stability** (without noise): a cell keeps the value released before for the same member,
   report and parameters until its count has moved by at least k. Two releases that differ by
   one patron (all patrons, then all but one) are therefore identical: differencing isolates
   nobody.
3. **Noise** (when the policy asks): OpenDP's discrete Laplace noise on every cell of the full
   cell domain, calibrated to the most cells one patron can count in, ε charged to the member's
   budget for the period; the same release asked again on unchanged data is repeated, free.
4. **Minimum cell size k**: a cell counting fewer than k patrons is suppressed (shown "< k").
5. **Complementary suppression**: where cells partition a released total, one suppressed cell
   could be recovered by subtraction, so the smallest other cells are suppressed with it until
   at least two are hidden and together count at least k.
6. **Figures beside the counts** (a revenue, an estimate; ``Beside``): computed afresh only when a
   cell they rest on is released afresh, else shown as released with those cells before, so that
   they move with the counts (by k), never by one person.
7. **Audit**: the release is appended to the hash-chained audit log.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _, day_words, general
from culturecoop.privacy import audit, budget
from culturecoop.privacy.dp import noisy_counts
from culturecoop.privacy.policy import PrivacyPolicy, current_policy
from culturecoop.warehouse.engine import Warehouse

COUNT = "patrons"
MEMORY_FORMAT = 2
# The key of a partition's total among its cells (no real cell key starts with a NUL).
TOTAL: tuple[Any, ...] = ("\x00total",)
# Columns that would identify a patron: a cross-member table never carries them.
PATRON_COLUMNS = frozenset({"person", "patron_key", "member_patron_id", "email_token", "phone_token"})


def validate_policy(policy: PrivacyPolicy) -> PrivacyPolicy:
    if policy.min_patrons < 2:
        raise UserError(_("The minimum cell size k must be at least 2; give --k 2 or more (10 is the default)."))
    if not all(math.isfinite(e) and e > 0 for e in (policy.epsilon_per_release, policy.epsilon_budget)):
        raise UserError(_("ε per release and the ε budget must be positive numbers, e.g. --epsilon 1 --budget 10."))
    if policy.epsilon_per_release > policy.epsilon_budget:
        raise UserError(_("ε per release ({epsilon}) is larger than the budget ({budget}): no release could ever be made; lower --epsilon or raise --budget.").format(
            epsilon=general(policy.epsilon_per_release), budget=general(policy.epsilon_budget)))
    if policy.budget_period not in budget.PERIODS:
        raise UserError(_("Unknown budget period {period}; use month, quarter or year.").format(period=policy.budget_period))
    return policy


# The most a person setting the policy may give: beyond, the noise hides nobody (an ε of 20 leaves
# a count within a few tenths of a person), and a budget of thousands is no budget.
MOST_EPSILON_PER_RELEASE = 10.0
MOST_EPSILON_BUDGET = 100.0


def set_policy(warehouse: Warehouse, actor: str, **changes: Any) -> PrivacyPolicy:
    """Change the policy (only the given settings) and record the change in the audit log."""
    policy = validate_policy(replace(current_policy(warehouse), **{k: v for k, v in changes.items() if v is not None}))
    if changes.get("epsilon_per_release") is not None and policy.epsilon_per_release > MOST_EPSILON_PER_RELEASE:
        raise UserError(_("An ε of {epsilon} per release lets each count through almost as it is: the noise would "
                          "protect nobody; give {most} or less (1 is the default).").format(
            epsilon=general(policy.epsilon_per_release), most=general(MOST_EPSILON_PER_RELEASE)))
    if changes.get("epsilon_budget") is not None and policy.epsilon_budget > MOST_EPSILON_BUDGET:
        raise UserError(_("An ε budget of {budget} per period protects nobody; give {most} or less (10 is the "
                          "default).").format(budget=general(policy.epsilon_budget), most=general(MOST_EPSILON_BUDGET)))
    with warehouse.transaction() as con:
        con.execute(
            "INSERT OR REPLACE INTO privacy_policy VALUES ('cooperative', ?, ?, ?, ?, ?, ?, ?)",
            [policy.min_patrons, policy.noise, policy.epsilon_per_release, policy.epsilon_budget,
             policy.budget_period, _now(), actor],
        )
        audit.append(con, audit.AuditRecord(actor, "*", "policy", None, policy.to_json(), 0.0, ()))
    return policy


@dataclass
class CountTable:
    """Cross-member cells before the gate: key columns and ``patrons`` (distinct patrons)."""

    name: str
    keys: tuple[str, ...]
    rows: list[dict[str, Any]]
    # The most cells one patron can count in (L1 sensitivity of the count vector).
    sensitivity: int
    # Every possible cell key (str, int or bool values): empty cells are shown too, as "< k",
    # since an absent cell would reveal that nobody is in it.
    domain: list[tuple[Any, ...]]
    # When every patron counted is in exactly one cell, the total they partition.
    partition_total: int | None = None


@dataclass(frozen=True)
class Beside:
    """A figure shown beside gated counts that is no count itself (a revenue, an estimate made
    from per-person rows). Recomputed from the current rows on every request, it would move by one
    person while the counts beside it, stable, do not: the change would tell what that person
    did. The gate therefore calls ``compute`` only when one of ``cells`` (keys of ``table``) is
    released afresh, or on a first release, and otherwise shows the value kept with those cells.
    ``compute`` returns a JSON value."""

    name: str
    table: str
    cells: tuple[tuple[Any, ...], ...]
    compute: Callable[[], Any]


@dataclass
class GatedTable:
    name: str
    keys: tuple[str, ...]
    rows: list[dict[str, Any]]  # key columns, ``patrons`` (None when suppressed), ``suppressed``
    total: int | None = None
    total_suppressed: bool = False

    def lookup(self) -> dict[tuple[Any, ...], int | None]:
        return {tuple(r[k] for k in self.keys): r[COUNT] for r in self.rows}

    @property
    def suppressed_cells(self) -> int:
        return sum(1 for r in self.rows if r["suppressed"]) + int(self.total_suppressed)


@dataclass
class Release:
    report: str
    member_id: str
    tables: dict[str, GatedTable]
    k: int
    epsilon: float
    audit_seq: int
    action: str
    noise: bool
    notes: list[str] = field(default_factory=list)
    # The figures beside the counts (``Beside``), by name, as released with them.
    beside: dict[str, Any] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_scope(table: CountTable) -> None:
    leaked = (set(table.keys) | {c for r in table.rows for c in r}) & PATRON_COLUMNS
    extra = {c for r in table.rows for c in r} - {*table.keys, COUNT}
    if leaked or extra:
        raise ValueError(f"{table.name}: a cross-member table holds counts only, not {sorted(leaked | extra)}")


# What a member is shown for a group of a released total that the gate hid: it may be large, since
# the gate also hides the smallest groups it would show so that a small one cannot be deduced by
# difference with the total; "< k" would be false of it.
HIDDEN = "hidden"


def suppress(counts: dict[Any, int], k: int, partition_total: int | None) -> tuple[set[Any], bool]:
    """Cells to hide: primary (< k) and, for a partition of a released total, complementary.

    Returns the hidden cell ids and whether the total itself is hidden.
    """
    hidden = {c for c, n in counts.items() if n < k}
    if partition_total is None:
        return hidden, False
    if partition_total < k:
        return set(counts), True
    if hidden:
        # The hidden cells add up to total - visible: make that sum cover two cells and k patrons.
        visible = sorted((n, c) for c, n in counts.items() if c not in hidden)
        while visible and (len(hidden) < 2 or sum(max(counts[c], 0) for c in hidden) < k):
            hidden.add(visible.pop(0)[1])
    return hidden, False


class PrivacyGate:
    """Releases cross-member counts for one member under the cooperative's policy."""

    def __init__(self, warehouse: Warehouse, policy: PrivacyPolicy | None = None) -> None:
        self.warehouse = warehouse
        self.policy = validate_policy(policy or current_policy(warehouse))

    def release(self, *, member_id: str, report: str, actor: str, params: dict[str, Any],
                tables: list[CountTable], members_touched: tuple[str, ...], data_version: str,
                day: date | None = None, question: dict[str, Any] | None = None,
                beside: Sequence[Beside] = ()) -> Release:
        """Gate ``tables`` for ``member_id``; raises UserError when the budget would be exceeded.

        ``params`` are audited; ``question`` (default: ``params``) is what the gate's memory is
        kept by: two releases of one question show the same cells until they move by k. A caller
        whose ``params`` name a fresh object each time (a saved audience's id) passes the
        definition behind it, or each save would be a first release that differencing can use.
        ``beside``: figures released with the counts and re-released with them (``Beside``)."""
        for table in tables:
            _check_scope(table)
        k = self.policy.min_patrons
        params_key, memory_key = _question(member_id, report, params if question is None else question)
        day = day or budget.today()
        self.warehouse.con.complete()
        # What the gate wrote last (audit head, its memory per question) is kept in the process:
        # nobody else can write the file (Warehouse.kept); releases are one at a time.
        kept = self.warehouse.kept("gate")
        with self.warehouse.serialized("gate"):
            self.warehouse.at_last_close("gate", _record_kept_head)
            # The recorded head (audit.record_head) is written at most once a second, and at close.
            record = time.monotonic() - kept.get("recorded_at", -HEAD_EVERY_SECONDS) >= HEAD_EVERY_SECONDS

            def entry_of(outcome: Outcome) -> audit.AuditRecord:
                return _audit_record(outcome, actor, member_id, report, params, members_touched)

            outcome: Outcome | None = None
            entry: audit.AuditEntry | None = None
            if not self.policy.noise and not record and memory_key in kept and "head" in kept:
                # The kept memory and head need no read: if the figures are those shown before,
                # the audit entry is the only write, one statement committed on its own.
                memory_json = kept[memory_key]
                outcome = self._stable(tables, _parse_memory(memory_json), k, beside)
                if outcome[3] == "re-release":
                    try:
                        with self.warehouse.statement(bookkeeping=True) as con:
                            entry = audit.append(con, entry_of(outcome), kept["head"], recorded=False)
                    except audit.StaleHeadError:
                        _forget(kept)  # another entry came first: the full path reads the log
                        record = True
            for attempt in range(0 if entry is not None else 2):
                try:
                    # The gate's memory, budget and audit entry are bookkeeping: no remembered
                    # read depends on them.
                    with self.warehouse.transaction(bookkeeping=True) as con:
                        memory_json = kept[memory_key] if memory_key in kept else self._memory(con, member_id, report, params_key)
                        head = kept.get("head") or audit.read_head(con)
                        memory = _parse_memory(memory_json)
                        if self.policy.noise:
                            outcome = self._noisy(con, member_id, tables, memory, data_version, day, beside)
                        else:
                            outcome = self._stable(tables, memory, k, beside)
                        if outcome is None:
                            status = budget.status_in(con, member_id, self.policy, day)
                        else:
                            entry = audit.append(con, entry_of(outcome), head, recorded=record)
                            if outcome[3] == "release":
                                # A re-release shows what the stored state already says: nothing to rewrite.
                                memory_json = json.dumps(outcome[1])
                                con.execute(
                                    "INSERT OR REPLACE INTO release VALUES (?, ?, ?, ?, ?, ?)",
                                    [member_id, report, params_key, memory_json, _now(), entry.seq],
                                )
                    break
                except audit.StaleHeadError:
                    _forget(kept)  # another entry came first: read the log and the memory again
                    record = True
                    if attempt:
                        raise
                except BaseException:
                    _forget(kept)
                    raise
            if entry is not None:
                _keep(kept, memory_key, memory_json, (entry.seq, entry.hash), record)
            else:
                refused = audit.AuditRecord(actor, member_id, "refused", report, params, 0.0, members_touched)
                with self.warehouse.transaction(bookkeeping=True) as con:
                    noted = audit.append(con, refused, kept.get("head") or audit.read_head(con))
                _keep(kept, None, None, (noted.seq, noted.hash), True)
        if outcome is None:
            raise UserError(
                _("This release needs ε = {needed} but member {member} has only ε = {left} left of its {budget} for the period {start} to {end}; wait for the next period or ask the cooperative to raise the budget.").format(
                    needed=general(self.policy.epsilon_per_release), member=member_id, left=general(status.epsilon_left),
                    budget=general(status.epsilon_budget), start=day_words(status.period_start), end=day_words(status.period_end)),
                exit_code=4,
            )
        assert entry is not None
        gated, state, epsilon, action = outcome
        return Release(report, member_id, gated, k, epsilon, entry.seq, action, self.policy.noise,
                       beside=_beside_values(state))

    def preview(self, *, member_id: str, report: str, params: dict[str, Any],
                tables: list[CountTable], beside: Sequence[Beside] = ()) -> Release | None:
        """What ``release`` would show now for this question, computed without writing anything
        (no audit entry, no memory, no budget), or None with noise on (noise is drawn only at
        release). A preview is not a release: nothing in it may be shown unless a release shows
        the same figures."""
        if self.policy.noise:
            return None
        for table in tables:
            _check_scope(table)
        params_key, memory_key = _question(member_id, report, params)
        kept = self.warehouse.kept("gate")
        with self.warehouse.serialized("gate"):
            known, memory_json = memory_key in kept, kept.get(memory_key)
        if not known:
            self.warehouse.con.complete()
            memory_json = self._memory(self.warehouse.con, member_id, report, params_key)
        gated, state, epsilon, action = self._stable(tables, _parse_memory(memory_json), self.policy.min_patrons,
                                                     beside)
        return Release(report, member_id, gated, self.policy.min_patrons, epsilon, 0, action, False,
                       beside=_beside_values(state))

    # -- without noise: stable cells, k, complementary suppression ---------------------------

    def _stable(self, tables: list[CountTable], memory: dict[str, Any] | None,
                k: int, beside: Sequence[Beside] = ()) -> tuple[dict[str, GatedTable], dict[str, Any], float, str]:
        previous = (memory or {}).get("tables", {}) if not (memory or {}).get("noise") else {}
        state: dict[str, Any] = {"format": MEMORY_FORMAT, "noise": False, "tables": {}}
        gated: dict[str, GatedTable] = {}
        references: dict[str, dict[tuple[Any, ...], int]] = {}
        moved = memory is None
        for table in tables:
            before = _decode(previous.get(table.name, []))
            current = {_key(table, r): int(r[COUNT]) for r in table.rows}
            if table.partition_total is not None:
                current[TOTAL] = int(table.partition_total)
            reference: dict[tuple[Any, ...], int] = {}
            for cell in {*table.domain, *current, *before}:
                now, then = current.get(cell, 0), before.get(cell)
                # A cell moves only when at least k patrons changed: one patron never shows.
                if then is not None and abs(now - then) < k:
                    reference[cell] = then
                else:
                    reference[cell] = now
                    moved = moved or then is not None or now > 0
            state["tables"][table.name] = _encode({c: n for c, n in reference.items() if n > 0 or c in before})
            gated[table.name] = self._shown(table, reference, k)
            references[table.name] = reference
        if beside:
            kept_beside = memory.get("beside", {}) if memory and not memory.get("noise") else {}
            state["beside"] = {}
            for figure in beside:
                rests = [references[figure.table].get(tuple(cell), 0) for cell in figure.cells]
                then = kept_beside.get(figure.name)
                if then is not None and then["rests"] == rests:
                    state["beside"][figure.name] = then
                else:
                    state["beside"][figure.name] = {"rests": rests, "value": figure.compute()}
                    moved = True
        return gated, state, 0.0, "release" if moved else "re-release"

    @staticmethod
    def _shown(table: CountTable, reference: dict[tuple[Any, ...], int], k: int) -> GatedTable:
        total = reference.get(TOTAL) if table.partition_total is not None else None
        cells = {c: n for c, n in reference.items() if c != TOTAL}
        hidden, total_hidden = suppress(cells, k, total)
        rows = []
        for cell in sorted(cells):
            row = dict(zip(table.keys, cell, strict=True))
            row[COUNT] = None if cell in hidden else cells[cell]
            row["suppressed"] = cell in hidden
            rows.append(row)
        shown_total = None if total is None or total_hidden else total
        return GatedTable(table.name, table.keys, rows, shown_total, total_hidden)

    # -- with noise: OpenDP, budget, repeat on unchanged data ----------------------------------

    def _noisy(self, con: duckdb.DuckDBPyConnection, member_id: str, tables: list[CountTable],
               memory: dict[str, Any] | None, data_version: str, day: date,
               beside: Sequence[Beside] = ()) -> tuple[dict[str, GatedTable], dict[str, Any], float, str] | None:
        k = self.policy.min_patrons
        if (memory and memory.get("noise") and memory.get("version") == data_version
                and all(f.name in memory.get("beside", {}) for f in beside)):
            # The same question on the same data: repeat the noisy answer, spend nothing.
            shown = memory["shown"]
            gated = {t.name: self._shown(t, _decode(shown[t.name]), k) for t in tables if t.name in shown}
            if len(gated) == len(tables):
                return gated, memory, 0.0, "re-release"
        epsilon = self.policy.epsilon_per_release
        try:
            budget.charge(con, member_id, epsilon, self.policy, day)
        except UserError:
            return None
        share = epsilon / len(tables) if tables else epsilon
        state: dict[str, Any] = {"format": MEMORY_FORMAT, "noise": True, "version": data_version, "shown": {}}
        gated = {}
        for table in tables:
            true = {_key(table, r): int(r[COUNT]) for r in table.rows}
            cells = sorted({*table.domain, *true})
            vector = [true.get(c, 0) for c in cells]
            sensitivity = table.sensitivity
            if table.partition_total is not None:
                vector.append(int(table.partition_total))
                sensitivity += 1
            noisy = noisy_counts(vector, sensitivity, share)
            released: dict[tuple[Any, ...], int] = dict(zip(cells, noisy, strict=False))
            if table.partition_total is not None:
                released[TOTAL] = noisy[-1]
            state["shown"][table.name] = _encode(released)
            gated[table.name] = self._shown(table, released, k)
        if beside:
            state["beside"] = {f.name: {"rests": [], "value": f.compute()} for f in beside}
        return gated, state, epsilon, "release"

    # -- memory ------------------------------------------------------------------------------

    @staticmethod
    def _memory(con: duckdb.DuckDBPyConnection, member_id: str, report: str, params_key: str) -> str | None:
        """The gate's last release for this question, as stored (JSON), or None."""
        rows = con.execute(
            "SELECT cells FROM release WHERE member_id = ? AND report = ? AND params_key = ?",
            [member_id, report, params_key],
        ).fetchall()
        return str(rows[0][0]) if rows else None


# What the gate decides for a question: tables shown, memory to keep, ε spent, action.
Outcome = tuple[dict[str, "GatedTable"], dict[str, Any], float, str]


def _question(member_id: str, report: str, params: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """A question's normalized parameters (the release table's key) and its key in the kept memory."""
    params_key = json.dumps(params, sort_keys=True, default=str)
    return params_key, ("memory", member_id, report, params_key)


def _audit_record(outcome: Outcome, actor: str, member_id: str, report: str, params: dict[str, Any],
                  members_touched: tuple[str, ...]) -> audit.AuditRecord:
    gated, state, epsilon, action = outcome
    released = sum(len(t.rows) + (t.total is not None) for t in gated.values())
    hidden = sum(t.suppressed_cells for t in gated.values())
    return audit.AuditRecord(actor, member_id, action, report, params, epsilon, members_touched,
                             released - hidden, hidden, _result_hash(gated, _beside_values(state)))


# Questions whose last release the gate keeps in memory (beyond, it reads the release table).
KEPT_QUESTIONS = 4096
# The audit log's recorded head is brought up to date at most this often (and at close).
HEAD_EVERY_SECONDS = 1.0


def _keep(kept: dict[Any, Any], memory_key: tuple[str, ...] | None, memory_json: str | None,
          head: tuple[int, str], recorded: bool) -> None:
    if len(kept) > KEPT_QUESTIONS:
        _forget(kept, keep_head=True)
    if memory_key is not None:
        kept[memory_key] = memory_json
    kept["head"] = head
    if recorded:
        kept["recorded_at"] = time.monotonic()
        kept["recorded"] = head


def _forget(kept: dict[Any, Any], *, keep_head: bool = False) -> None:
    """Drop the kept memories (and the kept head unless ``keep_head``); what was recorded stays
    known, so a head still to record is not lost."""
    saved = {k: kept[k] for k in ("head", "recorded", "recorded_at") if k in kept and (keep_head or k != "head")}
    kept.clear()
    kept.update(saved)


def _record_kept_head(warehouse: Warehouse) -> None:
    """At close: record the audit head the gate appended last, if not recorded yet."""
    kept = warehouse.kept("gate")
    with warehouse.serialized("gate"):
        head, recorded = kept.get("head"), kept.get("recorded")
        if head is None or head == recorded:
            return
        with warehouse.transaction(bookkeeping=True) as con:
            if audit.read_head(con) == head:  # nothing appended behind the gate's back since
                audit.record_head(con, head)
        kept["recorded"] = head


def _parse_memory(memory_json: str | None) -> dict[str, Any] | None:
    memory = json.loads(memory_json) if memory_json else None
    # A memory written in another format (older code) is not read: the release starts afresh.
    return memory if memory and memory.get("format") == MEMORY_FORMAT else None


def _key(table: CountTable, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in table.keys)


def _encode(cells: dict[tuple[Any, ...], int]) -> list[list[Any]]:
    """Cells as JSON-friendly [key, count] pairs (the gate's memory)."""
    return [[list(key), n] for key, n in cells.items()]


def _decode(pairs: list[list[Any]]) -> dict[tuple[Any, ...], int]:
    return {tuple(key): int(n) for key, n in pairs}


def _beside_values(state: dict[str, Any]) -> dict[str, Any]:
    return {name: kept["value"] for name, kept in state.get("beside", {}).items()}


def _result_hash(tables: dict[str, GatedTable], beside: dict[str, Any] | None = None) -> str:
    payload: list[Any] = [[name, t.rows, t.total] for name, t in sorted(tables.items())]
    if beside:  # the figures released beside the counts are part of what was released
        payload.append(["beside", sorted(beside.items())])
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


# -- business figures of peers: how many and how much each may weigh -------------------------

MIN_PEERS = 3
# The p % rule of official statistics for magnitude tables: a sum may be released when no
# contributor's value can be estimated within P of it by another contributor, the second largest
# being the best placed (it knows its own value). The Federal Committee on Statistical Methodology
# recommends it over "none weighs more than a share" rules (Statistical Policy Working Paper 22).
PEER_PRECISION = 0.2


def _estimable(values: list[float]) -> bool:
    """True when the second largest of the values could estimate the largest within
    PEER_PRECISION: what neither of them holds is less than that share of the largest."""
    ordered = sorted(values, reverse=True)
    return sum(ordered) <= 0 or sum(ordered[2:]) < PEER_PRECISION * ordered[0]


def peer_group_allowed(figures: dict[str, dict[str, float]], measures: tuple[str, ...], k: int) -> bool:
    """True when peers' figures may be pooled: at least three peers, each with at least k
    patrons, and for every pooled measure what the two largest peers do not hold is at least
    PEER_PRECISION of the largest's (so that no peer's figure can be read back from the
    aggregate, even by another peer that knows its own)."""
    if len(figures) < MIN_PEERS or any(f.get(COUNT, 0) < k for f in figures.values()):
        return False
    return not any(_estimable([float(f.get(measure, 0)) for f in figures.values()]) for measure in measures)
