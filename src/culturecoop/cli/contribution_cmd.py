"""`culturecoop contribution shapley|rules|statements` and `culturecoop governance pia`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from culturecoop.cli.app import app, console, emit_json, figure
from culturecoop.errors import UserError
from culturecoop.i18n import _, day_words, plural

contribution_app = typer.Typer(help="Contribution accounting (Shapley values over members) and remuneration statements.", no_args_is_help=True)
governance_app = typer.Typer(help="Governance documents: the privacy impact assessment.", no_args_is_help=True)
app.add_typer(contribution_app, name="contribution")
app.add_typer(governance_app, name="governance")

DB = typer.Option(..., "--db", help="Warehouse file.")
# Each value function as the dashboard's Contribution tab names it (web.views.contribution.SHORT_NAMES).
FUNCTION_WORDS = {"insight": "Published figures", "linkage": "People recognized", "recommendation": "Recommendations",
                  "conversions": "Campaign conversions"}
FROM = typer.Option(None, "--from", help="First day of the period (YYYY-MM-DD; default: a year before --to).")
TO = typer.Option(None, "--to", help="Last day of the period (YYYY-MM-DD; default: the latest event day).")


def _check_order(start: str | None, end: str | None) -> None:
    """--from after --to, said with the two options (the service names the period's days, as the
    dashboard does); a day that is not one is left to the service's own sentence."""
    try:
        first, last = date.fromisoformat((start or "").strip()), date.fromisoformat((end or "").strip())
    except ValueError:
        return
    if first > last:
        raise UserError(_("--from {start} is after --to {end}; swap the two days.").format(
            start=first.isoformat(), end=last.isoformat()))


