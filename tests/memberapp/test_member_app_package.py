"""The package section of the member app as a francophone marketing manager reads it after
« Préparer » and « Envoyer »: what the cooperative loaded, in French figures; what an unset
pooling consent means for the package about to be sent; and no « Envoyer » for a package
prepared with a mapping that is no longer the current one.

The cooperative is a real one (its web app over a DuckDB warehouse in ``tmp_path``) on loopback."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from culturecoop.governance.accounts import create_account
from culturecoop.governance.sessions import create_token
from culturecoop.governance.uploads import add_member
from culturecoop.i18n import gettext_in
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from memberapp.pages import box_office_rows as _rows
from memberapp.pages import csrf as _csrf
from memberapp.pages import section
from memberapp.pages import text as _text
from web.conftest import TestClient
from web.live import LiveServer, free_port

MEMBER = "theatre-lilas"


@pytest.fixture
def coop_url(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running cooperative with the member and an API token of its manager."""
    db = tmp_path / "coop.duckdb"
    with Warehouse(db, create=True) as warehouse:
        add_member(warehouse, MEMBER, "Théâtre des Lilas", "theatre", "Montréal")
        account = create_account(warehouse, email="billetterie@lilas.test", password="correct horse battery",
                                 role="member_admin", member_id=MEMBER, display_name="Billetterie", language="fr")
        token = create_token(warehouse, account, "member app")[1]
    application = create_app(Settings(db=db, warmup=False))
    try:
        with LiveServer(application) as server:
            yield server.url, token
    finally:
        application.state.pool.close()


def _app(tmp_path: Path, export_text: str, coop: tuple[str, str] | None = None) -> tuple[TestClient, str]:
    init_keys(tmp_path / "keys")
    export = Workspace(tmp_path / "work").add("ventes.csv", io.BytesIO(export_text.encode("utf-8")),
                                              "2026-11-30T10:05:00")
    port = free_port()
    app = create_member_app(MemberSettings(
        keys=tmp_path / "keys", work=tmp_path / "work", port=port, member_id=MEMBER,
        coop_url=coop[0] if coop else None, token=coop[1] if coop else None))
    return TestClient(app, base_url=f"http://127.0.0.1:{port}"), export.export_id


def _set_pooling(client: TestClient, export_id: str, csrf: str) -> None:
    applied = client.post(f"/exports/{export_id}/mapping", data={
        "csrf": csrf, "action": "form", "consent.pooling": "true",
        "consent_basis": "Art. 7 de nos conditions de vente"})
    assert applied.status_code == 200, applied.text[:600]


def test_the_sent_confirmation_says_what_the_cooperative_loaded_in_french_figures(
        tmp_path: Path, coop_url: tuple[str, str]) -> None:
    """« Envoyé à la coopérative : chargé dans l’entrepôt. » said nothing of how much was loaded."""
    client, export_id = _app(tmp_path, _rows(1200), coop_url)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200, prepared.text[:600]
    sent = client.post(f"/exports/{export_id}/send", data={"csrf": _csrf(page)})
    assert sent.status_code == 200, sent.text[:600]
    said = section(sent.text, "package")
    assert "Envoyé à la coopérative : chargé dans l’entrepôt." in said, said
    assert "Lignes chargées : 1 événement, 700 clients, 1 200 billets." in said, said
    # Pooling was left « non précisé »: the reminder no longer says to fix it « avant de l’envoyer ».
    assert "préparez de nouveau le paquet et envoyez-le : il remplacera celui-ci à la coopérative" in said, said
    assert "avant de l’envoyer" not in said, said


def test_a_package_prepared_without_pooling_consent_says_so_beside_send(tmp_path: Path) -> None:
    """Pooling left « non précisé »: the warning was only in the check at the top of the page, far
    from the prepared package and its « Envoyer » button, where the manager decides to send."""
    client, export_id = _app(tmp_path, _rows(30), ("http://127.0.0.1:9", "unused"))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200, prepared.text[:600]
    said = section(prepared.text, "package")
    assert "Envoyer le paquet à la coopérative" in said, said
    # The app sends it: no folder of the work area (« /home/…/package-1 ») for the manager to make sense of.
    assert "Dossier :" not in said and "package-1" not in said, said
    assert ("Le consentement à la mise en commun est « non précisé » pour ce paquet : aucun de ses billets ne "
            "comptera dans les chiffres mis en commun de la coopérative.") in said, said
    assert "choisissez « donné » pour la mise en commun dans la section des consentements ci-dessus" in said, said
    # Once pooling is given and the package prepared again, nothing more to say.
    _set_pooling(client, export_id, _csrf(page))
    again = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert again.status_code == 200, again.text[:600]
    assert "non précisé" not in section(again.text, "package"), section(again.text, "package")


