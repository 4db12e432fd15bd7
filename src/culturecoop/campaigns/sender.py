"""The sender service: the only code that opens sealed contacts, and only in memory.

``send_campaign`` runs where the campaign private key is. For each person of the treatment arm
still eligible and under the frequency cap it opens the sealed contact, renders the message in
the person's language with RFC 8058 headers (``List-Unsubscribe`` and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``) and a signed unsubscribe link, and hands it to the SMTP server,
at most ``rate`` messages a second, retrying what the server refuses for now (4xx, a dropped
connection) and suppressing for good what it refuses for good (5xx).

**Nothing twice.** Each outcome is appended to a journal file (patron key and status, never an
address) the moment the server answers, and copied into ``campaign_send`` in batches. A send
that stops (the server disappears, the process is killed) is resumed by running it again: the
journal is replayed first, and nobody with an outcome is sent to again.
"""

from __future__ import annotations

import binascii
import os
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

import pyarrow as pa

from culturecoop.analytics.service import default_actor
from culturecoop.campaigns import content, eligibility, unsubscribe
from culturecoop.campaigns.service import campaign_row, member_name, now_utc, record
from culturecoop.campaigns.settings import current_settings, reply_to
from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.i18n import _, count, plural
from culturecoop.privacy.keys import load_campaign_private, load_server_secret
from culturecoop.privacy.vault import ContactOpener
from culturecoop.warehouse.engine import Warehouse

FINAL = ("sent", "bounced", "capped", "opted_out", "uncertain")
FLUSH_EVERY = 2000
FLUSH_SECONDS = 2.0
URL_MARK = "\x00UNSUBSCRIBE\x00"
SEND_COLUMNS = ("campaign_id", "patron_key", "variant", "status", "attempts", "sent_at", "smtp_code")


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand messages over."""

    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def parse_server(text: str) -> tuple[str, int]:
    host, sep, port = (text or "").strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(_("--smtp must be HOST:PORT, e.g. --smtp 127.0.0.1:1025; got {value}.").format(value=text))
    return host.strip("[]"), int(port)


@dataclass
class SendReport:
    campaign_id: str
    sent: int = 0
    bounced: int = 0
    failed: int = 0
    capped: int = 0
    opted_out: int = 0
    already_done: int = 0
    seconds: float = 0.0
    status: str = ""
    audit_id: int | None = None

    @property
    def skipped(self) -> int:
        return self.capped + self.opted_out

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "sent": self.sent, "failed": self.failed + self.bounced,
                "bounced": self.bounced, "failed_for_now": self.failed, "skipped": self.skipped, "capped": self.capped,
                "opted_out": self.opted_out, "already_done": self.already_done, "status": self.status,
                "seconds": round(self.seconds, 3), "audit_id": self.audit_id}


def journal_path(db_path: Path, campaign_id: str) -> Path:
    return db_path.parent / f"{db_path.name}.campaign-sends" / f"{campaign_id}.journal"


@dataclass
class _Journal:
    """Outcomes appended as they happen (unbuffered writes survive a killed process)."""

    path: Path
    pending: list[tuple[Any, ...]] = field(default_factory=list)
    fd: int = -1

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def add(self, row: tuple[Any, ...]) -> None:
        self.claim(row)
        self.pending.append(row)

    def claim(self, row: tuple[Any, ...]) -> None:
        """Write the line only (a ``claimed`` line precedes each hand-over to the server)."""
        os.write(self.fd, ("\t".join("" if v is None else str(v) for v in row[1:]) + "\n").encode())

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _read_journal(path: Path, campaign_id: str) -> list[tuple[Any, ...]]:
    """The outcomes of a send that stopped. A message claimed without an outcome was in the SMTP
    server's hands when the process died: it may have gone out, so it is ``uncertain`` (never
    sent again) rather than sent twice."""
    newest: dict[str, tuple[Any, ...]] = {}
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) != 6:
            continue  # a line cut by the crash
        key, variant, status, attempts, at, code = parts
        if status == "claimed":
            status = "uncertain"
        newest[key] = (campaign_id, key, variant, status, int(attempts), datetime.fromisoformat(at), int(code) if code else None)
    return list(newest.values())


def _flush(warehouse: Warehouse, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    # The newest outcome of each person wins (a retry after a failure).
    newest = {r[1]: r for r in rows}
    batch = pa.table({name: [r[i] for r in newest.values()] for i, name in enumerate(SEND_COLUMNS)})
    bounced = pa.table({"patron_key": [r[1] for r in newest.values() if r[3] == "bounced"],
                        "campaign_id": [r[0] for r in newest.values() if r[3] == "bounced"]})
    with warehouse.transaction() as con:
        con.register("send_batch", batch)
        con.register("bounce_batch", bounced)
        try:
            con.execute("INSERT OR REPLACE INTO campaign_send SELECT * FROM send_batch")
            con.execute("INSERT OR IGNORE INTO campaign_suppression "
                        "SELECT patron_key, 'bounced', campaign_id, now()::TIMESTAMP FROM bounce_batch")
        finally:
            con.unregister("send_batch")
            con.unregister("bounce_batch")


class _Messages:
    """Builds each recipient's message bytes from per-language parts rendered once."""

    def __init__(self, campaign: dict[str, Any], event: content.EventInfo | None, sender_name: str,
                 sender_address: str, public_url: str, link_key: bytes, reply_to: str | None = None) -> None:
        self.campaign_id = campaign["campaign_id"]
        self.public_url = public_url
        self.link_key = link_key
        self.domain = sender_address.rpartition("@")[2] or "culturecoop.invalid"
        self.parts: dict[str, tuple[str, str, str]] = {}
        for language in content.LANGUAGES:
            rendered = content.render(campaign, event, sender_name, language, URL_MARK)
            head = (f"From: {formataddr((str(Header(sender_name, 'utf-8')), sender_address))}\r\n"
                    # Replies go to the member (its box office), never to the cooperative's sending address.
                    + (f"Reply-To: {reply_to}\r\n" if reply_to else "") +
                    f"Subject: {Header(rendered['subject'], 'utf-8').encode()}\r\n"
                    f"MIME-Version: 1.0\r\nContent-Language: {language}\r\n")
            self.parts[language] = (head, rendered["text"], rendered["html"])

    def build(self, language: str, address: str, recipient_id: str) -> bytes:
        head, text, page = self.parts[language]
        url = unsubscribe.unsubscribe_url(self.public_url, self.link_key, self.campaign_id, recipient_id)
        boundary = "=_" + uuid.uuid4().hex
        text_qp = binascii.b2a_qp(text.replace(URL_MARK, url).encode("utf-8")).decode("ascii")
        html_qp = binascii.b2a_qp(page.replace(URL_MARK, f'<a href="{url}">{url}</a>').encode("utf-8")).decode("ascii")
        message = (
            f"{head}To: {address}\r\nDate: {format_datetime(datetime.now(UTC))}\r\n"
            f"Message-ID: <{self.campaign_id}.{recipient_id}@{self.domain}>\r\n"
            f"List-Unsubscribe: <{url}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            f"{text_qp}\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            f"{html_qp}\r\n--{boundary}--\r\n"
        )
        return message.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    return host in ("localhost", "::1") or host.endswith(".localhost") or host.startswith("127.")


