"""Hand-kept and group bookings read as the venue means them.

A list kept by hand ticks « Payé » for the bookings paid; a group's size is written in its tariff
(« Groupe scolaire 25 pers. ») with no column of seats. Each test drafts the mapping and prepares the
export as a member does (in process), and checks the seats and sales the package holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_adversarial_exports_5 import _draft, _prepare
from test_adversarial_exports_6 import _tickets

HANDKEPT = Path(__file__).parent / "fixtures" / "exports" / "handkept"
SWEEP = Path(__file__).parent / "fixtures" / "exports" / "sweep8"


# « Payé » ticked (« x ») or left empty in a list kept by hand: the 4 seats never paid (an empty box) were
# counted as sold. They are cancelled, out of sales and admissions, and prepare says how many.
@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "4 billets n’ont jamais été payés"), ("en", "4 tickets were never paid")])
def test_an_unticked_paid_box_is_no_sale(lang: str, said: str, tmp_path: Path, keys: Path,
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = HANDKEPT / "reservations-paye-coche.csv"
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, lang)
    assert draft["mapping"]["columns"]["status"] == "Payé", draft["mapping"]["columns"]
    code, summary, told = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, lang)
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (8, 8), told
    assert said in told, told
    assert _tickets(tmp_path, "SELECT status, count(*), sum(quantity), sum(quantity * unit_price) FROM t "
                              "GROUP BY ALL ORDER BY ALL") == [("cancelled", 2, 4, 60), ("sold", 6, 13, 195)]


# A group's size written only in its tariff (« Groupe scolaire 25 pers. », « Classe de CM2 (28 élèves) », "Group of
# 10"), with no column of seats: 65 seats were counted as 3, each group one admission at its whole amount. The
# seats are read in the text, and the group's amount, its total, divided by them; whether the header names a total
# (« Total ») or not (« Prix »: the rows say it, a group's amount per seat near one seat's).
@pytest.mark.parametrize(("header", "tariffs"), [
    ("Total", {}),
    ("Prix", {"Groupe scolaire 28 pers.": "Classe de CM2 (28 élèves)", "Groupe 12 pers.": "Group of 12"})],
    ids=["total", "price-and-other-words"])
def test_a_groups_size_in_its_tariff_is_its_seats(header: str, tariffs: dict[str, str], tmp_path: Path, keys: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    text = (SWEEP / "reservations-groupes-sans-quantite.csv").read_text(encoding="utf-8")
    text = text.replace(";Total\n", f";{header}\n")
    for french, other in tariffs.items():
        text = text.replace(f";{french};", f";{other};")
    export = tmp_path / "reservations.csv"
    export.write_text(text, encoding="utf-8")
    draft, mapping = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["columns"]["quantity"] == {"group_size": "Tarif"}, draft["mapping"]["columns"]
    code, summary, told = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (6, 6), told
    assert _tickets(tmp_path, "SELECT quantity, unit_price FROM t ORDER BY ALL") == [
        (1, 12), (1, 24), (1, 27), (12, 8), (25, 6), (28, 6)]


def test_a_groups_size_is_read_alike_by_the_draft_and_prepare() -> None:
    """The draft (Python) and prepare (DuckDB) read the same seats in a group's text; a limit (« max »), two
    numbers of people or none read one seat, never a guess."""
    import duckdb

    from culturecoop.ingest.group_sizes import group_size, group_size_sql

    texts = {"Groupe scolaire 25 pers.": 25, "Classe de CM2 (28 élèves)": 28, "Group of 10": 10,
             "Groupe 12 personnes": 12, "Atelier 10 enfants max": None,
             "Carte 10 places": None, "Abonnement 5 places": None, "Groupe 20 élèves + 3 accompagnateurs": None,
             "Plein tarif": None, "Tarif 1 personne": None, "": None}
    con = duckdb.connect()
    for text, seats in texts.items():
        assert group_size(text) == seats, text
        assert con.execute(f"SELECT {group_size_sql('?')}", [text or None]).fetchone() == (str(seats or 1),), text
