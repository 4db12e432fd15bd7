"""A person's request (erasure or access), made on the member's machine: tokens only.

The member knows the person (an e-mail, a phone, its own customer id); the cooperative knows
tokens. ``build_request`` turns what the member knows into the tokens ``prepare`` would have
written — the e-mail and phone tokens under the linkage secret, the member's record tokens
under its own key — and nothing else leaves: the request file holds no identifier.

The file carries a seal (SHA-256 of its canonical content): a request edited by hand or
damaged in transit is refused. The seal proves integrity, not origin: who may send a request
is decided by the channel it comes through (the member's API token or the operator).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.files import atomic_file, refuse_replacing
from culturecoop.i18n import _
from culturecoop.ingest.countries import FIRST_TEN
from culturecoop.ingest.labels import COUNTRIES
from culturecoop.ingest.normalize import install_normalizers
from culturecoop.jsontext import parse
from culturecoop.privacy.encodings import ID_TOKEN_HEX, keyed_tokens, member_id_tokens
from culturecoop.privacy.keys import load_member_keys

FORMAT = "culturecoop-subject-request"
VERSION = 1
KINDS = ("erasure", "access", "consent")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX_ID = re.compile(rf"^[0-9a-f]{{{ID_TOKEN_HEX}}}$")
_MEMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# The countries whose national phone numbers the normalizer reads (``cc_phone_e164``); any other country
# read every number without a + prefix as no phone at all, and the sentence blamed the number.
PHONE_COUNTRIES = ("CA", "US", "FR", "BE", "CH", "LU", "GB", "IE", "DE", "AT",
                   *(code for code in COUNTRIES if code not in FIRST_TEN))


@dataclass(frozen=True)
class SubjectRequest:
    kind: str
    member_id: str
    created_at: str
    email_tokens: tuple[str, ...] = ()
    phone_tokens: tuple[str, ...] = ()
    record_tokens: tuple[str, ...] = ()
    # Consent changes only: purpose → granted.
    consents: dict[str, bool] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "format": FORMAT, "version": VERSION, "kind": self.kind, "member_id": self.member_id,
            "created_at": self.created_at,
            "tokens": {"email": list(self.email_tokens), "phone": list(self.phone_tokens),
                       "records": list(self.record_tokens)},
        }
        if self.consents:
            body["consents"] = dict(sorted(self.consents.items()))
        return body

    @property
    def seal(self) -> str:
        return _seal(self.body())

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "seal": self.seal}


def _seal(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def _normalized(macro: str, value: str, *args: str) -> str | None:
    con = duckdb.connect()
    try:
        install_normalizers(con)
        placeholders = ", ".join("?" for _ in (value, *args))
        rows = con.execute(f"SELECT {macro}({placeholders})", [value, *args]).fetchall()
    finally:
        con.close()
    found = rows[0][0] if rows else None
    return str(found) if found else None


def build_request(kind: str, member_id: str, keys_dir: Path, *, emails: list[str] | None = None,
                  phones: list[str] | None = None, patron_ids: list[str] | None = None,
                  country: str = "CA", consents: dict[str, bool] | None = None) -> SubjectRequest:
    """The request for one person from what the member knows of them (at least one value)."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not (member_id or "").strip():
        # « Error:  is not a member identifier » read as a sentence cut at its start.
        raise UserError(_("The member identifier is empty; give --member, e.g. --member jazz-dieze."))
    if not _MEMBER.match(member_id or ""):
        raise UserError(_("{member} is not a member identifier; give the identifier the cooperative gave you with --member.").format(member=member_id))
    emails, phones, patron_ids = emails or [], phones or [], patron_ids or []
    if not (emails or phones or patron_ids):
        raise UserError(_("Say who the request is about: give --email, --phone or --patron-id (what your export knows of the person)."))
    for option, values in (("--email", emails), ("--phone", phones), ("--patron-id", patron_ids)):
        if any(not v.strip() for v in values):
            # An empty customer id became a token like any other: a request for nobody, said to be made.
            raise UserError(_("{option} is empty; give the person's value as it appears in your export, or leave it out.").format(option=option))
    country = country.strip().upper()
    if phones and country not in PHONE_COUNTRIES:
        raise UserError(_("--country {country} is not a country whose phone numbers culturecoop reads; use one of {countries}.").format(
            country=country, countries=", ".join(PHONE_COUNTRIES)))
    secret = load_member_keys(keys_dir).linkage_secret
    normalized_emails = []
    for email in emails:
        found = _normalized("cc_email", email)
        if found is None:
            raise UserError(_("{value} is not an e-mail address; give it as it appears in your export, e.g. name@example.org.").format(value=email))
        normalized_emails.append(found)
    normalized_phones = []
    for phone in phones:
        found = _normalized("cc_phone_in", phone, country)
        if found is None:
            raise UserError(_("{value} is not a phone number; give it with its area code, e.g. 514 555 0199.").format(value=phone))
        normalized_phones.append(found)
    # A member's customer id is often the e-mail itself: its record token is computed too.
    ids = [*patron_ids, *normalized_emails]
    return SubjectRequest(
        kind=kind, member_id=member_id,
        created_at=datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        email_tokens=tuple(sorted({t for t in keyed_tokens(normalized_emails, "email", secret) if t})),
        phone_tokens=tuple(sorted({t for t in keyed_tokens(normalized_phones, "phone", secret) if t})),
        record_tokens=tuple(sorted({t for t in member_id_tokens(ids, member_id, secret) if t})),
        consents=dict(consents or {}),
    )


