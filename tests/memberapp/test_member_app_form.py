"""The mapping form as a box-office newcomer fills it: what was typed stays on the page when it is
refused, a refusal names the form's own fields (never timezone, amount_scale, consent_basis), a city
or a currency sign is read as meant, and an export the form's settings cannot read says which
setting to set back and to what."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import yaml

from culturecoop.i18n import set_language
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from memberapp.pages import box_office_rows, section
from memberapp.pages import csrf as _csrf
from memberapp.pages import form_fields as _form
from memberapp.pages import text as _text
from web.conftest import TestClient


def _app(tmp_path: Path) -> tuple[TestClient, str, Workspace]:
    init_keys(tmp_path / "keys")
    workspace = Workspace(tmp_path / "work")
    export = workspace.add("ventes.csv", io.BytesIO(box_office_rows(12).encode("utf-8")), "2026-11-30T10:05:00")
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=8765, member_id="m1"))
    return TestClient(app, base_url="http://127.0.0.1:8765"), export.export_id, workspace


def _alert(page: str) -> str:
    """The page's error sentence, at its top."""
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    assert found, _text(page)[:600]
    return _text(found.group(1))


def test_a_refused_form_keeps_what_was_typed_and_names_the_forms_fields(tmp_path: Path) -> None:
    """« heure de l'Est » in the time zone, with pooling given and its basis: the page answered
    « timezone doit être un fuseau horaire IANA » and showed the form as it was before, the time zone,
    the consent and the basis typed with it all gone."""
    client, export_id, _ = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    typed = {**_form(page), "setting.timezone": "heure de l'Est", "consent.pooling": "true",
             "consent_basis": "Art. 7 de nos conditions de vente", "setting.amount_scale": "0.01"}
    refused = client.post(f"/exports/{export_id}/mapping?lang=fr", data=typed)
    assert refused.status_code == 400
    said = _alert(refused.text)
    assert "« Fuseau horaire » doit être" in said and "timezone" not in said, said[:800]
    shown = _form(refused.text)
    for key in ("setting.timezone", "consent.pooling", "consent_basis", "setting.amount_scale"):
        assert shown[key] == typed[key], (key, shown[key])


def test_a_consent_given_without_its_basis_says_where_to_write_it(tmp_path: Path) -> None:
    client, export_id, _ = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    refused = client.post(f"/exports/{export_id}/mapping?lang=fr", data={**_form(page), "consent.pooling": "true"})
    assert refused.status_code == 400
    said = _alert(refused.text)
    assert "écrivez dans « Fondement »" in said, said[:800]
    assert "consent_basis" not in said and "consent_defaults" not in said, said[:800]
    assert _form(refused.text)["consent.pooling"] == "true"


def test_a_city_for_the_time_zone_and_a_sign_for_the_currency_are_read_as_meant(tmp_path: Path) -> None:
    """« Paris » and « € » were refused as no IANA time zone and no ISO 4217 code."""
    client, export_id, workspace = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    for zone, currency, country, meant in (("Paris", "€", "FR", ("Europe/Paris", "EUR")),
                                           ("Montréal", "$", "CA", ("America/Montreal", "CAD"))):
        answer = client.post(f"/exports/{export_id}/mapping?lang=fr", follow_redirects=False, data={
            **_form(page), "setting.timezone": zone, "setting.currency": currency, "setting.country": country})
        assert answer.status_code == 303, _text(answer.text)[:600]
        mapping = yaml.safe_load(workspace.get(export_id).mapping_text())
        assert (mapping["timezone"], mapping["currency"]) == meant, mapping


def test_a_separator_the_file_is_not_written_with_says_which_to_choose(tmp_path: Path) -> None:
    """A comma chosen for a file separated by semicolons: the check said « Il manque au fichier… les
    colonnes… que le profil… utilise ; … dans un fichier de correspondance (--mapping) »."""
    client, export_id, _ = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    client.post(f"/exports/{export_id}/mapping?lang=fr", data={**_form(page), "setting.delimiter": ","})
    check = section(client.get(f"/exports/{export_id}?lang=fr").text, "check")
    assert ("« Séparateur de colonnes » est une virgule (,), mais ce fichier s’écrit avec un point-virgule (;) : "
            "choisissez un point-virgule (;).") in check, check[:800]
    assert "--mapping" not in check and "profil" not in check, check[:800]


