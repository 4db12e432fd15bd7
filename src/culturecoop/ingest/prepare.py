"""``prepare``: an export on the member's machine becomes a contribution package.

map → parse → validate → split → pseudonymize → package, with every rejected row written to
a rejects file beside the package (never inside it: it holds raw lines with personal data).
Parsing, normalization and validation run as SQL in an in-memory DuckDB connection; only the
per-patron pseudonymization runs in Python. Row conservation holds by construction: every
source row lands in ``checked`` and is either accepted (no reason) or rejected (reasons).
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.files import partial_path
from culturecoop.i18n import _, count, plural
from culturecoop.ingest.consent import consent_record, consent_warnings
from culturecoop.ingest.guard import check_member_words, scan_checked
from culturecoop.ingest.jsondoc import is_document, record_lines
from culturecoop.ingest.lost_zeros import restored_values
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare_io import (
    PrepareSummary,
    RefundedAmounts,
    StepCallback,
    check_destinations,
    connect,
    default_rejects_path,
    write_guarded_package,
    write_rejects,
)
from culturecoop.ingest.profile import CANONICAL_FIELDS, Profile
from culturecoop.ingest.pseudonymize import pseudonymize_patrons
from culturecoop.ingest.quarantine import (
    DEFAULT_MAX_REJECT_SHARE,
    MAX_DROPPED_SHARE,
    cut_short_warnings,
    guard_dropped_fields,
    guard_quarantine,
    guard_rounded_identifiers,
    plausibility_warnings,
    unreadable_price_warnings,
)
from culturecoop.ingest.read import SourceInfo, header_only, read_source, translate_read_error
from culturecoop.ingest.refunded_amounts import unpaid_warnings
from culturecoop.ingest.repeats import refuse_repeated_rows
from culturecoop.ingest.rows import accept_unnamed, settle_rows
from culturecoop.ingest.shared_contacts import shared_contact_warnings
from culturecoop.ingest.source import refuse_header_again, refuse_rows_twice
from culturecoop.ingest.split import (
    build_consents,
    build_events,
    build_patrons,
    fetch_kept_rows,
    lookup_params,
    own_buyer_lines,
    own_buyer_names,
    ticket_table,
    unnamed_sale_table,
)
from culturecoop.ingest.title_boilerplate import TitleTrim, trim_title_boilerplate
from culturecoop.ingest.title_names import NamesWithheld, withhold_patron_names
from culturecoop.ingest.validate import RULES, check_rows
from culturecoop.privacy.encodings import keyed_token_sql, member_id_key, token_pads
from culturecoop.privacy.keys import MemberKeys, load_member_keys
from culturecoop.schema.model import CONSENT_PURPOSES

_PSEUDONYMIZER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pseudonymize")


def _reason_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(
        "SELECT r, count(*) FROM (SELECT unnest(reasons) AS r FROM checked) GROUP BY r"
    ).fetchall()
    found = {str(r): int(n) for r, n in rows}
    return {name: found[name] for name in RULES if name in found}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0] or 0)


@dataclass
class _Checked:
    """What checking the rows found (the ``checked`` table holds the rows themselves)."""

    rows_in: int
    rejected: int
    by_reason: dict[str, int]
    blank_lines: int
    summary_lines: int
    not_tickets: int  # rows that sold no ticket (donations, memberships, a shop's goods): left out, like total lines
    refunds_merged: int
    refunds_reduced: int  # merged too: refunds of part of a ticket's amount
    refunds_split: int  # tickets of their own: the refunded seats of a line
    refunds_unmatched: int  # tickets of their own: refunds of a sale the export does not hold
    unnamed: int  # sales naming nobody, accepted as admissions of their events (no ticket of their own)
    dates_dropped: dict[str, int]
    warnings: list[str]
    refunded_amounts: RefundedAmounts

    @property
    def accepted(self) -> int:
        return self.rows_in - self.rejected


def _patron_id_from(profile: Profile) -> str:
    """What the patron id is: « email » or « phone » when it stands in for them, else « customer »."""
    spec = profile.columns.get("patron_id")
    for field in ("email", "phone"):
        other = profile.columns.get(field)
        if spec is not None and other is not None and spec.sources and spec.sources[0] in other.sources:
            return field
    return "customer"


def _check_all(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, today: date,
               max_reject_share: float) -> _Checked:
    """Build and settle ``checked``, then apply the guards (which raise ``UserError``)."""
    rows_in, blank_lines, summary_lines, not_tickets = _check(con, info, profile, today)
    rejected, named, unnamed, merged = (int(n or 0) for n in con.execute(
        """SELECT count_if(len(reasons) > 0), count_if(len(reasons) = 0 AND NOT unnamed),
                  count_if(len(reasons) = 0 AND unnamed), count_if(merged) FROM checked""").fetchall()[0])
    by_reason = _reason_counts(con)
    reduced, split, unmatched = (int(n or 0) for n in con.execute(
        """SELECT count_if(o.outcome = 'reduced' AND c.merged), count_if(o.outcome = 'split' AND len(c.reasons) = 0),
                  count_if(o.line_no IS NULL AND c.refund AND len(c.reasons) = 0 AND NOT c.merged)
        FROM checked c LEFT JOIN refund_outcome o USING (line_no)""").fetchall()[0])
    refuse_header_again(con, info, profile)
    if blank_lines or rejected:  # the header written again is a blank line, or a row set aside
        refuse_rows_twice(con, info)
    refuse_repeated_rows(con, info)
    guard_rounded_identifiers(con, profile, info)
    guard_quarantine(con, info, profile, rows_in, by_reason, max_reject_share, accepted=named, unnamed=unnamed)
    dropped = guard_dropped_fields(con, info, profile, MAX_DROPPED_SHARE)
    if "age" in profile.columns:  # optional survey answers: an unreadable one is counted, never a row set aside
        unread_ages = _scalar(con, "SELECT count_if(age_dropped) FROM checked WHERE len(reasons) = 0")
        dropped = {**dropped, **({"age": unread_ages} if unread_ages else {})}
    warnings = (cut_short_warnings(con, info, profile) + plausibility_warnings(con, profile)
                + shared_contact_warnings(con, _patron_id_from(profile)) + unpaid_warnings(con)
                + unreadable_price_warnings(con, info, profile, by_reason))
    undated, written, given = con.execute(
        "SELECT count(*)::INTEGER, arg_min(written, line_no), strftime(min_by(purchased_at, line_no), '%Y-%m-%d') "
        "FROM undated_years").fetchall()[0]
    if undated:
        warnings.append(plural(
            undated,
            "{n} purchase date was written without its year (“{written}”): it took the year that puts it nearest "
            "the purchase dated on the closest line ({date}).",
            "{n} purchase dates were written without their year (“{written}” on the first): each took the year that "
            "puts it nearest the purchase dated on the closest line ({date} for the first).").format(
                n=count(undated), written=written, date=given))
    warnings.extend(info.notes)
    if info.section_lines:
        warnings.append(plural(
            info.section_lines,
            "{n} line names the show of the rows below it (“{first}”): it is read as their event, not as a ticket.",
            "{n} lines name the show of the rows below them (“{first}” first): each is read as their event, not as a "
            "ticket.").format(n=count(info.section_lines), first=info.first_section))
    if info.nul_line is not None:
        warnings.append(_("Line {line} of the file holds a NUL character (an invisible byte some exports pad "
                          "fields with; in the file: {n}): each was read as nothing, so a value is the characters "
                          "around it.").format(line=info.nul_line, n=count(info.nul_count)))
    if info.control_line is not None:
        warnings.append(plural(
            info.control_count,
            "Line {line} of the file holds a control character (an invisible character, such as an escape or a form "
            "feed, that some exports leave in fields; {n} in the file): it was removed, so the value is the "
            "characters around it.",
            "Line {line} of the file holds a control character (an invisible character, such as an escape or a form "
            "feed, that some exports leave in fields; {n} in the file): each was removed, so a value is the "
            "characters around it.").format(line=info.control_line, n=count(info.control_count)))
    return _Checked(rows_in, rejected, by_reason, blank_lines, summary_lines, not_tickets, merged, reduced, split,
                    unmatched, unnamed, dropped, warnings, _refunded_amounts(con))


def _refunded_amounts(con: duckdb.DuckDBPyConnection) -> RefundedAmounts:
    """What the refunded amounts read beside the amounts paid did (``ingest.refunded_amounts``), on the
    lines accepted."""
    rows = con.execute(
        """SELECT s.outcome, s.currency, sum(s.seats)::BIGINT, sum(s.amount)
        FROM refunded_share s JOIN checked c USING (line_no)
        WHERE s.outcome IN ('whole', 'seats', 'part', 'unknown') AND len(c.reasons) = 0
        GROUP BY ALL ORDER BY 1, 2""").fetchall()
    whole = sum(int(seats) for outcome, _currency, seats, _amount in rows if outcome in ("whole", "seats"))
    part = sum(int(seats) for outcome, _currency, seats, _amount in rows if outcome == "part")
    given = {str(currency): f"{amount:.2f}" for outcome, currency, _seats, amount in rows if outcome == "part"}
    unknown = sum(int(seats) for outcome, _currency, seats, _amount in rows if outcome == "unknown")
    return RefundedAmounts(tickets_in_part=part, given_back=given, tickets_in_whole=whole, price_unknown=unknown)


def prepare(
    source: Path,
    *,
    member: MemberInfo,
    profile: Profile,
    keys_dir: Path,
    out: Path,
    rejects: Path | None = None,
    step: StepCallback | None = None,
    today: date | None = None,
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE,
) -> PrepareSummary:
    """Turn the export ``source`` into the package ``out`` and return what happened.

    Nothing is left behind on failure: the package is written atomically by ``write_package``
    and the rejects file is moved into place only after the package exists. Raises
    ``UserError`` for bad input (missing file, wrong encoding, missing columns, empty file,
    existing output, missing keys), when one reason rejects more than ``max_reject_share`` of
    the rows, and when the package would carry personal data in clear.
    """
    check_member_words(member.member_id, member.name, member.region)  # written in clear in the manifest
    if profile.consent_only:  # no ticket to split: patrons and their consent changes only
        from culturecoop.ingest.consent_export import prepare_consent_export

        return prepare_consent_export(source, member=member, profile=profile, keys_dir=keys_dir, out=out,
                                      rejects=rejects, step=step, today=today, max_reject_share=max_reject_share)
    started = time.perf_counter()
    notify = step or (lambda _name: None)
    rejects = rejects or default_rejects_path(out)
    check_destinations(out, rejects)
    keys = load_member_keys(keys_dir)
    if not source.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=source))
    rejects_tmp: Path | None = None
    with tempfile.TemporaryDirectory(prefix="culturecoop-prepare-") as work:
        try:
            con = connect(Path(work), profile.country)
            try:
                notify("read")
                info = read_source(source, profile, Path(work), con)
                notify("validate")
                checked = _check_all(con, info, profile, today or date.today(), max_reject_share)
                notify("rejects")
                # Named before it exists: an interruption anywhere in the writing still removes it.
                rejects_tmp = partial_path(rejects)
                document = profile.format == "jsonl" and is_document(source)
                write_rejects(con, rejects, rejects_tmp, records=document,
                              record_lines=record_lines(source) if document and checked.rejected else None,
                              line_labels=attendee_labels(info) if checked.rejected else None)
                notify("split")
                parts = _split(con, info, profile, member.member_id, keys)
                identifiers = con.sql(
                    "SELECT email, phone, given_name, surname, birth_date, postcode FROM patron_clear").to_arrow_table()
            finally:
                con.close()  # frees DuckDB's memory before the Python side builds the package
            notify("pseudonymize")
            patrons = parts.patrons.result()
            notify("write")
            tables: dict[str, pa.Table] = {
                "event": parts.events, "patron": patrons, "ticket": parts.tickets, "consent": parts.consents,
                "unnamed_sale": parts.unnamed_sales,
            }
            per_table = {name: t.num_rows for name, t in tables.items()}
            consent = consent_record(profile, parts.consents_granted)
            # Rows that sold no ticket are counted beside the ticket rows read (``in``), as total lines are:
            # the export's rows are ``in`` + ``not_tickets``, and ``in`` = ``accepted`` + ``rejected``.
            left_out = {"not_tickets": checked.not_tickets} if "line_kind" in profile.columns else {}
            write_guarded_package(
                out, tables, identifiers, profile, parts.own_buyer, member=member,
                rows={"in": checked.rows_in, "accepted": checked.accepted, "rejected": checked.rejected,
                      **left_out, **per_table},
                source_name=source.name,
                extra={"rejects_by_reason": checked.by_reason, "blank_lines": checked.blank_lines,
                       "summary_lines": checked.summary_lines, "refunds_merged": checked.refunds_merged,
                       "unnamed_rows": checked.unnamed, "consent": consent, "timezone": profile.timezone},
                companions=[(rejects_tmp, rejects)],  # put in place with the package
            )
            rejects_tmp = None
        finally:
            if rejects_tmp is not None:
                rejects_tmp.unlink(missing_ok=True)
    summary = _summary(source, out, rejects, member.member_id, profile, checked, parts, per_table,
                       consent, time.perf_counter() - started)
    summary.export_rows = info.attendees.rows if info.attendees is not None else None
    return summary


def check_export(source: Path, profile: Profile, *, today: date | None = None,
                 max_reject_share: float = DEFAULT_MAX_REJECT_SHARE) -> PrepareSummary:
    """Everything ``prepare`` does short of pseudonymizing and writing: read, check, settle,
    guard, split events. No keys needed, nothing written. Raises ``UserError`` as ``prepare``."""
    if profile.consent_only:
        from culturecoop.ingest.consent_export import check_consent_export

        return check_consent_export(source, profile, today=today, max_reject_share=max_reject_share)
    started = time.perf_counter()
    if not source.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=source))
    with tempfile.TemporaryDirectory(prefix="culturecoop-check-") as work:
        con = connect(Path(work), profile.country)
        try:
            info = read_source(source, profile, Path(work), con)
            checked = _check_all(con, info, profile, today or date.today(), max_reject_share)
            fetch_kept_rows(con, info, ages="age" in profile.columns)
            build_events(con, profile, "check")
            titles_trimmed = trim_title_boilerplate(con)
            build_patrons(con, profile, b"\0" * 32)  # a throwaway key: no token leaves
            events_dropped = _events_dropped(con)  # by the events' ids as the export names them
            names_withheld = withhold_patron_names(con, b"\0" * 32)
            scan_checked(con, profile)  # prepare's privacy guard, in its words
            granted = _consents_granted(con)
            unmapped = _unmapped(con)
            patrons = _scalar(con, "SELECT count(*) FROM patron_pick")
            per_table = {
                "event": _scalar(con, "SELECT count(*) FROM event_out"),
                "patron": patrons,
                "ticket": checked.accepted - checked.refunds_merged - checked.unnamed
                + _scalar(con, "SELECT count(*) FROM refunded_seats WHERE NOT unnamed"),  # seats refunded of a line
                "consent": 3 * patrons,
                "unnamed_sale": unnamed_sale_table(con, "check").num_rows,
            }
        finally:
            con.close()
    consent = consent_record(profile, granted)
    return PrepareSummary(
        package="", rejects_file="", member_id="", profile=profile.name, source=source.name,
        rows_in=checked.rows_in, rows_accepted=checked.accepted, rows_rejected=checked.rejected,
        rejects_by_reason=checked.by_reason, rows_per_table=per_table, blank_lines=checked.blank_lines,
        summary_lines=checked.summary_lines, not_tickets=checked.not_tickets, refunds_merged=checked.refunds_merged,
        unnamed_sales=checked.unnamed, refunds_reduced=checked.refunds_reduced, refunds_split=checked.refunds_split,
        refunds_unmatched=checked.refunds_unmatched, refunded_amounts=checked.refunded_amounts,
        values_dropped={**checked.dates_dropped, **events_dropped},
        genres_unmapped=unmapped, titles_trimmed=titles_trimmed, names_withheld=names_withheld,
        consent=consent,
        warnings=checked.warnings + consent_warnings(consent),
        seconds=round(time.perf_counter() - started, 3),
        export_rows=info.attendees.rows if info.attendees is not None else None,
    )


def attendee_labels(info: SourceInfo) -> list[str] | None:
    """Each line's name in the rejects file when the export was read one line per attendee: its own line in
    the export, and the attendee's number (« 5 (attendee 2) »); None for an export read as it is."""
    if info.attendees is None:
        return None
    return [info.line_label(k) for k in range(1, len(info.attendees.lines) + 1)]


