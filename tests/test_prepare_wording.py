"""What `prepare`, `mapping check` and `mapping draft` tell a venue's staff, in French: each field
by the member app's form label with its mapping key after (« « Date et heure d’achat »
(purchased_at) »), each reason in words (never a rule's code such as ``bad_purchased_at``), each
action one the member app offers too, the command line's option named beside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from culturecoop.errors import UserError
from culturecoop.i18n import set_language
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.prepare import check_export
from culturecoop.ingest.profile import MappingIncompleteError, load_profile, parse_profile
from real_exports import csv_text, write_mapping
from test_mapping_language import BASE, COLUMNS, HEADER, row

VENDORS = Path(__file__).parent / "fixtures" / "exports" / "vendors"
ATTENDEES = VENDORS / "le-cabaret-des-possibles-attendees-2026-03-12.csv"
# Words of the mapping file or the command line that no sentence may use alone.
YAML_ONLY = ("associez ", "retirez ", "refaites", "du profil", "n’associe pas", "bad_", "la règle")


@pytest.fixture(autouse=True)
def _french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language(None)


def _fails(tmp_path: Path, rows: list[list[Any]], **settings: Any) -> str:
    source = tmp_path / "export.csv"
    source.write_text(csv_text(HEADER, rows), encoding="utf-8")
    columns = settings.pop("columns", COLUMNS)
    profile = load_profile(path=write_mapping(tmp_path / "m.yaml", {**BASE, **settings, "columns": columns}))
    with pytest.raises(UserError) as caught:
        check_export(source, profile)
    return caught.value.message


def _clean(sentence: str) -> None:
    for word in YAML_ONLY:
        assert word not in sentence, (word, sentence)


def test_no_row_accepted_names_the_reason_and_the_field_in_words(tmp_path: Path) -> None:
    message = _fails(tmp_path, [row(str(i), **{"Date achat": f"le {i} mars"}) for i in range(1, 5)])
    assert message.startswith("Aucune ligne n’a été acceptée"), message
    assert "(heure d’achat manquante ou illisible)" in message, message
    assert "choisie pour « Date et heure d’achat » (purchased_at)" in message, message
    assert "« Formats de date et d’heure » (datetime_formats)" in message, message
    _clean(message)


def test_a_mass_of_one_reason_names_the_apps_box_and_the_option(tmp_path: Path) -> None:
    rows = [row(str(i), Statut="Zorglub") for i in range(30)] + [row("x1"), row("x2")]
    message = _fails(tmp_path, rows)
    assert "30 lignes sur 32 sont mises de côté (statut de billet inconnu)" in message, message
    assert "cochez « Préparer même si une raison rejette beaucoup de lignes (elles sont mises de côté) »" in message
    assert "--max-reject-share 1" in message, message  # the command line's reader is told too
    assert "choisie pour « Statut du billet » (status)" in message and "status_values: {Zorglub: sold}" in message
    _clean(message)


def test_unreadable_event_times_name_the_field_and_the_setting(tmp_path: Path) -> None:
    message = _fails(tmp_path, [row(str(i), **{"Date spectacle": "22.03.2026 20:00"}) for i in range(12)])
    assert message.startswith("Rien n’a été écrit : « Date et heure de l’événement » (event_starts_at), lu dans "
                              "la colonne Date spectacle"), message
    assert "« Formats de date et d’heure » (datetime_formats)" in message, message
    _clean(message)


def test_a_mapping_missing_required_fields_says_what_to_choose() -> None:
    columns = {k: v for k, v in COLUMNS.items() if k != "purchased_at"}
    with pytest.raises(MappingIncompleteError) as caught:
        parse_profile(write_text({**BASE, "columns": columns}), "mapping.yaml")
    message = caught.value.message
    assert caught.value.missing == ("purchased_at",) and caught.value.kind == "missing"
    assert message == ("Aucune colonne n’est choisie pour les champs obligatoires « Date et heure d’achat » "
                       "(purchased_at) : choisissez la colonne qui contient chacun d’eux, sans quoi rien ne peut "
                       "être préparé."), message
    assert "mapping.yaml" not in message and "relancez" not in message


def test_an_attendee_list_says_what_to_export_first() -> None:
    draft = draft_mapping(ATTENDEES)
    with pytest.raises(MappingIncompleteError) as caught:
        parse_profile(draft.yaml_text, "mapping.yaml")
    message = caught.value.message
    assert caught.value.kind == "attendee_list"
    assert message.startswith("Exportez plutôt le rapport des ventes ou des commandes de votre billetterie"), message
    assert "« Prix d’un billet » (unit_price) ou « Prix de toute la ligne (divisé par sa quantité) » (total_price)" \
        in message, message
    _clean(message)
    # The draft's own questions: the same advice first, the event field named as the form names it.
    assert any(u.startswith("Exportez plutôt le rapport des ventes") for u in draft.undecided), draft.undecided
    assert any("choisissez pour « Identifiant de l’événement » (event_id) la colonne qui les distingue" in u
               for u in draft.undecided), draft.undecided
    for question in draft.undecided:
        _clean(question)
        assert "{value" not in question, question


def test_the_drafts_marketing_question_says_what_to_choose(tmp_path: Path) -> None:
    source = tmp_path / "ventes.csv"
    source.write_text(csv_text(
        ["No billet", "Date achat", "Prix", "Spectacle", "Courriel", "Accepte infolettre"],
        [[f"B{i}", "2026-03-01 10:00", "25.00", "S1", f"p{i}@exemple.ca", "oui" if i % 2 else "non"]
         for i in range(20)]), encoding="utf-8")
    draft = draft_mapping(source)
    asked = [u for u in draft.undecided if "Accepte infolettre" in u]
    assert asked and "ne choisissez aucune colonne pour « Consentement : infolettres » (consent_marketing)" in asked[0]
    for question in draft.undecided:
        _clean(question)


def write_text(mapping: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(mapping, allow_unicode=True)
