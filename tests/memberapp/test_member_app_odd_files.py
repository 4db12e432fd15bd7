"""Files a small venue's staff drop that are not the sales export the app expects, or that it reads in
its own terms: an invoice or a price list dropped by mistake, a hand-kept workbook with one sheet per
show, an export with no clue of its country. Each page says what happened and what to do, in the
form's words: never six questions on columns the file does not have, never « (sheet) » nor
« country » as the mapping's YAML writes them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from memberapp.pages import app_with, box_office_rows, csrf, keep_form, section, text

INVOICE = ("Facture n° F2026-118\nClient : Théâtre des Lilas\nDate : 03/02/2026\n\n"
           "Désignation;Quantité;Prix unitaire;Total\nLocation sono;1;450,00;450,00\n"
           "Technicien (jour);2;280,00;560,00\n\nTotal HT;;;1010,00\nTVA 20 %;;;202,00\n")
PRICES = "Article;Description;Prix HT;TVA;Prix TTC\n" + "".join(
    f"A{i};Abonnement {i} spectacles;{10 * i},00;20 %;{12 * i},00\n" for i in range(1, 12))


@pytest.mark.parametrize(("name", "data", "columns"), [
    ("facture-F2026-118.csv", INVOICE, "(« Désignation », « Quantité », « Prix unitaire », « Total »)"),
    ("tarifs-2026.csv", PRICES, "(« Article », « Description », « Prix HT », « TVA », « Prix TTC »)"),
])
def test_a_file_that_is_no_sales_export_says_so_and_what_to_drop_instead(
        tmp_path: Path, name: str, data: str, columns: str) -> None:
    """An invoice or a price list opened on six instructions to choose a purchase date, a ticket number, a
    buyer… among « Désignation » and « Total », then the pooling consent, and a country guess telling to
    « écrivez le code de ce pays pour country » : the member was left to map an invoice."""
    app = app_with(tmp_path, {name: data.encode()})
    page = app.client.get(f"/exports/{app.exports[name]}?lang=fr").text
    check = section(page, "check")
    assert check.startswith("Comment l’export se lit avec ce mappage Ce fichier ne ressemble pas à un export de "
                            f"billetterie : aucune de ses colonnes {columns} ne donne de date d’achat"), check
    assert "« Lire cet export » sur la page d’accueil" in check and "Déposer un autre export" in check, check
    assert 'id="drop-another" href="/"' in page
    # No question on columns the file does not have, no guess, no consent to decide in sight.
    assert "Ce que l’ébauche" not in check and "mise en commun" not in check, check
    assert 'id="prepare"' not in page
    assert '<details id="mapping-anyway">' in page and page.index("mapping-anyway") < page.index('id="consent"')


def test_a_sales_export_missing_only_its_buyer_is_still_asked_for_its_columns(tmp_path: Path) -> None:
    """The sentence is for files with no date, no sale number and no buyer: a sales report that only
    names no buyer keeps the check's own advice and its form."""
    data = "No billet;Date achat;Spectacle;Prix\n" + "".join(
        f"B{i};11/01/2026 16:47;Soirée Coltrane;46,50 €\n" for i in range(25))
    app = app_with(tmp_path, {"ventes.csv": data.encode()})
    page = app.client.get(f"/exports/{app.exports['ventes.csv']}?lang=fr").text
    assert "ne ressemble pas à un export" not in section(page, "check")
    assert 'id="mapping-anyway"' not in page


def test_a_workbook_of_one_sheet_per_show_names_its_sheets_in_words(tmp_path: Path) -> None:
    """A season kept by hand, a sheet per show: the guesses read « chaque ligne avec le nom de sa feuille
    ((sheet)) », « la date est écrite dans (sheet) », and every column list of the form offered
    « (sheet) » and « (sheet title) » beside « Nom » and « Mail »."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for show in ("Tartuffe 12 mars", "Jazz 20 avril"):
        sheet = book.create_sheet(show)
        sheet.append(["Nom", "Prénom", "Mail", "Nb places", "Tarif"])
        for i in range(12):
            sheet.append([f"Nom{i}", f"Prénom{i}", f"p{i}.{show[:3].lower()}@exemple.fr", 1 + i % 3, "12 €"])
    data = io.BytesIO()
    book.save(data)
    app = app_with(tmp_path, {"liste-saison.xlsx": data.getvalue()})
    page = app.client.get(f"/exports/{app.exports['liste-saison.xlsx']}?lang=fr").text
    said = text(re.sub(r'<textarea name="yaml".*?</textarea>', "", page, flags=re.S))  # the YAML box is YAML
    assert "(sheet" not in said and "(section)" not in said, said[said.find("(sheet") - 300:][:600]
    assert "la date est écrite dans le nom de la feuille (« Tartuffe 12 mars »)" in said, said[:3000]
    assert '<option value="(sheet)" >le nom de la feuille</option>' in page
    assert '<option value="(sheet title)" >le titre écrit au-dessus du tableau de la feuille</option>' in page


def test_a_country_assumed_points_to_the_forms_setting_not_to_yaml_keys(tmp_path: Path) -> None:
    """An export with no phone, postal code nor currency: the guess told to « écrivez le code de ce pays
    pour country, avec sa devise (currency) et son fuseau horaire (timezone) », three YAML keys."""
    data = "Ticket;Email;Purchase date;Event;Price\n" + "".join(
        f"T{i};p{i}@mail.test;11/01/2026 16:47;Jazz night;46.50\n" for i in range(25))
    app = app_with(tmp_path, {"sales.csv": data.encode()})
    check = section(app.client.get(f"/exports/{app.exports['sales.csv']}?lang=fr").text, "check")
    assert ("pays supposé : Canada (CA) ; si les ventes ont lieu ailleurs, choisissez leur pays pour « Pays » sous "
            "« Comment les valeurs sont écrites » dans le formulaire ci-dessous") in check, check
    assert "country" not in check and "(currency)" not in check and "(timezone)" not in check, check


def test_the_package_says_what_it_leaves_out_and_who_counts_in_pooled_figures(tmp_path: Path) -> None:
    """The package card said « 30 clients (que la coopérative ne connaît que par des jetons) » and nothing
    of the e-mails the newsletters' consent puts in it, nor how many patrons the pooling consent given in
    the form lets count, nor on which basis."""
    app = app_with(tmp_path, {"ventes.csv": box_office_rows(30).encode()})
    url = f"/exports/{app.exports['ventes.csv']}?lang=fr"
    keep_form(app, "ventes.csv", app.client.get(url).text, consent__pooling="true", consent__marketing="true",
              consent_basis="Art. 7 des conditions de vente")
    page = app.client.get(url).text
    prepared = app.client.post(url.replace("?", "/prepare?"), data={"csrf": csrf(page)})
    package = section(prepared.text, "package")
    assert ("Il ne contient ni nom, ni téléphone, ni date de naissance de vos clients ; 30 clients ont accepté les "
            "infolettres de la coopérative : leurs courriels, si l’export les donne, y sont, chiffrés pour le seul "
            "expéditeur des infolettres de la coopérative.") in package, package
    assert ("30 clients comptent dans les chiffres mis en commun de la coopérative, sur le fondement que vous avez "
            "donné : Art. 7 des conditions de vente.") in package, package
