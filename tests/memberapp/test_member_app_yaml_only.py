"""What only the mapping's YAML could say, said in the member app's form: every sheet of a workbook,
an event named once for every row or by the file's name, the words of a status or yes/no column far
down a long export; and the advice that named those YAML keys (the check's, the rejected rows'
download) pointing to the form instead. One app and a few exports for the whole module."""

from __future__ import annotations

import csv
import io
import re

import pytest
import yaml

from culturecoop.i18n import set_language
from culturecoop.ingest.profile import parse_profile
from memberapp.pages import HEADER, App, app_with, csrf, form_fields, keep_form, section, text
from memberapp.test_member_app_walk import KINDS
from workbooks import write_xlsx

# A season kept as one workbook, a sheet a month, laid out alike.
MONTHS = {month: [HEADER.strip().split(";"), *[
    [f"{month[:3]}{i}", f"C{i}", f"p{i}@exemple.test", f"1{i}/01/2026 16:47", f"S{n}", title, f"2{n}/05/2026 20:00",
     "46,50 $", "1", "Payé"] for i in range(6)]] for n, (month, title) in enumerate((("Janvier", "Soirée Coltrane"),
                                                                                  ("Février", "Nuit du conte")))}
# One concert's sales, no column naming the show (a HelloAsso form's): the file's name names it. A
# promotional code is written on two rows of twelve.
CONCERT = "Numéro de commande;Nom;Email;Date de la commande;Tarif;Montant;Code promo;Statut\n" + "".join(
    f"{1000 + i};Tremblay{i};julie{i}@exemple.test;0{1 + i % 9}/04/2026 1{i % 10}:15;Plein tarif;25,00 €;"
    f"{'AMIS' if i < 2 else ''};Validé\n" for i in range(12))
# A box office's year, 2,400 sales: « Payé » on most, and past the rows the draft looks at (2,000) 36 more
# statuses, a status written once (« Échangé contre un autre soir »), and a newsletter unsubscription
# written once.
STATUSES = [f"Vendu – guichet {n}" for n in range(1, 36)]
YEAR = "No billet;No client;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut;Infolettre\n" + "".join(
    f"B{i};C{i % 700};p{i % 700}@exemple.test;11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;46,50 $;1;"
    f"{STATUSES[i % 35] if 2100 <= i < 2170 else 'Échangé contre un autre soir' if i == 2390 else 'Payé'};"
    f"{'Désinscrit' if i == 2395 else ('Oui', 'Non')[i % 2]}\n" for i in range(2400))

# A French theatre's sales with nothing saying its country (amounts without a sign, no phone): the draft
# assumes Canada.
THEATRE = "No billet;No client;Courriel;Date achat;Titre;Date spectacle;Prix;Qté;Statut\n" + "".join(
    f"T{i};C{i};p{i}@exemple.test;0{1 + i % 9}/03/2026 1{i % 10}:05;Les Fourberies de Scapin;20/03/2026 20:30;"
    f"46,50;1;Payé\n" for i in range(12))
# An order report written with a 12-hour clock (« 08:15 PM »).
ORDERS = "Order #,Order Date,Email,Event Name,Event Date,Price,Quantity,Status\n" + "".join(
    f"{5000 + i},03/{10 + i % 9}/2026 0{1 + i % 9}:15 {('AM', 'PM')[i % 2]},b{i}@example.test,Jazz Night,"
    f"04/02/2026 08:00 PM,30.00,1,Sold\n" for i in range(12))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> App:
    tmp = tmp_path_factory.mktemp("yaml-only")
    book = write_xlsx(tmp / "saison.xlsx", MONTHS)
    return app_with(tmp, {"saison.xlsx": book.read_bytes(), "concert-coltrane.csv": CONCERT.encode(),
                          "annee.csv": YEAR.encode(), "souper.csv": KINDS.encode(), "theatre.csv": THEATRE.encode(),
                          "orders.csv": ORDERS.encode()})


def _apply(app: App, name: str, page: str, **changes: str) -> str:
    """The export's page after the form of its ``page`` is sent with ``changes`` (a field's name with
    « . » written « __ »)."""
    export_id = app.exports[name]
    form = form_fields(page)
    answer = app.client.post(f"/exports/{export_id}/mapping?lang=fr",
                             data={**form, **{k.replace("__", "."): v for k, v in changes.items()}})
    assert answer.status_code == 200 and not re.search(r'<main>\s*<p class="error"', answer.text), text(answer.text)[:800]
    return answer.text


def _same_as_yaml(app: App, name: str, yaml_text: str) -> None:
    """The form's mapping is the YAML ``yaml_text`` as ``prepare`` reads it: the same package."""
    export = app.workspace.get(app.exports[name])
    assert export.profile() == parse_profile(yaml_text, source="mapping.yaml")


