"""Report tabs and the report API: insight sentences, the period stated, charts with titles and
axis titles, French everywhere (no English word, no raw code), CSV in the reader's conventions,
suppressed cells hidden, actions on segments, a printable summary, the glossary, Transparency in
plain words and the cooperative admin's home."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from culturecoop.analytics import run_report
from culturecoop.analytics.period import month_end, month_ordinal, month_start
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import charts
from culturecoop.web.tabs import TABS
from web.conftest import MEMBERS, Coop, login, new_client, page_csrf
from web.leaks import leaks, raw_codes
from web.test_readable_dashboard import JARGON, STATIC

A = MEMBERS["A"]


def visible_text(page: str, tooltips: bool = True) -> str:
    """What a reader sees: the page without its scripts and tags, tooltips included unless not."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    titles = " ".join(re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', body)) if tooltips else ""
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(text + " " + titles)


def figures(page: str) -> list[dict[str, object]]:
    return [json.loads(html.unescape(b)) for b in re.findall(r'<script type="application/json" id="chart-[^"]+">(.*?)</script>', page, re.S)]


def chart_text(figure: dict[str, object]) -> str:
    layout = figure["layout"]
    assert isinstance(layout, dict)
    texts = [layout["title"]["text"]]
    for axis in ("xaxis", "yaxis"):
        if axis in layout:
            texts.append(layout[axis]["title"]["text"])
    for trace in figure["data"]:  # type: ignore[union-attr]
        texts.append(str(trace.get("name", "")))
        texts += [str(x) for x in trace.get("y", []) if isinstance(x, str)]
        texts += [str(x) for x in trace.get("x", []) if isinstance(x, str) and not re.match(r"\d{4}-\d{2}", x)]
    return " ".join(texts)


def test_every_tab_opens_with_its_meaning_period_and_titled_charts(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in TABS:
            page = c.get(f"/m/{A}/{tab.slug}")
            assert page.status_code == 200, tab.slug
            assert 'class="insights"' in page.text and "Ce qu’il faut retenir" in page.text, tab.slug
            sentences = re.findall(r'<section class="insights".*?</section>', page.text, re.S)[0]
            assert "<li>" in sentences or 'class="silence"' in sentences, tab.slug
            assert "Période\u00a0:" in page.text, f"the period is not stated on {tab.slug}"
            charts = figures(page.text)
            assert charts, f"no chart on {tab.slug}"
            for figure in charts:
                layout = figure["layout"]
                assert layout["title"]["text"], (tab.slug, layout)  # type: ignore[index]
                for axis in ("xaxis", "yaxis"):
                    if axis in layout:  # type: ignore[operator]
                        assert layout[axis]["title"]["text"], (tab.slug, axis)  # type: ignore[index]
                assert layout["separators"] == ", "  # type: ignore[index]
            assert ("Agrégat" in page.text) == tab.pooled, tab.slug
            twin = c.get(f"/m/{A}/{tab.slug}.json").json()
            assert set(twin["reports"]) == set(tab.reports) and isinstance(twin["insights"], list)


def test_french_pages_show_no_english_word_and_no_raw_code(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        for path in [f"/m/{A}/{tab.slug}" for tab in TABS] + [f"/m/{A}/data", f"/m/{A}/transparency", "/glossary",
                                                             f"/m/{A}/segments/print"]:
            page = c.get(path)
            assert page.status_code == 200, path
            text = visible_text(page.text) + " ".join(chart_text(f) for f in figures(page.text))
            assert not leaks(text), (path, leaks(text))
            assert not raw_codes(text), (path, raw_codes(text))
            # A postal area is a "zone postale" wherever the member is: Canada's RTA/FSA only where the
            # glossary explains the term (its page, and its definitions as tooltips).
            jargon = re.search(r".{80}\b(?:RTA|FSA)\b.{80}", visible_text(page.text, tooltips=False), re.S)
            assert path == "/glossary" or not jargon, (path, jargon and jargon.group(0))


def test_the_leak_check_finds_leaks() -> None:
    assert leaks("Part de nouveaux clients · Revenue per patron") == ["Revenue per patron"]
    assert raw_codes("genre hip_hop, distance same_fsa, H2X, jazz-dieze") == ["hip_hop", "same_fsa"]


def test_numbers_follow_the_language(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        french = c.get(f"/m/{A}/overview").text
        assert re.search(r"\d{1,3}(\u00a0|\u202f)\d{3},\d{2}\u00a0\$", french), "no amount like 12 345,50 $"
        assert not re.search(r"-0,0\b", french)
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c, f"/m/{A}/overview"), "next": "/"})
        english = c.get(f"/m/{A}/overview").text
        assert re.search(r"\$\d{1,3},\d{3}\.\d{2}", english), "no amount like $12,345.50"
        assert "What it means" in english and "Period:</strong>" in english
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


def test_the_period_presets_and_errors_shown_on_the_form(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/overview")
        assert '<option value="this_season"' in page.text and '<option value="last_season"' in page.text
        assert re.search(r'<option value="last_12_months" selected>12 derniers mois \(', page.text)
        season = c.get(f"/m/{A}/overview?period=last_season")
        assert season.status_code == 200 and "saison" in visible_text(season.text)
        bad = c.get(f"/m/{A}/overview?period=custom&from=yesterday&to=2025-06-01")
        assert bad.status_code == 200, "a bad date replaced the page"
        assert "« yesterday » n’est pas une date" in html.unescape(bad.text) and 'aria-invalid="true"' in bad.text
        swapped = c.get(f"/m/{A}/retention?period=custom&from=2025-06-01&to=2025-01-01")
        assert swapped.status_code == 200 and "La période finit avant de commencer" in html.unescape(swapped.text)
        custom = c.get(f"/m/{A}/overview?period=custom&from=2025-01-01&to=2025-06-30")
        assert "Du 1er janv. 2025 au 30 juin 2025" in visible_text(custom.text)
        # Whole months are compared with the same months just before, not with as many days (4 July).
        assert "comparée à la période du 1er juill. 2024 au 31 déc. 2024" in visible_text(custom.text)
        # A period from the first day reports accept names no period before it: there is no data then.
        since_1900 = visible_text(c.get(f"/m/{A}/overview?period=custom&from=1900-01-01&to=2025-06-30").text)
        assert "Du 1er janv. 1900 au 30 juin 2025" in since_1900, since_1900[:1500]
        assert "comparée à la période" not in since_1900 and "1773" not in since_1900
        # A pooled tab rounds to whole months and says so on its period line (no longer in a note at the
        # page's foot): its days in words as the page writes them (« 1er janv. 2025 »), not ISO dates.
        pooled = visible_text(c.get(f"/m/{A}/elsewhere?period=custom&from=2025-01-10&to=2025-03-20").text)
        assert ("Du 1er janv. 2025 au 31 mars 2025 · les chiffres entre membres comptent des mois civils entiers"
                in " ".join(pooled.split())), pooled[:3000]
        assert not re.search(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])", pooled)


def test_the_api_page_says_how_to_call_it_in_the_readers_language(app, coop: Coop) -> None:
    # The API page opened on the OpenAPI document's English description, its Markdown as it is.
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = visible_text(c.get("/docs").text, tooltips=False)
        assert "Authentifiez-vous avec un jeton d’API" in page and "barrière de confidentialité" in page
        assert "Authenticate with an API token" not in page and "Bearer ccp_" not in page
        # Each route's own description too (they were the English docstrings), and no summary made
        # of a function's name (« Api Load Programme »).
        assert "Charger la programmation du membre" in page and "Réponse réussie" in page, page[:3000]
        assert "Premier jour de la période (AAAA-MM-JJ)" in page and "Une étiquette pour reconnaître le jeton" in page
        for english in ("Load the member's programme", "Successful Response", "Api Load Programme", "The reports a member"):
            assert english not in page, english
        spec = app.openapi()
        described = {" ".join(op["description"].split()) for item in spec["paths"].values() for op in item.values()
                     if op.get("description")}
        untranslated = [d for d in described if d in page]
        assert not untranslated, untranslated


def test_bad_periods_and_names_are_one_clear_sentence(app, coop: Coop) -> None:
    # The program asks French (its Accept-Language chooses: test_the_api_answers_in_the_language_its_caller_asks).
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}", "Accept-Language": "fr"}
    with new_client(app) as c:
        swapped = c.get(f"/api/v1/members/{A}/reports/overview?from=2025-06-01&to=2025-01-01", headers=auth)
        assert swapped.status_code == 400 and "inversez les dates" in swapped.json()["error"]["message"]
        garbage = c.get(f"/api/v1/members/{A}/reports/overview?from=yesterday", headers=auth)
        assert garbage.status_code == 422 and "from" in garbage.json()["error"]["message"]
        unknown = c.get(f"/api/v1/members/{A}/reports/popularity", headers=auth)
        assert unknown.status_code == 404 and "Rapport inconnu popularity" in unknown.json()["error"]["message"]
        empty = c.get(f"/api/v1/members/{A}/reports/overview?from=2001-01-01&to=2001-02-01", headers=auth)
        message = empty.json()["error"]["message"]
        assert empty.status_code == 400 and "1er janvier 2001" in message and "Traceback" not in message
        assert "pour le membre jazz-dieze" in message and "member jazz" not in message
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/overview?period=custom&from=2001-01-01&to=2001-02-01")
        # The page says it as it writes the rest: the member by its name, days abbreviated (the API keeps
        # the identifier its caller gave).
        said = html.unescape(page.text)
        assert page.status_code == 200 and ("<strong>Chiffres clés</strong> — Il n’y a aucun billet pour le membre Club de jazz "
                                            "Le Dièse entre le 1er janv. 2001 et le 1er févr. 2001 ; choisissez") in said
        # A tab's JSON and CSV answer the period asked for or none: the default period's figures came
        # back (200) under a date that does not exist.
        for download in (f"/m/{A}/overview.json?period=custom&from=2026-02-30",
                         f"/m/{A}/overview.csv?table=overview-overview&period=custom&from=2026-02-30"):
            refused = c.get(download)
            said = html.unescape(refused.text)
            assert refused.status_code == 422 and "La période ne peut pas être lue" in said and "2026-02-30" in said, said
        # The page shows the sentence beside its field and the default period meanwhile.
        assert c.get(f"/m/{A}/overview?period=custom&from=2026-02-30").status_code == 200


