"""Exports as small French and Québec venues keep them: drafted, then prepared, read right.

Each file here is a kind of list a venue brings without a vendor's report behind it (a group
booking sheet with a column per ticket type, a price column that says « Gratuit -12 ans », a
journal of operations dated twice, a list with a landline and a mobile, a payer buying for a
child). Each test drafts the mapping as `mapping draft` does, prepares the package with it, and
checks what lands: seats, amounts, dates and whose record a name goes on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from culturecoop.errors import UserError
from culturecoop.ingest.draft import Draft, draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import load_profile
from test_prepare_support import read_table, tid

TODAY = dt.date(2026, 12, 5)


def _csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _drafted_and_prepared(export: Path, keys: Path, tmp_path: Path) -> tuple[Draft, PrepareSummary, Path]:
    draft = draft_mapping(export)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(draft.yaml_text, encoding="utf-8")
    out = tmp_path / "package"
    summary = prepare(export, member=MemberInfo("m1", "m1"), profile=load_profile(path=mapping), keys_dir=keys,
                      out=out, today=TODAY)
    return draft, summary, out


def test_a_column_per_ticket_type_counts_the_seats(keys: Path, tmp_path: Path) -> None:
    """A school-group booking sheet: « Plein tarif (12 €) », « Tarif réduit (8 €) », « Accompagnateur
    gratuit » count seats, « Total € » is what the group paid. Read one by one, the first column
    was a price of 0 to 4 euros on a single seat."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Date de réservation", "Spectacle", "Date et heure", "Contact", "Courriel",
                  "Plein tarif (12 €)", "Tarif réduit (8 €)", "Accompagnateur gratuit", "Total €"])
    groups = [(1, 0, 2), (2, 21, 2), (0, 17, 1), (4, 20, 1), (2, 6, 0), (0, 12, 3)]
    for i, (full, reduced, free) in enumerate(groups):
        sheet.append([dt.datetime(2026, 10, 1 + i), "Le Petit Prince", dt.datetime(2026, 11, 19, 14, 30),
                      f"Contact {chr(65 + i)}lpha", f"ecole{i}@exemple.fr", full, reduced, free,
                      12 * full + 8 * reduced])
    export = tmp_path / "reservations-groupes.xlsx"
    book.save(export)

    draft, summary, out = _drafted_and_prepared(export, keys, tmp_path)
    assert draft.mapping["columns"]["quantity"] == {
        "sum": ["Plein tarif (12 €)", "Tarif réduit (8 €)", "Accompagnateur gratuit"]}
    assert draft.mapping["columns"]["total_price"] == "Total €"
    assert "unit_price" not in draft.mapping["columns"]
    tickets = read_table(out, "ticket")
    assert summary.rows_accepted == len(groups) and summary.rows_rejected == 0
    assert sum(t["quantity"] for t in tickets) == sum(map(sum, groups))
    paid = sum(t["quantity"] * t["unit_price"] for t in tickets)
    assert abs(paid - sum(12 * f + 8 * r for f, r, _ in groups)) < Decimal("0.10")


def test_a_count_that_is_no_number_rejects_its_row(keys: Path, tmp_path: Path) -> None:
    """A seat count written « deux » is not counted as none: the row is set aside with what it says."""
    export = _csv(tmp_path / "groupes.csv", [
        "Date;Spectacle;Courriel;Adulte;Enfant;Total",
        *[f"0{d}/10/2026 10:00;Pinocchio;p{d}@exemple.fr;{d};2;{10 * d + 10}" for d in range(1, 9)],
        "09/10/2026 10:00;Pinocchio;p9@exemple.fr;deux;1;25",
    ])
    draft = draft_mapping(export)
    assert draft.mapping["columns"]["quantity"] == {"sum": ["Adulte", "Enfant"]}
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(draft.yaml_text, encoding="utf-8")
    summary = prepare(export, member=MemberInfo("m1", "m1"), profile=load_profile(path=mapping), keys_dir=keys,
                      out=tmp_path / "package", rejects=tmp_path / "rejects.csv", today=TODAY)
    assert (summary.rows_accepted, summary.rows_rejected) == (8, 1)
    rejected = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert "bad_quantity" in rejected and "p9@exemple.fr;deux;1;25" in rejected


