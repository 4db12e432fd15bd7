"""Events whose date is written only in their name (Eventbrite's orders, a shop's product
variations): the draft reads it there, ``prepare`` dates each event from it, and reports see
real dates instead of each event's last sale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from culturecoop.analytics import refresh, run_report
from culturecoop.errors import UserError
from culturecoop.i18n import set_language
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.profile import parse_profile
from culturecoop.ingest.title_dates import date_in_text
from culturecoop.memberapp.form import describe_spec
from culturecoop.warehouse.engine import Warehouse
from real_exports import csv_text, land

HEADER = ["N° de commande", "Date de la commande", "Prénom", "Nom", "Courriel", "Quantité", "Type de billet",
          "Nom de l'événement", "Devise", "Montant total payé", "Statut de la commande"]
# (title, first purchase): Eventbrite's orders as a French venue exports them, no date column.
SHOWS = (
    ("Chansonniers du Petit Champlain — 13/02/2026", dt.datetime(2026, 1, 5, 10)),
    ("Chansonniers du Petit Champlain — 14/02/2026", dt.datetime(2026, 1, 6, 11)),
    ("Soirée jazz — ven. 6 mars 2026 à 20h30", dt.datetime(2026, 2, 1, 9)),
    ("Ciné-concert — 14/06 à 20h", dt.datetime(2026, 5, 2, 14)),  # the year from the purchases
    ("Festival d'été 12–14 juillet 2026", dt.datetime(2026, 4, 3, 15)),  # a pass: its first day
    ("Concert de Noël – 14 décembre 2026 20h30 - Adulte", dt.datetime(2026, 5, 20, 18)),
    ("Les 400 coups", dt.datetime(2026, 3, 1, 12)),  # no date written: dated by its last sale
)


def orders(shows: tuple[tuple[str, dt.datetime], ...] = SHOWS, per_show: int = 10) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for s, (title, first) in enumerate(shows):
        for i in range(per_show):
            n = s * per_show + i
            bought = first + dt.timedelta(days=i * 2, minutes=n)
            rows.append([f"1{n:05d}", bought.strftime("%Y-%m-%d %H:%M"), f"Prénom{n}", f"Nom{n}",
                         f"personne{n}@exemple.org", 1 + n % 2, ("Général", "Étudiant")[n % 2], title, "CAD",
                         f"{25 * (1 + n % 2)},00", "Confirmée"])
    return rows


def test_dates_written_in_event_names_reach_the_warehouse(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "commandes-eventbrite.csv"
    export.write_text(csv_text(HEADER, orders()), encoding="utf-8")
    draft = draft_mapping(export)
    assert draft.mapping["columns"]["event_starts_at"] == {"in_text": "Nom de l'événement"}
    assert not any("last sale" in item for item in draft.undecided)
    assert any("written in their names" in item and "13/02/2026" in item for item in draft.undecided)
    landed = land(tmp_path, keys, export, yaml.safe_load(draft.yaml_text))
    assert landed.summary.values_dropped == {}
    with Warehouse(landed.db) as warehouse:
        refresh(warehouse)
    events = {r["title"]: (r["event_day"], r["day_from_sales"]) for r in landed.rows(
        "SELECT title, event_day, day_from_sales FROM analytics_event")}
    assert events == {
        # Two evenings told apart by the date in their names only: two events.
        "Chansonniers du Petit Champlain — 13/02/2026": (dt.date(2026, 2, 13), False),
        "Chansonniers du Petit Champlain — 14/02/2026": (dt.date(2026, 2, 14), False),
        "Soirée jazz — ven. 6 mars 2026 à 20h30": (dt.date(2026, 3, 6), False),
        "Ciné-concert — 14/06 à 20h": (dt.date(2026, 6, 14), False),
        "Festival d'été 12–14 juillet 2026": (dt.date(2026, 7, 12), False),
        "Concert de Noël – 14 décembre 2026 20h30 - Adulte": (dt.date(2026, 12, 14), False),
        "Les 400 coups": (dt.date(2026, 3, 19), True),
    }
    starts = {r["title"][:12]: r["starts_at"] for r in landed.rows("SELECT title, starts_at FROM event")}
    assert starts["Soirée jazz "] == dt.datetime(2026, 3, 6, 20, 30)
    assert starts["Ciné-concert"] == dt.datetime(2026, 6, 14, 20, 0)
    # The member's Sales pace tab: the next show after 10 June is the ciné-concert of the 14th.
    with Warehouse(landed.db) as warehouse:
        pace = run_report("pace", warehouse, "m1", {"from": "2026-01-01", "to": "2026-06-10"})
    assert (pace.summary["title"], pace.summary["event_day"]) == ("Ciné-concert — 14/06 à 20h", "2026-06-14")


@pytest.mark.parametrize(("text", "day_first", "read"), [
    ("Chansonniers du Petit Champlain — 13/02/2026", True, (2026, 2, 13, 0, 0)),
    ("Concert de Noël – 14 décembre 2026 20h30 - Adulte", True, (2026, 12, 14, 20, 30)),
    ("Sat 14 Jun 2026 8pm", True, (2026, 6, 14, 20, 0)),
    ("Samstag, 14. Juni 2026, 20 Uhr", True, (2026, 6, 14, 20, 0)),
    ("sábado 14 de junio de 2026", True, (2026, 6, 14, 0, 0)),
    ("sabato 14 giugno 2026 ore 21", True, (2026, 6, 14, 21, 0)),
    ("za 14 juni 2026 20:30 uur", True, (2026, 6, 14, 20, 30)),
    ("14/06 à 20h", True, (None, 6, 14, 20, 0)),
    ("Comedy Gala (Sat 21 Mar, 7:30pm) - Adult", True, (None, 3, 21, 19, 30)),
    ("mar. 20 octobre 2026", True, (2026, 10, 20, 0, 0)),  # a Tuesday, not the 20th of March
    ("Festival 12–14 juillet 2026", True, (2026, 7, 12, 0, 0)),
    ("05/06/2026 20:00", True, (2026, 6, 5, 20, 0)),
    ("05/06/2026 20:00", False, (2026, 5, 6, 20, 0)),  # month first, as the export's other dates
    ("13/02/2026", False, (2026, 2, 13, 0, 0)),  # no 13th month: day first whatever the export
    # A number of the title's before the date is no first day of a range.
    ("Symphonie n° 9 – 14 juin 2026 20h", True, (2026, 6, 14, 20, 0)),
    ("Sonate Op. 27 – 15 juin 2026", True, (2026, 6, 15, 0, 0)),
    ("Suite BWV 1007 – 3 mai", True, (None, 5, 3, 0, 0)),
    ("Symphonie N°9 - 14/06/2026 20:00", True, (2026, 6, 14, 20, 0)),
    ("Festival 27 – 15 juin 2026", True, (2026, 6, 15, 0, 0)),  # a range goes forwards
])
def test_a_date_in_a_name_is_read(text: str, day_first: bool, read: tuple[int | None, int, int, int, int]) -> None:
    found = date_in_text(text, day_first)
    assert found is not None and (found.year, found.month, found.day, found.hour, found.minute) == read


@pytest.mark.parametrize("text", [
    "Symphonie n° 9", "2001, l'odyssée de l'espace", "Orwell 1984", "Les 400 coups", "Top 50", "20h30",
    "Infos : 514-555-1234", "06 12 34 56 78", "06.12.34.56.78", "Prix 25,00 €", "12.50 $", "Demi-tarif 1/2",
    "Winter Gala 2026", "Best 3 out of 5", "DJ Set 2", "Mai 68",
])
def test_numbers_that_are_no_date_are_not_read_as_one(text: str) -> None:
    assert date_in_text(text, True) is None and date_in_text(text, False) is None


def test_names_without_dates_leave_the_start_to_the_sales(tmp_path: Path, keys: Path) -> None:
    shows = tuple((title, dt.datetime(2026, 3, 1, 12)) for title in (
        "Symphonie n° 9", "2001, l'odyssée de l'espace", "Orwell 1984", "Top 50 — 12,50 $"))
    export = tmp_path / "commandes.csv"
    export.write_text(csv_text(HEADER, orders(shows)), encoding="utf-8")
    draft = draft_mapping(export)
    assert "event_starts_at" not in draft.mapping["columns"]
    assert any("last sale" in item for item in draft.undecided)
    # Told by hand to read the names, prepare reads no date in them and counts none as unreadable.
    mapping = {**yaml.safe_load(draft.yaml_text)}
    mapping["columns"]["event_starts_at"] = {"in_text": "Nom de l'événement"}
    landed = land(tmp_path, keys, export, mapping)
    assert landed.summary.values_dropped == {}
    assert [r["starts_at"] for r in landed.rows("SELECT starts_at FROM event")] == [None] * 4


def test_a_date_column_empty_on_some_rows_is_completed_from_the_names(tmp_path: Path, keys: Path) -> None:
    rows = orders(SHOWS[:3])
    header = [*HEADER, "Date de l'événement"]
    # The first show's rows give its date in the column; the others leave it empty.
    rows = [[*r, "2026-02-13 19:30" if r[7] == SHOWS[0][0] else ""] for r in rows]
    export = tmp_path / "commandes.csv"
    export.write_text(csv_text(header, rows), encoding="utf-8")
    draft = draft_mapping(export)
    assert draft.mapping["columns"]["event_starts_at"] == {"column": "Date de l'événement",
                                                           "in_text": "Nom de l'événement"}
    landed = land(tmp_path, keys, export, yaml.safe_load(draft.yaml_text))
    starts = {r["title"]: r["starts_at"] for r in landed.rows("SELECT title, starts_at FROM event")}
    assert starts == {SHOWS[0][0]: dt.datetime(2026, 2, 13, 19, 30), SHOWS[1][0]: dt.datetime(2026, 2, 14),
                      SHOWS[2][0]: dt.datetime(2026, 3, 6, 20, 30)}


def test_the_draft_says_it_in_french(tmp_path: Path) -> None:
    export = tmp_path / "commandes.csv"
    export.write_text(csv_text(HEADER, orders()), encoding="utf-8")
    set_language("fr")
    try:
        draft = draft_mapping(export)
    finally:
        set_language("en")
    said = [item for item in draft.undecided if "13/02/2026" in item]
    assert said and said[0].startswith("La date des événements est écrite dans leur nom (« Chansonniers")
    assert "la coopérative la lira de là" in said[0]
    line = draft.yaml_text.split("event_starts_at:")[1].splitlines()[0]
    assert "# À VÉRIFIER : la date est écrite dans Nom de l'événement (« Chansonniers" in line


def test_in_text_is_for_the_events_start_only() -> None:
    text = "name: x\nformat: csv\ncolumns:\n  purchased_at: {in_text: Event}\n"
    with pytest.raises(UserError, match="only event_starts_at can be read in_text"):
        parse_profile(text, source="x.yaml")


def test_the_member_app_shows_where_the_start_is_read() -> None:
    set_language("fr")
    try:
        alone = describe_spec({"in_text": "Nom de l'événement"})
        after = describe_spec({"column": "Date", "in_text": ["Nom", "Tarif"]})
    finally:
        set_language("en")
    assert alone == "la date écrite dans Nom de l'événement"
    assert after == "Date, sinon la date écrite dans Nom, Tarif"


def test_a_name_column_whose_names_hold_dates_in_words_is_still_the_event(tmp_path: Path) -> None:
    # « Jazz in de Kelder – za 14 maart 2026 20:30 » holds a day, a month word and a year: the whole
    # column was taken for dates, so neither the event nor its title was mapped (every ticket one event
    # named after the file). A name with words of its own besides its date is a name.
    header = ["Bestelnummer", "Besteldatum", "Voornaam", "Achternaam", "E-mailadres", "Evenement", "Aantal", "Prijs",
              "Status"]
    shows = ("Jazz in de Kelder – za 14 maart 2026 20:30", "Cabaret: Hans Teeuwen – vr 3 april 2026 20:15",
             "Kindervoorstelling – zo 19 april 2026 14:00")
    rows = [[f"NL{1000 + k}", f"{1 + k % 28:02d}-02-2026 19:{k % 60:02d}", "Sanne", "de Vries", f"sanne{k}@voorbeeld.nl",
             shows[k % 3], 1, "€ 22,50", "Betaald"] for k in range(30)]
    export = tmp_path / "bestellingen.csv"
    export.write_text(csv_text(header, rows, delimiter=";"), encoding="utf-8")
    columns = draft_mapping(export).mapping["columns"]
    assert (columns["event_id"], columns["event_title"], columns["event_starts_at"]) == (
        "Evenement", "Evenement", {"in_text": "Evenement"})


def test_a_portuguese_orders_export_with_its_dates_in_the_shows_names(tmp_path: Path) -> None:
    # Portugal's « Nº encomenda » (the order) was no word the draft knew: each row was taken for an
    # order of its own. The show's date, written in Portuguese in its name, is read there.
    header = ["Nº encomenda", "Data da compra", "Nome", "Apelido", "Email", "Telemóvel", "Código postal", "Espetáculo",
              "Quantidade", "Preço", "Estado"]
    shows = ("Fado na Casa – sábado, 14 de março de 2026 às 21h30", "Concerto de Primavera – 3 abril 2026 21:00")
    rows = [[f"E{1000 + k // 2}", f"{1 + k % 28:02d}/02/2026 19:{k % 60:02d}", "Rita", "Silva", f"rita{k}@mail.example",
             f"91{k % 10} 234 567", "1000-001", shows[k % 2], 1, "15,00 €", "Pago"] for k in range(30)]
    export = tmp_path / "encomendas.csv"
    export.write_text(csv_text(header, rows, delimiter=";"), encoding="utf-8")
    columns = draft_mapping(export).mapping["columns"]
    assert (columns["order_id"], columns["event_title"], columns["event_starts_at"]) == (
        "Nº encomenda", "Espetáculo", {"in_text": "Espetáculo"})
    assert date_in_text(shows[0], day_first=True) is not None
