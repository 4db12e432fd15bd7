"""Access and portability, retention and consent changes for the planted person's cooperative."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

import planted
from culturecoop.analytics.service import refresh
from culturecoop.governance.requests import build_request, write_request
from culturecoop.privacy.encodings import member_id_tokens
from culturecoop.privacy.keys import load_member_keys
from culturecoop.warehouse.engine import Warehouse
from planted import MEMBERS, PLANTED, Coop, cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    return planted.build(tmp_path_factory.mktemp("rights") / "base", lake=False)


@pytest.fixture
def coop(built: Coop, tmp_path: Path) -> Coop:
    return built.copy_to(tmp_path / "coop")


def _request(coop: Coop, kind: str, name: str, **known: object) -> Path:
    return write_request(build_request(kind, MEMBERS[0], coop.keys, **known), coop.root / "member" / name)  # type: ignore[arg-type]


def test_access_export_holds_everything_about_the_person_and_nothing_from_elsewhere(coop: Coop) -> None:
    request = _request(coop, "access", "access.json", emails=[PLANTED["email"]])
    out = coop.root / "member" / "access"
    cli("access", "export", str(request), "--db", str(coop.db), "--out", str(out))
    report = json.loads((out / "person.json").read_text())
    wanted = planted.needles(coop.keys)
    sections = report["sections"]
    assert [r["member_patron_id"] for r in sections["patron"]] == [wanted["record jazz-dieze"].decode()]
    assert sections["patron"][0]["email_token"] == wanted["email_token"].decode()
    assert len(sections["ticket"]) == 2 and {t["event_title"] for t in sections["ticket"]} == {"Soirée 9"}
    assert {(c["purpose"], c["granted"]) for c in sections["consent"]} == {
        ("pooling", True), ("marketing", True), ("personalization", True)}
    # The fact of linkage, not what the person did at the other member.
    assert sections["linkage"][0]["linked_to_other_members"] is True
    assert sections["linkage"][0]["records_at_other_members"] == 1
    text = (out / "person.json").read_text()
    assert wanted["record theatre-nord"].decode() not in text and "theatre-nord" not in text
    with (out / "ticket.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 2
    assert {p.name for p in out.iterdir()} >= {"person.json", "patron.csv", "ticket.csv", "consent.csv", "linkage.csv"}


def test_retention_removes_exactly_the_expired_records(coop: Coop) -> None:
    secret = load_member_keys(coop.keys).linkage_secret
    expired = {m: member_id_tokens([p["patron_id"] for p in planted.others(m, 40)[30:]], m, secret) for m in MEMBERS}
    kept = {m: member_id_tokens([p["patron_id"] for p in planted.others(m, 40)[:30]], m, secret) for m in MEMBERS}
    # Two people known only from a newsletter list (no ticket): one whose last decision is older
    # than the period, one recent.
    listed = {"f" * 32: "2022-05-01", "e" * 32: "2026-10-01"}
    with Warehouse(coop.db) as warehouse, warehouse.transaction() as con:
        for token, day in listed.items():
            con.execute("INSERT INTO patron SELECT * REPLACE (? AS member_patron_id) FROM patron WHERE member_id = ? LIMIT 1",
                        [token, MEMBERS[0]])
            con.execute("INSERT INTO consent VALUES (?, ?, 'marketing', true, CAST(? AS TIMESTAMP))",
                        [MEMBERS[0], token, day])
    with Warehouse(coop.db, read_only=True) as warehouse:
        tickets_before = {r["k"]: r["n"] for r in warehouse.query(
            "SELECT member_id || '/' || member_patron_id AS k, count(*) AS n FROM ticket GROUP BY ALL")}
    before = hashlib.sha256(coop.db.read_bytes()).hexdigest()
    dry = json.loads(cli("retention", "apply", "--db", str(coop.db), "--as-of", "2026-11-30", "--dry-run", "--json").stdout)
    assert dry["records"] == 21 and hashlib.sha256(coop.db.read_bytes()).hexdigest() == before

    done = json.loads(cli("retention", "apply", "--db", str(coop.db), "--as-of", "2026-11-30", "--json").stdout)
    assert done["cutoff"] == "2023-11-30" and done["records"] == 21
    assert done["records_by_member"] == {MEMBERS[0]: 11, MEMBERS[1]: 10}
    with Warehouse(coop.db, read_only=True) as warehouse:
        assert {r["t"] for r in warehouse.query("SELECT member_patron_id AS t FROM patron WHERE member_patron_id IN (?, ?)",
                                                list(listed))} == {"e" * 32}
        after = {r["k"]: r["n"] for r in warehouse.query(
            "SELECT member_id || '/' || member_patron_id AS k, count(*) AS n FROM ticket GROUP BY ALL")}
        for table in ("patron", "consent", "identity"):
            left = warehouse.scalar(f"SELECT count(*) FROM {table} WHERE member_patron_id IN (SELECT unnest(?))",
                                    [[t for m in MEMBERS for t in expired[m]]])
            assert left == 0, table
        entry = warehouse.query("SELECT * FROM audit WHERE action = 'retention' AND member_id = 'cooperative'")
        assert warehouse.scalar("SELECT count(*) FROM audit WHERE action = 'retention' AND member_id = ?", [MEMBERS[0]]) == 1
    # Every record still in its period keeps every ticket; every expired one is gone.
    assert after == {k: n for k, n in tickets_before.items() if k.split("/", 1)[1] not in
                     {t for m in MEMBERS for t in expired[m]}}
    assert all(f"{m}/{t}" in after for m in MEMBERS for t in kept[m])
    assert len(entry) == 1 and json.loads(entry[0]["parameters"])["months"] == 36
    # Physically: the expired tokens are not in the file any more.
    raw = coop.db.read_bytes()
    assert not [t for m in MEMBERS for t in expired[m] if str(t).encode() in raw]


def test_retention_rule_and_bad_days(coop: Coop) -> None:
    done = cli("retention", "set", "--db", str(coop.db), "--months", "6", check=False)
    assert done.returncode == 2 and "outside the allowed range" in done.stderr
    done = cli("retention", "apply", "--db", str(coop.db), "--as-of", "30/11/2026", check=False)
    assert done.returncode == 2 and "is not a day" in done.stderr
    cli("retention", "set", "--db", str(coop.db), "--months", "120")
    done = json.loads(cli("retention", "apply", "--db", str(coop.db), "--as-of", "2026-11-30", "--json").stdout)
    assert done["records"] == 0


def test_a_consent_withdrawal_is_recorded_and_dated_now(coop: Coop) -> None:
    request = _request(coop, "consent", "consent.json", emails=[PLANTED["email"]],
                       consents={"personalization": False, "marketing": False})
    record = planted.needles(coop.keys)["record jazz-dieze"].decode()
    summary = json.loads(cli("consent", "apply", str(request), "--db", str(coop.db), "--json").stdout)
    assert summary["records"] == 1 and summary["decisions"] == 2
    with Warehouse(coop.db) as warehouse:
        rows = {r["purpose"]: r["granted"] for r in warehouse.query(
            "SELECT purpose, granted FROM consent WHERE member_id = ? AND member_patron_id = ?", [MEMBERS[0], record])}
        assert rows == {"pooling": True, "marketing": False, "personalization": False}
        # The other member's decisions are its own.
        assert warehouse.scalar("SELECT bool_and(granted) FROM consent c JOIN patron p USING (member_id, member_patron_id) "
                                "WHERE c.member_id = ? AND p.email_token = ?",
                                [MEMBERS[1], planted.needles(coop.keys)["email_token"].decode()])
        refresh(warehouse)
    bad = _request(coop, "consent", "nobody.json", emails=["personne@nulle-part.example"], consents={"pooling": False})
    done = cli("consent", "apply", str(bad), "--db", str(coop.db), check=False)
    assert done.returncode == 2 and "Nobody in the cooperative matches" in done.stderr
    done = cli("consent", "request", "--member", MEMBERS[0], "--keys", str(coop.keys), "--out", str(coop.root / "x.json"),
               "--email", PLANTED["email"], "--withdraw", "newsletter", check=False)
    assert done.returncode == 2 and "is not a consent purpose" in done.stderr


def test_contribution_rules_statements_and_pia_through_the_cli(coop: Coop) -> None:
    period = ("--from", "2026-01-01", "--to", "2026-12-31")
    shapley = json.loads(cli("contribution", "shapley", "--db", str(coop.db), *period, "--json").stdout)
    linkage = shapley["functions"]["linkage"]
    # Sixteen people are known to both members (fifteen shared, the planted person): they split it.
    assert linkage["exact"] and linkage["total"] == 16
    assert linkage["shares"] == {MEMBERS[0]: 8.0, MEMBERS[1]: 8.0}

    done = cli("contribution", "rules", "--db", str(coop.db), *period, "--pool", "1000", "--fees", "1500", check=False)
    assert done.returncode == 2 and "larger than the pool" in done.stderr
    done = cli("contribution", "rules", "--db", str(coop.db), *period, "--pool", "1000",
               "--weights", "insight=0.5,linkage=0.2", check=False)
    assert done.returncode == 2 and "add up to 0.7, not 1" in done.stderr
    done = cli("contribution", "statements", "--db", str(coop.db), *period, "--out", str(coop.root / "st"), check=False)
    assert done.returncode == 2 and "No remuneration rules are set" in done.stderr
    # The command it suggests runs as written: it names the warehouse (it left --db out).
    assert f"culturecoop contribution rules --db {coop.db} --pool AMOUNT" in " ".join(done.stderr.split())

    cli("contribution", "rules", "--db", str(coop.db), *period, "--pool", "1000,01", "--fees", "100",
        "--weights", "insight=0.5,linkage=0.5")
    out = coop.root / "statements"
    summary = json.loads(cli("contribution", "statements", "--db", str(coop.db), *period, "--out", str(out), "--json").stdout)
    amounts = [s["amount_cents"] for s in summary["statements"].values()]
    assert sum(amounts) + summary["fees_cents"] == 100_001
    for member in MEMBERS:
        french = (out / member / "statement.fr.md").read_text(encoding="utf-8")
        assert "Relevé de rémunération" in french and "Comment contester" in french
        assert "Remuneration statement" in (out / member / "statement.en.md").read_text(encoding="utf-8")
        pdf = (out / member / "statement.fr.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf

    done = cli("contribution", "shapley", "--db", str(coop.db), "--from", "2019-01-01", "--to", "2019-12-31", check=False)
    assert done.returncode == 2 and "No pooled attendance" in done.stderr

    cli("governance", "pia", "--db", str(coop.db), "--out", str(coop.root / "pia"))
    french = (coop.root / "pia" / "pia.fr.md").read_text(encoding="utf-8")
    assert "Évaluation des facteurs relatifs à la vie privée" in french and "k = 10" in french
    assert (coop.root / "pia" / "pia.en.pdf").read_bytes().startswith(b"%PDF")