def test_a_ticket_given_is_free_whatever_number_its_words_carry(keys: Path, tmp_path: Path) -> None:
    """« Gratuit -12 ans » is a free seat, not a refund of 12 euros; « Invitation 2 pers. » is
    not a 2-euro sale; « Plein tarif (15 €) » is 15 euros."""
    export = _csv(tmp_path / "reservations.csv", [
        "Date résa;Spectacle;Date spectacle;Nom;Prénom;Mail;Places;Prix",
        "02/11/2026 10:12;Le Bal des Lucioles;19/12/2026 15:00;Martin;Léa;lea.martin@orange.fr;1;15 €",
        "02/11/2026 10:13;Le Bal des Lucioles;19/12/2026 15:00;Martin;Jade;jade.martin@orange.fr;1;Gratuit -12 ans",
        "03/11/2026 18:41;Le Bal des Lucioles;19/12/2026 15:00;Roux;Zoé;zoe.roux@free.fr;1;Gratuit (moins de 12 ans)",
        "05/11/2026 09:05;Le Bal des Lucioles;19/12/2026 15:00;Petit;Anaïs;anais.petit@laposte.net;2;Invitation 2 pers.",
        "06/11/2026 09:05;Le Bal des Lucioles;19/12/2026 15:00;Simon;Noé;noe.simon@sfr.fr;1;Plein tarif (15 €)",
        "07/11/2026 09:05;Le Bal des Lucioles;19/12/2026 15:00;Blanc;Léo;leo.blanc@sfr.fr;1;10 €",
    ])
    draft, summary, out = _drafted_and_prepared(export, keys, tmp_path)
    assert draft.mapping["columns"]["unit_price"] == "Prix"
    assert summary.rows_rejected == 0
    tickets = read_table(out, "ticket")
    assert {t["status"] for t in tickets} == {"sold"}
    assert sorted(t["unit_price"] for t in tickets) == [Decimal(0)] * 3 + [Decimal(10), Decimal(15), Decimal(15)]


def test_the_operation_is_the_purchase_and_the_performance_the_show(tmp_path: Path) -> None:
    """A journal of operations: « Date opération » is when the seat was bought, « Date repr. » when
    the show is. Taken the other way round, every ticket was bought at curtain time."""
    export = _csv(tmp_path / "journal-operations.csv", [
        "Date opération;Type opération;N° commande;Spectacle;Date repr.;Qté;Montant TTC;Nom;Prénom;E-mail",
        *[f"0{d}/11/2026 08:56;Vente;SP88000{d};HK & LES SALTIMBANKS;05/12/2026 20:30;1;24,00 €;Moreau;Noé;n{d}@free.fr"
          for d in range(1, 9)],
    ], encoding="cp1252")
    columns = draft_mapping(export).mapping["columns"]
    assert columns["purchased_at"] == "Date opération"
    assert columns["event_starts_at"] == "Date repr."


def test_a_mobile_and_a_landline_both_identify_and_an_extension_is_a_phone(keys: Path, tmp_path: Path) -> None:
    """The landline column is mostly empty and the mobile filled: both are read, the mobile first,
    so no box-office buyer without an e-mail is set aside; « poste 22 » ends a Québec number."""
    rows = []
    for i in range(10):
        email = f"client{i}@exemple.ca" if i % 2 else ""
        landline = f"514 555-01{i:02d} poste 2{i}" if i % 3 == 0 else ""
        rows.append(f"0{i % 9 + 1}/11/2026 19:00;Contes;27/11/2026 19:30;Client{i};{email};{landline};"
                    f"438 555-02{i:02d};25,00 $")
    export = _csv(tmp_path / "billetterie.csv", [
        "Date d'achat;Spectacle;Date du spectacle;Nom;Courriel;Tél. fixe;Tél. mobile;Prix unitaire", *rows])
    draft, summary, out = _drafted_and_prepared(export, keys, tmp_path)
    assert draft.mapping["columns"]["phone"] == ["Tél. mobile", "Tél. fixe"]
    assert (summary.rows_accepted, summary.rows_rejected) == (10, 0)
    assert len(read_table(out, "patron")) == 10


def test_an_extension_does_not_hide_a_phone_column(tmp_path: Path) -> None:
    export = _csv(tmp_path / "salle.csv", [
        "Date;Spectacle;Nom;Téléphone;Prix",
        *[f"0{i}/11/2026;Bingo;Client {i};{'438-683-79' + str(50 + i)}{' poste 22' if i % 2 else ' #104'};10 $"
          for i in range(1, 9)],
    ])
    assert draft_mapping(export).mapping["columns"].get("phone") == "Téléphone"


