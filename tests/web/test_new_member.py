"""The dashboard of a small member that joined this year, as its staff read it in French: no blank
chart, no colour scale below zero, no identifier in a sentence, no advice the tab cannot follow.

One small package (30 patrons, ten shows between March and December 2025, nobody seen twice) loaded
into a copy of the web tests' cooperative; every page is the real one, through the test client."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from culturecoop.governance.accounts import create_account
from culturecoop.ingest.load import ingest
from culturecoop.ingest.package import MemberInfo, write_package
from culturecoop.reco import cross
from culturecoop.schema.model import CONTRIBUTED_TABLES, create_statements
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.i18n import Translator
from culturecoop.web.views.target import target_view
from web.conftest import PASSWORD, Coop, login, new_client, shared_coop
from web.test_reports import figures, overview_row, visible_text

NEW = "salle-neuve"
NAME = "Salle Neuve"
CROSS_OFFERS: dict[str, Any] = {}


def new_member_package(out: Path) -> Path:
    """Ten shows a month or so apart from March 2025, three tickets for each of 30 patrons, each
    patron at one show only, every consent given: a venue whose data starts this year."""
    con = duckdb.connect()
    for statement in create_statements():
        con.execute(statement)
    con.execute("""INSERT INTO event SELECT ?, 'E' || i, 'Pièce ' || i, TIMESTAMP '2025-03-01 20:00' + i * INTERVAL 30 DAY
                   + INTERVAL 7 DAY * (i % 2), 'Petite salle', 'H2X', ['theatre'], ['Compagnie ' || i], 80, true, 'fr'
                   FROM range(10) t(i)""", [NEW])
    con.execute("""INSERT INTO patron SELECT ?, md5('N' || i), sha256('n' || i), NULL, NULL, NULL, NULL, NULL, 'H2X',
                   '1970-1974', 'fr', NULL FROM range(30) t(i)""", [NEW])
    con.execute("""INSERT INTO ticket SELECT ?, md5('NT' || i), md5('NO' || i), md5('N' || ((i * 7) % 30)), 'E' || (i % 10),
                   TIMESTAMP '2025-03-01' + (i % 10) * INTERVAL 30 DAY - INTERVAL 1 DAY * (1 + i % 20), 1, 22.0, 'CAD',
                   'web', 'sold' FROM range(90) t(i)""", [NEW])
    con.execute("""INSERT INTO consent SELECT ?, md5('N' || i), p, true, TIMESTAMP '2025-01-01' FROM range(30) t(i),
                   (VALUES ('pooling'), ('marketing'), ('personalization')) v(p)""", [NEW])
    tables = {t.name: con.sql(f"SELECT * FROM {t.name}").to_arrow_table() for t in CONTRIBUTED_TABLES}
    n = tables["ticket"].num_rows
    write_package(out, tables, member=MemberInfo(NEW, NAME, "theatre", "Montréal"), profile="canonical",
                  rows={"in": n, "accepted": n, "rejected": 0}, source_name="billets.csv")
    return out


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    built = shared_coop(tmp_path_factory, reco=True)[0]  # a trained model: the Target audience tab's cross offers
    ingest(new_member_package(built.db.parent / "pkg-new"), built.db)
    with Warehouse(built.db) as w:
        create_account(w, email="analyst@salle-neuve.test", password=PASSWORD, role="member_analyst", member_id=NEW,
                       display_name="Analyste Neuve", language="fr")
        # The Target audience tab's cross offers, as its page asks the service (the whole page costs 16 s
        # of model scores this module does not read).
        CROSS_OFFERS.update(cross.cross_offers(w, NEW, actor="web:test"))
    built.emails["new"] = "analyst@salle-neuve.test"
    return built


@pytest.fixture(scope="module")
def pages(app: object, coop: Coop) -> dict[str, str]:
    """The pages the tests read, fetched once as the new member's analyst."""
    paths = {"overview": f"/m/{NEW}/overview", "retention": f"/m/{NEW}/retention",
             "before": f"/m/{NEW}/overview?period=custom&from=2024-01-01&to=2024-06-30",
             "replay": f"/m/{NEW}/pace?event=E1&days=14", "last": f"/m/{NEW}/pace?event=E9&days=7",
             "elsewhere": f"/m/{NEW}/elsewhere", "trends": f"/m/{NEW}/trends",
             "affinities": f"/m/{NEW}/affinities"}
    with new_client(app) as c:
        login(c, coop.emails["new"])
        got = {name: c.get(path) for name, path in paths.items()}
    assert all(r.status_code == 200 for r in got.values()), {n: r.status_code for n, r in got.items()}
    return {name: r.text for name, r in got.items()}