def preview_rows(source: Path, profile: Profile, limit: int = 10) -> list[dict[str, str | None]]:
    """The first ``limit`` rows of the export as canonical fields, as text (nothing parsed or
    checked): what the mapping reads from each column."""
    return [row.text for row in read_preview(source, profile, limit, parse=False)]


@dataclass
class ReadRow:
    """One row of an export as a person checks a mapping against it: each field as its column
    says it (``text``), the fields ``prepare`` parses as it reads them (``read``: ``purchased_at``,
    ``event_starts_at``, ``price`` per ticket, ``quantity``, ``currency``, ``status``,
    ``birth_date``; None where it cannot), and why the row would be set aside (``reasons``)."""

    line_no: int
    text: dict[str, str | None]
    read: dict[str, Any]
    reasons: list[str]


def read_preview(source: Path, profile: Profile, limit: int = 10, today: date | None = None, *,
                 parse: bool = True) -> list[ReadRow]:
    """The first ``limit`` rows of the export, as written and (``parse``) as ``prepare`` reads them:
    the same parsers, on those rows only, so that a wrong amount scale or date format shows as
    « 4 575,00 $ » or an unread time beside the text it came from. Raises ``UserError`` as
    ``prepare`` does."""
    with tempfile.TemporaryDirectory(prefix="culturecoop-preview-") as work:
        con = connect(Path(work), profile.country)
        try:
            info = read_source(source, profile, Path(work), con)
            info.load(con)
            fields = ", ".join(CANONICAL_FIELDS)
            texts = con.execute(
                f"SELECT line_no, {fields} FROM {info.relation} WHERE NOT blank ORDER BY line_no LIMIT {int(limit)}",
                info.params,
            ).fetchall()
            read: dict[int, dict[str, Any]] = {}
            if parse and texts and not profile.consent_only:
                lines = ", ".join(str(int(row[0])) for row in texts)
                first = replace(info, relation=info.lines_where(f"line_no IN ({lines})"))
                try:
                    check_rows(con, first, profile, today or date.today())
                    accept_unnamed(con)
                except duckdb.Error as exc:
                    error = translate_read_error(exc, info)
                    if error is None:
                        raise
                    raise error from None
                for row in con.execute(
                        "SELECT line_no, purchased_at, starts_at, unit_price, quantity, currency, status, birth_date, "
                        "coalesce(reasons, []) FROM checked").fetchall():
                    read[int(row[0])] = {
                        "purchased_at": row[1], "event_starts_at": row[2], "price": row[3], "quantity": row[4],
                        "currency": row[5], "status": row[6], "birth_date": row[7], "reasons": list(row[8])}
        finally:
            con.close()
    out = []
    for row in texts:
        parsed = dict(read.get(int(row[0]), {}))
        reasons = parsed.pop("reasons", [])
        out.append(ReadRow(int(row[0]), dict(zip(CANONICAL_FIELDS, row[1:], strict=True)), parsed, reasons))
    return out


