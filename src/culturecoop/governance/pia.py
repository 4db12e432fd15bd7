"""The privacy impact assessment (Québec Law 25, s. 3.3), rendered from the live configuration:
what is collected, for which purposes, the safeguards in force (k, ε, encodings, keys), the
retention rule, who can see what, and the state of the records that prove it (audit chain,
erasures, consents). French and English, Markdown and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from culturecoop.analytics.wording import label, number
from culturecoop.governance.documents import markdown_pdf, percent, translator
from culturecoop.governance.retention import retention_months
from culturecoop.i18n import plural_in
from culturecoop.privacy import audit
from culturecoop.privacy.encodings import BLOOM_FIELDS, BLOOM_HASHES, ID_TOKEN_HEX
from culturecoop.privacy.policy import current_policy
from culturecoop.schema.model import BLOOM_BITS, CONSENT_PURPOSES
from culturecoop.warehouse.engine import Warehouse


def _(message: str) -> str:
    """Mark a word for the catalog; ``t`` says it in the document's language."""
    return message


# The encoded fields as the assessment's reader names them (« prénom », not given_name).
FIELD_WORDS = {"given_name": _("given name"), "surname": _("surname"), "birth_date": _("birth date"),
               "postcode": _("postal code")}


def facts(warehouse: Warehouse) -> dict[str, Any]:
    """The live figures the assessment states."""
    policy = current_policy(warehouse)
    consent = {r["purpose"]: (int(r["granted"] or 0), int(r["n"])) for r in warehouse.query(
        "SELECT purpose, count(*) FILTER (WHERE granted) AS granted, count(*) AS n FROM consent GROUP BY purpose")}
    chain = audit.verify_chain(warehouse)
    return {
        "policy": policy.to_json(),
        "members": int(warehouse.scalar("SELECT count(*) FROM member")),
        "patrons": int(warehouse.scalar("SELECT count(*) FROM patron")),
        "tickets": int(warehouse.scalar("SELECT count(*) FROM ticket")),
        "persons": int(warehouse.scalar("SELECT count(DISTINCT patron_key) FROM identity")),
        "sealed_contacts": int(warehouse.scalar("SELECT count(contact_sealed) FROM patron")),
        "consent": consent,
        "retention_months": retention_months(warehouse),
        "erasures": int(warehouse.scalar("SELECT count(*) FROM audit WHERE action = 'erasure'")),
        "suppressed_hashes": int(warehouse.scalar("SELECT count(*) FROM erasure_suppression")),
        "audit_entries": chain.entries, "audit_ok": chain.ok,
        "accounts": {r["role"]: int(r["n"]) for r in warehouse.query(
            "SELECT role, count(*) AS n FROM account WHERE disabled_at IS NULL GROUP BY role ORDER BY role")},
    }


