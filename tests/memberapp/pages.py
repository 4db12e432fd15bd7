"""Reading the member app's pages as their reader does: the words, a section's words, the form's token;
an app with exports dropped in it, a form sent and kept; and an export as a Québec box office writes it."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from culturecoop.i18n import set_language
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from web.conftest import TestClient

HEADER = "No billet;No client;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut\n"


def box_office_rows(n: int) -> str:
    """``n`` sales of one show, priced as a Québec box office writes them (« 46,50 $ »)."""
    return HEADER + "".join(
        f"B{i};C{i % 700};p{i % 700}@exemple.test;11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;46,50 $;1;Payé\n"
        for i in range(n))


def text(page: str) -> str:
    """The page's words, tags and spacing aside (no-break spaces read as spaces)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u202f", " ").replace("\xa0", " ").split())


def section(page: str, card: str) -> str:
    """The words of the page's card ``card`` (``check``, ``package``…)."""
    found = re.search(rf'<section class="card" id="{card}">(.*?)</section>', page, re.S)
    assert found, f"no card {card}"
    return text(found.group(1))


def csrf(page: str) -> str:
    """The form token the page carries."""
    return re.findall(r'name="csrf" value="([^"]+)"', page)[0]


def form_fields(page: str) -> dict[str, str]:
    """The mapping form's fields as the browser sends them (its token, each list's choice, each text)."""
    form = re.search(r'<form method="post" action="/exports/\w+/mapping" class="mapping">(.*?)</form>', page, re.S)
    assert form
    data = {"csrf": csrf(page), "action": "form"}
    for name, options in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', form.group(1), re.S):
        chosen = re.search(r'<option value="([^"]*)"\s*selected', options) or re.search(r'<option value="([^"]*)"', options)
        assert chosen
        data[name] = html.unescape(chosen.group(1))
    for name, value in re.findall(r'<input (?:id="[^"]*"|type="hidden") name="([^"]+)" value="([^"]*)"[^>]*>', form.group(1)):
        data[name] = html.unescape(value)
    data["csrf"] = csrf(page)
    basis = re.search(r'name="consent_basis"[^>]*>(.*?)</textarea>', form.group(1), re.S)
    assert basis
    data["consent_basis"] = html.unescape(basis.group(1))
    return data


@dataclass
class App:
    """A member app on its own workspace, and the exports dropped in it (file name → export id)."""

    client: TestClient
    workspace: Workspace
    exports: dict[str, str]


def app_with(folder: Path, files: dict[str, bytes]) -> App:
    """A member app with its keys and workspace in ``folder``, ``files`` dropped in it from a French page."""
    init_keys(folder / "keys")
    workspace = Workspace(folder / "work")
    set_language("fr")
    try:
        exports = {name: workspace.add(name, io.BytesIO(data), "2026-11-30T10:05:00").export_id
                   for name, data in files.items()}
    finally:
        set_language(None)
    member = create_member_app(MemberSettings(keys=folder / "keys", work=folder / "work", port=8765, member_id="m1"))
    return App(TestClient(member, base_url="http://127.0.0.1:8765"), workspace, exports)


def keep_form(app: App, name: str, page: str, **changes: str) -> None:
    """The mapping form of ``page`` sent for the export ``name`` with ``changes`` (a field's name with
    « . » written « __ »), kept (not refused); the page it leads to is not asked for (each page of a new
    mapping reads the export again, about a second of CPU)."""
    answer = app.client.post(f"/exports/{app.exports[name]}/mapping?lang=fr", follow_redirects=False, data={
        **form_fields(page), **{k.replace("__", "."): v for k, v in changes.items()}})
    assert answer.status_code == 303 and "said=" not in answer.headers["location"], answer.headers["location"]