def _summary(source: Path, out: Path, rejects: Path, member_id: str, profile: Profile, checked: _Checked,
             parts: _Parts, per_table: dict[str, int], consent: dict[str, Any], seconds: float) -> PrepareSummary:
    return PrepareSummary(
        package=str(out), rejects_file=str(rejects), member_id=member_id,
        profile=profile.name, source=source.name, rows_in=checked.rows_in,
        rows_accepted=checked.accepted, rows_rejected=checked.rejected, rejects_by_reason=checked.by_reason,
        rows_per_table=per_table, blank_lines=checked.blank_lines, summary_lines=checked.summary_lines,
        not_tickets=checked.not_tickets, refunds_merged=checked.refunds_merged, unnamed_sales=checked.unnamed,
        refunds_reduced=checked.refunds_reduced, refunds_split=checked.refunds_split,
        refunds_unmatched=checked.refunds_unmatched, refunded_amounts=checked.refunded_amounts,
        values_dropped={**checked.dates_dropped, **parts.dropped}, values_restored=parts.restored,
        genres_unmapped=parts.unmapped, titles_trimmed=parts.titles_trimmed, names_withheld=parts.names_withheld,
        consent=consent,
        warnings=checked.warnings + parts.warnings + consent_warnings(consent), seconds=round(seconds, 3),
    )