def test_an_unknown_report_in_french_offers_the_reports_by_their_titles(app, coop: Coop) -> None:
    """The API's 404 for an unknown report, in French, named the reports by their codes alone."""
    token = coop.tokens["A-analyst"]
    with new_client(app) as c:
        french = c.get(f"/api/v1/members/{A}/reports/popularity", headers={"Authorization": f"Bearer {token}"})
        message = french.json()["error"]["message"]
        assert french.status_code == 404 and "Rapport inconnu popularity" in message, message
        assert "overview (Chiffres clés), geography (Géographie)" in message and "pace (Rythme des ventes)" in message, message


def french_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def as_number(value: str) -> float:
    assert re.fullmatch(r"-?\d+(,\d+)?", value), f"not a French number: {value!r}"
    return float(value.replace(",", "."))


def test_french_csv_opens_as_numbers_in_a_french_spreadsheet(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        overview = c.get(f"/m/{A}/overview.csv?table=overview-overview")
        assert overview.status_code == 200 and overview.headers["content-type"].startswith("text/csv")
        rows = french_csv(overview.text)
        assert list(rows[0]) == ["Chiffre", "Cette période", "Période précédente", "Variation", "Unité", "Unité (Variation)"]
        by_figure = {r["Chiffre"]: r for r in rows}
        api = c.get(f"/m/{A}/overview.json").json()["reports"]["overview"]["result"]["summary"]
        assert as_number(by_figure["Clients"]["Cette période"]) == api["patrons"]
        assert as_number(by_figure["Recettes (taxes incluses)"]["Cette période"]) == api["revenue"]
        assert by_figure["Recettes (taxes incluses)"]["Unité"] == "$"
        share = by_figure["Part de nouveaux clients"]
        assert share["Unité"] == "%" and as_number(share["Cette période"]) == round(api["new_share"] * 100, 2)
        # A share changes by points (23.9 % after 54.2 % is −30.3 pts), an amount by a percentage.
        points = as_number(share["Cette période"]) - as_number(share["Période précédente"])
        assert share["Unité (Variation)"] == "pts" and abs(as_number(share["Variation"]) - points) < 0.02, share
        revenue = by_figure["Recettes (taxes incluses)"]
        assert revenue["Unité (Variation)"] == "%"
        assert abs(as_number(revenue["Variation"]) / 100 - (as_number(revenue["Cette période"]) / as_number(revenue["Période précédente"]) - 1)) < 0.001
        page = visible_text(c.get(f"/m/{A}/overview").text)
        kpi = re.search(r"Part de nouveaux clients\s+[\d,]+\s%\s+(\S+)\s(pts|%)", page.replace("\u202f", " ").replace("\xa0", " "))
        assert kpi and kpi.group(2) == "pts", page[:2000]
        retention = french_csv(c.get(f"/m/{A}/retention.csv?table=retention-by_event").text)
        assert "Part revenue à tout moment (%)" in retention[0]
        for row in retention:
            assert 0 <= as_number(row["Part revenue à tout moment (%)"]) <= 100 and as_number(row["Spectateurs"]) >= 1
        # One headline rate, its rule said under it (two rates on two bases, 31,9 % « back » beside 33,9 % « back
        # within six months », read as a contradiction).
        shown = visible_text(c.get(f"/m/{A}/retention").text)
        assert ("des présences aux événements tenus au moins six mois avant la fin de vos données, la part revenue à l’un "
                "de vos événements dans les six mois") in shown, shown[:3000]
        assert "Revenus dans les six mois" not in re.findall(r"(?:Taux de retour|Revenus dans les six mois)\s+[\d,]+", shown)
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c, f"/m/{A}/overview"), "next": "/"})
        english = c.get(f"/m/{A}/overview.csv?table=overview-overview").text
        header = next(csv.reader(io.StringIO(english[1:])))
        assert header[:2] == ["Figure", "This period"] and ";" not in english.splitlines()[1]
        c.post("/language", data={"language": "fr", "csrf_token": page_csrf(c, f"/m/{A}/overview"), "next": "/"})
        assert c.get(f"/m/{A}/overview.csv?table=nothing").status_code == 404


def test_the_overview_charts_tickets_month_by_month(app, coop: Coop) -> None:
    """« How are my sales going? »: the overview charts each month's tickets (beside the same days a
    year before where the data holds them), adding up to the tab's key figure, and its table downloads."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/overview").text
        chart = next(f for f in figures(page) if f["layout"]["title"]["text"] == "Billets des événements de chaque mois")
        this_period = chart["data"][0]
        assert this_period["name"] == "Cette période" and chart["layout"]["xaxis"]["title"]["text"] == "Mois des événements"
        summary = c.get(f"/m/{A}/overview.json").json()["reports"]["overview"]["result"]["summary"]
        assert sum(v or 0 for v in this_period["y"]) == summary["tickets"]
        assert all(re.fullmatch(r"[a-zéû.]+ \d{4}( \(\d{1,2}–\d{1,2}\))?", m) for m in this_period["x"]), this_period["x"]
        # The year before in grey: in orange, right under « en orange, ont baissé », its bars read as falls.
        (year_before,) = [t for t in chart["data"] if t["name"] == "Un an plus tôt"]
        assert year_before["marker"]["color"] == charts.MUTED and this_period["marker"]["color"] not in (charts.FALLING, charts.MUTED)
        assert "celles à gauche, en orange, ont baissé" in visible_text(page)
        rows = french_csv(c.get(f"/m/{A}/overview.csv?table=overview-by_month").text)
        assert list(rows[0])[:5] == ["Mois", "Du", "Au", "Billets", "Recettes ($)"], list(rows[0])
        assert sum(as_number(r["Billets"]) for r in rows) == summary["tickets"]


def test_suppressed_cells_show_under_k_and_stay_empty_in_the_csv(app, coop: Coop) -> None:
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
                             r'moins de 400 clients[^"]*">&lt; 400</td>', page), "no suppressed count shown as < k"
            assert re.search(r'<td class="suppressed" data-v="" title="[^"]*">–</td>', page), "a hidden share reads as a value"
            assert "les cellules de moins de 400 clients sont affichées « < 400 »" in html.unescape(page)
            rows = french_csv(c.get(f"/m/{A}/elsewhere.csv?table=elsewhere-kinds").text)
            flag = "Masqué par la barrière de confidentialité"
            hidden = [r for r in rows if r[flag]]
            assert hidden, "no row flagged as hidden"
            for row in hidden:
                assert row["Personnes"] == "" and "Personnes" in row[flag] and "< 400" not in ";".join(row.values())
            # An index (100 = as the cooperative) hidden by the gate reads "–": "< 400" reads as its value.
            segments = c.get(f"/m/{A}/segments").text
            body = re.search(r'id="segments-segments".*?<tbody>(.*?)</tbody>', segments, re.S)
            assert body, "no segments table"
            indices = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1] for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]
            assert indices and "–" in indices and not [i for i in indices if "&lt;" in i], indices
    finally:
        with new_client(app) as admin:
            login(admin, coop.emails["coop"])
            admin.post("/admin/privacy", data={"k": "10", "epsilon_per_release": "1", "epsilon_budget": "10",
                                               "budget_period": "month", "csrf_token": page_csrf(admin, "/admin")})


def test_export_own_patrons_of_a_segment(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/segments").text
        links = re.findall(r'href="(/m/jazz-dieze/segments/([a-z_]+)/patrons\.csv)"', page)
        assert links, "no export action on the segments tab"
        segments = c.get(f"/m/{A}/segments.json").json()["reports"]["segments"]["result"]["rows"]
        counts = {r["segment"]: r["your_patrons"] for r in segments}
        with app.state.pool.connection() as w:
            own = {r["member_patron_id"] for r in w.query("SELECT member_patron_id FROM patron WHERE member_id = ?", [A])}
            others = {r["member_patron_id"] for r in w.query("SELECT member_patron_id FROM patron WHERE member_id <> ?", [A])}
        seen: set[str] = set()
        for url, segment in links:
            export = c.get(url)
            assert export.status_code == 200 and export.headers["content-disposition"].startswith("attachment")
            ids = export.text.lstrip("\ufeff").splitlines()[1:]
            assert len(ids) == counts[segment], segment
            assert set(ids) <= own and not set(ids) & (others - own)
            assert not seen & set(ids)  # a patron is in one segment
            seen |= set(ids)
        b = MEMBERS["B"]
        assert c.get(f"/m/{b}/segments/regulars/patrons.csv").status_code == 404  # another member's patrons: never


def test_a_segment_or_genre_edited_by_hand_is_said_by_its_names_never_its_codes(app, coop: Coop) -> None:
    """An address or a form edited by hand names the segments (and genres, and its events) a reader
    knows, in its words; the API, whose callers send codes, offers the codes with their names. A list downloaded
    with a period the page cannot read is refused, never the default period's patrons."""
    segments_fr = "Habitués, Explorateurs, Gros acheteurs, Nouveaux venus, En perte de vitesse ou Occasionnels"
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for address in (f"/m/{A}/segments/nobody/patrons.csv", f"/m/{A}/segments/Habitu%C3%A9s/patrons.csv"):
            answer = c.get(address)
            said = visible_text(answer.text, tooltips=False)
            assert answer.status_code == 404 and segments_fr in said, said[:600]
            assert not leaks(said.split("Erreur 404", 1)[-1]) and "regulars" not in said, said[:600]
        # An event the member does not have: the sales pace spoke of « Le membre jazz-dieze », by its code.
        pace = visible_text(c.get(f"/m/{A}/pace", params={"event": "zzz"}).text, tooltips=False)
        assert "Vous n’avez pas d’événement « zzz » : choisissez l’un de vos événements dans la liste" in pace, pace[:1500]
        assert f"membre {A}" not in pace, pace[:1500]
        unread = c.get(f"/m/{A}/segments/regulars/patrons.csv", params={"period": "custom", "from": "13/45/2026"})
        assert unread.status_code == 422 and "Jeton du client" not in unread.text, unread.text[:300]
        csrf = page_csrf(c, f"/m/{A}/segments")
        for form, words in (({"kind": "segment", "segment": "nobody"}, segments_fr),
                            ({"kind": "genre", "genre": "nobody"}, "Jazz, Blues, Musique classique")):
            answer = c.post(f"/m/{A}/audiences", data={**form, "csrf_token": csrf})
            said = visible_text(answer.text, tooltips=False)
            assert answer.status_code == 400 and words in said, said[:800]
            assert not raw_codes(said) and "regulars" not in said and "classical" not in said, said[:800]
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as api:
        answer = api.post(f"/api/v1/members/{A}/audiences", json={"kind": "segment", "segment": "nobody", "name": "x"}, headers=auth)
        message = answer.json()["error"]["message"]
        assert answer.status_code == 422 and "« nobody »" in message and "regulars (Habitués)" in message, message


