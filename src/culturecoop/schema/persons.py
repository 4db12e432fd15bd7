"""Where the cooperative keeps rows about a person: the registry erasure, access, retention and
consent changes walk.

Every service that stores per-person rows declares its tables here (``PERSON_TABLES``), by how
a row names its person:

* ``record``: a member's patron record, ``(member_id, member_patron_id)`` (contributed rows);
* ``person``: the cooperative-wide ``patron_key`` (identity, audiences, campaign sends).

Derived tables that are rebuilt from the others (the analytics facts) are listed by prefix in
``REBUILT_PREFIXES``: erasure and retention drop them and the next refresh rebuilds them without
the person. A service adding a table declares it with ``declare_person_table`` in its schema
module; a table the registry does not know but whose columns name a person (``patron_key``,
``member_patron_id``) is still found by ``undeclared_person_tables``, and a test fails on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class PersonTable:
    name: str
    # "record": (member_column, record_column) name a member's patron record; "person": key_column
    keyed_by: str
    service: str
    record_column: str = "member_patron_id"
    member_column: str = "member_id"
    key_column: str = "patron_key"
    # Shown to the person by an access request (False for internal working tables).
    shown_in_access: bool = True
    # SQL condition keeping the rows that concern member ``$member`` (access shows a member only
    # its own); None: the table's ``member_id`` column when it has one.
    member_filter: str | None = None


PERSON_TABLES: dict[str, PersonTable] = {}


def declare_person_table(table: PersonTable) -> PersonTable:
    """Register a table that holds rows about a person (idempotent)."""
    PERSON_TABLES[table.name] = table
    return table


for _declared in (
    PersonTable("patron", "record", "ingest"),
    PersonTable("ticket", "record", "ingest"),
    PersonTable("consent", "record", "ingest"),
    PersonTable("identity", "record", "linkage"),
    PersonTable("audience_member", "person", "reco"),
    # Campaigns (issue 13): declared here so that erasure, access and retention reach them the day
    # the tables exist (their service lists the same four in ``campaigns.PERSON_TABLES``).
    PersonTable("campaign_recipient", "person", "campaigns",
                member_filter="campaign_id IN (SELECT campaign_id FROM campaign WHERE member_id = $member)"),
    PersonTable("campaign_send", "person", "campaigns",
                member_filter="campaign_id IN (SELECT campaign_id FROM campaign WHERE member_id = $member)"),
    PersonTable("campaign_suppression", "person", "campaigns", shown_in_access=False),
    PersonTable("consent_event", "person", "campaigns"),
):
    declare_person_table(_declared)

# Derived tables dropped on erasure or retention and rebuilt by the next refresh.
REBUILT_PREFIXES = ("analytics_",)

# Columns that name a person: a table with one of them must be declared or rebuilt.
PERSON_COLUMNS = ("patron_key", "member_patron_id", "email_token", "phone_token")


def rebuilt_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The derived tables of the warehouse that erasure drops (they are rebuilt on demand)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY table_name").fetchall()
    return [str(r[0]) for r in rows if str(r[0]).startswith(REBUILT_PREFIXES)]


def undeclared_person_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of the warehouse with a column naming a person that no service declared."""
    rows = con.execute(
        "SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = current_database() AND column_name IN "
        f"({', '.join('?' for _ in PERSON_COLUMNS)}) ORDER BY table_name", list(PERSON_COLUMNS)).fetchall()
    return [str(r[0]) for r in rows
            if str(r[0]) not in PERSON_TABLES and not str(r[0]).startswith(REBUILT_PREFIXES)]


def present(con: duckdb.DuckDBPyConnection) -> list[PersonTable]:
    """The declared tables that exist in this warehouse (a service's tables appear once it ran)."""
    names = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    return [t for t in PERSON_TABLES.values() if t.name in names]
