"""The Target audience tab's cross offers for a small member: every cell reads "< 10", and a
sentence above the table says why (the gate's threshold, how few of its patrons can be counted,
no upcoming event) and what would open them; a member whose table has figures reads no such note."""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import pytest

from culturecoop.governance.accounts import create_account
from culturecoop.ingest.load import ingest
from culturecoop.ingest.package import MemberInfo, write_package
from culturecoop.warehouse.engine import Warehouse
from packages import build_tables
from web.conftest import MEMBERS, PASSWORD, Coop, add_reco, build_coop, login, new_client, page_csrf

SMALL = "salle-lilas"
A = MEMBERS["A"]


def small_package(out: Path) -> Path:
    """Ten patrons, four of whom agreed to personalized suggestions, and two shows already past."""
    tables = build_tables(SMALL, 40)
    con = duckdb.connect()
    con.register("event_in", tables["event"])
    con.register("consent_in", tables["consent"])
    tables["event"] = con.sql("SELECT * REPLACE (TIMESTAMP '2025-06-01 20:00' AS starts_at) FROM event_in").to_arrow_table()
    tables["consent"] = con.sql(
        "SELECT * REPLACE (granted AND (purpose <> 'personalization' OR member_patron_id IN (md5('P0'), md5('P1'), md5('P2'), md5('P3'))) AS granted) "
        "FROM consent_in").to_arrow_table()
    n = tables["ticket"].num_rows
    write_package(out, tables, member=MemberInfo(SMALL, "Salle des Lilas", "theatre", "Montréal"), profile="canonical",
                  rows={"in": n, "accepted": n, "rejected": 0}, source_name="test.csv")
    return out


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    folder = tmp_path_factory.mktemp("coop")
    built = build_coop(folder)
    ingest(small_package(folder / "pkg-small"), built.db)
    add_reco(built, folder)
    with Warehouse(built.db) as w:
        create_account(w, email="analyst@lilas.test", password=PASSWORD, role="member_analyst", member_id=SMALL,
                       display_name="Analyst Lilas", language="fr")
    built.emails["small"] = "analyst@lilas.test"
    return built


def cross_section(page: str) -> tuple[str, list[str]]:
    """The note above the cross offers (as read) and the partners' cells."""
    section = re.findall(r'<section class="block" id="cross">.*?</section>', page, re.S)[0]
    note = re.findall(r'<p class="notice" role="status" id="cross-hidden">(.*?)</p>', section, re.S)
    cells = re.findall(r'<td class="num">([^<]*)</td>', section)
    return html.unescape(note[0]) if note else "", [html.unescape(c) for c in cells]


def test_a_small_member_reads_why_its_cross_offers_are_hidden_and_what_opens_them(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["small"])
        french = c.get(f"/m/{SMALL}/target")
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c)})
        english = c.get(f"/m/{SMALL}/target")
    note, cells = cross_section(french.text)
    # Each direction: the count, "< 10", and its ratio to chance, "–" (a ratio hidden with its count).
    assert cells and set(cells[0::2]) == {"< 10"} and set(cells[1::2]) == {"–"}, cells
    # French typography: a no-break space inside « » and before : and ;.
    assert note.startswith("Les cellules indiquent «\u00a0< 10\u00a0»\u00a0: la barrière de confidentialité ne montre un "
                           "nombre de personnes qu’à partir de 10."), note
    assert "Moins de 10 de vos clients peuvent être comptés\u00a0:" in note
    assert "(dans vos données, 4 de vos 10 clients)" in note
    assert "enregistrez ce consentement dans votre prochain export" in note
    assert "Vous n’avez chargé aucun événement à venir\u00a0:" in note and "chargez votre programmation ci-dessus" in note
    note, cells = cross_section(english.text)
    assert set(cells[0::2]) == {"< 10"} and set(cells[1::2]) == {"–"}, cells
    assert note.startswith("Cells read “< 10”: the privacy gate shows a number of people only from 10 up."), note
    assert "(in your data, 4 of your 10 patrons)" in note and "record that consent in your next export" in note
    assert "You have no upcoming event loaded" in note


def test_a_member_whose_cross_offers_have_figures_reads_no_such_note(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/target")
    note, cells = cross_section(page.text)
    assert any(c[:1].isdigit() for c in cells[0::2]) and note == "", (note, cells)