def test_a_payers_email_carries_the_payers_name(keys: Path, tmp_path: Path) -> None:
    """HelloAsso writes the participant's and the payer's names and the payer's e-mail only: a
    mother buying a seat for her son keeps her own name on her record, not his."""
    export = _csv(tmp_path / "helloasso.csv", [
        "Référence commande;Date de la commande;Statut de la commande;Nom participant;Prénom participant;"
        "Nom payeur;Prénom payeur;Email payeur;Numéro de billet;Tarif;Montant tarif",
        "140000001;01/11/2026 10:00:00;Validé;Lefèvre;Jules;Lefèvre;Inès;ines.lefevre@example.fr;5002;Enfant;5,00 €",
        "140000001;01/11/2026 10:00:00;Validé;Lefèvre;Inès;Lefèvre;Inès;ines.lefevre@example.fr;5001;Plein tarif;12,00 €",
        *[f"14000001{i};0{i}/11/2026 11:00:00;Validé;Roy;{name};Roy;{name};{name.lower()}@example.fr;60{i};Plein tarif;"
          "12,00 €" for i, name in enumerate(["Eva", "Léon", "Rose", "Hugo", "Lina", "Paul", "Nina"], start=1)],
    ])
    draft, _summary, out = _drafted_and_prepared(export, keys, tmp_path)
    assert draft.mapping["columns"]["first_name"] == ["Prénom payeur", "Prénom participant"]
    ines = tid("ines.lefevre@example.fr", keys)
    records = [p for p in read_table(out, "patron") if p["member_patron_id"] == ines]
    assert len(records) == 1
    assert Counter(p["member_patron_id"] for p in read_table(out, "patron"))[ines] == 1


@pytest.mark.parametrize(("header", "field"), [
    ("Horodateur", "purchased_at"), ("Timestamp", "purchased_at"), ("Date repr.", "event_starts_at"),
])
def test_form_and_journal_dates_are_named(header: str, field: str, tmp_path: Path) -> None:
    export = _csv(tmp_path / "form.csv", [
        f"{header},Adresse e-mail,Spectacle,Nombre de places,Tarif",
        *[f"0{d}/10/2026 10:20:35,p{d}@hotmail.fr,Concert de clôture,2,Plein tarif (15 €)" for d in range(1, 9)],
    ])
    assert draft_mapping(export).mapping["columns"].get(field) == header


@pytest.mark.parametrize("status", ["Participant", "Enregistré", "Ne participe pas"])
def test_eventbrite_french_attendee_statuses_are_known(status: str, keys: Path, tmp_path: Path) -> None:
    export = _csv(tmp_path / "participants.csv", [
        "N° de commande,Date de la commande,Prénom,Nom,Adresse e-mail,Quantité,Statut du participant,Devise,"
        "Montant total payé,Nom de l'événement,ID de l'événement",
        *[f"1200000000{i},1{i}/11/2026 18:27,Ana{i},Roy,ana{i}@exemple.fr,1,{status},EUR,10.00,Slam,84123" for i in range(8)],
    ])
    _draft, summary, out = _drafted_and_prepared(export, keys, tmp_path)
    expected = "cancelled" if status.startswith("Ne") else "sold"
    assert summary.rows_rejected == 0
    assert {t["status"] for t in read_table(out, "ticket")} == {expected}


_MAILCHIMP = ("Email Address,First Name,Last Name,Address,Phone Number,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,"
              "CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS")


@pytest.mark.parametrize(("file_name", "granted"), [
    ("subscribed_members_export_a1b2c3d4e5.csv", True), ("unsubscribed_members_export_a1b2c3d4e5.csv", False)])
