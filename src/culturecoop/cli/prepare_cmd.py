"""`culturecoop prepare`: an export becomes a contribution package on the member's machine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from culturecoop.cli.app import app, console, counted, emit_json, figure
from culturecoop.errors import StoppedWhenDoneError, UserError
from culturecoop.files import refuse_replacing
from culturecoop.i18n import _, current_language
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.prepare_io import STEPS, PrepareSummary
from culturecoop.ingest.profile import load_profile
from culturecoop.ingest.quarantine import DEFAULT_MAX_REJECT_SHARE
from culturecoop.ingest.validate import RULES
from culturecoop.ingest.words import (
    CONSENT_PURPOSES,
    PACKAGE_TABLES,
    REJECT_REASONS,
    field_named,
    say,
)
from culturecoop.schema.model import MEMBER_KINDS, is_member_id


def _step_labels() -> dict[str, str]:
    return {
        "read": _("Reading the export"),
        "validate": _("Checking every row"),
        "rejects": _("Writing the rejects file"),
        "split": _("Splitting events, patrons, tickets and consents"),
        "pseudonymize": _("Pseudonymizing patrons"),
        "write": _("Writing the package"),
    }


def _print_partial_refunds(summary: PrepareSummary) -> None:
    """What the refund rows that refund part of a sale, more than it, or no sale of the export did."""
    if summary.refunds_split:
        console.print(counted(
            summary.refunds_split,
            "One refund row refunded some of its line's seats: those seats are a refunded ticket, the line's other "
            "seats stay sold.",
            "{n} refund rows refunded some of their lines' seats: those seats are refunded tickets, the lines' other "
            "seats stay sold."))
    if summary.refunds_reduced:
        console.print(counted(
            summary.refunds_reduced,
            "One refund row refunded part of a ticket's amount: the ticket stays sold, at its price less the refund.",
            "{n} refund rows refunded part of their tickets' amounts: the tickets stay sold, at their price less the "
            "refund."))
    exceeding = summary.rejects_by_reason.get("refund_exceeds_sale", 0)
    if exceeding:
        console.print(counted(
            exceeding,
            "One refund row refunds more seats or more money than is left of its sale: it was rejected with its "
            "line (see the rejects file), and its sale kept.",
            "{n} refund rows refund more seats or more money than is left of their sales: they were rejected with "
            "their lines (see the rejects file), and their sales kept."))
    if summary.refunds_unmatched:
        console.print(counted(
            summary.refunds_unmatched,
            "One refund row matches no sale of the export (a sale made before the period it covers?): it is a "
            "refunded ticket of its own.",
            "{n} refund rows match no sale of the export (sales made before the period it covers?): each is a "
            "refunded ticket of its own."))


def print_refunded_amounts(summary: PrepareSummary, *, would: bool = False) -> None:
    """What the column of refunded amounts beside the amounts paid did (``ingest.refunded_amounts``): the
    tickets refunded in part and the money given back on them, those refunded in whole, those rejected for
    a refund larger than what they paid (``would``: said by ``mapping check``, which writes nothing)."""
    from culturecoop.analytics.wording import money

    done, language = summary.refunded_amounts, current_language()
    if done.tickets_in_part:
        given = " + ".join(money(Decimal(amount), language, currency) for currency, amount in done.given_back.items())
        if would:
            said = counted(done.tickets_in_part,
                           "One ticket would be refunded in part, {amount} given back: it would stay sold, at its "
                           "price less the part refunded.",
                           "{n} tickets would be refunded in part, {amount} given back: they would stay sold, each "
                           "at its price less its part of the refund.")
        else:
            said = counted(done.tickets_in_part,
                           "One ticket refunded in part, {amount} given back: it stays sold, at its price less the "
                           "part refunded.",
                           "{n} tickets refunded in part, {amount} given back: they stay sold, each at its price less "
                           "its part of the refund.")
        console.print(said.format(amount=given), highlight=False)
    if done.tickets_in_whole and would:
        console.print(counted(done.tickets_in_whole,
                              "One ticket sold would be refunded in whole, as its refunded amount says: it would be "
                              "counted as refunded.",
                              "{n} tickets sold would be refunded in whole, as their refunded amounts say: they would "
                              "be counted as refunded."), highlight=False)
    elif done.tickets_in_whole:
        console.print(counted(done.tickets_in_whole,
                              "One ticket sold was refunded in whole, as its refunded amount says: it is counted as "
                              "refunded.",
                              "{n} tickets sold were refunded in whole, as their refunded amounts say: they are "
                              "counted as refunded."), highlight=False)
    if done.price_unknown:
        console.print(counted(done.price_unknown,
                              "One ticket belongs to an order refunded in part, and the export does not say how much "
                              "was given back: it counts as sold at no known price rather than at its full price (map "
                              "the column of refunded amounts, if there is one, to count it).",
                              "{n} tickets belong to orders refunded in part, and the export does not say how much was "
                              "given back: they count as sold at no known price rather than at their full price (map "
                              "the column of refunded amounts, if there is one, to count them)."), highlight=False)
    exceeding = summary.rejects_by_reason.get("refund_exceeds_paid", 0)
    if exceeding and would:
        console.print(counted(exceeding,
                              "One row gives a refunded amount larger than what it (or its order) paid: it would be "
                              "rejected with its line.",
                              "{n} rows give a refunded amount larger than what they (or their orders) paid: they "
                              "would be rejected with their lines."), highlight=False)
    elif exceeding:
        console.print(counted(exceeding,
                              "One row gives a refunded amount larger than what it (or its order) paid: it was "
                              "rejected with its line (see the rejects file).",
                              "{n} rows give a refunded amount larger than what they (or their orders) paid: they "
                              "were rejected with their lines (see the rejects file)."), highlight=False)


def print_titles_trimmed(summary: PrepareSummary, *, would: bool = False) -> None:
    """Each fragment of the export's wording removed around event titles, said once (``would``:
    by ``mapping check``, which writes nothing)."""
    for trim in summary.titles_trimmed:
        if would and trim.side == "prefix":
            said = counted(trim.titles,
                           "The prefix “{text}” of {n} event title is the export's wording, not the show's name: it "
                           "would be removed.",
                           "The prefix “{text}” shared by {n} event titles is the export's wording, not the show's "
                           "name: it would be removed.")
        elif would:
            said = counted(trim.titles,
                           "The suffix “{text}” of {n} event title is the export's wording, not the show's name: it "
                           "would be removed.",
                           "The suffix “{text}” shared by {n} event titles is the export's wording, not the show's "
                           "name: it would be removed.")
        elif trim.side == "prefix":
            said = counted(trim.titles,
                           "The prefix “{text}” of {n} event title is the export's wording, not the show's name: it "
                           "was removed.",
                           "The prefix “{text}” shared by {n} event titles is the export's wording, not the show's "
                           "name: it was removed.")
        else:
            said = counted(trim.titles,
                           "The suffix “{text}” of {n} event title is the export's wording, not the show's name: it "
                           "was removed.",
                           "The suffix “{text}” shared by {n} event titles is the export's wording, not the show's "
                           "name: it was removed.")
        console.print(said.format(text=trim.text), highlight=False, markup=False)


# What ``print_names_withheld`` says per column, as done (``False``) or as it would be (``True``).
_NAMES_WITHHELD: dict[tuple[str, bool], tuple[str, str]] = {
    ("event_id", True): (
        "One event identifier names one of your patrons: the package would carry a code in its place.",
        "{n} event identifiers name patrons of yours: the package would carry codes in their place."),
    ("event_id", False): (
        "One event identifier named one of your patrons: the package carries a code in its place.",
        "{n} event identifiers named patrons of yours: the package carries codes in their place."),
    ("venue", True): (
        "One venue names one of your patrons: the name would be left out of the package, which would read "
        "“{example}”.",
        "{n} venues name patrons of yours: the names would be left out of the package, which would read like "
        "“{example}”."),
    ("venue", False): (
        "One venue named one of your patrons: the name was left out of the package, which reads “{example}”.",
        "{n} venues named patrons of yours: the names were left out of the package, which reads like "
        "“{example}”."),
    ("title", True): (
        "One event title names one of your patrons: the name would be left out of the package, which would "
        "read “{example}”.",
        "{n} event titles name patrons of yours: the names would be left out of the package, which would read "
        "like “{example}”."),
    ("title", False): (
        "One event title named one of your patrons: the name was left out of the package, which reads "
        "“{example}”.",
        "{n} event titles named patrons of yours: the names were left out of the package, which reads like "
        "“{example}”."),
    ("private_title", True): (
        "One event title is a private booking's (a birthday, a wedding, a private party): the words naming "
        "who it is for would be left out of the package, which would read “{example}”.",
        "{n} event titles are private bookings' (a birthday, a wedding, a private party): the words naming "
        "who they are for would be left out of the package, which would read like “{example}”."),
    ("private_title", False): (
        "One event title was a private booking's (a birthday, a wedding, a private party): the words naming "
        "who it is for were left out of the package, which reads “{example}”.",
        "{n} event titles were private bookings' (a birthday, a wedding, a private party): the words naming "
        "who they are for were left out of the package, which reads like “{example}”."),
}


def print_names_withheld(summary: PrepareSummary, *, would: bool = False) -> None:
    """Where patrons' full names were taken out of event titles, venues and identifiers
    (``ingest.title_names``), said once per column with one value as the package reads it."""
    for done in summary.names_withheld:
        one, other = _NAMES_WITHHELD[done.column, would]
        console.print(counted(done.values, one, other).format(example=done.example), highlight=False, markup=False)


def _print_summary(summary: PrepareSummary) -> None:
    language = current_language()
    if summary.not_tickets:  # the export's rows, those that sold no ticket included: the sum adds up
        console.print(
            _("Rows read: {rows} = {accepted} accepted + {rejected} rejected + {other} left out (not tickets).").format(
                rows=figure(summary.rows_in + summary.not_tickets), accepted=figure(summary.rows_accepted),
                rejected=figure(summary.rows_rejected), other=figure(summary.not_tickets)),
            highlight=False,
        )
    else:
        console.print(
            (_("Rows read: {orders}, {attendees} = {accepted} accepted + {rejected} rejected.")
             if summary.export_rows is not None else
             _("Rows read: {rows_in} = {accepted} accepted + {rejected} rejected.")).format(
                orders=counted(summary.export_rows or 0, "{n} order", "{n} orders"),
                attendees=counted(summary.rows_in, "{n} attendee", "{n} attendees"),
                rows_in=figure(summary.rows_in), accepted=figure(summary.rows_accepted),
                rejected=figure(summary.rows_rejected)),
            highlight=False,
        )
    if summary.rejects_by_reason:
        table = Table(title=_("Rejected rows by reason (a row can fail several rules)"), title_justify="left")
        table.add_column(_("Reason"))
        table.add_column(_("Rows"), justify="right")
        for reason, count in summary.rejects_by_reason.items():
            table.add_row(say(REJECT_REASONS, reason, language), figure(count))
        console.print(table)
    console.print(_("Package rows: {tables}.").format(tables=package_rows(summary)), highlight=False)
    if summary.blank_lines:
        console.print(_("Blank lines skipped: {n}.").format(n=figure(summary.blank_lines)))
    if summary.summary_lines:
        console.print(counted(summary.summary_lines, "{n} total line left out (it is not a sale).",
                              "{n} total lines left out (they are not sales)."), highlight=False)
    if summary.not_tickets:
        console.print(counted(
            summary.not_tickets,
            "One row is not a ticket (a donation, a membership, a shop sale): left out.",
            "{n} rows are not tickets (donations, memberships, shop sales): left out."), highlight=False)
    if summary.refunds_merged > summary.refunds_reduced:
        console.print(counted(
            summary.refunds_merged - summary.refunds_reduced,
            "One refund row was applied to the ticket it refunds (now marked refunded).",
            "{n} refund rows were applied to the tickets they refund (now marked refunded)."))
    _print_partial_refunds(summary)
    print_refunded_amounts(summary)
    if summary.unnamed_sales:
        console.print(counted(
            summary.unnamed_sales, "One sale naming nobody (a door or cash sale) was counted as an admission of "
                                     "its event, not as a patron's ticket.",
            "{n} sales naming nobody (door or cash sales) were counted as admissions of their events, not as "
              "patrons' tickets."))
    for name, count in summary.values_dropped.items():
        if name in ("event_starts_at", "birth_date"):
            console.print(counted(
                count, "One row had an unreadable or implausible {field}; it was left empty, the ticket was kept.",
                "{n} rows had an unreadable or implausible {field}; it was left empty, the tickets were kept.").format(field=field_named(name, language)))
        elif name == "age":
            console.print(counted(
                count, "One row had a {field} that is neither a whole number of years from 0 to 120 nor a range of "
                       "ages (such as 25-34); no age group was taken from it, the ticket was kept.",
                "{n} rows had a {field} that is neither a whole number of years from 0 to 120 nor a range of ages "
                "(such as 25-34); no age group was taken from them, the tickets were kept.").format(
                    field=field_named(name, language)), highlight=False)
        elif name == "capacity":
            console.print(counted(
                count, "One event had a {field} that is not a whole number of seats from 0 to 2,000,000,000; it was "
                       "left empty, the event was kept.",
                "{n} events had a {field} that is not a whole number of seats from 0 to 2,000,000,000; it was left "
                "empty, the events were kept.").format(field=field_named(name, language)), highlight=False)
        else:
            console.print(counted(
                count, "One patron had an unreadable {field}; it was left empty.",
                "{n} patrons had an unreadable {field}; it was left empty.").format(
                    field=field_named(name, language)))
    print_titles_trimmed(summary)
    print_names_withheld(summary)
    print_consent(summary)
    for warning in summary.warnings:
        console.print(f"[bold yellow]{_('Warning:')}[/] {warning}", highlight=False)  # French sets a space before the colon
    if summary.genres_unmapped:
        labels = ", ".join(list(summary.genres_unmapped)[:8])
        console.print(
            _("Genre labels outside the taxonomy (counted as other): {labels}.").format(labels=labels),
            highlight=False,
        )
    console.print(_("Package written to {path} in {seconds} s.").format(path=summary.package, seconds=figure(summary.seconds, 1)), highlight=False)
    if summary.rows_in and not summary.rows_accepted:
        top = max(summary.rejects_by_reason, key=lambda r: summary.rejects_by_reason[r])
        console.print(
            _("[bold yellow]No row was accepted[/]: every row failed, most often {rule}; check that "
              "the profile matches the export (column names, date formats, decimal mark).").format(
                rule=say(REJECT_REASONS, top, language)),
            highlight=False,
        )
    if summary.rows_rejected:
        from culturecoop.ingest.rejects import names_records

        records = Path(summary.rejects_file).is_file() and names_records(Path(summary.rejects_file))
        console.print(
            (_("Rejected records, with their numbers (and the line each starts on) and reasons, are in {path} (it "
               "holds personal data: keep it on this machine).") if records else
             _("Rejected rows, with their line numbers and reasons, are in {path} (it holds personal "
               "data: keep it on this machine).")).format(path=summary.rejects_file),
            highlight=False,
        )


def package_rows(summary: PrepareSummary) -> str:
    """The package's rows per table in the reader's words (``prepare`` and ``mapping check``); door
    sales only when there are some (most exports name every buyer)."""
    language = current_language()
    return ", ".join(f"{say(PACKAGE_TABLES, name, language)} {figure(count)}"
                     for name, count in summary.rows_per_table.items() if count or name != "unnamed_sale")


def print_consent(summary: PrepareSummary) -> None:
    """Who the package would count, per consent purpose (``prepare`` and ``mapping check``)."""
    language = current_language()
    purposes = summary.consent.get("purposes") or {}
    if not purposes:
        return
    if "dated_by" in summary.consent:  # a consent export: changes, not the sources of a ticket export
        dated = _("dated by the export's date column") if summary.consent["dated_by"] == "column" else _(
            "dated {time}, when the export was made").format(time=summary.consent["export_time"])
        changes = _("; ").join(_("{purpose}: {granted} given, {withdrawn} withdrawn").format(
            purpose=say(CONSENT_PURPOSES, purpose, language), granted=figure(entry["granted"]),
            withdrawn=figure(entry["withdrawn"]))
            for purpose, entry in purposes.items())
        console.print(_("Consent changes: {changes} ({dated}).").format(changes=changes, dated=dated), highlight=False)
        return
    labels = {"column": _("from the export"), "default": _("default of the mapping"), "none": _("not given")}
    parts = [
        counted(entry["granted"], "{purpose}: {n} patron ({source})", "{purpose}: {n} patrons ({source})").format(
            purpose=say(CONSENT_PURPOSES, purpose, language), source=labels.get(entry["source"], entry["source"]))
        for purpose, entry in purposes.items()
    ]
    console.print(_("Consent: {parts}.").format(parts=_("; ").join(parts)), highlight=False)
    if summary.consent.get("basis"):
        console.print(_("Basis stated for the defaults: {basis}").format(basis=summary.consent["basis"]), highlight=False)


@app.command("prepare")
def prepare_command(
    file: Path = typer.Argument(..., help="The export to prepare (CSV, JSON lines or XLSX)."),
    member: str = typer.Option(..., "--member", help="Your member identifier, e.g. jazz-dieze."),
    profile: str | None = typer.Option(None, "--profile", help="A built-in mapping profile, e.g. canonical."),
    mapping: Path | None = typer.Option(None, "--mapping", help="Your own mapping profile (YAML)."),
    keys: Path = typer.Option(..., "--keys", help="Folder holding linkage.secret and campaign.public."),
    out: Path = typer.Option(..., "--out", help="Package folder to create (must not exist)."),
    name: str | None = typer.Option(None, "--name", help="Display name of your organization."),
    kind: str = typer.Option("other", "--kind", help="Kind of organization: " + ", ".join(MEMBER_KINDS) + "."),
    region: str | None = typer.Option(None, "--region", help="Administrative region, e.g. Montréal."),
    rejects: Path | None = typer.Option(None, "--rejects", help="Rejects file (default: beside the package, PKG.rejects.csv)."),
    max_reject_share: float = typer.Option(
        DEFAULT_MAX_REJECT_SHARE, "--max-reject-share",
        help="Stop, writing nothing, when one reason rejects more than this share of the rows (0 to 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary on standard output."),
) -> None:
    """Turn an export into a contribution package with no personal data in clear."""
    if not 0 <= max_reject_share <= 1:
        raise UserError(
            _("The share given to --max-reject-share must be between 0 and 1, such as 0.2; got {value}.").format(
                value=max_reject_share))
    from culturecoop.analytics.wording import MEMBER_KINDS as KIND_NAMES
    from culturecoop.cli.code_words import read_code

    kind = read_code(kind, KIND_NAMES) or kind  # « club de jazz », « Théâtre » as well as the codes
    if kind not in MEMBER_KINDS:
        from culturecoop.analytics.wording import choices

        raise UserError(
            _("The kind {kind} is not a kind of member; use one of {kinds}.").format(
                kind=kind, kinds=choices("member_kind", MEMBER_KINDS, current_language()))
        )
    if not member.strip():
        raise UserError(_("The member identifier is empty; give --member, e.g. --member jazz-dieze."))
    if not is_member_id(member):
        raise UserError(_("The member identifier {member} is not valid: use letters, digits, - and _ only (at "
                          "most 64), e.g. --member jazz-dieze.").format(member=member))
    if rejects is not None:
        refuse_replacing(rejects, "--rejects", [(_("the export"), file), (_("your mapping (--mapping)"), mapping),
                                                (_("the keys folder (--keys)"), keys)])
    chosen = load_profile(name=profile, path=mapping)
    labels = _step_labels()
    # ``prepare`` refuses an existing --out: a package there after a stop is this run's, complete.
    existed = out.exists() or out.is_symlink()
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        ) as progress:
            task = progress.add_task(labels["read"], total=len(STEPS))

            def on_step(step: str) -> None:
                progress.update(task, description=labels.get(step, step), completed=STEPS.index(step))

            summary = prepare(
                file,
                member=MemberInfo(member, name or member, kind, region),
                profile=chosen,
                keys_dir=keys,
                out=out,
                rejects=rejects,
                step=on_step,
                max_reject_share=max_reject_share,
            )
            progress.update(task, completed=len(STEPS))
        _print_summary(summary)
        if as_json:
            payload = summary.to_json()
            payload["rules"] = RULES
            emit_json(payload)
    except KeyboardInterrupt:
        if existed or not out.is_dir():
            raise  # stopped before the package was in place: nothing of it was left
        raise StoppedWhenDoneError(
            _("Stopped at your request once the package was complete: {path} is written in full, with its rejects "
              "file, and can be sent as it is; only the summary was not shown.").format(path=out)) from None
