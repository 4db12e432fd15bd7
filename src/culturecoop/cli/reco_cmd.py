"""`culturecoop reco ...` (who will come to the next show) and `culturecoop audiences ...`."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from culturecoop.cli.app import app, console, counted, emit_json, figure, gated, plural_of
from culturecoop.errors import UserError
from culturecoop.files import atomic_file, refuse_replacing
from culturecoop.i18n import _, general, plural

if TYPE_CHECKING:
    from culturecoop.warehouse.engine import Warehouse

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

reco_app = typer.Typer(help="Recommendations: upcoming events, target audiences, cross offers, evaluation.", no_args_is_help=True)
audiences_app = typer.Typer(help="Saved audiences: build, list and show (gated sizes only).", no_args_is_help=True)
app.add_typer(reco_app, name="reco")
app.add_typer(audiences_app, name="audiences")


def _open(db: Path) -> Warehouse:
    from culturecoop.warehouse.engine import Warehouse

    return Warehouse(db, create=False)


@reco_app.command("programme")
def programme_command(
    file: Path = typer.Argument(..., help="The member's programme: upcoming events as a CSV, Excel sheet or JSON (event_id or title, start, genres, …; French or English headers)."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member whose programme this is (it replaces the previous one)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Load a member's upcoming events (public programme information, no ticket yet)."""
    from culturecoop.reco.programme import load_programme

    with _open(db) as warehouse:
        summary = load_programme(warehouse, member, file)
    if as_json:
        emit_json(summary)
        return
    from culturecoop.analytics.wording import day
    from culturecoop.i18n import current_language

    console.print(counted(summary["events"], "One upcoming event of {member} loaded ({first}).",
                          "{n} upcoming events of {member} loaded ({first} to {last}).").format(
        member=member, first=day(summary["first"], current_language()),
        last=day(summary["last"], current_language())))
    read = {name: header for name, header in summary["columns"].items() if name != header}
    if read:
        console.print(_("Columns read: {pairs}.").format(pairs=", ".join(f"{header} → {name}" for name, header in read.items())),
                      highlight=False)
    if summary["past"]:
        console.print(plural(summary["past"], "{n} of these events is already past (kept, but only upcoming events get an audience).", "Already past: {n} of these events (kept, but only upcoming events get an audience).").format(
            n=figure(summary["past"])))
    if summary["merged"]:
        console.print(counted(
            summary["merged"],
            "One row repeated an event already listed (a ticket type or a price level): merged into it, its lowest "
              "price kept.",
            "{n} rows repeated an event already listed (a ticket type or a price level): merged into it, its lowest "
              "price kept."))
    if summary["cancelled"]:
        console.print(_("Cancelled events left out (their status says so): {n}.").format(n=figure(summary["cancelled"])))
    if summary["other_languages"]:
        console.print(plural(summary["other_languages"], "In a language other than French or English: {n} event (kept without a language).", "In a language other than French or English: {n} events (kept without a language).").format(
            n=figure(summary["other_languages"])))


@reco_app.command("train")
def train_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Train the cold-start model on pooled histories and past events' content."""
    from culturecoop.reco.service import train

    with _open(db) as warehouse, console.status(_("Training the recommendation model…")):
        summary = train(warehouse)
    if as_json:
        emit_json(summary)
        return
    console.print(_("Model {model} trained on {people} people, {events} past events and {interactions} pooled attendances in {seconds} s.").format(
        model=summary["model_id"], people=figure(summary["people"]), events=figure(summary["events"]),
        interactions=figure(summary["interactions"]), seconds=figure(summary["seconds"], 1)))


