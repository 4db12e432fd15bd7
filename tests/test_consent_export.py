"""Consent changes through `prepare` of a consent-only export (a newsletter tool's audience list).

The planted cooperative (two members, the planted person at both) receives, after its ticket
packages, a Brevo-style audience export from jazz-dieze: e-mail, names, a status column with
"Opt-in" / "Désinscrit" and the date of each change, no ticket column. Prepared and ingested
through the real CLI, the withdrawal reaches exactly the services of its purpose (the matrix of
tests/test_consent_matrix.py); tickets and events are never touched.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import planted
from conftest import run_cli
from culturecoop.governance.consent import reachable
from culturecoop.warehouse.engine import Warehouse
from planted import MEMBERS, PLANTED, Coop, cli, others
from test_consent_matrix import EXPECTED, _patron_key, _services

MAPPING = """name: brevo-audience
delimiter: ";"
datetime_formats: ["%d/%m/%Y %H:%M"]
columns:
  email: EMAIL
  first_name: PRENOM
  last_name: NOM
  consent_{purpose}: Statut
  consent_at: Date de modification
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    return planted.build(tmp_path_factory.mktemp("consent-export") / "base", lake=False)


def _audience(path: Path, *, planted_status: str = "Désinscrit", planted_at: str = "20/11/2026 14:05",
              extra: list[str] | None = None) -> Path:
    """The newsletter tool's export: the planted person (e-mail in another case), a few of the
    member's patrons opted in, and someone who signed up without buying."""
    lines = ["EMAIL;PRENOM;NOM;Statut;Date de modification",
             f"{PLANTED['email'].upper()};{PLANTED['first_name']};{PLANTED['last_name']};{planted_status};{planted_at}"]
    lines += [f"{p['email']};{p['first_name']};{p['last_name']};Opt-in;02/10/2026 09:00" for p in others(MEMBERS[0], 5)]
    lines += ["nouvelle.abonnee@exemple.ca;Léa;Nouvelle;Opt-in;"]
    lines += extra or []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _contributed(db: Path) -> tuple[object, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*), sum(hash(t)) FROM {t} AS t").fetchall()[0] for t in ("ticket", "event"))
    finally:
        con.close()


def _prepare(coop: Coop, purpose: str, source: Path, name: str = "audience") -> Path:
    mapping = coop.root / "member" / f"{name}.yaml"
    mapping.write_text(MAPPING.format(purpose=purpose), encoding="utf-8")
    package = coop.root / "member" / f"{name}.pkg"
    cli("prepare", str(source), "--mapping", str(mapping), "--member", MEMBERS[0], "--keys", str(coop.keys),
        "--out", str(package))
    return package


@pytest.mark.parametrize("purpose", sorted(EXPECTED))
def test_a_withdrawal_in_a_consent_export_reaches_exactly_its_services(built: Coop, tmp_path: Path, purpose: str) -> None:
    coop = built.copy_to(tmp_path / "coop")
    package = _prepare(coop, purpose, _audience(coop.root / "member" / "audience.csv"))
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "consent"
    assert manifest["rows"]["ticket"] == 0 and manifest["rows"]["event"] == 0
    assert manifest["consent_changes"]["purposes"] == {purpose: {"granted": 6, "withdrawn": 1}}
    with Warehouse(coop.db) as warehouse:
        key = _patron_key(warehouse, coop)
        assert _services(warehouse, key) == {"analytics": True, "recommendations": True, "campaigns": True}
        patrons_before = int(warehouse.scalar("SELECT count(*) FROM patron WHERE member_id = ?", [MEMBERS[0]]))
    before = _contributed(coop.db)

    done = cli("ingest", str(package), "--db", str(coop.db), "--json")
    summary = json.loads(done.stdout)
    assert summary["tables"]["ticket"]["rows"] == 0

    assert _contributed(coop.db) == before, "a consent package changed tickets or events"
    with Warehouse(coop.db) as warehouse:
        if purpose == "marketing":  # campaigns: at once, before any refresh
            assert key not in reachable(warehouse, "marketing")
        stopped = {service for service, used in _services(warehouse, key).items() if not used}
        assert stopped == EXPECTED[purpose]
        # Matched through the e-mail token (jazz-dieze keys its tickets by customer number) and
        # dated by the export's column.
        rows = warehouse.query(
            "SELECT c.granted, c.recorded_at FROM consent c JOIN identity i USING (member_id, member_patron_id) "
            "WHERE i.patron_key = ? AND c.member_id = ? AND c.purpose = ?", [key, MEMBERS[0], purpose])
        assert [(r["granted"], str(r["recorded_at"])) for r in rows] == [(False, "2026-11-20 14:05:00")]
        # The newsletter-only person is a new record, with no ticket.
        assert int(warehouse.scalar("SELECT count(*) FROM patron WHERE member_id = ?", [MEMBERS[0]])) == patrons_before + 1
        # The other member's decisions are the person's own business there: unchanged.
        assert warehouse.scalar(
            "SELECT bool_and(granted) FROM consent c JOIN identity i USING (member_id, member_patron_id) "
            "WHERE i.patron_key = ? AND c.member_id = ?", [key, MEMBERS[1]])


