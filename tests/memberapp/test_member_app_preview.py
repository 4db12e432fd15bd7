"""The member app's first rows of an export, as the cooperative will read them: what venue staff
check a mapping against. Times, amounts, quantities and statuses in the reader's words, with the
export's own text beneath when it differs; a value the mapping cannot read stands out, and a row
that would be set aside says why. A wrong decimal mark shows as an amount a hundred times too
large, beside the text it came from."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from web.conftest import TestClient

# A small French box office's export: decimal commas, day-first dates, a status in French.
EXPORT = """No billet;No client;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut
B1;C1;ana@exemple.test;11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;45,75;1;Payé
B2;C2;bob@exemple.test;12/01/2026 09:05;S1;Soirée Coltrane;20/05/2026 20:00;30,00;2;Remboursé
B3;C3;cyd@exemple.test;le 13 au soir;S1;Soirée Coltrane;20/05/2026 20:00;45,75;1;Payé
"""


def _page(tmp_path: Path, export_text: str, language: str = "fr") -> tuple[TestClient, str, str]:
    work = tmp_path / "work"
    init_keys(tmp_path / "keys")
    export = Workspace(work).add("ventes.csv", io.BytesIO(export_text.encode("utf-8")), "2026-11-30T10:00:00")
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=work, port=8765, member_id="theatre-lilas"))
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    page = client.get(f"/exports/{export.export_id}?lang={language}")
    assert page.status_code == 200, page.text[:600]
    return client, export.export_id, page.text


def _preview(page: str) -> list[list[str]]:
    """The preview's cells as a reader sees them (a cell's reading, then the export's text)."""
    table = re.search(r'<table class="list preview">(.*?)</table>', page, re.S)
    assert table, "no preview of the first rows"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


def test_the_first_rows_read_as_the_cooperative_reads_them(tmp_path: Path) -> None:
    _client, _export_id, page = _page(tmp_path, EXPORT)
    rows = _preview(page)
    header, first, second, third = rows[0], rows[1], rows[2], rows[3]
    column = {name: i for i, name in enumerate(header)}
    assert "Les premières lignes, telles que la coopérative les lira" in html.unescape(page)
    price = next(i for name, i in column.items() if name.startswith("Prix"))
    bought = column["Date et heure d’achat"]
    status = column["Statut du billet"]
    # Read, in French, with what the export wrote beneath.
    assert first[price] == "45,75 $ 45,75", first[price]
    assert first[bought] == "11 janv. 2026 à 16 h 47 11/01/2026 16:47", first[bought]
    assert first[status] == "billet vendu Payé" and second[status] == "billet remboursé Remboursé", (first, second)
    # The quantity is read as it is written: nothing beneath.
    assert second[column["Quantité"]] == "2"
    # A time the mapping cannot read stands out, and the row says why it would be set aside.
    assert re.search(r'<td class="unread" title="Non lue avec ce mappage">le 13 au soir</td>', page)
    # In the words the check, the CLI and the dashboard use (not « hors des formats de date du profil »).
    assert third[-1] == "heure d’achat manquante ou illisible", third
    assert header[-1] == "Mise de côté car" and first[-1] == "" and second[-1] == ""


def test_amounts_in_cents_read_with_the_wrong_scale_show_as_such(tmp_path: Path) -> None:
    """Payment platforms write amounts in cents (4575 for 45,75 $): read with the wrong scale, the
    preview shows 4 575,00 $ beside "4575", and the right scale shows 45,75 $."""
    cents = EXPORT.replace(";45,75;", ";4575;").replace(";30,00;", ";3000;")
    client, export_id, page = _page(tmp_path, cents)

    def price_read_with(scale: str) -> str:
        text = html.unescape(re.search(r'<textarea[^>]*name="yaml"[^>]*>(.*?)</textarea>', page, re.S).group(1))  # type: ignore[union-attr]
        text = re.sub(r"^amount_scale:.*$", f"amount_scale: {scale}", text, flags=re.M)
        csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
        saved = client.post(f"/exports/{export_id}/mapping", data={"csrf": csrf, "action": "yaml", "yaml": text})
        assert saved.status_code in (200, 303), saved.text[:600]
        rows = _preview(client.get(f"/exports/{export_id}?lang=fr").text)
        return rows[1][next(i for i, name in enumerate(rows[0]) if name.startswith("Prix"))]

    assert price_read_with("1") == "4 575,00 $ 4575"  # spaces as read (thin ones made plain)
    assert price_read_with("0.01") == "45,75 $ 4575"


def test_the_preview_reads_in_english_too(tmp_path: Path) -> None:
    _client, _export_id, page = _page(tmp_path, EXPORT, "en")
    rows = _preview(page)
    column = {name: i for i, name in enumerate(rows[0])}
    assert "The first rows, as the cooperative will read them" in page
    assert rows[1][column["Purchase date and time"]] == "Jan 11, 2026, 4:47 p.m. 11/01/2026 16:47", rows[1]
    assert rows[1][column["Ticket status"]] == "sold ticket Payé"
    assert rows[1][next(i for i, name in enumerate(rows[0]) if name.startswith("Price"))] == "$45.75 45,75"


def test_a_lines_total_reads_as_the_price_of_one_ticket(tmp_path: Path) -> None:
    """An export whose amount is the whole line's (two seats, 91,50): read as 45,75 $ a ticket."""
    total = EXPORT.replace("Prix;Qté", "Montant total;Qté").replace(";30,00;2;", ";91,50;2;")
    _client, _export_id, page = _page(tmp_path, total)
    rows = _preview(page)
    column = next(i for i, name in enumerate(rows[0]) if name.startswith("Prix de toute la ligne"))
    assert rows[2][column] == "45,75 $ par billet 91,50", rows[2]

