"""A person's rights from the command line: `erasure request`, `erase`, `access request|export`,
`consent request|apply`, `retention show|set|apply`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from culturecoop.cli.app import app, console, emit_json, figure
from culturecoop.i18n import _, day_words, plural

erasure_app = typer.Typer(help="Erasure requests (made on the member's machine: tokens only).", no_args_is_help=True)
access_app = typer.Typer(help="Access and portability: everything the cooperative holds about a person.", no_args_is_help=True)
consent_app = typer.Typer(help="Consent changes after the first package, for one person.", no_args_is_help=True)
retention_app = typer.Typer(help="Retention: remove records whose last ticket is older than the policy.", no_args_is_help=True)
app.add_typer(erasure_app, name="erasure")
app.add_typer(access_app, name="access")
app.add_typer(consent_app, name="consent")
app.add_typer(retention_app, name="retention")

EMAIL = typer.Option(None, "--email", help="The person's e-mail address, as in your export (repeatable).")
PHONE = typer.Option(None, "--phone", help="The person's phone number (repeatable).")
PATRON = typer.Option(None, "--patron-id", help="Your own customer id of the person (repeatable).")
MEMBER = typer.Option(..., "--member", help="Your member identifier at the cooperative.")
KEYS = typer.Option(..., "--keys", help="Folder holding the linkage secret (from `culturecoop keys init`).")
COUNTRY = typer.Option("CA", "--country", help="Country of phone numbers without a + prefix.")


# The tables a removal empties of a person, as their reader names them (« Billets 12 », not ticket 12).
TABLE_WORDS = {"patron": "Patrons", "ticket": "Tickets", "consent": "Consents", "identity": "Linked patron records",
               "audience_member": "People in saved audiences", "campaign_recipient": "Campaign recipients",
               "campaign_send": "Campaign messages sent", "campaign_suppression": "Campaign suppression list",
               "consent_event": "Consent changes"}


def _say_removal(summary: dict[str, Any], what: str) -> None:
    from culturecoop.analytics.wording import colon
    from culturecoop.i18n import current_language

    console.print(what)
    said = colon(current_language())
    by_member = ", ".join(f"{m}{said}{figure(n)}" for m, n in summary["records_by_member"].items())
    console.print(plural(summary["records"], "Removed {n} record ({members}); rows removed per table: {tables}.",
                         "Removed {n} records ({members}); rows removed per table: {tables}.").format(
        n=figure(summary["records"]), members=by_member or "0",
        tables=", ".join(f"{_(TABLE_WORDS[t]) if t in TABLE_WORDS else t} {figure(n)}"
                         for t, n in summary["rows_by_table"].items() if n) or "0"))
    console.print(_("Deleted in {delete} s; the warehouse file was rewritten in {rewrite} s ({before} → {after} bytes), so no byte of the removed rows is left in it.").format(
        delete=figure(summary["seconds_delete"], 2), rewrite=figure(summary["seconds_rewrite"], 2),
        before=figure(summary["file_bytes_before"]), after=figure(summary["file_bytes_after"])))
    if summary.get("seconds_lake") is not None:
        console.print(_("The Parquet lake was rewritten in {seconds} s.").format(seconds=figure(summary["seconds_lake"], 2)))
    if summary.get("audit_seq"):
        console.print(_("Certificate: audit entry {seq}.").format(seq=summary["audit_seq"]))


@erasure_app.command("request")
def erasure_request(
    out: Path = typer.Option(..., "--out", help="Request file to write (send it to the cooperative)."),
    member: str = MEMBER, keys: Path = KEYS, email: list[str] = EMAIL, phone: list[str] = PHONE,
    patron_id: list[str] = PATRON, country: str = COUNTRY,
    as_json: bool = typer.Option(False, "--json", help="Print the request on standard output."),
) -> None:
    """Make an erasure request for one person: what you know of them becomes tokens only."""
    from culturecoop.governance.requests import build_request, write_request

    request = build_request("erasure", member, keys, emails=email, phones=phone, patron_ids=patron_id, country=country)
    write_request(request, out, keys=keys)
    if as_json:
        emit_json(request.to_json())
    else:
        console.print(plural(len(request.email_tokens) + len(request.phone_tokens) + len(request.record_tokens), "Wrote {path}: {n} token and no identifier. Send it to the cooperative, which runs `culturecoop erase {path} --db FILE`.", "Wrote {path}: {n} tokens and no identifier. Send it to the cooperative, which runs `culturecoop erase {path} --db FILE`.").format(
            path=out, n=figure(len(request.email_tokens) + len(request.phone_tokens) + len(request.record_tokens))))


@app.command("erase")
def erase_command(
    request_file: Path = typer.Argument(..., help="Erasure request made by `culturecoop erasure request`."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    lake: Path = typer.Option(None, "--lake", help="Parquet lake to rewrite too (from `culturecoop export-lake`)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Erase a person from the whole cooperative, physically (rewrites the warehouse and the lake)."""
    from culturecoop.governance.erasure import erase
    from culturecoop.governance.requests import read_request
    from culturecoop.warehouse.engine import Warehouse

    request = read_request(request_file, "erasure")
    with Warehouse(db, create=False) as warehouse, console.status(_("Erasing…")):
        summary = erase(warehouse, request, lake).as_dict()
    if as_json:
        emit_json(summary)
    else:
        persons, members = max(summary["persons"], 1), len(summary["records_by_member"])
        _say_removal(summary, plural(persons, "Erased {n} person at their own request, from {members}.",
                                     "Erased {n} persons at their own request, from {members}.").format(
            n=figure(persons), members=plural(members, "{n} member", "{n} members").format(n=figure(members))))


