"""Words of booking forms and small box offices the draft must read as the venue means them.

A form asks questions (« Comment avez-vous connu le festival ? »), a sheet kept by hand says
whether a booking was paid (« Réglé » : Oui, Non, Remboursé), a vendor says a refund was partial,
a newsletter box is written out (« J'accepte de recevoir la lettre d'info de La Cale »), a museum
knows its friends by their card. Each test drafts the mapping as `mapping draft` does and checks
what a member reads in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from culturecoop.ingest.draft import draft_mapping


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(";".join(line) for line in [header, *rows]) + "\n", encoding="utf-8")
    return path


def _people(n: int) -> list[tuple[str, str, str]]:
    first = ["Louise", "Sébastien", "François", "Camille", "Hugo", "Inès", "Jules", "Manon"]
    last = ["Girard", "Bertrand", "Roux", "Fournier", "Morel", "Lambert", "Bonnet", "Mercier"]
    return [(first[i % 8], last[(i * 3) % 8], f"{first[i % 8].lower()}.{i}@exemple.fr") for i in range(n)]


def test_a_forms_question_is_never_the_event(tmp_path: Path) -> None:
    """Yurplan's participant list ends with the form's question; its answers (« Bouche à oreille »,
    « Affiche ») were 12 events instead of 3."""
    answers = ["Bouche à oreille", "Affiche", "Réseaux sociaux", "Presse"]
    shows = ["Festival des Cabanes – Samedi 12 sept. 2026", "Festival des Cabanes – Dimanche 13 sept. 2026",
             "Festival des Cabanes – Pass 2 jours (12-13 sept. 2026)"]
    rows = [[f"YP{4000 + i}", f"C{880 + i // 2}", f"{1 + i % 28:02d}/07/2026 20:{i % 60:02d}", shows[i % 3], "28,00 €",
             "Payé", last, first, mail, answers[i % 4]]
            for i, (first, last, mail) in enumerate(_people(40))]
    export = _csv(tmp_path / "yurplan_liste_participants.csv",
                  ["Numéro de billet", "Numéro de commande", "Date d'achat", "Billet", "Prix", "Statut", "Nom",
                   "Prénom", "E-mail", "Comment avez-vous connu le festival ?"], rows)
    columns = draft_mapping(export).mapping["columns"]
    assert "Comment avez-vous connu le festival ?" not in str(columns)
    assert columns["event_title"] == "Billet"  # what was sold, with its date: one event each


def test_a_paid_column_is_the_status_and_the_member_is_told_of_unpaid_bookings(tmp_path: Path) -> None:
    """« Réglé » : Oui, chèque, Non, Remboursé, empty. It was left out, every booking a sale, the
    refunded ones included. Paid (« Oui », or how: « chèque ») is a sale, « Remboursé » a refund;
    « Non » a booking never paid, cancelled; an empty cell beside « Non » (a seat given?) stays a sale,
    and the member is told."""
    paid = ["Oui"] * 4 + ["chèque", "Non", "Remboursé", ""]
    rows = [[f"R{100 + i}", f"{1 + i % 28:02d}/11/2026", "Contes en hiver", "12/12/2026 15:00", "2", "16,00",
             mail, paid[i % 8]] for i, (_f, _l, mail) in enumerate(_people(40))]
    export = _csv(tmp_path / "reservations.csv",
                  ["N° réservation", "Date réservation", "Spectacle", "Date du spectacle", "Places", "Montant",
                   "Courriel", "Réglé"], rows)
    draft = draft_mapping(export)
    assert draft.mapping["columns"]["status"] == "Réglé"
    assert draft.mapping["status_values"] == {"Oui": "sold", "chèque": "sold", "Remboursé": "refunded",
                                              "Non": "cancelled", "": "sold"}
    assert [line for line in draft.undecided if "« Non »" in line and "empty" in line], draft.undecided


def test_a_means_of_payment_is_no_status(tmp_path: Path) -> None:
    """« Règlement » (CB, Espèces, Chèque) and « Mode de paiement » say how, not whether."""
    means = ["CB", "Espèces", "Chèque"]
    rows = [[f"B{i}", f"{1 + i % 28:02d}/11/2026 14:00", "Rosa Bonheur", "12,00", means[i % 3], means[(i + 1) % 3],
             mail] for i, (_f, _l, mail) in enumerate(_people(30))]
    export = _csv(tmp_path / "caisse.csv",
                  ["Billet", "Date", "Exposition", "Prix", "Règlement", "Mode de paiement", "Courriel"], rows)
    draft = draft_mapping(export)
    assert "status" not in draft.mapping["columns"]
    assert not [line for line in draft.undecided if "CB" in line], draft.undecided


def test_a_partial_refund_is_a_sale_the_member_is_told_of(tmp_path: Path) -> None:
    """Ticketbud's "Partially Refunded" was read as refunded, silently: whole orders out of the
    figures. It is a sale (the seats were used), and the member is told what to write otherwise."""
    statuses = ["Completed"] * 6 + ["Refunded", "Partially Refunded"]
    rows = [[f"O{i}", f"11/{1 + i % 28:02d}/2026 7:30 PM", "Gladstone Players – Noises Off", "2", "25.00",
             statuses[i % 8], mail] for i, (_f, _l, mail) in enumerate(_people(40))]
    export = _csv(tmp_path / "ticketbud_orders.csv",
                  ["Order ID", "Order Date", "Event", "Quantity", "Price", "Payment Status", "Email"], rows)
    draft = draft_mapping(export)
    values = draft.mapping["status_values"]
    assert values.get("Completed") == "sold" and values.get("Refunded") == "refunded"
    assert values["Partially Refunded"] == "sold"
    assert [line for line in draft.undecided if "« Partially Refunded »" in line and "refunded" in line], draft.undecided


def test_newsletter_boxes_written_out_are_marketing_consent(tmp_path: Path) -> None:
    for header in ("Lettre d'information", "J'accepte de recevoir la lettre d'info de La Cale"):
        rows = [[f"T{i}", f"{1 + i % 28:02d}/11/2026 14:27", "Ciné-concert : Nosferatu", "05/12/2026 18:00", "12,00",
                 mail, "Oui" if i % 3 else "Non"] for i, (_f, _l, mail) in enumerate(_people(30))]
        export = _csv(tmp_path / "tickethic.csv",
                      ["N° billet", "Date de la commande", "Événement", "Date de l'événement", "Prix TTC", "E-mail",
                       header], rows)
        assert draft_mapping(export).mapping["columns"].get("consent_marketing") == header, header


def test_a_campaign_names_the_event_and_a_friends_card_the_person(tmp_path: Path) -> None:
    """Zeffy's "Campaign" is the form sold (the gala); a museum's friends are known by their card."""
    rows = [[f"2026-10-{1 + i % 28:02d} 02:10 PM", "Gala bénéfice 2026", "Billet individuel", "1", "125.00 $", "Succeeded",
             first, last, mail] for i, (first, last, mail) in enumerate(_people(30))]
    export = _csv(tmp_path / "zeffy.csv",
                  ["Payment Date", "Campaign", "Rate", "Quantity", "Amount", "Payment Status", "First Name",
                   "Last Name", "Email"], rows)
    assert draft_mapping(export).mapping["columns"]["event_title"] == "Campaign"
    rows = [[f"{1 + i % 28:02d}/11/2026", "11:20", "Rosa Bonheur", "2", "0,00", f"AM-{20000 + i}"] for i in range(30)]
    export = _csv(tmp_path / "registre.csv",
                  ["Date", "Heure", "Exposition", "Qté", "Prix unitaire", "N° carte Amis du musée"], rows)
    assert draft_mapping(export).mapping["columns"]["patron_id"] == "N° carte Amis du musée"


def test_a_guessed_order_of_day_and_month_is_left_to_decide_with_a_date_as_read(tmp_path: Path) -> None:
    """No date above the 12th: the draft guessed day first and marked it CHECK in the YAML only; the
    list of what is left to decide (« Reste à décider ») said nothing, and March could become April."""
    from culturecoop.i18n import set_language

    rows = [[f"B{i}", f"{1 + i % 12:02d}/{1 + (i * 5) % 12:02d}/2026", "Quatuor Ébène", "12/12/2026", "25,00", mail]
            for i, (_f, _l, mail) in enumerate(_people(30))]
    export = _csv(tmp_path / "ventes.csv", ["Billet", "Date achat", "Spectacle", "Date spectacle", "Prix", "Courriel"], rows)
    set_language("fr")
    try:
        draft = draft_mapping(export)
    finally:
        set_language(None)
    said = [line for line in draft.undecided if "jour ou le mois" in line]
    assert said and "« 02/06/2026 » comme le 2 juin 2026" in said[0] and "échangez %d et %m" in said[0], draft.undecided
    # A date above the 12th settles it: nothing is left to decide about the order.
    rows[0][1] = "25/03/2026"
    export = _csv(tmp_path / "ventes.csv", ["Billet", "Date achat", "Spectacle", "Date spectacle", "Prix", "Courriel"], rows)
    assert not [line for line in draft_mapping(export).undecided if "day or the month" in line]


def test_a_french_draft_says_a_channel_or_a_status_it_chose_in_french(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """« canaux inconnus, comptés comme other », « oui vaut refunded »: the value the mapping writes,
    in English, inside a French sentence. The draft says it in French, the YAML's value beside it."""
    from conftest import run_cli_here

    channels = ["Internet", "BilletRéduc", "Guichet", "Partenaire CE"]
    rows = [[f"R{100 + i}", f"{1 + i % 28:02d}/11/2026", "Contes en hiver", "12/12/2026 15:00", "16,00", mail,
             channels[i % 4], "Oui" if i % 5 == 0 else "Non"] for i, (_f, _l, mail) in enumerate(_people(40))]
    export = _csv(tmp_path / "reservations.csv", ["N° réservation", "Date réservation", "Spectacle",
                                                  "Date du spectacle", "Montant", "Courriel", "Canal", "Remboursé"],
                  rows)
    mapping = tmp_path / "m.yaml"
    monkeypatch.setenv("COLUMNS", "300")  # the table's sentences on one line each
    result = run_cli_here("mapping", "draft", str(export), "--out", str(mapping), lang="fr")
    assert result.returncode == 0, result.stderr
    text = mapping.read_text(encoding="utf-8")
    assert "BilletRéduc: other" in text and "canaux inconnus, comptés comme « autre canal » (other)" in text, text
    assert "status: Remboursé" in text and "oui vaut « billet remboursé » (refunded), non une vente" in text, text
    said = " ".join(result.stderr.split())
    assert "« autre canal » (other)" in said and "comme other" not in said and "vaut refunded" not in said, said


def test_no_french_sentence_of_the_draft_check_or_prepare_says_a_canonical_value_bare() -> None:
    """The French of the draft's, the check's and prepare's sentences names a status, a channel or a
    kind of row in French words (« autre canal »), or, where it says what to write in the mapping's
    YAML, as that value in `code` with its meaning; never a bare « sold », « other », « ticket »."""
    import re

    from babel.messages.pofile import read_po

    import culturecoop

    locale = Path(culturecoop.__file__).parent / "locale" / "fr" / "LC_MESSAGES"
    values = r"\b(sold|refunded|cancelled|exchanged|box_office|phone|reseller|other|ticket)\b"
    bare = []
    for name in ("mapping.po", "prepare.po"):
        with (locale / name).open("rb") as f:
            for message in read_po(f):
                for text in message.string if isinstance(message.string, tuple) else (message.string,):
                    # Code (`status_values: {Payé: sold}`), a placeholder, or the YAML's value after its words.
                    plain = re.sub(r"`[^`]*`|\{[^}]*\}|» \([a-z_]+\)", "", text or "")
                    if re.search(values, plain):
                        bare.append(text)
    assert not bare, "\n".join(bare)