def test_a_refused_yaml_stays_in_its_box(tmp_path: Path) -> None:
    client, export_id, _ = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    box = re.search(r'<textarea name="yaml"[^>]*>(.*?)</textarea>', page, re.S)
    assert box
    typed = html.unescape(box.group(1)).replace("decimal: ','", "decimal: 'virgule'") + "\n# ma note\n"
    refused = client.post(f"/exports/{export_id}/mapping?lang=fr", data={"csrf": _csrf(page), "action": "yaml",
                                                                         "yaml": typed})
    assert refused.status_code == 400
    kept = re.search(r'<details open>\s*<summary>[^<]*</summary>.*?<textarea name="yaml"[^>]*>(.*?)</textarea>',
                     refused.text, re.S)
    assert kept and html.unescape(kept.group(1)) == typed, refused.text[-2000:]


def test_the_drafts_guesses_are_said_until_changed(tmp_path: Path) -> None:
    """The draft guessed the time zone from the phones' area codes and built the event id from the
    title and the start; it wrote « À VÉRIFIER » in the YAML only, which this page's reader never
    opens: the page said nothing of it."""
    init_keys(tmp_path / "keys")
    rows = "".join(f"LPV-{i};14 janvier 2026 11:{i:02d};Léa Roy;lea{i}@exemple.test;(418) 555-20{i:02d};"
                   f"Le Dîner de cons;15 mars 2026 14 h 00;29,50 $;Payée\n" for i in range(12))
    set_language("fr")  # the app drafts in the language of the page the file was dropped on
    export = Workspace(tmp_path / "work").add("ventes.csv", io.BytesIO(
        ("No commande;Date;Client;Courriel;Téléphone;Spectacle;Représentation;Prix;État\n" + rows).encode("cp1252")),
        "2026-11-30T10:05:00")
    set_language(None)
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=8765, member_id="m1"))
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    page = client.get(f"/exports/{export.export_id}?lang=fr").text
    check = section(page, "check")
    assert "Ce que l’ébauche a deviné : à vérifier" in check, check[:900]
    assert "« Fuseau horaire » : deviné d’après les indicatifs téléphoniques" in check, check[:900]
    assert "« Identifiant de l’événement » :" in check, check[:900]
    label = re.search(r'<label for="field-event_id">(.*?)</label>', page, re.S)
    assert label and "(deviné : à vérifier)" in _text(label.group(1)), label
    client.post(f"/exports/{export.export_id}/mapping?lang=fr", data={**_form(page), "setting.timezone": "Europe/Paris"})
    check = section(client.get(f"/exports/{export.export_id}?lang=fr").text, "check")
    assert "Fuseau horaire" not in check and "« Identifiant de l’événement » :" in check, check[:900]


def test_a_status_word_the_app_does_not_know_is_chosen_in_the_form(tmp_path: Path) -> None:
    """« Zorglub » on a third of the rows: the page said « dites ce que veut dire «Zorglub» dans le
    YAML du mappage : ajoutez `status_values: {Zorglub: sold}` », to a reader who never opens YAML."""
    init_keys(tmp_path / "keys")
    workspace = Workspace(tmp_path / "work")
    lines = box_office_rows(30).splitlines(keepends=True)
    set_language("fr")  # the app drafts in the language of the page the file was dropped on
    export = workspace.add("ventes.csv", io.BytesIO("".join(
        [lines[0], *(line.replace(";Payé", ";Zorglub") if i % 3 == 0 else line for i, line in enumerate(lines[1:]))]
    ).encode("utf-8")), "2026-11-30T10:05:00")
    set_language(None)
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=8765, member_id="m1"))
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    page = client.get(f"/exports/{export.export_id}?lang=fr").text
    check = section(page, "check")
    assert "choisissez ce que veut dire «Zorglub» sous « Ce que veulent dire les statuts de billet »" in check, check
    assert "YAML" not in check and "status_values" not in check, check
    statuses = re.search(r'<fieldset id="statuses">(.*?)</fieldset>', page, re.S)
    assert statuses, page[-3000:]
    said = _text(statuses.group(1))
    assert "« Zorglub » 10 lignes non reconnu : ses lignes sont mises de côté" in said, said
    form = _form(page)
    word = next(k for k, v in form.items() if k.startswith("status_word.") and v == "Zorglub")
    answer = client.post(f"/exports/{export.export_id}/mapping?lang=fr", follow_redirects=False,
                         data={**form, word.replace("status_word", "status"): "cancelled"})
    assert answer.status_code == 303, _text(answer.text)[:600]
    assert yaml.safe_load(workspace.get(export.export_id).mapping_text())["status_values"]["Zorglub"] == "cancelled"
    assert "30 lignes lues : 30 lignes acceptées, 0 ligne rejetée." in section(
        client.get(f"/exports/{export.export_id}?lang=fr").text, "check")


