"""A list of patrons from the cooperative (their tokens), dropped in the member app by a marketing
manager without a terminal: back come the member's own customer ids, e-mails and names from the
export kept on this computer, with how many were found and why the others were not; the list itself
is not kept, and another member's patrons never map to anyone.

The lists are written as the dashboard's Segments tab writes them (« Jeton du client », then one
token a line); ``tests/test_reco.py`` drops one downloaded from the real route."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest

from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.encodings import member_id_tokens
from culturecoop.privacy.keys import init_keys, load_member_keys
from memberapp.pages import csrf as _csrf
from memberapp.pages import section
from memberapp.pages import text as _text
from web.conftest import TestClient

MEMBER = "theatre-lilas"
OTHER = "jazz-dieze"
HEADER = "No client;Courriel;Prénom;Nom;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut\n"
FIRST = ("Marie", "Jean", "Louise", "Paul", "Sophie", "Luc", "Chantal")
LAST = ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard")


def _name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"


def _export(n: int) -> str:
    """``n`` patrons' sales, as a Québec box office writes them, each with an e-mail and a name."""
    return HEADER + "".join(
        f"C{i};p{i}@exemple.test;{_name(i).replace(' ', ';')};11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;"
        "46,50 $;1;Payé\n" for i in range(n))


def _segment_list(tokens: list[str], language: str = "fr") -> bytes:
    """A segment's list as the dashboard downloads it (UTF-8 signature, one token a line)."""
    header = "Jeton du client" if language == "fr" else "Patron token"
    return ("\ufeff" + "\r\n".join([header, *tokens]) + "\r\n").encode("utf-8")


@pytest.fixture
def member_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, bytes, Path]:
    """The member app with the member's export of 40 patrons kept; the process's temporary folder
    inside ``tmp_path`` (to look for what a drop leaves there)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    init_keys(tmp_path / "keys")
    Workspace(tmp_path / "work").add("ventes.csv", io.BytesIO(_export(40).encode("utf-8")), "2026-11-30T10:05:00")
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=8765, member_id=MEMBER))
    return TestClient(app, base_url="http://127.0.0.1:8765"), load_member_keys(tmp_path / "keys").linkage_secret, tmp_path


def _drop(client: TestClient, data: bytes, name: str = "jazz-dieze-reguliers-patrons.csv", lang: str = "fr") -> tuple[int, str]:
    page = client.get(f"/?lang={lang}").text
    answer = client.post("/patron-list", data={"csrf": _csrf(page)}, files={"file": (name, data, "text/csv")})
    return answer.status_code, answer.text


def _tokens(ids: list[str], member: str, secret: bytes) -> list[str]:
    return [t for t in member_id_tokens(ids, member, secret) if t]


def test_a_segments_list_comes_back_with_the_members_own_ids_e_mails_and_names(member_app: tuple[TestClient, bytes, Path]) -> None:
    client, secret, _tmp = member_app
    ids = [f"C{i}" for i in range(0, 58, 2)]  # 29 patrons, of whom C40 to C56 are in no export kept here
    status, page = _drop(client, _segment_list(_tokens(ids, MEMBER, secret)))
    assert status == 200, page[:800]
    said = section(page, "patron-list")
    found = [i for i in ids if int(i[1:]) < 40]
    assert len(found) == 20
    assert "La liste jazz-dieze-reguliers-patrons.csv compte 29 clients." in said, said
    assert "Retrouvés dans les exports gardés sur cet ordinateur : 20 (ventes.csv)." in said, said
    assert "Non retrouvés : 9." in said and "a été supprimé, a été préparé sur un autre ordinateur" in said, said
    listed = client.get("/patron-list.csv")
    assert listed.status_code == 200 and "vos-clients.csv" in listed.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert rows[0] == ["Votre identifiant client", "Courriel", "Nom"]
    assert rows[1:] == [[i, f"p{i[1:]}@exemple.test", _name(int(i[1:]))] if i in found else ["", "", ""]
                        for i in ids]


def test_the_list_reads_in_english_and_a_patrons_recommendations_keep_their_events(member_app: tuple[TestClient, bytes, Path]) -> None:
    """A `reco patrons` list (its events beside each token) comes back with its events, in English."""
    client, secret, _tmp = member_app
    token = _tokens(["C3"], MEMBER, secret)[0]
    listed = f"Patron token,Rank,Member,Event,Title,Starts\n{token},1,{MEMBER},ev-1,Soirée Coltrane,2026-05-20 20:00\n"
    status, page = _drop(client, listed.encode(), "recommendations.csv", lang="en")
    assert status == 200, page[:800]
    assert "Found in the exports kept on this computer: 1 (ventes.csv)." in section(page, "patron-list")
    rows = list(csv.reader(io.StringIO(client.get("/patron-list.csv?lang=en").content.decode("utf-8-sig"))))
    assert rows == [["Your customer id", "E-mail", "Name", "Rank", "Member", "Event", "Title", "Starts"],
                    ["C3", "p3@exemple.test", _name(3), "1", MEMBER, "ev-1", "Soirée Coltrane", "2026-05-20 20:00"]]


def test_a_file_that_is_no_list_of_tokens_says_what_to_drop_instead(member_app: tuple[TestClient, bytes, Path]) -> None:
    client, _secret, _tmp = member_app
    status, page = _drop(client, _export(3).encode("utf-8"), "ventes.csv")
    assert status == 400
    assert ("Le fichier ventes.csv n’est pas une liste de clients de la coopérative (il n’a pas de colonne « Jeton "
            "du client ») : déposez ici une liste téléchargée du tableau de bord") in _text(page), _text(page)[:1500]
    status, page = _drop(client, b"\x89PNG\r\n\x1a\n\x00\x00", "logo.png")
    assert status == 400 and "n’est pas une liste de clients de la coopérative" in page


def test_another_members_patrons_never_map_to_anyone(member_app: tuple[TestClient, bytes, Path]) -> None:
    """Tokens are keyed per member: the same customer numbers, tokenized for another member (the
    list of a venue whose box office also numbers its customers C0, C1…), match none of this
    member's patrons, and the app says so."""
    client, secret, _tmp = member_app
    ids = [f"C{i}" for i in range(40)]
    theirs = _tokens(ids, OTHER, secret)
    assert not set(theirs) & set(_tokens(ids, MEMBER, secret))
    status, page = _drop(client, _segment_list(theirs))
    assert status == 400, page[:800]
    assert "Aucun client de la liste jazz-dieze-reguliers-patrons.csv n’est retrouvé" in page
    assert "Une liste téléchargée pour un autre membre ne compte aucun de vos clients." in page
    assert "/patron-list.csv" not in page and "p1@exemple.test" not in page
    # Mixed in a list of this member's own, they are counted as not found.
    status, page = _drop(client, _segment_list([*_tokens(["C1"], MEMBER, secret), *theirs[:5]]))
    assert status == 200 and "Non retrouvés : 5." in section(page, "patron-list")


def test_nothing_of_the_list_is_left_on_this_computer(member_app: tuple[TestClient, bytes, Path]) -> None:
    client, secret, tmp_path = member_app
    tokens = _tokens([f"C{i}" for i in range(40)], MEMBER, secret)
    # Large enough that the server spools the upload to a file rather than memory.
    padded = _segment_list(tokens) + b"\r\n" * 2_000_000
    status, page = _drop(client, padded)
    assert status == 200, page[:800]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(t.encode() in content for t in tokens), path
    assert not list((tmp_path / "tmp").iterdir())