def test_actions_and_printable_summary(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/segments").text
        assert 'data-action="build-audience"' in page and 'name="kind" value="segment"' in page
        affinities = c.get(f"/m/{A}/affinities").text
        assert 'name="kind" value="genre"' in affinities
        summary = c.get(f"/m/{A}/retention/print")
        assert summary.status_code == 200 and "Ce qu’il faut retenir" in summary.text and "data-print" in summary.text
        assert "Période" not in summary.text.split("<article", 1)[0].split("<main>", 1)[-1]
        assert len(figures(summary.text)) <= 2


def test_glossary_is_reachable_from_jargon(app, coop: Coop) -> None:
    with new_client(app) as c:
        glossary = c.get("/glossary").text
        for slug in ("lift", "ci", "q_value", "index", "k", "epsilon", "pooling", "aggregate"):
            assert f'id="{slug}"' in glossary, slug
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/affinities").text
        assert re.search(r'<a class="term" href="/glossary#lift" title="Combien de fois plus souvent', page)
        assert 'href="/glossary#k"' in page


def test_transparency_is_in_plain_words(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        c.get(f"/m/{A}/segments")  # a release (by this account, or an earlier one by the analyst)
        page = html.unescape(c.get(f"/m/{A}/transparency").text)
        assert re.search(r"Le \d{1,2}(?:er)?\s[a-zéû]+\.?\s\d{4}\sà\s\d{1,2}\sh\s\d{2}, (Admin|Analyst) jazz-dieze \((administrateur|analyste), votre organisme\) "
                         r"a (de nouveau )?consulté « Segments de public » pour la période du", page)
        assert "web:" not in page and "{'" not in page and "['" not in page
        assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", page), "microsecond timestamps"
        # Numbers that jump (other members' entries) are said, or they read as entries removed.
        assert "là où les numéros sautent" in page


def test_the_cooperative_admin_lands_on_the_cooperatives_health(app, coop: Coop) -> None:
    with new_client(app) as admin:
        login(admin, coop.emails["coop"])
        assert admin.get("/").headers["location"] == "/coop"
        page = html.unescape(admin.get("/coop").text)
        for member in MEMBERS.values():
            assert f'href="/m/{member}/data"' in page
        assert "la chaîne de hachage est intacte" in page
        assert "Retrouvés chez un autre membre" in page and "Personnes mutualisées" in page
        # Without noise no ε budget is spent: no « 0 publications » that reads as never consulted.
        assert "sans bruit : aucun budget ε à dépenser" in page and "publications)" not in page
        token = page_csrf(admin, "/admin")
        added = admin.post("/admin/members", data={"member_id": "musee-vide", "name": "Musée sans données",
                                                   "kind": "museum", "region": "Estrie", "csrf_token": token})
        assert added.status_code == 303
        page = html.unescape(admin.get("/coop").text)
        assert "Musée sans données n’a jamais envoyé de données" in page
    with new_client(app) as member:
        login(member, coop.emails["A-admin"])
        assert member.get("/coop").status_code == 403
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


def test_a_title_written_as_a_formula_downloads_as_text() -> None:
    # Titles and venues come from other members' files: a cell a spreadsheet would run as a
    # formula (=HYPERLINK…, +cmd…, -2+3, @SUM…) must open as the text it is.
    from culturecoop.web.i18n import Translator
    from culturecoop.web.render import csv_text
    from culturecoop.web.views.base import Cell, Column, TableView

    hostile = ['=HYPERLINK("http://x.example","Gala")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "Gala"]
    table = TableView(id="t", title="t", columns=[Column("title", "Spectacle", "text"), Column("n", "Billets", "count")],
                      rows=[[Cell(h, h), Cell(12, "12", numeric=True, kind="count")] for h in hostile])
    for language in ("fr", "en"):
        text = csv_text(table, Translator(language)).lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if language == "fr" else ","))[1:]
        assert [r[0] for r in rows] == ["'" + h for h in hostile[:4]] + ["Gala"]
        assert all(r[1] == "12" for r in rows)


def test_every_benchmark_index_compares_with_the_peers_figure_shown(app, coop: Coop) -> None:
    """Pooled patrons: the peers' figure is the average peer's; its index read 20 for a member as
    large as the average of its five peers (it compared with their sum)."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        rows = c.get(f"/m/{A}/benchmark.json").json()["reports"]["benchmark"]["result"]["rows"]
    compared = [r for r in rows if r["index"] is not None and r["peers"]]
    assert any(r["figure"] == "patrons" for r in compared), rows
    for r in compared:
        assert abs(r["index"] - 100 * r["yours"] / r["peers"]) <= 1, r


def test_a_benchmark_over_the_members_first_months_does_not_compare_who_had_come_before(app, coop: Coop) -> None:
    """A venue whose data starts within the period read « 0,0 % de vos clients étaient déjà venus avant la
    période ; chez vos pairs, c’est 39,3 % » and « Vos clients reviennent moins que chez vos pairs (indice 0) :
    faites revenir ceux… »: nobody could have come before its first show. Its share is left out, and says why."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        first = date.fromisoformat(c.get(f"/m/{A}/overview.json").json()["reports"]["overview"]["result"]["coverage"]["first_day"])
        start = first.replace(day=1)
        query = f"?period=custom&from={start.isoformat()}&to={(start + timedelta(days=364)).isoformat()}"
        answer = c.get(f"/m/{A}/benchmark.json{query}").json()
        page = c.get(f"/m/{A}/benchmark{query}").text
    rows = {r["figure"]: r for r in answer["reports"]["benchmark"]["result"]["rows"]}
    assert rows["patrons"]["yours"] and rows["returning_share"]["yours"] is None, rows
    assert rows["returning_share"]["index"] is None
    said = " ".join(answer["insights"])
    assert "étaient déjà venus avant la période" not in said, said
    text = " ".join(visible_text(page).split())
    assert "reviennent moins que chez vos pairs" not in text
    assert "aucun de vos clients n’a donc pu venir avant elle" in text  # the « – » cell's tooltip
    assert "la part de clients déjà venus n’est donc pas comparée à celle de vos pairs" in text


def test_an_export_without_birth_dates_says_why_the_audience_has_no_age(coop: Coop, tmp_path: Path) -> None:
    """Eventbrite's attendee report has no birth date: « Âge du public » showed its title over a folded
    table of zeros and « Âge inconnu 100 % », nothing saying why or what would fill it."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views import tab_view

    db = tmp_path / "coop.duckdb"
    shutil.copy(coop.db, db)
    with Warehouse(db) as w:
        w.con.execute("UPDATE patron SET birth_band = NULL WHERE member_id = ?", [A])
    with Warehouse(db) as w:
        answer = run_report("geography", w, A, {}).to_json()
    assert answer["ages"][-1]["age_band"] == "unknown" and answer["ages"][-1]["share"] == 1, answer["ages"]
    view = tab_view(next(tab for tab in TABS if tab.slug == "audience"), {"geography": {**answer, "available": True}},
                    Translator("fr"), A)
    section = next(s for s in view.sections if s.id == "geography-ages")
    assert section.chart is None and section.table is None  # no table of zeros
    assert section.note and "votre export ne donne pas de date de naissance" in section.note, section.note
    assert "application membre" in section.note


def test_a_peer_selling_in_another_currency_is_not_compared_on_amounts(coop: Coop, tmp_path: Path) -> None:
    # Euros per patron against dollars per patron is no index: amounts compare within one currency.
    db = tmp_path / "coop.duckdb"
    shutil.copy(coop.db, db)
    with Warehouse(db) as w:
        before = {r["figure"]: r for r in run_report("benchmark", w, A, {}).rows}
        assert before["revenue_per_patron"]["index"] is not None and before["average_price"]["peers"]
        w.con.execute("UPDATE ticket SET currency = 'EUR' WHERE member_id = (SELECT min(member_id) FROM member "
                      "WHERE member_id <> ?)", [A])
    with Warehouse(db) as w:  # as after an ingest: what was kept for the data before is not reused
        after = run_report("benchmark", w, A, {})
    rows = {r["figure"]: r for r in after.rows}
    for figure in ("revenue_per_patron", "average_price"):
        assert rows[figure]["peers"] is None and rows[figure]["index"] is None and rows[figure]["yours"]
    assert rows["tickets_per_patron"]["index"] == before["tickets_per_patron"]["index"]
    assert any("another currency" in n for n in after.notes)


def test_campaigns_without_an_audience_say_where_audiences_are_made(app, coop: Coop) -> None:
    """A segment's "Build a target audience" is the other way to an audience: the empty Campaigns tab
    names both (it named only the Target audience tab)."""
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        page = c.get(f"/m/{A}/campaigns").text
    empty = re.search(r'<p class="empty">([^<]*Enregistrez.*?)</p>', page, re.S)
    assert empty, "no way to an audience on the empty Campaigns tab"
    assert f'href="/m/{A}/segments"' in empty.group(1) and f'href="/m/{A}/target"' in empty.group(1)
    assert "onglet Segments" in html.unescape(empty.group(1))


def test_the_retention_tab_counts_visits_beside_visits(app, coop: Coop) -> None:
    """The return rate is of visits: the count of visits followed by a return stands beside the visits,
    named as such (it read "Sont revenus" beside the patrons, as if 216 of 439 people had)."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        text = visible_text(c.get(f"/m/{A}/retention").text, tooltips=False)
    labels = re.findall(r"(Taux de retour|Présences comptées dans le taux de retour|Dont suivies d’un retour|Présences|"
                        r"Clients|Sont revenus)\s", text)
    assert labels[:5] == ["Taux de retour", "Présences", "Présences comptées dans le taux de retour",
                          "Dont suivies d’un retour", "Clients"], labels[:6]


def test_the_elsewhere_ratio_sits_beside_the_two_shares_it_divides(app, coop: Coop) -> None:
    """The genres' ratio is your audience's share among those who went out to other members over the
    rest of the cooperative's: the CSV showed the share of the whole audience beside it instead (23 %
    against 22,9 % read « 1,73 »)."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        rows = french_csv(c.get(f"/m/{A}/elsewhere.csv?table=elsewhere-genres").text)
    compared = [r for r in rows if r["Rapport"] and r["Part de votre public qui sort ailleurs (%)"]]
    assert compared, rows
    for row in compared:
        mine = as_number(row["Part de votre public qui sort ailleurs (%)"])
        rest = as_number(row["Part du reste de la coopérative qui sort ailleurs (%)"])
        assert abs(mine / rest - as_number(row["Rapport"])) < 0.02 * as_number(row["Rapport"]) + 0.01, row


def test_the_trends_table_says_what_its_start_end_and_trend_are(app, coop: Coop) -> None:
    """A genre's move is year over year when the data holds the year before the period: its share
    over the period's months against the same months a year earlier, both read off the monthly
    table, and the change is the one less the other. A line fitted to twelve months called a summer
    festival's genre « rising » every June (the demo's Trends tab: « Musique électronique progresse :
    de 10 % à 52 % »)."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        genres = french_csv(c.get(f"/m/{A}/trends.csv?table=trends-cooperative").text)
        months = french_csv(c.get(f"/m/{A}/trends.csv?table=trends-cooperative_months").text)
        report = c.get(f"/m/{A}/trends.json").json()["reports"]["trends"]["result"]
        page = html.unescape(c.get(f"/m/{A}/trends").text)
    assert report["summary"]["basis"] == "year_over_year"
    # The chart colours two genres each way, and says so; a month's shares of several genres exceed 100 %.
    assert re.search(r"Marqués [▲▼] en (vert foncé|orange), les genres qui ont le plus (progressé|reculé)|Aucun genre n’a progressé", page)
    assert "par rapport aux mêmes mois un an plus tôt, et tous les genres figurent" in page
    assert "les parts d’un mois dépassent alors 100 %" in page
    assert {"Part mensuelle moyenne, mêmes mois un an plus tôt (%)", "Part mensuelle moyenne sur la période (%)",
            "Variation sur un an (points)"} <= set(genres[0])
    period = {r["month"] for r in report["cooperative_months"] if r["in_period"]}
    earlier = {r["month"] for r in report["cooperative_months"] if not r["in_period"]}
    assert earlier and period and max(earlier) < min(period)
    shares: dict[str, dict[str, float]] = {}
    for m in months:
        if m["Part (%)"]:
            shares.setdefault(m["Genre"], {})[m["Mois"][:7]] = as_number(m["Part (%)"])  # « 2025-03 (mars) »
    assert {m["Dans la période"] for m in months} == {"oui", "non"}
    checked = 0
    for row in genres:
        # A genre without a move says why in its cells (« Trop peu de mois… »): no figure to check.
        if not all(row[c][:1].isdigit() for c in ("Part mensuelle moyenne sur la période (%)",
                                                   "Part mensuelle moyenne, mêmes mois un an plus tôt (%)")):
            continue
        own = shares.get(row["Genre"], {})
        paired = [(own[b], own[m]) for m in sorted(period) for b in [f"{int(m[:4]) - 1}{m[4:]}"]
                  if b in own and m in own]
        assert len(paired) >= 3, row
        before, now = sum(p[0] for p in paired) / len(paired), sum(p[1] for p in paired) / len(paired)
        assert abs(before - as_number(row["Part mensuelle moyenne, mêmes mois un an plus tôt (%)"])) < 0.05, row
        assert abs(now - as_number(row["Part mensuelle moyenne sur la période (%)"])) < 0.05, row
        assert abs((now - before) - as_number(row["Variation sur un an (points)"])) < 0.1, row
        checked += 1
    assert checked, genres


