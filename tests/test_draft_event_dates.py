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