def test_a_package_prepared_with_an_earlier_mapping_is_no_longer_offered_for_sending(tmp_path: Path) -> None:
    """Prepared, then the mapping changed: « Envoyer » still sent the package of the old mapping."""
    client, export_id = _app(tmp_path, _rows(30), ("http://127.0.0.1:9", "unused"))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert "Envoyer le paquet à la coopérative" in section(prepared.text, "package")
    _set_pooling(client, export_id, _csrf(page))
    changed = client.get(f"/exports/{export_id}?lang=fr").text
    said = section(changed, "package")
    assert "Envoyer le paquet à la coopérative" not in said and 'id="send"' not in changed, said
    assert "Le mappage a changé depuis la préparation de ce paquet : il n’est plus proposé à l’envoi." in said, said
    assert "Préparez-le de nouveau avec le mappage actuel, puis envoyez le nouveau paquet." in said, said
    assert 'id="prepare-again"' in changed and "Préparer de nouveau le paquet" in said, said
    # A form posted from a page shown before the change is refused in one sentence, nothing sent.
    refused = client.post(f"/exports/{export_id}/send", data={"csrf": _csrf(page)})
    assert refused.status_code == 400
    assert ("Ce paquet a été préparé avec une version précédente du mappage ; préparez-le de nouveau avec le "
            "mappage actuel avant de l’envoyer.") in _text(refused.text), _text(refused.text)
    again = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert "Envoyer le paquet à la coopérative" in section(again.text, "package")
    assert "plus proposé" not in section(again.text, "package")


def test_door_sales_naming_nobody_are_counted_as_admissions_in_the_check_and_the_package(tmp_path: Path) -> None:
    """A box office's cash sales at the door name nobody (no customer number, no e-mail): the manager
    used to read them as rejected rows; they are admissions of the show, and the page says so."""
    door = "".join(f"P{i};;;20/05/2026 19:4{i};S1;Soirée Coltrane;20/05/2026 20:00;46,50 $;1;Payé\n" for i in range(4))
    client, export_id = _app(tmp_path, _rows(30) + door, ("http://127.0.0.1:9", "unused"))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    checked = section(page, "check")
    assert "34 lignes lues : 34 lignes acceptées, 0 ligne rejetée" in checked, checked
    assert ("4 ventes qui ne nomment personne (à la porte ou au comptant), comptées comme entrées de leurs "
            "événements.") in checked, checked
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200, prepared.text[:600]
    said = section(prepared.text, "package")
    assert "4 ventes qui ne nomment personne" in said and "30 billets" in said, said


def test_a_patrons_name_in_a_title_is_said_to_be_left_out_in_the_check_and_the_package(tmp_path: Path) -> None:
    """A private booking titled after its client: the page says its name would be, then was, left out of
    the package, with the title as the package reads it."""
    header = "No billet;No client;Prénom;Nom;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut\n"
    given, surnames = ["Jean", "Luc", "Anne", "Paul", "Sophie"], ["Roy", "Côté", "Gagnon", "Morin", "Lavoie", "Fortin"]
    rows = "".join(f"B{i};C{i};{given[i % 5]};{surnames[i % 6]};p{i}@exemple.test;11/01/2026 16:47;S1;Soirée Coltrane;"
                   "20/05/2026 20:00;46,50 $;1;Payé\n" for i in range(30))
    private = ("B99;C99;Marie;Tremblay;marie@exemple.test;12/01/2026 10:00;S2;Anniversaire de Marie Tremblay;"
               "21/05/2026 19:00;0,00 $;1;Payé\n")
    client, export_id = _app(tmp_path, header + rows + private, ("http://127.0.0.1:9", "unused"))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    checked = section(page, "check")
    assert ("Un titre d’événement nomme l’un de vos clients : le nom serait retiré du paquet, où ce titre "
            "deviendrait « Anniversaire de … ».") in checked, checked
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200, prepared.text[:600]
    said = section(prepared.text, "package")
    assert ("Un titre d’événement nommait l’un de vos clients : le nom est retiré du paquet, où ce titre devient "
            "« Anniversaire de … ».") in said, said


