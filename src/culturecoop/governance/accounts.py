"""Accounts of the dashboard and the REST API: people, roles, passwords, invitations.

Three roles: the cooperative admin (no member; onboards members, sets the privacy policy), the
member admin (invites and manages the accounts of one member) and the member analyst (reads one
member's dashboard and sends its packages). Passwords are stored as Argon2id hashes only.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from culturecoop.errors import NotFoundError, UserError
from culturecoop.i18n import _, count, current_language
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.members import MEMBERS_SQL, closest_member, unknown_member

Role = Literal["coop_admin", "member_admin", "member_analyst"]
ROLES: tuple[Role, ...] = ("coop_admin", "member_admin", "member_analyst")
LANGUAGES = ("fr", "en")
MIN_PASSWORD_LENGTH = 10
INVITATION_DAYS = 7
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LOCAL, MAX_EMAIL = 64, 254  # RFC 5321's limits of a deliverable address
_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    """A signed-in person as the web layer sees them (never the password hash)."""

    account_id: str
    email: str
    display_name: str
    role: Role
    member_id: str | None
    language: str
    created_at: datetime
    disabled: bool = False

    @property
    def is_coop_admin(self) -> bool:
        return self.role == "coop_admin"

    @property
    def is_member_admin(self) -> bool:
        return self.role == "member_admin"

    def public(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "email": self.email,
            "display_name": self.display_name,
            "role": self.role,
            "member_id": self.member_id,
            "language": self.language,
            "created_at": self.created_at,
            "disabled": self.disabled,
        }


ACCOUNT_COLUMNS = "account_id, email, display_name, role, member_id, language, created_at, disabled_at"


def account_from_row(row: dict[str, Any]) -> Account:
    return Account(
        account_id=row["account_id"],
        email=row["email"],
        display_name=row["display_name"] or row["email"],
        role=row["role"],
        member_id=row["member_id"],
        language=row["language"],
        created_at=row["created_at"],
        disabled=row["disabled_at"] is not None,
    )


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("The password is too short: use at least {n} characters.").format(n=count(MIN_PASSWORD_LENGTH))
        )


def member_exists(warehouse: Warehouse, member_id: str) -> bool:
    return bool(warehouse.scalar("SELECT count(*) FROM member WHERE member_id = ?", [member_id]))


def _check_new_account(warehouse: Warehouse, email: str, role: str, member_id: str | None) -> None:
    if not email.strip():  # « Error:  is not an e-mail address » named nothing
        raise UserError(_("The e-mail address is empty; give the account's address, e.g. name@example.org."))
    if not _EMAIL.match(email):
        raise UserError(_("{email} is not an e-mail address; give one like name@example.org.").format(email=email))
    local = email.rsplit("@", 1)[0]
    if len(local) > MAX_EMAIL_LOCAL or len(email) > MAX_EMAIL:
        # What mail servers accept (RFC 5321): a longer address is a paste gone wrong, and no
        # invitation could ever reach it.
        raise UserError(_("This e-mail address is too long to receive mail (at most {local} characters before the @ "
                          "and {total} in all); check it and give it again.").format(local=count(MAX_EMAIL_LOCAL),
                                                                                      total=count(MAX_EMAIL)))
    if role not in ROLES:
        # Imported here: the analytics package loads only for a refusal (`users add` stays quick).
        from culturecoop.analytics.wording import choices

        raise UserError(
            _("Unknown role {role}; use one of {roles}.").format(
                role=role, roles=choices("role", ROLES, current_language()))
        )
    if role == "coop_admin" and member_id:
        raise UserError(_("A cooperative admin belongs to no member; leave the member out."))
    if role != "coop_admin":
        if not member_id:
            raise UserError(_("A member account needs a member; give the member's identifier."))
        if not member_exists(warehouse, member_id):
            # A slip of the keyboard (« jazz-dieez ») or the member's name is said with the member it was meant for,
            # as a report says it; a member not there yet is added in Admin or by its first package.
            rows = warehouse.query(MEMBERS_SQL)
            if closest_member(member_id, rows):
                raise unknown_member(member_id, rows)
            raise UserError(
                _("Unknown member {member}; add the member in Admin or load its first package.").format(member=member_id)
            )
    if warehouse.scalar("SELECT count(*) FROM account WHERE email = ?", [email]):
        raise UserError(
            _("An account already exists for {email}; sign in or ask an admin to reset it.").format(email=email),
            exit_code=4,
        )


def create_account(
    warehouse: Warehouse,
    *,
    email: str,
    password: str,
    role: str,
    member_id: str | None = None,
    display_name: str | None = None,
    language: str = "fr",
) -> Account:
    """Create an account after checking e-mail, role, member and password; return it."""
    email = normalize_email(email)
    _check_new_account(warehouse, email, role, member_id)
    check_password_strength(password)
    if language not in LANGUAGES:
        language = "fr"
    account_id = secrets.token_hex(8)
    password_hash = _hasher.hash(password)
    with warehouse.transaction() as con:
        con.execute(
            "INSERT INTO account VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [account_id, email, (display_name or "").strip() or None, password_hash, role,
             member_id or None, language, utcnow()],
        )
    found = get_account(warehouse, account_id)
    assert found is not None
    return found


def get_account(warehouse: Warehouse, account_id: str) -> Account | None:
    rows = warehouse.query(f"SELECT {ACCOUNT_COLUMNS} FROM account WHERE account_id = ?", [account_id])
    return account_from_row(rows[0]) if rows else None


def list_accounts(warehouse: Warehouse, member_id: str | None = None) -> list[Account]:
    """Every account, or those of one member, ordered by e-mail."""
    if member_id is None:
        rows = warehouse.query(f"SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY email")
    else:
        rows = warehouse.query(
            f"SELECT {ACCOUNT_COLUMNS} FROM account WHERE member_id = ? ORDER BY email", [member_id]
        )
    return [account_from_row(r) for r in rows]


def count_accounts(warehouse: Warehouse) -> int:
    return int(warehouse.scalar("SELECT count(*) FROM account"))


def authenticate(warehouse: Warehouse, email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, else None (in constant-ish time)."""
    rows = warehouse.query(
        f"SELECT {ACCOUNT_COLUMNS}, password_hash FROM account WHERE email = ?", [normalize_email(email)]
    )
    stored = rows[0]["password_hash"] if rows else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not rows or rows[0]["disabled_at"] is not None:
        return None
    account = account_from_row(rows[0])
    if _hasher.check_needs_rehash(stored):
        with warehouse.transaction() as con:
            con.execute("UPDATE account SET password_hash = ? WHERE account_id = ?",
                        [_hasher.hash(password), account.account_id])
    return account


