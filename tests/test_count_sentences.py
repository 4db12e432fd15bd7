"""Counts said in the reader's words where they can be 0 or 1: « 1 ligne sur 1 est mise de côté » (was
« 1 lignes sur 1 sont mises de côté »), « une différence de +0,5 point » (was « +0,5 points »)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from culturecoop.campaigns.results import _lift
from culturecoop.errors import UserError
from culturecoop.i18n import set_language
from culturecoop.ingest.prepare import check_export
from culturecoop.ingest.profile import load_profile
from real_exports import csv_text, write_mapping
from test_mapping_language import BASE, COLUMNS, HEADER, row


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    yield
    set_language(None)


def _refusal(tmp_path: Path, rows: list[list[str]]) -> str:
    source = tmp_path / "export.csv"
    source.write_text(csv_text(HEADER, rows), encoding="utf-8")
    profile = load_profile(path=write_mapping(tmp_path / "m.yaml", {**BASE, "columns": COLUMNS}))
    with pytest.raises(UserError) as caught:
        check_export(source, profile)
    return caught.value.message


def test_an_export_of_one_refused_row_says_it_in_the_singular(tmp_path: Path) -> None:
    set_language("fr")
    message = _refusal(tmp_path, [row("1", **{"Date achat": "le 3 mars"})])
    assert "1 ligne sur 1 est mise de côté" in message, message
    set_language("en")
    message = _refusal(tmp_path, [row("1", **{"Date achat": "le 3 mars"})])
    assert "1 row out of 1 is set aside" in message, message


def _gap(treated: int, held: int, language: str) -> str:
    set_language(language)
    shown = {("treatment", "recipients"): 1000, ("treatment", "converted"): treated,
             ("holdout", "recipients"): 1000, ("holdout", "converted"): held}
    return str(_lift(shown, None, True, noise=True)["sentence"])


def test_a_campaigns_difference_agrees_with_its_points() -> None:
    assert "une différence de +0,5 point (très probablement entre" in _gap(100, 95, "fr")
    assert "une différence de +1,5 point (" in _gap(100, 85, "fr")
    assert "une différence de +2,0 points (" in _gap(100, 80, "fr")
    assert "a difference of +0.5 points (very probably between" in _gap(100, 95, "en")
    assert "95%" not in _gap(100, 95, "en") and "95 %" not in _gap(100, 95, "fr")


def test_the_only_row_naming_nobody_is_said_as_one(tmp_path: Path) -> None:
    set_language("fr")
    nobody = {"Courriel": "", "Prénom": "", "Nom": "", "Téléphone": "", "Naissance": "", "Code postal": ""}
    message = _refusal(tmp_path, [row("1", **nobody)])
    assert "la seule ligne acceptée est une vente qui ne nomme personne" in message, message


def test_a_json_document_of_one_record_says_so(tmp_path: Path) -> None:
    import json

    from culturecoop.ingest.sniff import sniff
    from test_json_documents import attendees_page

    path = tmp_path / "attendees.json"
    path.write_text(json.dumps(attendees_page(1)), encoding="utf-8")
    set_language("fr")
    said = [e.why for e in sniff(path).evidence if e.key == "format"]
    assert said == ["un seul document JSON : son seul enregistrement est lu comme une JSON line, une ligne"], said


def test_a_share_change_in_points_is_signed_as_shown() -> None:
    from culturecoop.analytics.wording import points

    # −0.0004 was « −0,0 pts » (« Pente par mois : −0,0 pts »): a change that rounds to nothing has no sign.
    assert points(-0.0004, "fr") == "0,0\u00a0pts" and points(0.0004, "en") == "0.0\u00a0pts"
    assert points(0.015, "fr") == "+1,5\u00a0pts" and points(-0.468, "fr") == "−46,8\u00a0pts"


def test_a_long_workbook_is_not_said_to_hold_only_the_rows_the_draft_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from culturecoop.ingest.sniff import XLSX_SAMPLE_ROWS, sniff

    # Weezevent's participants sheet of 14,727 rows was said « la feuille Participants contient le tableau
    # (1 000 lignes) »: the draft's sample, read as the sheet's size.
    book = Workbook()
    sheet = book.active
    sheet.title = "Participants"
    sheet.append(["Nom", "Prénom", "Email", "Événement", "Date", "Prix"])
    for n in range(XLSX_SAMPLE_ROWS + 200):
        sheet.append([f"Nom{n}", "Ana", f"a{n}@exemple.fr", "Concert", "2026-06-14", 12])
    book.save(tmp_path / "participants.xlsx")
    set_language("fr")
    said = [e.why for e in sniff(tmp_path / "participants.xlsx").evidence if e.key == "sheet"]
    assert said == ["la feuille Participants contient le tableau (le brouillon en a lu les 1\u00a0000 premières lignes ; "
                    "la préparation les lit toutes)"], said
