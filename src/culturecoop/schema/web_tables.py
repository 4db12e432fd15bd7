"""The dashboard's and the REST API's accounts (issue 5): derived tables kept by the web application.
"""

from __future__ import annotations

from culturecoop.schema.table import Table, column

ACCOUNT = Table(
    "account",
    "A person who signs in to the dashboard or the REST API.",
    (
        column("account_id", "VARCHAR", "Random identifier of the account (hex).", False),
        column("email", "VARCHAR", "Login, lower-cased; the only personal data the web application keeps.", False),
        column("display_name", "VARCHAR", "Name shown in the dashboard."),
        column("password_hash", "VARCHAR", "Argon2id hash of the password (never the password).", False),
        column("role", "VARCHAR", "`coop_admin`, `member_admin` or `member_analyst`.", False),
        column("member_id", "VARCHAR", "Member the account belongs to; NULL for a cooperative admin."),
        column("language", "VARCHAR", "Interface language: `fr` (default) or `en`.", False),
        column("created_at", "TIMESTAMP", "When the account was created (UTC).", False),
        column("disabled_at", "TIMESTAMP", "When an admin disabled the account (UTC); NULL while active."),
    ),
    ("account_id",),
    contributed=False,
)

ACCOUNT_SESSION = Table(
    "account_session",
    "A signed-in browser session; the cookie holds a random value whose SHA-256 is stored here.",
    (
        column("session_hash", "VARCHAR", "SHA-256 (hex) of the session cookie value.", False),
        column("account_id", "VARCHAR", "Account signed in (see `account`).", False),
        column("created_at", "TIMESTAMP", "When the session started (UTC).", False),
        column("expires_at", "TIMESTAMP", "When the session stops being accepted (UTC).", False),
    ),
    ("session_hash",),
    contributed=False,
)

API_TOKEN = Table(
    "api_token",
    "A revocable REST API token scoped to one member; only its SHA-256 is stored.",
    (
        column("token_id", "VARCHAR", "Public identifier of the token (shown in lists, used to revoke it).", False),
        column("token_hash", "VARCHAR", "SHA-256 (hex) of the secret token.", False),
        column("account_id", "VARCHAR", "Account that created the token and whose role it carries.", False),
        column("member_id", "VARCHAR", "The one member whose data the token may read.", False),
        column("name", "VARCHAR", "Label given by its owner, e.g. `nightly export`."),
        column("created_at", "TIMESTAMP", "When the token was created (UTC).", False),
        column("expires_at", "TIMESTAMP", "When the token stops being accepted (UTC); NULL for no expiry."),
        column("revoked_at", "TIMESTAMP", "When the token was revoked (UTC); NULL while valid."),
    ),
    ("token_id",),
    contributed=False,
)

INVITATION = Table(
    "invitation",
    "A one-time link by which a member admin (or the cooperative) invites a new account.",
    (
        column("invitation_id", "VARCHAR", "Public identifier of the invitation.", False),
        column("token_hash", "VARCHAR", "SHA-256 (hex) of the secret part of the link.", False),
        column("email", "VARCHAR", "Address of the invited person, lower-cased.", False),
        column("role", "VARCHAR", "Role the new account receives.", False),
        column("member_id", "VARCHAR", "Member the new account will belong to; NULL for a cooperative admin."),
        column("invited_by", "VARCHAR", "Account that created the invitation.", False),
        column("created_at", "TIMESTAMP", "When the invitation was created (UTC).", False),
        column("expires_at", "TIMESTAMP", "When the link stops working (UTC).", False),
        column("accepted_at", "TIMESTAMP", "When the invitation was used (UTC); NULL until then."),
    ),
    ("invitation_id",),
    contributed=False,
)

PACKAGE_UPLOAD = Table(
    "package_upload",
    "Every contribution package sent through the dashboard or the API, with its outcome.",
    (
        column("upload_id", "VARCHAR", "Random identifier of the upload.", False),
        column("member_id", "VARCHAR", "Member the package belongs to.", False),
        column("account_id", "VARCHAR", "Account that sent the package.", False),
        column("uploaded_at", "TIMESTAMP", "When the upload arrived (UTC).", False),
        column("bytes", "BIGINT", "Size of the archive received.", False),
        column("package_sha256", "VARCHAR", "Identity of the package (see `ingest_log`); NULL when it was refused."),
        column("outcome", "VARCHAR", "`loaded`, `already_ingested` or `refused`.", False),
        column("rejects", "VARCHAR", "JSON object: rejected rows per reason, as counted by `prepare` (when the manifest says)."),
    ),
    ("upload_id",),
    contributed=False,
)

WEB_TABLES: tuple[Table, ...] = (ACCOUNT, ACCOUNT_SESSION, API_TOKEN, INVITATION, PACKAGE_UPLOAD)
