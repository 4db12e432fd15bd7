"""Loading a consent package (``ingest.consent_export``) as consent changes, at the cooperative.

A consent package holds patrons and their decisions, no ticket and no event. Its decisions go
to the member's records of each person:

* the record with the same id token (a consent export keyed like the ticket export), else every
  record of the member with the same e-mail token (a newsletter tool knows the e-mail while the
  ticket export was keyed by a customer number), else a new record (someone who signed up to
  the newsletter without buying yet);
* for each purpose, the newest decision wins: a decision older than the one the warehouse holds
  changes nothing (the same rule applies to every package, see ``upsert_consents``);
* the patron record of a known person is kept as it is (a newsletter list knows less about a
  person than the ticket export: names, birth date and postcode stay), except its sealed
  contact: dropped when the person withdraws marketing, added when they grant it and the record
  had none;
* tickets and events are never touched: a consent package that carries any is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _

PACKAGE_KIND = "consent"


def is_consent_package(manifest: dict[str, object]) -> bool:
    return manifest.get("kind") == PACKAGE_KIND


def refuse_tickets(manifest: dict[str, object], shown: str) -> None:
    """A consent package with tickets or events was not made by ``prepare``: refused (exit 3)."""
    rows = manifest.get("rows")
    if isinstance(rows, dict) and (rows.get("ticket") or rows.get("event")):
        raise UserError(_("The consent package {path} carries tickets or events, which a consent package never "
                          "does; prepare it again from the consent export.").format(path=shown), exit_code=3)


def upsert_consents(con: duckdb.DuckDBPyConnection, incoming: str, params: Sequence[object]) -> tuple[int, int, int]:
    """Write the decisions of the relation ``incoming`` (canonical consent columns), the newest
    decision winning per (member, record, purpose): a decision dated before the one held is
    ignored. Returns (rows offered, inserted, updated)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE consent_incoming AS SELECT * FROM {incoming}", params)
    offered = int(con.execute("SELECT count(*) FROM consent_incoming").fetchall()[0][0])
    con.execute(
        """CREATE OR REPLACE TEMP TABLE consent_newer AS
        SELECT i.* FROM consent_incoming AS i LEFT JOIN consent AS c USING (member_id, member_patron_id, purpose)
        WHERE c.recorded_at IS NULL OR i.recorded_at >= c.recorded_at""")
    updated = int(con.execute(
        """DELETE FROM consent AS c USING consent_newer AS n
        WHERE c.member_id = n.member_id AND c.member_patron_id = n.member_patron_id AND c.purpose = n.purpose"""
    ).fetchall()[0][0])
    inserted = int(con.execute("INSERT INTO consent SELECT * FROM consent_newer").fetchall()[0][0]) - updated
    con.execute("DROP TABLE consent_incoming")
    con.execute("DROP TABLE consent_newer")
    return offered, inserted, updated


def load_consent_changes(con: duckdb.DuckDBPyConnection, patron_file: Path, consent_file: Path,
                         member_id: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Apply a consent package's patrons and decisions (inside the caller's transaction).

    Returns ((patrons offered, new records, records matched), (decisions offered, inserted,
    updated))."""
    con.execute("CREATE OR REPLACE TEMP TABLE consent_pkg_patron AS SELECT * FROM read_parquet(?)", [str(patron_file)])
    # Which record each package patron speaks for: same id token, else same e-mail token, else itself.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE consent_target AS
        WITH same_id AS (
            SELECT p.member_patron_id AS package_id, t.member_patron_id AS target FROM consent_pkg_patron AS p
            JOIN patron AS t ON t.member_id = $member AND t.member_patron_id = p.member_patron_id),
        same_email AS (
            SELECT p.member_patron_id AS package_id, t.member_patron_id AS target FROM consent_pkg_patron AS p
            JOIN patron AS t ON t.member_id = $member AND t.email_token = p.email_token
            WHERE p.email_token IS NOT NULL AND p.member_patron_id NOT IN (SELECT package_id FROM same_id))
        SELECT package_id, target, false AS new FROM same_id
        UNION ALL SELECT package_id, target, false FROM same_email
        UNION ALL SELECT member_patron_id, member_patron_id, true FROM consent_pkg_patron
        WHERE member_patron_id NOT IN (SELECT package_id FROM same_id UNION ALL SELECT package_id FROM same_email)""",
        {"member": member_id})
    offered = int(con.execute("SELECT count(*) FROM consent_pkg_patron").fetchall()[0][0])
    new = int(con.execute(
        """INSERT INTO patron SELECT p.* FROM consent_pkg_patron AS p
        JOIN consent_target AS t ON t.package_id = p.member_patron_id WHERE t.new""").fetchall()[0][0])
    # Decisions, moved onto the records they speak for (one record may be named twice: newest wins).
    incoming = """(SELECT c.member_id, t.target AS member_patron_id, c.purpose,
                          arg_max(c.granted, c.recorded_at) AS granted, max(c.recorded_at) AS recorded_at
                   FROM read_parquet(?) AS c JOIN consent_target AS t ON t.package_id = c.member_patron_id
                   GROUP BY ALL)"""
    decisions = upsert_consents(con, incoming, [str(consent_file)])
    # The sealed contact follows the marketing decision now held (never the other fields).
    con.execute(
        """UPDATE patron AS p SET contact_sealed = CASE WHEN c.granted THEN coalesce(p.contact_sealed, s.sealed) END
        FROM (SELECT t.target, any_value(s.contact_sealed) AS sealed
              FROM consent_target AS t JOIN consent_pkg_patron AS s ON s.member_patron_id = t.package_id
              WHERE NOT t.new GROUP BY t.target) AS s, consent AS c
        WHERE p.member_id = $member AND p.member_patron_id = s.target
          AND c.member_id = $member AND c.member_patron_id = s.target AND c.purpose = 'marketing'""",
        {"member": member_id})
    for name in ("consent_pkg_patron", "consent_target"):
        con.execute(f"DROP TABLE {name}")
    return (offered, new, offered - new), decisions
