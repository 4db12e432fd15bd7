"""The guards of `prepare` on real-looking exports, through the real command.

* one fixable reason never quarantines a mass of rows quietly: nothing written, the values and
  the setting that fixes them named, `--max-reject-share` to override;
* consent that real files can carry (defaults with a stated basis), and said when nothing grants it;
* no personal value leaves in clear whatever the mapping says (the fail-closed scan), checked
  again by scanning the bytes of the package *and* of the warehouse;
* every new mapping setting refuses bad values with one sentence; an older package is refused.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from culturecoop.errors import UserError
from culturecoop.ingest import guard
from culturecoop.ingest.profile import load_profile
from real_exports import csv_text, write_mapping
from test_mapping_language import BASE, COLUMNS, HEADER, row
from test_prepare_errors import prepare_fails
from test_prepare_support import run_cli


def export(tmp_path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    return path


def mapping(tmp_path: Path, **settings: Any) -> Path:
    columns = settings.pop("columns", COLUMNS)
    return write_mapping(tmp_path / "mapping.yaml", {**BASE, **settings, "columns": columns})


def prepare_ok(tmp_path: Path, keys: Path, source: Path, *options: str, member: str = "m1") -> dict[str, Any]:
    out = tmp_path / "pkg"
    result = run_cli("prepare", str(source), "--member", member, "--keys", str(keys), "--out", str(out),
                     "--json", *options)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    payload["stderr"] = " ".join(result.stderr.split())  # Rich wraps long lines
    return payload


def test_an_unknown_status_word_stops_the_file(tmp_path: Path, keys: Path) -> None:
    rows = [row(str(i), Statut="Émis-OK") for i in range(30)] + [row("x1"), row("x2")]
    source = export(tmp_path, rows)
    message = prepare_fails(tmp_path, keys, source, "--mapping", str(mapping(tmp_path)))
    assert "30 rows out of 32 are set aside" in message and "(unknown ticket status)" in message and "bad_status" not in message
    assert "«Émis-OK» (30)" in message and "status_values: {Émis-OK: sold}" in message
    assert "--max-reject-share" in message
    # Overridden, the same file is prepared with its rows quarantined.
    payload = prepare_ok(tmp_path, keys, source, "--mapping", str(mapping(tmp_path)), "--max-reject-share", "1")
    assert (payload["rows_accepted"], payload["rows_rejected"]) == (2, 30)


def test_no_row_accepted_writes_nothing(tmp_path: Path, keys: Path) -> None:
    rows = [row(str(i), **{"Date achat": f"le {i} mars"}) for i in range(1, 5)]
    message = prepare_fails(tmp_path, keys, export(tmp_path, rows), "--mapping", str(mapping(tmp_path)))
    assert message.startswith("No row was accepted") and "(purchase time missing or unreadable)" in message
    assert "bad_purchased_at" not in message
    assert "“Date and time formats” (datetime_formats)" in message and "“Purchase date and time” (purchased_at)" in message


def test_unreadable_event_times_stop_the_file(tmp_path: Path, keys: Path) -> None:
    rows = [row(str(i), **{"Date spectacle": "22.03.2026 20:00"}) for i in range(12)]
    message = prepare_fails(tmp_path, keys, export(tmp_path, rows), "--mapping", str(mapping(tmp_path)))
    assert "event_starts_at" in message and "«22.03.2026 20:00» (12)" in message


def test_max_reject_share_must_be_a_share(tmp_path: Path, keys: Path) -> None:
    message = prepare_fails(tmp_path, keys, export(tmp_path, [row("1")]), "--mapping", str(mapping(tmp_path)),
                            "--max-reject-share", "5")
    assert "--max-reject-share" in message


def test_consent_defaults_with_their_basis(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, [row("1"), row("2")])
    payload = prepare_ok(tmp_path, keys, source, "--mapping", str(mapping(
        tmp_path, consent_defaults={"pooling": True, "marketing": False},
        consent_basis="Art. 7 des conditions de vente : données mises en commun.")))
    assert payload["consent"]["purposes"]["pooling"] == {"source": "default", "default": True, "granted": 2}
    assert payload["consent"]["purposes"]["personalization"]["source"] == "none"
    manifest = json.loads((tmp_path / "pkg" / "manifest.json").read_text())
    assert manifest["consent"]["basis"] == "Art. 7 des conditions de vente : données mises en commun."
    assert "Pooling in the cooperative: 2 patrons (default of the mapping)" in payload["stderr"]


def test_a_consent_column_wins_over_the_default(tmp_path: Path, keys: Path) -> None:
    header = [*HEADER, "Partage"]
    source = export(tmp_path, [[*row("1"), "Non"], [*row("2"), ""]], header)
    payload = prepare_ok(tmp_path, keys, source, "--mapping", str(mapping(
        tmp_path, columns={**COLUMNS, "consent_pooling": "Partage"})))
    assert payload["consent"]["purposes"]["pooling"]["granted"] == 1


def test_no_pooling_consent_is_said(tmp_path: Path, keys: Path) -> None:
    source = export(tmp_path, [row("1")])
    path = write_mapping(tmp_path / "m.yaml", {"format": "csv", "datetime_formats": ["%Y-%m-%d %H:%M"],
                                               "columns": COLUMNS})
    payload = prepare_ok(tmp_path, keys, source, "--mapping", str(path))
    assert any("consent_defaults: {pooling: true}" in w for w in payload["warnings"])
    assert "none of your patrons will count in pooled reports" in payload["stderr"]


@pytest.mark.parametrize(("field", "column", "what"), [
    ("event_id", "Courriel", "e-mail addresses"),
    ("event_title", "Téléphone", "phone numbers"),
    ("venue", "Naissance", "birth dates"),
    ("event_id", "Nom complet", "patrons' names"),
    ("artists", "Nom complet", "patrons' names"),
])
def test_personal_data_routed_into_a_clear_column_stops_prepare(
        field: str, column: str, what: str, tmp_path: Path, keys: Path) -> None:
    header = [*HEADER, "Nom complet"]
    people = [("Marie", "Tremblay"), ("Jean", "Côté"), ("Zoé", "Lavoie"), ("Luc", "Roy")]
    rows = [[*row(str(i), Prénom=g, Nom=s, Courriel=f"{g.lower()}@exemple.ca", Téléphone=f"514 555 01{i:02d}", Naissance=f"198{i}-05-17"), f"{g} {s}"] for i, (g, s) in enumerate(people)]
    columns = {**COLUMNS, field: column}
    message = prepare_fails(tmp_path, keys, export(tmp_path, rows, header), "--mapping",
                            str(mapping(tmp_path, columns=columns)))
    assert message.startswith("Nothing was written") and what in message and column in message


@pytest.mark.parametrize(("title", "what"), [
    ("Soirée jazz 2026 – rappeler Luc au 438 555-0142", "phone numbers"),  # a buyer's phone, among other digits
    ("Jazz n° 3 (Luc : 4385550142)", "phone numbers"),  # the same, written without its groups
    ("Soirée jazz – infos 514 555-0100", "phone numbers"),  # nobody's phone in the export, still a phone
    ("Soirée jazz – tél. +1 514 555 0100", "phone numbers"),
    ("Anniversaire de Luc, né le 1983-02-11", "birth dates"),  # a buyer's birth date, within the title
    # An address spelled out against robots is an address all the same.
    ("Soirée jazz – réserver : lroy83 (at) exemple (point) ca", "e-mail addresses"),
    ("Jazz – écrire à lroy83 arobase exemple point qc point ca", "e-mail addresses"),
    ("Jazz night – contact luc dot roy at example dot com", "e-mail addresses"),
    ("Jazz – LROY83[AT]EXEMPLE[.]FR", "e-mail addresses"),
])
def test_a_title_that_writes_a_phone_or_a_birth_date_stops_prepare(
        title: str, what: str, tmp_path: Path, keys: Path) -> None:
    """Hand-kept lists write notes into the show's column. A phone number there (a buyer's, or
    anyone's: whose cannot be told) and a buyer's birth date do not leave in clear: nothing is
    written, and the sentence says which column to clean."""
    rows = [row("1", Titre=title), row("2", Titre=title, Prénom="Luc", Nom="Roy", Téléphone="438 555 0142",
                                       Naissance="1983-02-11")]
    message = prepare_fails(tmp_path, keys, export(tmp_path, rows), "--mapping", str(mapping(tmp_path)))
    assert message.startswith("Nothing was written") and "event.title" in message and what in message
    assert "Titre" in message and "remove them from that column of the export" in message
    assert not (tmp_path / "pkg").exists()


def test_titles_with_dates_years_and_numbers_are_not_phones_nor_addresses(tmp_path: Path, keys: Path) -> None:
    titles = ["Symphonie n° 9 – Opus 125", "Tournée 2025-2026", "Concert du 2026-03-22 20:00", "Blink-182",
              "Les 400 coups (1959)", "Soirée 19h30-23h00, 12 €", "Salle 3, 1234 rue Saint-Denis, H2X 1Y4",
              # The words of a spelled-out address, in titles that spell none.
              "Live at Turning Point de Montréal", "Jazz at Lincoln Center Orchestra", "Dot Allison at La Sala Rossa",
              "Le point de vue du mime (at) Salle Point-Virgule", "Jazz at Club point final"]
    rows = [row(str(i), Événement=f"E{i}", Titre=t) for i, t in enumerate(titles)]
    payload = prepare_ok(tmp_path, keys, export(tmp_path, rows), "--mapping", str(mapping(tmp_path)))
    assert (payload["rows_accepted"], payload["rows_rejected"]) == (len(titles), 0)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


@pytest.mark.parametrize("id_column", ["Courriel", "Téléphone", "Nom complet", "Naissance"])
def test_no_personal_value_in_package_or_warehouse_whatever_the_patron_id(
        id_column: str, tmp_path: Path, keys: Path) -> None:
    """Whichever column the mapping uses as patron id, neither the package nor the warehouse
    file holds an e-mail, phone, name or birth date of the input, in any form."""
    header = [*HEADER, "Nom complet"]
    people = [("Geneviève", "Desrosiers"), ("Maximilien", "Robitaille"), ("Ophélie", "Charbonneau")]
    rows = [[*row(str(i), Prénom=g, Nom=s, Courriel=f"{fold(g)}.{fold(s)}@courriel.example", Téléphone=f"(438) 555-01{i:02d}", Naissance=f"197{i}-11-2{i}"), f"{g} {s}"]
            for i, (g, s) in enumerate(people)]
    source = export(tmp_path, rows, header)
    columns = {**COLUMNS, "patron_id": id_column}
    prepare_ok(tmp_path, keys, source, "--mapping", str(mapping(tmp_path, columns=columns)))
    db = tmp_path / "coop.duckdb"
    result = run_cli("ingest", str(tmp_path / "pkg"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    needles: set[str] = set()
    for r in rows:
        values = dict(zip(header, r, strict=True))
        digits = re.sub(r"\D", "", values["Téléphone"])
        needles |= {values["Courriel"], values["Téléphone"], digits, "+1" + digits, values["Naissance"],
                    values["Naissance"].replace("-", ""), values["Nom complet"], fold(values["Nom complet"])}
        needles |= {values["Prénom"], values["Nom"], fold(values["Prénom"]), fold(values["Nom"])}
    files = [*sorted((tmp_path / "pkg").iterdir()), db]
    for file in files:
        data = file.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (file.name, needle)
    # The warehouse's decoded values too (DuckDB compresses strings).
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            for values in con.execute(f'SELECT * FROM "{table}"').fetchall():
                text = fold(" ".join(str(v) for v in values if isinstance(v, str)))
                for needle in needles:
                    assert fold(needle) not in text, (table, needle)
    finally:
        con.close()


@pytest.mark.parametrize(("settings", "words"), [
    ({"timezone": "Mars/Olympus_Mons"}, "IANA time zone"),
    ({"country": "XX"}, "country must be one of"),
    ({"amount_scale": 0}, "amount_scale"),
    ({"amount_scale": "cents"}, "amount_scale"),
    ({"consent_defaults": {"pooling": "yes"}}, "consent_defaults.pooling must be true or false"),
    ({"consent_defaults": {"sharing": True}}, "not a purpose"),
    ({"consent_defaults": {"pooling": True}, "consent_basis": None}, "without a consent_basis"),
    ({"consent_basis": "  "}, "consent_basis must be a sentence"),
    ({"columns": {**COLUMNS, "event_id": {"value": ""}}}, "non-empty text"),
    ({"columns": {**COLUMNS, "event_starts_at": {"join": ["Date spectacle"]}}}, "at least two columns"),
    ({"columns": {**COLUMNS, "event_id": {"file_name": "("}}}, "not a valid regular expression"),
    ({"columns": {**COLUMNS, "event_id": {"value": "x", "join": ["a", "b"]}}}, "must be a column name"),
    ({"columns": {**COLUMNS, "event_id": {"const": "x"}}}, "must be a column name"),
    ({"columns": {**COLUMNS, "email": []}}, "is empty"),
    ({"columns": {k: v for k, v in COLUMNS.items() if k not in ("ticket_id", "order_id")}}, "“Ticket number” (ticket_id) or “Order number” (order_id)"),
])
def test_bad_values_of_the_new_settings(settings: dict[str, Any], words: str, tmp_path: Path, keys: Path) -> None:
    path = mapping(tmp_path, **settings)
    if settings.get("consent_basis", "") is None:
        data = path.read_text(encoding="utf-8").replace("consent_basis: null\n", "")
        path.write_text(data, encoding="utf-8")
    message = prepare_fails(tmp_path, keys, export(tmp_path, [row("1")]), "--mapping", str(path))
    assert words in message


def test_an_older_package_is_refused(tmp_path: Path, keys: Path) -> None:
    prepare_ok(tmp_path, keys, export(tmp_path, [row("1")]), "--mapping", str(mapping(tmp_path)))
    manifest = tmp_path / "pkg" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["schema_version"] = 1
    manifest.write_text(json.dumps(data))
    result = run_cli("ingest", str(tmp_path / "pkg"), "--db", str(tmp_path / "coop.duckdb"))
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "prepare it again" in result.stderr
    assert not (tmp_path / "coop.duckdb").exists() or result.stderr.count("\n") == 1


def test_reports_name_missing_pooling_consent_as_the_cause(tmp_path: Path, keys: Path) -> None:
    no_consent = write_mapping(tmp_path / "m.yaml", {"format": "csv", "datetime_formats": ["%Y-%m-%d %H:%M"],
                                                     "columns": COLUMNS})
    db = tmp_path / "coop.duckdb"
    for member in ("a", "b"):
        folder = tmp_path / member
        folder.mkdir()
        source = export(folder, [row(f"{member}{i}", Courriel=f"p{i}@exemple.ca") for i in range(12)])
        prepare_ok(folder, keys, source, "--mapping", str(no_consent), member=member)
        assert run_cli("ingest", str(folder / "pkg"), "--db", str(db)).returncode == 0
    assert run_cli("link", "--db", str(db)).returncode == 0
    for report, words in (("trends", "No patron of yours, nor of any other member, agreed to pooling"),
                          ("elsewhere", "No patron of yours agreed to pooling")):
        result = run_cli("report", report, "--db", str(db), "--member", "a", "--from", "2026-01-01",
                         "--to", "2026-06-30")
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert words in result.stderr and "consent_defaults" in result.stderr


@pytest.mark.parametrize("stray", [
    "ab12cd34ef56ab78@exemple.ca.zzzz",  # a token's length, not a token's letters
    "marie.tremblay@exemple.ca",  # not a token's length either
    None,  # NULL beside the tokens: still every value a token
])
def test_a_token_column_is_skipped_only_when_proved_to_hold_nothing_else(stray: str | None) -> None:
    """The guard skips a column of our own tokens only after proving every value is one; a single
    other value among a thousand tokens puts the whole column back under the scan."""
    tokens = [f"{i:032x}" for i in range(1000)]
    ticket_ids = pa.chunked_array([tokens[:500], [*tokens[500:], stray]], pa.string())
    tables = {"ticket": pa.table({"ticket_id": ticket_ids})}
    identifiers = pa.table({"email": ["marie.tremblay@exemple.ca"], "phone": [None], "given_name": ["marie"],
                            "surname": ["tremblay"], "birth_date": [None]},
                           schema=pa.schema([(n, pa.string()) for n in
                                             ("email", "phone", "given_name", "surname", "birth_date")]))
    assert guard._all_tokens(ticket_ids) is (stray is None)
    if stray is None:
        guard.scan_package(tables, identifiers, load_profile("canonical"))
    else:
        with pytest.raises(UserError, match=r"ticket\.ticket_id.* e-mail addresses in clear"):
            guard.scan_package(tables, identifiers, load_profile("canonical"))


NOBODY = {"Courriel": "", "Prénom": "", "Nom": "", "Naissance": "", "Code postal": "", "Téléphone": ""}


def test_door_sales_naming_nobody_count_as_admissions_of_their_events(tmp_path: Path, keys: Path) -> None:
    """A club whose export holds many door or cash sales (no customer, e-mail, phone or name): however
    many, they never stop the file, and they are not lost either. They travel summed per event, day,
    channel and price (no line, nothing about anyone), so the sales pace and the seats filled count
    them; an event sold only at the door is in the package; a refund naming nobody stays set aside
    (which sale it refunds cannot be told)."""
    rows = [row(str(n), **(NOBODY if n % 5 < 2 else {})) for n in range(1, 51)]  # 40 % at the door
    door_only = [row(f"d{n}", **NOBODY, **{"Événement": "E2", "Titre": "Jam du lundi",
                                           "Date spectacle": "2026-03-23 21:00", "Date achat": f"2026-03-2{n} 20:30"})
                 for n in (1, 2, 3)]
    refund = [row("r1", **NOBODY, Prix="-25.00")]
    source = export(tmp_path, rows + door_only + refund)
    payload = prepare_ok(tmp_path, keys, source, "--mapping", str(mapping(tmp_path)))
    assert (payload["rows_in"], payload["rows_accepted"], payload["rows_rejected"]) == (54, 53, 1)
    assert payload["rejects_by_reason"] == {"anonymous_sale": 1}
    assert payload["unnamed_sales"] == 23
    assert payload["rows_per_table"]["ticket"] == 30 == payload["rows_accepted"] - payload["unnamed_sales"]
    assert "23 sales naming nobody (door or cash sales) were counted as admissions" in payload["stderr"]
    package = tmp_path / "pkg"
    import pyarrow.parquet as pq
    door = pq.read_table(package / "unnamed_sale.parquet").to_pylist()
    assert {(d["event_id"], str(d["sold_on"]), d["admissions"], d["lines"]) for d in door} == {
        ("E1", "2026-03-01", 20, 20), ("E2", "2026-03-21", 1, 1), ("E2", "2026-03-22", 1, 1), ("E2", "2026-03-23", 1, 1)}
    assert set(door[0]) == {"member_id", "event_id", "sold_on", "channel", "unit_price", "currency", "status",
                            "admissions", "lines"}
    assert {e["event_id"] for e in pq.read_table(package / "event.parquet").to_pylist()} == {"E1", "E2"}
    # At the cooperative: the events' sales count every admission, the Data page every row.
    db = tmp_path / "coop.duckdb"
    loaded = run_cli("ingest", str(package), "--db", str(db), "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["rows_loaded"]["unnamed_sale"] == 4
    events = run_cli("report", "events", "--db", str(db), "--member", "m1", "--from", "2026-01-01",
                     "--to", "2026-03-31", "--json")
    assert events.returncode == 0, events.stderr
    sold = {r["event_id"]: r["tickets_sold"] for r in json.loads(events.stdout)["rows"]}
    assert sold == {"E1": 50, "E2": 3}
    # The pace of the Monday jam, two days before it: the door sale of that day is in, and said.
    pace = run_cli("report", "pace", "--db", str(db), "--member", "m1", "--from", "2026-01-01", "--to", "2026-03-21",
                   "--event", "E2", "--json")
    assert pace.returncode == 0, pace.stderr
    read = json.loads(pace.stdout)
    assert read["summary"]["tickets_sold"] == 1
    assert any("3 admissions for this event" in note for note in read["notes"]), read["notes"]
    overview = run_cli("report", "overview", "--db", str(db), "--member", "m1", "--from", "2026-01-01",
                       "--to", "2026-03-31", "--json")
    assert json.loads(overview.stdout)["summary"]["unnamed_admissions"] == 23
    # The data end on the jam's last door sale, not the last named buyer's (1 March): the default
    # period reaches it.
    default = run_cli("report", "events", "--db", str(db), "--member", "m1", "--json")
    assert json.loads(default.stdout)["coverage"]["as_of"] == "2026-03-23", default.stdout[:400]


def test_an_export_naming_no_buyer_at_all_writes_nothing(tmp_path: Path, keys: Path) -> None:
    """Every row names nobody: a cash sheet, or buyer columns the mapping missed. The cooperative
    counts people, so nothing is written, and the sentence says what to check."""
    source = export(tmp_path, [row(str(n), **NOBODY) for n in range(1, 31)])
    said = prepare_fails(tmp_path, keys, source, "--mapping", str(mapping(tmp_path)))
    assert "No row names a buyer, so nothing was written" in said and "30 rows" in said, said
    assert not (tmp_path / "pkg").exists()


def test_named_buyers_without_an_identifier_still_stop_the_file(tmp_path: Path, keys: Path) -> None:
    """A name but no customer number, e-mail or phone is a mapping to fix (or a fallback to give),
    not a door sale: over the share allowed, nothing is written and the sentence says why."""
    rows = [row(str(n), **({"Courriel": "", "Téléphone": ""} if n % 5 < 2 else {})) for n in range(1, 51)]
    said = prepare_fails(tmp_path, keys, export(tmp_path, rows), "--mapping", str(mapping(tmp_path)))
    assert "(no customer number, e-mail or phone to count the buyer by)" in said and "Nothing was written" in said
    assert "missing_patron_id" not in said, said


def test_a_phone_standing_in_for_the_customer_is_one_person_however_it_is_typed(tmp_path: Path, keys: Path) -> None:
    """No customer number, some buyers known by their phone only, typed two ways at the box office:
    one patron, not two; and the member maps its list back to those people from its own export."""
    import pyarrow.parquet as pq

    from culturecoop.privacy.encodings import member_id_tokens
    from culturecoop.privacy.keys import load_member_keys
    from culturecoop.reco.ids import map_back

    columns = {k: v for k, v in COLUMNS.items() if k != "ticket_id"} | {"ticket_id": "Billet"}
    rows = [row("1"), row("2", **{"Courriel": "", "Téléphone": "514 555-0199"}),
            row("3", **{"Courriel": "", "Téléphone": "(514) 555-0199"}), row("4", **{"Courriel": "", "Téléphone": "438.555.0123"})]
    source = export(tmp_path, rows)
    prepare_ok(tmp_path, keys, source, "--mapping", str(mapping(tmp_path, columns=columns)))
    patrons = pq.read_table(tmp_path / "pkg" / "patron.parquet").column("member_patron_id").to_pylist()
    assert len(set(patrons)) == 3  # the e-mail, one phone typed two ways, another phone
    secret = load_member_keys(keys).linkage_secret
    tokens = member_id_tokens(["p1@exemple.ca", "514 555 0199", "438-555-0123"], "m1", secret)
    listed = tmp_path / "patrons.csv"
    listed.write_text("member_patron_id,event_id,rank\n" + "".join(f"{t},E9,1\n" for t in tokens), encoding="utf-8")
    mapped, unmatched, _column = map_back(listed, source, "m1", keys)
    ids = [r["member_patron_id"] for r in mapped]
    assert unmatched == 0 and ids[0] == "p1@exemple.ca" and ids[2] == "438.555.0123"
    assert ids[1] in ("514 555-0199", "(514) 555-0199")  # the same person, as the export writes them


def test_prepare_and_the_members_own_side_write_an_identifier_the_same_way() -> None:
    """The member recomputes tokens from its export (``normalize_member_id``) as ``prepare`` wrote
    them (``member_id_sql``): customer numbers, e-mails, phones in any punctuation."""
    import duckdb

    from culturecoop.privacy.encodings import member_id_sql, normalize_member_id

    values = ["C-12345", "  42 ", "A@B.CA ", "514 555-0199", "(514) 555-0199", "+1 514 555 0199", "01 23 45 67 89",
              "2024-001", "5145550199", "ab 12", "12 34", "514-555"]
    con = duckdb.connect()
    for value in values:
        written = con.execute(f"SELECT {member_id_sql('$v')}", {"v": value}).fetchone()
        assert written is not None and written[0] == normalize_member_id(value), value
    assert normalize_member_id("(514) 555-0199") == normalize_member_id("514.555.0199") == "5145550199"
    assert normalize_member_id("2024-001") == "2024-001"  # a short customer number keeps its dash


def test_a_guest_without_an_email_does_not_lend_their_name_to_the_buyer(tmp_path: Path) -> None:
    """Ticket holder and buyer columns, the holder's e-mail blank: the ticket goes to the buyer (their
    e-mail), and so do the name columns — the buyer's record must not carry a guest's name. A holder
    with their own e-mail keeps their own name. The draft's preview and `mapping check` agree."""
    from culturecoop.ingest.draft import draft_mapping

    source = tmp_path / "guests.csv"
    source.write_text(
        "Order,Date,Event,Event date,Price,Attendee First Name,Attendee Last Name,Attendee Email,"
        "Buyer First Name,Buyer Last Name,Buyer Email\n"
        "O1,2026-03-01 10:00,Gala,2026-04-10 20:00,25.00,Zoé,Gagnon,,Marc,Roy,marc@ex.org\n"
        "O2,2026-03-01 10:05,Gala,2026-04-10 20:00,25.00,Luc,Tremblay,luc@ex.org,Marc,Roy,marc@ex.org\n", encoding="utf-8")
    draft = draft_mapping(source)
    assert draft.mapping["columns"]["first_name"] == ["Attendee First Name", "Buyer First Name"]
    people = [(r["email"], r["first_name"], r["last_name"]) for r in draft.preview]
    assert people == [("marc@ex.org", "Marc", "Roy"), ("luc@ex.org", "Luc", "Tremblay")]
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text(draft.yaml_text, encoding="utf-8")
    checked = run_cli("mapping", "check", str(source), "--mapping", str(mapping_file), "--json")
    assert checked.returncode == 0, checked.stderr
    read = [(r["email"], r["first_name"], r["last_name"]) for r in json.loads(checked.stdout)["preview"]]
    assert read == people
