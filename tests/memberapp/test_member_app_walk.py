"""The member app walked as a francophone box-office employee walks it, on one app and a few
exports for the whole module (cheap): a refused « Préparer » or form reloaded without the browser
sending it again, a form that asks first what needs a decision, the draft's sentences in the page's
language, advice said with the form's lists rather than YAML keys, the export read once for a
refused form, and a list from the cooperative that finds every patron of an export with no
customer number."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from culturecoop.i18n import set_language
from culturecoop.ingest import sniff as sniff_module
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.profile import CANONICAL_FIELDS
from culturecoop.memberapp import workspace as workspace_module
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from memberapp.pages import box_office_rows, csrf, form_fields, section, text
from web.conftest import TestClient

MEMBER = "theatre-lilas"
# A benefit dinner's till: what each row sold (« Billet », « Don », and a silent auction the draft
# cannot place), a partial refund, no event date.
KINDS = "No commande;Date;Type;Courriel;Nom;Montant;Statut;Événement\n" + "".join(
    f"K{i};12/02/2026 10:{i:02d};{('Billet', 'Don', 'Encan silencieux', 'Billet', 'Billet')[i % 5]};p{i}@exemple.test;"
    f"Roy;25,00 $;{'Remboursement partiel' if i % 5 == 3 else 'Payé'};Souper-spectacle\n" for i in range(40))
# An Eventbrite-style order report with no customer number, under its title line: the package's
# patron id is the e-mail, else the phone (three buyers at the door gave only their phone).
ORDERS = "Rapport des commandes – Souper 2026\n\nOrder #,Order Date,First Name,Last Name,Email,Phone,Quantity," \
         "Ticket Type,Event Name,Total Paid,Order Status\n" + "".join(
             f"{1000 + i},2026-02-{1 + i % 20:02d} 18:07:00,Prénom{i},Nom{i},"
             f"{'' if i % 10 == 7 else f'client{i}@exemple.test'},514-555-{1000 + i},1,Général,"
             f"Soirée Coltrane,30.00,Placed\n" for i in range(30))


@dataclass
class Walk:
    client: TestClient
    work: Path
    keys: Path
    exports: dict[str, str]  # name → export id


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Walk:
    tmp = tmp_path_factory.mktemp("walk")
    init_keys(tmp / "keys")
    workspace = Workspace(tmp / "work")
    lines = box_office_rows(30).splitlines(keepends=True)
    odd = "".join([lines[0], *(line.replace(";Payé", ";Zorglub") if i % 3 == 0 else line
                               for i, line in enumerate(lines[1:]))])
    set_language("fr")  # dropped on a French page: the draft speaks French
    exports = {name: workspace.add(name, io.BytesIO(data.encode()), "2026-11-30T10:05:00").export_id
               for name, data in (("ventes.csv", odd), ("souper.csv", KINDS), ("commandes.csv", ORDERS))}
    set_language(None)
    app = create_member_app(MemberSettings(keys=tmp / "keys", work=tmp / "work", port=8765, member_id=MEMBER))
    return Walk(TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False), tmp / "work", tmp / "keys",
                exports)


def _alert(page: str) -> str:
    """The sentence at the top of the page (the check's own is in its section)."""
    found = re.search(r'<main>\s*<p class="error" role="alert">(.*?)</p>', page, re.S)
    return text(found.group(1)) if found else ""


def test_a_refused_prepare_or_form_is_shown_again_on_reload_without_sending_it_again(walk: Walk) -> None:
    """A third of the rows with an unknown status: « Préparer » was answered by the refused page
    itself, so reloading it made the browser ask to send the form again (and prepare again)."""
    export_id = walk.exports["ventes.csv"]
    page = walk.client.get(f"/exports/{export_id}?lang=fr").text
    answer = walk.client.post(f"/exports/{export_id}/prepare", data={"csrf": csrf(page)})
    assert answer.status_code == 303, text(answer.text)[:400]
    shown = answer.headers["location"]
    assert shown.startswith(f"/exports/{export_id}?said="), shown
    for _reload in range(2):
        again = walk.client.get(shown)
        assert again.status_code == 400
        assert "Rien n’a été écrit" in _alert(again.text) + section(again.text, "check"), text(again.text)[:800]
        assert not list((walk.work / export_id).glob("package-*"))
    # A refused form: what was typed (a time zone no one can read, pooling given with its basis) is
    # on the page the redirect shows, as often as it is reloaded.
    typed = {**form_fields(page), "setting.timezone": "heure de l'Est", "consent.pooling": "true",
             "consent_basis": "Art. 7 de nos conditions de vente"}
    answer = walk.client.post(f"/exports/{export_id}/mapping", data=typed)
    assert answer.status_code == 303, text(answer.text)[:400]
    again = walk.client.get(answer.headers["location"])
    assert again.status_code == 400 and "« Fuseau horaire » doit être" in _alert(again.text), text(again.text)[:800]
    kept = form_fields(again.text)
    assert [kept[k] for k in ("setting.timezone", "consent.pooling", "consent_basis")] == [
        "heure de l'Est", "true", "Art. 7 de nos conditions de vente"]
    # Every section of a refused form is open: the field the sentence names is in sight.
    assert '<details class="folded" id="other-fields" open>' in again.text
    # The page itself, without the redirect's key: the mapping as it is kept, and no sentence.
    plain = walk.client.get(f"/exports/{export_id}")
    assert plain.status_code == 200 and not _alert(plain.text) and form_fields(plain.text)["consent.pooling"] == ""


def test_the_form_asks_first_what_needs_a_decision_and_folds_the_rest(walk: Walk) -> None:
    """34 lists, one under the other, whatever the draft found: the two fields the page asks about
    were somewhere among them."""
    page = walk.client.get(f"/exports/{walk.exports['souper.csv']}?lang=fr").text
    form = re.search(r'<form method="post" action="/exports/\w+/mapping" class="mapping">(.*?)</form>', page, re.S)
    assert form
    first = re.search(r'<fieldset id="fields-to-decide">(.*?)</fieldset>', form.group(1), re.S)
    folded = re.search(r'<details class="folded" id="other-fields">(.*?)</details>', form.group(1), re.S)
    assert first and folded, text(form.group(1))[:1500]
    asked = re.findall(r'name="field\.(\w+)"', first.group(1))
    # The kind of row the draft could not place, the event's date no column gives, the event id it
    # built from the title: asked first; the e-mail, read without a doubt, folded.
    assert {"line_kind", "event_starts_at", "event_id"} <= set(asked) and len(asked) <= 6, asked
    assert "email" in re.findall(r'name="field\.(\w+)"', folded.group(1))
    # Not one field lost, and each list named by its label (keyboards and screen readers).
    assert sorted(re.findall(r'name="field\.(\w+)"', form.group(1))) == sorted(CANONICAL_FIELDS)
    for control in re.findall(r'<(?:select|input|textarea) id="([^"]+)"', form.group(1)):
        assert f'<label for="{control}">' in form.group(1) or f'id="{control}" name="value.' in form.group(1), control
    # What the page must decide comes before what is folded: the consents (what no export says), the
    # fields, the unknown row kind.
    order = [form.group(1).index(mark) for mark in ('id="consent"', 'id="fields-to-decide"',
                                                    '<fieldset id="line-kinds">', 'id="other-fields"')]
    assert order == sorted(order), order


def test_the_drafts_sentences_follow_the_pages_language(walk: Walk) -> None:
    """Dropped on a French page, the export's open questions and guesses stayed French on the
    English page."""
    export_id = walk.exports["souper.csv"]
    english = section(walk.client.get(f"/exports/{export_id}?lang=en").text, "check")
    assert "What the draft guessed: check it" in english and "“Time zone”: guessed from the country CA" in english
    assert ("Type says what each row sold, and the draft cannot tell whether « Encan silencieux » is a ticket: "
            "choose what it is under “What each row sold” in the form below") in english, english
    assert "l’ébauche" not in english and "ce que chaque ligne" not in english, english
    french = section(walk.client.get(f"/exports/{export_id}?lang=fr").text, "check")
    assert "l’ébauche ne sait pas si « Encan silencieux » est un billet" in french, french


def test_advice_written_for_yaml_is_said_with_the_forms_lists(walk: Walk) -> None:
    """« ajoutez-le sous `line_kind_values` comme `ticket` », « écrivez `refunded` (remboursé) pour lui
    sous `status_values` dans le YAML du mappage »: to a reader who never opens the YAML."""
    export_id = walk.exports["souper.csv"]
    page = walk.client.get(f"/exports/{export_id}?lang=fr").text
    check = section(page, "check")
    assert "choisissez ce que c’est sous « Ce que chaque ligne a vendu » dans le formulaire ci-dessous" in check, check
    assert ("si toute la commande a été rendue, choisissez « billet remboursé » pour lui sous « Ce que veulent dire "
            "les statuts de billet » dans le formulaire ci-dessous") in check, check
    assert "la ligne ne dit pas si elle est un billet : dites-le sous « Ce que chaque ligne a vendu »" in check, check
    for word in ("YAML", "line_kind_values", "status_values", "`"):
        assert word not in check, (word, check)
    # The list the advice points to: the auction chosen as no ticket, its rows are left out, none rejected.
    data = form_fields(page)
    word = next(k for k, v in data.items() if k.startswith("line_kind_word.") and v == "Encan silencieux")
    answer = walk.client.post(f"/exports/{export_id}/mapping", data={**data, word.replace("_word", ""): "other"})
    assert answer.status_code == 303, _alert(answer.text)
    check = section(walk.client.get(f"/exports/{export_id}?lang=fr").text, "check")
    assert "0 ligne rejetée" in check and "16 lignes ne sont pas des billets" in check, check


def test_a_refused_form_reads_the_export_once(walk: Walk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The form refused, then its page: the export's first rows were read for the form's check and
    again for the page (a workbook's thousand rows, twice)."""
    export_id = walk.exports["ventes.csv"]
    page = walk.client.get(f"/exports/{export_id}?lang=fr").text
    reads: list[Path] = []
    real = sniff_module.sniff

    def counted(path: Path, *args: Any) -> Any:
        reads.append(path)
        return real(path, *args)

    monkeypatch.setattr(sniff_module, "sniff", counted)
    if hasattr(workspace_module, "sniff"):
        monkeypatch.setattr(workspace_module, "sniff", counted)
    # One event's date written for every row: refused (this export's date style does not read it).
    answer = walk.client.post(f"/exports/{export_id}/mapping", follow_redirects=True, data={
        **form_fields(page), "field.event_starts_at": "", "value.event_starts_at": "le 20 mai"})
    assert answer.status_code == 400 and "n’est pas écrit comme cet export écrit ses dates" in _alert(answer.text)
    assert len(reads) <= 1, reads


def test_a_list_finds_every_patron_of_an_export_with_no_customer_number(walk: Walk) -> None:
    """An order report with no customer number, under a title line: the package knows each buyer by
    their e-mail, else their phone. The list came back without any e-mail or name (its columns were
    looked for on the title line), and a buyer known by their phone had neither."""
    from culturecoop.ingest.prepare import prepare

    export = Workspace(walk.work).get(walk.exports["commandes.csv"])
    out = walk.work / "package-of-commandes"
    prepare(export.source, member=MemberInfo(MEMBER, MEMBER, "other", "QC"), profile=export.profile(),
            keys_dir=walk.keys, out=out, max_reject_share=1.0)
    tokens = [r[0] for r in duckdb.sql(f"SELECT member_patron_id FROM read_parquet('{out}/patron*.parquet') "
                                       "ORDER BY 1").fetchall()]
    assert len(tokens) == 30
    page = walk.client.get("/?lang=fr").text
    listed = ("\ufeff" + "\r\n".join(["Jeton du client", *tokens]) + "\r\n").encode()
    answer = walk.client.post("/patron-list", data={"csrf": csrf(page)}, follow_redirects=True,
                              files={"file": ("segment.csv", listed, "text/csv")})
    assert answer.status_code == 200, _alert(answer.text)
    assert "Retrouvés dans les exports gardés sur cet ordinateur : 30 (commandes.csv)." in section(
        answer.text, "patron-list")
    rows = list(csv.reader(io.StringIO(walk.client.get("/patron-list.csv").content.decode("utf-8-sig"))))
    assert rows[0] == ["Votre identifiant client", "Courriel", "Nom"]
    found = {row[0]: row[1:] for row in rows[1:]}
    for i in range(30):
        e_mail = "" if i % 10 == 7 else f"client{i}@exemple.test"
        assert found[e_mail or f"514-555-{1000 + i}"] == [e_mail, f"Prénom{i} Nom{i}"], (i, found)


def test_a_form_sent_after_the_app_was_started_again_comes_back_with_a_fresh_form(walk: Walk) -> None:
    """The app closed and started again, its page still open in the browser: « Appliquer » answered
    « Ce formulaire a expiré ; rechargez la page et réessayez », and reloading sent the same stale form
    again, refused again."""
    export_id = walk.exports["commandes.csv"]
    stale = csrf(walk.client.get("/?lang=fr").text)
    started_again = TestClient(create_member_app(MemberSettings(keys=walk.keys, work=walk.work, port=8765,
                                                                member_id=MEMBER)),
                               base_url="http://127.0.0.1:8765", follow_redirects=False)
    answer = started_again.post(f"/exports/{export_id}/mapping?lang=fr", data={"csrf": stale, "action": "form"})
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"/exports/{export_id}?said=")
    shown = started_again.get(answer.headers["location"])
    assert shown.status_code == 403
    assert _alert(shown.text) == ("Ce formulaire avait expiré (l’application a été relancée depuis l’ouverture de la "
                                  "page) : envoyez-le de nouveau depuis cette page."), _alert(shown.text)
    assert csrf(shown.text) != stale  # the page's own form carries the running app's secret