def test_every_sheet_of_a_workbook_is_a_choice_of_the_form(app: App) -> None:
    """« Ajoutez `sheets: all` au mapping pour lire toutes les feuilles »: the form had no such setting."""
    export = app.workspace.get(app.exports["saison.xlsx"])
    drafted = export.mapping_text()
    assert yaml.safe_load(drafted).get("sheets") == "all"
    page = app.client.get(f"/exports/{export.export_id}?lang=fr").text
    assert form_fields(page)["setting.sheets"] == "all"
    assert "toutes les feuilles qui ont ces colonnes" in text(page)
    one = _apply(app, "saison.xlsx", page, setting__sheets="")
    check = section(one, "check")
    assert "6 lignes lues" in check, check
    assert ("seule «Janvier» a été lue. Pour lire toutes les feuilles, choisissez « toutes les feuilles qui ont ces "
            "colonnes (chaque ligne garde le nom de sa feuille) » pour « Toutes les feuilles (Excel) » sous « Comment "
            "les valeurs sont écrites » dans le formulaire ci-dessous.") in check, check
    assert "sheets" not in check and "`" not in check
    every = _apply(app, "saison.xlsx", one, setting__sheets="all")
    assert "12 lignes lues" in section(every, "check")
    assert yaml.safe_load(app.workspace.get(export.export_id).mapping_text())["sheets"] == "all"
    _same_as_yaml(app, "saison.xlsx", drafted)