def _print_audience(summary: dict[str, Any]) -> None:
    """An audience's gated size and profile in the reader's words: « Âge : 35 à 54 ans 251, … »."""
    from culturecoop.analytics.wording import PROFILE_CODES, colon, label, number
    from culturecoop.i18n import current_language
    from culturecoop.privacy.gate import HIDDEN

    language = current_language()

    def shown(row: dict[str, Any]) -> str:
        if row["patrons"] is not None:
            return number(row["patrons"], language)
        return _("hidden") if row["shown"] == HIDDEN else gated(str(row["shown"]))

    size = number(summary["size"], language) if summary["size"] is not None else gated(summary["size_shown"])
    console.print(_("Audience {audience} \"{name}\" ({kind}): {size} people.").format(
        audience=summary["audience_id"], name=summary["name"], kind=label("audience_kind", summary["kind"], language),
        size=size), highlight=False)
    asked = (summary.get("definition") or {}).get("asked")
    if asked is not None:
        console.print("  " + _("You asked for {asked} people: an event's audience goes by whole blocks of {k} people, so "
                               "that two audiences never tell one person apart by their difference.").format(
            asked=number(int(asked), language), k=figure(summary["k"])), highlight=False)
    for dimension, rows in summary.get("profile", {}).items():
        codes = PROFILE_CODES.get(dimension, dimension)
        console.print(f"  [bold]{label('audience_dimension', dimension, language)}[/]{colon(language)}"
                      + ", ".join(f"{label(codes, r[dimension], language)} {shown(r)}" for r in rows), highlight=False)
    if any(r["patrons"] is None for rows in summary.get("profile", {}).values() for r in rows) and summary["size"] is not None:
        console.print("  " + _("Hidden: fewer than {k} people, or a group that would reveal one by difference with the total.").format(
            k=figure(summary["k"])), highlight=False)
    if summary.get("audit_id"):
        console.print(_("Recorded in the audit log as entry {seq}.").format(seq=summary["audit_id"]))


@reco_app.command("audience")
def audience_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member whose upcoming event it is."),
    event: str = typer.Option(..., "--event", help="The upcoming event (see `reco programme`)."),
    size: int = typer.Option(None, "--size", help="People in the audience (default: 3 per seat, at least 500)."),
    newcomers: bool = typer.Option(False, "--newcomers", help="Only people who never bought a ticket from you."),
    name: str = typer.Option(None, "--name", help="Name of the saved audience (default: the event's title)."),
    as_json: bool = typer.Option(False, "--json", help="Print the audience's gated size and profile as JSON."),
) -> None:
    """Save the likely audience of an upcoming event; only its gated size and profile are shown."""
    from culturecoop.reco.audiences import build_audience
    from culturecoop.reco.target import event_title

    with _open(db) as warehouse:
        title = event_title(warehouse, member, event)
        name = name or (_("New audiences for {event}") if newcomers else _("Audience of {event}")).format(event=title)
        summary = build_audience(warehouse, member_id=member, kind="event",
                                 params={"event": event, "size": size, "newcomers": newcomers}, name=name)
    emit_json(summary) if as_json else _print_audience(summary)


@reco_app.command("patrons")
def patrons_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="The member whose own patrons are listed."),
    k: int = typer.Option(5, "--k", help="Events per patron."),
    out: Path = typer.Option(None, "--out", help="CSV file to write (default: standard output)."),
) -> None:
    """Your own patrons who agreed to personalization → their likely next events, as CSV of your own ids."""
    from culturecoop.i18n import current_language
    from culturecoop.reco.cross import accepted_partners
    from culturecoop.reco.ids import patron_list_header, patron_list_row
    from culturecoop.reco.service import patron_lists
    from culturecoop.spreadsheet import spreadsheet_cell

    if k < 1:
        raise UserError(_("--k must be a positive whole number, e.g. --k 5."))
    if out is not None and (out.is_dir() or not out.parent.exists()):
        raise UserError(_("Cannot write {path}: give a file in an existing folder.").format(path=out))
    if out is not None:
        refuse_replacing(out, "--out", [(_("the warehouse (--db)"), db)])
    with _open(db) as warehouse:
        from culturecoop.reco.audiences import _check_member

        _check_member(warehouse, member)
        rows, lists = patron_lists(warehouse, member, k=k, partners=accepted_partners(warehouse, member))

    def write(handle: Any) -> None:
        writer = csv.writer(handle)
        writer.writerow(patron_list_header(current_language()))
        for row in rows:
            writer.writerow([spreadsheet_cell(v) for v in patron_list_row(row)])

    if out is None:
        write(sys.stdout)
    else:
        with atomic_file(out) as partial, partial.open("w", newline="", encoding="utf-8") as handle:
            write(handle)
        console.print(plural(len(rows), "{n} recommendation for {patrons} of your patrons written to {path}.", "{n} recommendations for {patrons} of your patrons written to {path}.").format(
            n=figure(len(rows)), patrons=figure(len({r["member_patron_id"] for r in rows})), path=out))
    if rows:
        _print_lists(lists)


