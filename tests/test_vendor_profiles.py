"""The built-in vendor profiles read their vendor's layout, every good row right.

Each profile is compared with the vendor-layout writer's truth (``tests/vendors``): the same
settings, the same columns, and every good row's ticket, order, event, times, price, status
and e-mail read through it as the truth says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from culturecoop.ingest.profile import PROFILE_DIR, builtin_profiles, load_profile
from draft_support import judge, write
from vendors import VENDORS

SETTINGS = ("format", "encoding", "delimiter", "skip_lines", "sheet", "decimal", "amount_scale", "timezone",
            "country", "currency")


def profile_text(name: str) -> str:
    return (PROFILE_DIR / f"{name}.yaml").read_text(encoding="utf-8")


VENDOR_PROFILES = [v for v in VENDORS if v != "billetterie-fr"]


@pytest.mark.parametrize("vendor", VENDOR_PROFILES)
def test_profile_reads_its_layout(vendor: str, tmp_path: Path) -> None:
    text = profile_text(vendor)
    profile: dict[str, Any] = yaml.safe_load(text)
    truth = write(tmp_path, vendor, rows=300, seed=7)
    assert profile["name"] == vendor
    assert set(profile["description"]) == {"en", "fr"} and all(profile["description"].values())
    assert profile["columns"] == truth.columns
    for key in SETTINGS:
        if key in truth.settings and truth.settings[key] is not None:
            assert profile.get(key, 0 if key == "skip_lines" else None) == truth.settings[key], key
    verdict = judge(truth, profile)
    assert verdict.share == 1.0, verdict.wrong
    # Consent is the member's to state: the default is offered, commented out.
    assert "consent_defaults" not in profile and "# consent_defaults:" in text


def test_every_vendor_has_a_builtin_profile() -> None:
    assert set(VENDORS) <= set(builtin_profiles())
    for vendor in VENDORS:
        profile = load_profile(vendor)
        assert profile.description["en"] and profile.description["fr"]


def test_docs_describe_every_vendor_profile_and_command() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "mapping.md").read_text(encoding="utf-8")
    assert "## Drafting a mapping" in docs
    for command in ("culturecoop mapping draft", "culturecoop mapping check"):
        assert f"### `{command}" in docs, f"docs/mapping.md does not describe {command}"
    for vendor in VENDORS:
        assert f"| `{vendor}` |" in docs, f"docs/mapping.md does not list the profile {vendor}"