@access_app.command("request")
def access_request(
    out: Path = typer.Option(..., "--out", help="Request file to write."),
    member: str = MEMBER, keys: Path = KEYS, email: list[str] = EMAIL, phone: list[str] = PHONE,
    patron_id: list[str] = PATRON, country: str = COUNTRY,
) -> None:
    """Make an access request for one person (tokens only)."""
    from culturecoop.governance.requests import build_request, write_request

    write_request(build_request("access", member, keys, emails=email, phones=phone, patron_ids=patron_id, country=country), out, keys=keys)
    console.print(_("Wrote {path}; the cooperative answers it with `culturecoop access export {path} --db FILE --out DIR`.").format(path=out))


@access_app.command("export")
def access_export(
    request_file: Path = typer.Argument(..., help="Access request made by `culturecoop access request`."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    out: Path = typer.Option(..., "--out", help="Folder to write person.json and one CSV per table into."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON document on standard output too."),
) -> None:
    """Everything the cooperative holds about the person, as JSON and CSV."""
    from culturecoop.governance.access import access_report, write_access
    from culturecoop.governance.requests import read_request
    from culturecoop.warehouse.engine import Warehouse

    request = read_request(request_file, "access")
    with Warehouse(db, create=False, read_only=True) as warehouse:
        report = access_report(warehouse, request)
    files = write_access(report, out)
    if as_json:
        emit_json(report)
    else:
        console.print(plural(len(files), "Wrote {n} file to {out} in {seconds} s: {files}.", "Wrote {n} files to {out} in {seconds} s: {files}.").format(
            n=figure(len(files)), out=out, seconds=figure(report["seconds"], 2), files=", ".join(f.name for f in files)))


@consent_app.command("request")
def consent_request(
    out: Path = typer.Option(..., "--out", help="Request file to write."),
    member: str = MEMBER, keys: Path = KEYS, email: list[str] = EMAIL, phone: list[str] = PHONE,
    patron_id: list[str] = PATRON, country: str = COUNTRY,
    grant: list[str] = typer.Option(None, "--grant", help="Purpose the person now agrees to: pooling, marketing or personalization."),
    withdraw: list[str] = typer.Option(None, "--withdraw", help="Purpose the person withdraws."),
) -> None:
    """A consent change for one person (tokens only), to send to the cooperative."""
    from culturecoop.governance.consent import parse_changes
    from culturecoop.governance.requests import build_request, write_request

    changes = parse_changes(grant or [], withdraw or [])
    write_request(build_request("consent", member, keys, emails=email, phones=phone, patron_ids=patron_id,
                                country=country, consents=changes), out, keys=keys)
    console.print(_("Wrote {path}; the cooperative applies it with `culturecoop consent apply {path} --db FILE`.").format(path=out))


@consent_app.command("apply")
def consent_apply(
    request_file: Path = typer.Argument(..., help="Consent request made by `culturecoop consent request`."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Record a person's consent change at the member; every service honours it."""
    from culturecoop.governance.consent import apply_consent_request
    from culturecoop.governance.requests import read_request
    from culturecoop.warehouse.engine import Warehouse

    request = read_request(request_file, "consent")
    with Warehouse(db, create=False) as warehouse:
        summary = apply_consent_request(warehouse, request)
    if as_json:
        emit_json(summary)
    else:
        console.print(plural(summary["decisions"], "Recorded {n} consent decision for {records} record(s) of member {member}.", "Recorded {n} consent decisions for {records} record(s) of member {member}.").format(
            n=figure(summary["decisions"]), records=figure(summary["records"]), member=request.member_id))


@retention_app.command("show")
def retention_show(db: Path = typer.Option(..., "--db", help="Warehouse file.")) -> None:
    """The retention rule in force."""
    from culturecoop.governance.retention import retention_months
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(db, create=False, read_only=True) as warehouse:
        months = retention_months(warehouse)
    console.print(_("Records are kept {months} months after their last ticket.").format(months=months))


@retention_app.command("set")
def retention_set(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    months: int = typer.Option(..., "--months", help="Months a record is kept after its last ticket (12 to 120)."),
) -> None:
    """Change the retention rule (the cooperative admin)."""
    from culturecoop.governance.erasure import actor
    from culturecoop.governance.retention import set_retention
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(db, create=False) as warehouse:
        set_retention(warehouse, months, actor())
    console.print(_("Records are kept {months} months after their last ticket.").format(months=months))


@retention_app.command("apply")
def retention_apply(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    lake: Path = typer.Option(None, "--lake", help="Parquet lake to rewrite too."),
    as_of: str = typer.Option(None, "--as-of", help="Day the rule is applied on (YYYY-MM-DD; default today)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be removed, change nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Remove every record whose last ticket is older than the rule, physically, with an audit entry."""
    from culturecoop.governance.retention import apply_retention, parse_day
    from culturecoop.warehouse.engine import Warehouse

    day = parse_day(as_of)
    with Warehouse(db, create=False) as warehouse, console.status(_("Applying retention…")):
        summary = apply_retention(warehouse, day, lake=lake, dry_run=dry_run).as_dict()
    if as_json:
        emit_json(summary)
    elif dry_run:
        console.print(plural(
            summary["records"], "{n} record would be removed (last ticket before {cutoff}); nothing was changed.",
            "{n} records would be removed (last ticket before {cutoff}); nothing was changed.").format(
            n=figure(summary["records"]), cutoff=day_words(summary.get("cutoff") or "")))
    elif not summary["records"]:
        console.print(_("No record has passed the retention period; nothing was changed."))
    else:
        _say_removal(summary, _("Removed the records whose last ticket is before {cutoff}.").format(cutoff=day_words(summary.get("cutoff") or "")))




