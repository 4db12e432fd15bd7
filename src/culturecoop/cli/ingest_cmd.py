"""`culturecoop ingest`: verify contribution packages and load them into the warehouse."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn
from rich.table import Table

from culturecoop.cli.app import app, console, counted, emit_json, figure
from culturecoop.i18n import _, current_language
from culturecoop.ingest.load import IngestSummary, load_package
from culturecoop.ingest.package import verify_package
from culturecoop.ingest.words import PACKAGE_TABLES, say
from culturecoop.schema.model import CONTRIBUTED_TABLES
from culturecoop.warehouse.engine import Warehouse


def _print_summary(summary: IngestSummary) -> None:
    if summary.already_ingested:
        console.print(
            _("{package}: already ingested (same package), nothing changed.").format(package=summary.package)
        )
        return
    table = Table(title=_("{package} → member {member} ({seconds} s)").format(
        package=summary.package, member=summary.member_id, seconds=figure(summary.seconds, 1)))
    table.add_column(_("table"))
    table.add_column(_("rows loaded"), justify="right")
    table.add_column(_("new"), justify="right")
    table.add_column(_("updated"), justify="right")
    for name, load in summary.tables.items():
        if name == "unnamed_sale" and not load.rows:
            continue  # door sales are listed only when the package has some
        table.add_row(say(PACKAGE_TABLES, name, current_language()), figure(load.rows), figure(load.inserted),
                      figure(load.updated))
    console.print(table)


@app.command("ingest")
def ingest_command(
    packages: list[Path] = typer.Argument(..., help="Contribution package folders written by `culturecoop prepare`."),
    db: Path = typer.Option(..., "--db", help="Warehouse file (created if it does not exist)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary on standard output."),
) -> None:
    """Verify packages (checksums, schema version, member) and load each in one transaction."""
    # Verify every package before touching the warehouse: a bad one loads nothing.
    verified = [verify_package(p) for p in packages]
    summaries = []
    with Warehouse(db, create=True) as warehouse:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                      MofNCompleteColumn(), console=console, transient=True) as progress:
            for package in verified:
                task = progress.add_task(_("Loading {member}").format(member=package.member.member_id),
                                         total=len(CONTRIBUTED_TABLES))
                def advance(_table: str, task: TaskID = task) -> None:
                    progress.advance(task)

                summary = load_package(warehouse, package, advance)
                progress.remove_task(task)
                summaries.append(summary)
                if not as_json:
                    _print_summary(summary)
        counts = warehouse.counts()
    if as_json:
        payload = [s.to_json() for s in summaries]
        emit_json({"packages": payload, "warehouse": str(db), "table_rows": counts} if len(payload) != 1
                  else {**payload[0], "warehouse": str(db), "table_rows": counts})
        return
    console.print(
        _("Warehouse {db} now holds {members}, {events}, {patrons} and {tickets}.").format(
            db=db, members=counted(counts["member"], "{n} member", "{n} members"),
            events=counted(counts["event"], "{n} event", "{n} events"),
            patrons=counted(counts["patron"], "{n} patron", "{n} patrons"),
            tickets=counted(counts["ticket"], "{n} ticket", "{n} tickets"))
    )
