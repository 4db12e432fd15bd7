"""The cooperative's campaign rules: frequency cap, approval, default holdout, sending rate."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import _, general
from culturecoop.privacy import audit
from culturecoop.warehouse.engine import Warehouse

MIN_HOLDOUT = 0.05
MAX_HOLDOUT = 0.5
# A frequency cap counted over more than a year is no weekly rule any more (and dates overflow).
MAX_CAP_DAYS = 366


@dataclass(frozen=True)
class CampaignSettings:
    frequency_cap: int = 2
    cap_days: int = 7
    require_approval: bool = False
    default_holdout: float = 0.10
    rate_per_second: float = 50.0
    sender_address: str = "campagnes@culturecoop.invalid"
    public_url: str = "http://127.0.0.1:8000"

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def current_settings(warehouse: Warehouse) -> CampaignSettings:
    rows = warehouse.query(
        "SELECT frequency_cap, cap_days, require_approval, default_holdout, rate_per_second, sender_address, public_url "
        "FROM campaign_settings WHERE settings_id = 'cooperative'")
    return CampaignSettings(**rows[0]) if rows else CampaignSettings()


def check_holdout(share: float) -> float:
    """``share`` when it is an allowed holdout; refused in percent, the unit the dashboard's form
    takes (the command line, which takes a fraction, checks its option itself)."""
    if not MIN_HOLDOUT <= share <= MAX_HOLDOUT:
        raise UserError(_("The holdout share must be from {low}% to {high}% of the audience, e.g. 10%; got {share}%.").format(
            low=percent(MIN_HOLDOUT), high=percent(MAX_HOLDOUT), share=percent(share)))
    return share


def percent(fraction: float) -> str:
    """A share as a number of percent in a sentence (10, 12.5; 12,5 in French), at most two decimals."""
    return general(round(fraction * 100, 2))


def validate(settings: CampaignSettings) -> CampaignSettings:
    if settings.frequency_cap < 1 or settings.cap_days < 1:
        raise UserError(_("The frequency cap needs at least 1 e-mail over at least 1 day, e.g. --cap 2 --days 7."))
    if settings.cap_days > MAX_CAP_DAYS:
        raise UserError(_("The frequency-cap window is at most {most} days (e.g. --days 7); got {days}.").format(
            most=MAX_CAP_DAYS, days=settings.cap_days))
    check_holdout(settings.default_holdout)
    if settings.rate_per_second < 0:
        raise UserError(_("The sending rate must be zero (no limit) or a positive number of messages per second."))
    if "@" not in settings.sender_address or " " in settings.sender_address.strip():
        raise UserError(_("The sender address {address} is not an e-mail address; give one such as campagnes@example.org.").format(
            address=settings.sender_address))
    if not settings.public_url.startswith(("http://", "https://")):
        raise UserError(_("The public address of the web app must start with http:// or https://, e.g. https://coop.example.org."))
    return replace(settings, sender_address=settings.sender_address.strip(), public_url=settings.public_url.rstrip("/"))


def set_settings(warehouse: Warehouse, actor: str, **changes: Any) -> CampaignSettings:
    """Change the given rules (None leaves one as it is); the change is an audit entry."""
    settings = validate(replace(current_settings(warehouse), **{k: v for k, v in changes.items() if v is not None}))
    with warehouse.transaction() as con:
        con.execute("INSERT OR REPLACE INTO campaign_settings VALUES ('cooperative', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [settings.frequency_cap, settings.cap_days, settings.require_approval, settings.default_holdout,
                     settings.rate_per_second, settings.sender_address, settings.public_url,
                     datetime.now(UTC).replace(tzinfo=None), actor])
        audit.append(con, audit.AuditRecord(actor, "*", "policy", "campaign_settings", settings.to_json(), 0.0, ()))
    return settings


def reply_to(warehouse: Warehouse, member_id: str) -> str | None:
    """The member's address for replies to its campaigns (``Reply-To``), None when it set none."""
    value = warehouse.scalar("SELECT reply_to FROM campaign_reply_to WHERE member_id = ?", [member_id])
    return str(value) if value else None


def check_reply_to(address: str) -> str:
    """``address`` as a ``Reply-To`` may carry it: one plain address, whatever a form adds around it."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if (not at or not local or "." not in domain.strip(".") or len(address) > 254 or not address.isprintable()
            or any(c in address for c in ' ,;<>()[]"\\')):
        raise UserError(_("{address} is not an e-mail address; give your box office's address, e.g. billetterie@example.org.").format(
            address=address or "«»"))
    return address


def set_reply_to(warehouse: Warehouse, member_id: str, address: str, actor: str) -> str | None:
    """Set (or, with an empty ``address``, remove) where replies to the member's campaigns go; an audit entry."""
    value = check_reply_to(address) if address.strip() else None
    with warehouse.transaction() as con:
        if value is None:
            con.execute("DELETE FROM campaign_reply_to WHERE member_id = ?", [member_id])
        else:
            con.execute("INSERT OR REPLACE INTO campaign_reply_to VALUES (?, ?, ?, ?)",
                        [member_id, value, datetime.now(UTC).replace(tzinfo=None), actor])
        audit.append(con, audit.AuditRecord(actor, member_id, "campaign", "campaign_reply_to", {"reply_to": value}, 0.0, (member_id,)))
    return value
