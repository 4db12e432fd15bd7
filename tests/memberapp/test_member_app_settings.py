"""What only the mapping's YAML could say, said in the member app's form: the words of a yes/no column
(a consent), an empty price cell that is a seat given, a customer number the e-mail (else the phone)
stands in for where it is empty; and the YAML box's comments in the page's language. Each export is
dropped on the French page of one app for the whole module (cheap), fixed in the form as its advice
says, and prepared: the package's figures show the setting took effect."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.privacy.keys import init_keys
from memberapp.pages import csrf, form_fields, section, text
from web.conftest import TestClient

MEMBER = "theatre-lilas"
HEADER = "No billet;No client;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut"


def _rows(n: int, price: Callable[[int], str] = lambda i: "46,50 $", client: Callable[[int], str] = lambda i: f"C{i}",
          consent: list[str] | None = None) -> str:
    """``n`` sales of one show as a Québec box office writes them; ``price`` and ``client`` of the row
    ``i``, and a pooling-consent column of ``consent``'s words in turn."""
    head = HEADER + (";Consentement mutualisation" if consent else "") + "\n"
    return head + "".join(
        f"B{i};{client(i)};p{i}@exemple.test;11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;"
        f"{price(i)};1;Payé" + (f";{consent[i % len(consent)]}" if consent else "") + "\n" for i in range(n))


# « Oui », « Non », an empty cell, and two words no ticketing vocabulary reads as yes or no.
CONSENTS = ["Oui", "Non", "Oui", "Non", "Oui", "", "Confirmé", "Oui", "Non", "Retiré"]
EXPORTS = {
    "consentements.csv": _rows(30, consent=CONSENTS),
    # PatronManager-style: invitations written with no price (8 of 30 rows).
    "invitations.csv": _rows(30, price=lambda i: "" if i % 4 == 1 else "46,50 $"),
    # Two buyers at the door gave their e-mail but have no customer number.
    "clients.csv": _rows(30, client=lambda i: "" if i in (3, 17) else f"C{i}"),
    "langue.csv": _rows(30, consent=CONSENTS),
    # Ticket Tailor-style: what was given back in a column of its own, beside the price.
    "remboursements.csv": "".join(
        line + (";Montant remboursé\n" if n == 0 else ";" + {4: "10,00 $", 9: "46,50 $", 21: "5,50 $"}.get(n - 1, "0,00 $") + "\n")
        for n, line in enumerate(_rows(30).splitlines())),
    # A group booking form's orders, their attendees side by side (« Participant 2 - Nom »).
    "participants.csv": (Path(__file__).parents[1] / "fixtures" / "exports" / "sweep7" /
                         "commandes-participants-numerotes.csv").read_text(encoding="utf-8"),
}


@dataclass
class App:
    client: TestClient
    csrf: str  # the running app's form token (every page carries the same)
    exports: dict[str, str]  # name → export id


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> App:
    tmp = tmp_path_factory.mktemp("settings")
    init_keys(tmp / "keys")
    client = TestClient(create_member_app(MemberSettings(keys=tmp / "keys", work=tmp / "work", port=8765,
                                                         member_id=MEMBER)),
                        base_url="http://127.0.0.1:8765", follow_redirects=False)
    exports = {}
    token = csrf(client.get("/?lang=fr").text)
    for name, data in EXPORTS.items():
        answer = client.post("/exports?lang=fr", data={"csrf": token},
                             files={"file": (name, data.encode(), "text/csv")})
        assert answer.status_code == 303, text(answer.text)[:400]
        exports[name] = answer.headers["location"].rsplit("/", 1)[1]
    return App(client, token, exports)


def _applied(app: App, export_id: str, page: str, changes: dict[str, str]) -> str:
    """The export's French page once its form on ``page`` is sent with ``changes``."""
    answer = app.client.post(f"/exports/{export_id}/mapping", data={**form_fields(page), **changes})
    assert answer.status_code == 303, text(answer.text)[:400]
    shown = app.client.get(answer.headers["location"])
    assert shown.status_code == 200, text(shown.text)[:800]
    return shown.text


