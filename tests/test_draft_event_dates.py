"""A show's date in a column its header does not name: a bare "Date" beside the purchase's own date."""

from __future__ import annotations

from pathlib import Path

from culturecoop.ingest.draft import draft_mapping


def test_a_bare_date_beside_the_purchase_date_is_the_shows(tmp_path: Path) -> None:
    # Weezevent's participants: "Date d'achat" is the purchase, the bare "Date" the show's, one per event.
    lines = ["Id participant;Date d'achat;Evénement;Date;Montant;Email\n"]
    shows = (("Vendredi", "17/04/2026 19:00"), ("Samedi", "18/04/2026 18:00"))
    for i in range(20):
        show, starts = shows[i % 2]
        lines.append(f"{5000 + i};{1 + i:02d}/03/2026 1{i % 10}:{i * 2:02d};{show};{starts};18,00 €;p{i}@mail.example\n")
    export = tmp_path / "participants.csv"
    export.write_text("".join(lines), encoding="utf-8")
    draft = draft_mapping(export)
    assert draft.mapping["columns"]["purchased_at"] == "Date d'achat"
    assert draft.mapping["columns"]["event_starts_at"] == "Date"
    assert any(e.key == "columns.event_starts_at" and e.check for e in draft.decisions)


def test_a_bare_date_alone_stays_the_purchase(tmp_path: Path) -> None:
    # A till's "Date" with no other date: the sale's, not a show's.
    lines = ["Transaction;Date;Show;Price;Email\n"]
    for i in range(12):
        lines.append(f"T{i};{1 + i:02d}/03/2026 20:{i:02d};Gala;18,00;p{i}@mail.example\n")
    export = tmp_path / "sales.csv"
    export.write_text("".join(lines), encoding="utf-8")
    columns = draft_mapping(export).mapping["columns"]
    assert columns["purchased_at"] == "Date" and "event_starts_at" not in columns


def test_the_one_thing_sold_with_its_date_titles_the_one_event(tmp_path: Path) -> None:
    # A concert's participants list whose « Billet » names the concert with its date on every row: the date
    # was read from it, but the event was titled after the file (« participants-chorale »).
    lines = ["Référence commande;Date de la commande;Statut;Nom;Prénom;Email;Billet;Montant tarif\n"]
    for i in range(20):
        lines.append(f"{48213000 + i};{1 + i:02d}/11/2026 18:{i:02d};Validé;Martin;Léa;p{i}@exemple.fr;"
                     f"Concert de Noël - Chorale 12/12/2026 20:30;18,00\n")
    export = tmp_path / "participants-chorale.csv"
    export.write_text("".join(lines), encoding="utf-8")
    columns = draft_mapping(export).mapping["columns"]
    assert columns["event_starts_at"] == {"in_text": "Billet"}
    assert columns["event_title"] == "Billet" and columns["event_id"] == "Billet", columns
