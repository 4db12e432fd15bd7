"""`culturecoop campaigns ...`: create, approve, send, results, and the cooperative's rules."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from culturecoop.analytics.wording import label
from culturecoop.cli.app import app, console, emit_json, figure, gated
from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language, general, share
from culturecoop.warehouse.engine import Warehouse

campaigns_app = typer.Typer(help="E-mail campaigns to saved audiences: create, approve, cancel, send, results.", no_args_is_help=True)
app.add_typer(campaigns_app, name="campaigns")


def _open(db: Path) -> Warehouse:
    return Warehouse(db, create=False)


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(_("The {what} file {path} does not exist; check the path.").format(what=what, path=path)) from None
    except UnicodeDecodeError:
        raise UserError(_("The {what} file {path} is not UTF-8 text; save it as UTF-8 and try again.").format(what=what, path=path)) from None
    except IsADirectoryError:
        raise UserError(_("{path} is a folder; give the {what} file.").format(what=what, path=path)) from None


def _when(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(_("{option} must be a date and time such as 2026-12-01T09:00 (UTC); got {value}.").format(
            option=option, value=text)) from None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _check_holdout(holdout: float | None) -> None:
    """--holdout is a fraction here (the dashboard takes a percentage): said with the option."""
    from culturecoop.campaigns.settings import MAX_HOLDOUT, MIN_HOLDOUT

    if holdout is not None and not MIN_HOLDOUT <= holdout <= MAX_HOLDOUT:
        raise UserError(_("--holdout is the share of the audience kept out, from {low} to {high}, e.g. --holdout 0.1; got {share}.").format(
            low=general(MIN_HOLDOUT), high=general(MAX_HOLDOUT), share=general(holdout)))


def _check_campaign_options(link: str | None, conversion_days: int, *texts: str | None) -> None:
    """The options of `campaigns create` the service would refuse, said with the option to give."""
    from culturecoop.campaigns.service import MAX_CONVERSION_DAYS, is_web_address, uses_link

    if link is not None and not is_web_address(link):
        raise UserError(_("The ticketing link must be a web address with no space, starting with http:// or https:// and a site, e.g. --link https://billets.example.org/concert."))
    if link is None and uses_link(*texts):
        raise UserError(_("The message uses {link} but no ticketing page was given; add --link URL."))
    if not 1 <= conversion_days <= MAX_CONVERSION_DAYS:
        raise UserError(_("--conversion-days must be from 1 to {most}, e.g. --conversion-days 30; got {days}.").format(
            most=MAX_CONVERSION_DAYS, days=conversion_days))


@campaigns_app.command("create")
def create_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member that sends the campaign."),
    audience: str = typer.Option(..., "--audience", help="One of the member's saved audiences (see `audiences list`)."),
    subject_fr: str = typer.Option(..., "--subject-fr", help="Subject in French; placeholders such as {event_title} allowed."),
    subject_en: str = typer.Option(None, "--subject-en", help="Subject in English (without it and --body-en, English readers get the French message)."),
    body_fr: Path = typer.Option(..., "--body-fr", help="Plain-text file of the French body (UTF-8)."),
    body_en: Path = typer.Option(None, "--body-en", help="Plain-text file of the English body (UTF-8)."),
    preheader_fr: str = typer.Option(None, "--preheader-fr", help="Preview line after the subject, in French."),
    preheader_en: str = typer.Option(None, "--preheader-en", help="Preview line in English."),
    event: str = typer.Option(None, "--event", help="The event promoted (default: the audience's event)."),
    link: str = typer.Option(None, "--link", help="Your ticketing page for the event (https://…)."),
    holdout: float = typer.Option(None, "--holdout", help="Share kept out at random to measure the lift (default 0.1, at least 0.05)."),
    window_start: str = typer.Option(None, "--window-start", help="Earliest send time, UTC, such as 2026-12-01T09:00 (default: now)."),
    window_end: str = typer.Option(None, "--window-end", help="Latest send time, UTC, such as 2026-12-08T18:00 (default: 7 days later)."),
    conversion: str = typer.Option(None, "--conversion", help="event (a ticket for the event) or member (any of your tickets)."),
    conversion_days: int = typer.Option(30, "--conversion-days", help="Days after the send during which a ticket counts."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Create a campaign: who may receive it, a random holdout, gated sizes only."""
    from culturecoop.campaigns.service import create_campaign

    if (subject_en is None) != (body_en is None):
        raise UserError(_("Give both --subject-en and --body-en for an English message, or neither: English readers then get the French one."))
    text_fr = _read_text(body_fr, _("French body"))
    text_en = _read_text(body_en, _("English body")) if body_en is not None else ""
    _check_holdout(holdout)
    _check_campaign_options(link, conversion_days, subject_fr, subject_en, preheader_fr, preheader_en, text_fr, text_en)
    with _open(db) as warehouse:
        summary = create_campaign(
            warehouse, member_id=member, audience_id=audience, subject_fr=subject_fr, subject_en=subject_en or "",
            preheader_fr=preheader_fr, preheader_en=preheader_en, event_id=event, link=link, holdout=holdout,
            window_start=_when(window_start, "--window-start"), window_end=_when(window_end, "--window-end"),
            conversion=conversion, conversion_days=conversion_days, body_fr=text_fr, body_en=text_en)
    if as_json:
        emit_json(summary)
        return
    console.print(_("Campaign {campaign} created ({status}): {recipients} recipients, {holdout} kept out as the holdout.").format(
        campaign=summary["campaign_id"], status=_status(summary["status"]), recipients=gated(summary["recipients_shown"]),
        holdout=gated(summary["holdout_shown"])), highlight=False)
    if summary["status"] == "awaiting_approval":
        console.print(_("The cooperative requires approval: ask its admin to run `culturecoop campaigns approve {campaign}`.").format(
            campaign=summary["campaign_id"]))


