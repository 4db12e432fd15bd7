"""``prepare`` of a consent export: a CRM's or newsletter tool's list of people and their consents.

A member's newsletter tool (Mailchimp, Brevo, Cyberimpact…) or CRM knows who opted in or out
long after the tickets were bought. Its export has no ticket and no event: an e-mail or a
customer id, maybe names, one or more consent columns (``Opt-in``, ``Désinscrit``…), maybe the
date of each change. A mapping that maps no ticket or event column but a consent column
(``Profile.consent_only``) makes ``prepare`` write a *consent package*: patron and consent rows
only, the ids tokenized exactly as a ticket export's are (so they name the same patrons), each
decision dated by the ``consent_at`` column when mapped, else by the export's time (the file's
modification time). ``ingest`` applies it as consent changes (``ingest.consent_changes``).

Every value must say yes or no: a word the mapping does not know is one sentence naming the
words and the settings that map them (``true_values``, ``false_values``), and nothing is
written. Rows without an id, without any consent value, or with an unreadable date go to the
rejects file, as in a ticket export.
"""

from __future__ import annotations

import tempfile
import time
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.files import partial_path
from culturecoop.i18n import _, count, current_language, plural
from culturecoop.ingest.dates import format_params, timestamp_sql
from culturecoop.ingest.labels import DEFAULT_FALSE, DEFAULT_LANGUAGE_VALUES, DEFAULT_TRUE
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare_io import (
    PrepareSummary,
    StepCallback,
    check_destinations,
    connect,
    default_rejects_path,
    write_guarded_package,
    write_rejects,
)
from culturecoop.ingest.profile import CONSENT_COLUMNS, Profile
from culturecoop.ingest.pseudonymize import pseudonymize_patrons
from culturecoop.ingest.quarantine import DEFAULT_MAX_REJECT_SHARE, MIN_REJECTS_FOR_PATTERN
from culturecoop.ingest.read import read_source, translate_read_error
from culturecoop.ingest.source import bound_params
from culturecoop.ingest.split import conform
from culturecoop.ingest.words import REJECT_REASONS, say
from culturecoop.privacy.encodings import id_token_sql, member_id_key, member_id_sql, pads
from culturecoop.privacy.keys import load_member_keys
from culturecoop.schema.model import CONSENT, CONSENT_PURPOSES, EVENT, TICKET, UNNAMED_SALE
from culturecoop.schema.table import Table

PACKAGE_KIND = "consent"

# Words newsletter tools and CRMs write for a consent, in French and English (compared without
# case or accents). Mailchimp: subscribed / unsubscribed / cleaned (a bounced address: the person
# made no decision, so it is left to the mapping); Brevo: opt-in / blacklisted.
CONSENT_TRUE: tuple[str, ...] = (
    "opt-in", "opt in", "optin", "opted in", "double opt-in", "subscribed", "subscriber", "abonne", "abonnee",
    "inscrit", "inscrite", "consent", "consented", "consenti", "consentement", "accepte", "acceptee",
    "granted", "agreed", "accord", "d'accord", "active", "actif", "active subscriber",
)
CONSENT_FALSE: tuple[str, ...] = (
    "opt-out", "opt out", "optout", "opted out", "unsubscribed", "unsubscribe", "desabonne", "desabonnee",
    "desinscrit", "desinscrite", "desinscription", "desabonnement", "refuse", "refusee", "refus",
    "withdrawn", "retire", "retiree", "blacklisted", "blacklist", "liste noire", "non abonne", "non inscrit",
    "not subscribed", "declined", "revoked", "revoque",
)
# Reasons a row of a consent export is rejected (the rejects file names them).
CONSENT_RULES: dict[str, str] = {
    "malformed_line": "the line cannot be split into the header's columns, is not a JSON object, or is longer than 1 MB",
    "missing_patron_id": "no patron identifier (nor an e-mail standing in for it)",
    "no_consent_value": "no consent column of the row says yes or no",
    "bad_consent_at": "the date of the consent change is not in the profile's date formats",
    "consent_in_future": "the date of the consent change is after the day the export was prepared",
}
_SHOWN_WORDS = 5