def test_two_rising_genres_on_the_trends_chart_can_be_told_apart() -> None:
    """Rising genres are green and falling ones red, so two rising genres drew two identical green
    lines (the demo's « Théâtre » and « Jeune public »): each line of a colour now has its own
    stroke, in the legend too; so do the two grey lines behind, named as a few grey lines are."""
    from culturecoop.web import charts
    from culturecoop.web.i18n import Translator

    months = ["2026-01-01", "2026-02-01", "2026-03-01"]
    figure = charts.lines("Parts", months, [("Théâtre", [0.2, 0.3, 0.4]), ("Jeune public", [0.1, 0.2, 0.3]),
                                             ("Rock", [0.3, 0.2, 0.1]), ("Musique classique", [0.4, 0.3, 0.1]),
                                             ("Jazz", [0.1, 0.1, 0.1]), ("Blues", [0.2, 0.2, 0.2])],
                          Translator("fr"), value_title="Part", x_title="Mois", unit="percent",
                          highlight={"Théâtre": charts.RISING, "Jeune public": charts.RISING,
                                     "Rock": charts.FALLING, "Musique classique": charts.FALLING})
    drawn = {trace["name"]: (trace["line"]["color"], trace["line"]["dash"]) for trace in figure["data"]}
    shown = [drawn[name] for name in ("Théâtre", "Jeune public", "Rock", "Musique classique")]
    assert len(set(shown)) == 4, drawn
    assert drawn["Jazz"][0] == drawn["Blues"][0] == charts.MUTED and drawn["Jazz"][1] != drawn["Blues"][1]
    assert all(trace["showlegend"] for trace in figure["data"] if trace["name"] in ("Théâtre", "Jeune public"))


def test_the_age_chart_shows_shares_of_the_patrons_whose_age_is_known() -> None:
    """With birth dates missing for part of the patrons (the demo's jazz club: 55 %), the age bars
    were shares of all patrons and added up to the known part only (« 35 à 44 ans : 9 % » of an
    audience whose age was known for 45 %): they are now shares of the patrons whose age is known,
    said on the axis and in the note, and the table keeps the shares of all."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.base import TabView
    from culturecoop.web.views.own import audience

    counts = {"18_24": 30, "25_34": 60, "35_44": 90, "45_54": 120, "unknown": 300}
    rows = [{"age_band": band, "patrons": n, "share": n / 600} for band, n in counts.items()]
    view = TabView(next(tab for tab in TABS if tab.slug == "audience"), "jazz-dieze", False)
    audience(view, {"geography": {"summary": {"patrons": 600}, "ages": rows}}, Translator("fr"))
    section = next(s for s in view.sections if s.id == "geography-ages")
    assert section.chart is not None
    bars = [v for trace in section.chart["data"] for v in trace["y"] if v is not None]
    assert [round(v, 1) for v in bars] == [10.0, 20.0, 30.0, 40.0], bars
    assert "dont l’âge est connu" in json.dumps(section.chart["layout"], ensure_ascii=False)
    assert section.note and "50,0" in section.note and "le tableau, les parts de tous" in section.note
    assert section.table is not None and any("50,0" in c.text for row in section.table.rows for c in row)


def test_the_account_and_data_pages_name_the_member_and_the_layout_in_words(app, coop: Coop) -> None:
    """A French reader saw « Membre jazz-dieze » on the account page and « canonical » as the layout
    an export was read with on the data page: the member's public name, and the layout in words."""
    with Warehouse(coop.db) as w:
        name = w.query("SELECT name FROM member WHERE member_id = ?", [A])[0]["name"]
        profile = w.query("SELECT profile FROM ingest_log WHERE member_id = ? LIMIT 1", [A])
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        account = re.sub(r"\s+", " ", visible_text(c.get("/account").text))
        data = visible_text(c.get(f"/m/{A}/data").text)
    assert name and f"Membre {name}" in account and f"Membre {A}" not in account, account[:1500]
    assert profile and profile[0]["profile"] == "canonical"  # the test packages are in the cooperative's own columns
    assert "Colonnes de la coopérative" in data and "canonical" not in data


def test_the_sales_curve_fits_the_days_when_tickets_sell() -> None:
    """A club's shows sell in their last three weeks: on a 120-day axis the curve filled its last
    sixth (40 px on a phone). The axis now starts a little before anything sells or the forecast's
    day; a show on sale for months keeps the whole axis."""
    from culturecoop.web import charts
    from culturecoop.web.i18n import Translator

    days = list(range(120, -1, -1))

    def curve(start: int) -> list[float]:
        return [0.0 if d > start else float(start - d) for d in days]

    def drawn(start: int, marker: int) -> dict[str, object]:
        sold = curve(start)
        figure = charts.band("Ventes", days, [v * 0.5 for v in sold], sold, [v * 1.5 for v in sold], sold, Translator("fr"),
                             band_name="b", middle_name="m", line_name="l", value_title="Billets", x_title="Jours",
                             marker_x=marker)
        return figure["layout"]["xaxis"]  # type: ignore[index,return-value]

    club = drawn(20, 14)
    assert club.get("range") and 20 < club["range"][0] < 40 and club["range"][1] < 0, club  # type: ignore[index]
    assert "autorange" not in club
    assert drawn(110, 14).get("autorange") == "reversed"
    assert drawn(20, 60)["range"][0] > 60  # type: ignore[index]  # the forecast's day stays in view


