"""What the member app's reader reads when the export or the mapping is wrong: fields named as the
form names them (never with their mapping key, « (purchased_at) », which names nothing on the page),
reasons in words (never a rule's code such as ``bad_purchased_at``), actions the page offers (its box, its form), never « relancez prepare »
alone nor the file name mapping.yaml; and no « Préparer le paquet » when nothing can be prepared."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest

from culturecoop.i18n import set_language
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from memberapp.pages import csrf as _csrf
from memberapp.pages import section
from memberapp.pages import text as _text
from web.conftest import TestClient

ATTENDEES = (Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "vendors"
             / "le-cabaret-des-possibles-attendees-2026-03-12.csv")
HEADER = "No billet;No client;Courriel;Nom;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut\n"


def _rows(n: int, status: str = "Payé", odd: int = 0) -> str:
    return HEADER + "".join(
        f"B{i};C{i};p{i}@exemple.test;Fortin;11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;46,50 $;1;"
        f"{'Zorglub' if i < odd else status}\n" for i in range(n))


def _app(tmp_path: Path, name: str, data: bytes, lang: str = "fr") -> tuple[TestClient, str]:
    init_keys(tmp_path / "keys")
    set_language(lang)  # the app drafts in the language of the page the file was dropped on
    export = Workspace(tmp_path / "work").add(name, io.BytesIO(data), "2026-11-30T10:05:00")
    set_language(None)
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=8765, member_id="m1"))
    return TestClient(app, base_url="http://127.0.0.1:8765"), export.export_id


@pytest.mark.parametrize(("lang", "first", "field", "prepare"), [
    ("fr", "Exportez plutôt le rapport des ventes ou des commandes de votre billetterie",
     "« Date et heure d’achat »", "Préparer le paquet"),
    ("en", "Export your ticketing's sales or orders report instead",
     "“Purchase date and time”", "Prepare the package"),
])
def test_an_attendee_list_says_what_to_export_and_offers_no_package(
        tmp_path: Path, lang: str, first: str, field: str, prepare: str) -> None:
    """Eventbrite's attendee summary: the page opened on « La correspondance mapping.yaml n’est pas
    valide … relancez prepare » and still offered « Préparer le paquet »."""
    client, export_id = _app(tmp_path, ATTENDEES.name, ATTENDEES.read_bytes(), lang)
    page = client.get(f"/exports/{export_id}?lang={lang}").text
    check = section(page, "check")
    heading = "Comment l’export se lit avec ce mappage" if lang == "fr" else "How the export reads with this mapping"
    assert check.startswith(f"{heading} {first}"), check[:400]
    assert field in check, check[:600]
    assert check.count(first) == 1, check  # the draft's own question says it too: once is enough
    said = _text(page)
    assert prepare not in said and 'id="prepare"' not in page, said[-600:]
    for word in ("mapping.yaml", "relancez", "run prepare", "purchased_at"):
        assert word not in said, (word, said[:800])


def test_no_row_accepted_is_said_with_the_forms_words(tmp_path: Path) -> None:
    """The purchase date mapped to the surname: « 35 lignes sur 35 échouent à la règle
    bad_purchased_at sur Nom … ajoutez … à `datetime_formats` … ou associez purchased_at »."""
    client, export_id = _app(tmp_path, "ventes.csv", _rows(30).encode())
    page = client.get(f"/exports/{export_id}?lang=fr").text
    wrong = re.sub(r"^  purchased_at:.*$", "  purchased_at: Nom",
                   html.unescape(re.search(r'name="yaml"[^>]*>(.*?)</textarea>', page, re.S).group(1)),  # type: ignore[union-attr]
                   flags=re.M)
    client.post(f"/exports/{export_id}/mapping", data={"csrf": _csrf(page), "action": "yaml", "yaml": wrong})
    check = section(client.get(f"/exports/{export_id}?lang=fr").text, "check")
    assert "Aucune ligne n’a été acceptée" in check, check
    assert "(heure d’achat manquante ou illisible)" in check, check
    assert "dans la colonne Nom choisie pour « Date et heure d’achat »" in check, check
    assert "« Formats de date et d’heure »" in check, check
    assert "purchased_at" not in check and "datetime_formats" not in check, check
    assert "bad_" not in check and "règle" not in check and "associez" not in check, check


def test_many_rows_of_one_reason_name_the_pages_box(tmp_path: Path) -> None:
    """An unknown status on a third of the rows: the check told to « relancez prepare avec
    --max-reject-share 1 », an option the app shows as a box; it names the box, in its words."""
    client, export_id = _app(tmp_path, "ventes.csv", _rows(30, odd=12).encode())
    page = client.get(f"/exports/{export_id}?lang=fr").text
    check = section(page, "check")
    box = re.search(r'name="quarantine_anyway">\s*([^<]+?)\s*</label>', page)
    assert box, page[-1500:]
    assert f"cochez « {html.unescape(box.group(1))} »" in check, check
    assert "(statut de billet inconnu)" in check, check
    assert "bad_status" not in check and "règle" not in check, check


def test_a_mapping_that_cannot_be_read_is_said_without_the_file_or_the_command(tmp_path: Path) -> None:
    """A slip in the YAML box read « La correspondance mapping.yaml n’est pas valide : … ; corrigez-la
    et relancez prepare. »: no file of that name for this reader, and no command to run."""
    client, export_id = _app(tmp_path, "ventes.csv", _rows(3).encode())
    page = client.get(f"/exports/{export_id}?lang=fr").text
    answer = client.post(f"/exports/{export_id}/mapping",
                         data={"csrf": _csrf(page), "action": "yaml", "yaml": "columns: [\n  oops"})
    assert answer.status_code == 400
    said = _text(answer.text)
    assert "Ce mappage ne peut pas servir : ce n’est pas du YAML bien formé" in said, said[:800]
    assert "mapping.yaml" not in said and "relancez prepare" not in said, said[:800]


def test_rows_set_aside_anyway_are_said_once_prepared_and_downloaded_in_french(tmp_path: Path) -> None:
    """The check named the box, then « (ou relancez prepare avec --max-reject-share 1) »; once the
    package was prepared with the box ticked, the check above it still read in red « Rien n’a été
    écrit »; and the rejected rows came as « ventes-rejects.csv » with the columns line, reasons
    (rule codes), raw_line, and no signature, so Excel showed « Ã© » for « é »."""
    client, export_id = _app(tmp_path, "ventes.csv", _rows(30, odd=12).encode())
    page = client.get(f"/exports/{export_id}?lang=fr").text
    check = section(page, "check")
    assert "--max-reject-share" not in check and "relancez prepare" not in check, check
    assert "au-dessus du bouton « Préparer le paquet »" in check, check
    prepared = client.post(f"/exports/{export_id}/prepare?lang=fr", data={"csrf": _csrf(page), "quarantine_anyway": "on"})
    assert prepared.status_code == 200, _text(prepared.text)[:600]
    check = section(prepared.text, "check")
    assert "Rien n’a été écrit" not in check and "30 lignes lues : 18 lignes acceptées, 12 lignes rejetées." in check, check
    rejects = client.get(f"/exports/{export_id}/rejects.csv?lang=fr")
    assert rejects.status_code == 200
    assert "ventes-lignes-rejetees.csv" in rejects.headers["content-disposition"], rejects.headers
    assert rejects.content.startswith("\ufeff".encode()), rejects.content[:40]
    lines = rejects.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "ligne,explication,ligne telle qu’exportée", lines[0]
    assert len(lines) == 13 and "bad_status" not in rejects.content.decode("utf-8-sig"), lines[:3]
    assert "statut de billet inconnu" in lines[1] and "Zorglub" in lines[1], lines[1]
