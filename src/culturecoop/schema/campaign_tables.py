"""Campaigns (issue 13): derived tables kept by the cooperative.

Tables that hold something about a person are keyed by `patron_key` and listed in
`culturecoop.campaigns.PERSON_TABLES` for erasure (issue 14); none holds an address.
"""

from __future__ import annotations

from culturecoop.schema.table import Table, column

CAMPAIGN_SETTINGS = Table(
    "campaign_settings",
    "The cooperative's campaign rules, set by the cooperative admin.",
    (
        column("settings_id", "VARCHAR", "Always `cooperative`.", False),
        column("frequency_cap", "INTEGER", "Most cooperative e-mails one person receives in `cap_days` days, across all members.", False),
        column("cap_days", "INTEGER", "Length of the frequency-cap window in days.", False),
        column("require_approval", "BOOLEAN", "True when the cooperative admin must approve a campaign before it is sent.", False),
        column("default_holdout", "DOUBLE", "Share of each audience kept out of a campaign to measure its lift (at least 0.05).", False),
        column("rate_per_second", "DOUBLE", "Most messages the sender hands to the SMTP server per second (0: no limit).", False),
        column("sender_address", "VARCHAR", "The cooperative's sending address (`From`), e.g. `campagnes@culturecoop.example`.", False),
        column("public_url", "VARCHAR", "Address of the cooperative's web app, where unsubscribe links point.", False),
        column("updated_at", "TIMESTAMP", "When the rules were last changed (UTC).", False),
        column("updated_by", "VARCHAR", "Who changed them."),
    ),
    ("settings_id",),
    contributed=False,
)

CAMPAIGN_REPLY_TO = Table(
    "campaign_reply_to",
    "Where replies to a member's campaigns go: its own address (its box office), set by the member.",
    (
        column("member_id", "VARCHAR", "Member whose campaigns carry this `Reply-To`.", False),
        column("reply_to", "VARCHAR", "The member's address for replies, e.g. `billetterie@theatre.example`.", False),
        column("updated_at", "TIMESTAMP", "When it was last changed (UTC).", False),
        column("updated_by", "VARCHAR", "Who changed it."),
    ),
    ("member_id",),
    contributed=False,
)

CAMPAIGN = Table(
    "campaign",
    "An e-mail campaign of one member to one of its saved audiences.",
    (
        column("campaign_id", "VARCHAR", "Identifier of the campaign.", False),
        column("member_id", "VARCHAR", "Member that sends it.", False),
        column("audience_id", "VARCHAR", "Saved audience it goes to (see `audience`).", False),
        column("event_id", "VARCHAR", "The member's event it promotes (an upcoming or past event); NULL for a general message."),
        column("status", "VARCHAR", "`awaiting_approval`, `ready`, `sending`, `sent` or `cancelled`.", False),
        column("subject_fr", "VARCHAR", "Subject in French (placeholders allowed).", False),
        column("subject_en", "VARCHAR", "Subject in English.", False),
        column("preheader_fr", "VARCHAR", "Preview line shown after the subject in French."),
        column("preheader_en", "VARCHAR", "Preview line in English."),
        column("body_fr", "VARCHAR", "Body in French (plain text with placeholders).", False),
        column("body_en", "VARCHAR", "Body in English.", False),
        column("link", "VARCHAR", "The member's ticketing page for the event."),
        column("window_start", "TIMESTAMP", "Earliest time it may be sent (UTC).", False),
        column("window_end", "TIMESTAMP", "Latest time it may be sent (UTC).", False),
        column("holdout_share", "DOUBLE", "Share of the eligible audience kept out at random.", False),
        column("conversion", "VARCHAR", "`event`: a ticket for the event counts; `member`: any ticket at the member.", False),
        column("conversion_days", "INTEGER", "Days after the first send during which a ticket counts as a conversion.", False),
        column("created_at", "TIMESTAMP", "When it was created (UTC).", False),
        column("created_by", "VARCHAR", "Who created it.", False),
        column("approved_at", "TIMESTAMP", "When the cooperative admin approved it (UTC); NULL when not needed or not yet."),
        column("approved_by", "VARCHAR", "Who approved it."),
        column("first_sent_at", "TIMESTAMP", "When its first message went out (UTC): the start of the conversion window for both arms."),
        column("finished_at", "TIMESTAMP", "When every recipient had an outcome (UTC)."),
    ),
    ("campaign_id",),
    contributed=False,
)

