"""What a patron record carries is read from that patron's own line (its latest purchase), and the
tables ``prepare`` splits keep their order: what the shared lookups of ``ingest.split`` (the token,
the line and the birth date picked once per patron, the consents unnested in the patrons' order)
must not change. One small export, prepared once in process."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import load_profile
from culturecoop.privacy.encodings import keyed_tokens
from culturecoop.privacy.keys import load_member_keys

HEADER = ["ticket_id", "order_id", "purchased_at", "status", "quantity", "unit_price", "currency", "channel",
          "event_id", "event_title", "event_starts_at", "venue", "venue_postal_code", "genres", "artists",
          "capacity", "is_local", "event_language", "patron_id", "email", "phone", "first_name", "last_name",
          "birth_date", "postal_code", "patron_language", "consent_pooling", "consent_marketing",
          "consent_personalization"]
FIRST = ["Marie", "Luc", "Anne", "Paul", "Sophie", "Louis", "Claire", "Jean", "Julie", "Marc", "Émilie", "Hugo"]
# A number the box office types for walk-in buyers: written under twelve names, it is nobody's.
BOX_OFFICE_PHONE = "514 555-0100"


def _line(n: int, patron: str, bought: str, birth: str, phone: str, first: str, last: str) -> dict[str, str]:
    return dict(zip(HEADER, [
        f"T{n}", f"O{n}", bought, "sold", "1", "25.00", "CAD", "web", "E1", "Trio Lorraine", "2026-03-10T20:00:00",
        "Le Dièse", "H2X 2R7", "jazz", "Trio Lorraine", "220", "false", "fr", patron, f"{patron.lower()}@example.org",
        phone, first, last, birth, "H3H 1Y4", "fr", "true", "true", "false"], strict=True))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, keys: Path) -> Path:
    folder = tmp_path_factory.mktemp("patron_line")
    rows = [
        # C1 wrote a birth date on an earlier purchase only: its latest line has none, and the record
        # keeps none (it is not taken from another line).
        _line(1, "C1", "2026-02-01T10:00:00", "1980-05-17", "514 555-0199", "Marie", "Tremblay"),
        _line(2, "C1", "2026-02-20T10:00:00", "", "514 555-0199", "Marie", "Tremblay"),
        # C2's latest line carries a birth date and an earlier one another.
        _line(3, "C2", "2026-02-01T10:00:00", "1970-01-01", "", "Luc", "Roy"),
        _line(4, "C2", "2026-02-22T10:00:00", "1991-07-03", "", "Luc", "Roy"),
    ]
    rows += [_line(10 + n, f"W{n}", f"2026-02-{n + 2:02d}T11:00:00", "", BOX_OFFICE_PHONE, FIRST[n], "Gagnon")
             for n in range(12)]
    export = folder / "ventes.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    out = folder / "pkg"
    prepare(export, member=MemberInfo("m1", "m1"), profile=load_profile("canonical"), keys_dir=keys, out=out,
            today=date(2026, 6, 15))
    return out


def _patron(package: Path, keys: Path, patron: str) -> tuple[object, ...]:
    email = keyed_tokens([f"{patron.lower()}@example.org"], "email", load_member_keys(keys).linkage_secret)[0]
    row = duckdb.sql(f"""SELECT birth_band, bloom_birth_date IS NOT NULL, phone_token IS NOT NULL
        FROM '{package}/patron.parquet' WHERE email_token = '{email}'""").fetchall()
    assert len(row) == 1
    return row[0]


def test_the_birth_date_is_the_patrons_latest_lines_even_when_it_writes_none(package: Path, keys: Path) -> None:
    assert _patron(package, keys, "C1") == (None, False, True)
    assert _patron(package, keys, "C2") == ("1990-1994", True, False)


def test_a_phone_written_for_many_people_reaches_no_patron_record(package: Path, keys: Path) -> None:
    assert all(_patron(package, keys, f"W{n}")[2] is False for n in range(12))
    assert _patron(package, keys, "C1")[2] is True  # a number of one's own keeps its token


def test_consents_come_three_per_patron_in_the_order_of_token_and_purpose(package: Path) -> None:
    rows = duckdb.sql(f"SELECT member_patron_id, purpose, granted FROM '{package}/consent.parquet'").fetchall()
    patrons = [p for (p,) in duckdb.sql(f"SELECT member_patron_id FROM '{package}/patron.parquet'").fetchall()]
    assert [(p, u) for p, u, _g in rows] == [(p, u) for p in sorted(patrons)
                                             for u in ("marketing", "personalization", "pooling")]
    assert {u: g for _p, u, g in rows} == {"marketing": True, "personalization": False, "pooling": True}
