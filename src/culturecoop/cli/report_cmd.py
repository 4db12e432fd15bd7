"""`culturecoop report`, `export-lake`, `privacy` and `audit`: analytics and their governance."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from culturecoop.analytics import REPORTS, ReportResult, refresh, run_report
from culturecoop.analytics.insights import key_figure_comparison
from culturecoop.analytics.period import parse_day
from culturecoop.analytics.registry import report_spec
from culturecoop.analytics.wording import (
    colon,
    column_label,
    day,
    label,
    moment,
    money,
    month,
    number,
    percent,
    points,
    signed_percent,
    summary_label,
    summary_value,
)
from culturecoop.cli.app import app, console, emit_json, figure, print_table, report_out
from culturecoop.cli.budget_words import period_word, read_period, this_period
from culturecoop.cli.report_words import (
    AUDIT_ACTIONS,
    AUDIT_RELEASES,
    PLAIN_HEADERS,
    PLAIN_MEANINGS,
    PLAIN_SUMMARY,
    PLAIN_WORDS,
)
from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language, day_words, general, gettext_in, plural
from culturecoop.privacy import audit
from culturecoop.privacy.budget import budget_status
from culturecoop.privacy.gate import set_policy
from culturecoop.privacy.policy import current_policy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.lake import export_lake
from culturecoop.warehouse.sql_engine import SparkEngine, SqlEngine

MAX_ROWS = 30


def _is_share(column: str) -> bool:
    """Columns holding a part of a whole (``share``, ``share_of_audience``, ``rest_share``, ``return_rate``)."""
    return (column == "share" or column.startswith("share_") or column.endswith(("_share", "_rate")) or "_share_" in column
            or "_rate_" in column)  # return_rate_6_months


_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
_ISO_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# Figures that are amounts of money, as a column or as a key figure's code (``metric``, ``figure``).
MONEY = ("revenue", "average_basket", "revenue_per_patron", "average_price", "price", "unit_price")
# Columns whose values are codes, and the kind of each (``wording.label``): printed in words.
CODES = {"genre": "genre", "from_genre": "genre", "to_genre": "genre", "segment": "segment", "dimension": "dimension",
         "band": "band", "recency": "band", "frequency": "band", "kind": "member_kind", "distance": "distance",
         "direction": "direction", "age_band": "age_band", "metric": "metric", "figure": "figure"}
# The same, for a column whose codes depend on its table (``elsewhere``'s ``value``).
TABLE_CODES = {("genres", "value"): "genre", ("kinds", "value"): "member_kind"}
# A code column left out where the table names the same thing in words (the codes stay in --json).
NAMED_BY = {"genre": "label", "value": "label", "metric": "label", "figure": "label", "from_genre": "from_label",
            "to_genre": "to_label", "other_member": "name"}
# Ratios against a reference (printed « 2,28 × »), chances (« < 0,001 »), changes of a share in
# points per month (a trend's slope) and an overlap index (a share of the people in either audience).
TIMES = frozenset({"lift", "lift_vs_rest", "ci_low", "ci_high", "multiplier"})
CHANCES = frozenset({"p_value", "q_value"})
SHARES = frozenset({"jaccard"})


def _is_money(column: str) -> bool:
    """An amount, the same a year or a period before included (« Recettes un an plus tôt » read
    « 958,5 » beside « 4 622,50 $ »)."""
    base = re.sub(r"_(?:year_before|previous)$", "", column)
    return base in MONEY or base.endswith("_revenue")


def _format(value: Any, column: str = "", currency: str | None = None) -> str:
    """A cell as the reader writes numbers: `12 345,5` in French, `12,345.5` in English; a share
    as a percentage (`17,9 %`); an amount in ``currency`` when given (`160 969,25 $`)."""
    from babel.numbers import format_decimal, format_percent

    language = current_language()
    locale = "fr_CA" if language == "fr" else "en_CA"
    if value is None:
        return "–"
    # Days and months as the reader writes them (reports give them ISO: 2024-12-26, 2024-12).
    if isinstance(value, datetime):
        return moment(value, language)
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return moment(value, language)
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return day(value, language)
    if isinstance(value, str) and _ISO_MONTH.fullmatch(value):
        return month(value, language)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if currency and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return money(value, language, currency)
    if isinstance(value, float) and _is_share(column) and 0 <= value <= 1:
        return str(format_percent(value, format="#,##0.0 %", locale=locale))
    if isinstance(value, float):
        return str(format_decimal(value, format="#,##0.####" if abs(value) < 1000 else "#,##0.00", locale=locale))
    if isinstance(value, int):
        return str(format_decimal(value, locale=locale))
    return str(value)


def _cells(row: dict[str, Any], columns: Sequence[Any], hidden_label: str, currency: str, table: str = "") -> list[str]:
    """A report row as printed: each column's value, or ``hidden_label`` where the gate suppressed it.
    A key figure's row (its code in ``metric`` or ``figure``) is written as that figure is: an
    amount with its currency, a share as a percentage; its change as a signed percentage. Codes
    (a genre, a segment, a band) are written in words, ratios as « 2,28 × »."""
    hidden = set(row.get("suppressed", []))
    figure = str(row.get("metric") or row.get("figure") or "")

    def shown(name: str) -> str:
        value = row.get(name)
        language = current_language()
        kind = CODES.get(name) or TABLE_CODES.get((table, name))
        if kind is not None and isinstance(value, str):
            return label(kind, value, language, currency)
        if name in TIMES and isinstance(value, int | float):
            return number(value, language, 2) + "\u00a0×"
        if name in CHANCES and isinstance(value, int | float):
            return f"< {number(0.001, language, 3)}" if value < 0.001 else number(value, language, 3)
        if name in SHARES and isinstance(value, float):
            return percent(value, language)
        # A trend's change and slope are changes of a share: points (+13,0 pts), never a bare 0,1298.
        if name == "slope_per_month" or (name == "change" and "first_share" in row):
            return points(value, language) if isinstance(value, int | float) else _format(value)
        if name == "index" and isinstance(value, int | float):
            return number(value, language)
        if name == "change" and figure and isinstance(value, float):
            now, before = row.get("this_period"), row.get("previous_period")
            if _is_share(figure) and isinstance(now, float) and isinstance(before, float):
                return points(now - before, current_language())  # 35,8 % after 82,5 % is −46,8 pts
            return signed_percent(value, current_language(), 1)
        if figure and name in ("this_period", "previous_period", "yours", "peers"):
            if figure in MONEY:
                return _format(value, name, currency)
            return _format(value, figure)
        return _format(value, name, currency if _is_money(name) else None)

    return [hidden_label if c.name in hidden else shown(c.name) for c in columns]


# Summary figures that are a chance, or a change against a reference, though their code says neither.
SUMMARY_PERCENT = frozenset({"sellout_probability", "track_record_error"})
SUMMARY_CHANGE = frozenset({"pace_vs_comparables"})


def _summary_cell(code: str, value: Any, currency: str) -> str:
    """A report summary's figure as read: a code in words (a genre, a basis), a chance as a
    percentage, a change signed, the rest as any cell."""
    language = current_language()
    words = summary_value(code, value, language)
    if words is not None:
        return words
    if code in SUMMARY_PERCENT and isinstance(value, int | float):
        return percent(value, language)
    if code in SUMMARY_CHANGE and isinstance(value, int | float):
        return signed_percent(value, language, 1)
    return _format(value, code, currency if code in MONEY else None)


def _print_result(result: ReportResult) -> None:
    """The report on standard output, as a person reads it: names, not codes; each table's columns
    explained under it, the summary, the notes. Codes and raw figures are in --json."""
    hidden = f"< {figure(result.k)}"
    language = current_language()
    notes = list(result.notes)
    if result.report == "overview":  # as the dashboard: no period before that would read as a whole one
        compared = key_figure_comparison({"params": result.params, "coverage": result.coverage})
        if compared.note:
            notes.insert(0, _(compared.note))
    for table in result.tables:
        present = {c.name for c in table.columns}
        rows, left_out = table.rows[:MAX_ROWS], set()
        if result.report == "overview" and table.name == "overview":
            rows = [{**row, "change": row.get("change") if compared.change_shown(str(row.get("metric"))) else None}
                    for row in rows]
            left_out = {"previous_period", "change"} if not compared.previous else set() if compared.changes else {"change"}
        columns = [c for c in table.columns if NAMED_BY.get(c.name) not in present and c.name not in left_out]
        names = [c.name for c in columns]
        headers = [_header(c, language, table.name) for c in columns]
        # A name printed for its code takes the code's header when its own is the generic « Nom »
        # (a genre's name reads « Genre », a kind of member's « Type de membre »).
        for code in table.columns:
            named = NAMED_BY.get(code.name)
            if named in names and headers[names.index(named)] == column_label(named, language):
                headers[names.index(named)] = _header(code, language, table.name)
        cells = [_cells(row, columns, hidden, result.currency, table.name) for row in rows]
        # What a row is about: its names ("label", or "from_label" and "to_label"), else an event's
        # title and day, else its first column.
        keys = tuple(n for n, name in enumerate(names) if name == "label" or name.endswith("_label"))
        if not keys and {"title", "event_day"} <= set(names):
            keys = (names.index("title"), names.index("event_day"))
        print_table(table.title + (" — " + _("cross-member aggregate") if table.pooled else ""), headers, cells,
                    keys=keys or (0,), to=report_out)
        if len(table.rows) > MAX_ROWS:
            report_out.print(plural(len(table.rows) - MAX_ROWS, "… {n} more row (use --json for all of them)", "… {n} more rows (use --json for all of them)").format(n=figure(len(table.rows) - MAX_ROWS)))
        for header, column in zip(headers, columns, strict=True):
            plain = PLAIN_MEANINGS.get((table.name, column.name)) or PLAIN_WORDS.get(column.name, ("", ""))[1]
            meaning = gettext_in(plain, language) if plain else column.meaning
            if column.name == "change" and "metric" in present:  # a fraction in --json; printed in % or points
                meaning = _("Change against the previous period, in percent (a share's, in percentage points)")
            if meaning.strip().casefold() != header.strip().casefold():  # never « Segment: Segment »
                report_out.print(f"  [bold]{escape(header)}[/]{colon(language)}{escape(meaning)}", highlight=False)
    if result.summary:
        report_out.print(", ".join(f"{gettext_in(PLAIN_SUMMARY[k], language) if k in PLAIN_SUMMARY else summary_label(k, language)}"
                                   f"{colon(language)}{_summary_cell(k, v, result.currency)}"
                                   for k, v in result.summary.items()),
                         highlight=False)
    for note in notes:
        report_out.print(f"[dim]{escape(_days_in_words(note, language))}[/]", highlight=False)
    if result.audit_id is not None:
        report_out.print(_("Recorded in the audit log as entry {seq} (ε spent: {epsilon}).").format(
            seq=result.audit_id, epsilon=general(result.epsilon_spent)))


def _header(column: Any, language: str, table: str) -> str:
    """A column's header in the reader's words: a statistic's plain words, else its own, else its name in
    ``table``."""
    return column_header(column.name, language, table, column.header)


def column_header(code: str, language: str, table: str, own: str | None = None) -> str:
    """The header ``report`` prints for the column ``code`` of ``table``: a statistic in the dashboard's
    words (``PLAIN_HEADERS``, ``PLAIN_WORDS``), else the column's ``own`` header, else its usual name."""
    plain = PLAIN_HEADERS.get((table, code)) or PLAIN_WORDS.get(code, (None, ""))[0]
    if plain is not None:
        return gettext_in(plain, language)
    return gettext_in(own, language) if own else column_label(code, language, table)