CAMPAIGN_RECIPIENT = Table(
    "campaign_recipient",
    "Who a campaign was drawn for, by patron key: the treatment arm or the random holdout (never an address).",
    (
        column("campaign_id", "VARCHAR", "Campaign (see `campaign`).", False),
        column("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        column("recipient_id", "VARCHAR", "Random reference used in the person's signed unsubscribe link.", False),
        column("arm", "VARCHAR", "`treatment` (receives the e-mail) or `holdout` (kept out to measure the lift).", False),
        column("pre_spend", "DOUBLE", "What the person spent at the member in the 365 days before the campaign (the variance-reduction covariate).", False),
    ),
    ("campaign_id", "patron_key"),
    contributed=False,
)

CAMPAIGN_SEND = Table(
    "campaign_send",
    "The outcome of each message, by patron key: never an address.",
    (
        column("campaign_id", "VARCHAR", "Campaign (see `campaign`).", False),
        column("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        column("variant", "VARCHAR", "Language version sent: `fr` or `en`.", False),
        column("status", "VARCHAR", "`sent` (accepted by the SMTP server), `bounced` (refused for good), `failed` (refused for now, retries spent), `capped` (frequency cap reached), `opted_out` (unsubscribed, erased or without consent at send time) or `uncertain` (the sender stopped while the server held the message: never sent again).", False),
        column("attempts", "INTEGER", "SMTP attempts made.", False),
        column("sent_at", "TIMESTAMP", "When the outcome was recorded (UTC).", False),
        column("smtp_code", "INTEGER", "Last SMTP reply code (no reply text: it may quote the address)."),
    ),
    ("campaign_id", "patron_key"),
    contributed=False,
)

CAMPAIGN_SUPPRESSION = Table(
    "campaign_suppression",
    "People no campaign may reach again, by patron key: a permanent SMTP refusal.",
    (
        column("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        column("reason", "VARCHAR", "Why: `bounced` (the SMTP server refused the address for good).", False),
        column("campaign_id", "VARCHAR", "Campaign whose send found it."),
        column("recorded_at", "TIMESTAMP", "When it was recorded (UTC).", False),
    ),
    ("patron_key",),
    contributed=False,
)

CONSENT_EVENT = Table(
    "consent_event",
    "Consent decisions taken at the cooperative (an unsubscribe is a marketing withdrawal for every member), newest wins over older ones.",
    (
        column("patron_key", "VARCHAR", "Cooperative-wide person key.", False),
        column("purpose", "VARCHAR", "`pooling`, `marketing` or `personalization`.", False),
        column("granted", "BOOLEAN", "False for a withdrawal.", False),
        column("source", "VARCHAR", "`unsubscribe_link`, `one_click` (RFC 8058 POST) or another channel.", False),
        column("campaign_id", "VARCHAR", "Campaign whose link was used, if any."),
        column("member_id", "VARCHAR", "Member whose campaign it was, if any."),
        column("recorded_at", "TIMESTAMP", "When it was recorded (UTC).", False),
    ),
    ("patron_key", "purpose", "recorded_at"),
    contributed=False,
)

CAMPAIGN_TABLES: tuple[Table, ...] = (CAMPAIGN_SETTINGS, CAMPAIGN_REPLY_TO, CAMPAIGN, CAMPAIGN_RECIPIENT, CAMPAIGN_SEND,
                                      CAMPAIGN_SUPPRESSION, CONSENT_EVENT)
