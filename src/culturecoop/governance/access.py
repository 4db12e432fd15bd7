"""Access and portability: everything the cooperative holds about a person, for the member that
asks on the person's behalf (Law 25, s. 27 and 32).

The member sees its own rows of the person in full (patron record, tickets, consents), the
*fact* of linkage (how many records at how many other members, never which members nor what
was bought there: that would tell one member what the person did elsewhere), the member's own
audiences that include the person, every other per-person table a service declared (campaign
sends…) restricted to the member, and the audit entries about the person's records. JSON for
machines, one CSV per section for people.
"""

from __future__ import annotations

import csv
import json
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.governance.erasure import drop_subject_tables, find_records
from culturecoop.governance.requests import SubjectRequest
from culturecoop.i18n import _
from culturecoop.schema import persons
from culturecoop.spreadsheet import spreadsheet_cell
from culturecoop.warehouse.engine import Warehouse

# Sections shown in their own words; other declared tables follow under their table name.
_CORE = ("patron", "ticket", "consent", "identity", "audience_member")


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(warehouse: Warehouse, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in warehouse.query(sql, params)]


def access_report(warehouse: Warehouse, request: SubjectRequest) -> dict[str, Any]:
    """What the cooperative holds about the person the request names, as plain data."""
    started = time.perf_counter()
    member = request.member_id
    if not warehouse.scalar("SELECT count(*) FROM member WHERE member_id = ?", [member]):
        raise UserError(_("{member} is not a member of this cooperative; check --member when the request was made.").format(member=member))
    find_records(warehouse.con, request)
    own = "(SELECT member_patron_id FROM subject_record WHERE member_id = $member)"
    p = {"member": member}
    if not warehouse.scalar("SELECT count(*) FROM subject_record WHERE member_id = ?", [member]):
        raise UserError(_("Nobody in the cooperative matches this request (no record of member {member} has these tokens); check the e-mail or the patron id it was made from. Nothing was changed.").format(member=member))
    sections: dict[str, list[dict[str, Any]]] = {
        "patron": _rows(warehouse, f"SELECT * FROM patron WHERE member_id = $member AND member_patron_id IN {own} ORDER BY member_patron_id", p),
        "ticket": _rows(warehouse, f"""SELECT t.*, e.title AS event_title, e.starts_at AS event_starts_at, e.venue
            FROM ticket AS t LEFT JOIN event AS e USING (member_id, event_id)
            WHERE t.member_id = $member AND t.member_patron_id IN {own} ORDER BY t.purchased_at""", p),
        "consent": _rows(warehouse, f"SELECT * FROM consent WHERE member_id = $member AND member_patron_id IN {own} ORDER BY member_patron_id, purpose", p),
    }
    linkage = warehouse.query(
        """SELECT count(*) FILTER (WHERE member_id <> $member) AS records_elsewhere,
                  count(DISTINCT member_id) FILTER (WHERE member_id <> $member) AS other_members,
                  count(*) FILTER (WHERE member_id = $member) AS own_records
           FROM identity WHERE patron_key IN (SELECT patron_key FROM subject_person)""", p)[0]
    sections["linkage"] = [{
        "linked_to_other_members": bool(linkage["other_members"]),
        "other_members": int(linkage["other_members"] or 0),
        "records_at_other_members": int(linkage["records_elsewhere"] or 0),
        "own_records": int(linkage["own_records"] or 0),
        "patron_key": key,
    } for key in [r["patron_key"] for r in warehouse.query("SELECT patron_key FROM subject_person ORDER BY 1")] or [None]]
    sections["audiences"] = _rows(warehouse, """SELECT a.audience_id, a.name, a.kind, a.created_at, m.score
        FROM audience_member AS m JOIN audience AS a USING (audience_id)
        WHERE a.member_id = $member AND m.patron_key IN (SELECT patron_key FROM subject_person)
        ORDER BY a.created_at""", p)
    for table in persons.present(warehouse.con):
        if table.name in _CORE or not table.shown_in_access:
            continue
        columns = {str(r[0]) for r in warehouse.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database()", [table.name]).fetchall()}
        where = (f"{table.key_column} IN (SELECT patron_key FROM subject_person)" if table.keyed_by == "person"
                 else f"{table.record_column} IN {own}")
        if table.member_filter:
            where += f" AND {table.member_filter}"
        elif "member_id" in columns:
            where += " AND member_id = $member"
        else:
            continue  # no way to keep only this member's rows: shown to nobody rather than to all
        sections[table.name] = _rows(warehouse, f"SELECT * FROM {table.name} WHERE {where}", p)
    sections["audit"] = _rows(warehouse, """SELECT seq, recorded_at, actor, action, parameters FROM audit
        WHERE member_id = $member AND action IN ('consent', 'erasure', 'access') ORDER BY seq""", p)
    releases = warehouse.scalar(
        "SELECT count(*) FROM audit WHERE action IN ('release', 're-release') AND list_contains(CAST(members_touched AS JSON)::VARCHAR[], ?)",
        [member])
    drop_subject_tables(warehouse.con)
    return {
        "format": "culturecoop-access", "member_id": member, "request_created_at": request.created_at,
        "answered_at": datetime.now().isoformat(timespec="seconds"),
        "pooled_releases_using_member_data": int(releases or 0),
        "sections": sections, "seconds": time.perf_counter() - started,
    }


def write_access(report: dict[str, Any], out: Path) -> list[Path]:
    """``person.json`` and one CSV per non-empty section in ``out`` (created if needed)."""
    if out.exists() and not out.is_dir():
        raise UserError(_("{path} is a file; give a folder to write the access files into.").format(path=out))
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "person.json"]
    files[0].write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    for name, rows in report["sections"].items():
        if not rows:
            continue
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: spreadsheet_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
                                 for k, v in row.items()})
        files.append(path)
    return files
