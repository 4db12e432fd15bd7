"""What a package says about consent: where each purpose came from, and on what basis.

No vendor export carries a pooling-consent column, so a mapping may state per-purpose
defaults with the member's basis (``consent_defaults`` + ``consent_basis``). The package's
manifest records, per purpose, whether a column of the export or the default decided it, how
many patrons granted it, and the basis: the Data and Transparency pages show it, and a purpose
that nothing grants is said out loud rather than discovered as empty reports.
"""

from __future__ import annotations

from typing import Any

from culturecoop.i18n import _
from culturecoop.ingest.profile import Profile
from culturecoop.schema.model import CONSENT_PURPOSES


def consent_record(profile: Profile, granted: dict[str, int]) -> dict[str, Any]:
    """The manifest's ``consent`` entry: per purpose its source (``column``, ``default`` for
    patrons without a value, or ``none``), its default, and the patrons granting it."""
    purposes: dict[str, Any] = {}
    for purpose in CONSENT_PURPOSES:
        mapped = f"consent_{purpose}" in profile.columns
        default = profile.consent_defaults.get(purpose)
        source = "column" if mapped else "default" if default is not None else "none"
        purposes[purpose] = {"source": source, "default": default, "granted": int(granted.get(purpose, 0))}
    return {"purposes": purposes, "basis": profile.consent_basis}


# Said when nothing gives pooling consent (the member app says it its own way, by its form).
POOLING_UNSET = ("No column and no default give pooling consent: none of your patrons will count in pooled reports. "
                 "If your terms of sale allow it, add `consent_defaults: {pooling: true}` and `consent_basis: \"…\"` "
                 "to the mapping.")


def consent_warnings(consent: dict[str, Any]) -> list[str]:
    """Sentences for the member about purposes nobody grants."""
    out: list[str] = []
    pooling = consent["purposes"]["pooling"]
    if pooling["source"] == "none":
        out.append(_(POOLING_UNSET))
    elif not pooling["granted"]:
        out.append(_("No patron of yours agreed to pooling: they will not count in pooled reports."))
    return out
