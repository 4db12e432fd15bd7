"""A café-théâtre's booking workbook kept by hand, walked in French in Debian's Chromium at 1280 px, then the
app stopped the way a system stops it. The first rows of fourteen fields scrolled sideways (1,800 pixels in a
1,046-pixel card), and `member serve` stopped by SIGTERM said « Erreur : Arrêté à votre demande… » and exited
130. Screenshots go to test-artifacts/memberapp/handkept-*.png."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from culturecoop.privacy.keys import init_keys
from web.live import free_port

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "memberapp"
WORKBOOK = Path(__file__).parents[1] / "fixtures" / "exports" / "handkept" / "reservations-cafe-theatre.xlsx"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``member serve`` in its own process, and its address; stopped by the module's last test."""
    root = tmp_path_factory.mktemp("handkept-app")
    init_keys(root / "keys")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "culturecoop.cli.main", "member", "serve", "--keys", str(root / "keys"),
         "--work", str(root / "work"), "--port", str(port), "--member", "cafe"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "CULTURECOOP_LANG": "fr"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/?lang=fr", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the member app did not start"
        time.sleep(0.2)
    yield process, url
    if process.poll() is None:
        process.kill()
        process.communicate(timeout=30)


def test_a_workbook_kept_by_hand_fits_the_page_and_prepares(app: tuple[subprocess.Popen[str], str]) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (never `playwright install`)")
    _process, url = app
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page.goto(f"{url}/?lang=fr")
            page.set_input_files("#file", str(WORKBOOK))
            with page.expect_navigation(wait_until="load"):
                page.click('form.drop[action="/exports"] button.primary')
            check = " ".join(page.inner_text("#check").replace("\u00a0", " ").split())
            assert "13 lignes lues : 11 lignes acceptées, 2 lignes rejetées." in check, check
            wide, shown = page.eval_on_selector("#first-rows .scroll", "s => [s.scrollWidth, s.clientWidth]")
            page.screenshot(path=str(ARTIFACTS / "handkept-1-drafted.png"), full_page=True)
            assert wide <= shown, (wide, shown)
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            # The day the bookings were taken, picked once for every row, and prepared.
            assert page.locator("#field-ticket_id").input_value() == "__numbered__"
            page.fill("#value-purchased_at", "2026-11-02")
            with page.expect_navigation(wait_until="load"):
                page.click("form.mapping button.primary")
            assert page.locator("#value-purchased_at").input_value() == "2026-11-02"
            with page.expect_navigation(wait_until="load"):
                page.click("#prepare")
            package = " ".join(page.inner_text("#package").split())
            page.screenshot(path=str(ARTIFACTS / "handkept-2-prepared.png"), full_page=True)
            assert "11" in package, package
        finally:
            browser.close()


def test_the_app_stopped_as_usual_says_so_and_is_no_error(app: tuple[subprocess.Popen[str], str]) -> None:
    process, _url = app
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    said = " ".join((out + err).replace("\u00a0", " ").split())
    assert process.returncode == 0, said
    assert "Erreur" not in said and "Arrêté à votre demande" not in said and "Traceback" not in said, said
    assert "Application du membre arrêtée : vos exports et vos paquets restent dans" in said, said