def test_an_older_decision_changes_nothing_and_ids_match_like_tickets(built: Coop, tmp_path: Path) -> None:
    """theatre-nord keys its patrons by e-mail: the consent export's tokens are the ticket
    export's. A decision dated before the one the warehouse holds (the ticket package's, dated by
    the last purchase) is ignored; a newer one replaces it."""
    coop = built.copy_to(tmp_path / "coop")
    source = coop.root / "member" / "old.csv"
    source.write_text(f"email,optin,date\n{PLANTED['email']},non,2020-01-05\n", encoding="utf-8")
    mapping = coop.root / "member" / "crm.yaml"
    mapping.write_text("columns:\n  email: email\n  consent_marketing: optin\n  consent_at: date\n", encoding="utf-8")
    for name, day, granted in (("old", "2020-01-05", True), ("new", "2026-11-25", False)):
        source.write_text(f"email,optin,date\n{PLANTED['email']},non,{day}\n", encoding="utf-8")
        package = coop.root / "member" / f"{name}.pkg"
        cli("prepare", str(source), "--mapping", str(mapping), "--member", MEMBERS[1], "--keys", str(coop.keys),
            "--out", str(package))
        cli("ingest", str(package), "--db", str(coop.db))
        with Warehouse(coop.db) as warehouse:
            held = warehouse.query(
                "SELECT c.granted FROM consent c JOIN patron p USING (member_id, member_patron_id) "
                "WHERE c.member_id = ? AND c.purpose = 'marketing' AND p.email_token = ?",
                [MEMBERS[1], planted.needles(coop.keys)["email_token"].decode()])
            assert [r["granted"] for r in held] == [granted], name
            # No new record: the id token is the ticket export's.
            assert int(warehouse.scalar("SELECT count(*) FROM patron WHERE member_id = ?", [MEMBERS[1]])) == 41


def test_bad_consent_exports_say_one_sentence_and_write_nothing(built: Coop, tmp_path: Path) -> None:
    coop = built.copy_to(tmp_path / "coop")
    member = coop.root / "member"
    source = _audience(member / "audience.csv", extra=["x@exemple.ca;X;Y;Peut-être;", "y@exemple.ca;X;Y;Cleaned;"])
    mapping = member / "m.yaml"
    mapping.write_text(MAPPING.format(purpose="marketing"), encoding="utf-8")
    out = member / "bad.pkg"
    args = ("prepare", str(source), "--mapping", str(mapping), "--member", MEMBERS[0], "--keys", str(coop.keys), "--out", str(out))
    done = cli(*args, check=False)
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert '"Peut-être"' in message and '"Cleaned"' in message and "true_values" in message and "false_values" in message
    assert not out.exists() and not (member / "bad.pkg.rejects.csv").exists()
    # The words mapped by the member's own settings: accepted.
    mapping.write_text(MAPPING.format(purpose="marketing") + 'true_values: ["Peut-être"]\nfalse_values: [cleaned]\n',
                       encoding="utf-8")
    assert cli(*args, check=False).returncode == 0

    # No id column: the mapping itself is refused.
    no_id = member / "no-id.yaml"
    no_id.write_text("columns:\n  first_name: PRENOM\n  consent_marketing: Statut\n", encoding="utf-8")
    done = cli("prepare", str(source), "--mapping", str(no_id), "--member", MEMBERS[0], "--keys", str(coop.keys),
               "--out", str(member / "no-id.pkg"), check=False)
    assert done.returncode == 2 and "“Customer number” (patron_id) or “E-mail” (email)" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (member / "no-id.pkg").exists()

    # One fixable cause rejecting a large share (twelve rows with an empty status): refused, the
    # reason and the override named; with the override, quarantined and the rest prepared.
    blanks = _audience(member / "blanks.csv", extra=[f"vide{n}@exemple.ca;V;W;;" for n in range(12)])
    mapping.write_text(MAPPING.format(purpose="marketing"), encoding="utf-8")
    blank_out = member / "blanks.pkg"
    blank_args = ("prepare", str(blanks), "--mapping", str(mapping), "--member", MEMBERS[0], "--keys", str(coop.keys),
                  "--out", str(blank_out))
    done = cli(*blank_args, check=False)
    assert done.returncode == 2, done.stderr
    said = " ".join(done.stderr.split())
    assert "12 of 19 rows" in said and "no consent column of the row says yes or no" in said, said
    assert "--max-reject-share" in said and "no_consent_value" not in said, said
    # In French, the reason in words too (it was the rule's code, « rejetées pour no_consent_value »).
    french = run_cli(*blank_args, lang="fr")
    said = " ".join(french.stderr.split())
    assert french.returncode == 2 and "12 des 19 lignes" in said, said
    assert "sont rejetées (aucune colonne de consentement de la ligne ne dit oui ou non)" in said, said
    assert not blank_out.exists() and not (member / "blanks.pkg.rejects.csv").exists()
    assert cli(*blank_args, "--max-reject-share", "1", check=False).returncode == 0
    assert blank_out.exists()


def test_mapping_draft_recognizes_a_consent_export(built: Coop, tmp_path: Path) -> None:
    """No column looks like a sale, a status column holds opt-in / opt-out words: the draft is a
    consent mapping (never fake tickets), and prepare takes it as it is."""
    coop = built.copy_to(tmp_path / "coop")
    member = coop.root / "member"
    source = _audience(member / "brevo-contacts.csv")
    drafted = member / "drafted.yaml"
    cli("mapping", "draft", str(source), "--out", str(drafted))
    from culturecoop.ingest.profile import load_profile

    profile = load_profile(path=drafted)
    assert profile.consent_only
    assert {k: v.sources for k, v in profile.columns.items()} == {
        "email": ("EMAIL",), "patron_id": ("EMAIL",), "first_name": ("PRENOM",), "last_name": ("NOM",),
        "consent_marketing": ("Statut",), "consent_at": ("Date de modification",)}
    package = member / "drafted.pkg"
    cli("prepare", str(source), "--mapping", str(drafted), "--member", MEMBERS[0], "--keys", str(coop.keys),
        "--out", str(package))
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "consent" and manifest["consent_changes"]["dated_by"] == "column"
