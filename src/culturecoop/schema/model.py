"""The canonical model: the only schema of the cooperative.

Every export is mapped to these tables; the warehouse stores exactly these tables; data
engineers query them directly, so table and column names are a public contract. Changing a
name or a type is a new ``SCHEMA_VERSION``.

The tables members contribute are here; the tables each service derives and keeps at the
cooperative have a module each (``web_tables``, ``privacy_tables``, ``reco_tables``,
``campaign_tables``, ``governance_tables``), all gathered in ``ALL_TABLES``; a table's shape is
``schema.table``.
"""

from __future__ import annotations

from culturecoop.schema.campaign_tables import CAMPAIGN_TABLES
from culturecoop.schema.governance_tables import GOVERNANCE_TABLES
from culturecoop.schema.privacy_tables import PRIVACY_TABLES
from culturecoop.schema.reco_tables import RECO_TABLES
from culturecoop.schema.table import Table, column
from culturecoop.schema.web_tables import WEB_TABLES

SCHEMA_VERSION = 2

# Bloom-filter encodings are stored as BLOBs of this many bits (packed, big-endian bit order).
BLOOM_BITS = 1024

MEMBER = Table(
    "member",
    "One organization of the cooperative (a venue, festival, museum, reseller or label).",
    (
        column("member_id", "VARCHAR", "Short stable identifier chosen at onboarding, e.g. `jazz-dieze`.", False),
        column("name", "VARCHAR", "Display name of the organization.", False),
        column("kind", "VARCHAR", "One of `jazz_club`, `theatre`, `festival`, `orchestra`, `museum`, `reseller`, `label`, `club`, `other`.", False),
        column("region", "VARCHAR", "Administrative region, e.g. `Montréal`, `Capitale-Nationale`."),
    ),
    ("member_id",),
)

EVENT = Table(
    "event",
    "A performance, exhibition or session that tickets are sold for.",
    (
        column("member_id", "VARCHAR", "Member that sold tickets for the event.", False),
        column("event_id", "VARCHAR", "The member's own event identifier.", False),
        column("title", "VARCHAR", "Title as published."),
        column("starts_at", "TIMESTAMP", "Local start time: wall clock of the member's time zone (its mapping's `timezone`, America/Toronto by default), no offset."),
        column("venue", "VARCHAR", "Venue name."),
        column("venue_fsa", "VARCHAR", "Coarse postal area of the venue: a Canadian forward sortation area (`H2X`), a British outward code (`GB-SW4`), elsewhere the country and the first digits (`FR-750`)."),
        column("genres", "VARCHAR[]", "Genres normalized to the cooperative's taxonomy (see `schema/taxonomy.py`)."),
        column("artists", "VARCHAR[]", "Performing artists or companies, as published."),
        column("capacity", "INTEGER", "Number of seats or admissions on sale."),
        column("is_local", "BOOLEAN", "True when the headline artist is from Québec."),
        column("language", "VARCHAR", "Language of the performance: `fr`, `en`, `bilingual`, `none` (instrumental) or NULL."),
    ),
    ("member_id", "event_id"),
    indexed_key=False,
)