def test_a_venue_and_a_genre_the_same_for_every_row_are_written_in_the_form(tmp_path: Path) -> None:
    """An export of one venue names neither it nor the genre; the draft proposed « venue: {value:
    Votre salle} » in its YAML, and the form offered only the export's columns: the venue and the
    genre (which trends, affinities and audiences use) needed YAML."""
    client, export_id, workspace = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    assert 'name="value.venue"' in page and 'name="value.genres"' in page
    answer = client.post(f"/exports/{export_id}/mapping?lang=fr", follow_redirects=False, data={
        **_form(page), "value.venue": "Le Club Soda", "value.genres": "jazz"})
    assert answer.status_code == 303, _text(answer.text)[:600]
    columns = yaml.safe_load(workspace.get(export_id).mapping_text())["columns"]
    assert columns["venue"] == {"value": "Le Club Soda"} and columns["genres"] == {"value": "jazz"}, columns
    page = client.get(f"/exports/{export_id}?lang=fr").text
    assert _form(page)["value.venue"] == "Le Club Soda"  # shown where it was written, not as YAML
    preview = re.search(r'<table class="list preview">(.*?)</table>', page, re.S)
    assert preview and "Salle" in _text(preview.group(1)) and "Le Club Soda" in _text(preview.group(1))
    # Emptied, with no column chosen: the venue is no longer read.
    client.post(f"/exports/{export_id}/mapping?lang=fr", data={**_form(page), "value.venue": ""})
    assert "venue" not in yaml.safe_load(workspace.get(export_id).mapping_text())["columns"]


def test_date_formats_are_shown_and_typed_in_a_spreadsheets_letters(tmp_path: Path) -> None:
    """The form asked for « %d/%m/%Y %H:%M », a programmer's notation: it now shows the drafted format
    as « JJ/MM/AAAA HH:mm » (« DD/MM/YYYY HH:mm » in English), keeps it when the form is applied
    as it is, and reads « mm/jj/aaaa hh:mm » typed the way French office software writes it."""
    client, export_id, workspace = _app(tmp_path)
    page = client.get(f"/exports/{export_id}?lang=fr").text
    shown = _form(page)
    assert shown["setting.datetime_formats"] == "JJ/MM/AAAA HH:mm", shown["setting.datetime_formats"]
    assert "comme JJ/MM/AAAA HH:mm (jour, mois, année, heures, minutes)" in _text(page)
    english = _form(client.get(f"/exports/{export_id}?lang=en").text)
    assert english["setting.datetime_formats"] == "DD/MM/YYYY HH:mm"

    applied = client.post(f"/exports/{export_id}/mapping?lang=fr", data=shown)
    assert applied.status_code == 200 and not re.search(r"class=\"error\"", applied.text), _text(applied.text)[:400]
    assert workspace.get(export_id).mapping()["datetime_formats"] == ["%d/%m/%Y %H:%M"]

    typed = {**_form(client.get(f"/exports/{export_id}?lang=fr").text),
             "setting.datetime_formats": "mm/jj/aaaa hh:mm ; AAAA-MM-JJTHH:mm:ss ; %d %B %Y"}
    assert client.post(f"/exports/{export_id}/mapping?lang=fr", data=typed).status_code == 200
    assert workspace.get(export_id).mapping()["datetime_formats"] == ["%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%d %B %Y"]
    # A format the letters do not cover (a month's name) is shown as the mapping writes it.
    again = _form(client.get(f"/exports/{export_id}?lang=fr").text)
    assert again["setting.datetime_formats"] == "MM/JJ/AAAA HH:mm ; AAAA-MM-JJTHH:mm:ss ; %d %B %Y"


def test_a_workbook_is_not_asked_for_a_text_files_settings(tmp_path: Path) -> None:
    """An Excel export's form asked for its text encoding and column separator, which an .xlsx has
    not, and the member wondered which to pick; a CSV's form asked for a sheet. Each now asks what
    its file has."""
    from workbooks import write_xlsx

    client, csv_id, workspace = _app(tmp_path)
    rows = [line.split(";") for line in box_office_rows(6).splitlines()]
    book = write_xlsx(tmp_path / "ventes.xlsx", {"Ventes": rows})
    with book.open("rb") as f:
        xlsx_id = workspace.add("ventes.xlsx", f, "2026-11-30T10:06:00").export_id
    for export_id, asked, not_asked in ((csv_id, {"setting.encoding", "setting.delimiter"}, {"setting.sheet"}),
                                        (xlsx_id, {"setting.sheet"}, {"setting.encoding", "setting.delimiter"})):
        form = _form(client.get(f"/exports/{export_id}?lang=fr").text)
        assert asked <= set(form) and not not_asked & set(form), (export_id, sorted(form))
        assert "setting.skip_lines" in form and "setting.timezone" in form
    # Applying the workbook's form keeps its reading: its sheet is read as before.
    form = _form(client.get(f"/exports/{xlsx_id}?lang=fr").text)
    applied = client.post(f"/exports/{xlsx_id}/mapping?lang=fr", data=form)
    assert applied.status_code == 200 and not re.search(r"class=\"error\"", applied.text), _text(applied.text)[:400]
    assert "6 lignes lues" in section(applied.text, "check"), section(applied.text, "check")[:300]


