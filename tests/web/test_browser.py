"""The dashboard in a real Chromium (Playwright, Debian's browser), in French and English, at desktop
width and at 390 px: every tab shows its sentences, every chart its title and axis titles, no
English word or raw code on a French page, no horizontal scroll on a phone; sorting, the French
CSV, the printable summary, the cooperative admin's home, an upload. Screenshots go to
test-artifacts/web/."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from culturecoop.web.tabs import TABS, TABS_BY_SLUG
from packages import make_package
from web.conftest import MEMBERS, PASSWORD, Coop
from web.leaks import leaks, raw_codes
from web.live import LiveServer

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
A = MEMBERS["A"]
OTHER_PAGES = ("data", "transparency", "contribution", "campaigns")
DESKTOP, PHONE = 1280, 390


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

    def __init__(self, browser, base: str, width: int = DESKTOP) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True,
                                           is_mobile=width <= PHONE, has_touch=width <= PHONE)
        self.page = self.context.new_page()
        # A first visit computes what the page shows (the Target tab's held-out measures): 30 s by
        # default, exceeded when the two cores also run other suites. A hang still fails, later.
        self.page.set_default_navigation_timeout(120_000)
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    # "load", not "networkidle": a page asks for nothing after its load (its charts are drawn from
    # data it carries), and "networkidle" waits half a second more on each of the ~200 pages visited.
    def go(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def submit(self, selector: str) -> None:
        """Click what sends a form and wait for the page it leads to (redirects followed)."""
        with self.page.expect_navigation(wait_until="load"):
            self.page.click(selector)

    def login(self, email: str) -> None:
        self.go("/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.submit("button.primary")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


VISIBLE_TEXT = """() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll("script, style").forEach(e => e.remove());
  const svg = Array.from(document.querySelectorAll("svg text")).map(e => e.textContent).join(" ");
  const titles = Array.from(document.querySelectorAll("[title], [aria-label]"))
      .map(e => (e.getAttribute("title") || "") + " " + (e.getAttribute("aria-label") || "")).join(" ");
  return clone.textContent + " " + svg + " " + titles;
}"""


def check_tab(p: Page, lang: str, width: int, slug: str) -> None:
    """One tab as a reader sees it: sentences, charts with axis titles, French words only on a
    French page, no horizontal scroll on a phone."""
    p.go(f"/m/{A}/{slug}")
    page = p.page
    assert page.locator("html").get_attribute("lang") == lang
    insights = page.locator("section.insights")
    assert insights.count() == 1, slug
    assert insights.locator("li").count() + insights.locator(".silence").count() >= 1, f"no sentence on {slug}"
    charts = page.locator(".chart[data-chart]")
    assert charts.count() > 0, f"no chart on {slug}"
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator(".main-svg").first.wait_for(timeout=15_000)
        titles = [t.strip() for t in chart.locator(".xtitle, .ytitle").all_text_contents()]
        assert len(titles) >= 2 and all(titles), (slug, i, titles)
        assert chart.locator(".gtitle").first.text_content(), (slug, i)
        # A heatmap names every row and column (Plotly drops every other label when they crowd).
        labels = chart.evaluate(HEATMAP_LABELS)
        assert labels is None or (labels["shown_x"], labels["shown_y"]) == (labels["x"], labels["y"]), (slug, width, labels)
        # A map coloured by another scale (a lift by its logarithm) lists each cell's own value in its
        # table, not the colour's (« 1,49 » for a lift of 2,8).
        listed = chart.evaluate(HEATMAP_TABLE)
        assert listed is None or listed["apart"] <= 0.006, (slug, listed)  # the table writes 2 decimals at most
        assert not chart.evaluate(UNGROUPED_TICKS), (slug, chart.evaluate(UNGROUPED_TICKS))
    if TABS_BY_SLUG[slug].pooled:
        assert page.locator(".aggregate .badge").count() == 1
    if lang == "fr":
        text = page.evaluate(VISIBLE_TEXT)
        assert not leaks(text), (slug, width, leaks(text))
        assert not raw_codes(text), (slug, width, raw_codes(text))
    if width <= PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{slug} scrolls sideways at {width} px"
        room = page.evaluate(PERIOD_ROOM)
        assert room is None or room["text"] <= room["box"], f"{slug}: the period's choice is cut at {width} px: {room}"
    p.shot(f"{lang}-{width}-{slug}")


# A heatmap's categories against the labels drawn on each axis (None for another chart).
HEATMAP_LABELS = """(chart) => {
  const plot = chart.data ? chart : chart.querySelector('.js-plotly-plot');
  const heat = ((plot && plot.data) || []).find(t => t.type === 'heatmap');
  if (!heat) return null;
  const shown = letter => chart.querySelectorAll('.' + letter + 'tick text').length;
  return {x: heat.x.length, y: heat.y.length, shown_x: shown('x'), shown_y: shown('y')};
}"""


# The tick labels of a chart's number axes written without their thousands grouped (« 1000 » beside a
# key figure of « 1 320 »): Plotly groups only from 10 000 unless told.
UNGROUPED_TICKS = """(chart) => {
  const plot = chart.data ? chart : chart.querySelector('.js-plotly-plot');
  const layout = plot && plot._fullLayout;
  if (!layout) return [];
  const bare = [];
  for (const letter of ['x', 'y']) {
    const axis = layout[letter + 'axis'];
    if (!axis || axis.type !== 'linear') continue;
    chart.querySelectorAll('.' + letter + 'tick text').forEach(t => { if (/\\d{4}/.test(t.textContent)) bare.push(t.textContent); });
  }
  return bare;
}"""


# A heatmap that carries each cell's own value (customdata) against its table's first data row:
# how far apart they are at most (None for another chart).
HEATMAP_TABLE = """(chart) => {
  const plot = chart.data ? chart : chart.querySelector('.js-plotly-plot');
  const heat = ((plot && plot.data) || []).find(t => t.type === 'heatmap');
  const table = chart.parentNode.querySelector('details.chart-data table');
  if (!heat || !heat.customdata || !table) return null;
  const read = text => text === '–' ? null : Number(text.replace(/\\s/g, '').replace(',', '.').replace(/[^0-9.-]/g, ''));
  const cells = [...table.tBodies[0].rows[0].cells].slice(1).map(c => read(c.textContent));
  const values = heat.customdata[0];
  const apart = cells.map((c, i) => (c === null) !== (values[i] === null) ? Infinity : c === null ? 0 : Math.abs(c - values[i]));
  return {cells: cells, values: values, apart: Math.max(0, ...apart)};
}"""


# The widest of the period form's choices against the room its select gives text (its width
# less its padding and the arrow's 20 px): a choice wider than that is cut on the page.
PERIOD_ROOM = """() => {
  const select = document.querySelector('form.period select');
  if (!select) return null;
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
  const box = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
  return {text: Math.ceil(text), box: Math.floor(box)};
}"""


def visit_every_tab(p: Page, lang: str, width: int) -> None:
    for tab in TABS:
        check_tab(p, lang, width, tab.slug)
    for slug in OTHER_PAGES:
        p.go(f"/m/{A}/{slug}")
        assert A not in p.page.inner_text("h1"), f"{slug} names the member by its identifier"
        if lang == "fr":
            text = p.page.evaluate(VISIBLE_TEXT)
            assert not leaks(text) and not raw_codes(text), (slug, leaks(text), raw_codes(text))
        if width <= PHONE:
            assert p.page.evaluate("document.documentElement.scrollWidth") <= width, f"{slug} scrolls sideways at {width} px"
        p.shot(f"{lang}-{width}-{slug}")
    assert not p.errors, p.errors


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_every_tab_in_french_then_english(browser, server: LiveServer, coop: Coop, width: int) -> None:  # type: ignore[no-untyped-def]
    p = Page(browser, server.url, width)
    try:
        p.login(coop.emails["A-analyst"])
        assert p.page.url.endswith(f"/m/{A}/overview")
        if width <= PHONE:  # the tab bar is a menu on a phone
            assert not p.page.locator("nav.tabs .tab-links").is_visible()
            p.page.click("nav.tabs .tab-toggle")
            assert p.page.locator("nav.tabs .tab-links").is_visible()
        assert p.page.locator("nav.tabs .tab-links a").first.inner_text() == "Vue d’ensemble"
        visit_every_tab(p, "fr", width)
        p.submit("form.lang button[value=en]")
        assert p.page.locator("nav.tabs .tab-links a").first.text_content() == "Overview"
        visit_every_tab(p, "en", width)
        if width == DESKTOP:
            p.go("/docs")
            p.shot("en-api-docs")
        p.submit("form.lang button[value=fr]")
        assert p.page.locator("html").get_attribute("lang") == "fr"
        assert not p.errors, p.errors
    finally:
        p.close()


def test_tables_sort_and_download_as_french_csv(browser, server: LiveServer, coop: Coop) -> None:  # type: ignore[no-untyped-def]
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
        p.go(f"/m/{A}/retention")
        with p.page.expect_download() as info:
            p.page.locator("#retention-by_event a.csv").click()
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        rate = "Part revenue à tout moment (%)"
        assert rows and rate in rows[0], rows[:1]
        for row in rows:  # numbers a French spreadsheet reads as numbers
            assert re.fullmatch(r"\d+(,\d+)?", row[rate]), row
            assert 0 <= float(row[rate].replace(",", ".")) <= 100
        p.go(f"/m/{A}/retention/print")
        assert p.page.locator("section.insights li").count() >= 1
        p.page.locator(".chart .main-svg").first.wait_for(timeout=15_000)
        p.page.emulate_media(media="print")
        assert not p.page.locator("header.top").is_visible()
        p.shot("fr-retention-print")
        assert not p.errors, p.errors
    finally:
        p.close()


def test_the_cooperative_admin_home_and_the_glossary(browser, server: LiveServer, coop: Coop) -> None:  # type: ignore[no-untyped-def]
    p = Page(browser, server.url, PHONE)
    try:
        p.login(coop.emails["coop"])
        assert p.page.url.endswith("/coop")
        assert p.page.locator("#members tbody tr").count() >= 3
        assert "chaîne de hachage est intacte" in p.page.locator("#chain").inner_text()
        assert p.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        p.shot("fr-390-coop")
        # The admin page at phone width: tables scroll inside their frame, kinds of members in words.
        p.go("/admin")
        assert p.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        text = p.page.evaluate(VISIBLE_TEXT)
        assert not raw_codes(text), raw_codes(text)
        p.shot("fr-390-admin")
        p.go("/glossary")
        assert p.page.locator("dl.glossary dt").count() >= 8
        p.shot("fr-390-glossary")
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
        p.submit("form.upload button.primary")
        assert "Paquet chargé : 120 billets" in p.page.locator(".success").inner_text()
        after = int(p.page.locator('[data-table-rows="ticket"]').inner_text().replace("\u00a0", "").replace("\u202f", "").replace(" ", ""))
        assert after == before + 120
        assert p.page.locator("#ingests tbody tr").count() >= 2
        p.shot("fr-data-after-upload")
        p.page.set_input_files("input[type=file]", str(tmp_path / "browser-pkg" / "manifest.json"))
        p.submit("form.upload button.primary")
        assert ".zip" in p.page.locator(".error").inner_text()
        p.shot("fr-data-refused")
        # A refused upload answers with an HTTP error status, which Chromium logs; nothing else may.
        assert all("status of 415" in e for e in p.errors), p.errors
    finally:
        p.close()
