"""Erasure that really erases: one person out of the whole cooperative, on disk.

``erase`` finds the records a request names (the requesting member's record tokens, and the
e-mail and phone tokens at any member), follows linkage to every record of the same person at
every member, and in one transaction removes their rows from every table the registry
(``schema.persons``) declares, drops the derived tables (rebuilt without them at the next
refresh), adds keyed hashes to the suppression list (so a later package does not bring them
back) and writes an erasure certificate to the audit log (counts and hashes, no identifier).
Then it rewrites the warehouse file and the Parquet lake, so the removed rows' bytes are gone
from the disk, not only from query results.
"""

from __future__ import annotations

import getpass
import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.governance.requests import SubjectRequest
from culturecoop.i18n import _
from culturecoop.privacy import audit
from culturecoop.privacy.suppression import record_value, suppress, suppression_hash
from culturecoop.schema import persons
from culturecoop.warehouse.engine import Warehouse, sweep_rewrite_leftovers
from culturecoop.warehouse.lake import export_lake
from culturecoop.warehouse.sql_engine import LAKE_MANIFEST


@dataclass
class Removal:
    """What a physical removal did (erasure or retention)."""

    records: int = 0
    persons: int = 0
    records_by_member: dict[str, int] = field(default_factory=dict)
    rows_by_table: dict[str, int] = field(default_factory=dict)
    derived_tables_dropped: list[str] = field(default_factory=list)
    suppression_hashes: int = 0
    audit_seq: int | None = None
    seconds_delete: float = 0.0
    seconds_rewrite: float = 0.0
    seconds_lake: float | None = None
    file_bytes_before: int = 0
    file_bytes_after: int = 0
    cutoff: str | None = None  # retention only: records whose last ticket is before this day

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def actor() -> str:
    return f"cli:{getpass.getuser()}"


def check_lake(lake: Path | None) -> None:
    """Refuse a --lake that is not a culturecoop lake before anything changes."""
    if lake is not None and not (Path(lake) / LAKE_MANIFEST).is_file():
        raise UserError(_("{lake} is not a culturecoop lake; give the folder written by `culturecoop export-lake`, or leave out --lake.").format(lake=lake))


def _require_member(warehouse: Warehouse, member_id: str) -> None:
    if not warehouse.scalar("SELECT count(*) FROM member WHERE member_id = ?", [member_id]):
        raise UserError(_("{member} is not a member of this cooperative; check --member when the request was made.").format(member=member_id))


def find_records(con: duckdb.DuckDBPyConnection, request: SubjectRequest) -> None:
    """Fill temp tables ``subject_record`` (member_id, member_patron_id) and ``subject_person``
    (patron_key): the records the request names and, through linkage, every record of the
    same person at every member."""
    con.execute("CREATE OR REPLACE TEMP TABLE subject_email (token VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE subject_phone (token VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE subject_id (token VARCHAR)")
    for table, values in (("subject_email", request.email_tokens), ("subject_phone", request.phone_tokens),
                          ("subject_id", request.record_tokens)):
        if values:
            con.executemany(f"INSERT INTO {table} VALUES (?)", [[v] for v in values])
    con.execute(
        """CREATE OR REPLACE TEMP TABLE subject_direct AS
        SELECT member_id, member_patron_id FROM patron
        WHERE email_token IN (SELECT token FROM subject_email) OR phone_token IN (SELECT token FROM subject_phone)
        UNION
        SELECT member_id, member_patron_id FROM (
            SELECT member_id, member_patron_id FROM patron WHERE member_id = $member
            UNION SELECT member_id, member_patron_id FROM ticket WHERE member_id = $member
            UNION SELECT member_id, member_patron_id FROM consent WHERE member_id = $member) AS r
        WHERE member_patron_id IN (SELECT token FROM subject_id)""",
        {"member": request.member_id},
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE subject_person AS
        SELECT DISTINCT i.patron_key FROM identity AS i
        JOIN subject_direct AS d USING (member_id, member_patron_id)""")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE subject_record AS
        SELECT member_id, member_patron_id FROM subject_direct
        UNION SELECT member_id, member_patron_id FROM identity
        WHERE patron_key IN (SELECT patron_key FROM subject_person)""")


SUBJECT_TABLES = ("subject_email", "subject_phone", "subject_id", "subject_direct", "subject_person", "subject_record")