def _days_in_words(note: str, language: str) -> str:
    """A report's note with its days as the reader writes them (« du 2 avr. 2023 au 31 mars 2024 »):
    the service writes them ISO, as the dashboard reads them back (``day`` keeps what it cannot read)."""
    return _ISO_DAY.sub(lambda found: day(found[0], language), note)


def _open(db: Path) -> Warehouse:
    return Warehouse(db, create=False)


@app.command("report")
def report_command(
    name: str = typer.Argument(..., help="Report: " + ", ".join(REPORTS) + "."),
    db: Path = typer.Option(..., "--db", help="Warehouse file (it also keeps the privacy policy, budgets and audit log)."),
    member: str = typer.Option(..., "--member", help="Member the report is for."),
    date_from: str = typer.Option(None, "--from", help="First day of the period, YYYY-MM-DD (default: 12 months before --to)."),
    date_to: str = typer.Option(None, "--to", help="Last day of the period, YYYY-MM-DD (default: the data's last sale)."),
    event: str = typer.Option(None, "--event", help="pace only: the upcoming event (default: the next one after --to)."),
    engine_name: str = typer.Option("duckdb", "--engine", help="duckdb (the warehouse) or spark (a lake, see export-lake)."),
    lake: Path = typer.Option(None, "--lake", help="Parquet lake written by `culturecoop export-lake` (with --engine spark)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON document."),
) -> None:
    """Run one audience report; cross-member figures pass the privacy gate and are audited."""
    if engine_name not in ("duckdb", "spark"):
        raise UserError(_("Unknown engine {engine}; use duckdb or spark.").format(engine=engine_name))
    if engine_name == "spark" and lake is None:
        raise UserError(_("--engine spark reads a Parquet lake: give --lake DIR (create it with `culturecoop export-lake`)."))
    if engine_name == "duckdb" and lake is not None:
        raise UserError(_("--lake is read with --engine spark; add --engine spark, or leave --lake out to read the "
                          "warehouse."))
    # Checked before Spark starts (it takes a minute): a typo is said at once, on either engine.
    spec = report_spec(name)
    if event is not None and "event" not in spec.extra_params:
        raise UserError(_("--event chooses the show of the sales pace (report pace); the report {name} takes none: "
                          "leave --event out.").format(name=name))
    first, last = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if first and last and first > last:
        raise UserError(_("The period starts on {start} after it ends on {end}; swap --from and --to.").format(
            start=first.isoformat(), end=last.isoformat()))
    params = {"from": date_from, "to": date_to, "event": event}
    with _open(db) as warehouse:
        engine: SqlEngine | Warehouse = warehouse
        spark: SparkEngine | None = None
        if engine_name == "spark":
            spark = SparkEngine(lake)
            engine = spark
        try:
            result = run_report(name, engine, member, params, warehouse=warehouse)
        finally:
            if spark is not None:
                spark.spark.stop()
    if as_json:
        emit_json(result.to_json())
    else:
        _print_result(result)