ONE_CONCERT = ("Numéro de commande;Nom;Prénom;Email;Date de la commande;Tarif;Montant;Statut\n" + "".join(
    f"{1000 + i};Tremblay{i};Julie;julie{i}@exemple.test;0{1 + i % 9}/04/2026 1{i % 10}:15;Plein tarif;25,00 €;Validé\n"
    for i in range(12)))


def test_a_single_events_date_is_written_once_in_the_form(tmp_path: Path) -> None:
    """A one-concert export (HelloAsso's, a form's) has no column for the show's date: the cooperative
    dated the event by its last sale unless the member wrote YAML. The date is now written once in the
    form, in the export's own date style; a date that style does not read, or one date for an export
    of several events, is refused with what to write."""
    import duckdb

    init_keys(tmp_path / "keys")
    workspace = Workspace(tmp_path / "work")
    export_id = workspace.add("concert.csv", io.BytesIO(ONE_CONCERT.encode("utf-8")), "2026-11-30T10:05:00").export_id
    client = TestClient(create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=8765,
                                                         member_id="m1")), base_url="http://127.0.0.1:8765")
    page = client.get(f"/exports/{export_id}?lang=fr").text
    form = _form(page)
    assert "value.event_starts_at" in form
    # The open question says where to write it, not only to choose a column or change the ticketing.
    assert "pour un export d’un seul événement, écrivez sa date une fois dans le formulaire" in _text(page)
    refused = client.post(f"/exports/{export_id}/mapping?lang=fr", data={**form, "value.event_starts_at": "le 20 mai"})
    assert refused.status_code == 400
    said = _alert(refused.text)
    assert "« le 20 mai »" in said and "JJ/MM/AAAA HH:mm" in said and "20/05/2026 20:00" in said, said
    assert _form(refused.text)["value.event_starts_at"] == "le 20 mai"  # kept as typed
    applied = client.post(f"/exports/{export_id}/mapping?lang=fr", data={**form, "value.event_starts_at": "20/05/2026 20:00"})
    assert applied.status_code == 200 and not re.search(r"class=\"error\"", applied.text), _text(applied.text)[:400]
    prepared = client.post(f"/exports/{export_id}/prepare?lang=fr", data={"csrf": _csrf(applied.text)})
    assert "Paquet préparé : 12 lignes acceptées" in _text(prepared.text), _text(prepared.text)[:600]
    package = workspace.get(export_id).package
    assert package is not None
    starts = duckdb.sql(f"SELECT DISTINCT starts_at::VARCHAR FROM '{package / 'event.parquet'}'").fetchall()
    assert len(starts) == 1 and starts[0][0].startswith("2026-05-20"), starts

    # An export of several shows: one date cannot be all of theirs.
    several = workspace.add("saison.csv", io.BytesIO(
        (box_office_rows(3) + "B9;C9;p9@exemple.test;12/01/2026 10:00;S2;Nuit du conte;21/05/2026 20:00;30,00 $;1;Payé\n"
         ).encode("utf-8")), "2026-11-30T10:07:00").export_id
    form = _form(client.get(f"/exports/{several}?lang=fr").text)
    refused = client.post(f"/exports/{several}/mapping?lang=fr", data={**form, "value.event_starts_at": "20/05/2026 20:00"})
    assert refused.status_code == 400 and "plusieurs événements (2 dans ses premières lignes)" in _alert(refused.text)


def test_the_export_page_viewed_again_is_not_checked_again(tmp_path: Path) -> None:
    """Each view of an export's page, and each refused form, checked and read the whole export again:
    a second of CPU for the same answer. The same export and mapping are checked once; a mapping
    changed since is checked anew."""
    import time

    client, export_id, _ = _app(tmp_path)

    def view() -> tuple[str, float]:
        started = time.process_time()
        page = client.get(f"/exports/{export_id}?lang=fr").text
        return page, time.process_time() - started

    first, first_cpu = view()
    again, again_cpu = view()
    assert _text(again) == _text(first) and _form(again) == _form(first)
    assert again_cpu < first_cpu / 4, (first_cpu, again_cpu)
    changed = client.post(f"/exports/{export_id}/mapping?lang=fr", data={**_form(first), "setting.amount_scale": "0.01"})
    assert changed.status_code == 200, _alert(changed.text)
    assert _text(view()[0]) != _text(first)