def drop_subject_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the working tables of ``find_records``."""
    for name in SUBJECT_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {str(r[0]) for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database()", [table]).fetchall()}


def remove_subjects(con: duckdb.DuckDBPyConnection, removal: Removal) -> None:
    """Delete the rows of ``subject_record`` / ``subject_person`` from every table that holds
    rows about a person, and drop the derived tables (inside the caller's transaction)."""
    removal.records = int(con.execute("SELECT count(*) FROM subject_record").fetchall()[0][0])
    removal.persons = int(con.execute("SELECT count(*) FROM subject_person").fetchall()[0][0])
    removal.records_by_member = {str(m): int(n) for m, n in con.execute(
        "SELECT member_id, count(*) FROM subject_record GROUP BY member_id ORDER BY member_id").fetchall()}
    tables = [(t.name, t.keyed_by, t.member_column, t.record_column, t.key_column) for t in persons.present(con)]
    # A table no service declared but whose columns name a person is emptied of them too.
    for name in persons.undeclared_person_tables(con):
        columns = _columns(con, name)
        if {"member_id", "member_patron_id"} <= columns:
            tables.append((name, "record", "member_id", "member_patron_id", "patron_key"))
        if "patron_key" in columns:
            tables.append((name, "person", "member_id", "member_patron_id", "patron_key"))
    for name, keyed_by, member_column, record_column, key_column in tables:
        if keyed_by == "record":
            sql = (f"DELETE FROM {name} AS t USING subject_record AS s "
                   f"WHERE t.{member_column} = s.member_id AND t.{record_column} = s.member_patron_id")
        else:
            sql = f"DELETE FROM {name} WHERE {key_column} IN (SELECT patron_key FROM subject_person)"
        deleted = int(con.execute(sql).fetchall()[0][0])
        removal.rows_by_table[name] = removal.rows_by_table.get(name, 0) + deleted
    for name in persons.rebuilt_tables(con):
        con.execute(f"DROP TABLE {name}")
        removal.derived_tables_dropped.append(name)


def _suppression_tokens(con: duckdb.DuckDBPyConnection, request: SubjectRequest) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = [("email", t) for t in request.email_tokens]
    tokens += [("phone", t) for t in request.phone_tokens]
    tokens += [("record", record_value(request.member_id, t)) for t in request.record_tokens]
    for member_id, record, email, phone in con.execute(
            """SELECT s.member_id, s.member_patron_id, p.email_token, p.phone_token FROM subject_record AS s
            LEFT JOIN patron AS p USING (member_id, member_patron_id)""").fetchall():
        tokens.append(("record", record_value(str(member_id), str(record))))
        if email:
            tokens.append(("email", str(email)))
        if phone:
            tokens.append(("phone", str(phone)))
    return tokens


def erase(warehouse: Warehouse, request: SubjectRequest, lake: Path | None = None,
          *, who: str | None = None) -> Removal:
    """Erase the person a request names from the whole cooperative, then rewrite the files.

    Nothing changes when the request names nobody the cooperative holds (a ``UserError``).
    """
    check_lake(lake)
    _require_member(warehouse, request.member_id)
    finish_interrupted_rewrite(warehouse)
    removal = Removal(file_bytes_before=warehouse.path.stat().st_size)
    started = time.perf_counter()
    with warehouse.transaction() as con:
        find_records(con, request)
        if not con.execute("SELECT count(*) FROM subject_record").fetchall()[0][0]:
            raise UserError(_("Nobody in the cooperative matches this request (no record of member {member} has these tokens); check the e-mail or the patron id it was made from. Nothing was changed.").format(member=request.member_id))
        mark_rewrite_pending(warehouse)
        tokens = _suppression_tokens(con, request)
        remove_subjects(con, removal)
        removal.suppression_hashes = suppress(con, tokens)
        key = bytes(con.execute("SELECT secret FROM suppression_key").fetchall()[0][0])
        digest = hashlib.sha256("".join(sorted({suppression_hash(key, k, v) for k, v in tokens})).encode()).hexdigest()
        # Each member sees its own count; none learns which other members knew the person. The
        # certificate holds totals and the hash of the suppression entries, and no identifier.
        for member_id, records in removal.records_by_member.items():
            audit.append(con, audit.AuditRecord(
                actor=who or actor(), member_id=member_id, action="erasure", report=None,
                parameters={"records_removed": {member_id: records}, "requested_here": member_id == request.member_id},
                epsilon=0.0, members_touched=(member_id,)))
        entry = audit.append(con, audit.AuditRecord(
            actor=who or actor(), member_id="cooperative", action="erasure", report=None,
            parameters={"certificate": True, "records_removed_total": removal.records, "members": len(removal.records_by_member),
                        "persons": removal.persons, "rows_removed": removal.rows_by_table,
                        "derived_tables_rebuilt": len(removal.derived_tables_dropped),
                        "suppression_hashes": removal.suppression_hashes, "requested_at": request.created_at},
            epsilon=0.0, members_touched=(), result_sha256=digest))
        removal.audit_seq = entry.seq
        drop_subject_tables(con)
    removal.seconds_delete = time.perf_counter() - started
    rewrite_files(warehouse, removal, lake)
    return removal


def _pending(warehouse: Warehouse) -> Path:
    return warehouse.path.with_name(warehouse.path.name + ".rewrite-pending")


def mark_rewrite_pending(warehouse: Warehouse) -> None:
    """Note, before a removal commits, that the file must be rewritten: a crash between the
    commit and the rewrite would otherwise leave the removed rows' bytes in the file for good."""
    _pending(warehouse).touch()


def finish_interrupted_rewrite(warehouse: Warehouse) -> None:
    """Complete what an interrupted erasure or retention left: its rewrite, and its leftovers."""
    sweep_rewrite_leftovers(warehouse.path)
    if _pending(warehouse).exists():
        warehouse.rewrite()
        _pending(warehouse).unlink()


def rewrite_files(warehouse: Warehouse, removal: Removal, lake: Path | None) -> None:
    """Rewrite the warehouse file (and the lake) so removed rows leave no bytes behind."""
    removal.seconds_rewrite = warehouse.rewrite()
    removal.file_bytes_after = warehouse.path.stat().st_size
    _pending(warehouse).unlink(missing_ok=True)
    if lake is not None:
        removal.seconds_lake = export_lake(warehouse, lake, shred_old=True).seconds


def erasures_seen_by(warehouse: Warehouse, member_id: str) -> int:
    """How many people were erased at their own request with records at ``member_id``."""
    return int(warehouse.scalar(
        "SELECT count(*) FROM audit WHERE action = 'erasure' AND member_id = ?", [member_id]))
