"""The privacy gate and governance (issue 4): derived tables kept by the cooperative.
"""

from __future__ import annotations

from culturecoop.schema.table import Table, column

PRIVACY_POLICY = Table(
    "privacy_policy",
    "The privacy policy the gate applies to every cross-member release, set by the cooperative operator.",
    (
        column("policy_id", "VARCHAR", "Always `cooperative`: one policy for the whole cooperative.", False),
        column("min_patrons", "INTEGER", "Minimum cell size k: a cross-member cell counting fewer distinct patrons is shown as `< k`.", False),
        column("noise", "BOOLEAN", "True when differential-privacy noise (OpenDP) is added to cross-member counts.", False),
        column("epsilon_per_release", "DOUBLE", "Privacy loss ε charged for one noisy release of one report.", False),
        column("epsilon_budget", "DOUBLE", "Total ε each member may spend per budget period.", False),
        column("budget_period", "VARCHAR", "Length of a budget period: `month`, `quarter` or `year`.", False),
        column("updated_at", "TIMESTAMP", "When the policy was last changed (UTC).", False),
        column("updated_by", "VARCHAR", "Who changed it (account or operator name)."),
    ),
    ("policy_id",),
    contributed=False,
)

BUDGET = Table(
    "budget",
    "Differential-privacy budget spent by each member per budget period.",
    (
        column("member_id", "VARCHAR", "Member that requested the releases.", False),
        column("period_start", "DATE", "First day of the budget period.", False),
        column("epsilon_spent", "DOUBLE", "Sum of ε charged for noisy releases in the period (never above the budget).", False),
        column("releases", "INTEGER", "Number of noisy releases charged in the period.", False),
        column("updated_at", "TIMESTAMP", "When ε was last charged (UTC).", False),
    ),
    ("member_id", "period_start"),
    contributed=False,
)

AUDIT = Table(
    "audit",
    "Append-only, hash-chained log of every release of pooled data: who, what, when, parameters, ε spent.",
    (
        column("seq", "BIGINT", "Position in the log, from 1, without gaps.", False),
        column("recorded_at", "TIMESTAMP", "When the entry was written (UTC).", False),
        column("actor", "VARCHAR", "Who asked (account, API token or `cli:` and the system user).", False),
        column("member_id", "VARCHAR", "Member on whose behalf the release was made.", False),
        column("action", "VARCHAR", "`release`, `re-release` (same figures as before), `refused` or `policy`.", False),
        column("report", "VARCHAR", "Report name, e.g. `overlap`; NULL for a policy change."),
        column("parameters", "VARCHAR", "JSON object: the report's parameters after normalization (period, engine).", False),
        column("epsilon", "DOUBLE", "Privacy loss ε charged to the member's budget by this entry (0 without noise).", False),
        column("members_touched", "VARCHAR", "JSON list of the members whose data entered the release, so each can read what was done with its data.", False),
        column("cells_released", "INTEGER", "Cross-member cells shown."),
        column("cells_suppressed", "INTEGER", "Cross-member cells shown as `< k` (small or complementary suppression)."),
        column("result_sha256", "VARCHAR", "SHA-256 of the released figures, to prove later what was shown."),
        column("prev_hash", "VARCHAR", "`hash` of the previous entry (64 zeros for the first).", False),
        column("hash", "VARCHAR", "SHA-256 of this entry's fields and `prev_hash`: editing or deleting an entry breaks the chain.", False),
    ),
    ("seq",),
    contributed=False,
)

RELEASE = Table(
    "release",
    "The privacy gate's memory: the last figures released for each member, report and parameters.",
    (
        column("member_id", "VARCHAR", "Member the figures were released to.", False),
        column("report", "VARCHAR", "Report name.", False),
        column("params_key", "VARCHAR", "Normalized parameters (JSON) the figures answer.", False),
        column("cells", "VARCHAR", "JSON: per cell, the true count and the value shown; a cell is updated only when its count moved by at least k.", False),
        column("released_at", "TIMESTAMP", "When these figures were first released (UTC); repeating them does not change it.", False),
        column("audit_seq", "BIGINT", "Audit entry of that first release.", False),
    ),
    ("member_id", "report", "params_key"),
    contributed=False,
)

AUDIT_HEAD = Table(
    "audit_head",
    "The newest audit entry, kept beside the log so an append reads one row instead of the whole log.",
    (
        column("log", "VARCHAR", "Always `audit` (one row).", False),
        column("seq", "BIGINT", "`seq` of the newest entry of `audit`.", False),
        column("hash", "VARCHAR", "`hash` of that entry; `culturecoop audit verify` checks it matches the log.", False),
    ),
    ("log",),
    contributed=False,
)

PRIVACY_TABLES: tuple[Table, ...] = (PRIVACY_POLICY, BUDGET, AUDIT, AUDIT_HEAD, RELEASE)
