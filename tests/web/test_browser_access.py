"""Every dashboard page on a phone (390 px wide, French), by keyboard and as a screen reader hears
it, in a real Chromium: nothing scrolls sideways, every control is big enough for a thumb, charts
keep their titles and labels inside the frame, everything that takes the focus has a name, every
chart is named and its figures are in a table, the keyboard skips to the content and works the
tab menu. One tour of the pages gathers what the tests check. Screenshots go to
test-artifacts/web/."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest

from culturecoop.web.tabs import ACTION_TABS, TABS
from web import test_browser as tb
from web.conftest import MEMBERS, Coop
from web.live import LiveServer

pytest.importorskip("playwright.sync_api")

A = MEMBERS["A"]
PHONE = 390
MEMBER_PAGES = [f"/m/{A}/{tab.slug}" for tab in (*TABS, *ACTION_TABS)] + [
    f"/m/{A}/{slug}" for slug in ("data", "transparency", "contribution")] + ["/account", "/glossary", "/docs"]
COOP_PAGES = ["/coop", "/coop/contribution", "/admin"]
SHOTS = {f"/m/{A}/elsewhere"}  # the page whose charts were hardest to fit (a screenshot costs up to a second)
THUMB = 40  # px: the least a control a thumb taps may measure (WCAG 2.5.5 asks 44)

browser = tb.browser


@pytest.fixture(scope="module")
def server(app: object) -> Iterator[LiveServer]:
    with LiveServer(app) as live:
        yield live


# What a page shows a phone: its width, its controls' sizes, its charts' boxes.
FACTS = """() => {
  const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom, w: r.width, h: r.height}; };
  const describe = e => (e.tagName.toLowerCase() + "." + String(e.className) + " «" + (e.textContent || e.name || "").trim().slice(0, 30) + "»");
  const controls = [];
  const selector = "button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), "
    + "a.button, header.top nav a, nav.tabs a, summary, label.check, th button.sort, a.term, a.json";
  document.querySelectorAll(selector).forEach(e => {
    if (!visible(e) || e.closest(".modebar-container")) { return; }
    const r = e.getBoundingClientRect();
    controls.push({what: describe(e), w: r.width, h: r.height});
  });
  const charts = Array.from(document.querySelectorAll(".chart[data-chart]")).map(c => {
    const svg = c.querySelector(".main-svg");
    const ticks = axis => Array.from(c.querySelectorAll("." + axis + "tick text")).filter(visible).map(box);
    const drag = c.querySelector(".draglayer .nsewdrag");
    const described = c.getAttribute("aria-describedby") ? document.getElementById(c.getAttribute("aria-describedby")) : null;
    const section = c.closest("section");
    const tables = section ? Array.from(section.querySelectorAll("table"))
      .filter(t => c.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) : [];
    return {
      id: c.dataset.chart, role: c.getAttribute("role"), label: c.getAttribute("aria-label"),
      rendered_title: (c.querySelector(".gtitle") || {textContent: ""}).textContent,
      svg: svg ? box(svg) : null, plot: drag ? box(drag) : null,
      titles: Array.from(c.querySelectorAll(".xtitle, .ytitle, .gtitle, .annotation-text"))
        .map(t => ({text: t.textContent, kind: t.getAttribute("class").split(" ")[0], ...box(t)})),
      xticks: ticks("x"), yticks: ticks("y"),
      described: described ? {tag: described.tagName.toLowerCase(), text: described.textContent.trim(),
                              table: !!described.querySelector("table"), rows: described.querySelectorAll("tbody tr").length,
                              head: Array.from(described.querySelectorAll("thead th")).map(th => th.textContent),
                              cells: Array.from(described.querySelectorAll("tbody tr"))
                                .map(tr => Array.from(tr.children).map(td => td.textContent))} : null,
      table_after: tables.length > 0,
    };
  });
  return {width: document.documentElement.scrollWidth, viewport: window.innerWidth, lang: document.documentElement.lang,
          controls, charts};
}"""

NAMED_ROLES = {"button", "link", "textbox", "combobox", "listbox", "checkbox", "radio", "spinbutton", "searchbox",
               "slider", "switch", "img", "region", "tab", "menuitem"}


def unnamed(page: Any) -> list[str]:
    """What a screen reader meets without a name: a control, an image, a region, or anything the
    keyboard can focus (Chromium's own accessibility tree)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = []
    for node in nodes:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value", "")
        name = (node.get("name") or {}).get("value", "").strip()
        focusable = any(p["name"] == "focusable" and p["value"].get("value") for p in node.get("properties", []))
        if not name and (role in NAMED_ROLES or (focusable and role not in ("RootWebArea", "WebArea"))):
            found.append(role)
    return found


def visit(p: tb.Page, path: str) -> dict[str, Any]:
    p.go(path)
    page = p.page
    toggle = page.locator("nav.tabs .tab-toggle")
    if toggle.count() and toggle.is_visible():
        toggle.click()  # the tab menu's links are measured too
    for svg in page.locator(".chart[data-chart]").all():
        svg.locator(".main-svg").first.wait_for(timeout=15_000)
    facts: dict[str, Any] = page.evaluate(FACTS)
    facts["unnamed"] = unnamed(page)
    if path in SHOTS:
        p.shot("access-fr-390" + path.replace("/", "-"))
    return facts


@pytest.fixture(scope="module")
def tour(browser, server: LiveServer, coop: Coop) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Every page at 390 px in French, as the member's analyst and as the cooperative's admin."""
    facts = {}
    for account, paths in (("A-analyst", MEMBER_PAGES), ("coop", COOP_PAGES)):
        p = tb.Page(browser, server.url, PHONE)
        try:
            p.login(coop.emails[account])
            if p.page.locator("html").get_attribute("lang") != "fr":
                with p.page.expect_navigation(wait_until="load"):
                    p.page.click("form.lang button[value=fr]")
            for path in paths:
                facts[path] = visit(p, path)
            assert not p.errors, p.errors
        finally:
            p.close()
    return facts


def test_no_page_scrolls_sideways_on_a_phone(tour: dict[str, dict[str, Any]]) -> None:
    wide = {path: f["width"] for path, f in tour.items() if f["width"] > PHONE or f["viewport"] > PHONE}
    assert not wide, f"pages wider than a {PHONE} px phone (the reader scrolls sideways): {wide}"


def test_every_control_is_big_enough_for_a_thumb(tour: dict[str, dict[str, Any]]) -> None:
    small = {path: [f"{c['what']} {c['w']:.0f}×{c['h']:.0f}" for c in f["controls"] if min(c["w"], c["h"]) < THUMB - 0.5]
             for path, f in tour.items()}
    small = {path: found for path, found in small.items() if found}
    assert not small, f"controls under {THUMB} px on a phone: {small}"


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """How much of the smaller of two boxes the other covers (0 to 1)."""
    w = min(a["r"], b["r"]) - max(a["l"], b["l"])
    h = min(a["b"], b["b"]) - max(a["t"], b["t"])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max(1.0, min(a["w"] * a["h"], b["w"] * b["h"]))


def test_charts_fit_a_phone_with_their_titles_and_labels_readable(tour: dict[str, dict[str, Any]]) -> None:
    problems = []
    charts = [(path, c) for path, f in tour.items() for c in f["charts"]]
    assert len(charts) >= 10, "the tour met too few charts to say anything"
    for path, c in charts:
        svg, plot = c["svg"], c["plot"]
        assert svg and plot, (path, c["id"], "not drawn")
        if svg["r"] > PHONE:
            problems.append(f"{path} {c['id']}: the chart runs off the screen")
        for title in c["titles"]:
            if title["l"] < svg["l"] - 1 or title["r"] > svg["r"] + 1 or title["t"] < svg["t"] - 1:
                problems.append(f"{path} {c['id']}: title «{title['text']}» cut by the chart's edge")
        heading = [t for t in c["titles"] if t["kind"] == "gtitle"]
        for note in (t for t in c["titles"] if t["kind"] == "annotation-text"):
            if heading and overlap(heading[0], note) > 0.05:
                problems.append(f"{path} {c['id']}: the note «{note['text']}» prints over the chart's title")
        if plot["w"] < 0.4 * svg["w"]:  # long labels squeezed the bars into a sliver
            problems.append(f"{path} {c['id']}: plot {plot['w']:.0f} px of {svg['w']:.0f}")
        for axis in ("xticks", "yticks"):
            ticks = c[axis]
            for a, b in itertools.pairwise(ticks):
                if overlap(a, b) > 0.2:
                    problems.append(f"{path} {c['id']}: {axis} labels print over each other")
                    break
    assert not problems, "\n".join(problems)


def test_a_screen_reader_hears_a_name_for_everything_it_can_focus(tour: dict[str, dict[str, Any]]) -> None:
    nameless = {path: f["unnamed"] for path, f in tour.items() if f["unnamed"]}
    assert not nameless, f"controls, images or focusable regions without a name: {nameless}"


def test_every_chart_is_named_by_its_title_and_its_figures_are_in_a_table(tour: dict[str, dict[str, Any]]) -> None:
    problems = []
    for path, f in tour.items():
        for c in f["charts"]:
            words = "".join(c["rendered_title"].split())  # a title broken over lines loses its spaces
            if c["role"] != "img" or not c["label"] or "".join(c["label"].split()) != words:
                problems.append(f"{path} {c['id']}: named «{c['label']}», titled «{c['rendered_title']}»")
            described = c["described"]
            if not described or not described["text"]:
                problems.append(f"{path} {c['id']}: nothing says where its figures are")
            elif not (described["table"] or c["table_after"]):
                problems.append(f"{path} {c['id']}: no table holds its figures")
            elif described["table"] and not described["rows"]:
                problems.append(f"{path} {c['id']}: its table of figures is empty")
    assert not problems, "\n".join(problems)


# A figure in a French table: « 12,5 % », « −3,8 % », « 1 234 », « 4,27 × »; its decimals after the comma.
FIGURE = re.compile(r"(?<![\w,])[−+]?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,(\d+))?(?![\w,])")


def test_a_charts_own_table_writes_each_column_in_one_precision_and_days_in_words(tour: dict[str, dict[str, Any]]) -> None:
    """The table a chart without one builds from its figure (recency × frequency, the affinities, the sales
    curve, the trade-off, the contribution) wrote « 12,47 % » beside « 12,5 % » and « 25 % », tickets
    as « 2,4 », a hyphen for a minus and days as 2025-09-02: each column now has the precision of its
    figure (the chart's hover), a minus sign, and days and months as the page writes them."""
    problems, columns = [], 0
    for path, f in tour.items():
        for c in f["charts"]:
            described = c["described"]
            if not described or not described["table"]:
                continue
            rows = described["cells"]
            for j, head in enumerate(described["head"][1:], start=1):
                cells = [row[j] for row in rows if j < len(row)]
                decimals = {len(m.group(1) or "") for text in cells for m in FIGURE.finditer(text)}
                columns += bool(decimals)
                if len(decimals) > 1:
                    problems.append(f"{path} {c['id']} « {head} »: {sorted(decimals)} decimals in {cells[:8]}")
            for row in rows:
                said = " | ".join(row)
                if re.search(r"\d{4}-\d{2}-\d{2}", said) or re.search(r"(?<![\w–])-\d", said):
                    problems.append(f"{path} {c['id']}: {said}")
    assert columns >= 5, "too few tables built from a figure: the test says nothing"
    assert not problems, "\n".join(problems[:20])


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e); const r = e.getBoundingClientRect();
      return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.textContent || "").trim(), cls: String(e.className),
              outline: parseFloat(s.outlineWidth) || 0, style: s.outlineStyle, top: r.top, bottom: r.bottom,
              expanded: e.getAttribute("aria-expanded")}; }""")


def test_the_keyboard_skips_to_the_content_and_works_the_tab_menu(browser, server: LiveServer, coop: Coop) -> None:  # type: ignore[no-untyped-def]
    p = tb.Page(browser, server.url, PHONE)
    page = p.page
    try:
        p.login(coop.emails["A-analyst"])
        if page.locator("html").get_attribute("lang") != "fr":
            with page.expect_navigation(wait_until="load"):
                page.click("form.lang button[value=fr]")
        p.go(f"/m/{A}/overview")
        assert page.locator("html").get_attribute("lang") == "fr"
        # The first key press offers to skip the header and the menu, visibly, with a ring.
        page.keyboard.press("Tab")
        first = focused(page)
        assert first["cls"] == "skip-link" and first["text"] == "Aller au contenu", first
        assert first["top"] >= 0 and first["bottom"] <= page.viewport_size["height"], first
        assert first["style"] != "none" and first["outline"] >= 2, first
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # the next key press lands in the page's content, past the menu
        assert page.evaluate("document.activeElement.closest('#content') !== null"), focused(page)
        # From the top, the tab menu's button is reached, opens, leads to a tab, and Escape closes it.
        p.go(f"/m/{A}/overview")
        for _ in range(12):
            page.keyboard.press("Tab")
            now = focused(page)
            assert now["style"] != "none" and now["outline"] >= 2, f"the focus is hard to see on {now}"
            if "tab-toggle" in now["cls"]:
                break
        else:
            pytest.fail("twelve presses of Tab never reached the tab menu")
        page.keyboard.press("Enter")
        assert focused(page)["expanded"] == "true"
        assert page.locator("nav.tabs .tab-links").is_visible()
        page.keyboard.press("Escape")
        back = focused(page)
        assert "tab-toggle" in back["cls"] and back["expanded"] == "false", back
        assert not page.locator("nav.tabs .tab-links").is_visible()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert focused(page)["text"] == "Public"
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/m/{A}/audience")
        # The language buttons say which language they give, in that language; the page follows.
        assert page.get_by_role("button", name="English").get_attribute("lang") == "en"
        assert page.get_by_role("button", name="Français").get_attribute("lang") == "fr"
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator(".skip-link").text_content() == "Skip to the content"
        p.shot("access-en-390-audience")
        assert not p.errors, p.errors
    finally:
        p.close()