@contribution_app.command("shapley")
def shapley_command(
    db: Path = DB, start: str = FROM, end: str = TO,
    sample: bool = typer.Option(False, "--sample", help="Estimate by permutation sampling even for 15 members or fewer."),
    permutations: int = typer.Option(2000, "--permutations", help="Permutations when sampling."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Each member's Shapley value for every value function over the period."""
    from culturecoop.governance.contribution import contributions
    from culturecoop.warehouse.engine import Warehouse

    _check_order(start, end)
    with Warehouse(db, create=False) as warehouse, console.status(_("Computing contributions…")):
        result = contributions(warehouse, start, end, exact=False if sample else None, permutations=permutations)
    data = result.as_dict()
    if as_json:
        emit_json(data)
        return
    console.print(plural(len(result.members), "Contributions from {start} to {end} ({n} member, k = {k}; counts in {counts} s, Shapley values in {shapley} s):", "Contributions from {start} to {end} ({n} members, k = {k}; counts in {counts} s, Shapley values in {shapley} s):").format(
        start=day_words(data["from"]), end=day_words(data["to"]), n=figure(len(result.members)), k=figure(result.k),
        counts=figure(result.seconds_counts, 1), shapley=figure(result.seconds_shapley, 2)))
    from culturecoop.analytics.wording import colon, percent
    from culturecoop.i18n import current_language

    language = current_language()
    said = colon(language)
    for name, f in result.functions.items():
        # The value function by its name on the dashboard (« Personnes reconnues »), its code after it.
        console.print(f"[bold]{escape(_(FUNCTION_WORDS[name]) if name in FUNCTION_WORDS else name)}[/] ({name}) — "
                      + _("total {total}, {method}").format(
                          total=figure(f.total), method=_("exact") if f.exact else _("sampled, 95% interval")),
                      highlight=False)
        for m in result.members:
            interval = f" ± {figure(f.half_width[m], 1)}" if f.half_width else ""
            console.print(f"  {escape(m)}{said}{figure(f.shares[m], 1)}{interval} ({percent(f.fraction(m), language, 1)})",
                          highlight=False)


@contribution_app.command("rules")
def rules_command(
    db: Path = DB, start: str = FROM, end: str = TO,
    pool: str = typer.Option(..., "--pool", help="Amount shared this period, in dollars."),
    fees: str = typer.Option("0", "--fees", help="Cooperative fees withheld from the pool, in dollars."),
    weights: str = typer.Option("insight=0.5,linkage=0.3,conversions=0.2", "--weights", help="Weight of each value function; they add up to 1."),
    floor: str = typer.Option("0", "--floor", help="Amount every member receives first, in dollars."),
    preferential_rate: float = typer.Option(1.0, "--preferential-rate", help="Rate for large providers, e.g. 1.2."),
    preferential_threshold: float = typer.Option(0.0, "--preferential-threshold", help="Weighted share from which the rate applies, e.g. 0.2 (0: no preferential rate)."),
    cap: float = typer.Option(1.0, "--cap", help="Largest fraction of the shared amount one member may receive, e.g. 0.4."),
    currency: str = typer.Option("CAD", "--currency", help="Currency of the amounts."),
) -> None:
    """Set the period's pool, fees and rules (the cooperative admin); refused when they cannot add up."""
    from culturecoop.governance.contribution import resolve_period
    from culturecoop.governance.erasure import actor
    from culturecoop.governance.remuneration import (
        Rules,
        cents,
        check_rules,
        parse_weights,
        save_rules,
    )
    from culturecoop.warehouse.engine import Warehouse

    _check_order(start, end)
    rules = Rules(cents(pool, "--pool"), cents(fees, "--fees"), parse_weights(weights), cents(floor, "--floor"),
                  preferential_rate, preferential_threshold, cap, currency)
    with Warehouse(db, create=False) as warehouse:
        first, last = resolve_period(warehouse, start, end)
        members = int(warehouse.scalar("SELECT count(*) FROM member"))
        check_rules(rules, max(members, 1))
        save_rules(warehouse, f"remuneration:{first.isoformat()}:{last.isoformat()}", rules, actor())
    console.print(_("Rules saved for {start} to {end}.").format(start=day_words(first), end=day_words(last)))


@contribution_app.command("statements")
def statements_command(
    db: Path = DB, start: str = FROM, end: str = TO,
    out: Path = typer.Option(..., "--out", help="Folder to write the statements into."),
    member: str = typer.Option(None, "--member", help="Only this member's statement."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Write PDFs beside the Markdown and JSON."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Each member's statement (FR and EN, Markdown, PDF, JSON) and the admin's summary."""
    from culturecoop.governance.contribution import contributions
    from culturecoop.governance.documents import amount
    from culturecoop.governance.statements import write_statements
    from culturecoop.i18n import current_language
    from culturecoop.warehouse.engine import Warehouse

    _check_order(start, end)
    with Warehouse(db, create=False) as warehouse, console.status(_("Computing contributions…")):
        result = contributions(warehouse, start, end)
        summary: dict[str, Any] = write_statements(warehouse, result, out, member=member, pdf=pdf)
    if as_json:
        emit_json(summary)
    else:
        # Amounts with their currency, as the statements write them (« 12 000,00 CAD », was a bare 12 000,00).
        currency, language = str(summary["rules"]["currency"]), current_language()

        def money(cents: int) -> str:
            return amount(cents, currency, language)

        console.print(plural(len(summary["statements"]), "Wrote {n} statement to {out}: {distributed} shared + {fees} fees = {pool}.", "Wrote {n} statements to {out}: {distributed} shared + {fees} fees = {pool}.").format(
            n=figure(len(summary["statements"])), out=out, distributed=money(summary["distributed_cents"]), fees=money(summary["fees_cents"]),
            pool=money(summary["pool_cents"])))


@governance_app.command("pia")
def pia_command(
    db: Path = DB,
    out: Path = typer.Option(..., "--out", help="Folder to write pia.fr.md, pia.en.md and their PDFs into."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Write PDFs too."),
) -> None:
    """The privacy impact assessment, from the live configuration, in French and English."""
    from culturecoop.governance.pia import write_pia
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(db, create=False, read_only=True) as warehouse:
        files = write_pia(warehouse, out, pdf=pdf)
    console.print(_("Wrote {files}.").format(files=", ".join(str(f) for f in files)))
