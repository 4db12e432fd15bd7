"""The questions a box-office employee can answer, asked in their words: the time zone by its clock's
name (« heure de l’Est — Montréal, Toronto »), a status column of many words read and its unknown words
asked, a file quoted with « ' » read as written, every sale at the box office said once, and the
consents, the buyer and the amounts asked before the event's identifier. One app, three small exports (one
a vendor's)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from culturecoop.i18n import set_language
from culturecoop.ingest.draft import draft_mapping
from culturecoop.memberapp.form import field_rows, to_decide
from culturecoop.memberapp.zones import zone_choices
from memberapp.pages import App, app_with, form_fields, keep_form, section, text

# A year at a box office: most rows « Payé », refunds and cancellations, and 16 words of its own (one
# per till) the draft does not know: more than 15 words, the draft left the column out and the
# refunds were read as sales.
TILLS = [f"Caisse {n}" for n in range(1, 17)]
ETAT = "No billet;No client;Courriel;Date achat;Titre;Date spectacle;Prix;Qté;État\n" + "".join(
    f"B{i};C{i % 40};p{i % 40}@exemple.test;1{i % 9}/01/2026 16:47;Soirée Coltrane;20/05/2026 20:00;46,50 $;1;"
    f"{TILLS[i - 84] if i >= 84 else 'Remboursé' if i % 10 == 3 else 'Annulé' if i == 7 else 'Payé'}\n"
    for i in range(100))
# A Québec venue's sales as its ticketing (Le Point de vente) exports them.
VENDOR = Path(__file__).parents[1] / "fixtures" / "exports" / "vendors" / "lepointdevente-ventes.csv"
# A till's export quoted with « ' » (a title holding the separator).
QUOTED = "'No billet','No client','Courriel','Date achat','Titre','Date spectacle','Prix','Statut'\n" + "".join(
    f"'B{i}','C{i}','p{i}@exemple.test','1{i % 9}/01/2026 16:47','Soirée, Coltrane','20/05/2026 20:00','46,50 $',"
    f"'Payé'\n" for i in range(20))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> App:
    return app_with(tmp_path_factory.mktemp("questions"), {
        VENDOR.name: VENDOR.read_bytes(), "etat.csv": ETAT.encode(), "guillemets.csv": QUOTED.encode()})


def _page(app: App, name: str) -> str:
    answer = app.client.get(f"/exports/{app.exports[name]}?lang=fr")
    assert answer.status_code == 200
    return answer.text


def _options(page: str, name: str) -> dict[str, str]:
    """The choices of the form's list ``name``: each value sent with the words shown."""
    found = re.search(rf'<select id="[^"]*" name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert found, name
    return {html.unescape(value): text(words) for value, words in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>',
                                                               found.group(1))}


def _before_yaml(page: str) -> str:
    return text(page.split('<textarea name="yaml"')[0])