def set_language(warehouse: Warehouse, account_id: str, language: str) -> None:
    if language not in LANGUAGES:
        raise UserError(_("Unknown language {language}; choose fr or en.").format(language=language))
    with warehouse.transaction() as con:
        con.execute("UPDATE account SET language = ? WHERE account_id = ?", [language, account_id])


def set_password(warehouse: Warehouse, account_id: str, password: str) -> None:
    check_password_strength(password)
    with warehouse.transaction() as con:
        con.execute("UPDATE account SET password_hash = ? WHERE account_id = ?",
                    [_hasher.hash(password), account_id])
        # A new password signs out every other browser.
        con.execute("DELETE FROM account_session WHERE account_id = ?", [account_id])


def set_disabled(warehouse: Warehouse, account_id: str, disabled: bool) -> None:
    """Disable (or enable again) an account; disabling also ends its sessions and tokens."""
    now = utcnow()
    with warehouse.transaction() as con:
        con.execute("UPDATE account SET disabled_at = ? WHERE account_id = ?",
                    [now if disabled else None, account_id])
        if disabled:
            con.execute("DELETE FROM account_session WHERE account_id = ?", [account_id])
            con.execute("UPDATE api_token SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                        [now, account_id])


# --- invitations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    email: str
    role: Role
    member_id: str | None
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None

    @property
    def expired(self) -> bool:
        return self.expires_at < utcnow()

    def public(self) -> dict[str, Any]:
        return {
            "invitation_id": self.invitation_id,
            "email": self.email,
            "role": self.role,
            "member_id": self.member_id,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "accepted_at": self.accepted_at,
        }


_INVITATION_COLUMNS = "invitation_id, email, role, member_id, invited_by, created_at, expires_at, accepted_at"


def create_invitation(
    warehouse: Warehouse, by: Account, *, email: str, role: str, member_id: str | None
) -> tuple[Invitation, str]:
    """Invite someone; return the invitation and the secret of its one-time link (shown once).

    A member admin invites accounts of its own member only; the cooperative admin invites anyone.
    """
    email = normalize_email(email)
    if not by.is_coop_admin:
        if not by.is_member_admin or member_id != by.member_id:
            raise UserError(_("Only an admin of this member can invite accounts to it."), exit_code=4)
        if role == "coop_admin":
            raise UserError(_("A member admin cannot invite a cooperative admin."), exit_code=4)
    _check_new_account(warehouse, email, role, member_id)
    invitation_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(24)
    now = utcnow()
    with warehouse.transaction() as con:
        con.execute(
            "INSERT INTO invitation VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [invitation_id, sha256_hex(secret), email, role, member_id or None, by.account_id, now,
             now + timedelta(days=INVITATION_DAYS)],
        )
    invitation = Invitation(invitation_id, email, role, member_id or None, by.account_id, now,  # type: ignore[arg-type]
                            now + timedelta(days=INVITATION_DAYS), None)
    return invitation, f"{invitation_id}.{secret}"