def test_a_newsletter_list_is_the_consent_its_name_says(file_name: str, granted: bool, keys: Path,
                                                         tmp_path: Path) -> None:
    """Mailchimp's audience exports write no status: the list is the decision. Drafted as tickets,
    its IP column was a consent and an unsubscribe campaign's title an event."""
    unsubscribed = not granted
    header = _MAILCHIMP + (",UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON" if unsubscribed else "")
    rows = [f"p{i}@orange.fr,Zoé,Dubois{chr(97 + i)},,0294735955,2,2025-02-16 02:20:25,,2025-02-16 02:23:25,"
            f"90.12.34.56,48.85,2.35,1,2,Europe/Paris,FR,IDF,2025-02-26 02:20:25,4991266{i},acd6fdbe{i},,Jazz"
            + (",2026-10-02 11:12:13,Newsletter octobre,a1b2c3,I no longer want these" if unsubscribed else "")
            for i in range(8)]
    export = _csv(tmp_path / file_name, [header, *rows])
    draft, _summary, out = _drafted_and_prepared(export, keys, tmp_path)
    columns = draft.mapping["columns"]
    assert columns["consent_marketing"] == {"value": "subscribed" if granted else "unsubscribed"}
    assert columns["consent_at"] == ("CONFIRM_TIME" if granted else "UNSUB_TIME")
    assert "event_id" not in columns
    consents = read_table(out, "consent")
    assert len(consents) == 8 and {(c["purpose"], c["granted"]) for c in consents} == {("marketing", granted)}
    assert not (out / "ticket.parquet").exists() or not read_table(out, "ticket")


def test_a_guest_list_says_how_to_read_seats_given(keys: Path, tmp_path: Path) -> None:
    """Invitations and press seats written with no price: refused with the one setting that reads
    them as seats given, then prepared with it at 0."""
    export = _csv(tmp_path / "entrees.csv", [
        "Date;Concert;Nom;Courriel;Type;Prix payé",
        *[f"{i:02d}/11/2026 20:00;Soutien;Client {chr(97 + i)};c{i}@exemple.fr;Plein;15,00" for i in range(1, 13)],
        *[f"{i:02d}/11/2026 20:00;Soutien;Invité {chr(97 + i)};i{i}@exemple.fr;Invité;" for i in range(1, 19)],
    ])
    draft = draft_mapping(export)
    assert draft.mapping["columns"]["unit_price"] == "Prix payé"
    assert any("blank_price: 0" in line for line in draft.undecided)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(draft.yaml_text, encoding="utf-8")
    with pytest.raises(UserError, match=r"blank_price: 0"):
        prepare(export, member=MemberInfo("m1", "m1"), profile=load_profile(path=mapping), keys_dir=keys,
                out=tmp_path / "refused", today=TODAY)
    assert not (tmp_path / "refused").exists()
    mapping.write_text(draft.yaml_text + "blank_price: 0\n", encoding="utf-8")
    summary = prepare(export, member=MemberInfo("m1", "m1"), profile=load_profile(path=mapping), keys_dir=keys,
                      out=tmp_path / "package", today=TODAY)
    assert (summary.rows_accepted, summary.rows_rejected) == (30, 0)
    assert sorted(t["unit_price"] for t in read_table(tmp_path / "package", "ticket")) == [0] * 18 + [15] * 12