def test_the_time_zone_is_said_by_its_clock_and_sent_as_its_code(app: App) -> None:
    """« Fuseau horaire : America/Toronto », and the guess « lues à l’heure de America/Toronto »: a code
    no box office reads. The form shows the clock in words; it still sends the zone's code. And the form
    opened on « Identifiant de l’événement (deviné : à vérifier) », a question the draft had answered
    well (the show's name and date) and the employee could not: it opens on the consents."""
    page = _page(app, VENDOR.name)
    assert "« Fuseau horaire » : deviné d’après les indicatifs téléphoniques et les codes postaux (« heure de l’Est " \
           "— Montréal, Toronto »)" in section(page, "check"), section(page, "check")
    assert 'id="fields-to-decide"' not in page
    zones = _options(page, "setting.timezone")
    assert form_fields(page)["setting.timezone"] == "America/Toronto"
    assert zones["America/Toronto"] == "heure de l’Est — Montréal, Toronto"
    assert zones["Europe/Paris"] == "heure de Paris" and zones["Europe/Amsterdam"] == "heure d’Amsterdam"
    assert "America/" not in _before_yaml(page) and "Europe/" not in _before_yaml(page), _before_yaml(page)[-3000:]
    set_language("en")  # an English page's words for the same choices
    try:
        english = zone_choices("en")
    finally:
        set_language(None)
    assert english["America/Toronto"] == "Eastern time — Montréal, Toronto" and english["Europe/Brussels"] == (
        "Brussels time")
    # Every sale at the box office, said once (no column says where each was sold), and Paris's clock.
    channels = _options(page, "value.channel")
    assert channels["box_office"] == "toutes les ventes : guichet", channels
    keep_form(app, VENDOR.name, page, setting__timezone="Europe/Paris", value__channel="box_office")
    mapping = app.workspace.get(app.exports[VENDOR.name]).mapping()
    assert mapping["timezone"] == "Europe/Paris" and mapping["columns"]["channel"] == {"value": "box_office"}
    after = _page(app, VENDOR.name)
    kept = form_fields(after)
    assert (kept["setting.timezone"], kept["value.channel"]) == ("Europe/Paris", "box_office")
    assert "55 lignes lues : 55 lignes acceptées, 0 ligne rejetée" in section(after, "check"), section(after, "check")
    preview = text(after[after.index("Les premières lignes"):after.index('id="mapping"')])
    assert "Canal de vente" in preview and "guichet" in preview and "box_office" not in preview, preview[:800]


def test_the_consents_and_the_buyer_are_asked_before_the_events_identifier(app: App) -> None:
    """The form opened on « Identifiant de l’événement », which a box-office employee does not know
    what to answer: the consents come first, then the buyer and the amounts, the event last, each
    question in the employee's words."""
    page = _page(app, "etat.csv")
    # The draft's guess says the clock as the employee does, not « à l’heure locale de America/Toronto ».
    assert "les heures sont lues à l’heure de l’Est — Montréal, Toronto" in section(page, "check"), section(page, "check")
    form = page[page.index('class="mapping"'):]
    assert form.index('id="consent"') < form.index('id="fields-to-decide"')
    asked = re.search(r'<fieldset id="fields-to-decide">(.*?)</fieldset>', form, re.S)
    assert asked
    # The event named by its title and its date, as the draft did, is no question the employee must answer.
    assert re.findall(r'<label for="field-(\w+)"', asked.group(1)) == ["status"]
    assert "Quelle colonne dit si un billet a été payé, remboursé ou annulé ?" in text(asked.group(1))
    folded = re.search(r'<details class="folded" id="other-fields"[^>]*>(.*?)</details>', form, re.S)
    assert folded and "Qu’est-ce qui distingue une représentation d’une autre ?" in text(folded.group(1))
    # An export whose buyer, price and event the draft guessed: the buyer, then the amounts, the event last.
    rows = field_rows({"columns": {"event_id": "Code", "patron_id": "Réf.", "unit_price": "Montant",
                                   "purchased_at": "Le", "event_title": "Spectacle"}})
    guessed = {"event_id", "event_title", "unit_price", "patron_id", "purchased_at"}
    asked_in_turn = to_decide(rows, guessed, [], set())
    assert [f for f in asked_in_turn if f in guessed] == [
        "patron_id", "unit_price", "purchased_at", "event_title", "event_id"], asked_in_turn


def test_a_status_column_of_many_words_is_read_and_its_unknown_words_asked(app: App) -> None:
    """19 words in « État », 16 of them a till's own: the draft left the column out, and the venue's 9
    refunds and its cancellation went into the package as sales."""
    page = _page(app, "etat.csv")
    assert form_fields(page)["field.status"] == "État"
    asked = re.search(r'<fieldset id="statuses">(.*?)</fieldset>', page, re.S)
    assert asked, "the statuses are not asked"
    said = text(asked.group(1))
    assert "« Caisse 16 » 1 ligne" in said and "« Remboursé » 9 lignes" in said, said
    choices = {v: k.replace("_word", "") for k, v in form_fields(page).items() if k.startswith("status_word.")}
    assert set(TILLS) <= set(choices)
    keep_form(app, "etat.csv", page, **{choices[w].replace(".", "__"): "sold" for w in TILLS})
    check = section(_page(app, "etat.csv"), "check")
    assert "100 lignes lues : 100 lignes acceptées, 0 ligne rejetée" in check, check
    assert app.workspace.get(app.exports["etat.csv"]).mapping()["status_values"]["Remboursé"] == "refunded"


