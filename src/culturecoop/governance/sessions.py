"""Browser sessions and REST API tokens: random secrets whose SHA-256 alone is stored.

A session cookie or an API token is worth nothing once its row is gone or expired; disabling an
account ends both. Tokens are scoped to one member and revocable by their owner or a member admin.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from culturecoop.errors import NotFoundError, UserError
from culturecoop.governance.accounts import (
    ACCOUNT_COLUMNS,
    Account,
    account_from_row,
    sha256_hex,
    utcnow,
)
from culturecoop.i18n import _
from culturecoop.warehouse.engine import Warehouse

TOKEN_PREFIX = "ccp"


def open_session(warehouse: Warehouse, account: Account, ttl: timedelta) -> str:
    """Start a session for ``account``; return the cookie value (never stored in clear)."""
    value = secrets.token_urlsafe(32)
    now = utcnow()
    with warehouse.transaction(bookkeeping=True) as con:
        con.execute("INSERT INTO account_session VALUES (?, ?, ?, ?)",
                    [sha256_hex(value), account.account_id, now, now + ttl])
    return value


def session_account(warehouse: Warehouse, value: str) -> Account | None:
    """The active account of a valid, unexpired session cookie, else None.

    The lookup is kept until the next commit that is not bookkeeping (``Warehouse.remember``):
    signing out, disabling an account, changing a password or revoking a token are such commits.
    """
    digest = sha256_hex(value)

    def lookup() -> tuple[Account, datetime] | None:
        rows = warehouse.query(
            f"""SELECT s.expires_at, {", ".join("a." + c for c in ACCOUNT_COLUMNS.split(", "))}
                FROM account_session s JOIN account a USING (account_id)
                WHERE s.session_hash = ? AND a.disabled_at IS NULL""",
            [digest],
        )
        return (account_from_row(rows[0]), rows[0]["expires_at"]) if rows else None

    found = warehouse.remember(("session", digest), lookup)
    return found[0] if found is not None and found[1] > utcnow() else None


def close_session(warehouse: Warehouse, value: str) -> None:
    # Not bookkeeping: the session's remembered lookup must go with it.
    with warehouse.transaction() as con:
        con.execute("DELETE FROM account_session WHERE session_hash = ?", [sha256_hex(value)])


def purge_expired_sessions(warehouse: Warehouse) -> int:
    with warehouse.transaction(bookkeeping=True) as con:
        row = con.execute("DELETE FROM account_session WHERE expires_at <= ? RETURNING 1", [utcnow()]).fetchall()
    return len(row)


@dataclass(frozen=True)
class ApiToken:
    token_id: str
    account_id: str
    member_id: str
    name: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def public(self) -> dict[str, Any]:
        return {
            "token_id": self.token_id,
            "member_id": self.member_id,
            "name": self.name,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "revoked_at": self.revoked_at,
        }


_TOKEN_COLUMNS = "token_id, account_id, member_id, name, created_at, expires_at, revoked_at"


def create_token(warehouse: Warehouse, account: Account, name: str | None, days: int | None = None) -> tuple[ApiToken, str]:
    """A new API token for ``account``'s member; return it and its secret (shown once)."""
    if account.member_id is None:
        raise UserError(_("API tokens read one member's data; a cooperative admin account has none."), exit_code=4)
    token_id = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    now = utcnow()
    expires = now + timedelta(days=days) if days else None
    label = (name or "").strip()[:80] or None
    with warehouse.transaction(bookkeeping=True) as con:
        con.execute("INSERT INTO api_token VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                    [token_id, sha256_hex(secret), account.account_id, account.member_id, label, now, expires])
    return ApiToken(token_id, account.account_id, account.member_id, label, now, expires, None), secret


def token_account(warehouse: Warehouse, secret: str) -> tuple[Account, str] | None:
    """The active account and the member scope of a valid API token, else None (kept like
    ``session_account``'s lookup)."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    found = warehouse.remember(("token", sha256_hex(secret)), lambda: _token_account(warehouse, secret, parts[1]))
    if found is None or (found[2] is not None and found[2] <= utcnow()):
        return None
    return found[0], found[1]


def _token_account(warehouse: Warehouse, secret: str, token_id: str) -> tuple[Account, str, datetime | None] | None:
    rows = warehouse.query(
        f"""SELECT t.token_hash, t.member_id AS scope, t.expires_at, t.revoked_at,
                   {", ".join("a." + c for c in ACCOUNT_COLUMNS.split(", "))}
            FROM api_token t JOIN account a USING (account_id) WHERE t.token_id = ?""",
        [token_id],
    )
    if not rows:
        return None
    row = rows[0]
    if not secrets.compare_digest(row["token_hash"], sha256_hex(secret)):
        return None
    if row["revoked_at"] is not None or row["disabled_at"] is not None:
        return None
    return account_from_row(row), str(row["scope"]), row["expires_at"]


def list_tokens(warehouse: Warehouse, *, account_id: str | None = None, member_id: str | None = None) -> list[ApiToken]:
    """Tokens of one account, or of every account of one member (for its admin)."""
    if account_id is not None:
        rows = warehouse.query(f"SELECT {_TOKEN_COLUMNS} FROM api_token WHERE account_id = ? ORDER BY created_at DESC", [account_id])
    else:
        rows = warehouse.query(f"SELECT {_TOKEN_COLUMNS} FROM api_token WHERE member_id = ? ORDER BY created_at DESC", [member_id])
    return [ApiToken(**r) for r in rows]


def revoke_token(warehouse: Warehouse, by: Account, token_id: str) -> ApiToken:
    """Revoke a token of ``by``'s own, or of its member when ``by`` is that member's admin."""
    rows = warehouse.query(f"SELECT {_TOKEN_COLUMNS} FROM api_token WHERE token_id = ?", [token_id])
    token = ApiToken(**rows[0]) if rows else None
    allowed = token is not None and (
        token.account_id == by.account_id
        or (by.is_member_admin and token.member_id == by.member_id)
    )
    if token is None or not allowed:
        # Not found, whether it does not exist or belongs to someone else: the answer (a 404 on
        # the web) must not tell another member's token from a made-up identifier.
        raise NotFoundError(_("No token {token} among yours; check its identifier in the list.").format(token=token_id))
    if token.revoked_at is None:
        # Not bookkeeping: the token's remembered lookup must go with it.
        with warehouse.transaction() as con:
            con.execute("UPDATE api_token SET revoked_at = ? WHERE token_id = ?", [utcnow(), token_id])
    found = warehouse.query(f"SELECT {_TOKEN_COLUMNS} FROM api_token WHERE token_id = ?", [token_id])
    return ApiToken(**found[0])
