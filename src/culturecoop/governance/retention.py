"""Retention: a record is kept a number of months after its last ticket (36 by default), then
removed with the same physical guarantees as an erasure (rows, derived tables, file rewrite,
lake) and an audit entry. Unlike an erasure it adds nothing to the suppression list: a patron
who buys again later comes back as a new relationship.

A record is a member's patron record; its *last ticket* is the latest ``purchased_at`` of its
tickets, whatever their status. A record with no ticket at all (someone on a newsletter list
sent as a consent export) is dated by its latest consent decision instead, so it does not stay
forever. A person loses their cooperative-wide rows (audiences) only when
every one of their records has expired.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from culturecoop.analytics.period import FIRST_DAY, LAST_DAY, out_of_range
from culturecoop.errors import UserError
from culturecoop.governance.erasure import (
    Removal,
    actor,
    check_lake,
    finish_interrupted_rewrite,
    mark_rewrite_pending,
    remove_subjects,
    rewrite_files,
)
from culturecoop.i18n import _
from culturecoop.privacy import audit
from culturecoop.warehouse.engine import Warehouse

DEFAULT_MONTHS = 36
MIN_MONTHS, MAX_MONTHS = 12, 120


def retention_months(warehouse: Warehouse) -> int:
    value = warehouse.scalar("SELECT value FROM governance_policy WHERE name = 'retention'")
    return int(json.loads(value)["months"]) if value else DEFAULT_MONTHS


def set_retention(warehouse: Warehouse, months: int, who: str) -> None:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise UserError(_("A retention of {months} months is outside the allowed range; give --months between {low} and {high}.").format(
            months=months, low=MIN_MONTHS, high=MAX_MONTHS))
    with warehouse.transaction() as con:
        con.execute("INSERT OR REPLACE INTO governance_policy VALUES ('retention', ?, ?, ?)",
                    [json.dumps({"months": months}), datetime.now(UTC).replace(tzinfo=None), who])


def parse_day(text: str | None) -> date:
    if not text:
        return datetime.now(UTC).date()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UserError(_("{value} is not a day; give it as YYYY-MM-DD, e.g. 2026-11-30.").format(value=text)) from None
    if out_of_range(day):
        raise UserError(_("--as-of {value} is outside the days the cooperative's data can cover; choose a day from {first} to {last}.").format(
            value=day.isoformat(), first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
    return day


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def apply_retention(warehouse: Warehouse, day: date, *, lake: Path | None = None, dry_run: bool = False,
                    who: str | None = None) -> Removal:
    """Remove every record whose last ticket is before ``day`` minus the retention period."""
    check_lake(lake)
    if not dry_run:
        finish_interrupted_rewrite(warehouse)
    months = retention_months(warehouse)
    cutoff = months_before(day, months)
    removal = Removal(file_bytes_before=warehouse.path.stat().st_size, cutoff=cutoff.isoformat())
    with warehouse.transaction() as con:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE subject_record AS
            SELECT member_id, member_patron_id FROM ticket GROUP BY member_id, member_patron_id
            HAVING max(purchased_at) < CAST($cutoff AS TIMESTAMP)
            UNION ALL
            SELECT member_id, member_patron_id FROM consent AS c
            WHERE NOT EXISTS (SELECT 1 FROM ticket AS t
                              WHERE t.member_id = c.member_id AND t.member_patron_id = c.member_patron_id)
            GROUP BY member_id, member_patron_id
            HAVING max(recorded_at) < CAST($cutoff AS TIMESTAMP)""", {"cutoff": cutoff})
        # Cooperative-wide rows go only with a person's last record.
        con.execute(
            """CREATE OR REPLACE TEMP TABLE subject_person AS
            SELECT patron_key FROM identity AS i
            LEFT JOIN subject_record AS s USING (member_id, member_patron_id)
            GROUP BY patron_key HAVING bool_and(s.member_id IS NOT NULL)""")
        if dry_run:
            removal.records = int(con.execute("SELECT count(*) FROM subject_record").fetchall()[0][0])
            removal.persons = int(con.execute("SELECT count(*) FROM subject_person").fetchall()[0][0])
        else:
            if con.execute("SELECT count(*) FROM subject_record").fetchall()[0][0]:
                mark_rewrite_pending(warehouse)
            remove_subjects(con, removal)
            rule = {"months": months, "as_of": day.isoformat(), "cutoff": cutoff.isoformat()}
            # Each member reads its own count; the cooperative's entry holds the totals.
            for member_id, records in removal.records_by_member.items():
                audit.append(con, audit.AuditRecord(
                    actor=who or actor(), member_id=member_id, action="retention", report=None,
                    parameters={**rule, "records_removed": {member_id: records}}, epsilon=0.0, members_touched=(member_id,)))
            entry = audit.append(con, audit.AuditRecord(
                actor=who or actor(), member_id="cooperative", action="retention", report=None,
                parameters={**rule, "records_removed_total": removal.records, "members": len(removal.records_by_member),
                            "rows_removed": removal.rows_by_table},
                epsilon=0.0, members_touched=()))
            removal.audit_seq = entry.seq
        con.execute("DROP TABLE subject_record")
        con.execute("DROP TABLE subject_person")
    if removal.records and not dry_run:
        rewrite_files(warehouse, removal, lake)
    return removal