def _check(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile,
           today: date) -> tuple[int, int, int, int]:
    """Build ``checked`` (every rule, refunds, order lines, duplicates included); return (rows
    read, blank lines, summary lines, rows that are no tickets)."""
    try:
        check_rows(con, info, profile, today)
        settle_rows(con, info, numbered=profile.numbers_tickets, by_buyer="ticket_id" in profile.columns,
                    refunded="refunded_amount" in profile.columns, refunded_per_order=profile.refunded_per_order)
    except duckdb.Error as exc:
        error = translate_read_error(exc, info)
        if error is None:
            raise
        raise error from None
    counts = con.execute(
        "SELECT count(reasons), count(*), count_if(summary_row), count_if(not_ticket) FROM checked").fetchall()[0]
    rows_in, summary, others = int(counts[0]), int(counts[2] or 0), int(counts[3] or 0)  # count_if of no rows is NULL
    blank_lines = int(counts[1]) - rows_in - summary - others + info.blank_rows - info.section_lines
    if rows_in == 0 and others:
        spec = profile.columns["line_kind"]
        raise UserError(plural(
            others,
            "The only row of {path} is no ticket ({column} says so): there is nothing to prepare; export the "
            "sales of tickets, or check the values written as other under `line_kind_values` in the mapping.",
            "None of the {n} rows of {path} is a ticket ({column} says so): there is nothing to prepare; export the "
            "sales of tickets, or check the values written as other under `line_kind_values` in the mapping.").format(
                n=count(others), path=info.path.name, column=spec.describe()))
    if rows_in == 0:
        raise header_only(info.path)
    return rows_in, blank_lines, summary, others


