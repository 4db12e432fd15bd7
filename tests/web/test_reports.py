"""Report tabs and the report API: one service call, figures formatted per language, aggregates
marked, suppressed cells shown as "< k" with their reason, bad periods answered in one sentence."""

from __future__ import annotations

import json
import re

from culturecoop.web.tabs import TABS

from web.conftest import MEMBERS, Coop, login, new_client, page_csrf

A = MEMBERS["A"]


def test_every_tab_renders_its_reports_with_chart_data(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in TABS:
            page = c.get(f"/m/{A}/{tab.slug}")
            assert page.status_code == 200, tab.slug
            blobs = re.findall(r'<script type="application/json" id="data-[^"]+">(.*?)</script>', page.text, re.S)
            assert blobs, f"no table on {tab.slug}"
            charts = [json.loads(b)["chart"] for b in blobs if json.loads(b)["chart"]]
            assert charts, f"no chart on {tab.slug}"
            assert ("Agrégat" in page.text) == tab.pooled, tab.slug
            twin = c.get(f"/m/{A}/{tab.slug}.json").json()
            assert set(twin["reports"]) == set(tab.reports)


def test_numbers_follow_the_language(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        french = c.get(f"/m/{A}/overview").text
        assert re.search(r"\d{1,3}(\u00a0|\u202f)\d{3},\d{2}\u00a0\$", french), "no amount like 12 345,50 $"
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c, f"/m/{A}/overview"), "next": "/"})
        english = c.get(f"/m/{A}/overview").text
        assert re.search(r"\$\d{1,3},\d{3}\.\d{2}", english), "no amount like $12,345.50"
        c.post("/language", data={"language": "fr", "csrf_token": page_csrf(c, f"/m/{A}/overview"), "next": "/"})


def test_api_report_is_what_the_page_renders(app, coop: Coop) -> None:
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as c:
        listed = c.get(f"/api/v1/members/{A}/reports", headers=auth).json()
        assert "overview" in listed["data"] and listed["count"] == len(listed["data"])
        api = c.get(f"/api/v1/members/{A}/reports/overview", headers=auth).json()
        assert api["aggregate"] is False and api["result"]["summary"]["patrons"] > 0
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/overview").text
        patrons = api["result"]["summary"]["patrons"]
        assert f"{patrons:,}".replace(",", "\u00a0") in page


def test_bad_periods_and_names_are_one_clear_sentence(app, coop: Coop) -> None:
    # The account's language (French) wins over the client's Accept-Language.
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}", "Accept-Language": "en"}
    with new_client(app) as c:
        swapped = c.get(f"/api/v1/members/{A}/reports/overview?from=2025-06-01&to=2025-01-01", headers=auth)
        assert swapped.status_code == 400 and "inversez les dates" in swapped.json()["error"]["message"]
        garbage = c.get(f"/api/v1/members/{A}/reports/overview?from=yesterday", headers=auth)
        assert garbage.status_code == 422 and "from" in garbage.json()["error"]["message"]
        unknown = c.get(f"/api/v1/members/{A}/reports/popularity", headers=auth)
        assert unknown.status_code == 404 and "Rapport inconnu popularity" in unknown.json()["error"]["message"]
        empty = c.get(f"/api/v1/members/{A}/reports/overview?from=2001-01-01&to=2001-02-01", headers=auth)
        message = empty.json()["error"]["message"]
        assert empty.status_code == 400 and "2001-01-01" in message and "Traceback" not in message
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/overview?from=2001-01-01&to=2001-02-01")
        assert page.status_code == 200 and f'<p class="notice" role="status"><strong>Chiffres clés</strong> — {message}' in page.text


def test_suppressed_cells_show_under_k_with_a_reason(app, coop: Coop) -> None:
    with new_client(app) as admin:
        login(admin, coop.emails["coop"])
        token = page_csrf(admin, "/admin")
        changed = admin.post("/admin/privacy", data={"k": "400", "epsilon_per_release": "1", "epsilon_budget": "10",
                                                     "budget_period": "month", "csrf_token": token})
        assert changed.status_code == 303
        assert admin.get("/api/v1/privacy").json()["k"] == 400
    try:
        with new_client(app) as c:
            login(c, coop.emails["A-analyst"])
            page = c.get(f"/m/{A}/elsewhere").text
            assert re.search(r'<td class="suppressed" data-v="" title="Masqué par la barrière de confidentialité : '
                             r'moins de 400 clients[^"]*">&lt; 400</td>', page), "no suppressed cell shown as < k"
            assert "les cellules de moins de 400 clients sont affichées « < 400 »" in page.replace("&lt;", "<")
    finally:
        with new_client(app) as admin:
            login(admin, coop.emails["coop"])
            admin.post("/admin/privacy", data={"k": "10", "epsilon_per_release": "1", "epsilon_budget": "10",
                                               "budget_period": "month", "csrf_token": page_csrf(admin, "/admin")})


def test_only_the_cooperative_admin_sets_the_policy(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        refused = c.post("/admin/privacy", data={"k": "2", "epsilon_per_release": "1", "epsilon_budget": "10",
                                                 "budget_period": "month", "csrf_token": page_csrf(c, "/admin")})
        assert refused.status_code == 403
    with new_client(app) as admin:
        login(admin, coop.emails["coop"])
        bad = admin.post("/admin/privacy", data={"k": "10", "epsilon_per_release": "5", "epsilon_budget": "1",
                                                 "budget_period": "month", "csrf_token": page_csrf(admin, "/admin")})
        assert bad.status_code == 400 and "ε" in bad.text and "Traceback" not in bad.text
        page = admin.get("/admin").text
        assert "theatre-nord" in page and 'name="k"' in page
        assert admin.get(f"/m/{A}/overview").status_code == 403
        assert admin.get(f"/m/{A}/data").status_code == 200


def test_concurrent_releases_never_fail(app, coop: Coop) -> None:
    """Twelve readers at once on a real server, each asking new cross-member questions (no
    cached answer): every one is answered, none is a 5xx (releases are serialized)."""
    import threading

    import httpx

    from web.live import LiveServer

    statuses: list[int] = []
    with LiveServer(app) as live:

        def reader(i: int) -> None:
            auth = {"Authorization": f"Bearer {coop.tokens[('A-analyst', 'A-admin', 'B-analyst')[i % 3]]}"}
            member = MEMBERS["B"] if i % 3 == 2 else A
            with httpx.Client(base_url=live.url, headers=auth, timeout=120) as c:
                for name in ("trends", "overlap", "segments"):
                    month = 1 + (i % 12)
                    r = c.get(f"/api/v1/members/{member}/reports/{name}?from=2024-{month:02d}-01&to=2025-06-30")
                    statuses.append(r.status_code)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(statuses) == 36 and all(s < 500 for s in statuses), statuses
    assert statuses.count(200) >= 30