def _print_lists(lists: dict[str, Any]) -> None:
    """What the lists are like, on the terminal (the CSV stays the list alone)."""
    from culturecoop.i18n import current_language
    from culturecoop.reco.insights import lists_finding

    said = lists_finding(lists)
    if said is not None:
        console.print(said.text(current_language()), highlight=False)


@reco_app.command("ids")
def ids_command(
    recommendations: Path = typer.Argument(..., help="The CSV written by `reco patrons`."),
    export: Path = typer.Option(..., "--export", help="Your own export holding your customer ids (the file you prepared: CSV, Excel, JSON)."),
    member: str = typer.Option(..., "--member", help="Your member id (as in your packages)."),
    keys: Path = typer.Option(..., "--keys", help="Folder with your linkage secret."),
    out: Path = typer.Option(..., "--out", help="CSV to write, with your own customer ids."),
    id_column: str = typer.Option(None, "--id-column", help="Column of the export that prepare used as patron id (default: the one whose ids match the list, e.g. a customer number or the e-mail)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of a CSV export that is neither UTF-8 nor Windows-1252 / Latin-1 (those are recognized)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """On your machine: put your own customer ids back into a `reco patrons` list."""
    from culturecoop.i18n import current_language
    from culturecoop.reco.ids import map_back, recommendation_table
    from culturecoop.spreadsheet import spreadsheet_cell

    if out.is_dir() or not out.parent.exists():
        raise UserError(_("Cannot write {path}: give a file in an existing folder.").format(path=out))
    refuse_replacing(out, "--out", [(_("the `reco patrons` list"), recommendations), (_("your export (--export)"), export),
                                    (_("the keys folder (--keys)"), keys)])
    rows, unmatched, column = map_back(recommendations, export, member, keys, id_column=id_column, encoding=encoding)
    with atomic_file(out) as partial, partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        header, table = recommendation_table(rows, current_language())
        writer.writerow(header)
        writer.writerows([[spreadsheet_cell(v) for v in row] for row in table])
    summary = {"rows": len(rows), "unmatched": unmatched, "out": str(out), "id_column": column}
    if as_json:
        emit_json(summary)
        return
    # « 0 jetons ne correspondent »: the tokens' count agrees with its noun, and none is said as none.
    tokens = (_("every token matches an id of the export") if not unmatched else
              counted(unmatched, "{n} token matches no id of the export", "{n} tokens match no id of the export"))
    console.print(plural(len(rows), "{n} row written to {path} with your own ids ({tokens}).",
                         "{n} rows written to {path} with your own ids ({tokens}).").format(
        n=figure(len(rows)), path=out, tokens=tokens))
    console.print(_("Ids taken from the column {column} of your export.").format(column=column), highlight=False)


@reco_app.command("cross-offers")
def cross_offers_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Your member id."),
    propose: str = typer.Option(None, "--propose", help="Propose a cross offer to this member."),
    accept: str = typer.Option(None, "--accept", help="Accept the cross-offer proposal with this id."),
    decline: str = typer.Option(None, "--decline", help="Decline the cross-offer proposal with this id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Partners and their upcoming shows ranked by how well they fit your audience against chance (from gated counts), and cross-offer agreements."""
    from culturecoop.reco import cross

    if sum(x is not None for x in (propose, accept, decline)) > 1:
        raise UserError(_("Give at most one of --propose, --accept and --decline."))
    from culturecoop.governance.uploads import member_names

    with _open(db) as warehouse:
        names = member_names(warehouse)
        if propose:
            result: dict[str, Any] = cross.propose(warehouse, member, propose)
        elif accept or decline:
            result = cross.decide(warehouse, member, accept or decline, accept is not None)
        else:
            result = cross.cross_offers(warehouse, member)
    if as_json:
        emit_json(result)
        return
    _print_cross_offers(result, names)


def _print_cross_offers(result: dict[str, Any], names: dict[str, str]) -> None:
    """Partners and their events by name, date and gated count, in the reader's words."""
    from culturecoop.analytics.wording import label, moment
    from culturecoop.i18n import current_language

    language = current_language()
    if "events" not in result:
        console.print(_("Cross offer {agreement} between {proposer} and {partner}: {status}.").format(
            agreement=result["agreement_id"], proposer=names.get(result["proposer"], result["proposer"]),
            partner=names.get(result["partner"], result["partner"]), status=label("agreement", result["status"], language)),
            highlight=False)
        return
    from culturecoop.analytics.wording import percent, times
    from culturecoop.reco.cross import DIRECTIONS, leading_events

    k = result["k"]
    # Each direction: « vos clients 2,4 × le hasard (57) », or « moins de 10 de vos clients » when hidden.
    said = {DIRECTIONS[0]: (_("your patrons {fit} × chance ({n})"), _("{n} of your patrons"), _("fewer than {k} of your patrons")),
            DIRECTIONS[1]: (_("its patrons {fit} × chance ({n})"), _("{n} of its patrons"), _("fewer than {k} of its patrons"))}

    def in_words(direction: str, fit: float | None, shown: str | None) -> str:
        with_fit, alone, hidden = said[direction]
        if shown is None or not shown.isdigit():
            return hidden.format(k=k)
        return alone.format(n=gated(shown)) if fit is None else with_fit.format(fit=times(fit, language), n=gated(shown))

    if result["partners"] or result["events"]:
        # What the figure means, once: a ratio to chance reads as nothing without it.
        share = percent(float(result.get("fit_share") or 0.1), language, 0)
        console.print(_("Against chance: among the {share} of the cooperative's people most likely to come to a show, how many times as "
                        "many of your patrons as chance would put there (1 = as chance: {share} of your countable patrons).").format(share=share),
                      highlight=False)
    for p in result["partners"]:
        fits, patrons = p.get("fit") or {}, p.get("fit_patrons_shown") or {}
        mine, theirs = (in_words(d, fits.get(d), patrons.get(d)) for d in DIRECTIONS)
        console.print(_("{partner}: for its shows, {mine}; for yours, {theirs}.").format(
            partner=names.get(p["partner"], p["partner"]), mine=mine, theirs=theirs), highlight=False)
    if result["events"]:
        console.print(_("Partners' upcoming events that fit your audience best (your patrons among the people most likely to come, against chance):"))
    for e in leading_events(result["events"]):
        when = moment(e["starts_at"], language) if e.get("starts_at") else ""
        figure_shown = (_("{fit} × chance ({n})").format(fit=times(e["fit"], language), n=gated(e["fit_patrons_shown"]))
                        if e.get("fit") is not None else gated(e.get("fit_patrons_shown") or f"< {k}"))
        console.print(f"  {names.get(e['partner'], e['partner'])} · {e['title'] or e['event_id']} · {when} — {figure_shown}",
                      highlight=False)


@reco_app.command("settings")
def settings_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    diversity: float = typer.Option(None, "--diversity", help="Diversity knob, 0 (model order) to 1."),
    boost: float = typer.Option(None, "--boost", help="Local and francophone floor, in points above the catalogue's share."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show or set the cooperative's discoverability defaults (cooperative admin)."""
    from culturecoop.analytics.service import default_actor
    from culturecoop.reco.service import current_settings, set_settings

    with _open(db) as warehouse:
        settings = (set_settings(warehouse, default_actor(), diversity, boost)
                    if diversity is not None or boost is not None else current_settings(warehouse))
    if as_json:
        emit_json(settings.to_json())
        return
    from culturecoop.analytics.wording import decimal
    from culturecoop.i18n import current_language

    language = current_language()
    console.print(plural_of(settings.boost, 0 if float(settings.boost).is_integer() else 2,
                            "Diversity {diversity}; local and francophone floor: catalogue share + {boost} point.",
                            "Diversity {diversity}; local and francophone floor: catalogue share + {boost} points.").format(
        diversity=decimal(settings.diversity, language), boost=decimal(settings.boost, language)), highlight=False)


@reco_app.command("quality")
def quality_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Does an audience list find the people who come? Measured on the cooperative's recent events, set aside as if upcoming."""
    from rich.table import Table

    from culturecoop.analytics.wording import percent
    from culturecoop.i18n import current_language
    from culturecoop.reco.gains import audience_gains
    from culturecoop.reco.insights import gains_basis, gains_findings

    with _open(db) as warehouse:
        measured = audience_gains(warehouse)
    if as_json:
        emit_json(measured)
        return
    if not measured["available"]:
        raise UserError(measured["reason"])
    language = current_language()
    console.print(gains_basis(measured).text(language), highlight=False)
    table = Table(_("Share of the cooperative's people on the list"), _("Share of those who came found"),
                  _("With people drawn at random"))
    for point in measured["curve"]:
        if 0 < point["share"] < 1:
            table.add_row(percent(point["share"], language, 0), percent(point["found"], language, 0),
                          percent(point["share"], language, 0))
    console.print(table)
    for finding in gains_findings(measured):
        console.print("- " + finding.text(language), highlight=False)


@reco_app.command("evaluate")
def evaluate_command(
    interactions: Path = typer.Option(None, "--interactions", help="CSV user_id,item_id,timestamp (ISO 8601 or Unix seconds)."),
    items: Path = typer.Option(None, "--items", help="CSV item_id plus optional first_available and any feature columns (lists split by |)."),
    cutoff: str = typer.Option(None, "--cutoff", help="Temporal cold-start split: items first available after this date are the test catalogue."),
    test_items: Path = typer.Option(None, "--test-items", help="Item cold-start split: these items (one id per line) are held out."),
    k: int = typer.Option(10, "--k", help="Length of the ranked lists."),
    synth: Path = typer.Option(None, "--synth", help="A folder written by `culturecoop synth`: its upcoming season is the test."),
    plot: Path = typer.Option(None, "--plot", help="PNG file for the accuracy–diversity trade-off chart."),
    diversity: float = typer.Option(None, "--diversity", help="Diversity knob of the re-ranking (default: the cooperative's default)."),
    no_lightfm: bool = typer.Option(False, "--no-lightfm", help="Skip the LightFM reference (it takes the longest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Evaluate the cold-start model against baselines on any interaction log (or on synth)."""
    from culturecoop.reco import evaluate as ev
    from culturecoop.reco.rerank import DEFAULT_DIVERSITY

    if plot is not None and (plot.is_dir() or not plot.parent.exists() or plot.suffix.lower() != ".png"):
        raise UserError(_("--plot needs a .png file in an existing folder, e.g. --plot tradeoff.png."))
    if plot is not None:
        from culturecoop.files import check_writable

        check_writable(plot)  # before the evaluation's minutes, not after them
    knob = DEFAULT_DIVERSITY if diversity is None else diversity
    if not 0 <= knob <= 1:
        raise UserError(_("--diversity must be between 0 (the model's order) and 1; the default is {default}.").format(default=general(DEFAULT_DIVERSITY)))
    from culturecoop.reco.table_files import copies_removed_after

    # The log's converted copies (decompressed, recoded) go when the evaluation ends, Ctrl-C included.
    with copies_removed_after(), console.status(_("Evaluating…")) as status:
        def progress(stage: str, done: int, total: int) -> None:
            status.update(_evaluation_stage(stage, done, total))
        if synth is not None:
            if interactions is not None:
                raise UserError(_("Give either --synth DIR or --interactions FILE, not both."))
            report = ev.run_synth(synth, k, with_lightfm=not no_lightfm, diversity=knob, progress=progress)
        else:
            if interactions is None:
                raise UserError(_("Give the log to evaluate with --interactions FILE.csv (or a synth folder with --synth DIR)."))
            report = ev.run(interactions, items, cutoff=cutoff, test_items=test_items, k=k,
                            with_lightfm=not no_lightfm, diversity=knob, progress=progress)
    if plot is not None:
        from culturecoop.reco.chart import tradeoff_png

        tradeoff_png(report, plot)
        report["plot"] = str(plot)
    if as_json:
        emit_json(report)
        return
    _print_evaluation(report)


def _evaluation_stage(stage: str, done: int, total: int) -> str:
    """The line a reader sees while ``reco evaluate`` runs (a large log takes an hour)."""
    from culturecoop.analytics.wording import number
    from culturecoop.i18n import current_language

    if stage.startswith("train:"):
        model = _model_label(stage.partition(":")[2])
        if total:
            return _("Training: {model}, part {part} of {parts}…").format(model=model, part=figure(done + 1),
                                                                           parts=figure(total))
        return _("Training: {model}…").format(model=model)
    if stage == "score":
        language = current_language()
        return _("Scoring the test users: {done} of {total} ({share} %)…").format(
            done=number(done, language), total=number(total, language), share=number(100 * done / max(total, 1), language))
    return {"read": _("Reading the files…"), "split": _("Splitting the log…"),
            "metrics": _("Computing the figures…")}.get(stage, _("Evaluating…"))


def _model_label(name: str) -> str:
    """A model's name as the reader reads it (the JSON keeps the identifiers)."""
    labels = {"random": _("random"), "genre_popularity": _("genre popularity"), "content_knn": _("content kNN"),
              "hybrid": _("hybrid"), "hybrid_discoverability": _("hybrid + discoverability"), "lightfm": "LightFM",
              "als": "ALS"}
    return labels.get(name, name)


# A column of the printed evaluation: its header, and the cell it shows for a model's figures.
_Figure = tuple[str, Callable[[dict[str, Any]], str]]


def _print_evaluation(report: dict[str, Any]) -> None:
    from babel.numbers import format_decimal, format_percent
    from rich.markup import escape
    from rich.table import Table

    from culturecoop.analytics.wording import colon
    from culturecoop.i18n import current_language

    locale = "fr_CA" if current_language() == "fr" else "en_CA"

    def num(value: float, digits: int = 4) -> str:
        return str(format_decimal(value, format="0." + "0" * digits, locale=locale))

    def pct(value: float) -> str:
        return str(format_percent(value, format="#,##0.0 %", locale=locale))

    k = report["k"]
    # A log of one person is evaluated too: « 1 test users » read wrong.
    title = (_("Cold-start evaluation at k = {k} ({protocol} split; 1 test user, {items} test items)")
             if report["test"]["users"] == 1 else
             _("Cold-start evaluation at k = {k} ({protocol} split; {users} test users, {items} test items)")).format(
        k=k, protocol=_("temporal") if report["protocol"] == "temporal" else _("item"),
        users=figure(report["test"]["users"]), items=figure(report["test"]["items"]))
    # Two tables of at most five figures each: each fits an 80-column terminal in either language,
    # so no figure is ever cut short ("0.22…"); the model's name may wrap, a number never does.
    accuracy: tuple[_Figure, ...] = (("nDCG", lambda m: num(m["ndcg"]["mean"])),
                (_("95% CI"), lambda m: f"{num(m['ndcg']['low'])}–{num(m['ndcg']['high'])}"),
                (_("precision"), lambda m: num(m["precision"])), (_("recall"), lambda m: num(m["recall"])))
    others: tuple[_Figure, ...] = (("MAP", lambda m: num(m["map"])), ("AUC", lambda m: num(m["auc"]) if "auc" in m else ""),
              (_("coverage"), lambda m: num(m["coverage"], 3)), ("Gini", lambda m: num(m["gini"], 3)),
              (_("novelty"), lambda m: num(m["novelty"], 2)))
    for caption, columns in ((title, accuracy), (_("The same lists: MAP, AUC, coverage of the catalogue, Gini of exposure, novelty"), others)):
        table = Table(title=caption, title_justify="left")
        table.add_column(_("model"), ratio=1)
        for header, _value in columns:
            table.add_column(header, no_wrap=True, justify="right")
        for name, m in report["models"].items():
            cells = [value(m) for _header, value in columns] if "ndcg" in m else ["–"] + [""] * (len(columns) - 1)
            table.add_row(_model_label(name), *cells)
        console.print(table)
    for name, m in report["models"].items():
        if "reason" in m:
            # « ALS : … » in French (a « {model}: {reason} » message id would match any sentence with a colon
            # when the web reads a refusal back in its reader's language).
            console.print("[dim]" + escape(_model_label(name) + colon(current_language()) + str(m["reason"])) + "[/]",
                          highlight=False)
    for warning in report.get("warnings", []):
        console.print(f"[yellow]{escape(warning)}[/]", highlight=False)
    choices = report.get("hybrid") or {}
    if "members" in choices and "ranking_share" in choices:
        # Items held out at random: the committee, and what its folds chose.
        console.print(_("Hybrid: a committee of {n} blends and a ranking factorization ({share} of the score); lists diversified at {diversity}, the median its members chose on their folds ({each}).").format(
            n=figure(len(choices["members"])), share=pct(choices["ranking_share"]), diversity=num(choices["diversity"], 2),
            each=", ".join(num(m["diversity"], 2) for m in choices["members"])))
    floor = report["models"].get("hybrid", {}).get("exposure_floor")
    if floor:
        hybrid = report["models"]["hybrid"]
        console.print(plural(
            floor["lists_changed"],
            "Exposure floor: {n} list gave its last place to an item in no list; coverage {before} → {after}, nDCG {ndcg_before} → {ndcg}.",
            "Exposure floor: {n} lists gave their last place to an item in no list; coverage {before} → {after}, nDCG {ndcg_before} → {ndcg}.").format(
            n=figure(floor["lists_changed"]), before=pct(floor["coverage_before"]), after=pct(hybrid["coverage"]),
            ndcg_before=num(floor["ndcg_before"]), ndcg=num(hybrid["ndcg"]["mean"])))
    d = report["discoverability"]
    # A negative loss is a gain (the re-ranking can lift nDCG): said as such, never "loss -6.5 %".
    sentence = (plural_of(d["boost"], 0, "Discoverability default (diversity {diversity}, floor +{boost} point): nDCG loss {loss}.",
                          "Discoverability default (diversity {diversity}, floor +{boost} points): nDCG loss {loss}.")
                if d["ndcg_loss"] >= 0 else
                plural_of(d["boost"], 0, "Discoverability default (diversity {diversity}, floor +{boost} point): nDCG gain {loss}.",
                          "Discoverability default (diversity {diversity}, floor +{boost} points): nDCG gain {loss}."))
    console.print(sentence.format(diversity=num(d["diversity"], 1), boost=num(d["boost"], 0), loss=pct(abs(d["ndcg_loss"]))))
    for flag in ("local", "francophone"):
        if f"{flag}_share" in d:
            gain = d[f"{flag}_gain_points"]
            console.print(plural_of(gain, 1, "  {flag}: {share} of the top {k} against {catalogue} of the catalogue ({gain} point).",
                                    "  {flag}: {share} of the top {k} against {catalogue} of the catalogue ({gain} points).").format(
                flag=_(flag), share=pct(d[f"{flag}_share"]), k=k, catalogue=pct(d[f"{flag}_catalogue_share"]),
                gain=("+" if gain >= 0 else "") + num(gain, 1)))


@audiences_app.command("create")
def audiences_create(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member building the audience."),
    name: str = typer.Option(..., "--name", help="Name of the audience."),
    event: str = typer.Option(None, "--event", help="Likely audience of this upcoming event."),
    segment: str = typer.Option(None, "--segment", help="Your own patrons in this segment (regulars, explorers, big_spenders, newcomers, fading, occasional)."),
    genre: str = typer.Option(None, "--genre", help="Fans of this genre at other members (pooled)."),
    lapsed: int = typer.Option(None, "--lapsed", help="Your own patrons with no visit in this many months."),
    size: int = typer.Option(None, "--size", help="Event audiences: number of people."),
    newcomers: bool = typer.Option(False, "--newcomers", help="Event audiences: only people who never bought a ticket from you."),
    as_json: bool = typer.Option(False, "--json", help="Print the audience id and gated size as JSON."),
) -> None:
    """Build and save an audience; you see its gated size and profile, never who is in it."""
    from culturecoop.analytics.wording import SEGMENTS
    from culturecoop.cli.code_words import read_code
    from culturecoop.reco.audiences import build_audience

    chosen_segment = read_code(segment, SEGMENTS)  # « habitués », "Big spenders" as well as the codes
    chosen = [(kind, value) for kind, value in (("event", event), ("segment", chosen_segment), ("genre", genre), ("lapsed", lapsed)) if value is not None]
    if len(chosen) != 1:
        raise UserError(_("Give exactly one of --event, --segment, --genre and --lapsed."))
    kind, value = chosen[0]
    if size is not None and kind != "event":
        raise UserError(_("--size sets the number of people of an event audience (--event); a {kind} audience is "
                          "everyone who fits it: leave --size out.").format(kind=f"--{kind}"))
    if newcomers and kind != "event":
        raise UserError(_("--newcomers keeps the people new to you in an event audience (--event); a {kind} audience "
                          "is made of your own patrons or of fans elsewhere: leave --newcomers out.").format(kind=f"--{kind}"))
    params: dict[str, Any] = {"months": value} if kind == "lapsed" else {kind: value}
    if size is not None:
        params["size"] = size
    if newcomers:
        params["newcomers"] = True
    with _open(db) as warehouse:
        summary = build_audience(warehouse, member_id=member, kind=kind, params=params, name=name)
    emit_json(summary) if as_json else _print_audience(summary)


@audiences_app.command("list")
def audiences_list(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member whose audiences to list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The member's saved audiences with their gated sizes."""
    from culturecoop.reco.audiences import list_audiences

    with _open(db) as warehouse:
        rows = list_audiences(warehouse, member)
    if as_json:
        emit_json({"member_id": member, "audiences": rows, "count": len(rows)})
        return
    if not rows:
        console.print(_("Member {member} has no saved audience yet; build one with `culturecoop audiences create`.").format(member=member))
    if rows:
        console.print(_audiences_table(rows))


def _audiences_table(rows: list[dict[str, Any]]) -> Any:
    """Saved audiences as a table in the reader's words: kind by name, size and day as they write them."""
    from rich.table import Table

    from culturecoop.analytics.wording import day, label, number
    from culturecoop.i18n import current_language

    language = current_language()
    table = Table(show_header=True, header_style="bold")
    # The id whole (it is what `audiences show` and campaigns take); the other columns wrap.
    table.add_column(_("Audience"), no_wrap=True, min_width=max(len(r["audience_id"]) for r in rows))
    for header, justify in ((_("Name"), "left"), (_("Kind"), "left"), (_("People"), "right"), (_("Saved on"), "left")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        size = number(r["size"], language) if r.get("size") is not None else gated(r["size_shown"])
        table.add_row(r["audience_id"], r["name"], label("audience_kind", r["kind"], language), size,
                      day(r["created_at"][:10], language))
    return table


@audiences_app.command("show")
def audiences_show(
    audience: str = typer.Argument(..., help="Audience id (see `audiences list`)."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(..., "--member", help="Member the audience belongs to."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Gated size and profile of one of your audiences (audited)."""
    from culturecoop.reco.audiences import audience_summary

    with _open(db) as warehouse:
        summary = audience_summary(warehouse, member, audience)
    emit_json(summary) if as_json else _print_audience(summary)
