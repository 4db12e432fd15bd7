"""The dashboard in a real Chromium (Playwright, Debian's browser): sign in, every tab in French
and English with charts that render and no console error, CSV download, sorting, an upload.
Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from culturecoop.web.reports import TABS, analytics_available

from packages import make_package
from web.conftest import MEMBERS, PASSWORD, Coop
from web.live import LiveServer

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
A = MEMBERS["A"]
OTHER_PAGES = ("data", "transparency")


@pytest.fixture(scope="module")
def server(app) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    with LiveServer(app) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (never `playwright install`)")
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


class Page:
    """A browser tab that records console errors and failed requests."""

    def __init__(self, browser, base: str) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def go(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="networkidle")

    def login(self, email: str) -> None:
        self.go("/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button.primary")
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def visit_every_tab(p: Page, lang: str) -> None:
    for tab in TABS:
        p.go(f"/m/{A}/{tab.slug}")
        assert p.page.locator("html").get_attribute("lang") == lang
        charts = p.page.locator(".chart[data-chart]")
        if analytics_available():
            assert charts.count() > 0, f"no chart on {tab.slug}"
            for i in range(charts.count()):
                charts.nth(i).locator(".main-svg").first.wait_for(timeout=10_000)
            if tab.pooled:
                assert p.page.locator(".aggregate .badge").count() == 1
        else:
            assert p.page.locator(".notice").count() == 1
        p.shot(f"{lang}-{tab.slug}")
    for slug in OTHER_PAGES:
        p.go(f"/m/{A}/{slug}")
        p.shot(f"{lang}-{slug}")
    assert not p.errors, p.errors


def test_every_tab_in_french_then_english(browser, server: LiveServer, coop: Coop) -> None:  # type: ignore[no-untyped-def]
    p = Page(browser, server.url)
    try:
        p.login(coop.emails["A-analyst"])
        assert p.page.url.endswith(f"/m/{A}/overview")
        assert p.page.locator("nav.tabs a").first.inner_text() == "Vue d’ensemble"
        visit_every_tab(p, "fr")
        p.page.click("form.lang button[value=en]")
        p.page.wait_for_load_state("networkidle")
        assert p.page.locator("nav.tabs a").first.inner_text() == "Overview"
        visit_every_tab(p, "en")
        p.go("/docs")
        p.shot("en-api-docs")
        p.page.click("form.lang button[value=fr]")
        p.page.wait_for_load_state("networkidle")
        assert p.page.locator("html").get_attribute("lang") == "fr"
        assert not p.errors, p.errors
    finally:
        p.close()


def test_tables_sort_and_download_as_csv(browser, server: LiveServer, coop: Coop) -> None:  # type: ignore[no-untyped-def]
    p = Page(browser, server.url)
    try:
        p.login(coop.emails["A-admin"])
        p.go("/admin")
        header = p.page.locator("#accounts th").first
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        p.shot("fr-admin")
        if analytics_available():
            p.go(f"/m/{A}/overview")
            button = p.page.locator("button.csv").first
            with p.page.expect_download() as info:
                button.click()
            text = Path(info.value.path()).read_text(encoding="utf-8-sig")
            assert text.count("\n") >= 2 and "," in text.splitlines()[0]
        assert not p.errors, p.errors
    finally:
        p.close()


def test_upload_a_package_and_see_its_rows(browser, server: LiveServer, coop: Coop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    package = make_package(tmp_path / "browser-pkg", A, n_tickets=120, offset=50_000)
    archive = tmp_path / "browser-pkg.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for file in sorted(package.iterdir()):
            zf.write(file, f"{package.name}/{file.name}")
    archive.write_bytes(buffer.getvalue())
    p = Page(browser, server.url)
    try:
        p.login(coop.emails["A-analyst"])
        p.go(f"/m/{A}/data")
        before = int(p.page.locator('[data-table-rows="ticket"]').inner_text().replace("\u00a0", "").replace("\u202f", "").replace(" ", ""))
        p.page.set_input_files("input[type=file]", str(archive))
        p.page.click("form.upload button.primary")
        p.page.wait_for_load_state("networkidle")
        assert "Paquet chargé : 120 billets" in p.page.locator(".success").inner_text()
        after = int(p.page.locator('[data-table-rows="ticket"]').inner_text().replace("\u00a0", "").replace("\u202f", "").replace(" ", ""))
        assert after == before + 120
        assert p.page.locator("#ingests tbody tr").count() >= 2
        p.shot("fr-data-after-upload")
        p.page.set_input_files("input[type=file]", str(tmp_path / "browser-pkg" / "manifest.json"))
        p.page.click("form.upload button.primary")
        p.page.wait_for_load_state("networkidle")
        assert ".zip" in p.page.locator(".error").inner_text()
        p.shot("fr-data-refused")
        # A refused upload answers with an HTTP error status, which Chromium logs; nothing else may.
        assert all("status of 415" in e for e in p.errors), p.errors
    finally:
        p.close()