def test_a_status_header_is_read_whatever_its_words(tmp_path: Path) -> None:
    """« Statut » written in 22 words of a till's own, none a word the draft knows: its header says
    what it is, so it is read, and its words are asked."""
    words = ["Réglé CB", "Réglé espèces", *[f"Mode {n}" for n in range(20)]]
    path = tmp_path / "statuts.csv"
    path.write_text("No billet;No client;Courriel;Date achat;Titre;Date spectacle;Prix;Statut\n" + "".join(
        f"B{i};C{i};p{i}@exemple.test;11/01/2026 16:47;Soirée;20/05/2026 20:00;46,50;{words[i % 22]}\n"
        for i in range(88)), encoding="utf-8")
    draft = draft_mapping(path)
    assert draft.mapping["columns"].get("status") == "Statut"
    assert any("Mode 0" in question for question in draft.undecided), draft.undecided


def test_a_file_quoted_with_single_quotes_is_read_as_written(app: App) -> None:
    """« 'No billet','Prix' » and « 'Soirée, Coltrane' »: read with double quotes, the draft found almost no
    column (its names kept their quotes) and the form had no setting for the quote character."""
    page = _page(app, "guillemets.csv")
    assert form_fields(page)["setting.quote"] == "'"
    assert _options(page, "setting.quote") == {'"': 'des guillemets droits (")', "'": "des apostrophes (')",
                                               "": "aucun"}
    fields = form_fields(page)
    assert (fields["field.unit_price"], fields["field.event_title"]) == ("Prix", "Titre"), fields
    assert "20 lignes lues : 20 lignes acceptées, 0 ligne rejetée" in section(page, "check"), section(page, "check")
    assert "Soirée, Coltrane" in text(page[page.index("Les premières lignes"):page.index('id="mapping"')])
    # Double quotes chosen instead: the page says which to choose, and opens the setting.
    keep_form(app, "guillemets.csv", page, setting__quote='"')
    wrong = _page(app, "guillemets.csv")
    assert ("Les noms de colonnes et les valeurs de cet export sont écrits entre apostrophes (« 'No billet' ») : "
            "choisissez « des apostrophes (') » pour « Guillemets autour des valeurs » sous « Comment les valeurs "
            "sont écrites » dans le formulaire ci-dessous.") in section(wrong, "check"), section(wrong, "check")
    assert '<details class="folded" id="settings" open>' in wrong


def test_names_between_quotes_over_values_without_them_keep_the_double_quote(tmp_path: Path) -> None:
    """Names written « 'Titre' » over values written bare (« L'Olympia, hiver »): read with « ' », every
    row was unreadable; the draft keeps the standard quote, which reads them all."""
    path = tmp_path / "noms.csv"
    path.write_text("'No billet';'Courriel';'Date achat';'Titre';'Prix'\n" + "".join(
        f"B{i};p{i}@exemple.test;1{i % 9}/01/2026 16:47;L'Olympia, hiver;46,50 €\n" for i in range(12)),
        encoding="utf-8")
    assert draft_mapping(path).mapping["quote"] == '"'
    quoted = tmp_path / "valeurs.csv"
    quoted.write_text("'No billet';'Courriel';'Date achat';'Titre';'Prix'\n" + "".join(
        f"'B{i}';'p{i}@exemple.test';'1{i % 9}/01/2026 16:47';'Olympia; hiver';'46,50 €'\n" for i in range(12)),
        encoding="utf-8")
    assert draft_mapping(quoted).mapping["quote"] == "'"