def _check_reachable_links(public_url: str, sender_address: str, server: SmtpServer) -> None:
    """Before anything leaves for a mail server elsewhere (people's mailboxes): refused in one sentence when
    the unsubscribe links would point to this machine (the default « http://127.0.0.1:8000 », which no
    recipient can open: every message would carry a dead unsubscribe link) or the sender is the default
    ``….invalid`` address (refused or filed as spam). A server on loopback (a test, the demo, a relay on this
    machine) is not checked: where its messages go is not known here."""
    from urllib.parse import urlsplit

    if _loopback(server.host):
        return
    if _loopback(urlsplit(public_url).hostname or ""):
        raise UserError(_("The unsubscribe links would point to {url}, which nobody outside this machine can open; set the dashboard's public address first with `culturecoop campaigns settings --public-url https://…`. Nothing was sent.").format(
            url=public_url), exit_code=4)
    if sender_address.lower().endswith(".invalid"):
        raise UserError(_("The sending address {address} is a placeholder that mailboxes refuse; set the cooperative's address first with `culturecoop campaigns settings --sender campagnes@…`. Nothing was sent.").format(
            address=sender_address), exit_code=4)


TEST_RECIPIENT = "test"  # the unsubscribe link of a test message names no person


def send_test(warehouse: Warehouse, campaign_id: str, member_id: str, *, to_address: str, server: SmtpServer,
              server_secret: bytes) -> list[str]:
    """The campaign's message, as its people will receive it, to the member's own address: once per
    language it is written in, its subject marked « [Essai] » / "[Test]". Nobody of the audience is
    reached and nothing about a person is read or written; the campaign is not sent by it. Returns
    the languages sent; an SMTP server that cannot be reached or refuses the address is one sentence."""
    campaign = dict(campaign_row(warehouse, campaign_id, member_id))
    if campaign["status"] == "cancelled":
        raise UserError(_("Campaign {campaign} was cancelled; create a new one.").format(campaign=campaign_id), exit_code=4)
    settings = current_settings(warehouse)
    event = content.find_event(warehouse, member_id, campaign["event_id"]) if campaign["event_id"] else None
    same = (campaign["subject_en"], campaign["body_en"]) == (campaign["subject_fr"], campaign["body_fr"])
    languages = ["fr"] if same else ["fr", "en"]
    for language in languages:
        campaign[f"subject_{language}"] = content.translator(language)("[Test]") + " " + campaign[f"subject_{language}"]
    messages = _Messages(campaign, event, member_name(warehouse, member_id), settings.sender_address, settings.public_url,
                         unsubscribe.link_key(server_secret), reply_to(warehouse, member_id))
    connection = _Connection(server)
    with _smtp_errors(server):
        try:
            smtp = connection.get()
            for language in languages:
                smtp.sendmail(settings.sender_address, [to_address], messages.build(language, to_address, TEST_RECIPIENT))
        except smtplib.SMTPRecipientsRefused:
            raise UserError(_("The mail server refused the address {address}; check your account's e-mail address.").format(
                address=to_address), exit_code=4) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise UserError(_("The cooperative's mail server at {server} does not answer ({reason}); try again in a moment, or tell the cooperative.").format(
                server=_where(server), reason=_unreachable(exc)), exit_code=EXIT_ENVIRONMENT) from None
        finally:
            connection.quit()
    return languages


