"""An e-mail, phone or customer number written for many people (the box office's own address typed
for walk-in buyers, a « client comptoir » account) identifies nobody (``ingest.shared_contacts``):
each name written with it is a patron of its own, the address reaches no patron record (no campaign,
no linkage), and ``prepare`` says so in one sentence. A family or a group booking stays one buyer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from test_adversarial_exports import cli_streams

FIRST = ["Marie", "Luc", "Anne", "Paul", "Sophie", "Louis", "Claire", "Jean", "Julie", "Marc", "Émilie", "Hugo"]
LAST = ["Tremblay", "Roy", "Gagnon", "Côté", "Bouchard", "Morin", "Lavoie", "Fortin", "Gauthier", "Pelletier"]
BOX_OFFICE = "billetterie@ledieze.example"


def _export(tmp_path: Path, rows: list[dict[str, str]], columns: dict[str, str]) -> tuple[Path, Path]:
    header = list(rows[0])
    export, mapping = tmp_path / "ventes.csv", tmp_path / "m.yaml"
    export.write_text(",".join(header) + "\n" + "".join(",".join(r[h] for h in header) + "\n" for r in rows),
                      encoding="utf-8")
    mapping.write_text(yaml.safe_dump({"datetime_formats": ["%Y-%m-%d %H:%M"], "country": "CA", "currency": "CAD",
                                       "columns": columns}, allow_unicode=True), encoding="utf-8")
    return export, mapping


def _row(n: int, email: str, first: str, last: str, **extra: str) -> dict[str, str]:
    return {"Order": f"O{n}", "First name": first, "Last name": last, "Email": email,
            "Show": ("Trio Lorraine", "Big Band", "Jam du lundi")[n % 3], "Date": f"2026-03-{10 + n % 10} 20:00",
            "Bought": f"2026-02-{1 + n % 27:02d} {10 + n % 9}:{n % 60:02d}", "Price": "25", **extra}


COLUMNS = {"order_id": "Order", "purchased_at": "Bought", "unit_price": "Price", "event_id": {"join": ["Show", "Date"]},
           "event_title": "Show", "event_starts_at": "Date", "email": "Email", "first_name": "First name",
           "last_name": "Last name"}


def _prepare(tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             rows: list[dict[str, str]], columns: dict[str, Any], *lang: str) -> tuple[dict[str, Any] | str, Path]:
    export, mapping = _export(tmp_path, rows, columns)
    out = tmp_path / ("pkg-" + "-".join(lang) if lang else "pkg")
    code, said, err = cli_streams(monkeypatch, capsys, *lang, "prepare", str(export), "--mapping", str(mapping),
                                  "--member", "m1", "--keys", str(keys), "--out", str(out),
                                  *(() if lang else ("--json",)))
    assert code == 0, err
    return (" ".join((said + err).split()) if lang else json.loads(said)), out


def _tickets_per_patron(package: Path) -> list[int]:
    return [n for (n,) in duckdb.sql(f"""SELECT count(*) FROM '{package}/ticket.parquet'
        GROUP BY member_patron_id ORDER BY 1 DESC""").fetchall()]


def test_a_box_office_address_typed_for_walk_in_buyers_is_nobodys(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, the hundred walk-in sales were one patron of a hundred tickets carrying the box office's
    address as its e-mail token (and the cooperative would have linked them all by it)."""
    rows = [_row(n, f"{FIRST[n % 12].lower()}{n}@example.org", FIRST[n % 12], LAST[n % 10]) for n in range(60)]
    rows += [_row(100 + n, BOX_OFFICE, FIRST[n % 12], LAST[(n // 12) % 5]) for n in range(100)]
    rows += [_row(300, BOX_OFFICE, "", "")]  # the box office's address and no name: a sale naming nobody
    summary, package = _prepare(tmp_path, keys, monkeypatch, capsys, rows, COLUMNS)
    assert isinstance(summary, dict)
    per_patron = _tickets_per_patron(package)
    assert max(per_patron) == 2 and sum(per_patron) == 160  # 60 names on 100 lines: 40 of them twice
    patrons = duckdb.sql(f"SELECT count(*), count(email_token) FROM '{package}/patron.parquet'").fetchall()[0]
    assert patrons == (60 + 60, 60)  # 60 names under the box office's address, none with its e-mail
    assert summary["unnamed_sales"] == 1 and summary["rows_accepted"] == 161
    said = " ".join(summary["warnings"])
    assert "One e-mail address is written on 101 lines under 60 different names" in said
    assert "Each name written with such a value is read as a patron of its own" in said
    # In French, on the command line.
    said_fr, _pkg = _prepare(tmp_path, keys, monkeypatch, capsys, rows, COLUMNS, "--lang", "fr")
    assert "Une adresse e-mail est écrite sur 101 lignes sous 60 noms différents" in str(said_fr)


def test_a_house_account_under_many_names_is_no_patron(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [_row(n, "", FIRST[n % 12], LAST[n % 10], Customer=f"C{n % 40}") for n in range(80)]
    rows += [_row(100 + n, "", FIRST[n % 12], LAST[(n // 12) % 10], Customer="COMPTOIR") for n in range(30)]
    # Lines with no customer number are no shared account (they are set aside, as before).
    rows += [_row(200 + n, "", FIRST[n % 12], LAST[(n + 3) % 10], Customer="") for n in range(12)]
    summary, package = _prepare(tmp_path, keys, monkeypatch, capsys, rows, {**COLUMNS, "patron_id": "Customer"})
    assert isinstance(summary, dict)
    assert max(_tickets_per_patron(package)) == 2  # before: the house account, 30 tickets
    assert summary["rejects_by_reason"] == {"missing_patron_id": 12}
    assert "One customer number is written on 30 lines under 30 different names" in " ".join(summary["warnings"])


def test_a_family_and_a_group_booking_stay_one_buyer(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A teacher's one order for a class of thirty names, and a parent buying for four children on
    many days, keep their address: a group or a family is one buyer."""
    rows = [_row(n, f"{FIRST[n % 12].lower()}{n}@example.org", FIRST[n % 12], LAST[n % 10]) for n in range(40)]
    rows += [{**_row(100 + n, "prof@ecole.example", FIRST[n % 12], LAST[(n // 12) % 10]), "Order": "CLASS"}
             for n in range(30)]
    rows += [_row(200 + n, "parent@example.org", FIRST[n % 4], "Gingras") for n in range(20)]
    summary, package = _prepare(tmp_path, keys, monkeypatch, capsys, rows, COLUMNS)
    assert isinstance(summary, dict)
    assert _tickets_per_patron(package)[:2] == [30, 20]
    assert not any("different names" in w for w in summary["warnings"])