def test_preparing_needs_no_cooperative_once_it_named_the_member(tmp_path: Path) -> None:
    """The cooperative out of reach (a laptop offline at the box office): « Préparer » said
    « injoignable ([Errno 111] Connection refused) », the system's English, though preparing is done
    on this computer; the member the cooperative named last time now prepares it."""
    init_keys(tmp_path / "keys")
    workspace = Workspace(tmp_path / "work")
    export = workspace.add("ventes.csv", io.BytesIO(_rows(20).encode("utf-8")), "2026-11-30T10:05:00")
    port, away = free_port(), f"http://127.0.0.1:{free_port()}"
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=port,
                                           coop_url=away, token="t" * 40))
    client = TestClient(app, base_url=f"http://127.0.0.1:{port}")
    page = client.get(f"/exports/{export.export_id}?lang=fr").text
    refused = client.post(f"/exports/{export.export_id}/prepare?lang=fr", data={"csrf": _csrf(page)})
    said = _text(refused.text)
    assert refused.status_code == 400 and "injoignable (connexion refusée)" in said and "Errno" not in said, said[:700]
    workspace.remember_member(away, MEMBER)
    prepared = client.post(f"/exports/{export.export_id}/prepare?lang=fr", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200 and "Paquet préparé : 20 lignes acceptées" in _text(prepared.text)


def test_recommendations_not_computed_yet_are_said_in_the_readers_language_without_a_command(tmp_path: Path) -> None:
    """« Récupérer mes recommandations » before the cooperative trained its model: the page said
    « lancez d’abord `culturecoop reco train --db FICHIER` », a command of the cooperative's operator,
    and in the cooperative's language, not the page's (the app asked in none)."""
    stub = FastAPI()
    asked: list[str] = []

    @stub.get("/api/v1/members/{member}/recommendations")
    def recommendations(request: Request) -> JSONResponse:
        asked.append(request.headers.get("accept-language", ""))
        # In the cooperative's own language, whatever was asked (as a French cooperative did).
        message = gettext_in("No recommendation model is trained yet: run `culturecoop reco train --db FILE` first.",
                             "fr")
        return JSONResponse({"error": {"code": "user_error", "status": 400, "message": message}}, status_code=400)

    init_keys(tmp_path / "keys")
    with LiveServer(stub) as coop:
        port = free_port()
        app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=port,
                                               member_id=MEMBER, coop_url=coop.url, token="t" * 40))
        client = TestClient(app, base_url=f"http://127.0.0.1:{port}")
        for lang, said in (("en", "the cooperative has not computed recommendations yet"),
                           ("fr", "la coopérative n’a pas encore calculé de recommandations")):
            home = client.get(f"/?lang={lang}").text
            answer = client.post(f"/recommendations?lang={lang}", data={"csrf": _csrf(home)})
            words = _text(answer.text)
            assert answer.status_code == 400 and said in words, words[:600]
            assert "reco train" not in words and "`" not in words, words[:600]
    assert asked == ["en", "fr"], asked


def test_a_member_without_the_cooperatives_address_downloads_the_package_the_cooperative_loads(
        tmp_path: Path, coop_url: tuple[str, str]) -> None:
    """No cooperative set in the app: the card said « Téléversez ce dossier, en .zip » under the path of a
    work folder (« /home/…/33a1c38d/package-1 »), leaving a box-office employee to find it and zip it.
    The card now offers the .zip; dropped on the cooperative, it loads as sent by the app."""
    import urllib.request
    import zipfile

    client, export_id = _app(tmp_path, _rows(30))
    home = _text(client.get("/?lang=fr").text)
    assert "téléchargez chaque paquet (.zip) depuis la page de son export et déposez-le sur votre page Données" in home
    page = client.get(f"/exports/{export_id}?lang=fr").text
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    said = section(prepared.text, "package")
    assert "Télécharger le paquet (.zip)" in said, said
    assert "Déposez ensuite le .zip téléchargé sur votre page Données" in said and "Téléversez ce dossier" not in said
    download = client.get(f"/exports/{export_id}/package.zip?lang=fr")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert "filename*=utf-8''ventes-paquet.zip" in download.headers["content-disposition"]
    archive = tmp_path / "ventes-paquet.zip"
    archive.write_bytes(download.content)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    assert "package-1/manifest.json" in names and all(n.startswith("package-1/") for n in names), names
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{archive.name}\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode() + archive.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{coop_url[0]}/api/v1/members/{MEMBER}/packages", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {coop_url[1]}",
                                              "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 201
        assert b'"ticket":30' in answer.read().replace(b" ", b"")
    # Once the mapping changed, the old package is no longer offered: one sentence, no file.
    _set_pooling(client, export_id, _csrf(page))
    stale = client.get(f"/exports/{export_id}/package.zip?lang=fr")
    assert stale.status_code == 400 and "préparez-le de nouveau avec le mappage actuel" in _text(stale.text)
    assert 'id="download-package"' not in client.get(f"/exports/{export_id}?lang=fr").text