class _Connection:
    """One SMTP session, opened again when the server drops it."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def get(self) -> smtplib.SMTP:
        if self.smtp is None:
            smtp = smtplib.SMTP(self.server.host, self.server.port, timeout=self.server.timeout)
            try:
                if self.server.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.server.user:
                    smtp.login(self.server.user, self.server.password or "")
            except BaseException:
                with suppress(Exception):
                    smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            with suppress(Exception):
                self.smtp.close()
            self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            with suppress(Exception):
                self.smtp.quit()
            self.drop()


def _unreachable(exc: BaseException) -> str:
    """Why the SMTP server was not reached, in words (not ``ConnectionRefusedError``)."""
    if isinstance(exc, ConnectionRefusedError):
        return _("nothing answers on that port")
    if isinstance(exc, TimeoutError):
        return _("no answer in time")
    if isinstance(exc, socket.gaierror):
        return _("no such host name")
    if isinstance(exc, smtplib.SMTPException):
        return _("the server refused the conversation")
    return _("the network refused the connection")


def _where(server: SmtpServer) -> str:
    return f"{server.host}:{server.port}"


@contextmanager
def _smtp_errors(server: SmtpServer) -> Iterator[None]:
    """Session-level SMTP problems as one sentence (never the server's text: it may quote an address)."""
    try:
        yield
    except smtplib.SMTPAuthenticationError:
        raise UserError(_("The SMTP server at {server} refused the user name or password; check --user and the password variable.").format(
            server=_where(server))) from None
    except smtplib.SMTPNotSupportedError:
        raise UserError(_("The SMTP server at {server} does not offer STARTTLS or login; drop --starttls or --user, or use another server.").format(
            server=_where(server))) from None
    except smtplib.SMTPSenderRefused as exc:
        raise UserError(_("The SMTP server at {server} refuses the sender address (code {code}); set an address it accepts with `culturecoop campaigns settings --sender ADDRESS`.").format(
            server=_where(server), code=exc.smtp_code), exit_code=4) from None


def _classify(code: int) -> str:
    return "bounced" if 500 <= code < 600 else "retry"


def send_campaign(warehouse: Warehouse, campaign_id: str, *, keys_dir: Path, server: SmtpServer,
                  rate: float | None = None, actor: str | None = None, max_attempts: int = 3,
                  reconnect_waits: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0),
                  progress: Callable[[int, int], None] | None = None) -> SendReport:
    """Send (or resume) a campaign; see the module docstring. Returns the outcome counts."""
    started = time.perf_counter()
    who = actor or default_actor()
    campaign = campaign_row(warehouse, campaign_id)
    status = campaign["status"]
    if status == "awaiting_approval":
        raise UserError(_("Campaign {campaign} awaits the cooperative admin's approval; ask for `culturecoop campaigns approve {campaign}`.").format(
            campaign=campaign_id), exit_code=4)
    if status == "cancelled":
        raise UserError(_("Campaign {campaign} was cancelled; create a new one.").format(campaign=campaign_id), exit_code=4)
    now = now_utc()
    if status != "sent" and now < campaign["window_start"]:
        raise UserError(_("Campaign {campaign} may be sent from {start} (UTC); run the command again then.").format(
            campaign=campaign_id, start=campaign["window_start"].isoformat(timespec="minutes")), exit_code=4)
    journal = _Journal(journal_path(warehouse.path, campaign_id))
    if journal.path.exists():
        _flush(warehouse, _read_journal(journal.path, campaign_id))
        journal.path.unlink()
    report = SendReport(campaign_id)
    done = {r["patron_key"]: r["status"] for r in warehouse.query(
        "SELECT patron_key, status FROM campaign_send WHERE campaign_id = ?", [campaign_id])}
    report.already_done = sum(1 for s in done.values() if s in FINAL)
    treatment = [r["patron_key"] for r in warehouse.query(
        "SELECT patron_key FROM campaign_recipient WHERE campaign_id = ? AND arm = 'treatment'", [campaign_id])]
    todo = [k for k in treatment if done.get(k) not in FINAL]
    if not todo:
        report.status = _finish(warehouse, campaign, who, report, closing=status != "sent")
        report.seconds = time.perf_counter() - started
        return report
    if now > campaign["window_end"]:
        raise UserError(_("The send window of campaign {campaign} closed at {end} (UTC); create a new campaign to reach the people it has not reached.").format(
            campaign=campaign_id, end=campaign["window_end"].isoformat(timespec="minutes")), exit_code=4)
    # Keys first: a missing key must stop the send before anything is written or sent.
    opener = ContactOpener(load_campaign_private(keys_dir))
    link_key = unsubscribe.link_key(load_server_secret(keys_dir))
    settings = current_settings(warehouse)
    _check_reachable_links(settings.public_url, settings.sender_address, server)
    rate = settings.rate_per_second if rate is None else rate
    if rate < 0:
        raise UserError(_("The sending rate must be zero (no limit) or a positive number of messages per second."))
    member_id = campaign["member_id"]
    event = content.find_event(warehouse, member_id, campaign["event_id"]) if campaign["event_id"] else None
    messages = _Messages(campaign, event, member_name(warehouse, member_id), settings.sender_address, settings.public_url, link_key,
                         reply_to(warehouse, member_id))  # the campaign's own member's: never another's
    recipient_ids = {r["patron_key"]: r["recipient_id"] for r in warehouse.query(
        "SELECT patron_key, recipient_id FROM campaign_recipient WHERE campaign_id = ? AND arm = 'treatment'", [campaign_id])}
    connection = _Connection(server)
    with _smtp_errors(server):
        try:
            connection.get()
        except (OSError, smtplib.SMTPException) as exc:
            raise UserError(_("The SMTP server at {server} cannot be reached ({reason}); check --smtp and that the server runs, then run the command again.").format(
                server=_where(server), reason=_unreachable(exc)), exit_code=EXIT_ENVIRONMENT) from None
    sendable = {r["patron_key"]: r for r in eligibility.sendable(warehouse, campaign_id, member_id)}
    recent = eligibility.recent_sends(warehouse, campaign_id, now, settings.cap_days)
    with warehouse.transaction() as con:
        con.execute("UPDATE campaign SET status = 'sending', first_sent_at = coalesce(first_sent_at, ?) WHERE campaign_id = ?",
                    [now, campaign_id])
        record(con, who, member_id, "campaign_send_started", {"campaign": campaign_id, "to_send": len(todo)})
    journal.open()
    last_flush = time.monotonic()
    interval = 1.0 / rate if rate else 0.0
    next_at = time.monotonic()
    gone = False
    try:
        with _smtp_errors(server):
            for position, key in enumerate(todo):
                person = sendable.get(key)
                if person is None:
                    journal.add((campaign_id, key, "fr", "opted_out", 0, now_utc().isoformat(), None))
                    report.opted_out += 1
                elif recent.get(key, 0) >= settings.frequency_cap:
                    journal.add((campaign_id, key, person["language"], "capped", 0, now_utc().isoformat(), None))
                    report.capped += 1
                else:
                    if interval:
                        delay = next_at - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
                        next_at = max(next_at, time.monotonic() - 1.0) + interval
                    try:
                        address = opener.open(person["contact_sealed"])
                    except ValueError:
                        # Sealed to another key or altered: nothing can be sent; counted, never retried.
                        journal.add((campaign_id, key, person["language"], "bounced", 0, now_utc().isoformat(), None))
                        report.bounced += 1
                        continue
                    data = messages.build(person["language"], address, recipient_ids[key])
                    journal.claim((campaign_id, key, person["language"], "claimed", 0, now_utc().isoformat(), None))
                    outcome, attempts, code = _deliver(connection, settings.sender_address, address, data,
                                                       max_attempts, reconnect_waits)
                    del address, data
                    if outcome == "gone":
                        gone = True
                        break
                    journal.add((campaign_id, key, person["language"], outcome, attempts, now_utc().isoformat(), code))
                    if outcome == "sent":
                        report.sent += 1
                    elif outcome == "bounced":
                        report.bounced += 1
                    else:
                        report.failed += 1
                if time.monotonic() - last_flush > FLUSH_SECONDS or len(journal.pending) >= FLUSH_EVERY:
                    _flush(warehouse, journal.pending)
                    journal.pending = []
                    last_flush = time.monotonic()
                    if progress:
                        progress(position + 1, len(todo))
    finally:
        connection.quit()
        journal.close()
        _flush(warehouse, journal.pending)
        journal.pending = []
        with suppress(FileNotFoundError):
            journal.path.unlink()
    if progress:
        progress(len(todo), len(todo))
    report.seconds = time.perf_counter() - started
    if gone:
        with warehouse.transaction() as con:
            record(con, who, member_id, "campaign_send_interrupted", {"campaign": campaign_id, "sent": report.sent})
        raise UserError(plural(
            report.sent,
            "The SMTP server at {server} stopped answering after {n} message of this run; run the same command again to resume (nobody receives the campaign twice).",
            "The SMTP server at {server} stopped answering after {n} messages of this run; run the same command again to resume (nobody receives the campaign twice).",
        ).format(server=_where(server), n=count(report.sent)), exit_code=EXIT_ENVIRONMENT)
    report.status = _finish(warehouse, campaign, who, report, closing=True)
    return report


