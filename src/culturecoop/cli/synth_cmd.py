"""`culturecoop synth`: write a realistic synthetic cooperative (six members' exports + truth)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from culturecoop.cli.app import app, console, emit_json, figure
from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.synth.cooperative import TICKETS_PER_PATRON, TOTAL_STEPS, generate_cooperative


def _describe(stage: str, name: str) -> str:
    if stage == "people":
        return _("Drawing people")
    if stage == "memberships":
        return _("Choosing where each person buys tickets")
    if stage == "member":
        return _("Building events, customers and tickets of {member}").format(member=name)
    return _("Writing {file}").format(file=name)


def _parse_today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from culturecoop.analytics.period import FIRST_DAY, LAST_DAY, out_of_range
    from culturecoop.synth.catalog import UPCOMING_DAYS

    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(_("--today {value} is not a date; write it as YYYY-MM-DD, e.g. --today 2026-11-30.").format(
            value=value)) from None
    # The upcoming season (UPCOMING_DAYS after it) stays within the days reports cover.
    last = LAST_DAY - dt.timedelta(days=UPCOMING_DAYS + 1)
    if out_of_range(day) or day > last:
        raise UserError(_("--today {value} is outside the days a synthetic season can cover; choose a day from {first} to {last}.").format(
            value=day.isoformat(), first=FIRST_DAY.isoformat(), last=last.isoformat()))
    return day


@app.command("synth")
def synth(
    out: Path = typer.Option(..., "--out", help="Folder to write the exports, members.json and truth.json in."),
    patrons: int = typer.Option(..., "--patrons", help="Number of distinct people in the cooperative."),
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed writes the same files."),
    tickets_per_patron: float = typer.Option(
        TICKETS_PER_PATRON, "--tickets-per-patron", help="Ticket rows per person, overall."),
    today: str = typer.Option(None, "--today", help="Date the upcoming season starts after (YYYY-MM-DD; default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary on standard output."),
) -> None:
    """Write a synthetic cooperative: six Québec members' exports in their vendors' styles."""
    day = _parse_today(today)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(_("Drawing people"), total=TOTAL_STEPS)

        def advance(stage: str, name: str) -> None:
            bar.update(task, advance=1, description=_describe(stage, name))

        summary = generate_cooperative(out, patrons, seed, tickets_per_patron, progress=advance, today=day)
    if as_json:
        emit_json(summary.as_json())
        return
    table = Table(title=_("Synthetic cooperative ({people} people, seed {seed})").format(
        people=figure(summary.people), seed=summary.seed))
    table.add_column(_("member"))
    table.add_column(_("file"))
    table.add_column(_("rows"), justify="right")
    table.add_column(_("bad rows"), justify="right")
    for member_id, path in summary.files.items():
        table.add_row(member_id, Path(path).name, figure(summary.rows[member_id]), figure(summary.bad_rows[member_id]))
    console.print(table)
    console.print(_("{tickets} valid tickets written in {seconds} s to {out}.").format(
        tickets=figure(summary.tickets), seconds=figure(summary.seconds, 1), out=summary.out))
    console.print(_("members.json lists each member's file and profile; truth.json holds the "
                    "true identities and the planted signals (never put it in a package)."))
    console.print(_("Next, on each member's machine: culturecoop prepare {file} --member {member} "
                    "--profile {profile} --keys KEYS --out PACKAGE").format(
                        file=out / "jazz-dieze.csv", member="jazz-dieze", profile="canonical"))