def overview_row(page: str, label: str) -> list[str]:
    """The cells of one row of the overview's key figures table, as shown."""
    found = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", page, re.S)
    assert found, label
    return [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1))]


def banner(page: str) -> str:
    found = re.search(r'<p class="notice first-period" role="status">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def test_the_overview_banner_says_only_what_its_table_shows(app, coop: Coop) -> None:
    """An overview said « La période précédente est la première des données … tous ses clients y
    comptent comme nouveaux » above a table whose previous period held 853 returning patrons: its data
    started three months before that period, and a six-month rule chose the banner. « All new » is said
    only of a period before that starts with the data; one that starts soon after it says why new and
    returning patrons are not compared. A period before the data shows « – », not zeros; and a period of
    whole months is compared with the same months just before (1 July, not 4 July), its days abbreviated
    as the rest of the page writes them."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        first = date.fromisoformat(c.get(f"/m/{A}/overview.json").json()["reports"]["overview"]["result"]["coverage"]["first_day"])
        # The period before starts with the data: every patron of it is new, and the table says so too.
        start = first + timedelta(days=181)
        page = c.get(f"/m/{A}/overview?period=custom&from={start}&to={start + timedelta(days=180)}").text
        assert "tous ses clients y comptent comme nouveaux" in banner(page), banner(page)
        assert overview_row(page, "Clients fidèles")[1] == "0" and overview_row(page, "Part de nouveaux clients")[1] == "100,0\u00a0%"
        # It starts five months into the data: some of its patrons had come before, so it is not « all new ».
        month = month_ordinal(first)
        page = c.get(f"/m/{A}/overview?period=custom&from={month_start(month + 7)}&to={month_end(month + 12)}").text
        said, returning = banner(page), overview_row(page, "Clients fidèles")
        assert "tous ses clients" not in said and "peu avant la période précédente" in said, said
        assert int(returning[1].replace("\u00a0", "").replace("\u202f", "")) > 0 and returning[2] == "–"
        # The data's first season: nothing before it, « – » rather than 0 and 0,00 $; no newcomers to save.
        page = c.get(f"/m/{A}/overview?period=custom&from={first}&to={first + timedelta(days=364)}").text
        assert "Première période de données" in banner(page)
        for label in ("Clients", "Recettes (taxes incluses)", "Panier moyen"):
            assert overview_row(page, label)[1] == "–", (label, overview_row(page, label))
        assert "nouveaux venus" not in visible_text(re.findall(r'<section class="next-steps".*?</section>', page, re.S)[0])
        # Last season is compared with the season before it, from 1 September (not the 365 days before it).
        season = visible_text(c.get(f"/m/{A}/overview?period=last_season").text)
        assert "Du 1er sept. 2024 au 31 août 2025 · saison 2024-2025 · comparée à la période du 1er sept. 2023 au 31 août 2024" in season
        assert "Période précédente : du 1er sept. 2023 au 31 août 2024." in season, season[-1500:]


def test_the_sales_pace_tab_shows_no_period_form(app, coop: Coop) -> None:
    """The pace tab's period form said « 12 derniers mois (27 juin 2025 – 26 juin 2026) » above « Période :
    Du 19 nov. 2024 au 18 nov. 2025 » (a replay, read some days before its event): the form governs
    no sales pace, whose question is the event picked. Only the tabs it governs show it."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in TABS:
            page = c.get(f"/m/{A}/{tab.slug}").text
            assert ('<form method="get" class="period"' in page) == (tab.slug != "pace"), tab.slug
        past = re.search(r'<select name="event">.*?</select>.*?<select name="event">(.*?)</select>',
                         c.get(f"/m/{A}/pace").text, re.S)
        assert past, "no past event to replay"
        event = re.findall(r'<option value="([^"]+)"', past.group(1))[3]
        replay = c.get(f"/m/{A}/pace?event={event}&days=30").text
        assert 'class="period"' not in replay and "Période\u00a0:" in visible_text(replay)


def test_a_half_reads_the_same_on_the_page_and_in_its_csv() -> None:
    """An overlap's lift of 1.185 read « 1,18 × » on the page and 1,19 in its CSV (Babel rounds a half
    to even, the CSV did not): both round a half away from zero."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.render import csv_text
    from culturecoop.web.views.base import Column, TableView, cell

    t = Translator("fr")
    cells = [cell(1.185, "times", t), cell(0.4545, "percent", t), cell(-0.0125, "points", t), cell(2.675, "float2", t)]
    table = TableView("t", "t", [Column(str(i), str(i), c.kind) for i, c in enumerate(cells)], [cells])
    assert [c.text for c in cells] == ["1,19\u00a0×", "45,5\u00a0%", "−1,3\u00a0pts", "2,68"]
    assert french_csv(csv_text(table, t))[0] == {"0": "1,19", "1 (%)": "45,45", "2": "-1,25", "3": "2,68"}


def test_a_cell_left_empty_in_a_downloaded_table_says_why(app, coop: Coop) -> None:
    """A cell without a figure that the privacy gate did not hide — a comparable event that had sold
    nothing at that point (no multiplier), an event your data does not yet follow six months, a month
    without any of your events, a month a year before your data — was an empty cell in the CSV, read
    as a figure lost on the way, and a bare « – » on the page. It now says why, in the cell and in
    the « – »'s tooltip."""
    reasons = {"Aucun billet vendu à ce moment : pas de multiplicateur", "Pas encore six mois de vos données après lui",
               "Aucun de vos événements ce mois-là", "Hors de vos données",
               "Non comparé : on ne sait pas qui était nouveau dans la période précédente"}
    said: set[str] = set()
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in ("overview", "retention", "pace"):
            page = c.get(f"/m/{A}/{tab}").text
            for table in sorted(set(re.findall(rf'href="/m/{A}/{tab}\.csv\?table=([\w-]+)', page))):
                for row in french_csv(c.get(f"/m/{A}/{tab}.csv?table={table}").text):
                    for column, value in row.items():
                        if column.startswith("Unité"):
                            continue  # a figure with no unit (a count) has none
                        assert value, f"{tab} {table}: « {column} » left empty in {row}"
                        said |= {value} & reasons
            tooltips = set(re.findall(r'<td class="why" data-v="" title="([^"]+)">–</td>', html.unescape(page)))
            assert tooltips <= reasons, tooltips
    assert {"Aucun billet vendu à ce moment : pas de multiplicateur", "Pas encore six mois de vos données après lui"} <= said, said


def test_no_member_page_asks_the_reader_to_run_a_command(app, coop: Coop) -> None:
    """Venue staff have no terminal: the Target tab said « la commande culturecoop reco ids aussi » and
    Transparency « La commande culturecoop audit verify vérifie toute la chaîne ». A member's pages now
    name the member app's own controls, in its words (its catalog), where the reader puts its ids back."""
    from culturecoop.i18n import gettext_in

    fetch, find = (gettext_in(m, "fr") for m in ("Fetch my recommendations", "Find your patrons in a list from the cooperative"))
    pages = [f"/m/{A}/{tab.slug}" for tab in TABS] + [f"/m/{A}/{slug}" for slug in ("target", "campaigns", "data", "transparency",
                                                                                      "contribution")] + ["/account"]
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for path in pages:
            said = visible_text(c.get(path).text)
            commands = re.findall(r"culturecoop [a-z]+(?: [a-z-]+)?", said)
            assert not commands, (path, commands)
        target = visible_text(c.get(f"/m/{A}/target").text)
        assert f"« {fetch} » reçoit la liste" in target and f"comme « {find} » le fait" in target, target[-3000:]
        assert f"(« {find} »)" in visible_text(c.get(f"/m/{A}/segments").text)


def test_the_api_answers_in_the_language_its_caller_asks(app, coop: Coop) -> None:
    """A program with an API token asking « Accept-Language: en » got French (its account's language):
    the API now answers in the language the request prefers (q-values weighed), else the account's, and
    says which in Content-Language; a report's title and notes too. The dashboard's reader (the session
    cookie) keeps the language chosen on the dashboard whatever the browser sends."""
    token = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}  # the account reads French
    unknown, report = f"/api/v1/members/{A}/reports/nope", f"/api/v1/members/{A}/reports/retention"
    with new_client(app) as c:
        for header, language in (("en", "en"), ("en-CA,en;q=0.9,fr;q=0.5", "en"), ("de,en;q=0.3,fr;q=0.2", "en"),
                                 ("en;q=0.1, fr", "fr"), ("de", "fr"), (None, "fr"), ("en;q=0, fr;q=0.1", "fr")):
            asked = {**token, **({"Accept-Language": header} if header else {})}
            refused = c.get(unknown, headers=asked)
            assert refused.status_code == 404 and refused.headers["content-language"] == language, (header, refused.headers)
            message = refused.json()["error"]["message"]
            assert message.startswith("Unknown report nope" if language == "en" else "Rapport inconnu nope"), (header, message)
            answer = c.get(report, headers=asked)
            result = answer.json()["result"]
            assert answer.headers["content-language"] == language and "accept-language" in answer.headers["vary"].lower()
            assert result["title"] == ("Retention" if language == "en" else "Fidélisation"), (header, result["title"])
            assert any(n.startswith("Return rate:" if language == "en" else "Taux de retour :") for n in result["notes"]), result["notes"]
        login(c, coop.emails["A-analyst"])
        page_link = c.get(unknown, headers={"Accept-Language": "en-US,en;q=0.9"})
        assert page_link.headers["content-language"] == "fr" and "Rapport inconnu" in page_link.json()["error"]["message"]
        twin = c.get(f"/m/{A}/retention.json", headers={"Accept-Language": "en"}).json()["reports"]["retention"]["result"]
        assert twin["title"] == "Fidélisation", twin["title"]


