"""Walk every tab of one member's dashboard as its staff would, in a real Chromium (a developer's walk).

    CULTURECOOP_WALK_PASSWORD=… .venv/bin/python scripts/walk_dashboard.py \\
        --url http://127.0.0.1:8000 --email camille@venue.example --member sous-sol --out walk/ [--lang fr]
        [--tabs overview,benchmark]

Signs in (the password is read from the variable CULTURECOOP_WALK_PASSWORD, never from the command
line), switches the page to ``--lang`` with the page's own language buttons, then for each tab writes
into ``--out``: a full-page screenshot (``TAB.png``, to look at), the text a reader sees
(``TAB.txt``) and, for the report tabs and the Target audience tab, the JSON twin (``TAB.json``)
with the same figures. Prints one line per tab and, at the end, the browser console's errors.
Uses Debian's Chromium (``/usr/bin/chromium``), never ``playwright install``. The server must be
running (``culturecoop serve``, or ``make demo``); the walk only reads pages, it changes nothing
but the audit log's record of what was viewed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

TABS = ("overview", "audience", "retention", "trends", "elsewhere", "affinities", "segments", "benchmark", "pace",
        "target", "campaigns", "data", "transparency", "contribution")
WITH_JSON = {"overview", "audience", "retention", "trends", "elsewhere", "affinities", "segments", "benchmark", "pace",
             "target"}
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="The dashboard's address, e.g. http://127.0.0.1:8000")
    parser.add_argument("--email", required=True, help="A member account's e-mail")
    parser.add_argument("--member", required=True, help="The member's identifier, as in /m/MEMBER/…")
    parser.add_argument("--out", required=True, type=Path, help="Folder for the screenshots, texts and JSON")
    parser.add_argument("--lang", default="fr", choices=("fr", "en"))
    parser.add_argument("--tabs", default=",".join(TABS), help="Comma-separated tabs (default: every tab)")
    options = parser.parse_args()
    password = os.environ.get("CULTURECOOP_WALK_PASSWORD")
    if not password:
        print("Set CULTURECOOP_WALK_PASSWORD to the account's password.", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print("Chromium is missing: apt-get install -y chromium (never `playwright install`).", file=sys.stderr)
        return 5
    from playwright.sync_api import sync_playwright

    base, out = options.url.rstrip("/"), options.out
    out.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(180_000)  # a first view computes what the page shows
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/login", wait_until="networkidle")
        page.fill("input[name=email]", options.email)
        page.fill("input[name=password]", password)
        page.click("button.primary")
        page.wait_for_load_state("networkidle")
        if page.url.rstrip("/").endswith("/login"):
            print("Sign-in refused: check the e-mail and CULTURECOOP_WALK_PASSWORD.", file=sys.stderr)
            return 2
        if page.locator("html").get_attribute("lang") != options.lang:
            page.click(f"form.lang button[value={options.lang}]")
            page.wait_for_load_state("networkidle")
        for tab in [t for t in options.tabs.split(",") if t]:
            response = page.goto(f"{base}/m/{options.member}/{tab}", wait_until="networkidle")
            page.wait_for_timeout(800)  # Plotly draws after the load event
            page.screenshot(path=str(out / f"{tab}.png"), full_page=True)
            main_text = page.locator("main")
            (out / f"{tab}.txt").write_text(main_text.inner_text() if main_text.count() else page.inner_text("body"))
            if tab in WITH_JSON:
                answer = page.request.get(f"{base}/m/{options.member}/{tab}.json")
                if answer.ok:
                    (out / f"{tab}.json").write_text(json.dumps(answer.json(), ensure_ascii=False, indent=1))
            print(f"{tab}: HTTP {response.status if response else '?'}, {out / (tab + '.png')}")
        browser.close()
    print(f"Console errors: {len(errors)}", *errors, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
