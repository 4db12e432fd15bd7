"""The "Target audience" tab in a real Chromium (Debian's, through Playwright), French and English,
at 1280 and 390 px: its sentences, every chart's rendered title and axis titles, no English word
or raw code on the French page, no horizontal scroll on a phone; save an audience and see it
listed. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from web import test_browser as tb
from web.conftest import MEMBERS, Coop, shared_coop
from web.leaks import leaks, raw_codes
from web.live import LiveServer

pytest.importorskip("playwright.sync_api")

A = MEMBERS["A"]


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    return shared_coop(tmp_path_factory, reco=True)[0]


@pytest.fixture(scope="module")
def server(app: object) -> Iterator[LiveServer]:
    with LiveServer(app) as live:
        yield live


browser = tb.browser


def check_target(p: tb.Page, lang: str, width: int) -> None:
    p.go(f"/m/{A}/target?event=jz-1")
    page = p.page
    assert page.locator("html").get_attribute("lang") == lang
    sentences = page.locator("section.insights li")
    assert sentences.count() >= 2, sentences.all_text_contents()
    assert ("Soirée Coltrane" in sentences.first.inner_text())
    charts = page.locator(".chart[data-chart]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator(".main-svg").first.wait_for(timeout=30_000)
        titles = [t.strip() for t in chart.locator(".xtitle, .ytitle").all_text_contents()]
        assert len(titles) >= 2 and all(titles), (i, titles)
        assert chart.locator(".gtitle").first.text_content()
        assert not chart.evaluate(tb.UNGROUPED_TICKS), (i, chart.evaluate(tb.UNGROUPED_TICKS))
    assert page.locator(".aggregate .badge").count() == 1
    if lang == "fr":
        text = page.evaluate(tb.VISIBLE_TEXT)
        assert not leaks(text), (width, leaks(text))
        assert not raw_codes(text), (width, raw_codes(text))
    if width <= tb.PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the tab scrolls sideways at {width} px"
    p.shot(f"{lang}-{width}-target")


@pytest.mark.parametrize("width", [tb.DESKTOP, tb.PHONE])
def test_the_target_tab_in_french_then_english(browser, server: LiveServer, coop: Coop, width: int) -> None:  # type: ignore[no-untyped-def]
    p = tb.Page(browser, server.url, width)
    try:
        p.login(coop.emails["A-admin"])
        if width <= tb.PHONE:
            p.page.click("nav.tabs .tab-toggle")
        link = p.page.locator("nav.tabs .tab-links a", has_text="Public cible")
        assert link.count() == 1
        check_target(p, "fr", width)
        p.submit("form.lang button[value=en]")
        check_target(p, "en", width)
        assert p.page.locator("nav.tabs .tab-links a", has_text="Target audience").count() == 1
        p.submit("form.lang button[value=fr]")
        assert not p.errors, p.errors
    finally:
        p.close()


def test_save_an_audience_and_see_it_listed(browser, server: LiveServer, coop: Coop) -> None:  # type: ignore[no-untyped-def]
    p = tb.Page(browser, server.url, tb.PHONE)
    try:
        p.login(coop.emails["A-analyst"])
        p.go(f"/m/{A}/target")
        # The first upcoming show's likely audience counts 1 000 people and more: its profile's axes write
        # « 1 000 » as the page writes its figures, never « 1000 ».
        charts = p.page.locator(".chart[data-chart]")
        ticks: list[str] = []
        for i in range(charts.count()):
            charts.nth(i).locator(".main-svg").first.wait_for(timeout=30_000)
            assert not charts.nth(i).evaluate(tb.UNGROUPED_TICKS), (i, charts.nth(i).evaluate(tb.UNGROUPED_TICKS))
            ticks += charts.nth(i).locator(".xtick text, .ytick text").all_text_contents()
        assert any(re.fullmatch(r"1[\s\u00a0\u202f]\d{3}", tick) for tick in ticks), ticks
        p.page.select_option("#event-picker select[name=event]", "jz-2")
        p.submit("#event-picker button.primary")
        assert "Blues du dimanche" in p.page.locator("#audience h2").inner_text()
        p.page.fill("#save-audience input[name=name]", "Blues d'avril")
        p.submit("#save-audience button.primary")
        saved = p.page.locator("#saved")
        assert "Public enregistré : Blues d'avril" in saved.inner_text()
        assert any(ch.isdigit() for ch in saved.locator("strong").inner_text())
        assert "Blues d'avril" in p.page.locator("#audiences").inner_text()
        assert p.page.evaluate("document.documentElement.scrollWidth") <= tb.PHONE
        p.shot("fr-390-target-saved")
        # From the Segments tab: the action posts to the same route.
        p.go(f"/m/{A}/segments")
        button = p.page.locator("form[data-action=build-audience] button").first
        assert button.is_enabled()
        with p.page.expect_navigation(wait_until="load"):
            button.click()
        assert "Public enregistré" in p.page.locator("#saved").inner_text()
        assert not p.errors, p.errors
    finally:
        p.close()