def test_a_chart_whose_colours_mean_something_says_what(app, coop: Coop) -> None:
    """The benchmark's bars were green or red by whether the member was above its peers, and the
    overview's by whether a figure rose, with nothing saying so (a lower ticket price in red read as a
    fault). Every chart whose bars or lines take several colours now says what they mean above it."""
    from culturecoop.web import charts

    colour_words = ("vert", "rouge", "couleur", "gris")
    checked = 0
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in TABS:
            page = c.get(f"/m/{A}/{tab.slug}").text
            for section in re.findall(r'<section class="block" id="[^"]+">.*?</section>', page, re.S):
                for figure in figures(section):
                    # Bars coloured one by one (above or below, significant or not), lines coloured by
                    # where they go (rising, falling): colours no legend explains.
                    per_bar = [t["marker"]["color"] for t in figure["data"] if isinstance(t.get("marker", {}).get("color"), list)]
                    moving = {(t.get("line") or {}).get("color") for t in figure["data"]} & {charts.RISING, charts.FALLING}
                    if not moving and not any(len(set(c)) > 1 for c in per_bar):
                        continue
                    checked += 1
                    lead = re.search(r'<p class="lead">(.*?)</p>', section, re.S)
                    said = html.unescape(lead.group(1)) if lead else ""
                    assert any(w in said.lower() for w in colour_words), (tab.slug, chart_text(figure)[:80], said)
    assert checked >= 3, checked


def test_two_shows_of_one_title_and_day_are_told_apart_by_their_start(coop: Coop) -> None:
    """The retention finding named « Juliette Sirois Trio (6 févr. 2026) » when a matinee and an
    evening shared that title and day, and the table, its CSV, the chart's points and the sales
    pace's comparables read alike too. Each now names such a show with its start time (the day too
    in a sentence), and only then: a title alone on its day keeps its name."""
    from culturecoop.analytics.insights import pace_rules, retention_rules
    from culturecoop.web.i18n import Translator
    from culturecoop.web.render import csv_text
    from culturecoop.web.views.base import TabView
    from culturecoop.web.views.own import pace, retention

    with Warehouse(coop.db) as w:
        real = run_report("retention", w, A, {}).rows
    assert real and all("starts_at" in r for r in real), "the report gives each event's start"
    shows = [("E1", "Juliette Sirois Trio", "2026-02-06", "2026-02-06T14:00", 0.12),
             ("E2", "Juliette Sirois Trio", "2026-02-06", "2026-02-06T20:00", 0.55),
             ("E3", "Soirée Coltrane", "2026-01-10", "2026-01-10T20:00", 0.3),
             ("E4", "Soirée Coltrane", "2026-01-17", None, 0.31),
             # Two rooms at one time: the time tells nothing, the member's event id does.
             ("E5", "Kyoto Strings", "2026-03-07", "2026-03-07T19:30", 0.3),
             ("E6", "Kyoto Strings", "2026-03-07", "2026-03-07T19:30", 0.3)]
    rows = [{"event_id": e, "title": title, "event_day": day, "starts_at": start, "attendees": 60, "came_back": 20,
             "return_rate": 0.3, "back_within_6_months": round(60 * rate), "return_rate_6_months": rate}
            for e, title, day, start, rate in shows]
    result = {"summary": {"return_rate": 0.3, "attendances": 240}, "rows": rows, "cohorts": []}
    said = " ".join(i.text("fr") for i in retention_rules({"retention": result}))
    assert "12\u00a0% de ceux de Juliette Sirois Trio (6 févr. 2026 à 14\u00a0h\u00a000)" in said, said
    assert "Juliette Sirois Trio (6 févr. 2026 à 20\u00a0h\u00a000)" in said, said
    view = TabView(next(tab for tab in TABS if tab.slug == "retention"), A, False)
    t = Translator("fr")
    retention(view, {"retention": result}, t)
    table = view.table("retention-by_event")
    assert table is not None
    names = [row[0].text for row in table.rows]
    assert names == ["Juliette Sirois Trio (14\u00a0h\u00a000)", "Juliette Sirois Trio (20\u00a0h\u00a000)",
                     "Soirée Coltrane", "Soirée Coltrane", "Kyoto Strings (E5)", "Kyoto Strings (E6)"], names
    assert [r["Événement"] for r in french_csv(csv_text(table, t))] == names
    section = next(s for s in view.sections if s.id == "retention-by_event")
    assert "Juliette Sirois Trio (20\u00a0h\u00a000)" in json.dumps(section.chart, ensure_ascii=False)
    # The sales pace: its event and its comparables, named alike by title and day, told apart.
    summary = {"event_id": "E9", "title": "Juliette Sirois Trio", "event_day": "2026-09-12", "starts_at": "2026-09-12T14:00",
               "same_title_and_day": 1, "days_before": 20, "tickets_sold": 80, "expected_by_now": 100,
               "pace_vs_comparables": -0.2, "as_of": "2026-08-23"}
    comparables = [{"event_id": e, "title": title, "event_day": day, "starts_at": start, "capacity": 100,
                    "sold_by_now": 10, "final": 50, "multiplier": 5.0} for e, title, day, start, _rate in shows[:2]]
    paced = {"pace": {"summary": summary, "rows": [], "band": [], "comparables": comparables}}
    assert "Les ventes de « Juliette Sirois Trio (12 sept. 2026 à 14\u00a0h\u00a000) »" in pace_rules(paced)[0].text("fr")
    alone = {"pace": {**paced["pace"], "summary": {**summary, "same_title_and_day": 0}}}
    assert "Les ventes de « Juliette Sirois Trio » sont" in pace_rules(alone)[0].text("fr")
    rooms = {"pace": {**paced["pace"], "summary": {**summary, "same_title_and_start": 1}}}
    assert "Les ventes de « Juliette Sirois Trio (E9) » sont" in pace_rules(rooms)[0].text("fr")
    view = TabView(next(tab for tab in TABS if tab.slug == "pace"), A, False)
    pace(view, paced, t)
    shown = view.table("pace-comparables")
    assert shown is not None and [row[0].text for row in shown.rows] == names[:2]


def test_a_members_page_read_by_the_cooperatives_admin_names_the_member(app, coop: Coop) -> None:
    """The cooperative's admin opening a member's Data page read « Ce que vos données ont apporté… » and
    « un jeton d’API de votre page Compte », and its Transparency page « votre organisme »: the pages
    spoke to the member, not to the admin reading them. Read by the admin, every member page it can
    open names the member instead (« les données de Jazz Dièse »), in French and in English; the
    member's own accounts still read « vos données »."""
    with Warehouse(coop.db) as w:
        name = w.query("SELECT name FROM member WHERE member_id = ?", [A])[0]["name"]
    second_person = {"fr": re.compile(r"\b(vous|vos|votre|vôtre|vôtres)\b", re.I), "en": re.compile(r"\b(you|your|yours)\b", re.I)}

    def main(page: str) -> str:
        return re.sub(r"\s+", " ", visible_text(page.split("<main>", 1)[1].split("</main>", 1)[0]))

    with new_client(app) as member:
        login(member, coop.emails["A-analyst"])
        member.get(f"/m/{A}/benchmark")  # a pooled tab: an entry of the member's own staff in the audit log
        assert "vos données" in main(member.get(f"/m/{A}/data").text)
    with new_client(app) as admin:
        login(admin, coop.emails["coop"])
        for language in ("fr", "en"):
            admin.post("/language", data={"language": language, "csrf_token": page_csrf(admin, "/coop"), "next": "/"})
            for page in ("data", "transparency"):
                text = main(admin.get(f"/m/{A}/{page}").text)
                assert name in text.split(" · ", 1)[1], text[:300]
                said = sorted({m.group(0) for m in second_person[language].finditer(text)})
                assert not said, f"{page} ({language}) speaks to the admin as the member: {said} in {text[:3000]}"
        transparency = main(admin.get(f"/m/{A}/transparency").text)
    assert f"analyst, {name})" in transparency or f"at {name})" in transparency, transparency[:3000]


def test_a_cell_left_empty_in_a_pooled_download_says_why(app, coop: Coop) -> None:
    """A pooled table's CSV left cells empty that the privacy gate had not hidden (« Part du reste de la
    coopérative… » of a genre nobody else attends, a confidence bound that cannot be computed…), beside
    the empty cells the gate hid and its flag column names: read alike, as figures lost on the way.
    Each cell now says why it holds no figure; the gate's stay empty, named in the flag column."""
    from culturecoop.web.i18n import Translator

    t = Translator("fr")
    flag = t("Hidden by the privacy gate")
    reasons = {t("Not computed: the figures it comes from are hidden by the privacy gate"),
               t("Too few months with a figure for this genre in both years to compare them")}
    said: set[str] = set()
    empty: dict[str, str] = {}  # where → an example row
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in (tab.slug for tab in TABS if tab.pooled):
            page = c.get(f"/m/{A}/{tab}").text
            for table in sorted(set(re.findall(rf'href="/m/{A}/{tab}\.csv\?table=([\w-]+)', page))):
                for row in french_csv(c.get(f"/m/{A}/{tab}.csv?table={table}").text):
                    hidden = {h.strip() for h in (row.get(flag) or "").split(",")}
                    for column, value in row.items():
                        if column == flag or column.startswith("Unité"):
                            continue
                        if not value and column.split(" (")[0] not in hidden and column not in hidden:
                            empty.setdefault(f"{tab} {table}: « {column} »", str(row))
                        said |= {value} & reasons
    assert not empty, "\n".join(f"{where} in {row}" for where, row in empty.items())
    # The move of a genre whose months the gate hid says why; the q-value of a pair whose counts it hid
    # is the gate's own (named in the flag column, as the pair's lift is), no longer explained apart.
    assert t("Too few months with a figure for this genre in both years to compare them") in said and said <= reasons, said
    # A benchmark without peers, or with peers selling in another currency: its empty cells say so.
    from culturecoop.web.render import csv_text
    from culturecoop.web.views.base import TabView
    from culturecoop.web.views.pooled import benchmark

    rows = [{"figure": "patrons", "yours": 800, "peers": None, "index": None, "suppressed": []},
            {"figure": "average_price", "yours": 31.5, "peers": None, "index": None, "suppressed": []}]
    for summary, peers_said in (({"peers": 0}, "Aucun pair avec qui comparer"),
                                ({"peers": 4}, "Non comparé : certains de vos pairs vendent dans une autre monnaie")):
        shown = [dict(rows[0], peers=700, index=114), rows[1]] if summary["peers"] else rows
        view = TabView(next(tab for tab in TABS if tab.slug == "benchmark"), A, True, k=10)
        benchmark(view, {"benchmark": {"summary": summary, "rows": shown}}, t)
        table = view.table("benchmark-benchmark")
        assert table is not None
        downloaded = french_csv(csv_text(table, t))
        assert downloaded[-1]["Vos pairs"] == downloaded[-1]["Indice (100 = comme vos pairs)"] == peers_said, downloaded


