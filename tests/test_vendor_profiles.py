"""The built-in vendor profiles read their vendor's layout, every good row right.

Each profile is compared with the vendor-layout writer's truth (``tests/vendors``): the same
settings, the same columns, and every good row's ticket, order, event, times, price, status
and e-mail read through it as the truth says.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from culturecoop.ingest.prepare import check_export
from culturecoop.ingest.profile import PROFILE_DIR, builtin_profiles, load_profile
from draft_support import judge, write
from vendors import EXPORTED_ON, VENDORS

SETTINGS = ("format", "encoding", "delimiter", "skip_lines", "sheet", "decimal", "amount_scale", "timezone",
            "country", "currency")


def profile_text(name: str) -> str:
    return (PROFILE_DIR / f"{name}.yaml").read_text(encoding="utf-8")


VENDOR_PROFILES = [v for v in VENDORS if v != "billetterie-fr"]


OPTIONAL_NOTE = "  # Columns only some exports have"


def with_optional_columns(text: str) -> dict[str, Any]:
    """The profile with its commented optional columns uncommented (what a member whose export
    has them writes)."""
    head, _sep, tail = text.partition(OPTIONAL_NOTE)
    lines = [line.replace("  # ", "  ", 1) for line in tail.splitlines()[2:] if line.startswith("  # ")]
    profile: dict[str, Any] = yaml.safe_load(head)
    if lines:
        profile["columns"].update(yaml.safe_load("\n".join(line[2:] for line in lines)))
    return profile


@pytest.mark.parametrize("vendor", VENDOR_PROFILES)
def test_profile_reads_its_layout(vendor: str, tmp_path: Path) -> None:
    text = profile_text(vendor)
    profile = with_optional_columns(text)
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
    # As shipped (optional columns commented out), the profile accepts every good row.
    summary = check_export(truth.path, load_profile(vendor), today=EXPORTED_ON.date())
    assert (summary.rows_accepted, summary.rows_rejected) == (truth.good_rows, len(truth.bad_rows))


@pytest.mark.parametrize("vendor", [v for v in VENDOR_PROFILES if v != "weezevent-xlsx"])
def test_profile_reads_an_export_without_the_optional_columns(vendor: str, tmp_path: Path) -> None:
    truth = write(tmp_path, vendor, rows=120, seed=3)
    shipped: dict[str, Any] = yaml.safe_load(profile_text(vendor))
    needed = {n for spec in shipped["columns"].values()
              for n in (spec if isinstance(spec, list) else spec.get("join", []) if isinstance(spec, dict) else [spec])}
    encoding, delimiter = truth.settings["encoding"], truth.settings["delimiter"]
    lines = truth.path.read_bytes().decode(encoding).lstrip("\ufeff").splitlines()
    skip = truth.settings.get("skip_lines", 0)
    rows = list(csv.reader(lines[skip:], delimiter=delimiter))
    keep = [i for i, name in enumerate(rows[0]) if name in needed]
    assert len(keep) < len(rows[0])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([[r[i] if i < len(r) else "" for i in keep]
                                                                           for r in rows])
    truth.path.write_bytes(("\n".join([*lines[:skip], ""]) if skip else "").encode(encoding)
                           + buffer.getvalue().encode(encoding))
    summary = check_export(truth.path, load_profile(vendor), today=EXPORTED_ON.date())
    assert summary.rows_accepted == truth.good_rows


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
