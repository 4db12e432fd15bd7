"""Recommendations and audiences (issue 12): derived tables kept by the cooperative.
"""

from __future__ import annotations

from culturecoop.schema.table import Table, column

RECO_UPCOMING_EVENT = Table(
    "reco_upcoming_event",
    "A member's announced programme: upcoming events nobody has bought for yet (public information, loaded by `culturecoop reco programme`).",
    (
        column("member_id", "VARCHAR", "Member that programmes the event.", False),
        column("event_id", "VARCHAR", "The member's own event identifier.", False),
        column("title", "VARCHAR", "Title as published."),
        column("starts_at", "TIMESTAMP", "Local start time.", False),
        column("venue", "VARCHAR", "Venue name."),
        column("venue_fsa", "VARCHAR", "Forward sortation area of the venue."),
        column("genres", "VARCHAR[]", "Genres normalized to the cooperative's taxonomy."),
        column("artists", "VARCHAR[]", "Performing artists or companies."),
        column("capacity", "INTEGER", "Seats or admissions on sale."),
        column("is_local", "BOOLEAN", "True when the headline artist is from Québec."),
        column("language", "VARCHAR", "`fr`, `en`, `bilingual`, `none` or NULL."),
        column("price", "DOUBLE", "Full price of one admission, in the member's currency."),
        column("loaded_at", "TIMESTAMP", "When the programme was loaded (UTC).", False),
    ),
    ("member_id", "event_id"),
    contributed=False,
)

RECO_MODEL = Table(
    "reco_model",
    "Trained recommendation models: aggregate parameters only (feature weights, a content → factor map), no person's row.",
    (
        column("model_id", "VARCHAR", "Identifier of the training run.", False),
        column("trained_at", "TIMESTAMP", "When it was trained (UTC).", False),
        column("data_version", "VARCHAR", "Data version the model was trained on.", False),
        column("summary", "VARCHAR", "JSON: people, events, interactions, features, blend weights, seconds.", False),
        column("state", "BLOB", "The model's parameters (NumPy archive).", False),
    ),
    ("model_id",),
    contributed=False,
)

RECO_MEASURE = Table(
    "reco_measure",
    "Measures of a trained model that take seconds to make (the accuracy–diversity curve, how well audience lists find the people who come), kept until the model or the data changes: aggregates only, no person's row.",
    (
        column("model_id", "VARCHAR", "The trained model measured.", False),
        column("data_version", "VARCHAR", "Data version it was measured on.", False),
        column("name", "VARCHAR", "Which measure: `reco_tradeoff` or `reco_gains`.", False),
        column("variant", "VARCHAR", "What it was measured for, as JSON (the discoverability setting; `[]` for nothing).", False),
        column("value", "VARCHAR", "The measure, as JSON.", False),
        column("measured_at", "TIMESTAMP", "When it was measured (UTC).", False),
    ),
    ("model_id", "data_version", "name", "variant"),
    contributed=False,
)

RECO_SETTINGS = Table(
    "reco_settings",
    "The cooperative's discoverability defaults, set by the cooperative admin.",
    (
        column("settings_id", "VARCHAR", "Always `cooperative`.", False),
        column("diversity", "DOUBLE", "Diversity knob of the re-ranking, 0 (model order) to 1.", False),
        column("boost", "DOUBLE", "Local and francophone floor: points above the catalogue's share in each top-10.", False),
        column("updated_at", "TIMESTAMP", "When they were last changed (UTC).", False),
        column("updated_by", "VARCHAR", "Who changed them."),
    ),
    ("settings_id",),
    contributed=False,
)

RECO_AGREEMENT = Table(
    "reco_agreement",
    "Cross-promotion agreements between two members: proposed by one, accepted or declined by the other.",
    (
        column("agreement_id", "VARCHAR", "Identifier of the proposal.", False),
        column("proposer", "VARCHAR", "Member that proposed the cross offer.", False),
        column("partner", "VARCHAR", "Member asked to accept it.", False),
        column("status", "VARCHAR", "`proposed`, `accepted` or `declined`.", False),
        column("proposed_at", "TIMESTAMP", "When it was proposed (UTC).", False),
        column("proposed_by", "VARCHAR", "Who proposed it."),
        column("decided_at", "TIMESTAMP", "When the partner decided (UTC)."),
        column("decided_by", "VARCHAR", "Who decided."),
    ),
    ("agreement_id",),
    contributed=False,
)

AUDIENCE = Table(
    "audience",
    "Saved audiences: who a member may reach (an event's likely audience, a segment, fans of a genre elsewhere, lapsed patrons).",
    (
        column("audience_id", "VARCHAR", "Identifier of the audience.", False),
        column("member_id", "VARCHAR", "Member that built it.", False),
        column("name", "VARCHAR", "Name given by the member.", False),
        column("kind", "VARCHAR", "`event`, `segment`, `genre` or `lapsed`.", False),
        column("definition", "VARCHAR", "JSON: the parameters it was built from.", False),
        column("created_at", "TIMESTAMP", "When it was built (UTC).", False),
        column("created_by", "VARCHAR", "Who built it.", False),
        column("gated_size", "INTEGER", "Size as released by the privacy gate; NULL when under k (shown as `< k`)."),
        column("audit_seq", "BIGINT", "Audit entry of the build."),
    ),
    ("audience_id",),
    contributed=False,
)

AUDIENCE_MEMBER = Table(
    "audience_member",
    "The people of each saved audience, as cooperative patron keys only (never shown to a member).",
    (
        column("audience_id", "VARCHAR", "Audience (see `audience`).", False),
        column("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        column("score", "DOUBLE", "Model score (event audiences) or NULL."),
        column("own", "BOOLEAN", "True when the person is already a patron of the audience's member.", False),
    ),
    ("audience_id", "patron_key"),
    contributed=False,
)

RECO_TABLES: tuple[Table, ...] = (RECO_UPCOMING_EVENT, RECO_MODEL, RECO_MEASURE, RECO_SETTINGS, RECO_AGREEMENT, AUDIENCE, AUDIENCE_MEMBER)