def test_the_key_figures_of_a_first_year_say_why_no_change_is_drawn(pages: dict[str, str]) -> None:
    """A member whose data starts within the period saw « Chiffres clés face à la période précédente »
    over an empty frame: a chart with no bar (every change is from nothing), axes from 0 to 0,8 %."""
    page = pages["overview"]
    section = re.findall(r'<section class="block" id="overview-overview">.*?</section>', page, re.S)[0]
    assert 'data-chart="overview-overview"' not in section
    said = visible_text(section)
    # The period before lies before the member's own first show: no change is drawn, and each « – »
    # of the change column says why when pointed at.
    assert "La période précédente n’est pas entièrement dans les données : ses chiffres et les variations ne sont pas affichés" in said
    assert overview_row(page, "Clients")[:2] == ["30", "–"], overview_row(page, "Clients")
    assert said.count("Hors de vos données") >= 5
    # The month-by-month chart is still drawn: it has tickets to show.
    assert 'data-chart="overview-by_month"' in page


def test_a_first_year_counts_from_the_members_own_first_show(pages: dict[str, str]) -> None:
    """The cooperative's data starts in 2024, this member's in March 2025: its overview took the
    cooperative's first day for its own, said « 0 de vos clients étaient déjà venus avant la période »
    (nobody could have: there is nothing of it before) and compared with a period it has no data for."""
    text = " ".join(visible_text(pages["overview"]).split())
    assert "Première période de données : les données commencent le 1er mars 2025" in text, text[:2000]
    assert "étaient déjà venus avant la période" not in text
    # A period before its data names its own days, not the cooperative's.
    notice = html.unescape(" ".join(re.findall(r'<p class="notice" role="status">(.*?)</p>', pages["before"], re.S)))
    assert "ses données vont du 1er mars 2025 au" in notice, notice


def test_a_grid_of_returns_colours_zero_as_nobody_on_a_scale_from_zero(pages: dict[str, str], app: object,
                                                                       coop: Coop) -> None:
    """Nobody came back yet: every cohort cell is 0 %, and Plotly, given a lower end only, drew them all
    mid-blue on a scale from « −0,4 % » to « 0,4 % ». Both ends are given, the lower at 0 %; for a member
    with returns, the upper end is its largest cell (the least is not drawn as « nobody »)."""
    grid = next(f for f in figures(pages["retention"]) if "revus" in f["layout"]["title"]["text"])  # type: ignore[index]
    trace = grid["data"][0]  # type: ignore[index]
    cells = [v for row in trace["z"] for v in row if v is not None]
    assert cells and max(cells) == 0
    assert trace["zmin"] == 0 and trace["zmax"] > 0
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        busy = next(f for f in figures(c.get("/m/jazz-dieze/retention").text) if "revus" in f["layout"]["title"]["text"])  # type: ignore[index]
    trace = busy["data"][0]  # type: ignore[index]
    cells = [v for row in trace["z"] for v in row if v is not None]
    assert trace["zmin"] == 0 and trace["zmax"] == max(cells) > 0


def test_the_last_show_s_returns_say_they_are_not_measured_yet(pages: dict[str, str]) -> None:
    """After the member's last show nobody could come back yet: its row read « 0 » and « 0,0 % », an
    audience that never returns. Its cells are « – », and the « – » says why."""
    page = pages["retention"]
    table = re.findall(r'<section class="block" id="retention-by_event">.*?</section>', page, re.S)[0]
    last = re.findall(r"<tr>(?:(?!</tr>).)*Pièce 9(?:(?!</tr>).)*</tr>", table, re.S)
    assert last, table[:3000]
    said = " ".join(visible_text(last[0]).split())
    assert "0,0" not in said and said.count("Pas encore mesuré : vous n’avez tenu aucun événement après celui-ci") == 2, said


