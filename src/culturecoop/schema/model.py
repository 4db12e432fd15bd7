"""The canonical model: the only schema of the cooperative.

Every export is mapped to these tables; the warehouse stores exactly these tables; data
engineers query them directly, so table and column names are a public contract. Changing a
name or a type is a new ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 2

# Bloom-filter encodings are stored as BLOBs of this many bits (packed, big-endian bit order).
BLOOM_BITS = 1024


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    doc: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    # True for tables that a contribution package carries; False for derived tables.
    contributed: bool = True
    # False for the large contributed tables: `ingest` guarantees their keys are unique, and
    # bulk loads run 2-3x faster without maintaining a primary-key index.
    indexed_key: bool = True
    # False for a contributed table that packages prepared by earlier releases lack (loaded as
    # having no row): adding such a table keeps the schema version.
    required: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        cols = [
            f"    {c.name} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns
        ]
        if self.indexed_key:
            cols.append(f"    PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(cols) + "\n)"


def _c(name: str, sql_type: str, doc: str, nullable: bool = True) -> Column:
    return Column(name, sql_type, doc, nullable)


MEMBER = Table(
    "member",
    "One organization of the cooperative (a venue, festival, museum, reseller or label).",
    (
        _c("member_id", "VARCHAR", "Short stable identifier chosen at onboarding, e.g. `jazz-dieze`.", False),
        _c("name", "VARCHAR", "Display name of the organization.", False),
        _c("kind", "VARCHAR", "One of `jazz_club`, `theatre`, `festival`, `orchestra`, `museum`, `reseller`, `label`, `club`, `other`.", False),
        _c("region", "VARCHAR", "Administrative region, e.g. `Montréal`, `Capitale-Nationale`."),
    ),
    ("member_id",),
)

EVENT = Table(
    "event",
    "A performance, exhibition or session that tickets are sold for.",
    (
        _c("member_id", "VARCHAR", "Member that sold tickets for the event.", False),
        _c("event_id", "VARCHAR", "The member's own event identifier.", False),
        _c("title", "VARCHAR", "Title as published."),
        _c("starts_at", "TIMESTAMP", "Local start time: wall clock of the member's time zone (its mapping's `timezone`, America/Toronto by default), no offset."),
        _c("venue", "VARCHAR", "Venue name."),
        _c("venue_fsa", "VARCHAR", "Coarse postal area of the venue: a Canadian forward sortation area (`H2X`), a British outward code (`GB-SW4`), elsewhere the country and the first digits (`FR-750`)."),
        _c("genres", "VARCHAR[]", "Genres normalized to the cooperative's taxonomy (see `schema/taxonomy.py`)."),
        _c("artists", "VARCHAR[]", "Performing artists or companies, as published."),
        _c("capacity", "INTEGER", "Number of seats or admissions on sale."),
        _c("is_local", "BOOLEAN", "True when the headline artist is from Québec."),
        _c("language", "VARCHAR", "Language of the performance: `fr`, `en`, `bilingual`, `none` (instrumental) or NULL."),
    ),
    ("member_id", "event_id"),
    indexed_key=False,
)

PATRON = Table(
    "patron",
    "A buyer as known to one member, pseudonymized: no clear-text name, e-mail, phone or birth date.",
    (
        _c("member_id", "VARCHAR", "Member that knows this patron.", False),
        _c("member_patron_id", "VARCHAR", "Keyed token (32 hex digits) of the member's own customer identifier (or of the e-mail standing in for it): HMAC-SHA256 under a key derived from the linkage secret and the member, so the member can recompute it and the cooperative cannot invert it.", False),
        _c("email_token", "VARCHAR", "HMAC-SHA256 (linkage secret) of the normalized e-mail, hex; NULL when absent."),
        _c("phone_token", "VARCHAR", "HMAC-SHA256 (linkage secret) of the E.164 phone number, hex; NULL when absent."),
        _c("bloom_given_name", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the normalized given name."),
        _c("bloom_surname", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the normalized surname."),
        _c("bloom_birth_date", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the birth date."),
        _c("bloom_postcode", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the full postal code."),
        _c("fsa", "VARCHAR", "Coarse postal area of the patron: a Canadian forward sortation area (`H2X`), a British outward code (`GB-SW4`), elsewhere the country and the first digits (`FR-750`, `US-100`, `DE-101`)."),
        _c("birth_band", "VARCHAR", "Birth-year band of five years, e.g. `1980-1984`; NULL when unknown."),
        _c("language", "VARCHAR", "Preferred language: `fr`, `en` or NULL."),
        _c("contact_sealed", "BLOB", "E-mail sealed to the campaign public key (libsodium sealed box); only when marketing consent was given."),
    ),
    ("member_id", "member_patron_id"),
    indexed_key=False,
)

TICKET = Table(
    "ticket",
    "One ticket line of an order.",
    (
        _c("member_id", "VARCHAR", "Member that sold the ticket.", False),
        _c("ticket_id", "VARCHAR", "Keyed token of the member's own ticket identifier (or of the order id and line position when the export has none), like `patron.member_patron_id`.", False),
        _c("order_id", "VARCHAR", "Keyed token of the order the ticket belongs to."),
        _c("member_patron_id", "VARCHAR", "Buyer (token, see `patron`).", False),
        _c("event_id", "VARCHAR", "Event (see `event`).", False),
        _c("purchased_at", "TIMESTAMP", "Local time of purchase (the member's time zone).", False),
        _c("quantity", "INTEGER", "Number of admissions on the line (at least 1).", False),
        _c("unit_price", "DECIMAL(10,2)", "Price of one admission, taxes included, in `currency`.", False),
        _c("currency", "VARCHAR", "ISO 4217 code, `CAD` by default.", False),
        _c("channel", "VARCHAR", "`web`, `box_office`, `phone`, `reseller`, `mobile` or `other`."),
        _c("status", "VARCHAR", "`sold`, `refunded`, `cancelled` or `exchanged`.", False),
    ),
    ("member_id", "ticket_id"),
    indexed_key=False,
)

UNNAMED_SALE = Table(
    "unnamed_sale",
    "Sales that name nobody (door or cash sales: no customer number, e-mail, phone or name), summed per event, "
    "day, channel, price and status. They count admissions and revenue, never people.",
    (
        _c("member_id", "VARCHAR", "Member that sold them.", False),
        _c("event_id", "VARCHAR", "Event (see `event`).", False),
        _c("sold_on", "DATE", "Local day of the sales (the member's time zone).", False),
        _c("channel", "VARCHAR", "`web`, `box_office`, `phone`, `reseller`, `mobile` or `other` (also when the export does not say).", False),
        _c("unit_price", "DECIMAL(10,2)", "Price of one admission, taxes included, in `currency`.", False),
        _c("currency", "VARCHAR", "ISO 4217 code.", False),
        _c("status", "VARCHAR", "`sold`, `refunded`, `cancelled` or `exchanged`, as in `ticket`.", False),
        _c("admissions", "BIGINT", "Admissions on those lines (the sum of their quantities).", False),
        _c("lines", "BIGINT", "Lines of the export summed in this row.", False),
    ),
    ("member_id", "event_id", "sold_on", "channel", "unit_price", "currency", "status"),
    indexed_key=False,
    required=False,
)

CONSENT = Table(
    "consent",
    "A patron's latest decision for one purpose, as recorded by the member.",
    (
        _c("member_id", "VARCHAR", "Member that recorded the consent.", False),
        _c("member_patron_id", "VARCHAR", "Patron concerned (token, see `patron`).", False),
        _c("purpose", "VARCHAR", "`pooling`, `marketing` or `personalization`.", False),
        _c("granted", "BOOLEAN", "True when the patron agreed.", False),
        # DESIGN.md calls this column `at`, a reserved word in DuckDB 2.0: renamed so that plain SQL works.
        _c("recorded_at", "TIMESTAMP", "When the decision was recorded (latest purchase of the export when the vendor gives no date).", False),
    ),
    ("member_id", "member_patron_id", "purpose"),
    indexed_key=False,
)

IDENTITY = Table(
    "identity",
    "Cooperative-wide identity of each patron record, produced by `culturecoop link`.",
    (
        _c("member_id", "VARCHAR", "Member of the record.", False),
        _c("member_patron_id", "VARCHAR", "Record at that member.", False),
        _c("patron_key", "VARCHAR", "Stable cooperative-wide person key.", False),
        _c("confidence", "DOUBLE", "Match probability of the weakest link that joined the record to its cluster (1.0 for a singleton).", False),
    ),
    ("member_id", "member_patron_id"),
    contributed=False,
)

INGEST_LOG = Table(
    "ingest_log",
    "Every contribution package loaded into the warehouse.",
    (
        _c("package_sha256", "VARCHAR", "SHA-256 of the package manifest: the package's identity.", False),
        _c("member_id", "VARCHAR", "Member that sent the package.", False),
        _c("profile", "VARCHAR", "Mapping profile used by `prepare`."),
        _c("created_at", "TIMESTAMP", "When `prepare` created the package (UTC).", False),
        _c("ingested_at", "TIMESTAMP", "When the package was loaded (UTC).", False),
        _c("rows_in", "BIGINT", "Rows read from the export by `prepare`."),
        _c("rows_rejected", "BIGINT", "Rows quarantined by `prepare`."),
        _c("rows_loaded", "VARCHAR", "JSON object: rows loaded per table; `refunds_merged`: refund rows `prepare` applied to the sale they refund (accepted, no ticket of their own); `unnamed_rows`: rows naming nobody, summed in `unnamed_sale`; `rejects_by_reason`: rows `prepare` quarantined, per reason; `not_tickets`: rows of the export that sold no ticket (donations, memberships, a shop's goods), left out by `prepare`."),
        _c("consent", "VARCHAR", "JSON object from the package's manifest: per purpose, whether a column of the export or the mapping's default decided it and how many patrons granted it, and the basis the member stated for defaults."),
    ),
    ("package_sha256",),
    contributed=False,
)

CONTRIBUTED_TABLES: tuple[Table, ...] = (EVENT, PATRON, TICKET, CONSENT, UNNAMED_SALE)
ALL_TABLES: tuple[Table, ...] = (MEMBER, EVENT, PATRON, TICKET, CONSENT, UNNAMED_SALE, IDENTITY, INGEST_LOG)
TABLES: dict[str, Table] = {t.name: t for t in ALL_TABLES}

CONSENT_PURPOSES = ("pooling", "marketing", "personalization")
# A member identifier travels in URLs, file names and every table: letters, digits, - and _.
MEMBER_ID_MAX = 64


def is_member_id(text: str) -> bool:
    """True for a well-formed member identifier (e.g. ``jazz-dieze``)."""
    return 0 < len(text) <= MEMBER_ID_MAX and all(c.isalnum() or c in "-_" for c in text)


MEMBER_KINDS = ("jazz_club", "theatre", "festival", "orchestra", "museum", "reseller", "label", "club", "other")
TICKET_STATUSES = ("sold", "refunded", "cancelled", "exchanged")
CHANNELS = ("web", "box_office", "phone", "reseller", "mobile", "other")


def create_statements() -> list[str]:
    """DDL for every table of the warehouse, in dependency order, idempotent."""
    return [
        "CREATE TABLE IF NOT EXISTS schema_info (key VARCHAR PRIMARY KEY, value VARCHAR)",
        *[t.ddl() for t in ALL_TABLES],
    ]


def schema_markdown() -> str:
    """The public schema as Markdown (the source of `docs/schema.md`)."""
    lines = [
        "# The canonical model",
        "",
        f"Schema version **{SCHEMA_VERSION}**. Generated from `src/culturecoop/schema/model.py` "
        "by `culturecoop schema --markdown`; a test fails when this file is out of date.",
        "",
    ]
    for t in ALL_TABLES:
        kind = "contributed by members" if t.contributed else "derived at the cooperative"
        key = f"key: `{', '.join(t.primary_key)}`" + ("" if t.indexed_key else ", unique, guaranteed by `ingest`")
        lines += [f"## `{t.name}`", "", f"{t.doc} ({kind}; {key})", ""]
        lines += ["| column | type | null | meaning |", "|---|---|---|---|"]
        for c in t.columns:
            lines.append(
                f"| `{c.name}` | `{c.sql_type}` | {'yes' if c.nullable else 'no'} | {c.doc} |"
            )
        lines.append("")
    return "\n".join(lines)


# --- Dashboard and API accounts (issue 5): derived tables kept by the web application. ---

ACCOUNT = Table(
    "account",
    "A person who signs in to the dashboard or the REST API.",
    (
        _c("account_id", "VARCHAR", "Random identifier of the account (hex).", False),
        _c("email", "VARCHAR", "Login, lower-cased; the only personal data the web application keeps.", False),
        _c("display_name", "VARCHAR", "Name shown in the dashboard."),
        _c("password_hash", "VARCHAR", "Argon2id hash of the password (never the password).", False),
        _c("role", "VARCHAR", "`coop_admin`, `member_admin` or `member_analyst`.", False),
        _c("member_id", "VARCHAR", "Member the account belongs to; NULL for a cooperative admin."),
        _c("language", "VARCHAR", "Interface language: `fr` (default) or `en`.", False),
        _c("created_at", "TIMESTAMP", "When the account was created (UTC).", False),
        _c("disabled_at", "TIMESTAMP", "When an admin disabled the account (UTC); NULL while active."),
    ),
    ("account_id",),
    contributed=False,
)

ACCOUNT_SESSION = Table(
    "account_session",
    "A signed-in browser session; the cookie holds a random value whose SHA-256 is stored here.",
    (
        _c("session_hash", "VARCHAR", "SHA-256 (hex) of the session cookie value.", False),
        _c("account_id", "VARCHAR", "Account signed in (see `account`).", False),
        _c("created_at", "TIMESTAMP", "When the session started (UTC).", False),
        _c("expires_at", "TIMESTAMP", "When the session stops being accepted (UTC).", False),
    ),
    ("session_hash",),
    contributed=False,
)

API_TOKEN = Table(
    "api_token",
    "A revocable REST API token scoped to one member; only its SHA-256 is stored.",
    (
        _c("token_id", "VARCHAR", "Public identifier of the token (shown in lists, used to revoke it).", False),
        _c("token_hash", "VARCHAR", "SHA-256 (hex) of the secret token.", False),
        _c("account_id", "VARCHAR", "Account that created the token and whose role it carries.", False),
        _c("member_id", "VARCHAR", "The one member whose data the token may read.", False),
        _c("name", "VARCHAR", "Label given by its owner, e.g. `nightly export`."),
        _c("created_at", "TIMESTAMP", "When the token was created (UTC).", False),
        _c("expires_at", "TIMESTAMP", "When the token stops being accepted (UTC); NULL for no expiry."),
        _c("revoked_at", "TIMESTAMP", "When the token was revoked (UTC); NULL while valid."),
    ),
    ("token_id",),
    contributed=False,
)

INVITATION = Table(
    "invitation",
    "A one-time link by which a member admin (or the cooperative) invites a new account.",
    (
        _c("invitation_id", "VARCHAR", "Public identifier of the invitation.", False),
        _c("token_hash", "VARCHAR", "SHA-256 (hex) of the secret part of the link.", False),
        _c("email", "VARCHAR", "Address of the invited person, lower-cased.", False),
        _c("role", "VARCHAR", "Role the new account receives.", False),
        _c("member_id", "VARCHAR", "Member the new account will belong to; NULL for a cooperative admin."),
        _c("invited_by", "VARCHAR", "Account that created the invitation.", False),
        _c("created_at", "TIMESTAMP", "When the invitation was created (UTC).", False),
        _c("expires_at", "TIMESTAMP", "When the link stops working (UTC).", False),
        _c("accepted_at", "TIMESTAMP", "When the invitation was used (UTC); NULL until then."),
    ),
    ("invitation_id",),
    contributed=False,
)

PACKAGE_UPLOAD = Table(
    "package_upload",
    "Every contribution package sent through the dashboard or the API, with its outcome.",
    (
        _c("upload_id", "VARCHAR", "Random identifier of the upload.", False),
        _c("member_id", "VARCHAR", "Member the package belongs to.", False),
        _c("account_id", "VARCHAR", "Account that sent the package.", False),
        _c("uploaded_at", "TIMESTAMP", "When the upload arrived (UTC).", False),
        _c("bytes", "BIGINT", "Size of the archive received.", False),
        _c("package_sha256", "VARCHAR", "Identity of the package (see `ingest_log`); NULL when it was refused."),
        _c("outcome", "VARCHAR", "`loaded`, `already_ingested` or `refused`.", False),
        _c("rejects", "VARCHAR", "JSON object: rejected rows per reason, as counted by `prepare` (when the manifest says)."),
    ),
    ("upload_id",),
    contributed=False,
)

WEB_TABLES: tuple[Table, ...] = (ACCOUNT, ACCOUNT_SESSION, API_TOKEN, INVITATION, PACKAGE_UPLOAD)
ALL_TABLES = (*ALL_TABLES, *WEB_TABLES)
TABLES = {t.name: t for t in ALL_TABLES}


# --- Privacy gate and governance (issue 4): derived tables kept by the cooperative. ---

PRIVACY_POLICY = Table(
    "privacy_policy",
    "The privacy policy the gate applies to every cross-member release, set by the cooperative operator.",
    (
        _c("policy_id", "VARCHAR", "Always `cooperative`: one policy for the whole cooperative.", False),
        _c("min_patrons", "INTEGER", "Minimum cell size k: a cross-member cell counting fewer distinct patrons is shown as `< k`.", False),
        _c("noise", "BOOLEAN", "True when differential-privacy noise (OpenDP) is added to cross-member counts.", False),
        _c("epsilon_per_release", "DOUBLE", "Privacy loss ε charged for one noisy release of one report.", False),
        _c("epsilon_budget", "DOUBLE", "Total ε each member may spend per budget period.", False),
        _c("budget_period", "VARCHAR", "Length of a budget period: `month`, `quarter` or `year`.", False),
        _c("updated_at", "TIMESTAMP", "When the policy was last changed (UTC).", False),
        _c("updated_by", "VARCHAR", "Who changed it (account or operator name)."),
    ),
    ("policy_id",),
    contributed=False,
)

BUDGET = Table(
    "budget",
    "Differential-privacy budget spent by each member per budget period.",
    (
        _c("member_id", "VARCHAR", "Member that requested the releases.", False),
        _c("period_start", "DATE", "First day of the budget period.", False),
        _c("epsilon_spent", "DOUBLE", "Sum of ε charged for noisy releases in the period (never above the budget).", False),
        _c("releases", "INTEGER", "Number of noisy releases charged in the period.", False),
        _c("updated_at", "TIMESTAMP", "When ε was last charged (UTC).", False),
    ),
    ("member_id", "period_start"),
    contributed=False,
)

AUDIT = Table(
    "audit",
    "Append-only, hash-chained log of every release of pooled data: who, what, when, parameters, ε spent.",
    (
        _c("seq", "BIGINT", "Position in the log, from 1, without gaps.", False),
        _c("recorded_at", "TIMESTAMP", "When the entry was written (UTC).", False),
        _c("actor", "VARCHAR", "Who asked (account, API token or `cli:` and the system user).", False),
        _c("member_id", "VARCHAR", "Member on whose behalf the release was made.", False),
        _c("action", "VARCHAR", "`release`, `re-release` (same figures as before), `refused` or `policy`.", False),
        _c("report", "VARCHAR", "Report name, e.g. `overlap`; NULL for a policy change."),
        _c("parameters", "VARCHAR", "JSON object: the report's parameters after normalization (period, engine).", False),
        _c("epsilon", "DOUBLE", "Privacy loss ε charged to the member's budget by this entry (0 without noise).", False),
        _c("members_touched", "VARCHAR", "JSON list of the members whose data entered the release, so each can read what was done with its data.", False),
        _c("cells_released", "INTEGER", "Cross-member cells shown."),
        _c("cells_suppressed", "INTEGER", "Cross-member cells shown as `< k` (small or complementary suppression)."),
        _c("result_sha256", "VARCHAR", "SHA-256 of the released figures, to prove later what was shown."),
        _c("prev_hash", "VARCHAR", "`hash` of the previous entry (64 zeros for the first).", False),
        _c("hash", "VARCHAR", "SHA-256 of this entry's fields and `prev_hash`: editing or deleting an entry breaks the chain.", False),
    ),
    ("seq",),
    contributed=False,
)

RELEASE = Table(
    "release",
    "The privacy gate's memory: the last figures released for each member, report and parameters.",
    (
        _c("member_id", "VARCHAR", "Member the figures were released to.", False),
        _c("report", "VARCHAR", "Report name.", False),
        _c("params_key", "VARCHAR", "Normalized parameters (JSON) the figures answer.", False),
        _c("cells", "VARCHAR", "JSON: per cell, the true count and the value shown; a cell is updated only when its count moved by at least k.", False),
        _c("released_at", "TIMESTAMP", "When these figures were first released (UTC); repeating them does not change it.", False),
        _c("audit_seq", "BIGINT", "Audit entry of that first release.", False),
    ),
    ("member_id", "report", "params_key"),
    contributed=False,
)

AUDIT_HEAD = Table(
    "audit_head",
    "The newest audit entry, kept beside the log so an append reads one row instead of the whole log.",
    (
        _c("log", "VARCHAR", "Always `audit` (one row).", False),
        _c("seq", "BIGINT", "`seq` of the newest entry of `audit`.", False),
        _c("hash", "VARCHAR", "`hash` of that entry; `culturecoop audit verify` checks it matches the log.", False),
    ),
    ("log",),
    contributed=False,
)

PRIVACY_TABLES: tuple[Table, ...] = (PRIVACY_POLICY, BUDGET, AUDIT, AUDIT_HEAD, RELEASE)
ALL_TABLES = (*ALL_TABLES, *PRIVACY_TABLES)
TABLES = {t.name: t for t in ALL_TABLES}


# --- Recommendations and audiences (issue 12): derived tables kept by the cooperative. ---

RECO_UPCOMING_EVENT = Table(
    "reco_upcoming_event",
    "A member's announced programme: upcoming events nobody has bought for yet (public information, loaded by `culturecoop reco programme`).",
    (
        _c("member_id", "VARCHAR", "Member that programmes the event.", False),
        _c("event_id", "VARCHAR", "The member's own event identifier.", False),
        _c("title", "VARCHAR", "Title as published."),
        _c("starts_at", "TIMESTAMP", "Local start time.", False),
        _c("venue", "VARCHAR", "Venue name."),
        _c("venue_fsa", "VARCHAR", "Forward sortation area of the venue."),
        _c("genres", "VARCHAR[]", "Genres normalized to the cooperative's taxonomy."),
        _c("artists", "VARCHAR[]", "Performing artists or companies."),
        _c("capacity", "INTEGER", "Seats or admissions on sale."),
        _c("is_local", "BOOLEAN", "True when the headline artist is from Québec."),
        _c("language", "VARCHAR", "`fr`, `en`, `bilingual`, `none` or NULL."),
        _c("price", "DOUBLE", "Full price of one admission, in the member's currency."),
        _c("loaded_at", "TIMESTAMP", "When the programme was loaded (UTC).", False),
    ),
    ("member_id", "event_id"),
    contributed=False,
)

RECO_MODEL = Table(
    "reco_model",
    "Trained recommendation models: aggregate parameters only (feature weights, a content → factor map), no person's row.",
    (
        _c("model_id", "VARCHAR", "Identifier of the training run.", False),
        _c("trained_at", "TIMESTAMP", "When it was trained (UTC).", False),
        _c("data_version", "VARCHAR", "Data version the model was trained on.", False),
        _c("summary", "VARCHAR", "JSON: people, events, interactions, features, blend weights, seconds.", False),
        _c("state", "BLOB", "The model's parameters (NumPy archive).", False),
    ),
    ("model_id",),
    contributed=False,
)

RECO_MEASURE = Table(
    "reco_measure",
    "Measures of a trained model that take seconds to make (the accuracy–diversity curve, how well audience lists find the people who come), kept until the model or the data changes: aggregates only, no person's row.",
    (
        _c("model_id", "VARCHAR", "The trained model measured.", False),
        _c("data_version", "VARCHAR", "Data version it was measured on.", False),
        _c("name", "VARCHAR", "Which measure: `reco_tradeoff` or `reco_gains`.", False),
        _c("variant", "VARCHAR", "What it was measured for, as JSON (the discoverability setting; `[]` for nothing).", False),
        _c("value", "VARCHAR", "The measure, as JSON.", False),
        _c("measured_at", "TIMESTAMP", "When it was measured (UTC).", False),
    ),
    ("model_id", "data_version", "name", "variant"),
    contributed=False,
)

RECO_SETTINGS = Table(
    "reco_settings",
    "The cooperative's discoverability defaults, set by the cooperative admin.",
    (
        _c("settings_id", "VARCHAR", "Always `cooperative`.", False),
        _c("diversity", "DOUBLE", "Diversity knob of the re-ranking, 0 (model order) to 1.", False),
        _c("boost", "DOUBLE", "Local and francophone floor: points above the catalogue's share in each top-10.", False),
        _c("updated_at", "TIMESTAMP", "When they were last changed (UTC).", False),
        _c("updated_by", "VARCHAR", "Who changed them."),
    ),
    ("settings_id",),
    contributed=False,
)

RECO_AGREEMENT = Table(
    "reco_agreement",
    "Cross-promotion agreements between two members: proposed by one, accepted or declined by the other.",
    (
        _c("agreement_id", "VARCHAR", "Identifier of the proposal.", False),
        _c("proposer", "VARCHAR", "Member that proposed the cross offer.", False),
        _c("partner", "VARCHAR", "Member asked to accept it.", False),
        _c("status", "VARCHAR", "`proposed`, `accepted` or `declined`.", False),
        _c("proposed_at", "TIMESTAMP", "When it was proposed (UTC).", False),
        _c("proposed_by", "VARCHAR", "Who proposed it."),
        _c("decided_at", "TIMESTAMP", "When the partner decided (UTC)."),
        _c("decided_by", "VARCHAR", "Who decided."),
    ),
    ("agreement_id",),
    contributed=False,
)

AUDIENCE = Table(
    "audience",
    "Saved audiences: who a member may reach (an event's likely audience, a segment, fans of a genre elsewhere, lapsed patrons).",
    (
        _c("audience_id", "VARCHAR", "Identifier of the audience.", False),
        _c("member_id", "VARCHAR", "Member that built it.", False),
        _c("name", "VARCHAR", "Name given by the member.", False),
        _c("kind", "VARCHAR", "`event`, `segment`, `genre` or `lapsed`.", False),
        _c("definition", "VARCHAR", "JSON: the parameters it was built from.", False),
        _c("created_at", "TIMESTAMP", "When it was built (UTC).", False),
        _c("created_by", "VARCHAR", "Who built it.", False),
        _c("gated_size", "INTEGER", "Size as released by the privacy gate; NULL when under k (shown as `< k`)."),
        _c("audit_seq", "BIGINT", "Audit entry of the build."),
    ),
    ("audience_id",),
    contributed=False,
)

AUDIENCE_MEMBER = Table(
    "audience_member",
    "The people of each saved audience, as cooperative patron keys only (never shown to a member).",
    (
        _c("audience_id", "VARCHAR", "Audience (see `audience`).", False),
        _c("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        _c("score", "DOUBLE", "Model score (event audiences) or NULL."),
        _c("own", "BOOLEAN", "True when the person is already a patron of the audience's member.", False),
    ),
    ("audience_id", "patron_key"),
    contributed=False,
)

RECO_TABLES: tuple[Table, ...] = (RECO_UPCOMING_EVENT, RECO_MODEL, RECO_MEASURE, RECO_SETTINGS, RECO_AGREEMENT, AUDIENCE, AUDIENCE_MEMBER)
ALL_TABLES = (*ALL_TABLES, *RECO_TABLES)
TABLES = {t.name: t for t in ALL_TABLES}


# --- Campaigns (issue 13): derived tables kept by the cooperative. ---
# Tables that hold something about a person are keyed by `patron_key` and listed in
# `culturecoop.campaigns.PERSON_TABLES` for erasure (issue 14); none holds an address.

CAMPAIGN_SETTINGS = Table(
    "campaign_settings",
    "The cooperative's campaign rules, set by the cooperative admin.",
    (
        _c("settings_id", "VARCHAR", "Always `cooperative`.", False),
        _c("frequency_cap", "INTEGER", "Most cooperative e-mails one person receives in `cap_days` days, across all members.", False),
        _c("cap_days", "INTEGER", "Length of the frequency-cap window in days.", False),
        _c("require_approval", "BOOLEAN", "True when the cooperative admin must approve a campaign before it is sent.", False),
        _c("default_holdout", "DOUBLE", "Share of each audience kept out of a campaign to measure its lift (at least 0.05).", False),
        _c("rate_per_second", "DOUBLE", "Most messages the sender hands to the SMTP server per second (0: no limit).", False),
        _c("sender_address", "VARCHAR", "The cooperative's sending address (`From`), e.g. `campagnes@culturecoop.example`.", False),
        _c("public_url", "VARCHAR", "Address of the cooperative's web app, where unsubscribe links point.", False),
        _c("updated_at", "TIMESTAMP", "When the rules were last changed (UTC).", False),
        _c("updated_by", "VARCHAR", "Who changed them."),
    ),
    ("settings_id",),
    contributed=False,
)

CAMPAIGN = Table(
    "campaign",
    "An e-mail campaign of one member to one of its saved audiences.",
    (
        _c("campaign_id", "VARCHAR", "Identifier of the campaign.", False),
        _c("member_id", "VARCHAR", "Member that sends it.", False),
        _c("audience_id", "VARCHAR", "Saved audience it goes to (see `audience`).", False),
        _c("event_id", "VARCHAR", "The member's event it promotes (an upcoming or past event); NULL for a general message."),
        _c("status", "VARCHAR", "`awaiting_approval`, `ready`, `sending`, `sent` or `cancelled`.", False),
        _c("subject_fr", "VARCHAR", "Subject in French (placeholders allowed).", False),
        _c("subject_en", "VARCHAR", "Subject in English.", False),
        _c("preheader_fr", "VARCHAR", "Preview line shown after the subject in French."),
        _c("preheader_en", "VARCHAR", "Preview line in English."),
        _c("body_fr", "VARCHAR", "Body in French (plain text with placeholders).", False),
        _c("body_en", "VARCHAR", "Body in English.", False),
        _c("link", "VARCHAR", "The member's ticketing page for the event."),
        _c("window_start", "TIMESTAMP", "Earliest time it may be sent (UTC).", False),
        _c("window_end", "TIMESTAMP", "Latest time it may be sent (UTC).", False),
        _c("holdout_share", "DOUBLE", "Share of the eligible audience kept out at random.", False),
        _c("conversion", "VARCHAR", "`event`: a ticket for the event counts; `member`: any ticket at the member.", False),
        _c("conversion_days", "INTEGER", "Days after the first send during which a ticket counts as a conversion.", False),
        _c("created_at", "TIMESTAMP", "When it was created (UTC).", False),
        _c("created_by", "VARCHAR", "Who created it.", False),
        _c("approved_at", "TIMESTAMP", "When the cooperative admin approved it (UTC); NULL when not needed or not yet."),
        _c("approved_by", "VARCHAR", "Who approved it."),
        _c("first_sent_at", "TIMESTAMP", "When its first message went out (UTC): the start of the conversion window for both arms."),
        _c("finished_at", "TIMESTAMP", "When every recipient had an outcome (UTC)."),
    ),
    ("campaign_id",),
    contributed=False,
)

CAMPAIGN_RECIPIENT = Table(
    "campaign_recipient",
    "Who a campaign was drawn for, by patron key: the treatment arm or the random holdout (never an address).",
    (
        _c("campaign_id", "VARCHAR", "Campaign (see `campaign`).", False),
        _c("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        _c("recipient_id", "VARCHAR", "Random reference used in the person's signed unsubscribe link.", False),
        _c("arm", "VARCHAR", "`treatment` (receives the e-mail) or `holdout` (kept out to measure the lift).", False),
        _c("pre_spend", "DOUBLE", "What the person spent at the member in the 365 days before the campaign (the variance-reduction covariate).", False),
    ),
    ("campaign_id", "patron_key"),
    contributed=False,
)

CAMPAIGN_SEND = Table(
    "campaign_send",
    "The outcome of each message, by patron key: never an address.",
    (
        _c("campaign_id", "VARCHAR", "Campaign (see `campaign`).", False),
        _c("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        _c("variant", "VARCHAR", "Language version sent: `fr` or `en`.", False),
        _c("status", "VARCHAR", "`sent` (accepted by the SMTP server), `bounced` (refused for good), `failed` (refused for now, retries spent), `capped` (frequency cap reached), `opted_out` (unsubscribed, erased or without consent at send time) or `uncertain` (the sender stopped while the server held the message: never sent again).", False),
        _c("attempts", "INTEGER", "SMTP attempts made.", False),
        _c("sent_at", "TIMESTAMP", "When the outcome was recorded (UTC).", False),
        _c("smtp_code", "INTEGER", "Last SMTP reply code (no reply text: it may quote the address)."),
    ),
    ("campaign_id", "patron_key"),
    contributed=False,
)

CAMPAIGN_SUPPRESSION = Table(
    "campaign_suppression",
    "People no campaign may reach again, by patron key: a permanent SMTP refusal.",
    (
        _c("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        _c("reason", "VARCHAR", "Why: `bounced` (the SMTP server refused the address for good).", False),
        _c("campaign_id", "VARCHAR", "Campaign whose send found it."),
        _c("recorded_at", "TIMESTAMP", "When it was recorded (UTC).", False),
    ),
    ("patron_key",),
    contributed=False,
)

CONSENT_EVENT = Table(
    "consent_event",
    "Consent decisions taken at the cooperative (an unsubscribe is a marketing withdrawal for every member), newest wins over older ones.",
    (
        _c("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        _c("purpose", "VARCHAR", "`pooling`, `marketing` or `personalization`.", False),
        _c("granted", "BOOLEAN", "False for a withdrawal.", False),
        _c("source", "VARCHAR", "`unsubscribe_link`, `one_click` (RFC 8058 POST) or another channel.", False),
        _c("campaign_id", "VARCHAR", "Campaign whose link was used, if any."),
        _c("member_id", "VARCHAR", "Member whose campaign it was, if any."),
        _c("recorded_at", "TIMESTAMP", "When it was recorded (UTC).", False),
    ),
    ("patron_key", "purpose", "recorded_at"),
    contributed=False,
)

CAMPAIGN_TABLES: tuple[Table, ...] = (CAMPAIGN_SETTINGS, CAMPAIGN, CAMPAIGN_RECIPIENT, CAMPAIGN_SEND,
                                      CAMPAIGN_SUPPRESSION, CONSENT_EVENT)
ALL_TABLES = (*ALL_TABLES, *CAMPAIGN_TABLES)


# --- Consent changes, erasure, retention, contribution (issue 14): kept by the cooperative. ---

ERASURE_SUPPRESSION = Table(
    "erasure_suppression",
    "People erased at their own request, as keyed hashes only, so that a later package does not bring them back.",
    (
        _c("hash", "VARCHAR", "HMAC-SHA256 (key `suppression_key`) of a kind and a token: no token and no identifier is stored.", False),
        _c("kind", "VARCHAR", "What was hashed: `email`, `phone` or `record` (a member's patron record).", False),
        _c("erased_at", "TIMESTAMP", "When the erasure was carried out (UTC).", False),
    ),
    ("hash",),
    contributed=False,
)

SUPPRESSION_KEY = Table(
    "suppression_key",
    "The random key of the suppression list's hashes, drawn when the first person is erased.",
    (
        _c("key_id", "VARCHAR", "Always `suppression`.", False),
        _c("secret", "BLOB", "32 random bytes.", False),
        _c("created_at", "TIMESTAMP", "When it was drawn (UTC).", False),
    ),
    ("key_id",),
    contributed=False,
)

GOVERNANCE_POLICY = Table(
    "governance_policy",
    "The cooperative's retention rule and remuneration rules for each period, set by the cooperative admin.",
    (
        _c("name", "VARCHAR", "`retention` or `remuneration:<period>`.", False),
        _c("value", "VARCHAR", "JSON object of the settings.", False),
        _c("updated_at", "TIMESTAMP", "When they were last changed (UTC).", False),
        _c("updated_by", "VARCHAR", "Who changed them."),
    ),
    ("name",),
    contributed=False,
)

GOVERNANCE_TABLES: tuple[Table, ...] = (ERASURE_SUPPRESSION, SUPPRESSION_KEY, GOVERNANCE_POLICY)
ALL_TABLES = (*ALL_TABLES, *GOVERNANCE_TABLES)
TABLES = {t.name: t for t in ALL_TABLES}
