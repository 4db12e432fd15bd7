"""The cooperative's first promise, checked on real packages: no personal data in clear.

Every byte of every package file is scanned for the exports' e-mails, phone numbers (as
written, as digits, in E.164), names (as written, lower-case, accent-folded) and birth dates
(as written, ISO, compact), and so is every decoded value of every Parquet column, since
compressed pages would hide clear text from a byte scan alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from culturecoop.ingest.profile import builtin_profiles, load_profile
from culturecoop.privacy.keys import load_campaign_private, load_member_keys
from culturecoop.privacy.vault import open_contact, seal_contacts
from test_prepare_support import by, export_path, read_table, run_prepare, tid

PROFILES = sorted(builtin_profiles())


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def source_records(profile: str, tmp_path: Path) -> list[dict[str, str]]:
    """The export's rows as canonical field -> text, read independently of `prepare`.

    A field read from several columns (attendee e-mail, else the buyer's) gives one record per
    column, so that every column's personal data is looked for; the header is found below
    ``skip_lines`` and on the profile's sheet.
    """
    spec = load_profile(profile)
    path = export_path(profile, tmp_path)
    records: list[dict[str, Any]] = []
    if spec.format == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            sheet = book[spec.sheet] if spec.sheet else book.worksheets[0]
            rows = [r for r in list(sheet.iter_rows(values_only=True))[spec.skip_lines:]
                    if any(c is not None for c in r)]
        finally:
            book.close()  # an unclosed read-only workbook warns later, in whichever test runs then
        header = [str(h) for h in rows[0]]
        records = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    elif spec.format == "jsonl":
        for line in path.read_text(encoding=spec.encoding).splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                flat: dict[str, Any] = {}
                for column in spec.source_columns():
                    value: Any = obj
                    for part in column.split("."):
                        value = value.get(part) if isinstance(value, dict) else None
                    flat[column] = value
                records.append(flat)
    else:
        text = path.read_bytes().decode(spec.encoding).lstrip("\ufeff")
        lines = text.splitlines(keepends=True)[spec.skip_lines:]
        records = list(csv.DictReader(io.StringIO("".join(lines)), delimiter=spec.delimiter))
    out = []
    width = max((len(c.sources) for c in spec.columns.values()), default=1)
    for record in records:
        for k in range(width):
            out.append({f: "" if record.get(c.sources[min(k, len(c.sources) - 1)]) is None
                        else str(record.get(c.sources[min(k, len(c.sources) - 1)]))
                        for f, c in spec.columns.items() if c.sources and c.form != "join"})
    return out


def needles(records: list[dict[str, str]]) -> set[str]:
    """Every clear-text form of the personal data in ``records`` that must not travel."""
    found: set[str] = set()
    for r in records:
        email = r.get("email", "").strip()
        if "@" in email:
            found |= {email, email.lower(), fold(email)}
        phone = r.get("phone", "").strip()
        digits = re.sub(r"\D", "", re.split(r"(?i)\s*(?:x|poste|ext)", phone)[0])
        if len(digits) >= 10:
            found |= {phone, digits, digits[-10:], "+" + digits, "+1" + digits[-10:]}
        full = [p for p in re.split(r"[\s,/]+", r.get("full_name", "")) if p]
        for name in (r.get("first_name", ""), r.get("last_name", ""), r.get("full_name", ""), *full):
            name = name.strip()
            if len(name) >= 3:
                found |= {name, name.lower(), fold(name), re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()}
        birth = r.get("birth_date", "").strip()
        if birth:
            found.add(birth.split(" ")[0])
            parts = re.findall(r"\d+", birth)
            if len(parts) >= 3:
                year = next(p for p in parts if len(p) == 4)
                rest = [p for p in parts if p is not year][:2]
                for month, day in (rest, rest[::-1]):
                    found |= {f"{year}-{month}-{day}", f"{year}{month}{day}"}
    return {n for n in found if n}


def decoded_values(package: Path) -> list[tuple[str, str | bytes]]:
    values: list[tuple[str, str | bytes]] = []
    for file in package.glob("*.parquet"):
        for column, data in pq.read_table(file).to_pydict().items():
            for value in data:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str | bytes):
                        values.append((f"{file.name}:{column}", item))
    return values


@pytest.mark.parametrize("profile", PROFILES)
def test_no_personal_data_in_clear(profile: str, tmp_path: Path, keys: Path) -> None:
    _summary, package = run_prepare(tmp_path, profile, keys)
    records = source_records(profile, tmp_path)
    secret = needles(records)
    assert len(secret) >= 15, "the scan must look for something"
    # Sanity: the scan finds what it looks for in the source export itself.
    source = export_path(profile, tmp_path)
    if load_profile(profile).format != "xlsx":
        source_text = source.read_bytes().decode(load_profile(profile).encoding)
        assert any(n in source_text for n in secret)
    for file in sorted(package.iterdir()):
        data = file.read_bytes()
        for needle in secret:
            # Short needles can occur by chance in compressed bytes; the decoded scan covers them.
            if len(needle.encode()) >= 5:
                assert needle.encode() not in data, (file.name, needle)
    for where, value in decoded_values(package):
        if isinstance(value, bytes):
            for needle in secret:
                if len(needle.encode()) >= 5:
                    assert needle.encode() not in value, (where, needle)
        else:
            lowered = fold(value)
            for needle in secret:
                assert fold(needle) not in lowered, (where, needle, value)


def test_contact_sealed_only_with_marketing_consent(tmp_path: Path, keys: Path) -> None:
    private = load_campaign_private(keys)
    expected = {
        # profile: {patron: e-mail sealed, or None when the latest purchase says no marketing}
        "canonical": {"P1": None, "P2": None, "P3": "zoe@example.org", "P5": "max.gravel@example.net"},
        "billetterie-fr": {"C1": None, "C2": None},
        "festival-jsonl": {"u1": None},
        # 9002's birth date (2090) is impossible: left empty, the ticket and the contact stay.
        "orchestra-tsv": {"9001": "rene.levesque@example.ca", "9002": "smith.j@example.com"},
        "museum-xlsx": {"V-100": "gaëlle.bouchard@example.ca", "V-200": None},
    }
    for profile, patrons in expected.items():
        _summary, package = run_prepare(tmp_path, profile, keys)
        rows = by(read_table(package, "patron"), "member_patron_id")
        consent = {c["member_patron_id"]: c["granted"] for c in read_table(package, "consent")
                   if c["purpose"] == "marketing"}
        assert set(rows) == {tid(p, keys) for p in patrons}, profile
        for patron, email in patrons.items():
            sealed = rows[tid(patron, keys)]["contact_sealed"]
            assert consent[tid(patron, keys)] is (email is not None), (profile, patron)
            if email is None:
                assert sealed is None, (profile, patron)
            else:
                assert open_contact(sealed, private) == email


def test_sealed_contacts_round_trip_and_resist_tampering(keys: Path) -> None:
    emails = [f"personne.{i}@exemple.ca" for i in range(600)] + ["élodie@exemple.québec"]
    sealed = seal_contacts(emails, load_member_keys(keys).campaign_public)
    private = load_campaign_private(keys)
    assert [open_contact(s, private) for s in sealed] == emails
    # Randomized: sealing twice never gives the same bytes, and no clear text shows.
    again = seal_contacts(emails[:3], load_member_keys(keys).campaign_public)
    assert again[0] != sealed[0] and b"personne" not in sealed[0]
    altered = bytearray(sealed[0])
    altered[-1] ^= 1
    with pytest.raises(ValueError):
        open_contact(bytes(altered), private)
    from nacl.public import PrivateKey

    with pytest.raises(ValueError):
        open_contact(sealed[0], PrivateKey.generate())


def test_bloom_filters_do_not_depend_on_slicing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Encoding the distinct values in slices (to bound memory) gives each patron the same filter."""
    import pyarrow as pa

    from culturecoop.ingest import pseudonymize
    from culturecoop.privacy.encodings import bloom_encode

    secret = b"s" * 32
    values = pa.array([f"h{i % 7}x{i % 10}y{i % 3}" if i % 11 else None for i in range(200)])
    whole = bloom_encode(values, "postcode", secret)
    monkeypatch.setattr(pseudonymize, "_BLOOM_SLICE", 4)
    assert pseudonymize._bloom_distinct(values, "postcode", secret).equals(whole)