def write_request(request: SubjectRequest, out: Path, *, keys: Path | None = None) -> Path:
    """Write the request file (whole or not at all); never over a key file of ``keys``."""
    if out.exists() and out.is_dir():
        raise UserError(_("{path} is a folder; give the path of the request file to write, e.g. request.json.").format(path=out))
    refuse_replacing(out, "--out", [(_("the keys folder (--keys)"), keys)])
    with atomic_file(out) as partial:
        partial.write_text(json.dumps(request.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def _tokens(value: Any, pattern: re.Pattern[str], path: Path, again: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and pattern.match(v) for v in value):
        raise UserError(_("The request {path} holds something that is not a token; make it again with `{command}`.").format(path=path, command=again))
    return tuple(value)


def _kind_words(kind: str) -> str:
    """A kind of request as the reader names it (never its code: « erasure », « consent »)."""
    return {"erasure": _("an erasure request"), "access": _("an access request"),
            "consent": _("a consent change")}[kind]


def read_request(path: Path, kind: str) -> SubjectRequest:
    """A request file checked for format, kind, seal and token shapes (one sentence otherwise)."""
    again = {"erasure": "culturecoop erasure request", "access": "culturecoop access request",
             "consent": "culturecoop consent request"}[kind]
    try:
        # A request saved again by an editor that adds a byte-order mark is still the same request.
        data = parse(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(_("The request file {path} does not exist; check the path.").format(path=path)) from None
    except (OSError, ValueError):  # also text that is not UTF-8, or JSON nested or numbered past reading
        raise UserError(_("{path} is not a request written by culturecoop; make it again with `{command}`.").format(path=path, command=again)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tokens"), dict):
        raise UserError(_("{path} is not a request written by culturecoop; make it again with `{command}`.").format(path=path, command=again))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or data.get("kind") not in KINDS:
        raise UserError(_("{path} is not a request written by culturecoop; make it again with `{command}`.").format(path=path, command=again))
    if version != VERSION:
        raise UserError(_("The request {path} has format version {version}, which this culturecoop does not read; make it again with `{command}`.").format(path=path, version=version, command=again))
    if data["kind"] != kind:
        raise UserError(_("The request {path} is {found}, not {expected}; give the right file.").format(
            path=path, found=_kind_words(data["kind"]), expected=_kind_words(kind)))
    seal = data.pop("seal", None)
    if seal != _seal(data):
        raise UserError(_("The request {path} was altered after it was made (its seal does not match); make it again with `{command}`.").format(path=path, command=again), exit_code=3)
    member_id = data.get("member_id")
    if not isinstance(member_id, str) or not _MEMBER.match(member_id):
        raise UserError(_("{path} is not a request written by culturecoop; make it again with `{command}`.").format(path=path, command=again))
    tokens = data["tokens"]
    consents = data.get("consents") or {}
    if not isinstance(consents, dict) or not all(isinstance(v, bool) for v in consents.values()):
        raise UserError(_("{path} is not a request written by culturecoop; make it again with `{command}`.").format(path=path, command=again))
    request = SubjectRequest(
        kind=kind, member_id=member_id, created_at=str(data.get("created_at")),
        email_tokens=_tokens(tokens.get("email"), _HEX64, path, again),
        phone_tokens=_tokens(tokens.get("phone"), _HEX64, path, again),
        record_tokens=_tokens(tokens.get("records"), _HEX_ID, path, again),
        consents={str(k): bool(v) for k, v in consents.items()},
    )
    if not (request.email_tokens or request.phone_tokens or request.record_tokens):
        raise UserError(_("The request {path} names nobody (it holds no token); make it again with `{command}` and the person's e-mail.").format(path=path, command=again))
    return request