def test_a_missing_bar_of_the_cooperative_says_the_gate_hid_it(app, coop: Coop) -> None:
    """The Segments chart drew no cooperative bar beside « Habitués »: the gate hid that share (its
    table cell « – »), and the gap read as a share of nobody. A note under the chart names the
    segments whose bar is missing and why."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        rows = c.get(f"/m/{A}/segments.json").json()["reports"]["segments"]["result"]["rows"]
        page = c.get(f"/m/{A}/segments").text
    hidden = [r["segment"] for r in rows if r["cooperative_share"] is None]
    assert hidden, rows  # the cooperative of these tests hides at least one share
    section = re.findall(r'<section class="block" id="segments-segments">.*?</section>', page, re.S)[0]
    note = html.unescape(re.findall(r'<p class="note">(.*?)</p>', section, re.S)[0])
    assert note.startswith("Pas de barre pour la coopérative à côté de ") and ("pas une part nulle" in note or "pas des parts nulles" in note)
    names = {"regulars": "Habitués", "big_spenders": "Gros acheteurs", "explorers": "Explorateurs", "newcomers": "Nouveaux venus",
             "fading": "En perte de vitesse", "occasional": "Occasionnels"}
    assert all(names[s] in note for s in hidden) and not any(names[s] in note for s in names if s not in hidden), (hidden, note)


def test_a_few_points_below_the_peers_call_for_no_win_back(app, coop: Coop) -> None:
    """« Vos clients reviennent moins que chez vos pairs (indice 98) : faites revenir ceux qui ne sont pas
    venus depuis 6 mois » for 75,6 % of returning patrons against 77,2 %: a gap within the margin the
    overview calls steady (5 %) is no finding to act on."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        rows = c.get(f"/m/{A}/benchmark.json").json()["reports"]["benchmark"]["result"]["rows"]
        page = c.get(f"/m/{A}/benchmark").text
    index = next(r["index"] for r in rows if r["figure"] == "returning_share")
    assert 95 <= index < 100, index  # the cooperative of these tests: a little below its peers
    steps = visible_text(re.findall(r'<section class="next-steps".*?</section>', page, re.S)[0])
    assert "reviennent moins" not in steps and "Voir vos segments" in steps, steps


def test_a_significant_bar_is_said_in_plain_words(app, coop: Coop) -> None:
    """« Les barres en couleur sont significatives (q < 0,05) … les moustaches sont les intervalles à
    95 % » over the Elsewhere and Affinities charts: a statistician's shorthand to a venue's staff. The
    lead says what a coloured bar and a whisker mean; the glossary keeps the q-value for who asks."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for slug in ("elsewhere", "affinities"):
            page = c.get(f"/m/{A}/{slug}").text
            leads = [visible_text(lead) for lead in re.findall(r'<p class="lead">.*?</p>', page, re.S)]
            coloured = [lead for lead in leads if "moustache" in lead]
            assert coloured, (slug, leads)
            for lead in coloured:
                assert "q <" not in lead and re.search(r"trop nets? pour être d[uû]s? au hasard|assez net pour écarter le hasard", lead), (slug, lead)
                assert "fourchette où se trouve très probablement la vraie valeur" in lead, (slug, lead)


def test_a_show_half_a_ticket_behind_is_told_where_it_is_heading(app, coop: Coop) -> None:
    """« Spectacle 543 a vendu 10 % de billets de moins que les événements comparables au même stade »:
    5 tickets sold against 5.6, half a ticket, while the show was heading for 5 tickets in a hall of 600.
    A gap under a ticket is no finding; the step says where the show is heading instead."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        summary = c.get(f"/m/{A}/pace.json").json()["reports"]["pace"]["result"]["summary"]
        page = c.get(f"/m/{A}/pace").text
    sold, behind = summary["tickets_sold"], summary["pace_vs_comparables"]
    assert behind < 0 and sold / (1 + behind) - sold < 1, summary  # the first upcoming show: a little behind
    assert summary["forecast_final"] < summary["capacity"] / 2, summary
    steps = visible_text(re.findall(r'<section class="next-steps".*?</section>', page, re.S)[0])
    assert "de billets de moins" not in steps, steps
    assert f"se dirige vers environ {summary['forecast_final']} billets pour {summary['capacity']} places" in steps, steps


def test_the_benchmark_draws_each_index_from_the_peers_line(app, coop: Coop) -> None:
    """Indices of 98 to 106 drawn from 0 were six bars of one length, their gaps to the peers' 100 a few
    pixels. Each bar now runs from 100 to its index, on an axis of at least 80 to 120 (a short bar for a
    small gap, never half the chart), and its hover says the index itself."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/benchmark").text
    section = re.findall(r'<section class="block" id="benchmark-[^"]*">.*?</section>', page, re.S)[0]
    (figure,) = figures(section)
    bar = figure["data"][0]  # type: ignore[index]
    indices = bar["customdata"]
    assert bar["base"] == 100 and [100 + gap for gap in bar["x"]] == pytest.approx(indices), bar
    assert any(i < 100 for i in indices) and any(i > 100 for i in indices), indices
    low, high = figure["layout"]["xaxis"]["range"]  # type: ignore[index]
    assert low <= 80 and high >= 120 and low + high == pytest.approx(200), (low, high)
    assert "customdata" in bar["hovertemplate"]


def test_postal_areas_of_one_area_are_not_each_followed_by_its_name(app, coop: Coop) -> None:
    """« H3G · Montréal, H3I · Montréal … » fifteen times down the Audience chart: when the postal areas
    shown all lie in one area, each bar is named by its postal area alone (the table names the area)."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        fsa = c.get(f"/m/{A}/audience.json").json()["reports"]["geography"]["result"]["fsa"]
        page = c.get(f"/m/{A}/audience").text
    top = [r for r in fsa if r["fsa"] not in (None, "", "?")][:15]
    assert len(top) == 15 and len({r["area"] for r in top}) == 1, top  # the cooperative of these tests: Montréal
    section = re.findall(r'<section class="block" id="geography-fsa">.*?</section>', page, re.S)[0]
    (figure,) = figures(section)
    assert figure["data"][0]["y"] == [r["fsa"] for r in top], figure["data"][0]["y"]  # type: ignore[index]


# -- the dashboard as a venue's marketing manager reads it (issue s37), on pages this module opened already --

@pytest.fixture(scope="module")
def read_pages(app: object, coop: Coop) -> dict[str, str]:
    """Every member tab and the contribution page, in French, as the analyst of member A reads them."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        found = {tab.slug: c.get(f"/m/{A}/{tab.slug}").text for tab in TABS}
        found["contribution"] = c.get(f"/m/{A}/contribution").text
    return found


def test_no_jargon_is_written_bare_on_a_member_tab(read_pages: dict[str, str]) -> None:
    """Affinités showed columns « Lift · IC 95 % bas · IC 95 % haut · valeur q · Significatif », its map
    « Lift entre genres », the pace band « 10e–90e centile », Contribution « nDCG@10 gagné »: words of a
    statistician. Each is said as its question; the term stays in the column's « ? » tooltip."""
    for slug, page in read_pages.items():
        bare = visible_text(page, tooltips=False)
        found = JARGON.search(bare)
        assert found is None, (slug, bare[max(0, found.start() - 80):found.end() + 80])
        for figure in figures(page):
            texts = [figure["layout"]["title"]["text"]] + [str(trace.get("name", "")) for trace in figure["data"]]
            texts += [str(figure["layout"].get(axis, {}).get("title", {}).get("text", "")) for axis in ("xaxis", "yaxis")]
            assert not any(JARGON.search(text) for text in texts), (slug, texts)
    affinities = visible_text(read_pages["affinities"], tooltips=False)
    assert "Fois plus souvent que la moyenne" in affinities and "Très probablement au moins" in affinities, affinities
    # The curious still find the terms: the column's tooltip and its glossary link.
    assert 'href="/glossary#lift"' in read_pages["affinities"] and 'href="/glossary#ci"' in read_pages["affinities"]
    assert re.search(r'<td title="[^"]*nDCG@10', read_pages["contribution"]), "the contribution row lost its technical name"


# A colour word of a sentence, and the hues it names (degrees on the colour wheel; None: no hue, grey).
COLOUR_WORDS = {"rouge": "red", "orange": "orange", "vert": "green", "bleu": "blue", "gris": "grey", "jaune": "yellow"}


