"""Shared helpers for the `prepare` tests: fixtures on disk, keys, an in-process run."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from conftest import run_cli_here
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import load_profile

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
FIXTURES = {
    "canonical": "canonical.csv",
    "billetterie-fr": "billetterie-fr.csv",
    "festival-jsonl": "festival-jsonl.jsonl",
    "orchestra-tsv": "orchestra-tsv.tsv",
    "museum-xlsx": "museum-xlsx.xlsx",
}
# Fixed "today" so that the birth-date rules do not move with the calendar.
TODAY = dt.date(2026, 6, 15)


def write_museum_xlsx(path: Path) -> Path:
    """A museum admission workbook with real date, number and boolean cells and bad rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Admissions"
    sheet.append([
        "Admission ID", "Transaction", "Sold At", "Status", "Admissions", "Unit Price", "Currency",
        "Channel", "Exhibition Code", "Exhibition", "Timed Entry", "Site", "Site Postcode", "Themes",
        "Artists", "Capacity", "Quebec Artist", "Language", "Visitor ID", "Email", "Phone",
        "Given Name", "Family Name", "Date of Birth", "Postcode", "Preferred Language",
        "Share With Coop", "Newsletter", "Recommendations",
    ])
    expo = ["EXP-7", "Riopelle : l'envol", dt.datetime(2026, 3, 1, 10, 0), "Musée du Plateau",
            "H2T 1S6", "Arts visuels/Peinture", "Jean Paul Riopelle", 120, "yes", "Bilingual"]
    visitor = ["V-100", "Gaëlle.Bouchard@example.ca", "514 555 0155", "Gaëlle", "Bouchard",
               dt.datetime(1979, 5, 4), "H2T 2C3", "French", "yes", "yes", "no"]
    sheet.append([50001, "X-1", dt.datetime(2026, 2, 20, 14, 5), "sold", 2, 18.5, "CAD", "web", *expo, *visitor])
    sheet.append([50002, "X-2", "not a date", "sold", 1, 18.5, "CAD", "web", *expo, *visitor])
    sheet.append([None] * 29)
    sheet.append([None, "X-3", dt.datetime(2026, 2, 21, 9, 0), "sold", 1, 18.5, "CAD", "web", *expo, *visitor])
    sheet.append([50004, "X-4", dt.datetime(2026, 2, 22, 11, 30), "refunded", 1.0, 12, "CAD", "box_office",
                  *expo, "V-200", "k.nguyen@example.com", None, "Kim", "Nguyen", None, "H2J 3B1",
                  "English", True, False, True])
    book.save(path)
    return path


def export_path(profile: str, tmp_path: Path) -> Path:
    """The fixture export of a built-in profile (the workbook is built in ``tmp_path``; a vendor
    profile's export is written by ``tests/vendors`` in its layout)."""
    if profile not in FIXTURES:
        from vendors import write_export

        return write_export(profile, tmp_path, rows=60).path
    if profile == "museum-xlsx":
        target = tmp_path / FIXTURES[profile]
        return target if target.exists() else write_museum_xlsx(target)
    return EXPORTS / FIXTURES[profile]


def run_prepare(tmp_path: Path, profile: str, keys: Path, member: str = "m1") -> tuple[PrepareSummary, Path]:
    out = tmp_path / f"pkg-{profile}"
    summary = prepare(
        export_path(profile, tmp_path), member=MemberInfo(member, member), profile=load_profile(profile),
        keys_dir=keys, out=out, today=TODAY,
    )
    return summary, out


def tid(value: str, keys: Path, member: str = "m1") -> str:
    """The token ``prepare`` writes for the identifier ``value`` of ``member``."""
    from culturecoop.privacy.encodings import member_id_tokens
    from culturecoop.privacy.keys import load_member_keys

    token = member_id_tokens([value], member, load_member_keys(keys).linkage_secret)[0]
    assert token is not None
    return token


def read_table(package: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(package / f"{name}.parquet").to_pylist()


def by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows}


def run_cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """The command run in this process, through the CLI's error boundary (what these tests check is
    what it computes and says; the command as a process is checked by ``conftest.run_cli``'s users)."""
    return run_cli_here(*args, lang=lang)