def _deliver(connection: _Connection, sender: str, address: str, data: bytes, max_attempts: int,
             waits: tuple[float, ...]) -> tuple[str, int, int | None]:
    """(outcome, attempts, last code): ``sent``, ``bounced``, ``failed`` (4xx every time) or ``gone``."""
    attempts = 0
    code: int | None = None
    reconnects = 0
    options = [] if address.isascii() else ["SMTPUTF8"]
    while attempts < max_attempts:
        try:
            smtp = connection.get()
        except (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected):
            if reconnects >= len(waits):
                return "gone", attempts, code
            time.sleep(waits[reconnects])
            reconnects += 1
            continue
        attempts += 1
        try:
            refused = smtp.sendmail(sender, [address], data, mail_options=options)
            if not refused:
                return "sent", attempts, 250
            code = int(next(iter(refused.values()))[0])
        except smtplib.SMTPRecipientsRefused as exc:
            code = int(next(iter(exc.recipients.values()))[0])
        except smtplib.SMTPSenderRefused:
            raise
        except smtplib.SMTPResponseException as exc:
            code = int(exc.smtp_code)
            if code == 421:  # the server closes the session: open a new one
                connection.drop()
        except (smtplib.SMTPServerDisconnected, OSError):
            # The message was not accepted (no final reply): it is safe to try again.
            connection.drop()
            attempts -= 1
            if reconnects >= len(waits):
                return "gone", attempts, code
            time.sleep(waits[reconnects])
            reconnects += 1
            continue
        if _classify(code) == "bounced":
            with suppress(Exception):
                smtp.rset()
            return "bounced", attempts, code
        with suppress(Exception):
            smtp.rset()
        if attempts < max_attempts:
            time.sleep(waits[min(attempts - 1, len(waits) - 1)])
    return "failed", attempts, code