def pia_markdown(data: dict[str, Any], language: str) -> str:
    t = translator(language)
    policy = data["policy"]

    def n(value: float) -> str:
        return number(value, language)

    lines = [
        "# " + t("Privacy impact assessment"),
        "",
        t("Generated from the live configuration of the cooperative: {members} members, {patrons} patron records, {persons} linked persons, {tickets} tickets.",
          members=n(data["members"]), patrons=n(data["patrons"]), persons=n(data["persons"]), tickets=n(data["tickets"])),
        "",
        "## " + t("What is collected"),
        "",
        "- " + t("Tickets (event, time, quantity, price, channel, status) and events (public programme information)."),
        "- " + t("For each patron: keyed tokens of the e-mail, the phone and the member's own customer id (HMAC-SHA256), keyed Bloom-filter encodings of given name, surname, birth date and postal code, the postal area, a five-year birth band and the language. No name, e-mail, phone or birth date in clear ever leaves a member."),
        "- " + plural_in(data["sealed_contacts"], "The e-mail sealed to the campaign key, only with marketing consent: {n} record.",
                           "The e-mail sealed to the campaign key, only with marketing consent: {n} records.", language).format(
                               n=n(data["sealed_contacts"])),
        "",
        "## " + t("For which purposes"),
        "",
        "| " + t("Purpose") + " | " + t("Records that agreed") + " | " + t("Share") + " |",
        "|---|---|---|",
    ]
    labels = {"pooling": t("Pooling: cross-member aggregates"), "marketing": t("Marketing: cross-member campaigns"),
              "personalization": t("Personalization: recommendations")}
    for purpose in CONSENT_PURPOSES:
        granted, total = data["consent"].get(purpose, (0, 0))
        lines.append(f"| {labels[purpose]} | {n(granted)} / {n(total)} | {percent(granted / total if total else 0.0, language)} |")
    lines += [
        "",
        "## " + t("Safeguards in force"),
        "",
        "- " + t("Minimum cell size k = {k}: a cross-member figure counting fewer people is shown as “< {k}”, with complementary suppression.", k=policy["k"]),
        "- " + (t("Differential privacy: on, ε = {eps} per release, budget {budget} per {period} per member.",
                  eps=policy["epsilon_per_release"], budget=policy["epsilon_budget"], period=t(policy["budget_period"]))
                if policy["noise"] else t("Differential privacy: off (counts are exact above k).")),
        "- " + t("Encodings: Bloom filters of {bits} bits with {hashes} keyed hash positions per token, for {fields}; identifiers as {hex}-digit keyed tokens.",
                 bits=n(BLOOM_BITS), hashes=n(BLOOM_HASHES), fields=", ".join(t(FIELD_WORDS.get(f, f)) for f in BLOOM_FIELDS),
                 hex=n(ID_TOKEN_HEX)),
        "- " + t("Keys: the linkage secret stays with the members (the warehouse never holds it); the campaign private key only with the campaign sender; the server secret with the web application."),
        "- " + plural_in(data["audit_entries"], "Audit: {n} entry in a hash-chained log; chain verified: {ok}.",
                         "Audit: {n} entries in a hash-chained log; chain verified: {ok}.", language).format(n=n(data["audit_entries"]), ok=t("yes") if data["audit_ok"] else t("NO")),
        "",
        "## " + t("Retention and erasure"),
        "",
        "- " + t("A record is kept {months} months after its last ticket, then removed from every table and from the files themselves (`culturecoop retention apply`).", months=data["retention_months"]),
        "- " + t("Erasure at the person's request removes them from the whole cooperative and rewrites the files; {erasures}, {hashes} so that a later package does not bring them back.",
                 erasures=plural_in(data["erasures"], "{n} erasure so far", "{n} erasures so far", language).format(n=n(data["erasures"])),
                 hashes=plural_in(data["suppressed_hashes"], "{n} keyed hash on the suppression list",
                                  "{n} keyed hashes on the suppression list", language).format(n=n(data["suppressed_hashes"]))),
        "- " + t("Access and portability: everything held about a person, as JSON and CSV, in seconds (`culturecoop access export`)."),
        "",
        "## " + t("Who can see what"),
        "",
        "- " + t("A member sees patron-level rows of its own data only."),
        "- " + t("Everything that crosses members is an aggregate that passed the privacy gate, and is recorded in the audit log that each member can read for its own data."),
        "- " + t("The cooperative operator runs the warehouse but holds no clear-text identifier and cannot compute tokens."),
        "- " + t("Active accounts: {accounts}.", accounts=", ".join(f"{label('role', role, language)} ({n(count)})" for role, count in data["accounts"].items())
                 or t("none")),
        "",
    ]
    return "\n".join(lines)


def write_pia(warehouse: Warehouse, out: Path, *, pdf: bool = True) -> list[Path]:
    data = facts(warehouse)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for language in ("fr", "en"):
        text = pia_markdown(data, language)
        path = out / f"pia.{language}.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        if pdf:
            files.append(markdown_pdf(text, out / f"pia.{language}.pdf", "PIA"))
    return files
