"""A booking workbook kept by hand, dropped in the member app (tests/fixtures/exports/handkept/): no purchase
date, no ticket number, prices in words. The page offered no way out (« Aucune colonne ne contient de numéro
de billet ou de commande », nothing to prepare), and asked about pooling above a verdict that nothing could
be prepared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from memberapp.pages import App, app_with, form_fields, section

WORKBOOK = Path(__file__).parents[1] / "fixtures" / "exports" / "handkept" / "reservations-cafe-theatre.xlsx"


@pytest.fixture(scope="module")
def dropped(tmp_path_factory: pytest.TempPathFactory) -> tuple[App, str, str]:
    """The app with the workbook dropped, its URL and its first page."""
    app = app_with(tmp_path_factory.mktemp("handkept"), {"reservations.xlsx": WORKBOOK.read_bytes()})
    url = f"/exports/{app.exports['reservations.xlsx']}?lang=fr"
    return app, url, app.client.get(url).text


def _alert(page: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    assert found, page[:600]
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).replace("\u00a0", " ").split())


def test_a_workbook_kept_by_hand_numbers_its_tickets_and_dates_its_rows_once(dropped: tuple[App, str, str]) -> None:
    app, url, page = dropped
    check = section(page, "check")
    assert "13 lignes lues : 11 lignes acceptées, 2 lignes rejetées." in check, check
    assert "(« ??? », « à voir »)" in check, check
    assert 'id="prepare"' in page
    form = form_fields(page)
    assert form["field.ticket_id"] == "__numbered__"
    assert "numéroter les lignes de chaque acheteur pour chaque spectacle" in page
    assert "<td>numéroté à la préparation</td>" in page  # the first rows' ticket number, not a blank
    assert re.search(r'<input id="value-purchased_at" name="value.purchased_at" value="\d{4}-\d\d-\d\d" type="date"', page)
    # The day the bookings were taken, typed once, is kept in the mapping; a day still to come is refused.
    later = app.client.post(url.replace("?", "/mapping?"), data={**form, "value.purchased_at": "2099-01-15"})
    assert later.status_code == 400
    assert "« Date et heure d’achat » est le 15 janvier 2099, un jour qui n’est pas encore arrivé" in _alert(later.text)
    kept = app.client.post(url.replace("?", "/mapping?"), follow_redirects=False,
                           data={**form, "value.purchased_at": "2026-11-02"})
    assert kept.status_code == 303, kept.text[:600]
    columns = yaml.safe_load(app.workspace.get(app.exports["reservations.xlsx"]).mapping_text())["columns"]
    assert columns["purchased_at"] == {"value": "2026-11-02"} and columns["ticket_id"] == {"numbered": True}


def test_the_pooling_question_waits_until_something_can_be_prepared(tmp_path: Path) -> None:
    """A list with no price: the verdict says nothing can be prepared, and the pooling sentence no longer
    stands beside it as if it were the next thing to do."""
    data = "Nom;Prénom;Mail;Spectacle;Date achat\n" + "".join(
        f"Nom{i};P{i};p{i}@exemple.fr;Tartuffe;0{1 + i % 9}/11/2026\n" for i in range(12))
    app = app_with(tmp_path, {"liste.csv": data.encode()})
    check = section(app.client.get(f"/exports/{app.exports['liste.csv']}?lang=fr").text, "check")
    assert "rien ne peut être préparé" in check, check
    assert "mise en commun" not in check, check