def _export_time(source: Path, timezone: str) -> datetime:
    """When the export was made, as a wall-clock time in the member's time zone: the file's
    modification time, never later than now."""
    moment = min(datetime.fromtimestamp(source.stat().st_mtime, UTC), datetime.now(UTC))
    return moment.astimezone(zoneinfo.ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)


def _words(con: duckdb.DuckDBPyConnection, profile: Profile) -> dict[str, bool]:
    """Folded word → decision: the mapping's own words first, then the built-in ones."""
    ordered = [(w, True) for w in profile.true_values] + [(w, False) for w in profile.false_values]
    ordered += [(w, True) for w in (*DEFAULT_TRUE, *CONSENT_TRUE)] + [(w, False) for w in (*DEFAULT_FALSE, *CONSENT_FALSE)]
    folded = con.execute("SELECT list_transform($w, lambda x: cc_key(x))", {"w": [w for w, _g in ordered]}).fetchall()[0][0]
    out: dict[str, bool] = {}
    for key, (_word, granted) in zip(folded, ordered, strict=True):
        if key:
            out.setdefault(str(key), granted)
    return out


def _check_unknown_words(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """One sentence naming the consent values no word of the mapping decides (nothing written)."""
    mapped = [c for c in CONSENT_COLUMNS if c in profile.columns]
    union = " UNION ALL ".join(
        f"SELECT '{c}' AS field, w_{c.removeprefix('consent_')} AS word, k_{c.removeprefix('consent_')} AS key, "
        f"g_{c.removeprefix('consent_')} AS granted FROM consent_rows WHERE NOT malformed" for c in mapped)
    rows = con.execute(
        f"""SELECT field, word, count(*) AS n FROM ({union})
        WHERE word IS NOT NULL AND granted IS NULL GROUP BY ALL ORDER BY n DESC, word""").fetchall()
    if not rows:
        return
    words = list(dict.fromkeys(str(r[1]) for r in rows))
    shown = ", ".join(f"\"{w}\"" for w in words[:_SHOWN_WORDS]) + (
        plural(len(words) - _SHOWN_WORDS, " and {n} other", " and {n} more").format(n=count(len(words) - _SHOWN_WORDS)) if len(words) > _SHOWN_WORDS else "")
    columns = ", ".join(dict.fromkeys(profile.columns[str(r[0])].describe() for r in rows))
    raise UserError(_("The consent column {columns} holds values that say neither yes nor no: {words}; add each "
                      "to true_values (consent given) or false_values (consent withdrawn) in the mapping, then "
                      "prepare again. Nothing was written.").format(columns=columns, words=shown))


def _read_rows(con: duckdb.DuckDBPyConnection, source: Path, profile: Profile, work: Path, today: date,
               exported: datetime) -> Any:
    info = read_source(source, profile, work, con)
    info.load(con)
    formats = profile.datetime_formats
    date_formats = profile.date_formats
    words = _words(con, profile)
    decisions = []
    for purpose in CONSENT_PURPOSES:
        decisions.append(
            f"nullif(trim(consent_{purpose}), '') AS w_{purpose}, "
            f"cc_key(nullif(trim(consent_{purpose}), '')) AS k_{purpose}, "
            f"$g_values[list_position($g_keys, cc_key(nullif(trim(consent_{purpose}), '')))] AS g_{purpose}")
    at = timestamp_sql("at_text", formats, date_formats)
    params: dict[str, Any] = {
        **info.params, **format_params(formats, date_formats, profile.timezone, today.year, info.serial_base),
        "g_keys": list(words), "g_values": list(words.values()), "exported": exported,
        "latest": datetime.combine(today + timedelta(days=2), day_time()),
    }
    read_sql = f"""CREATE TEMP TABLE consent_read AS
        SELECT line_no, raw, blank, malformed,
               {member_id_sql("patron_id")} AS patron_id,
               email, phone, first_name, last_name, postal_code, patron_language,
               {", ".join(decisions)}, nullif(trim(consent_at), '') AS at_text
        FROM {info.relation}"""
    rows_sql = f"""CREATE TEMP TABLE consent_rows AS
        SELECT *, coalesce(at_given, $exported) AS decided_at,
               CASE WHEN blank THEN NULL WHEN malformed THEN ['malformed_line']
                    ELSE list_filter([
                        CASE WHEN patron_id IS NULL THEN 'missing_patron_id' END,
                        CASE WHEN w_pooling IS NULL AND w_marketing IS NULL AND w_personalization IS NULL
                             THEN 'no_consent_value' END,
                        CASE WHEN at_text IS NOT NULL AND at_given IS NULL THEN 'bad_consent_at' END,
                        CASE WHEN at_given > $latest THEN 'consent_in_future' END], lambda r: r IS NOT NULL)
               END AS reasons
        FROM (SELECT *, CASE WHEN at_text IS NOT NULL THEN {at} END AS at_given FROM consent_read)"""
    try:
        con.execute(read_sql, bound_params(read_sql, params))
        con.execute(rows_sql, bound_params(rows_sql, params))
    except duckdb.Error as exc:
        error = translate_read_error(exc, info)
        if error is None:
            raise
        raise error from None
    con.execute("CREATE TEMP TABLE checked AS SELECT line_no, CASE WHEN len(reasons) > 0 THEN raw END AS raw, reasons "
                "FROM consent_rows WHERE reasons IS NOT NULL")
    return info


def _decisions(con: duckdb.DuckDBPyConnection, member_id: str) -> pa.Table:
    """Each patron's latest decision per purpose the export states (latest date, then latest line)."""
    union = " UNION ALL ".join(
        f"SELECT token, '{p}' AS purpose, g_{p} AS granted, decided_at, line_no FROM accepted WHERE g_{p} IS NOT NULL"
        for p in CONSENT_PURPOSES)
    con.execute(f"""CREATE TEMP TABLE decision AS
        SELECT token AS member_patron_id, purpose, arg_max(granted, (decided_at, line_no)) AS granted,
               max(decided_at) AS recorded_at
        FROM ({union}) GROUP BY ALL""")
    return con.sql(conform(CONSENT, """SELECT $member AS member_id, member_patron_id, purpose, granted, recorded_at
        FROM decision ORDER BY member_patron_id, purpose"""), params={"member": member_id}).to_arrow_table()


def _patrons_clear(con: duckdb.DuckDBPyConnection, profile: Profile) -> pa.Table:
    """One row per patron in clear (the values of its latest row), shaped as ``ingest.split``'s
    ``patron_clear`` for ``pseudonymize_patrons``; the contact is sealed only where the export
    grants marketing."""
    languages = {**DEFAULT_LANGUAGE_VALUES, **profile.language_values}
    lang = con.execute("SELECT list_transform($k, lambda x: cc_key(x))", {"k": list(languages)}).fetchall()[0][0]
    return con.sql(
        """WITH latest AS (
            SELECT token, arg_max(line_no, (decided_at, line_no)) AS line_no FROM accepted GROUP BY token)
        SELECT a.token AS member_patron_id, cc_email(a.email) AS email, cc_phone_here(a.phone) AS phone,
               cc_fold(a.first_name) AS given_name, cc_fold(a.last_name) AS surname, CAST(NULL AS VARCHAR) AS birth_date,
               lower(cc_postcode_here(a.postal_code)) AS postcode, cc_area_here(a.postal_code) AS fsa,
               CAST(NULL AS VARCHAR) AS birth_band,
               CASE WHEN ($lang_values)[list_position($lang_keys, cc_key(a.patron_language))] IN ('fr', 'en')
                    THEN ($lang_values)[list_position($lang_keys, cc_key(a.patron_language))] END AS language,
               coalesce(d.granted, false) AS marketing
        FROM latest JOIN accepted AS a USING (token, line_no)
        LEFT JOIN decision AS d ON d.member_patron_id = a.token AND d.purpose = 'marketing'
        ORDER BY a.token""",
        params={"lang_keys": lang, "lang_values": list(languages.values())},
    ).to_arrow_table()


def _empty(con: duckdb.DuckDBPyConnection, table: Table) -> pa.Table:
    return con.sql(conform(table, "SELECT " + ", ".join(f"NULL AS {c.name}" for c in table.columns) + " WHERE false")).to_arrow_table()


def _check(con: duckdb.DuckDBPyConnection, source: Path, profile: Profile,
           max_share: float) -> tuple[int, int, dict[str, int]]:
    """Rows read, rows rejected, rejects per reason; ``UserError`` for unknown words, an export
    without rows, one whose every row is rejected, or one where a single reason rejects more
    than ``max_share`` of the rows (at least ten): a fixable cause, never a mass quarantine."""
    _check_unknown_words(con, profile)
    counts = con.execute(
        "SELECT count(*), count_if(len(reasons) > 0) FROM consent_rows WHERE reasons IS NOT NULL").fetchall()[0]
    rows_in, rejected = int(counts[0]), int(counts[1] or 0)
    if rows_in == 0:
        raise UserError(_("{path} has a header but no rows; export the list again with its people.").format(path=source.name))
    by_reason = {str(r): int(n) for r, n in con.execute(
        "SELECT r, count(*) FROM (SELECT unnest(reasons) AS r FROM consent_rows) GROUP BY r ORDER BY r").fetchall()}
    if rejected == rows_in:
        worst = max(by_reason, key=lambda r: by_reason[r])
        raise UserError(_("Every row of {path} was rejected (mostly: {reason}); check the mapping's columns "
                          "and prepare again. Nothing was written.").format(
            path=source.name, reason=say(REJECT_REASONS, worst, current_language())))
    over = {r: n for r, n in by_reason.items() if n > max_share * rows_in and n >= MIN_REJECTS_FOR_PATTERN}
    if over:
        worst = max(over, key=lambda r: over[r])
        raise UserError(_("Nothing was written: {n} of {total} rows of {path} are rejected ({reason}); check the "
                          "mapping's column for it, or run prepare again with --max-reject-share 1 to quarantine "
                          "them anyway.").format(n=count(over[worst]), total=count(rows_in), path=source.name,
                                                  reason=say(REJECT_REASONS, worst, current_language())))
    return rows_in, rejected, by_reason


def check_consent_export(source: Path, profile: Profile, *, today: date | None = None,
                         max_reject_share: float = DEFAULT_MAX_REJECT_SHARE) -> PrepareSummary:
    """What ``prepare`` would do with the consent export, short of tokens and files (``mapping check``)."""
    started = time.perf_counter()
    if not source.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=source))
    with tempfile.TemporaryDirectory(prefix="culturecoop-check-") as work:
        con = connect(Path(work), profile.country)
        try:
            _read_rows(con, source, profile, Path(work), today or date.today(), _export_time(source, profile.timezone))
            rows_in, rejected, by_reason = _check(con, source, profile, max_reject_share)
            patrons = int(con.execute(
                "SELECT count(DISTINCT patron_id) FROM consent_rows WHERE len(reasons) = 0").fetchall()[0][0])
        finally:
            con.close()
    return PrepareSummary(
        package="", rejects_file="", member_id="", profile=profile.name, source=source.name, rows_in=rows_in,
        rows_accepted=rows_in - rejected, rows_rejected=rejected, rejects_by_reason=by_reason,
        rows_per_table={"event": 0, "patron": patrons, "ticket": 0}, seconds=round(time.perf_counter() - started, 3))