def _finish(warehouse: Warehouse, campaign: dict[str, Any], actor: str, report: SendReport, *, closing: bool) -> str:
    """Mark the campaign sent when every treatment person has a final outcome; audit the run."""
    campaign_id = campaign["campaign_id"]
    left = int(warehouse.scalar(
        "SELECT count(*) FROM campaign_recipient AS r LEFT JOIN campaign_send AS s USING (campaign_id, patron_key) "
        "WHERE r.campaign_id = ? AND r.arm = 'treatment' AND (s.status IS NULL OR s.status NOT IN ('sent', 'bounced', 'capped', 'opted_out', 'uncertain'))",
        [campaign_id]))
    status = "sent" if left == 0 else "sending"
    if not closing:
        return status
    with warehouse.transaction() as con:
        con.execute("UPDATE campaign SET status = ?, finished_at = CASE WHEN ? = 'sent' THEN ? ELSE finished_at END WHERE campaign_id = ?",
                    [status, status, now_utc(), campaign_id])
        entry = record(con, actor, campaign["member_id"], "campaign_sent", {
            "campaign": campaign_id, "sent": report.sent, "bounced": report.bounced, "failed": report.failed,
            "capped": report.capped, "opted_out": report.opted_out, "left": left})
    report.audit_id = entry.seq
    return status
