"""The member app's pages as a francophone newcomer reads them: figures in French (18 189 lignes,
1 événement), an amount written as the app reads it shown once, a wrong move answered by one
French sentence on the app's own page."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from memberapp.pages import box_office_rows as _rows
from memberapp.pages import csrf as _csrf
from memberapp.pages import text as _text
from web.conftest import TestClient


def _app(tmp_path: Path, export_text: str | None = None) -> tuple[TestClient, str]:
    work = tmp_path / "work"
    init_keys(tmp_path / "keys")
    export_id = ""
    if export_text is not None:
        export = Workspace(work).add("ventes.csv", io.BytesIO(export_text.encode("utf-8")), "2026-11-30T10:05:00")
        export_id = export.export_id
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=work, port=8765, member_id="theatre-lilas"))
    return TestClient(app, base_url="http://127.0.0.1:8765"), export_id


def test_the_figures_of_the_check_and_the_package_are_written_in_french(tmp_path: Path) -> None:
    """« 1200 lignes lues », « 1 événements »: a French reader expects « 1 200 » and a singular."""
    client, export_id = _app(tmp_path, _rows(1200))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    assert "1 200 lignes lues : 1 200 lignes acceptées, 0 ligne rejetée." in _text(page), _text(page)[:800]
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200, prepared.text[:600]
    said = _text(prepared.text)
    assert "Paquet préparé : 1 200 lignes acceptées, 0 ligne rejetée." in said, said
    assert "Il ne contient ni nom, ni courriel, ni téléphone, ni date de naissance de vos clients." in said, said
    # What the package holds, in words (it read « Tables : 1 événement… », the warehouse's word).
    assert ("Le paquet contient 1 événement, 700 clients (que la coopérative ne connaît que par des jetons) "
            "et 1 200 billets.") in said, said
    home = _text(client.get("/?lang=fr").text)
    # When the export was added, as a French reader writes a time (not 2026-11-30 10:05:00).
    assert "30 nov. 2026 à 10 h 05" in home and "2026-11-30" not in home, home


def test_an_amount_read_as_written_is_shown_once(tmp_path: Path) -> None:
    """« 46,50 $ » read as 46,50 $ differs only by its no-break space: nothing to show beneath."""
    client, export_id = _app(tmp_path, _rows(3))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    cells = re.findall(r"<td[^>]*>46,50[^<]*\$(.*?)</td>", page)
    assert cells and all('class="written"' not in c for c in cells), cells


def test_a_refused_package_is_said_once(tmp_path: Path) -> None:
    """The purchase date mapped to the buyer's surname: no row is accepted. The page said the same
    long sentence twice, at the top and again in the check just below it."""
    client, export_id = _app(tmp_path, _rows(30))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    mapping = re.search(r'<textarea[^>]*name="yaml"[^>]*>(.*?)</textarea>', page, re.S)
    assert mapping
    wrong = re.sub(r"^  purchased_at:.*$", "  purchased_at: Titre", html.unescape(mapping.group(1)), flags=re.M)
    assert wrong != html.unescape(mapping.group(1))
    client.post(f"/exports/{export_id}/mapping", data={"csrf": _csrf(page), "action": "yaml", "yaml": wrong})
    refused = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert refused.status_code == 400
    said = _text(refused.text)
    assert said.count("Aucune ligne n’a été acceptée") == 1, said


def test_an_address_the_app_does_not_have_answers_in_french_on_its_page(tmp_path: Path) -> None:
    """A mistyped or stale address read « {"detail":"Not Found"} »: English, and no way back."""
    client, _ = _app(tmp_path)
    for path in ("/exportations", "/exports/1234/rejets.csv", "/recommendations"):
        answer = client.get(f"{path}?lang=fr")
        assert answer.status_code in (404, 405), (path, answer.status_code)
        said = _text(answer.text)
        assert "Not Found" not in said and "Method Not Allowed" not in said and "detail" not in said, said
        assert "Cette page n’existe pas dans l’application" in said and "Préparer un export" in said, said


def test_reading_without_a_file_is_said_by_the_page_not_the_browser(tmp_path: Path) -> None:
    """A required file field let the browser answer in its own language (« Please select a file. »
    in an English Chromium, next to a field hidden behind the page's own button): the page says it."""
    client, _ = _app(tmp_path)
    home = client.get("/?lang=fr").text
    field = re.search(r'<input id="file"[^>]*>', home)
    assert field and "required" not in field.group(0), field
    answer = client.post("/exports", data={"csrf": _csrf(home)}, files={"file": ("", b"")})
    assert answer.status_code == 400 and "Choisissez d’abord votre fichier d’export." in _text(answer.text)


def test_the_home_page_speaks_french_and_every_page_loads_without_a_404(tmp_path: Path) -> None:
    """« JSON lines » in English on the French home page; and a 404 in the browser's console on
    every page: the icon a browser asks for (/favicon.ico) was not there."""
    client, export_id = _app(tmp_path, _rows(3))
    home = client.get("/?lang=fr")
    said = _text(home.text)
    assert "JSON lines" not in said and "(CSV, Excel ou JSON)" in said, said
    for page in (home, client.get(f"/exports/{export_id}?lang=fr")):
        asked = ["/favicon.ico", *re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/[^"]*)"', page.text)]
        assert "/favicon.svg" in asked, asked
        for path in asked:
            answer = client.get(path)
            assert answer.status_code == 200 and answer.content, (path, answer.status_code)
        icon = client.get("/favicon.ico")
        assert icon.headers["content-type"].startswith("image/") and b"<svg" in icon.content


def test_the_box_to_set_rows_aside_is_offered_only_when_the_check_asks_for_it(tmp_path: Path) -> None:
    """« Préparer même si une raison rejette beaucoup de lignes » stood above every « Préparer le
    paquet », an export read without a rejected row included: a question for nothing."""
    client, export_id = _app(tmp_path, _rows(12))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    assert "12 lignes lues : 12 lignes acceptées, 0 ligne rejetée." in _text(page)
    assert 'name="quarantine_anyway"' not in page and "Préparer même si" not in _text(page)
    assert 'id="prepare"' in page


def test_an_export_is_deleted_from_this_computer_from_its_page(tmp_path: Path) -> None:
    """Each drop kept a copy of the export, with its patrons' names and e-mails, in the work folder
    for good: the same file dropped three times was listed three times, and no page removed any."""
    client, export_id = _app(tmp_path, _rows(12))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    prepared = client.post(f"/exports/{export_id}/prepare", data={"csrf": _csrf(page)})
    assert prepared.status_code == 200
    folder = tmp_path / "work" / export_id
    assert any(folder.glob("package-*"))
    answer = client.post(f"/exports/{export_id}/delete?lang=fr", data={"csrf": _csrf(page)})
    said = _text(answer.text)
    assert answer.status_code == 200 and "L’export ventes.csv, son mappage et ses paquets sont supprimés" in said, said
    assert not folder.exists() and "Exports sur cet ordinateur" not in said


def test_an_app_connected_to_no_cooperative_says_who_connects_it_not_which_options(tmp_path: Path) -> None:
    """Without a cooperative, « Recevoir mes recommandations » was offered and answered « démarrez
    l’application avec --coop URL --token-file FICHIER »: a command line, to a member who has none."""
    client, _export = _app(tmp_path)
    home = client.get("/?lang=fr").text
    assert 'id="fetch-recommendations"' not in home
    assert ("Les recommandations viennent de la coopérative, et cette application n’est pas reliée à elle : demandez "
            "à la personne qui l’a installée") in _text(home), _text(home)[:1500]
    answer = client.post("/recommendations?lang=fr", data={"csrf": _csrf(home)})
    said = _text(answer.text)
    assert answer.status_code == 400 and "Cette application n’est pas reliée à la coopérative" in said, said[:600]
    assert "--coop" not in said and "--token-file" not in said, said[:600]


def test_each_consent_says_what_given_sends_or_allows(tmp_path: Path) -> None:
    """The one decision the member must make read « Mise en commun dans la coopérative », « Infolettres de
    la coopérative », « Recommandations » and nothing more, under a banner promising a package « sans
    nom, courriel… », while « donné » for the newsletters puts each patron's e-mail, sealed, in it."""
    client, export_id = _app(tmp_path, _rows(30))
    page = client.get(f"/exports/{export_id}?lang=fr").text
    consent = _text(re.search(r'<fieldset id="consent">(.*?)</fieldset>', page, re.S).group(1))  # type: ignore[union-attr]
    assert ("Mise en commun dans la coopérative donné : leurs achats comptent, sans leurs noms, dans les chiffres "
            "que la coopérative calcule pour tous ses membres") in consent, consent
    assert ("Infolettres de la coopérative donné : le courriel de chaque client part dans le paquet, chiffré : seul "
            "l’expéditeur des infolettres de la coopérative peut le lire") in consent, consent
    assert "Recommandations donné : la coopérative propose à chaque client les spectacles" in consent, consent
    promise = _text(re.search(r'<p class="promise"[^>]*>(.*?)</p>', page, re.S).group(1))  # type: ignore[union-attr]
    assert "sans courriel sauf ceux des clients qui ont accepté les infolettres de la coopérative, chiffrés" in promise


def test_a_french_page_never_starts_a_line_with_a_colon_or_a_closing_quote(tmp_path: Path) -> None:
    """The catalogs write « jetons : cet ordinateur » and « « Prix unitaire » » with plain spaces: the
    browser broke the home page's line before its colon, and an invoice's sentence before « » »."""
    client, export_id = _app(tmp_path, _rows(30))
    for url in ("/?lang=fr", f"/exports/{export_id}?lang=fr"):
        page = re.sub(r"<textarea.*?</textarea>", "", client.get(url).text, flags=re.S)  # what was typed, as typed
        words = html.unescape(re.sub(r"<[^>]+>", " ", page))
        breakable = re.findall(r".{0,30} [:;?!»]|« [^\s].{0,30}", words)
        assert not breakable, (url, breakable[:5])
        assert "\xa0:" in words
