"""Campaigns: a member's e-mail to a saved audience, without the member ever learning who is in it.

``service`` creates and approves campaigns, ``eligibility`` decides who may receive one,
``content`` renders the French and English messages, ``sender`` delivers them over SMTP (the
only code that opens sealed contacts), ``unsubscribe`` records one-click withdrawals and
``results`` measures attribution and lift through the privacy gate.
"""

# Every table of this service that holds something about a person, with the columns that name
# the person: erasure (issue 14) deletes a person's rows from each. No table holds an address.
# The sender's journal (``sender.journal_path``) holds patron keys for the length of one send
# and is removed once replayed into ``campaign_send``.
PERSON_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("campaign_recipient", ("patron_key",)),
    ("campaign_send", ("patron_key",)),
    ("campaign_suppression", ("patron_key",)),
    ("consent_event", ("patron_key",)),
)