@app.command("export-lake")
def export_lake_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file to export."),
    lake: Path = typer.Option(..., "--lake", help="Folder to write the Parquet lake to (replaced if it is a lake)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Write the canonical tables as a Parquet lake, for reports with --engine spark."""
    with _open(db) as warehouse:
        exported = export_lake(warehouse, lake)
    if as_json:
        emit_json({"lake": str(exported.lake), "tables": exported.tables, "seconds": round(exported.seconds, 2)})
        return
    console.print(_("Lake {lake} written in {seconds} s: {tables}.").format(
        lake=exported.lake, seconds=figure(exported.seconds, 1),
        tables=", ".join(f"{_lake_table(t)} {figure(n)}" for t, n in exported.tables.items())))


def _lake_table(name: str) -> str:
    """A table of the lake by its name in the reader's language (the package's words where it has them)."""
    from culturecoop.ingest.words import PACKAGE_TABLES, say

    named = {"member": _("Members"), "identity": _("Linked patron records")}
    return named[name] if name in named else say(PACKAGE_TABLES, name, current_language())


@app.command("analytics-refresh")
def analytics_refresh_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Rebuild the derived tables the reports read (done automatically when the data changed)."""
    with _open(db) as warehouse:
        seconds = refresh(warehouse, force=True) or 0.0
    if as_json:
        emit_json({"warehouse": str(db), "seconds": round(seconds, 2)})
        return
    console.print(_("Derived analytics tables rebuilt in {seconds} s.").format(seconds=figure(seconds, 1)))


privacy_app = typer.Typer(help="The cooperative's privacy policy and the members' budgets.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("show")
def privacy_show(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(None, "--member", help="Also show this member's budget for the current period."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the privacy policy in force (and a member's budget)."""
    with _open(db) as warehouse:
        policy = current_policy(warehouse)
        if member:
            from culturecoop.analytics.service import check_member

            check_member(warehouse, member)
        status = budget_status(warehouse, member, policy) if member else None
    payload: dict[str, Any] = {"policy": policy.to_json()}
    if status:
        payload["budget"] = status.to_json()
    if as_json:
        emit_json(payload)
        return
    console.print(_("Minimum cell size k: {k}; noise: {noise}; ε per release: {epsilon}; budget: ε = {budget} per {period}.").format(
        k=figure(policy.min_patrons), noise=_("on") if policy.noise else _("off"), epsilon=general(policy.epsilon_per_release),
        budget=general(policy.epsilon_budget), period=period_word(policy.budget_period)))
    if status:
        console.print(_("Member {member}: ε spent {spent}, left {left} {period}, from {start} to {end}.").format(
            member=member, spent=general(status.epsilon_spent), left=general(status.epsilon_left),
            period=this_period(policy.budget_period, status.period_start),
            start=day_words(status.period_start), end=day_words(status.period_end)))


@privacy_app.command("set")
def privacy_set(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    k: int = typer.Option(None, "--k", help="Minimum distinct patrons in a cross-member cell."),
    noise: bool = typer.Option(None, "--noise/--no-noise", help="Add differential-privacy noise to cross-member counts."),
    epsilon: float = typer.Option(None, "--epsilon", help="ε charged per noisy release."),
    budget: float = typer.Option(None, "--budget", help="ε each member may spend per period."),
    period: str = typer.Option(None, "--period", help="Budget period: month, quarter or year."),
    actor: str = typer.Option("operator", "--by", help="Who makes the change (recorded in the audit log)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Change the privacy policy (recorded in the audit log)."""
    with _open(db) as warehouse:
        policy = set_policy(warehouse, actor, min_patrons=k, noise=noise, epsilon_per_release=epsilon,
                            epsilon_budget=budget, budget_period=read_period(period))
    if as_json:
        emit_json({"policy": policy.to_json()})
        return
    console.print(_("Privacy policy updated: k = {k}, noise {noise}, ε {epsilon} per release, budget {budget} per {period}.").format(
        k=figure(policy.min_patrons), noise=_("on") if policy.noise else _("off"), epsilon=general(policy.epsilon_per_release),
        budget=general(policy.epsilon_budget), period=period_word(policy.budget_period)))


audit_app = typer.Typer(help="The audit log of every use of pooled data.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("show")
def audit_show(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    member: str = typer.Option(None, "--member", help="Only entries about this member's data."),
    last: int = typer.Option(20, "--last", help="How many of the newest entries to show (0: all of them)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the newest audit entries (who, what, when, ε)."""
    if last < 0:
        raise UserError(_("--last must be zero (every entry) or a positive number of entries, e.g. --last 20."))
    with _open(db) as warehouse:
        found = audit.entries_for_member(warehouse, member) if member else audit.entries(warehouse)
        if member and not found:
            # A member that left keeps its entries; a name matching no entry and no member is a typo.
            from culturecoop.analytics.service import check_member

            check_member(warehouse, member)
    found = found[-last:] if last else found
    if as_json:
        emit_json([e.to_json() for e in found])
        return
    language = current_language()
    print_table(_("Audit log"), [_("Entry"), _("Recorded at"), _("By"), _("Member"), _("Action"), _("Report"), "ε"],
                [[figure(e.seq), moment(e.recorded_at, language), _audit_actor(e.actor),
                  _("every member") if e.member_id == "*" else e.member_id,
                  gettext_in(AUDIT_ACTIONS[e.action], language) if e.action in AUDIT_ACTIONS else e.action,
                  _audit_release(e.report or ""), general(e.epsilon)] for e in found])


def _audit_actor(actor: str) -> str:
    """Who wrote an entry, as the admin reads it: « ligne de commande (root) », an account's e-mail."""
    kind, _sep, who = actor.partition(":")
    if kind == "cli" and who:
        return _("command line ({user})").format(user=who)
    if kind == "web" and who:
        return who
    return {"operator": _("cooperative operator"), "member-app": _("member app")}.get(actor, actor)


def _audit_release(code: str) -> str:
    """What an entry released, by its title (« Chiffres clés », « Résultats de la campagne »)."""
    if code in REPORTS:
        return gettext_in(REPORTS[code].title, current_language())
    return gettext_in(AUDIT_RELEASES[code], current_language()) if code in AUDIT_RELEASES else code


@audit_app.command("verify")
def audit_verify(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    expect_head: str = typer.Option(None, "--expect-head", help="SEQ:HASH published earlier: the log must still contain it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check the hash chain of the audit log; exit 3 when an entry was changed or removed."""
    with _open(db) as warehouse:
        check = audit.verify_chain(warehouse)
        missing_head = False
        if expect_head and check.ok:
            seq_text, _sep, digest = expect_head.partition(":")
            if not seq_text.isdigit():
                raise UserError(_("--expect-head takes SEQ:HASH as printed by `culturecoop audit verify`."))
            kept = [e for e in audit.entries(warehouse) if e.seq == int(seq_text)]
            missing_head = not kept or kept[0].hash != digest
    payload = {"ok": check.ok and not missing_head, "entries": check.entries, "first_bad_seq": check.first_bad_seq,
               "head": f"{check.head_seq}:{check.head_hash}"}
    if as_json:
        emit_json(payload)
    if not check.ok:
        raise UserError(_("The audit log is broken at entry {seq}: an entry was changed, removed or inserted; restore the warehouse from a backup and investigate.").format(
            seq=check.first_bad_seq), exit_code=3)
    if missing_head:
        raise UserError(_("The audit log no longer contains the entry {head} published earlier: entries were removed from its end.").format(
            head=expect_head), exit_code=3)
    if not as_json:
        console.print(plural(check.entries, "Audit log intact: {n} entry; head {head}.", "Audit log intact: {n} entries; head {head}.").format(n=figure(check.entries), head=payload["head"]))