def test_a_venue_whose_shows_all_carry_one_genre_reads_a_sentence_not_a_flat_line(pages: dict[str, str]) -> None:
    """Every show of this venue is theatre by local artists (an export with no genre column: the mapping gives
    every show one genre): « Parts des genres chez vous » drew flat lines at 100 % and said « Aucun genre n’a progressé ni
    reculé d’au moins deux points », which tells nothing. One sentence says why and what would."""
    section = re.findall(r'<section class="block" id="trends-yours">.*?</section>', pages["trends"], re.S)[0]
    assert "data-chart" not in section
    said = " ".join(visible_text(section).split())
    # Theatre, and local artists (each of its shows has a Québec headliner): both at 100 % every month.
    assert "Tous vos billets de la période sont pour des spectacles des genres Artistes d’ici (tête d’affiche " \
           "québécoise) et Théâtre : chaque part est de 100 % chaque mois" in said, said[:1500]
    assert "une colonne de genre dans votre export" in said and "Aucun genre n’a progressé" not in said


def test_a_period_without_sales_names_the_member_and_writes_days_as_the_page_does(pages: dict[str, str]) -> None:
    """« Il n’y a aucun billet pour le membre salle-neuve entre le 1er janvier 2024 et … »: the
    member's identifier in a sentence, and days written unlike the rest of the page."""
    notice = html.unescape(re.findall(r'<p class="notice" role="status"><strong>Chiffres clés</strong> — (.*?)</p>',
                                      pages["before"], re.S)[0])
    assert f"pour le membre {NAME} entre le 1er janv. 2024 et le 30 juin 2024" in notice, notice
    assert NEW not in visible_text(pages["before"].split('<div id="content">')[1], tooltips=False)


def test_a_sales_pace_with_too_few_comparables_says_why_it_draws_no_curve(pages: dict[str, str]) -> None:
    """Replaying the second show of the year: one show before it to compare with. The curve's section
    described « the line » and « the band » over nothing, and a note asked to start the period earlier
    on a tab that has no period to change."""
    page = pages["replay"]
    section = re.findall(r'<section class="block" id="pace-curve">.*?</section>', page, re.S)[0]
    assert "data-chart" not in section
    said = visible_text(section)
    assert "Aucune courbe à tracer : moins de trois événements passés comparables" in said and "La ligne" not in said
    text = visible_text(page)
    assert "période plus tôt" not in text and 'class="period"' not in page
    assert "pas encore de prévision ; elle viendra quand vos exports contiendront davantage de vos événements passés" in text


def test_a_replay_of_the_last_show_does_not_count_days_to_go_nor_call_its_day_today(pages: dict[str, str]) -> None:
    """The member's last show came after its export's last sale, so its final sales are not read: its
    replay said « Jours restants : 7 » of a show that is over, and marked the replayed day « aujourd’hui »."""
    page = pages["last"]
    text = " ".join(visible_text(page).split())
    assert "Une rétrospective" in text, text[:3000]
    assert "Jours restants" not in text and "Jours avant le spectacle, à la date revue" in text
    curve = next(f for f in figures(page) if "face aux événements comparables" in f["layout"]["title"]["text"])  # type: ignore[index]
    marks = [a.get("text") for a in curve["layout"].get("annotations", [])]  # type: ignore[index, union-attr]
    assert "jour de la prévision" in marks and "aujourd’hui" not in marks, marks