def _prepared(app: App, export_id: str) -> str:
    """The package card once « Préparer » is clicked."""
    answer = app.client.post(f"/exports/{export_id}/prepare", data={"csrf": app.csrf})
    assert answer.status_code == 303, text(answer.text)[:400]
    shown = app.client.get(answer.headers["location"])
    assert shown.status_code == 200, section(shown.text, "check")
    return section(shown.text, "package")


def _no_yaml_words(said: str, *keys: str) -> None:
    for word in ("YAML", "`", *keys):
        assert word not in said, (word, said)


def test_unknown_yes_no_words_are_chosen_in_the_form(app: App) -> None:
    """« Confirmé » and « Retiré » in a consent column: the draft said to add them to `true_values` or
    `false_values` in the YAML, and the form had no list for them; their patrons counted as not given."""
    export_id = app.exports["consentements.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    check = section(page, "check")
    assert ("Des colonnes oui/non contiennent des mots que l’ébauche ne sait pas lire (Confirmé, Retiré) : choisissez "
            "ce que chacun veut dire sous « Ce que veulent dire les mots des colonnes oui/non » dans le formulaire "
            "ci-dessous.") in check, check
    _no_yaml_words(check, "true_values", "false_values")
    data = form_fields(page)
    words = {v: k.replace("_word", "") for k, v in data.items() if k.startswith("yes_no_word.")}
    assert set(words) == {"Oui", "Non", "Confirmé", "Retiré"}, words
    fieldset = re.search(r'<fieldset id="yes-no">(.*?)</fieldset>', page, re.S)
    assert fieldset and "non reconnu" in text(fieldset.group(1)), page  # asked first: two words unknown
    # « Non » chosen as a yes: one sentence in the form's words, not the mapping check's `true_values`.
    answer = app.client.post(f"/exports/{export_id}/mapping", follow_redirects=True,
                             data={**data, words["Non"]: "true"})
    assert answer.status_code == 400
    assert "« Non » veut toujours dire non : sous « Ce que veulent dire les mots des colonnes oui/non », laissez-le " \
        "reconnu, puis appliquez de nouveau." in text(answer.text), text(answer.text)[:600]
    shown = _applied(app, export_id, page, {words["Confirmé"]: "true", words["Retiré"]: "false"})
    assert "Confirmé" not in section(shown, "check"), section(shown, "check")
    # 30 patrons: « Oui » on 12 rows, « Confirmé » on 3: 15 agreed to pooling, not 12.
    package = _prepared(app, export_id)
    assert "15 clients ont accepté la mutualisation" in package, package


def test_an_empty_price_is_a_seat_given_by_the_form(app: App) -> None:
    """8 invitations of 30 rows with no price: the advice said `blank_price: 0` in the YAML, and the
    form had no setting for it; « Préparer » set the rows aside (or refused)."""
    export_id = app.exports["invitations.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    said = section(page, "check")
    assert ("si ce sont des places offertes (invitations, presse, invités), choisissez « une place offerte, au prix "
            "0 » pour « Une cellule de prix vide » sous « Comment les valeurs sont écrites » dans le formulaire "
            "ci-dessous") in said, said
    _no_yaml_words(said, "blank_price")
    assert '<details class="folded" id="settings" open>' in page  # the setting named is in sight
    assert form_fields(page)["setting.blank_price"] == ""
    shown = _applied(app, export_id, page, {"setting.blank_price": "0"})
    assert form_fields(shown)["setting.blank_price"] == "0"
    package = _prepared(app, export_id)
    assert "Paquet préparé : 30 lignes acceptées, 0 ligne rejetée" in package, package


def test_a_customer_number_stands_in_for_by_the_email_in_the_form(app: App) -> None:
    """Two buyers with an e-mail and no customer number: the draft said to write `patron_id: [No client,
    Courriel]` in the YAML; in the form, only « no column » kept them (losing every number)."""
    export_id = app.exports["clients.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    said = section(page, "check")
    assert ("ou, à côté de « Numéro de client » dans le formulaire ci-dessous, choisissez « le courriel, "
            "sinon le téléphone, dit qui a acheté » pour « Là où il est vide »") in said, said
    _no_yaml_words(said)
    assert form_fields(page)["fallback.patron_id"] == ""
    shown = _applied(app, export_id, page, {"fallback.patron_id": "email_phone"})
    assert form_fields(shown)["fallback.patron_id"] == "email_phone"
    assert form_fields(shown)["field.patron_id"] == "No client"
    package = _prepared(app, export_id)
    assert "Paquet préparé : 30 lignes acceptées, 0 ligne rejetée" in package and "30 clients" in package, package


def test_the_yaml_box_speaks_the_pages_language(app: App) -> None:
    """Dropped on a French page, the draft's YAML box kept its French comments on the English page."""
    export_id = app.exports["langue.csv"]
    english = app.client.get(f"/exports/{export_id}?lang=en").text
    box = re.search(r'<textarea name="yaml"[^>]*>(.*?)</textarea>', english, re.S)
    assert box, english
    comments = " ".join(re.findall(r"#(.*)", box.group(1)))
    assert "CHECK" in comments or "Drafted" in comments or "read" in comments, comments
    for french in ("l’ébauche", "À VÉRIFIER", "colonne", "lignes"):
        assert french not in comments, (french, comments)
    # The English text is the same mapping: applied as it is, the package is the draft's, and the French
    # page shows it with its French comments again.
    answer = app.client.post(f"/exports/{export_id}/mapping?lang=en", data={
        "csrf": csrf(english), "action": "yaml", "yaml": html.unescape(box.group(1))})
    assert answer.status_code == 303 and "said=" not in answer.headers["location"], answer.headers["location"]
    assert app.client.post(f"/exports/{export_id}/prepare", data={"csrf": app.csrf}).status_code == 303
    french = app.client.get(f"/exports/{export_id}?lang=fr").text
    assert "30 lignes acceptées, 0 ligne rejetée" in section(french, "package"), section(french, "package")
    box = re.search(r'<textarea name="yaml"[^>]*>(.*?)</textarea>', french, re.S)
    assert box and "À VÉRIFIER" in box.group(1) and "CHECK" not in box.group(1), box


def test_money_given_back_in_a_column_is_said_on_the_package_card(app: App) -> None:
    """A refunded amount beside the price comes off it at prepare; the package card said nothing of it
    (only the command line did), so the member could not see why the revenue was lower than the export's."""
    export_id = app.exports["remboursements.csv"]
    package = _prepared(app, export_id)
    assert ("2 billets remboursés en partie, 15,50 $ rendus : ils restent vendus, chacun à son prix moins sa part "
            "du remboursement.") in text(package), text(package)
    assert "Un billet vendu a été remboursé en entier, comme le dit son montant remboursé" in text(package), text(package)
    english = section(app.client.get(f"/exports/{export_id}?lang=en").text, "package")
    assert "2 tickets refunded in part, $15.50 given back" in text(english), text(english)


def test_attendees_side_by_side_are_shown_and_kept_by_the_form(app: App) -> None:
    """An order's attendees in numbered columns: the form shows that each is read a line each, offers their
    columns without the number, keeps the setting when applied, and the package holds one ticket per attendee
    (it held one per order, in the first attendee's name)."""
    export_id = app.exports["participants.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    found = re.search(r'<p id="attendees">(.*?)</p>', page, re.S)
    assert found and text(found.group(1)) == (
        "Les participants de chaque commande, écrits côte à côte dans des colonnes numérotées (« Participant {n} - "
        "Prénom », « Participant {n} - Nom », « Participant {n} - Courriel »), sont lus chacun sur une ligne : un "
        "billet et un client chacun. Les places de la commande au-delà de ses participants (« Nombre de billets ») "
        "sont celles de l’acheteur. Réparti entre ses places : « Montant total »."), page
    assert "30 commandes lues, soit 60 participants : 60 lignes acceptées, 0 ligne rejetée." in section(page, "check")
    assert '<option value="Participant - Courriel"' in page
    assert form_fields(page)["field.email"] == "Participant - Courriel"
    shown = _applied(app, export_id, page, {})
    assert re.search(r'<p id="attendees">', shown), text(shown)[:600]
    package = _prepared(app, export_id)
    assert "60 lignes acceptées" in package and "60 clients" in package, package