@dataclass
class _Parts:
    """The tables built in DuckDB, and the patrons being pseudonymized beside them."""

    patrons: Future[pa.Table]
    events: pa.Table
    tickets: pa.Table
    consents: pa.Table
    unnamed_sales: pa.Table
    consents_granted: dict[str, int]
    own_buyer: dict[str, tuple[int, int]]
    dropped: dict[str, int]
    restored: dict[str, int]
    warnings: list[str]
    unmapped: dict[str, int]
    titles_trimmed: list[TitleTrim]
    names_withheld: list[NamesWithheld]


def _split(con: duckdb.DuckDBPyConnection, info: SourceInfo, profile: Profile, member_id: str,
           keys: MemberKeys) -> _Parts:
    id_key = member_id_key(keys.linkage_secret, member_id)
    fetch_kept_rows(con, info, ages="age" in profile.columns)
    con.execute("DROP TABLE IF EXISTS source_lines")  # every line needed is in ``checked`` or ``kept``
    params = lookup_params(con, profile)
    build_patrons(con, profile, id_key, params)
    # The contacts' tokens by DuckDB, on every core: the pseudonymizer's thread has the rest.
    clear = con.sql(f"""SELECT *, {keyed_token_sql("email", "email")} AS email_token,
                               {keyed_token_sql("phone", "phone")} AS phone_token FROM patron_clear""",
                    params={**token_pads(keys.linkage_secret, "email"), **token_pads(keys.linkage_secret, "phone")},
                    ).to_arrow_table()
    # Pseudonymization (Python and NumPy, one core) runs beside DuckDB's work on events, tickets
    # and consents: DuckDB releases the GIL. DuckDB keeps every core: its share (the tickets'
    # HMAC tokens above all) is now the larger, and confined to one thread it came last.
    patrons = _PSEUDONYMIZER.submit(pseudonymize_patrons, clear, member_id, keys)
    build_events(con, profile, member_id, params)
    titles_trimmed = trim_title_boilerplate(con)
    granted = _consents_granted(con)
    # Read from the events as the export names them, before any name is withheld.
    own_buyer = {**own_buyer_names(con), **own_buyer_lines(con, profile)}
    dropped = {**_dropped_values(con), **_events_dropped(con)}
    restored, warnings = restored_values(con, profile)
    names_withheld = withhold_patron_names(con, id_key)
    events = con.sql("SELECT * FROM event_out").to_arrow_table()
    tickets = ticket_table(con, member_id, id_key)
    return _Parts(
        patrons=patrons, events=events, tickets=tickets, consents=build_consents(con, member_id),
        unnamed_sales=unnamed_sale_table(con, member_id), consents_granted=granted, own_buyer=own_buyer,
        dropped=dropped, restored=restored, warnings=warnings, unmapped=_unmapped(con), titles_trimmed=titles_trimmed, names_withheld=names_withheld,
    )


