"""`culturecoop mapping draft` and `culturecoop mapping check`: a mapping for a new export.

``draft`` writes a commented YAML mapping drafted from the export and says what it could not
decide; ``check`` runs everything ``prepare`` does short of pseudonymizing and writing, and
shows which rows would be accepted or rejected, and why. Neither writes a package.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from culturecoop.cli.app import app, console, counted, emit_json, figure
from culturecoop.cli.prepare_cmd import (
    package_rows,
    print_consent,
    print_names_withheld,
    print_refunded_amounts,
    print_titles_trimmed,
)
from culturecoop.errors import UserError
from culturecoop.files import os_reason
from culturecoop.i18n import _, current_language, plural
from culturecoop.ingest.draft import Draft, draft_mapping
from culturecoop.ingest.draft_yaml import flow
from culturecoop.ingest.prepare import check_export, preview_rows
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import CANONICAL_FIELDS, load_profile, parse_profile
from culturecoop.ingest.quarantine import DEFAULT_MAX_REJECT_SHARE
from culturecoop.ingest.sniff import Evidence
from culturecoop.ingest.validate import RULES
from culturecoop.ingest.words import REJECT_REASONS, say

mapping_app = typer.Typer(
    help="Draft a mapping for a new export, and check a mapping against an export.",
    no_args_is_help=True,
)
app.add_typer(mapping_app, name="mapping")

_PREVIEW_ROWS = 5


def _write_atomically(path: Path, text: str) -> None:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise UserError(_("The mapping cannot be written in {path} ({reason}); choose another --out.").format(
            path=path.parent, reason=os_reason(exc))) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _check_destination(out: Path, force: bool, export: Path) -> None:
    if out.exists() and export.exists() and out.resolve() == export.resolve():
        raise UserError(_("--out names the export itself; give the mapping its own file, such as my-vendor.yaml."))
    if out.is_dir():
        raise UserError(_("The path {path} is a folder; give a file name such as my-vendor.yaml.").format(path=out))
    if out.exists() and not force:
        raise UserError(
            _("The mapping file {path} already exists; choose another --out, or add --force to replace it.").format(
                path=out))
    if not out.parent.is_dir():
        raise UserError(_("The folder {path} does not exist; create it or choose another --out.").format(
            path=out.parent))


def _short(value: Any, width: int = 38) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _preview_table(rows: list[dict[str, Any]], title: str) -> Table:
    """Rows as columns, canonical fields as lines: an export has more fields than a terminal has width."""
    table = Table(title=title, title_justify="left")
    table.add_column(_("field"))
    for i in range(len(rows)):
        table.add_column(_("row {n}").format(n=figure(i + 1)))
    fields = list(dict.fromkeys(f for row in rows for f in row))
    for name in fields:
        table.add_row(name, *(_short(row.get(name)) for row in rows))
    return table


def _pipeline_preview(source: Path, draft: Draft) -> list[dict[str, Any]] | None:
    """The first rows as ``prepare``'s reader reads them with the drafted mapping, or None when
    the draft cannot run yet (a required field is still to decide)."""
    try:
        profile = parse_profile(draft.yaml_text, source=str(source))
        rows: list[dict[str, Any]] = preview_rows(source, profile, limit=_PREVIEW_ROWS)
    except UserError:
        return None
    return [{k: v for k, v in row.items() if k in draft.mapping["columns"] or v is not None} for row in rows]


_SETTINGS_ORDER = ("format", "encoding", "delimiter", "quote", "skip_lines", "sheet", "sheets", "decimal", "amount_scale",
                   "negative", "currency", "country", "timezone", "day_first")


def _decision_order(item: Evidence) -> tuple[int, int]:
    """Settings first (in the file's order), then dates, then fields in canonical order, consent last."""
    if item.key in _SETTINGS_ORDER:
        return 0, _SETTINGS_ORDER.index(item.key)
    if item.key.startswith("dates."):
        return 1, 0
    field = item.key.removeprefix("columns.")
    if field in CANONICAL_FIELDS:
        return 2, CANONICAL_FIELDS.index(field)
    return 3, 0


def _print_draft(draft: Draft, out: Path, read: list[dict[str, Any]] | None) -> None:
    settings = Table(title=_("What the draft decided"), title_justify="left")
    for name in (_("setting or field"), _("value"), _("why")):
        settings.add_column(name)
    names = {"negative": _("refunds"), "day_first": _("date order")}
    for item in sorted(draft.decisions, key=_decision_order):
        value: Any = item.value
        if item.key.startswith("dates."):
            value = ", ".join(item.value or []) or _("(read without a format)")
        elif item.key == "day_first":
            value = _("day first") if item.value else _("month first")
        elif isinstance(value, dict | list):  # a rule, as the mapping file writes it (« {numbered: true} »)
            value = flow(value)
        marker = _("[bold yellow]check[/] ") if item.check else ""
        settings.add_row(names.get(item.key, item.key.removeprefix("columns.")), _short(value, 48), marker + item.why)
    console.print(settings)
    if read is not None:
        console.print(_preview_table(read, _("The first rows as the mapping reads them")))
    elif draft.preview:
        console.print(_preview_table(draft.preview, _("The first rows, as written, under the fields they map to")))
    if draft.unused_columns:
        console.print(_("Columns left out: {names}.").format(names=", ".join(draft.unused_columns)), highlight=False)
    if draft.undecided:
        console.print(_("[bold yellow]Still to decide[/] (edit the mapping file):"))
        for sentence in draft.undecided:
            console.print(f"  • {sentence}", highlight=False)
    console.print(
        _("Mapping written to {path}; check the lines marked CHECK, then run "
          "`culturecoop mapping check {source} --mapping {path}`.").format(path=out, source=draft.source),
        highlight=False)


@mapping_app.command("draft")
def draft_command(
    export: Path = typer.Argument(..., help="The export to draft a mapping for (CSV, JSON lines or XLSX)."),
    out: Path = typer.Option(..., "--out", help="The mapping file to write (YAML)."),
    force: bool = typer.Option(False, "--force", help="Replace --out if it exists."),
    as_json: bool = typer.Option(False, "--json", help="Print the draft as JSON on standard output."),
) -> None:
    """Draft a mapping (YAML) for an export: columns, formats, and what is left to decide."""
    _check_destination(out, force, export)
    draft = draft_mapping(export, preview_rows=_PREVIEW_ROWS)
    _write_atomically(out, draft.yaml_text)
    read = _pipeline_preview(export, draft)
    _print_draft(draft, out, read)
    if as_json:
        payload = draft.to_json()
        payload["written"] = str(out)
        if read is not None:
            payload["preview"] = read
        emit_json(payload)


def _print_partial_refunds(summary: PrepareSummary) -> None:
    """What the refund rows that refund part of a sale, more than it, or no sale of the export would do."""
    if summary.refunds_split:
        console.print(counted(
            summary.refunds_split,
            "One refund row would refund some of its line's seats: those seats would be a refunded ticket, the "
            "line's other seats would stay sold.",
            "{n} refund rows would refund some of their lines' seats: those seats would be refunded tickets, the "
            "lines' other seats would stay sold."))
    if summary.refunds_reduced:
        console.print(counted(
            summary.refunds_reduced,
            "One refund row would refund part of a ticket's amount: the ticket would stay sold, at its price less "
            "the refund.",
            "{n} refund rows would refund part of their tickets' amounts: the tickets would stay sold, at their "
            "price less the refund."))
    exceeding = summary.rejects_by_reason.get("refund_exceeds_sale", 0)
    if exceeding:
        console.print(counted(
            exceeding,
            "One refund row refunds more seats or more money than is left of its sale: it would be rejected with "
            "its line, and its sale kept.",
            "{n} refund rows refund more seats or more money than is left of their sales: they would be rejected "
            "with their lines, and their sales kept."))
    if summary.refunds_unmatched:
        console.print(counted(
            summary.refunds_unmatched,
            "One refund row matches no sale of the export (a sale made before the period it covers?): it would be "
            "a refunded ticket of its own.",
            "{n} refund rows match no sale of the export (sales made before the period it covers?): each would be "
            "a refunded ticket of its own."))


def _print_check(summary: PrepareSummary, rows: list[dict[str, Any]]) -> None:
    language = current_language()
    console.print(_preview_table(rows, _("The first rows as the mapping reads them")))
    if summary.not_tickets:  # the export's rows, those that sold no ticket included: the sum adds up
        console.print(
            _("Rows read: {rows} = {accepted} would be accepted + {rejected} rejected + {other} left out (not "
              "tickets).").format(
                rows=figure(summary.rows_in + summary.not_tickets), accepted=figure(summary.rows_accepted),
                rejected=figure(summary.rows_rejected), other=figure(summary.not_tickets)),
            highlight=False)
    else:
        console.print(
            (_("Rows read: {orders}, {attendees} = {accepted} would be accepted + {rejected} rejected.")
             if summary.export_rows is not None else
             _("Rows read: {rows_in} = {accepted} would be accepted + {rejected} rejected.")).format(
                orders=counted(summary.export_rows or 0, "{n} order", "{n} orders"),
                attendees=counted(summary.rows_in, "{n} attendee", "{n} attendees"),
                rows_in=figure(summary.rows_in), accepted=figure(summary.rows_accepted),
                rejected=figure(summary.rows_rejected)),
            highlight=False)
    if summary.rejects_by_reason:
        table = Table(title=_("Rows that would be rejected, by reason (a row can fail several rules)"),
                      title_justify="left")
        table.add_column(_("rule"))
        table.add_column(_("rows"), justify="right")
        for reason, count in summary.rejects_by_reason.items():
            table.add_row(say(REJECT_REASONS, reason, language), figure(count))
        console.print(table)
    if summary.refunds_merged > summary.refunds_reduced:
        console.print(counted(summary.refunds_merged - summary.refunds_reduced,
                              "One refund row would be applied to the sale it refunds.",
                              "{n} refund rows would be applied to the sales they refund."))
    _print_partial_refunds(summary)
    print_refunded_amounts(summary, would=True)
    if summary.unnamed_sales:
        console.print(counted(
            summary.unnamed_sales,
            "One sale naming nobody (a door or cash sale) would be counted as an admission of its event.",
            "{n} sales naming nobody (door or cash sales) would be counted as admissions of their events."))
    if summary.summary_lines:
        console.print(plural(summary.summary_lines, "{n} total line would be left out (it is not a sale).", "{n} total lines would be left out (they are not sales).").format(
            n=figure(summary.summary_lines)))
    if summary.not_tickets:
        console.print(counted(
            summary.not_tickets,
            "One row is not a ticket (a donation, a membership, a shop sale): it would be left out.",
            "{n} rows are not tickets (donations, memberships, shop sales): they would be left out."), highlight=False)
    console.print(_("The package would hold: {tables}.").format(tables=package_rows(summary)), highlight=False)
    print_titles_trimmed(summary, would=True)
    print_names_withheld(summary, would=True)
    print_consent(summary)
    for warning in summary.warnings:
        console.print(f"[bold yellow]![/] {warning}", highlight=False)
    console.print(_("Nothing was written: run prepare with this mapping to make the package."))


@mapping_app.command("check")
def check_command(
    export: Path = typer.Argument(..., help="The export to check."),
    mapping: Path = typer.Option(..., "--mapping", help="The mapping file (YAML) to check against the export."),
    max_reject_share: float = typer.Option(
        DEFAULT_MAX_REJECT_SHARE, "--max-reject-share",
        help="Refuse when more than this share of rows fail one rule (prepare's guard; 1 to accept any)."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON on standard output."),
) -> None:
    """Read an export with a mapping as prepare would, and show what would be accepted or rejected; writes nothing."""
    if not 0 <= max_reject_share <= 1:
        raise UserError(_("--max-reject-share must be a share between 0 and 1, such as 0.2."))
    profile = load_profile(path=mapping)
    summary = check_export(export, profile, max_reject_share=max_reject_share)
    rows = preview_rows(export, profile, limit=_PREVIEW_ROWS)
    shown = [{k: v for k, v in row.items() if v is not None} for row in rows]
    _print_check(summary, shown)
    if as_json:
        payload = summary.to_json()
        for key in ("package", "rejects_file", "member_id"):
            payload.pop(key, None)
        payload["preview"] = rows
        payload["rules"] = RULES
        emit_json(payload)
