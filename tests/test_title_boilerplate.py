"""Event titles lose the wording the export writes around every show's name.

Box offices write « Représentation : Les Misérables », « Billet - Concert de Noël », « Hamlet
(billet) »: kept as written, the dashboard listed « Représentation : Hamlet », and one show sold by
two members, or through two vendors, did not read the same. Each test writes a small export,
prepares it with the real command and reads the package's event titles, and what ``prepare`` says.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import yaml

from conftest import run_cli_here as run_cli

HEADER = ["No billet", "Date transaction", "Code spectacle", "Spectacle", "Date spectacle", "Prix", "Courriel"]
COLUMNS = {"ticket_id": "No billet", "purchased_at": "Date transaction", "event_id": "Code spectacle",
           "event_title": "Spectacle", "event_starts_at": "Date spectacle", "unit_price": "Prix", "email": "Courriel"}
MAPPING: dict[str, Any] = {
    "format": "csv", "delimiter": ";", "decimal": ",", "datetime_formats": ["%d/%m/%Y %H:%M"], "currency": "EUR",
    "timezone": "Europe/Paris", "country": "FR", "consent_defaults": {"pooling": True},
    "consent_basis": "Article 7 de nos conditions de vente", "columns": COLUMNS,
}
SHOWS = ["Les Misérables", "Hamlet", "Cyrano de Bergerac", "Le Misanthrope", "Tartuffe"]


def _export(tmp_path: Path, titles: list[str]) -> Path:
    """A box office's export selling three tickets to each of ``titles``."""
    export = tmp_path / "billetterie.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        for i, title in enumerate(titles):
            for seat in range(3):
                n = 3 * i + seat
                writer.writerow([f"B{1000 + n}", f"{1 + n % 27:02d}/02/2026 10:{n % 60:02d}", f"S{i + 1}", title,
                                 f"{10 + i:02d}/03/2026 20:00", "18,00", f"spectateur{n}@exemple.fr"])
    return export


def _prepare(tmp_path: Path, keys: Path, titles: list[str], lang: str = "fr") -> tuple[list[str], dict[str, Any], str]:
    """(the package's event titles, the JSON summary, what prepare said) for an export selling three
    tickets to each of ``titles``."""
    export = _export(tmp_path, titles)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "pkg"
    result = run_cli("prepare", str(export), "--mapping", str(mapping), "--member", "m1", "--keys", str(keys),
                     "--out", str(out), "--json", lang=lang)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    rows = duckdb.sql(f"SELECT title FROM read_parquet('{out / 'event.parquet'}') ORDER BY event_id").fetchall()
    return [str(r[0]) for r in rows], json.loads(result.stdout), " ".join(result.stderr.split())


def test_a_prefix_on_every_title_is_removed_and_said_once(tmp_path: Path, keys: Path) -> None:
    titles, summary, said = _prepare(tmp_path, keys, [f"Représentation : {show}" for show in SHOWS])
    assert titles == SHOWS
    assert summary["titles_trimmed"] == [{"side": "prefix", "text": "Représentation :", "titles": 5}]
    sentence = ("Le préfixe « Représentation : » commun à 5 titres d’événements est une formule de l’export, pas le "
                "nom du spectacle : il est retiré.")
    assert said.count(sentence) == 1
    # `mapping check` says it before anything is written.
    checked = run_cli("mapping", "check", str(tmp_path / "billetterie.csv"), "--mapping", str(tmp_path / "mapping.yaml"),
                      lang="fr")
    assert checked.returncode == 0, checked.stderr
    assert sentence.replace("il est retiré", "il serait retiré") in " ".join((checked.stdout + checked.stderr).split())


def test_a_suffix_on_every_title_is_removed_and_said_in_english(tmp_path: Path, keys: Path) -> None:
    titles, _summary, said = _prepare(tmp_path, keys, [f"{show} (billet)" for show in SHOWS], lang="en")
    assert titles == SHOWS
    assert ("The suffix “(billet)” shared by 5 event titles is the export's wording, not the show's name: it was "
            "removed.") in said


