"""`prepare` end to end on one small hand-written export per built-in profile.

Each test checks what a member would check: the rows per table, parsed values, every reject
with its line number and reasons, and that rows read = rows accepted + rows rejected.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from culturecoop.ingest.package import verify_package
from culturecoop.ingest.profile import builtin_profiles
from culturecoop.ingest.rejects import read_rejects
from culturecoop.privacy.encodings import keyed_tokens
from culturecoop.privacy.keys import load_member_keys
from culturecoop.schema.model import CONTRIBUTED_TABLES
from test_prepare_support import TODAY, by, export_path, read_table, run_cli, run_prepare, tid


def rejects_of(package: Path) -> dict[int, tuple[list[str], str]]:
    path = package.with_name(package.name + ".rejects.csv")
    return {int(r["line"]): (r["reasons"].split(";"), r["raw_line"]) for r in read_rejects(path)}


def token(value: str, purpose: str, keys: Path) -> str | None:
    return keyed_tokens([value], purpose, load_member_keys(keys).linkage_secret)[0]


def test_every_builtin_profile_has_a_fixture() -> None:
    from vendors import VENDORS

    assert set(builtin_profiles()) == {
        "canonical", "billetterie-fr", "festival-jsonl", "orchestra-tsv", "museum-xlsx", *VENDORS}


@pytest.mark.parametrize("profile", sorted(builtin_profiles()))
def test_rows_are_conserved_and_package_verifies(profile: str, tmp_path: Path, keys: Path) -> None:
    summary, package = run_prepare(tmp_path, profile, keys)
    assert summary.rows_in == summary.rows_accepted + summary.rows_rejected
    assert summary.rows_rejected == len(rejects_of(package))
    assert summary.rows_per_table["ticket"] == summary.rows_accepted - summary.refunds_merged
    verified = verify_package(package)
    rows = verified.manifest["rows"]
    assert (rows["in"], rows["accepted"], rows["rejected"]) == (
        summary.rows_in, summary.rows_accepted, summary.rows_rejected)
    for table in CONTRIBUTED_TABLES:
        assert rows[table.name] == summary.rows_per_table[table.name]
    # Every patron has exactly one consent row per purpose.
    assert summary.rows_per_table["consent"] == 3 * summary.rows_per_table["patron"]
    rejects = package.with_name(package.name + ".rejects.csv")
    assert rejects.parent == package.parent and stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_canonical(tmp_path: Path, keys: Path) -> None:
    summary, package = run_prepare(tmp_path, "canonical", keys)
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected) == (12, 5, 7)
    assert summary.blank_lines == 1
    assert summary.genres_unmapped == {"vaporwave": 1}
    rejects = rejects_of(package)
    assert {line: reasons for line, (reasons, _raw) in rejects.items()} == {
        6: ["malformed_line"],
        8: ["missing_ticket_id"],
        9: ["missing_patron_id", "bad_purchased_at"],
        10: ["missing_event_id", "bad_status"],
        11: ["duplicate_ticket"],
        13: ["bad_quantity"],
        14: ["bad_price"],
    }
    source_lines = export_path("canonical", tmp_path).read_text(encoding="utf-8").splitlines()
    assert all(raw == source_lines[line - 1] for line, (_r, raw) in rejects.items())
    # An impossible birth date (1850) costs the ticket nothing: the date is left empty, and counted.
    assert summary.values_dropped["birth_date"] == 1

    tickets = by(read_table(package, "ticket"), "ticket_id")
    assert sorted(tickets) == sorted(tid(t, keys) for t in ("T1", "T2", "T3", "T4", "T9"))
    tickets = {t: tickets[tid(t, keys)] for t in ("T1", "T2", "T3", "T4", "T9")}
    assert tickets["T1"]["order_id"] == tid("O1", keys)
    assert tickets["T1"]["member_patron_id"] == tid("P1", keys)
    t1 = tickets["T1"]
    assert (t1["quantity"], t1["unit_price"], t1["currency"], t1["channel"], t1["status"]) == (
        2, Decimal("45.50"), "CAD", "web", "sold")
    assert t1["purchased_at"] == dt.datetime(2026, 1, 10, 19, 30)
    assert tickets["T2"]["status"] == "refunded" and tickets["T2"]["channel"] == "box_office"
    assert tickets["T4"]["unit_price"] == Decimal("25.00")

    events = by(read_table(package, "event"), "event_id")
    assert events["E1"]["title"] == "Jazz, la nuit"
    assert events["E1"]["genres"] == ["jazz"]
    assert events["E1"]["artists"] == ["Trio Québec", "Invité spécial"]
    assert (events["E1"]["venue_fsa"], events["E1"]["capacity"], events["E1"]["is_local"]) == ("H2X", 200, True)
    assert events["E2"]["title"] == 'Le "grand" soir'
    assert events["E2"]["genres"] == ["theatre", "comedy"]
    assert events["E2"]["starts_at"] == dt.datetime(2026, 3, 1, 20, 0)
    assert events["E3"]["genres"] == ["electronic", "other"]
    assert events["E3"]["is_local"] is None and events["E3"]["language"] == "none"

    patrons = by(read_table(package, "patron"), "member_patron_id")
    assert sorted(patrons) == sorted(tid(p, keys) for p in ("P1", "P2", "P3", "P5"))
    patrons = {p: patrons[tid(p, keys)] for p in ("P1", "P2", "P3", "P5")}
    assert patrons["P5"]["birth_band"] is None and patrons["P5"]["bloom_birth_date"] is None
    # P1 bought twice: the latest purchase (line 4) gives e-mail, phone and postal code.
    p1 = patrons["P1"]
    assert p1["email_token"] == token("emilie.t@exemple.ca", "email", keys)
    assert p1["phone_token"] == token("+14385550100", "phone", keys)
    assert (p1["fsa"], p1["birth_band"], p1["language"]) == ("H2T", "1980-1984", "fr")
    assert patrons["P2"]["phone_token"] == token("+15145550123", "phone", keys)
    assert patrons["P2"]["email_token"] == token("jf.oneil@example.com", "email", keys)
    assert patrons["P2"]["language"] == "en"
    # A missing birth date is not a reject, just unknown.
    assert patrons["P3"]["birth_band"] is None and patrons["P3"]["bloom_birth_date"] is None
    assert patrons["P3"]["bloom_given_name"] is not None

    consents = read_table(package, "consent")
    granted = {(c["member_patron_id"], c["purpose"]): c["granted"] for c in consents}
    assert granted[(tid("P1", keys), "marketing")] is False and granted[(tid("P1", keys), "personalization")] is True
    assert granted[(tid("P3", keys), "marketing")] is True
    recorded = {c["member_patron_id"]: c["recorded_at"] for c in consents}
    assert recorded[tid("P1", keys)] == dt.datetime(2026, 1, 15, 9, 0)


def test_billetterie_fr(tmp_path: Path, keys: Path) -> None:
    summary, package = run_prepare(tmp_path, "billetterie-fr", keys)
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected, summary.blank_lines) == (5, 4, 1, 1)
    assert {line: r for line, (r, _raw) in rejects_of(package).items()} == {4: ["bad_purchased_at"]}
    # The raw line of a reject is the source line, decoded from Windows-1252.
    assert rejects_of(package)[4][1].startswith("B3;K3;31/11/2025 10:00;Vendu;1;12,50 $")
    tickets = by(read_table(package, "ticket"), "ticket_id")
    tickets = {t: tickets[tid(t, keys)] for t in ("B1", "B2", "B4", "B5")}
    # A negative amount is a refund; with no sale of its own in the export it stays a refunded ticket.
    assert (tickets["B4"]["status"], tickets["B4"]["unit_price"]) == ("refunded", Decimal("3.00"))
    assert tickets["B1"]["unit_price"] == Decimal("12.50") and tickets["B1"]["quantity"] == 2
    assert tickets["B1"]["purchased_at"] == dt.datetime(2025, 11, 23, 20, 0)
    assert tickets["B2"]["unit_price"] == Decimal("1234.50") and tickets["B2"]["currency"] == "CAD"
    assert (tickets["B2"]["status"], tickets["B2"]["channel"]) == ("refunded", "box_office")
    assert tickets["B5"]["channel"] == "phone"
    event = read_table(package, "event")[0]
    assert (event["title"], event["genres"], event["is_local"], event["language"]) == (
        "Roméo et Juliette", ["theatre"], True, "fr")
    assert event["starts_at"] == dt.datetime(2025, 12, 5, 20, 0)
    patrons = by(read_table(package, "patron"), "member_patron_id")
    patrons = {p: patrons[tid(p, keys)] for p in ("C1", "C2")}
    assert patrons["C1"]["fsa"] == "G1R" and patrons["C1"]["birth_band"] == "1975-1979"
    assert patrons["C2"]["email_token"] == token("benoit.lœuf@exemple.ca", "email", keys)
    assert patrons["C2"]["language"] == "en" and patrons["C2"]["birth_band"] == "2000-2004"
    granted = {(c["member_patron_id"], c["purpose"]): c["granted"] for c in read_table(package, "consent")}
    # C1's latest purchase (line 7) withdrew the newsletter consent given on line 2.
    assert granted[(tid("C1", keys), "marketing")] is False and granted[(tid("C1", keys), "pooling")] is True


def test_festival_jsonl(tmp_path: Path, keys: Path) -> None:
    summary, package = run_prepare(tmp_path, "festival-jsonl", keys)
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected, summary.blank_lines) == (6, 2, 4, 1)
    assert {line: r for line, (r, _raw) in rejects_of(package).items()} == {
        2: ["malformed_line"], 3: ["bad_purchased_at"], 5: ["missing_patron_id"], 7: ["malformed_line"]}
    tickets = by(read_table(package, "ticket"), "ticket_id")
    tickets = {t: tickets[tid(t, keys)] for t in ("tkt_1", "tkt_5")}
    # Offsets are converted to Montréal wall-clock time.
    assert tickets["tkt_1"]["purchased_at"] == dt.datetime(2026, 6, 1, 13, 24, 47)
    assert tickets["tkt_1"]["unit_price"] == Decimal("68.25") and tickets["tkt_5"]["channel"] == "web"
    event = read_table(package, "event")[0]
    assert event["starts_at"] == dt.datetime(2026, 7, 4, 18, 0)
    assert event["genres"] == ["electronic", "other"] and event["artists"] == ["Tessellate", "Verglas"]
    assert (event["capacity"], event["is_local"], event["venue_fsa"]) == (1800, False, "H2Y")
    patron = read_table(package, "patron")[0]
    # The latest order (tkt_5) has no phone: the patron's phone is unknown, not the older one.
    assert patron["phone_token"] is None and patron["fsa"] == "H2X" and patron["language"] == "fr"
    assert patron["email_token"] == token("maxime.gravel@outlook.example", "email", keys)


def test_orchestra_tsv(tmp_path: Path, keys: Path) -> None:
    summary, package = run_prepare(tmp_path, "orchestra-tsv", keys)
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected) == (7, 4, 3)
    assert {line: r for line, (r, _raw) in rejects_of(package).items()} == {
        5: ["bad_status"], 7: ["bad_quantity"], 8: ["malformed_line"]}
    assert summary.values_dropped["birth_date"] == 1
    tickets = by(read_table(package, "ticket"), "ticket_id")
    tickets = {t: tickets[tid(t, keys)] for t in ("1001", "1002", "1003", "1005")}
    assert tickets["1001"]["purchased_at"] == dt.datetime(2025, 11, 23, 20, 0)
    assert (tickets["1001"]["unit_price"], tickets["1001"]["currency"]) == (Decimal("45.00"), "CAD")
    assert tickets["1002"]["status"] == "cancelled" and tickets["1002"]["purchased_at"].hour == 9
    assert (tickets["1003"]["currency"], tickets["1003"]["channel"]) == ("USD", "reseller")
    event = read_table(package, "event")[0]
    assert event["genres"] == ["classical"] and event["language"] == "none"
    assert event["artists"] == ["Orchestre de la Capitale", "Beethoven"]
    assert event["starts_at"] == dt.datetime(2025, 12, 5, 19, 30)
    patron = by(read_table(package, "patron"), "member_patron_id")[tid("9001", keys)]
    assert patron["phone_token"] == token("+14185550188", "phone", keys)
    assert (patron["birth_band"], patron["language"], patron["fsa"]) == ("1960-1964", "fr", "G1R")


def test_museum_xlsx(tmp_path: Path, keys: Path) -> None:
    summary, package = run_prepare(tmp_path, "museum-xlsx", keys)
    # Spreadsheet row numbers, as Excel shows them; the empty row 4 is no row.
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected, summary.blank_lines) == (4, 2, 2, 1)
    rejects = rejects_of(package)
    assert {line: r for line, (r, _raw) in rejects.items()} == {3: ["bad_purchased_at"], 5: ["missing_ticket_id"]}
    assert "not a date" in rejects[3][1]
    tickets = by(read_table(package, "ticket"), "ticket_id")
    tickets = {t: tickets[tid(t, keys)] for t in ("50001", "50004")}
    assert tickets["50001"]["purchased_at"] == dt.datetime(2026, 2, 20, 14, 5)
    assert (tickets["50001"]["quantity"], tickets["50001"]["unit_price"]) == (2, Decimal("18.50"))
    assert (tickets["50004"]["quantity"], tickets["50004"]["status"]) == (1, "refunded")
    event = read_table(package, "event")[0]
    assert (event["genres"], event["is_local"], event["language"]) == (["visual_arts", "other"], True, "bilingual")
    assert event["starts_at"] == dt.datetime(2026, 3, 1, 10, 0)
    patrons = by(read_table(package, "patron"), "member_patron_id")
    patrons = {p: patrons[tid(p, keys)] for p in ("V-100", "V-200")}
    assert patrons["V-100"]["birth_band"] == "1975-1979" and patrons["V-100"]["language"] == "fr"
    assert patrons["V-200"]["birth_band"] is None and patrons["V-200"]["phone_token"] is None
    granted = {(c["member_patron_id"], c["purpose"]): c["granted"] for c in read_table(package, "consent")}
    assert granted[(tid("V-200", keys), "pooling")] is True and granted[(tid("V-200", keys), "marketing")] is False


def test_cli_json_summary_and_french_messages(tmp_path: Path, keys: Path) -> None:
    out = tmp_path / "pkg"
    result = run_cli("prepare", str(export_path("canonical", tmp_path)), "--member", "jazz-dieze",
                     "--profile", "canonical", "--keys", str(keys), "--out", str(out),
                     "--name", "Club de jazz Le Dièse", "--kind", "jazz_club", "--json", lang="fr")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (payload["rows_in"], payload["rows_accepted"], payload["rows_rejected"]) == (12, 5, 7)
    assert payload["rows_per_table"] == {"event": 3, "patron": 4, "ticket": 5, "consent": 12, "unnamed_sale": 0}
    assert payload["rejects_by_reason"]["duplicate_ticket"] == 1
    assert payload["package"] == str(out) and payload["seconds"] > 0
    # Row conservation is printed every time, here in French.
    assert "Lignes lues : 12 = 5 acceptées + 7 rejetées." in result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["member"] == {"member_id": "jazz-dieze", "name": "Club de jazz Le Dièse",
                                  "kind": "jazz_club", "region": None}
    assert manifest["profile"] == "canonical" and manifest["source"] == "canonical.csv"
    assert TODAY.year == 2026  # the fixtures' birth dates stay valid for decades


@pytest.mark.parametrize("language, header, words", [
    ("fr", ["ligne", "raisons (codes)", "explication", "ligne telle qu’exportée"], "pas d’identifiant d’événement"),
    ("en", ["line", "reasons", "explanation", "raw_line"], "no event identifier"),
])
def test_the_rejects_file_says_each_reason_in_the_readers_words(tmp_path: Path, keys: Path, language: str,
                                                                 header: list[str], words: str) -> None:
    """The rejects file gave only codes (« missing_event_id;bad_status ») to the person opening it in a spreadsheet;
    then its header mixed three program names with one word of theirs (« line,reasons,explication,raw_line »)
    and, without a signature, Excel showed « Ã© » for « é ». Its columns are named in their language, after the
    signature, and a program reads it back by the same keys in either language."""
    from culturecoop.i18n import set_language

    set_language(language)
    try:
        _summary, package = run_prepare(tmp_path, "canonical", keys)
    finally:
        set_language(None)
    path = package.with_name(package.name + ".rejects.csv")
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8), data[:20]
    with path.open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == header
    rows = {int(r["line"]): r for r in read_rejects(path)}
    assert rows[10]["reasons"] == "missing_event_id;bad_status"
    said = rows[10]["explanation"].split("; ")
    assert len(said) == 2 and words in said, said
    assert all("_" not in part for row in rows.values() for part in row["explanation"].split("; ")), rows


def test_the_member_apps_download_reads_a_rejects_file_of_either_language_or_of_before(tmp_path: Path) -> None:
    """A rejects file prepared in English, or written before its columns were named in words
    (« line,reasons,explanation,raw_line »), downloaded from the member app in French: its columns
    and its reasons in French, the rules' codes left out, the line as exported kept."""
    from culturecoop.memberapp.app import _rejects_for_a_spreadsheet

    for header in ("line,reasons,explanation,raw_line", "ligne,raisons (codes),explication,ligne telle qu’exportée",
                   "\ufeffligne,raisons (codes),explication,ligne telle qu’exportée"):
        path = tmp_path / "pkg.rejects.csv"
        path.write_text(f'{header}\n10,missing_event_id;bad_status,no event identifier; unknown ticket status,'
                        '"T10,,Zorglub"\n', encoding="utf-8")
        got = _rejects_for_a_spreadsheet(path, "fr").decode("utf-8-sig").splitlines()
        assert got[0] == "ligne,explication,ligne telle qu’exportée", (header, got)
        assert got[1] == '10,pas d’identifiant d’événement; statut de billet inconnu,"T10,,Zorglub"', (header, got)
