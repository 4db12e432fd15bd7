"""The member app end to end, as a member without a terminal would use it, in Debian's Chromium.

A real cooperative (`culturecoop serve`) and a real member app (`culturecoop member serve`) run
on loopback, each in its own process. In the browser: drop a vendor export, fix one mapping field
in the form (the pooling consent the export cannot carry), prepare, send; then the cooperative's
Data tab shows the ingest. The raw export never reached the cooperative: its e-mails are in no
byte of the warehouse. Screenshots go to test-artifacts/memberapp/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from culturecoop.governance.accounts import create_account
from culturecoop.governance.sessions import create_token
from culturecoop.governance.uploads import add_member
from culturecoop.privacy.keys import init_keys
from culturecoop.warehouse.engine import Warehouse
from vendors import write_export
from web.live import free_port

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "memberapp"
MEMBER = "jazz-dieze"
PASSWORD = "correct horse battery"


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def _start(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CULTURECOOP_LANG": "fr"}
    return subprocess.Popen([sys.executable, "-m", "culturecoop.cli.main", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr is not None:
        process.stderr.close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    root = tmp_path_factory.mktemp("member-app")
    keys = root / "keys"
    init_keys(keys)
    db = root / "coop.duckdb"
    with Warehouse(db, create=True) as warehouse:
        add_member(warehouse, MEMBER, "Le Dièse", "jazz_club", "Montréal")
        account = create_account(warehouse, email="marie@dieze.test", password=PASSWORD, role="member_admin",
                                 member_id=MEMBER, display_name="Marie", language="fr")
        token = create_token(warehouse, account, "member app")[1]
    token_file = root / "token.txt"
    token_file.write_text(token + "\n", encoding="utf-8")
    coop_port, app_port = free_port(), free_port()
    coop = _start("serve", "--db", str(db), "--port", str(coop_port), "--keys", str(keys), "--insecure-cookies")
    member = _start("member", "serve", "--keys", str(keys), "--coop", f"http://127.0.0.1:{coop_port}",
                    "--token-file", str(token_file), "--work", str(root / "work"), "--port", str(app_port),
                    "--name", "Le Dièse", "--kind", "jazz_club")
    try:
        _wait(f"http://127.0.0.1:{coop_port}/healthz", coop)
        _wait(f"http://127.0.0.1:{app_port}/", member)
        yield {"coop": f"http://127.0.0.1:{coop_port}", "app": f"http://127.0.0.1:{app_port}", "db": db,
               "root": root}
    finally:
        _stop(member)
        _stop(coop)


def test_drop_fix_prepare_send_and_see_it_on_the_data_tab(sites: dict[str, object]) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (never `playwright install`)")
    root = Path(str(sites["root"]))
    (root / "downloads").mkdir(exist_ok=True)
    truth = write_export("eventbrite-attendees", root / "downloads", rows=240, seed=11)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(str(sites["app"]) + "/")
            assert "ne quitte jamais" in page.inner_text(".promise")
            page.set_input_files("#file", str(truth.path))
            with page.expect_navigation(wait_until="load"):
                page.click('form.drop[action="/exports"] button.primary')
            assert page.locator("h1").inner_text() == truth.path.name
            check = page.inner_text("#check")
            assert "lignes lues" in check
            # Said as this page works: the consent section below, not YAML keys; reasons and
            # settings in words, not the mapping file's codes.
            assert "section des consentements ci-dessous" in check and "consent_defaults" not in check, check
            assert "missing_patron_id" not in check and "ni numéro de client, ni courriel, ni téléphone pour compter l’acheteur" in check.replace("'", "’"), check
            # What the draft had no doubt about is folded: the fields it read, and its settings unless
            # one was guessed; a click on its summary opens a section.
            assert not page.locator("#other-fields").evaluate("d => d.open")
            if not page.locator("#settings").evaluate("d => d.open"):
                page.click("#settings > summary")
            form = page.inner_text("#mapping")
            assert "Séparateur de colonnes" in form and "Fuseau horaire" in form, form
            assert not [key for key in ("skip_lines", "amount_scale", "datetime_formats", "encoding") if key in form], form
            page.screenshot(path=str(ARTIFACTS / "1-drafted.png"), full_page=True)
            # The one field to fix: pooling consent, which no export carries, with its basis.
            page.select_option("#consent-pooling", "true")
            page.fill("#consent-basis", "Art. 7 de nos conditions de vente : achats mis en commun.")
            with page.expect_navigation(wait_until="load"):
                page.click("form.mapping button.primary")
            assert page.locator("#consent-pooling").input_value() == "true"
            # Pooling consent set: no longer an open question on the page.
            assert "mise en commun" not in page.inner_text("#check"), page.inner_text("#check")
            with page.expect_navigation(wait_until="load"):
                page.click("#prepare")
            prepared = page.inner_text("#prepared")
            assert "Paquet préparé" in prepared, page.inner_text("main")
            page.screenshot(path=str(ARTIFACTS / "2-prepared.png"), full_page=True)
            with page.expect_navigation(wait_until="load"):
                page.click("#send")
            assert "chargé dans l’entrepôt" in page.inner_text("#sent"), page.inner_text("main")
            page.screenshot(path=str(ARTIFACTS / "3-sent.png"), full_page=True)
            # The cooperative's Data tab shows the ingest.
            page.goto(str(sites["coop"]) + "/login")
            page.fill("input[name=email]", "marie@dieze.test")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation(wait_until="load"):
                page.click("button.primary")
            page.goto(str(sites["coop"]) + f"/m/{MEMBER}/data")
            data = page.inner_text("main")
            page.screenshot(path=str(ARTIFACTS / "4-coop-data-tab.png"), full_page=True)
            assert page.inner_text(".file-pick label[for=package-file]") == "Choisir un fichier"
            tickets = len(truth.tickets)
            assert f"{tickets}" in data.replace("\u202f", "").replace("\xa0", "").replace(" ", ""), data
            # The consent basis written in the form is stated on the Transparency page.
            page.goto(str(sites["coop"]) + f"/m/{MEMBER}/transparency")
            assert "Art. 7 de nos conditions de vente" in page.inner_text("main")
            assert not errors, errors
        finally:
            browser.close()
    # Only the package crossed: no e-mail of the export is in any byte of the cooperative's files.
    emails = {t.buyer.email for t in truth.tickets if t.buyer.email}
    assert len(emails) > 50
    coop_bytes = b"".join(p.read_bytes() for p in Path(str(sites["db"])).parent.glob("coop.duckdb*"))
    leaked = [e for e in emails if e.encode() in coop_bytes]
    assert not leaked, leaked[:3]


def test_the_export_field_speaks_the_pages_language_in_a_browser_set_to_another(sites: dict[str, object]) -> None:
    """Chromium in English draws its own file button "Choose File" and "No file chosen" on the French
    page: the first words a member meets. The page's own button and the chosen file's name instead."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (never `playwright install`)")
    root = Path(str(sites["root"]))
    export = root / "ventes-novembre.csv"
    export.write_text("Nom,Courriel\nMarie Roy,marie@example.org\n", encoding="utf-8")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--lang=en-US"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800}, locale="en-US")
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(str(sites["app"]) + "/?lang=fr")
            field = page.locator('form.drop[action="/exports"] .file-pick')
            assert field.locator("label").inner_text() == "Choisir un fichier"
            assert field.locator(".file-name").inner_text() == "Aucun fichier choisi"
            # The browser's own control is out of sight, yet reached by the keyboard.
            box = page.locator("#file").bounding_box()
            assert box is not None and box["width"] <= 1 and box["height"] <= 1
            page.focus("#file")
            assert page.evaluate("document.activeElement.id") == "file"
            page.set_input_files("#file", str(export))
            assert field.locator(".file-name").inner_text() == "ventes-novembre.csv"
            page.screenshot(path=str(ARTIFACTS / "0-file-field-fr.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()


def test_a_file_dropped_on_the_dashed_box_is_read(sites: dict[str, object]) -> None:
    """The home page says « Déposez l’export » above a dashed box, but a file dropped on it did
    nothing, and dropped beside it the browser opened the export and left the app."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (never `playwright install`)")
    from memberapp.pages import box_office_rows

    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page.goto(str(sites["app"]) + "/?lang=fr")
            drop = """([text, where]) => {
                const files = new DataTransfer();
                files.items.add(new File([text], "ventes-glissees.csv", {type: "text/csv"}));
                const target = document.querySelector(where);
                const over = new DragEvent("dragover", {dataTransfer: files, bubbles: true, cancelable: true});
                target.dispatchEvent(over);
                const dropped = new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true});
                target.dispatchEvent(dropped);
                return dropped.defaultPrevented;
            }"""
            # Beside the box: refused, the browser does not open the file.
            assert page.evaluate(drop, [box_office_rows(12), "h1"]) is True
            assert page.url.endswith("/?lang=fr")
            # On the box: read at once, as « Lire cet export » would.
            with page.expect_navigation(timeout=30_000, wait_until="load"):
                page.evaluate(drop, [box_office_rows(12), 'form.drop[action="/exports"]'])
            assert page.locator("h1").inner_text() == "ventes-glissees.csv"
            assert "12 lignes lues" in page.inner_text("#check")
        finally:
            browser.close()