def test_a_small_member_whose_patrons_all_agreed_is_not_asked_to_record_their_consent(coop: Coop) -> None:
    """Its cross offers read « < 10 » everywhere, and the note above them asked to « enregistrez ce
    consentement dans votre prochain export » while all 30 of its patrons had agreed: what keeps them out
    of the count is the linking and the model, which the cooperative runs."""
    assert CROSS_OFFERS["own"]["consenting"] == CROSS_OFFERS["own"]["patrons"] == 30 and CROSS_OFFERS["counted"] is None
    view = target_view({"member_id": NEW, "k": CROSS_OFFERS["k"], "available": True,
                        "cross_offers": {"available": True, **CROSS_OFFERS}}, Translator("fr"))
    note = " ".join(view.cross_hidden)
    assert view.partners and "bien que tous les 30 aient accepté les suggestions personnalisées" in note, note
    assert "enregistrez ce consentement" not in note


def test_a_member_whose_patrons_are_not_linked_yet_reads_when_its_cross_member_tabs_fill(pages: dict[str, str]) -> None:
    """« Ailleurs et recoupements » (and Comparaison, Segments) of a member whose 30 patrons all agreed to
    pooling, its package loaded but not yet linked, read « Aucun de vos spectateurs n’a consenti à la mise en
    commun… indiquez-le dans votre mappage (`consent_defaults: {pooling: true}` avec son `consent_basis`) »:
    a cause that was not the cause, an advice in a mapping's YAML. It now says what is awaited and when."""
    said = visible_text(pages["elsewhere"], tooltips=False)
    assert "ne sont pas encore reliés entre membres" in said and "ces chiffres apparaîtront alors" in said, said[-2500:]
    assert "n’a consenti" not in said and "consent_defaults" not in said and "`" not in said


def test_a_mapping_advice_of_a_service_is_said_as_the_member_app_asks_it() -> None:
    """A member none of whose patrons agreed to pooling is told where the member app asks it, not a YAML key."""
    from culturecoop.i18n import day_words
    from culturecoop.web.i18n import MAPPING_ADVICE, retranslate

    for theirs, _ours in MAPPING_ADVICE:
        english = theirs.format(start=day_words(date(2025, 1, 1)), end=day_words(date(2025, 12, 31)))
        french = retranslate(english, "fr")
        assert "`" not in french and "choisissez « donné » pour la mise en commun" in french, french
        assert "1er janvier 2025" in french and "page Données" in french, french
        assert "`" not in retranslate(english, "en") and 'choose "given" for pooling' in retranslate(english, "en")


def test_a_finding_on_a_page_says_its_range_without_a_statisticians_words(pages: dict[str, str]) -> None:
    """Affinités, « Ce qu’il faut retenir »: « Le public du genre Théâtre … 1,6 fois plus que l’ensemble de la
    coopérative (IC 95 % 1,3–1,8) »: the one bare « IC 95 % » left on a member page."""
    found = re.search(r'<section class="insights".*?</section>', pages["affinities"], re.S)
    said = visible_text(found.group(0) if found else "", tooltips=False)
    assert "Le public du genre Théâtre" in said and "très probablement entre" in said, said
    assert "IC 95" not in said, said


def test_a_new_members_contribution_says_why_it_is_nought_and_what_its_period_is(app: object, coop: Coop) -> None:
    """Contribution read « 0,0 % … environ 0 sur 654 » and « 0,0 points » with no word of why (its patrons
    agreed to pooling but are not linked yet), over the cooperative's twelve months, unlike the other
    tabs, without saying why either."""
    with new_client(app) as c:
        login(c, coop.emails["new"])
        page = c.get(f"/m/{NEW}/contribution")
    assert page.status_code == 200, page.text[-800:]
    said = visible_text(re.findall(r'<section class="insights"[^>]*id="contribution-said">.*?</section>', page.text, re.S)[0])
    assert "vos clients qui ont consenti à la mise en commun ne sont pas encore reliés entre les membres" in said, said
    assert "votre part de chaque type de valeur apparaît alors, sans rien à faire de votre côté" in said, said
    assert re.search(r": 0,0 point sur \d", said) and "0,0 points" not in said, said
    assert re.search(r"Ces chiffres couvrent la période du \d+ \S+ \d{4} au \d+ \S+ \d{4}, les douze mois jusqu’au dernier "
                     r"événement passé de la coopérative : une même période pour tous les membres", said), said