def hue_name(colour: str) -> str | None:
    """The colour word a reader would give a #rrggbb colour: grey when it has next to no hue."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return None
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    top, low = max(r, g, b), min(r, g, b)
    if top - low < 40:
        return "grey"
    span = top - low
    hue = (60 * (g - b) / span) % 360 if top == r else 60 * (b - r) / span + 120 if top == g else 60 * (r - g) / span + 240
    for name, upto in (("red", 12), ("orange", 45), ("yellow", 70), ("green", 170), ("blue", 260), ("purple", 340)):
        if hue < upto:
            return name
    return "red"


def drawn_colours(figure: Any) -> set[str]:
    """Every colour a figure draws: its markers, lines and colour scale."""
    found: list[Any] = []
    for trace in figure["data"]:
        colour = (trace.get("marker") or {}).get("color")
        found += colour if isinstance(colour, list) else [colour]
        found.append((trace.get("line") or {}).get("color"))
        found += [stop[1] for stop in trace.get("colorscale") or [] if isinstance(stop, list)]
    return {name for c in found if isinstance(c, str) and (name := hue_name(c))}


def test_a_colour_a_sentence_names_is_a_colour_its_chart_draws(read_pages: dict[str, str]) -> None:
    """« En vert … en rouge ce qui a baissé » above bars drawn dark green and orange (#e8743b), « les
    barres en couleur » above dark blue ones: a reader looked for red bars that were not there. Every
    colour a section's lead names is one its chart draws."""
    said_colours = 0
    for slug, page in read_pages.items():
        for section in re.findall(r'<section class="block" id="[^"]+">.*?</section>', page, re.S):
            lead = re.search(r'<p class="lead">(.*?)</p>', section, re.S)
            if not lead:
                continue
            said = visible_text(lead.group(1), tooltips=False).lower()
            named = {COLOUR_WORDS[w] for w in re.findall(r"\b(rouge|orange|vert|bleu|gris|jaune)(?:e?s)?\b", said)}
            assert "en couleur" not in said, (slug, said)
            if not named:
                continue
            drawn = set().union(*(drawn_colours(f) for f in figures(section)))
            assert named <= drawn, (slug, said, named, drawn)
            said_colours += 1
    assert said_colours >= 3, said_colours


@pytest.mark.parametrize("moves", [("rising", "falling"), ("rising",), ("falling",), ()])
def test_a_trend_chart_names_the_colours_of_the_moves_it_draws(moves: tuple[str, ...]) -> None:
    """A small venue's own genres, none moving two points, read « toutes les lignes sont en gris » above a
    blue and a vermilion line; a chart with no rising genre, « en vert, marqués ▲ … » above none."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views import pooled

    genres = ["theatre", "jazz", "dance"]
    summary = [{"genre": g, "direction": moves[i] if i < len(moves) else "stable"} for i, g in enumerate(genres)]
    months = [{"month": f"2025-{m:02d}", "genre": g, "share": 0.1 * (i + 1), "in_period": True}
              for m in range(1, 7) for i, g in enumerate(genres)]
    t = Translator("fr")
    chart = pooled._trend_chart("t", months, summary, "share", t, "v")
    lead = pooled._trend_lead(chart, summary, t)
    assert chart is not None and lead is not None
    named = {COLOUR_WORDS[w] for w in re.findall(r"\b(rouge|orange|vert|bleu|gris|jaune)(?:e?s)?\b", lead.lower())}
    assert named <= drawn_colours(chart), (moves, lead, drawn_colours(chart))
    assert ("▲" in lead) == ("rising" in moves) and ("▼" in lead) == ("falling" in moves), lead


def test_a_hover_says_what_its_numbers_count(read_pages: dict[str, str]) -> None:
    """Over a bar of Vue d’ensemble the hover read « janv. 2025: 113 » (113 what?), over the sales pace's
    curve « 14: 9 » (14 days, 9 tickets): numbers without their units, and an English colon. Each now
    names them, « 14 jours avant · Billets vendus (cumul) : 9 »; every French hover writes « : »."""
    (month,) = [f for f in figures(read_pages["overview"]) if f["layout"]["title"]["text"] == "Billets des événements de chaque mois"]
    assert all(trace["hovertemplate"].startswith("%{x}<br>Billets\u00a0: %{y:,.0f}") for trace in month["data"]), month["data"]
    (pace,) = figures(read_pages["pace"])
    shown = [trace for trace in pace["data"] if trace.get("hoverinfo") != "skip"]
    assert shown and all(trace["hovertemplate"].startswith("%{text}<br>Billets vendus (cumul)\u00a0: ") for trace in shown), \
        [trace["hovertemplate"] for trace in shown]
    days = {(x, said) for trace in shown for x, said in zip(trace["x"], trace["text"], strict=True)}
    assert all(said == ("le jour même" if x == 0 else f"{x} jour avant" if x == 1 else f"{x} jours avant") for x, said in days), days
    for slug, page in read_pages.items():
        for figure in figures(page):
            for trace in figure["data"]:
                said = re.sub(r"%\{[^}]*\}", "", trace.get("hovertemplate") or "")
                assert not re.search(r"[^\s\u00a0]:", said), (slug, trace.get("hovertemplate"))


def test_an_index_says_what_100_is(read_pages: dict[str, str]) -> None:
    """Segments and Benchmark read « Indice 47 · 155 · 182 »: a number without its unit, 100 explained
    only in a tooltip."""
    for slug, reference in (("segments", "Indice (100 = comme dans la coopérative)"), ("benchmark", "Indice (100 = comme vos pairs)")):
        headers = re.findall(r'<th scope="col"[^>]*><button[^>]*>([^<]*)</button>', read_pages[slug])
        assert reference in headers, (slug, headers)


def test_every_period_line_can_be_changed_or_says_why_not(read_pages: dict[str, str]) -> None:
    """Rythme des ventes showed « Période : du 26 déc. 2024 au 25 déc. 2025 » and no form to change it
    (nor any use of it); the cross-member tabs showed « du 1er janv. au 31 déc. 2025 » under a form set
    to « 26 déc. 2024 – 25 déc. 2025 », the why at the foot of the page."""
    for tab in TABS:
        page = read_pages[tab.slug]
        line = re.search(r'<p class="period-line">(.*?)</p>', page, re.S)
        assert line, tab.slug
        said = visible_text(line.group(1), tooltips=False)
        form = re.search(r'<form method="get" class="period".*?</form>', page, re.S)
        if form is None:
            assert "aucune à choisir sur cet onglet" in said and "choisissez l’événement" in said, (tab.slug, said)
            assert not re.search(r"\d{4}", said), (tab.slug, said)  # no year a reader cannot change
            continue
        chosen = re.search(r'<option value="[^"]*" selected>[^(]*\((.*?) – (.*?)\)</option>', form.group(0))
        assert chosen, tab.slug
        covered = re.search(r"Du (.*?) au (.*?)(?: ·|$)", " ".join(said.split()))
        assert covered, (tab.slug, said)
        if (covered.group(1), covered.group(2).strip()) != (chosen.group(1), chosen.group(2)):
            assert "mois civils entiers" in said, (tab.slug, said, chosen.groups())
            assert "mois civils entiers" not in visible_text(page.split("period-line", 1)[1].split("</p>", 1)[1], tooltips=False)


def test_a_wide_table_on_a_phone_says_there_is_more_and_keeps_its_first_column(read_pages: dict[str, str]) -> None:
    """At 390 px a table of six columns showed three, nothing saying the rest were a swipe away."""
    page = read_pages["segments"]
    cue = re.search(r'<p class="scroll-cue"[^>]*>([^<]*)</p>\s*<div class="table-wrap"', page)
    assert cue and "faites glisser le tableau" in cue.group(1) and cue.group(1).endswith("→"), cue
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 720px)"):css.index("@media print")]
    assert ".scroll-cue { display: none; }" in css.split("@media")[0]  # not on a wide screen
    assert re.search(r"\.scroll-cue \{ display: block;", phone) and re.search(r"tr > :first-child \{ position: sticky; left: 0;", phone)
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert 'cue.classList.toggle("fits", wrap.scrollWidth <= wrap.clientWidth' in script  # said only when needed
    assert ".scroll-cue.fits { display: none; }" in phone


def test_a_yearly_festivals_retention_tab_reads_in_editions() -> None:
    """Inès's festival (one weekend each July): its one followed edition drew on an axis labelled
    « 23:59:59.999 », its monthly cohorts an empty grid, and its next step offered « your patrons without
    a visit for 6 months », which is everyone six months after the edition. The tab now reads in editions:
    the rule of its rate, a month on each side of the one point, no empty grid, and the patrons who
    skipped this edition (13 months without a visit)."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.base import TabView
    from culturecoop.web.views.next_steps import next_steps
    from culturecoop.web.views.own import retention

    rows = [{"event_id": "D25", "title": "Les Soirs d'Été 2025 – Dimanche", "event_day": "2025-07-13", "starts_at": None,
             "attendees": 1012, "came_back": 311, "return_rate": 0.307, "back_within_6_months": 311,
             "return_rate_6_months": 0.307},
            {"event_id": "V26", "title": "Les Soirs d'Été 2026 – Vendredi", "event_day": "2026-07-10", "starts_at": None,
             "attendees": 1043, "came_back": 277, "return_rate": 0.266, "back_within_6_months": None,
             "return_rate_6_months": None}]
    cohorts = [{"cohort": "2025-07", "months_after": a, "patrons": 800 if a == 0 else None, "share": 1.0 if a == 0 else None}
               for a in range(12)]
    result = {"summary": {"return_rate": 0.307, "return_rate_6_months": 0.307, "horizon_months": 13,
                          "followed_attendances": 1012, "back_within": 311, "attendances": 2055, "patrons": 1900},
              "rows": rows, "cohorts": cohorts, "by_title": []}
    view = TabView(next(tab for tab in TABS if tab.slug == "retention"), A, False)
    t = Translator("fr")
    retention(view, {"retention": result}, t)
    rate = next(k for k in view.kpis if k.label == "Taux de retour")
    assert rate.detail and "que vos données suivent jusqu’à votre saison suivante" in rate.detail
    assert "dans les 13\u00a0mois" in rate.detail or "dans les 13 mois" in rate.detail, rate.detail
    by_event = next(s for s in view.sections if s.id == "retention-by_event")
    assert by_event.chart is not None
    axis = by_event.chart["layout"]["xaxis"]
    assert axis["range"] == ["2025-06-13", "2025-08-12"] and axis["tickformat"] == "%d %b %Y", axis
    cohort = next(s for s in view.sections if s.id == "retention-cohorts")
    assert cohort.chart is None and cohort.lead and "une saison par an" in cohort.lead, cohort.lead
    lapsed = next(a for a in next_steps(view, {"retention": result}, t) if a.kind == "audience")
    assert lapsed.params.get("months") == "13" and "13 mois" in lapsed.label.replace("\u00a0", " "), lapsed
