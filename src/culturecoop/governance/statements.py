"""Writing the period's remuneration statements: per member JSON, Markdown and PDF in French and
English, and the admin's summary whose amounts add up to the pool to the cent."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.governance.contribution import Contribution
from culturecoop.governance.documents import markdown_pdf, statement_markdown
from culturecoop.governance.remuneration import load_rules, plain_amount, rules_key, statements
from culturecoop.governance.uploads import member_names
from culturecoop.i18n import _, day_words
from culturecoop.warehouse.engine import Warehouse

LANGUAGES = ("fr", "en")


def period_statements(warehouse: Warehouse, contribution: Contribution) -> dict[str, Any]:
    """The statements of the period under the rules the admin set for it."""
    rules = load_rules(warehouse, rules_key(contribution))
    if rules is None:
        raise UserError(_("No remuneration rules are set for {first} to {last}; set them first with `culturecoop contribution rules --db {db} --pool AMOUNT --from {start} --to {end}`.").format(
            first=day_words(contribution.start), last=day_words(contribution.end), db=shlex.quote(str(warehouse.path)),
            start=contribution.start.isoformat(), end=contribution.end.isoformat()))
    return statements(contribution, rules)


def write_statements(warehouse: Warehouse, contribution: Contribution, out: Path, *, member: str | None = None,
                     pdf: bool = True) -> dict[str, Any]:
    """Write the files; returns the summary (amounts as text and in cents)."""
    issued = period_statements(warehouse, contribution)
    if member is not None and member not in issued["statements"]:
        raise UserError(_("{member} is not a member of this cooperative; check --member.").format(member=member))
    if out.exists() and not out.is_dir():
        raise UserError(_("{path} is a file; give a folder to write the statements into.").format(path=out))
    out.mkdir(parents=True, exist_ok=True)
    names = member_names(warehouse)  # a statement is headed by its member's name, not its identifier
    for member_id, statement in issued["statements"].items():
        if member is not None and member_id != member:
            continue
        folder = out / member_id
        folder.mkdir(exist_ok=True)
        (folder / "statement.json").write_text(json.dumps(statement, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for language in LANGUAGES:
            text = statement_markdown(statement, language, names.get(member_id))
            (folder / f"statement.{language}.md").write_text(text, encoding="utf-8")
            if pdf:
                markdown_pdf(text, folder / f"statement.{language}.pdf", f"{member_id} {statement['from']} {statement['to']}")
    if member is None:
        (out / "summary.json").write_text(json.dumps(issued, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        with (out / "summary.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["member_id", "amount", "weighted_share", "statement_id"])
            for member_id, statement in issued["statements"].items():
                writer.writerow([member_id, plain_amount(statement["amount_cents"]), f"{statement['weighted_share']:.6f}", statement["statement_id"]])
            writer.writerow(["fees", plain_amount(issued["fees_cents"]), "", ""])
            writer.writerow(["pool", plain_amount(issued["pool_cents"]), "", ""])
    return {**issued, "pool": plain_amount(issued["pool_cents"]), "fees": plain_amount(issued["fees_cents"]),
            "distributed": plain_amount(issued["distributed_cents"])}


def latest_rules_period(warehouse: Warehouse) -> tuple[str, str] | None:
    """The newest period the admin set rules for (``from``, ``to``), if any."""
    rows = warehouse.query("SELECT name FROM governance_policy WHERE name LIKE 'remuneration:%' ORDER BY name DESC LIMIT 1")
    if not rows:
        return None
    _prefix, start, end = str(rows[0]["name"]).split(":")
    return start, end


def dashboard_statements(warehouse: Warehouse, start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """What the Contribution tab shows: the period's figures and, when rules are set, every
    statement (each member page keeps only its own). Kept until the data changes."""
    from culturecoop.governance.contribution import contributions, resolve_period

    if start is None and end is None:
        latest = latest_rules_period(warehouse)
        if latest:
            start, end = latest
    first, last = resolve_period(warehouse, start, end)

    def compute() -> dict[str, Any]:
        result = contributions(warehouse, first.isoformat(), last.isoformat())
        rules = load_rules(warehouse, rules_key(result))
        issued = statements(result, rules) if rules else None
        return {"contribution": result.as_dict(), "issued": issued}

    return warehouse.remember(("contribution", first, last), compute)


# A member's visits of a period as contribution accounting sees them: all, pooled (linked and agreed
# to pooling: what its shares count), and agreed but not linked across members yet.
_MEMBER_STANDING = """
SELECT count(*) AS visits, count_if(v.pooled) AS pooled,
       count_if(NOT v.pooled AND v.person IS NULL AND c.member_patron_id IS NOT NULL) AS unlinked
FROM analytics_visit AS v
LEFT JOIN (SELECT DISTINCT member_id, member_patron_id FROM consent WHERE purpose = 'pooling' AND granted) AS c
  ON c.member_id = v.member_id AND c.member_patron_id = v.member_patron_id
WHERE v.member_id = $member AND v.event_day BETWEEN $from AND $to
"""


def member_standing(warehouse: Warehouse, member_id: str, start: str, end: str) -> dict[str, Any]:
    """Why a member's shares are what they are: its visits of the period, those its shares count
    (pooled), and those of patrons who agreed to pooling but are not linked across members yet; and
    whether the period is the one the admin set remuneration rules for."""
    from culturecoop.analytics.service import refresh

    def compute() -> dict[str, Any]:
        refresh(warehouse)  # derived tables fresh before the read (contributions read them too)
        row = warehouse.query(_MEMBER_STANDING, {"member": member_id, "from": start, "to": end})[0]
        return {key: int(row[key] or 0) for key in ("visits", "pooled", "unlinked")}

    standing = warehouse.remember(("contribution-standing", member_id, start, end), compute)
    return {**standing, "rules_period": latest_rules_period(warehouse) == (start, end)}