def _invitation_row(warehouse: Warehouse, link_secret: str) -> dict[str, Any] | None:
    invitation_id, _sep, secret = link_secret.partition(".")
    rows = warehouse.query(
        f"SELECT {_INVITATION_COLUMNS}, token_hash FROM invitation WHERE invitation_id = ?", [invitation_id]
    )
    if not rows or not secrets.compare_digest(rows[0]["token_hash"], sha256_hex(secret)):
        return None
    return rows[0]


def open_invitation(warehouse: Warehouse, link_secret: str) -> Invitation:
    """The pending invitation behind a link, or a UserError saying why it cannot be used."""
    row = _invitation_row(warehouse, link_secret)
    if row is None:
        raise UserError(_("This invitation link is not valid; ask your admin for a new one."))
    if row["accepted_at"] is not None:
        raise UserError(_("This invitation was already used; sign in with your account."), exit_code=4)
    if row["expires_at"] < utcnow():
        raise UserError(_("This invitation has expired; ask your admin for a new one."), exit_code=4)
    return Invitation(**{k: row[k] for k in _INVITATION_COLUMNS.split(", ")})


def accept_invitation(
    warehouse: Warehouse, link_secret: str, *, password: str, display_name: str | None, language: str
) -> Account:
    """Create the invited account and mark the invitation used."""
    invitation = open_invitation(warehouse, link_secret)
    account = create_account(
        warehouse, email=invitation.email, password=password, role=invitation.role,
        member_id=invitation.member_id, display_name=display_name, language=language,
    )
    with warehouse.transaction() as con:
        con.execute("UPDATE invitation SET accepted_at = ? WHERE invitation_id = ?",
                    [utcnow(), invitation.invitation_id])
    return account


def withdraw_invitation(warehouse: Warehouse, by: Account, invitation_id: str,
                        member_id: str | None = None) -> Invitation:
    """Withdraw an invitation not yet accepted (sent to a wrong address, or no longer wanted): its
    link stops working at once and it leaves the list. A member admin withdraws its own member's
    invitations only (another member's is "no such invitation", like one that does not exist);
    an accepted one is refused, the account being what to disable."""
    rows = warehouse.query(f"SELECT {_INVITATION_COLUMNS} FROM invitation WHERE invitation_id = ?", [invitation_id])
    found = Invitation(**rows[0]) if rows else None
    if found is not None and member_id is not None and found.member_id != member_id:
        found = None
    if found is None or not (by.is_coop_admin or (by.is_member_admin and found.member_id == by.member_id)):
        raise NotFoundError(_("No such invitation among those you manage."))
    if found.accepted_at is not None:
        raise UserError(_("This invitation was already accepted: disable the account it created instead."),
                        exit_code=4)
    with warehouse.transaction() as con:
        con.execute("DELETE FROM invitation WHERE invitation_id = ? AND accepted_at IS NULL", [invitation_id])
    return found


def list_invitations(warehouse: Warehouse, member_id: str | None = None) -> list[Invitation]:
    where, params = ("WHERE member_id = ?", [member_id]) if member_id else ("", [])
    rows = warehouse.query(
        f"SELECT {_INVITATION_COLUMNS} FROM invitation {where} ORDER BY created_at DESC", params
    )
    return [Invitation(**r) for r in rows]