def prepare_consent_export(
    source: Path, *, member: MemberInfo, profile: Profile, keys_dir: Path, out: Path,
    rejects: Path | None = None, step: StepCallback | None = None, today: date | None = None,
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE,
) -> PrepareSummary:
    """Turn the consent export ``source`` into the consent package ``out`` (see the module doc)."""
    started = time.perf_counter()
    notify = step or (lambda _name: None)
    if profile.consent_defaults:
        raise UserError(_("consent_defaults does not apply to a consent export (each row says yes or no); remove it "
                          "from the mapping and prepare again."))
    rejects = rejects or default_rejects_path(out)
    check_destinations(out, rejects)
    keys = load_member_keys(keys_dir)
    if not source.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=source))
    today = today or date.today()
    exported = _export_time(source, profile.timezone)
    rejects_tmp: Path | None = None
    with tempfile.TemporaryDirectory(prefix="culturecoop-prepare-") as work:
        try:
            con = connect(Path(work), profile.country)
            try:
                notify("read")
                _read_rows(con, source, profile, Path(work), today, exported)
                notify("validate")
                rows_in, rejected, by_reason = _check(con, source, profile, max_reject_share)
                notify("rejects")
                rejects_tmp = partial_path(rejects)
                write_rejects(con, rejects, rejects_tmp)
                notify("split")
                con.execute(f"""CREATE TEMP TABLE accepted AS
                    SELECT {id_token_sql("patron_id")} AS token, * FROM consent_rows WHERE len(reasons) = 0""",
                            pads(member_id_key(keys.linkage_secret, member.member_id)))
                consents = _decisions(con, member.member_id)
                clear = _patrons_clear(con, profile)
                identifiers = con.sql(
                    """SELECT cc_email(email) AS email, cc_phone_here(phone) AS phone, cc_fold(first_name) AS given_name,
                              cc_fold(last_name) AS surname, CAST(NULL AS VARCHAR) AS birth_date FROM accepted""").to_arrow_table()
                granted = {p: int(n or 0) for p, n in con.execute(
                    "SELECT purpose, count_if(granted) FROM decision GROUP BY purpose").fetchall()}
                withdrawn = {p: int(n or 0) for p, n in con.execute(
                    "SELECT purpose, count_if(NOT granted) FROM decision GROUP BY purpose").fetchall()}
                dated = bool(con.execute("SELECT count(*) FROM accepted WHERE at_given IS NOT NULL").fetchall()[0][0])
                event, ticket, unnamed = _empty(con, EVENT), _empty(con, TICKET), _empty(con, UNNAMED_SALE)
            finally:
                con.close()
            notify("pseudonymize")
            patrons = pseudonymize_patrons(clear, member.member_id, keys)
            notify("write")
            tables = {"event": event, "patron": patrons, "ticket": ticket, "consent": consents,
                      "unnamed_sale": unnamed}
            per_table = {name: t.num_rows for name, t in tables.items()}
            changes = {
                "purposes": {p: {"granted": granted.get(p, 0), "withdrawn": withdrawn.get(p, 0)}
                             for p in CONSENT_PURPOSES if f"consent_{p}" in profile.columns},
                "dated_by": "column" if dated else "export_time",
                "export_time": exported.isoformat(),
            }
            write_guarded_package(
                out, tables, identifiers, profile, member=member,
                rows={"in": rows_in, "accepted": rows_in - rejected, "rejected": rejected, **per_table},
                source_name=source.name,
                extra={"kind": PACKAGE_KIND, "rejects_by_reason": by_reason, "consent_changes": changes,
                       "timezone": profile.timezone},
                companions=[(rejects_tmp, rejects)],
            )
            rejects_tmp = None
        finally:
            if rejects_tmp is not None:
                rejects_tmp.unlink(missing_ok=True)
    return PrepareSummary(
        package=str(out), rejects_file=str(rejects), member_id=member.member_id, profile=profile.name,
        source=source.name, rows_in=rows_in, rows_accepted=rows_in - rejected, rows_rejected=rejected,
        rejects_by_reason=by_reason, rows_per_table=per_table, consent=changes,
        seconds=round(time.perf_counter() - started, 3))