PATRON = Table(
    "patron",
    "A buyer as known to one member, pseudonymized: no clear-text name, e-mail, phone or birth date.",
    (
        column("member_id", "VARCHAR", "Member that knows this patron.", False),
        column("member_patron_id", "VARCHAR", "Keyed token (32 hex digits) of the member's own customer identifier (or of the e-mail standing in for it): HMAC-SHA256 under a key derived from the linkage secret and the member, so the member can recompute it and the cooperative cannot invert it.", False),
        column("email_token", "VARCHAR", "HMAC-SHA256 (linkage secret) of the normalized e-mail, hex; NULL when absent."),
        column("phone_token", "VARCHAR", "HMAC-SHA256 (linkage secret) of the E.164 phone number, hex; NULL when absent."),
        column("bloom_given_name", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the normalized given name."),
        column("bloom_surname", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the normalized surname."),
        column("bloom_birth_date", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the birth date."),
        column("bloom_postcode", "BLOB", f"Keyed Bloom-filter encoding ({BLOOM_BITS} bits) of the full postal code."),
        column("fsa", "VARCHAR", "Coarse postal area of the patron: a Canadian forward sortation area (`H2X`), a British outward code (`GB-SW4`), elsewhere the country and the first digits (`FR-750`, `US-100`, `DE-101`)."),
        column("birth_band", "VARCHAR", "Birth-year band of five years, e.g. `1980-1984`; NULL when unknown."),
        column("language", "VARCHAR", "Preferred language: `fr`, `en` or NULL."),
        column("contact_sealed", "BLOB", "E-mail sealed to the campaign public key (libsodium sealed box); only when marketing consent was given."),
    ),
    ("member_id", "member_patron_id"),
    indexed_key=False,
)

TICKET = Table(
    "ticket",
    "One ticket line of an order.",
    (
        column("member_id", "VARCHAR", "Member that sold the ticket.", False),
        column("ticket_id", "VARCHAR", "Keyed token of the member's own ticket identifier (or of the order id and line position when the export has none), like `patron.member_patron_id`.", False),
        column("order_id", "VARCHAR", "Keyed token of the order the ticket belongs to."),
        column("member_patron_id", "VARCHAR", "Buyer (token, see `patron`).", False),
        column("event_id", "VARCHAR", "Event (see `event`).", False),
        column("purchased_at", "TIMESTAMP", "Local time of purchase (the member's time zone).", False),
        column("quantity", "INTEGER", "Number of admissions on the line (at least 1).", False),
        column("unit_price", "DECIMAL(10,2)", "Price of one admission, taxes included, in `currency`.", False),
        column("currency", "VARCHAR", "ISO 4217 code, `CAD` by default.", False),
        column("channel", "VARCHAR", "`web`, `box_office`, `phone`, `reseller`, `mobile` or `other`."),
        column("status", "VARCHAR", "`sold`, `refunded`, `cancelled` or `exchanged`.", False),
    ),
    ("member_id", "ticket_id"),
    indexed_key=False,
)

UNNAMED_SALE = Table(
    "unnamed_sale",
    "Sales that name nobody (door or cash sales: no customer number, e-mail, phone or name), summed per event, "
    "day, channel, price and status. They count admissions and revenue, never people.",
    (
        column("member_id", "VARCHAR", "Member that sold them.", False),
        column("event_id", "VARCHAR", "Event (see `event`).", False),
        column("sold_on", "DATE", "Local day of the sales (the member's time zone).", False),
        column("channel", "VARCHAR", "`web`, `box_office`, `phone`, `reseller`, `mobile` or `other` (also when the export does not say).", False),
        column("unit_price", "DECIMAL(10,2)", "Price of one admission, taxes included, in `currency`.", False),
        column("currency", "VARCHAR", "ISO 4217 code.", False),
        column("status", "VARCHAR", "`sold`, `refunded`, `cancelled` or `exchanged`, as in `ticket`.", False),
        column("admissions", "BIGINT", "Admissions on those lines (the sum of their quantities).", False),
        column("lines", "BIGINT", "Lines of the export summed in this row.", False),
    ),
    ("member_id", "event_id", "sold_on", "channel", "unit_price", "currency", "status"),
    indexed_key=False,
    required=False,
)

CONSENT = Table(
    "consent",
    "A patron's latest decision for one purpose, as recorded by the member.",
    (
        column("member_id", "VARCHAR", "Member that recorded the consent.", False),
        column("member_patron_id", "VARCHAR", "Patron concerned (token, see `patron`).", False),
        column("purpose", "VARCHAR", "`pooling`, `marketing` or `personalization`.", False),
        column("granted", "BOOLEAN", "True when the patron agreed.", False),
        # DESIGN.md calls this column `at`, a reserved word in DuckDB 2.0: renamed so that plain SQL works.
        column("recorded_at", "TIMESTAMP", "When the decision was recorded (latest purchase of the export when the vendor gives no date).", False),
    ),
    ("member_id", "member_patron_id", "purpose"),
    indexed_key=False,
)

IDENTITY = Table(
    "identity",
    "Cooperative-wide identity of each patron record, produced by `culturecoop link`.",
    (
        column("member_id", "VARCHAR", "Member of the record.", False),
        column("member_patron_id", "VARCHAR", "Record at that member.", False),
        column("patron_key", "VARCHAR", "Stable cooperative-wide person key.", False),
        column("confidence", "DOUBLE", "Match probability of the weakest link that joined the record to its cluster (1.0 for a singleton).", False),
    ),
    ("member_id", "member_patron_id"),
    contributed=False,
)

INGEST_LOG = Table(
    "ingest_log",
    "Every contribution package loaded into the warehouse.",
    (
        column("package_sha256", "VARCHAR", "SHA-256 of the package manifest: the package's identity.", False),
        column("member_id", "VARCHAR", "Member that sent the package.", False),
        column("profile", "VARCHAR", "Mapping profile used by `prepare`."),
        column("created_at", "TIMESTAMP", "When `prepare` created the package (UTC).", False),
        column("ingested_at", "TIMESTAMP", "When the package was loaded (UTC).", False),
        column("rows_in", "BIGINT", "Rows read from the export by `prepare`."),
        column("rows_rejected", "BIGINT", "Rows quarantined by `prepare`."),
        column("rows_loaded", "VARCHAR", "JSON object: rows loaded per table; `refunds_merged`: refund rows `prepare` applied to the sale they refund (accepted, no ticket of their own); `unnamed_rows`: rows naming nobody, summed in `unnamed_sale`; `rejects_by_reason`: rows `prepare` quarantined, per reason; `not_tickets`: rows of the export that sold no ticket (donations, memberships, a shop's goods), left out by `prepare`."),
        column("consent", "VARCHAR", "JSON object from the package's manifest: per purpose, whether a column of the export or the mapping's default decided it and how many patrons granted it, and the basis the member stated for defaults."),
    ),
    ("package_sha256",),
    contributed=False,
)

CONTRIBUTED_TABLES: tuple[Table, ...] = (EVENT, PATRON, TICKET, CONSENT, UNNAMED_SALE)
# Every table of the warehouse, the contributed and the member's own first, then each service's.
ALL_TABLES: tuple[Table, ...] = (MEMBER, EVENT, PATRON, TICKET, CONSENT, UNNAMED_SALE, IDENTITY, INGEST_LOG,
                                 *WEB_TABLES, *PRIVACY_TABLES, *RECO_TABLES, *CAMPAIGN_TABLES, *GOVERNANCE_TABLES)
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