def test_a_wording_shared_by_the_export_is_removed_though_no_ticket_word(tmp_path: Path, keys: Path) -> None:
    """« Spectacle : » says nothing of the show when every title starts with it, whatever the word."""
    titles, _summary, said = _prepare(tmp_path, keys, [f"Spectacle : {show}" for show in SHOWS[:3]], lang="en")
    assert titles == SHOWS[:3]
    assert "The prefix “Spectacle :” shared by 3 event titles" in said


def test_a_word_before_one_title_only_is_the_title_s_own(tmp_path: Path, keys: Path) -> None:
    """« Concert : » on one title among many names that show: kept, while the ticket word written
    before every title goes."""
    shows = [*SHOWS, "Concert : Jazz manouche"]
    titles, summary, _said = _prepare(tmp_path, keys, [f"Billet - {show}" for show in shows])
    assert titles == shows
    assert [t["text"] for t in summary["titles_trimmed"]] == ["Billet -"]


def test_a_single_title_keeps_its_own_colon(tmp_path: Path, keys: Path) -> None:
    """One show only: nothing is shared, and « Hamlet : » is no ticket word; only « (billet) » goes."""
    titles, summary, said = _prepare(tmp_path, keys, ["Hamlet : le retour (billet)"])
    assert titles == ["Hamlet : le retour"]
    assert summary["titles_trimmed"] == [{"side": "suffix", "text": "(billet)", "titles": 1}]
    assert ("Le suffixe « (billet) » de 1 titre d’événement est une formule de l’export, pas le nom du spectacle : "
            "il est retiré.") in said


def test_a_show_s_performances_or_tariffs_keep_the_show_s_name(tmp_path: Path, keys: Path) -> None:
    """« Hamlet » on every title is the show, not the export's wording: what follows it is a
    performance or a tariff, never left as the title; the ticket word before them still goes."""
    variants = ["12/03/2026", "Billet adulte", "Tarif réduit", "Partie 2"]
    titles, summary, _said = _prepare(tmp_path, keys, [f"Ticket – Hamlet - {v}" for v in variants], lang="en")
    assert titles == [f"Hamlet - {v}" for v in variants]
    assert summary["titles_trimmed"] == [{"side": "prefix", "text": "Ticket –", "titles": 4}]


def test_the_member_app_says_it_before_preparing(tmp_path: Path) -> None:
    """A venue that adds its export to the member app reads, on the export's page, that the titles'
    common wording would be removed — in French and in English."""
    import html
    import io
    import re

    from culturecoop.memberapp.app import MemberSettings, create_member_app
    from culturecoop.memberapp.workspace import Workspace
    from culturecoop.privacy.keys import init_keys
    from web.conftest import TestClient

    export = _export(tmp_path, [f"Représentation : {show}" for show in SHOWS])
    work = tmp_path / "work"
    init_keys(tmp_path / "keys")
    added = Workspace(work).add(export.name, io.BytesIO(export.read_bytes()), "2026-11-30T10:00:00")
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=work, port=8765, member_id="theatre-lilas"))
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    for language, sentence in (
            ("fr", "Le préfixe « Représentation : » commun à 5 titres d’événements est une formule de l’export, pas le "
                   "nom du spectacle : il serait retiré."),
            ("en", "The prefix “Représentation :” shared by 5 event titles is the export's wording, not the show's "
                   "name: it would be removed.")):
        page = client.get(f"/exports/{added.export_id}?lang={language}")
        assert page.status_code == 200, page.text[:600]
        assert sentence in " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def test_titles_made_to_be_slow_are_left_as_they_are() -> None:
    """The patterns' cost grows with the square of a title's length, and with the number of titles:
    a title of 100,000 spaces took 70 s to look at, 200,000 order numbers mapped as titles 10 s.
    Such titles are no shows with a vendor's words around them, and are left as they are."""
    from culturecoop.ingest.title_boilerplate import LONGEST_TITLE, MOST_TITLES, trimmed_titles

    long_ones = ["Billet : Hamlet" + " " * LONGEST_TITLE + str(i) for i in range(5)]
    assert trimmed_titles(long_ones) == ({}, [])
    many = [f"Billet : Commande {i}" for i in range(MOST_TITLES + 1)]
    assert trimmed_titles(many) == ({}, [])
    # A title with runs of spaces still loses its ticketing word, and its runs of spaces.
    assert trimmed_titles(["Billet  :   Hamlet"])[0] == {"Billet  :   Hamlet": "Hamlet"}
