"""Consent changes, erasure, retention, contribution (issue 14): derived tables kept by the cooperative.
"""

from __future__ import annotations

from culturecoop.schema.table import Table, column

ERASURE_SUPPRESSION = Table(
    "erasure_suppression",
    "People erased at their own request, as keyed hashes only, so that a later package does not bring them back.",
    (
        column("hash", "VARCHAR", "HMAC-SHA256 (key `suppression_key`) of a kind and a token: no token and no identifier is stored.", False),
        column("kind", "VARCHAR", "What was hashed: `email`, `phone` or `record` (a member's patron record).", False),
        column("erased_at", "TIMESTAMP", "When the erasure was carried out (UTC).", False),
    ),
    ("hash",),
    contributed=False,
)

SUPPRESSION_KEY = Table(
    "suppression_key",
    "The random key of the suppression list's hashes, drawn when the first person is erased.",
    (
        column("key_id", "VARCHAR", "Always `suppression`.", False),
        column("secret", "BLOB", "32 random bytes.", False),
        column("created_at", "TIMESTAMP", "When it was drawn (UTC).", False),
    ),
    ("key_id",),
    contributed=False,
)

GOVERNANCE_POLICY = Table(
    "governance_policy",
    "The cooperative's retention rule and remuneration rules for each period, set by the cooperative admin.",
    (
        column("name", "VARCHAR", "`retention` or `remuneration:<period>`.", False),
        column("value", "VARCHAR", "JSON object of the settings.", False),
        column("updated_at", "TIMESTAMP", "When they were last changed (UTC).", False),
        column("updated_by", "VARCHAR", "Who changed them."),
    ),
    ("name",),
    contributed=False,
)

GOVERNANCE_TABLES: tuple[Table, ...] = (ERASURE_SUPPRESSION, SUPPRESSION_KEY, GOVERNANCE_POLICY)