def _unmapped(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {str(k): int(v) for k, v in con.execute(
        "SELECT label, events FROM genre_unmapped ORDER BY events DESC, label").fetchall()}


def _consents_granted(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Patrons granting each purpose in ``patron_clear``."""
    row = con.execute(
        "SELECT count_if(pooling), count_if(marketing), count_if(personalization) FROM patron_clear"
    ).fetchall()[0]
    return {purpose: int(n or 0) for purpose, n in zip(CONSENT_PURPOSES, row, strict=True)}


def _events_dropped(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Events whose capacity the export writes but ``build_events`` could not keep (not a whole number
    of seats within its bounds: « 10¹² » is no hall), so left empty: said, never silently."""
    dropped = _scalar(con, """SELECT count(*) FROM event_first f JOIN event_out o USING (event_id)
        WHERE nullif(trim(f.e.capacity), '') IS NOT NULL AND o.capacity IS NULL""")
    return {"capacity": dropped} if dropped else {}


def _dropped_values(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Patron values present in the export that no normalizer could use (so became NULL)."""
    row = con.execute(
        """SELECT count_if(email_dropped), count_if(phone_dropped), count_if(postcode_dropped)
        FROM patron_clear"""
    ).fetchall()[0]
    counts = {"email": int(row[0] or 0), "phone": int(row[1] or 0), "postal_code": int(row[2] or 0)}
    return {k: v for k, v in counts.items() if v}