def test_an_event_is_named_once_for_every_row_or_by_the_files_name(app: App) -> None:
    """One concert's export: the advice said « écrivez `{value: …}` ou `{file_name: true}` dans le YAML »,
    and the form, once the event's identifier was set to a column, could not set it back to the file's name."""
    export_id = app.exports["concert-coltrane.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    assert form_fields(page)["field.event_id"] == "__file_name__"
    assert "le nom du fichier : « concert-coltrane »" in text(page)
    # A column of promotional codes chosen by mistake: 10 rows of 12 have no event.
    promo = _apply(app, "concert-coltrane.csv", page, field__event_id="Code promo")
    check = section(promo, "check")
    assert ("si l’export ne contient qu’un événement, écrivez son nom une fois à côté de « Identifiant de "
            "l’événement » dans le formulaire ci-dessous, ou choisissez pour lui « le nom du fichier »"
            ) in check, check
    assert "{value" not in check and "file_name" not in check and "YAML" not in check and "event_id" not in check
    keep_form(app, "concert-coltrane.csv", promo, field__event_id="", value__event_id="Coltrane, 20 mai")
    # The same as the draft's YAML with « event_id: {value: Coltrane, 20 mai} » written in it.
    drafted = yaml.safe_load(app.workspace.get(export_id).state["drafted_in"]["fr"]["yaml"])
    drafted["columns"]["event_id"] = {"value": "Coltrane, 20 mai"}
    _same_as_yaml(app, "concert-coltrane.csv", yaml.safe_dump(drafted, allow_unicode=True))
    back = _apply(app, "concert-coltrane.csv", promo, field__event_id="__file_name__", value__event_id="")
    assert "12 lignes lues : 12 lignes acceptées, 0 ligne rejetée" in section(back, "check"), section(back, "check")
    assert app.workspace.get(export_id).mapping()["columns"]["event_id"] == {"file_name": True}


def _word_choices(page: str, kind: str) -> dict[str, str]:
    """The words of the form's list ``kind`` (status, yes_no…), each with the name of its choice."""
    form = form_fields(page)
    return {v: k.replace("_word", "") for k, v in form.items() if k.startswith(f"{kind}_word.")}


def test_the_lists_hold_every_word_of_the_export_however_many_and_however_rare(app: App) -> None:
    """37 statuses, one of them and a consent's word written once past the 2,000 rows the draft reads: the
    form listed the words of those rows only, and none at all for a column of more than 30 words, so
    neither could be decided."""
    export_id = app.exports["annee.csv"]
    # The draft reads « Statut » (its first 2,000 rows write « Payé » only): the form lists every word of it.
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    assert form_fields(page)["field.status"] == "Statut"
    statuses = _word_choices(page, "status")
    assert set(statuses) == {"Payé", "Échangé contre un autre soir", *STATUSES}, sorted(statuses)
    assert "« Échangé contre un autre soir » 1 ligne" in text(page) and "« Payé » 2 329 lignes" in text(page)
    # The unsubscription, written once, is asked first with the yes/no words.
    asked = re.search(r'<fieldset id="yes-no">(.*?)</fieldset>', page, re.S)
    assert asked and "« Désinscrit »" in text(asked.group(1)), text(page)[:2000]
    decided = {**{statuses[w]: "sold" for w in STATUSES}, statuses["Échangé contre un autre soir"]: "exchanged",
               _word_choices(page, "yes_no")["Désinscrit"]: "false"}
    check = section(_apply(app, "annee.csv", page, **{k.replace(".", "__"): v for k, v in decided.items()}), "check")
    assert "2 400 lignes lues : 2 400 lignes acceptées, 0 ligne rejetée" in check.replace("\u202f", " "), check
    mapping = app.workspace.get(export_id).mapping()
    assert mapping["status_values"]["Échangé contre un autre soir"] == "exchanged"
    assert "Désinscrit" in mapping["false_values"]


def test_the_rejected_rows_say_where_the_form_settles_them(app: App) -> None:
    """The rejected rows' download said « ligne qui ne dit pas si elle est un billet (line_kind_values) »."""
    export_id = app.exports["souper.csv"]
    home = app.client.get("/?lang=fr").text  # the app's form token: the export's page is not what is looked at
    prepared = app.client.post(f"/exports/{export_id}/prepare?lang=fr",
                               data={"csrf": csrf(home), "quarantine_anyway": "on"})
    assert prepared.status_code == 200, text(prepared.text)[:600]
    download = app.client.get(f"/exports/{export_id}/rejects.csv?lang=fr")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    said = {row[1] for row in rows[1:]}
    assert said == {"la ligne ne dit pas si elle est un billet : dites-le sous « Ce que chaque ligne a vendu » "
                    "dans le formulaire"}, said
    assert "line_kind_values" not in download.content.decode("utf-8-sig")


# What a box-office employee met walking the app with vendor exports (France Billet's « état des ventes »,
# AXS's sales detail, Weezevent's list), said as they would.

def test_choosing_the_country_brings_its_currency_and_time_zone(app: App) -> None:
    """A French theatre's export saying nothing of its country: « Pays : Canada (deviné) », « CAD »,
    « America/Toronto ». Choosing France left the dollars and Toronto's clock: its amounts read as
    « 46,50 $ », its times six hours off, unless the employee knew to change two more settings."""
    export_id = app.exports["theatre.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    form = form_fields(page)
    assert (form["setting.country"], form["setting.currency"], form["setting.timezone"]) == (
        "CA", "CAD", "America/Toronto"), form
    after = _apply(app, "theatre.csv", page, setting__country="FR")
    mapping = app.workspace.get(export_id).mapping()
    assert (mapping["country"], mapping["currency"], mapping["timezone"]) == ("FR", "EUR", "Europe/Paris")
    preview = text(after[after.index("Les premières lignes"):after.index('id="mapping"')])
    assert "46,50 €" in preview and "$" not in preview, preview[:600]
    # A currency the employee chooses is theirs: another country chosen with it leaves it, its clock follows.
    keep_form(app, "theatre.csv", after, setting__country="BE", setting__currency="CHF")
    mapping = app.workspace.get(export_id).mapping()
    assert (mapping["currency"], mapping["timezone"]) == ("CHF", "Europe/Brussels")


def test_the_column_separator_is_chosen_in_words(app: App) -> None:
    """« le caractère entre les colonnes : une virgule, un point-virgule, ou \\t pour une tabulation »: a
    code to type for a tab."""
    page = app.client.get(f"/exports/{app.exports['theatre.csv']}?lang=fr").text
    chosen = re.search(r'<select id="setting-delimiter" name="setting.delimiter">(.*?)</select>', page, re.S)
    assert chosen, text(page)[-2000:]
    assert re.findall(r">([^<]+)</option>", chosen.group(1)) == [
        "une virgule (,)", "un point-virgule (;)", "une tabulation", "une barre verticale (|)"]
    assert form_fields(page)["setting.delimiter"] == ";"
    assert "\\t" not in text(page)


def test_a_twelve_hour_clock_is_written_in_a_spreadsheets_letters(app: App) -> None:
    """« 08:15 PM »: the form showed the time format as « %m/%d/%Y %I:%M %p »."""
    export_id = app.exports["orders.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    assert form_fields(page)["setting.datetime_formats"] == "MM/JJ/AAAA HH:mm AM/PM"
    assert "%" not in text(page[page.index('id="settings"'):page.index("</details>", page.index('id="settings"'))])
    check = section(_apply(app, "orders.csv", page), "check")
    assert "12 lignes lues : 12 lignes acceptées, 0 ligne rejetée" in check, check
    assert app.workspace.get(export_id).mapping()["datetime_formats"][0] == "%m/%d/%Y %I:%M %p"


# Advice of the services that named a YAML key, as each service writes it (its message and the values it
# fills in), for the page to say with the form's words.
SERVICE_ADVICE = [
    ("The ticket statuses are single letters ({labels}), which the draft cannot read for sure (V may be vendu or "
     "void, A active or annulé, R returned or reserved): in the mapping's YAML, write what each stands for under "
     "`status_values`: sold, refunded, cancelled or exchanged.", {"labels": "A, R, V"}),
    ("{labels} in « {column} » are not tickets: their rows will be left out. If they are tickets, set them to ticket "
     "under line_kind_values.", {"labels": "« Don », « Adhésion »", "column": "Type"}),
    ("None of the {n} rows of {path} is a ticket ({column} says so): there is nothing to prepare; export the sales of "
     "tickets, or check the values written as other under `line_kind_values` in the mapping.",
     {"n": "12", "path": "dons.csv", "column": "Type"}),
    ("The sheets {sheets} are laid out like «{read}» (rows: {rows}): only «{read}» was read. Add `sheets: all` to the "
     "mapping to read every sheet.", {"sheets": "«Mars», «Avril»", "read": "Février", "rows": "80"}),
    ("the sheet {sheet} holds them all: add `sheet: {sheet}` to the mapping", {"sheet": "Ventes"}),
    ("The file {path} lacks the column(s) {columns} that the profile {profile} maps; export them or fix the column "
     "names in a mapping file (--mapping).", {"path": "ventes.csv", "columns": "\"Statut\"", "profile": "ventes"}),
    ("line {line} holds them all: add `skip_lines: {skip}` to the mapping", {"line": "4", "skip": "3"}),
    ("The file {path} is not valid {encoding} text (line {line}); check which encoding the file was saved in and set "
     "it in the mapping (utf-8, cp1252 or latin-1).", {"path": "ventes.csv", "encoding": "utf-8", "line": "12"}),
    ("The file {path} holds Windows-1252 characters (such as curly quotes) that Latin-1 does not have; use "
     "`encoding: cp1252` in the mapping.", {"path": "ventes.csv"}),
    ("The file {path} looks like UTF-8 text but the mapping says {encoding}; use `encoding: utf-8` (or the built-in "
     "profile meant for UTF-8 files).", {"path": "ventes.csv", "encoding": "cp1252"}),
    ("check that the column chosen for {field} gives what was given back of each row's amount; if it is each order's, "
     "write `refunded_amount_per: order` in the mapping's YAML; if it counts taxes, fees or shipping the price leaves "
     "out, choose no column for it", {"field": "« Montant remboursé (de la ligne ou de sa commande) » (refunded_amount)"}),
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_services_advice_naming_yaml_keys_names_the_forms_settings(language: str) -> None:
    """« Ajoutez `sheets: all` au mappage », « ajoutez `skip_lines: 3` au mappage », « utilisez `encoding:
    cp1252` dans la correspondance », « écrivez sous `status_values` »: to a reader who has the form only."""
    from culturecoop.i18n import gettext_in
    from culturecoop.memberapp.advice import in_the_apps_words

    set_language(language)
    try:
        for message, values in SERVICE_ADVICE:
            written = gettext_in(message, language)
            assert written != message or language == "en", message  # the service speaks the reader's language
            said = in_the_apps_words(written.format(**values))
            assert not re.search(r"`|YAML|_values|amount_per|sheets: all|skip_lines|encoding:|--mapping", said), said
            assert {"fr": "dans le formulaire ci-dessous", "en": "in the form below"}[language] in said, said
    finally:
        set_language(None)


def test_whose_amount_the_refund_is_is_a_choice_beside_it(app: App) -> None:
    """« si c’est celui de chaque commande, écrivez `refunded_amount_per: order` dans le YAML du mappage »: the
    form had no such choice."""
    export_id = app.exports["theatre.csv"]
    page = app.client.get(f"/exports/{export_id}?lang=fr").text
    assert form_fields(page)["per.refunded_amount"] == ""
    # An order's refund with no column of order numbers: refused in the form's words, what was typed kept.
    refused = app.client.post(f"/exports/{export_id}/mapping?lang=fr", data={
        **form_fields(page), "field.refunded_amount": "Prix", "per.refunded_amount": "order"})
    assert refused.status_code == 400
    said = text(refused.text)
    assert ("« De qui est ce montant » dit que le montant remboursé est celui de toute sa commande, mais aucune "
            "colonne n’est choisie pour « Numéro de commande »") in said, said[:1500]
    assert "refunded_amount_per" not in said.split("Modifier le mappage en YAML")[0]
    kept = form_fields(refused.text)
    assert (kept["per.refunded_amount"], kept["field.refunded_amount"]) == ("order", "Prix")
    keep_form(app, "theatre.csv", page, field__refunded_amount="Prix", field__order_id="No billet",
          per__refunded_amount="order")
    assert app.workspace.get(export_id).mapping()["refunded_amount_per"] == "order"