@campaigns_app.command("approve")
def approve_command(
    campaign: str = typer.Argument(..., help="Campaign id."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Approve a campaign (cooperative admin), so that it may be sent."""
    from culturecoop.campaigns.service import approve_campaign

    with _open(db) as warehouse:
        summary = approve_campaign(warehouse, campaign)
    if as_json:
        emit_json(summary)
        return
    console.print(_("Campaign {campaign} approved; it may be sent.").format(campaign=campaign))


@campaigns_app.command("cancel")
def cancel_command(
    campaign: str = typer.Argument(..., help="Campaign id (see `campaigns list`)."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member whose campaign it is."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Cancel a campaign nobody has received yet (a mistake seen in its preview): it is never sent."""
    from culturecoop.campaigns.service import cancel_campaign

    with _open(db) as warehouse:
        summary = cancel_campaign(warehouse, campaign, member)
    if as_json:
        emit_json(summary)
        return
    console.print(_("Campaign {campaign} cancelled: nobody will receive it.").format(campaign=campaign))


@campaigns_app.command("send")
def send_command(
    campaign: str = typer.Argument(..., help="Campaign id."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    keys: Path = typer.Option(..., "--keys", help="Folder holding campaign.private and server.secret (the sender's machine only)."),
    smtp: str = typer.Option(..., "--smtp", help="SMTP server as HOST:PORT, e.g. 127.0.0.1:1025."),
    starttls: bool = typer.Option(False, "--starttls", help="Switch the session to TLS with STARTTLS."),
    user: str = typer.Option(None, "--user", help="SMTP user name."),
    password_env: str = typer.Option(None, "--password-env", help="Name of the environment variable holding the SMTP password."),
    rate: float = typer.Option(None, "--rate", help="Messages per second (default: the cooperative's setting; 0: no limit)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Send a campaign (or resume it): nobody receives it twice."""
    from culturecoop.campaigns.sender import SmtpServer, parse_server, send_campaign

    host, port = parse_server(smtp)
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise UserError(_("The environment variable {name} given to --password-env is not set; export it with the SMTP password.").format(
                name=password_env))
    if password is not None and not user:
        raise UserError(_("A password needs a user name: add --user."))
    server = SmtpServer(host, port, starttls=starttls, user=user, password=password)
    with _open(db) as warehouse, Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                          TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(_("Sending"), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = send_campaign(warehouse, campaign, keys_dir=keys, server=server, rate=rate, progress=advance)
    if as_json:
        emit_json(report.as_json())
        return
    console.print(_("Campaign {campaign}: {sent} sent, {failed} failed, {skipped} skipped (frequency cap or unsubscribed) in {seconds} s; status {status}.").format(
        campaign=campaign, sent=figure(report.sent), failed=figure(report.failed + report.bounced),
        skipped=figure(report.skipped),
        seconds=figure(report.seconds, 1), status=_status(report.status)))


def _print_results(r: dict[str, Any]) -> None:
    console.print(_("Campaign {campaign} ({status}), conversions within {days} days.").format(
        campaign=r["campaign_id"], status=_status(r["status"]), days=r["conversion_days"]))
    from culturecoop.analytics.wording import colon
    from culturecoop.i18n import current_language

    for arm in r["arms"]:
        console.print(f"  {arm['label']}{colon(current_language())}" + ", ".join(f"{m['label']} {m['shown']}" for m in arm["measures"]), highlight=False)
    console.print("  " + r["lift"]["sentence"], highlight=False)


@campaigns_app.command("results")
def results_command(
    campaign: str = typer.Argument(..., help="Campaign id."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(None, "--member", help="Member asking (default: the campaign's member)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Sent, delivered, bounced, unsubscribed, conversions and revenue per arm, and the lift (gated)."""
    from culturecoop.campaigns.results import campaign_results

    with _open(db) as warehouse:
        result = campaign_results(warehouse, campaign, member_id=member)
    if as_json:
        emit_json(result)
        return
    _print_results(result)


@campaigns_app.command("list")
def list_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member whose campaigns to list."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """The member's campaigns."""
    from culturecoop.campaigns.service import list_campaigns

    with _open(db) as warehouse:
        rows = list_campaigns(warehouse, member)
    if as_json:
        emit_json({"member_id": member, "campaigns": rows, "count": len(rows)})
        return
    if not rows:
        console.print(_("Member {member} has no campaign yet; create one with `culturecoop campaigns create`.").format(member=member))
    for r in rows:
        console.print(f"{r['campaign_id']}  {_status(r['status'])}  {r['subject_fr']}", highlight=False)


@campaigns_app.command("preview")
def preview_command(
    campaign: str = typer.Argument(..., help="Campaign id."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member that owns the campaign."),
    language: str = typer.Option("fr", "--in", help="Language of the preview: fr or en."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """The message as a recipient reads it, in French or English."""
    from culturecoop.campaigns.service import preview

    with _open(db) as warehouse:
        shown = preview(warehouse, member, campaign, language)
    if as_json:
        emit_json(shown)
        return
    console.print(f"[bold]{shown['subject']}[/]\n{shown['preheader']}\n\n{shown['text']}", highlight=False)


@campaigns_app.command("suggest")
def suggest_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member writing the campaign."),
    audience: str = typer.Option(..., "--audience", help="The saved audience."),
    event: str = typer.Option(None, "--event", help="The event promoted (default: the audience's event)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Subject and body suggestions from the event and the audience's profile (offline rules)."""
    from culturecoop.campaigns.service import suggest

    with _open(db) as warehouse:
        ideas = suggest(warehouse, member, audience, event)
    if as_json:
        emit_json(ideas)
        return
    from rich.markup import escape

    # Each language by its name and the options its texts go to (« fr », « en » before).
    headings = {"fr": _("In French (for --subject-fr and --body-fr)"), "en": _("In English (for --subject-en and --body-en)")}
    for language in ("fr", "en"):
        console.print(f"[bold]{escape(headings[language])}[/]", highlight=False)
        for subject in ideas[language]["subjects"]:
            console.print(f"  • {escape(subject)}", highlight=False)
        console.print(escape(ideas[language]["body"]), highlight=False)


@campaigns_app.command("settings")
def settings_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    cap: int = typer.Option(None, "--cap", help="Most cooperative e-mails per person in the window (default 2)."),
    days: int = typer.Option(None, "--days", help="Length of the frequency-cap window in days (default 7)."),
    require_approval: bool = typer.Option(None, "--require-approval/--no-approval", help="Whether the admin approves each campaign."),
    holdout: float = typer.Option(None, "--holdout", help="Default holdout share (at least 0.05)."),
    rate: float = typer.Option(None, "--rate", help="Messages per second (0: no limit)."),
    sender: str = typer.Option(None, "--sender", help="The cooperative's sending address."),
    public_url: str = typer.Option(None, "--public-url", help="Address of the web app (unsubscribe links point there)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Show or change the cooperative's campaign rules (cooperative admin)."""
    from culturecoop.analytics.service import default_actor
    from culturecoop.campaigns.settings import current_settings, set_settings

    changes = {"frequency_cap": cap, "cap_days": days, "require_approval": require_approval, "default_holdout": holdout,
               "rate_per_second": rate, "sender_address": sender, "public_url": public_url}
    _check_holdout(holdout)
    with _open(db) as warehouse:
        if any(v is not None for v in changes.values()):
            settings = set_settings(warehouse, default_actor(), **changes)
        else:
            settings = current_settings(warehouse)
    if as_json:
        emit_json(settings.to_json())
        return
    for sentence in _settings_in_words(settings):
        console.print(sentence, highlight=False)


def _settings_in_words(settings: Any) -> list[str]:
    """The campaign rules as a reader reads them, each with its unit (« Au plus 1 courriel par personne
    en 7 jours »), as `privacy show` says the privacy policy; --json keeps the keys."""
    from culturecoop.i18n import count, plural

    rate = float(settings.rate_per_second)
    # A rate of 0,5 takes the singular in French (below 2) and the plural in English.
    rate_count = int(rate) if rate.is_integer() or current_language() == "fr" else 2
    return [
        _("Cooperative e-mails per person: at most {emails} in {days} (the frequency cap).").format(
            emails=plural(settings.frequency_cap, "{n} e-mail", "{n} e-mails").format(n=count(settings.frequency_cap)),
            days=plural(settings.cap_days, "{n} day", "{n} days").format(n=count(settings.cap_days))),
        _("Each campaign is approved by the cooperative's admin before it is sent.") if settings.require_approval
        else _("Campaigns are sent without the cooperative admin's approval."),
        _("Kept aside at random by default to measure a campaign's effect (the holdout): {share} of its audience.").format(
            share=share(settings.default_holdout, 0 if round(settings.default_holdout * 100, 6).is_integer() else 1)),
        _("Sending rate: no limit.") if rate == 0 else plural(rate_count, "Sending rate: {n} message per second.",
                                                              "Sending rate: {n} messages per second.").format(n=general(rate)),
        _("Sender address: {address}.").format(address=settings.sender_address),
        _("Address of the web app, where the unsubscribe links point: {url}.").format(url=settings.public_url),
    ]


@campaigns_app.command("synth-response")
def synth_response_command(
    campaign: str = typer.Argument(..., help="A sent campaign."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    out: Path = typer.Option(..., "--out", help="Package folder to write (then `culturecoop ingest` it)."),
    base: float = typer.Option(0.1, "--base", help="Chance of buying without the campaign."),
    lift: float = typer.Option(0.05, "--lift", help="Planted lift: extra chance of buying for the treatment arm."),
    slope: float = typer.Option(0.1, "--slope", help="Extra chance for the biggest past spender (past spending predicts buying)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Synthetic: a later package of how the campaign's people responded, with a planted lift."""
    from culturecoop.campaigns.simulate import simulate_response

    with _open(db) as warehouse:
        summary = simulate_response(warehouse, campaign, out, base=base, lift=lift, slope=slope, seed=seed)
    if as_json:
        emit_json(summary)
        return
    console.print(_("Package {package} written: {tickets} tickets; planted lift {lift} (true lift by assignment {truth}).").format(
        package=out, tickets=figure(summary["tickets"]), lift=share(lift, 1), truth=share(summary["true_lift"], 1)))


def _status(code: str) -> str:
    """A campaign's status in the reader's words (« prête à envoyer »)."""
    return label("campaign_status", code, current_language())