def test_blank_price_is_only_zero(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("name: x\nformat: csv\nblank_price: 5\ncolumns: {event_id: E, purchased_at: D, "
                       "unit_price: P, ticket_id: T, email: M}\n", encoding="utf-8")
    with pytest.raises(UserError, match="blank_price can only be 0"):
        load_profile(path=mapping)


@pytest.mark.parametrize(("domains", "country", "currency"), [
    (["orange.fr", "free.fr", "laposte.net", "sfr.fr"], "FR", "EUR"),
    (["skynet.be", "proximus.be", "gmail.com", "telenet.be"], "BE", "EUR"),
    (["gmail.com", "outlook.com", "yahoo.com", "hotmail.com"], "CA", "CAD"),  # nothing tells: the default
])
def test_with_nothing_else_the_mail_domains_tell_the_country(domains: list[str], country: str, currency: str,
                                                             tmp_path: Path) -> None:
    """A plain list (a date, a show, a name, an e-mail, a price with no currency sign) says where it
    is from only by its addresses; drafted as Canadian, a French venue's seats were in dollars."""
    export = _csv(tmp_path / "liste.csv", [
        "Date;Spectacle;Nom;Courriel;Prix",
        *[f"{i:02d}/11/2026;Récital;Client {chr(97 + i)};c{i}@{domains[i % len(domains)]};15" for i in range(1, 13)],
    ])
    mapping = draft_mapping(export).mapping
    assert (mapping["country"], mapping["currency"]) == (country, currency)


def test_a_play_is_titled_by_its_name_not_by_its_performance(tmp_path: Path) -> None:
    """SecuTix writes « Produit » (the play) and « Séance » (the play with its date): every
    performance of the play shares the title, each is its own event."""
    export = _csv(tmp_path / "liste-billets.csv", [
        "Numéro de billet;Date de vente;Produit;Séance;Date de séance;Prix;Contact - Courriel",
        *[f"1000000{i};2026-11-0{i} 14:15;Le Dragon d'or;Le Dragon d'or - 2026-12-0{1 + i % 3} 20:00;"
          f"2026-12-0{1 + i % 3} 20:00;48,50 $;c{i}@gmail.com" for i in range(1, 9)],
    ])
    columns = draft_mapping(export).mapping["columns"]
    assert columns["event_title"] == "Produit"
    assert "Séance" in str(columns["event_id"])


@pytest.mark.parametrize(("header", "value"), [("Festival", "Festival des Vieilles Charrues 2026"),
                                               ("Article", "Spectacle Fred Pellerin")])
def test_a_festival_or_a_tills_item_names_the_event(header: str, value: str, tmp_path: Path) -> None:
    export = _csv(tmp_path / "ventes.csv", [
        f"Date;{header};Qté;Prix;Courriel",
        *[f"{i:02d}/11/2026 10:00;{value};1;35,00 $;c{i}@gmail.com" for i in range(1, 9)],
    ])
    assert draft_mapping(export).mapping["columns"].get("event_title") == header


def test_a_title_block_names_the_show_and_the_hall(keys: Path, tmp_path: Path) -> None:
    """A box office's report of one show writes its title and hall above the header (« Spectacle :
    Le Malade imaginaire », « Lieu : … ») and no column for either: its two performances were titled
    by the file's name (« etat-reservations-0314 ») and had no venue. A date in the block is no title."""
    export = _csv(tmp_path / "etat-reservations-0314.csv", [
        "État des réservations;;;;;",
        "Date d'édition : 02/03/2026;;;;;",
        "Spectacle : Le Malade imaginaire;;;;;",
        "Lieu :;Salle Pierre-Mercure;;;;",
        ";;;;;",
        "N° réservation;Date de réservation;Date représentation;Courriel;Tarif;Prix",
        *[f"R{i:03d};{i:02d}/02/2026;{'14/03/2026 20:00' if i % 2 else '15/03/2026 15:00'};client{i}@exemple.fr;Plein;32,00"
          for i in range(1, 13)],
    ])
    draft, summary, out = _drafted_and_prepared(export, keys, tmp_path)
    assert draft.mapping["columns"]["event_title"] == {"value": "Le Malade imaginaire"}, draft.yaml_text
    assert draft.mapping["columns"]["venue"] == {"value": "Salle Pierre-Mercure"}, draft.yaml_text
    assert "etat-reservations-0314" not in " ".join(draft.undecided)
    events = read_table(out, "event")
    assert len(events) == 2 and {e["title"] for e in events} == {"Le Malade imaginaire"}
    assert {e["venue"] for e in events} == {"Salle Pierre-Mercure"}
    assert summary.rows_accepted == 12


def test_a_status_under_a_payment_header_is_read_by_its_words(keys: Path, tmp_path: Path) -> None:
    """A box office's list whose ticket state sits under « Paiement » (« Payé », « Remboursé »): no
    header named a status, so the draft left the column out and the refunds were prepared as sales."""
    lines = ['"Billet","Nom","Prénom","Email","Prix","Commande","Date de commande","Paiement","Séance","Moyen"']
    for i in range(30):
        state = "Remboursé" if i % 10 == 3 else "Payé"
        lines.append(f'"T{7_310_000 + i}","Martin","Léa","lea{i}@exemple.fr","22.00","C{9000 + i // 2}",'
                     f'"2026-11-{1 + i % 28:02d} 18:{i:02d}:00","{state}","13/12/2026 20:30",'
                     f'"{"Carte bancaire" if i % 2 else "Chèque"}"')
    draft, summary, out = _drafted_and_prepared(_csv(tmp_path / "billetterie.csv", lines), keys, tmp_path)
    assert draft.mapping["columns"]["status"] == "Paiement", draft.mapping["columns"]
    assert any(e.key == "columns.status" and "ticket statuses" in e.why for e in draft.decisions)
    assert summary.rows_accepted == 30 and summary.rows_rejected == 0
    assert Counter(t["status"] for t in read_table(out, "ticket")) == {"sold": 27, "refunded": 3}
