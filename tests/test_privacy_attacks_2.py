"""A member attacks what the first sweep (test_privacy_attacks.py) did not reach: campaign results,
and the smallest populations in every rendering.

Each test lets the attacking member ask its questions in two worlds that differ only in what one
person did (or whether they are in a campaign), and checks that what it is shown is the same in
both, or that a figure under k never shows, nor can be worked back.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.campaign_coop import MailServer, build

from culturecoop.analytics.service import refresh
from culturecoop.campaigns.results import campaign_results
from culturecoop.campaigns.sender import SmtpServer, send_campaign
from culturecoop.campaigns.service import create_campaign
from culturecoop.campaigns.simulate import simulate_response
from culturecoop.ingest.load import ingest
from culturecoop.reco import cross, service
from culturecoop.warehouse.engine import Warehouse

# ``coop``: test_reco's synthetic cooperative with programmes and a trained model (a fixture).
from test_reco import MEMBER
from test_reco import coop as coop
from test_reports_support import insert, patron_row, ticket_row

JAZZ = "jazz-dieze"


# -- campaigns -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def campaign_base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A sent campaign of the jazz club (half held out) and the later sales that answer it."""
    coop = build(tmp_path_factory.mktemp("campaigns"))
    with Warehouse(coop["db"]) as w:
        created = create_campaign(
            w, member_id=JAZZ, audience_id=coop["audiences"][JAZZ], subject_fr="Ce soir : {event_title}",
            subject_en="Tonight: {event_title}", body_fr=(coop["out"] / "fr.txt").read_text(),
            body_en=(coop["out"] / "en.txt").read_text(), event_id="JA0", link="https://billets.example.org/e",
            holdout=0.5, seed=7)
    with MailServer() as server:
        host, port = server.where.split(":")
        with Warehouse(coop["db"]) as w:
            send_campaign(w, created["campaign_id"], keys_dir=coop["keys"], server=SmtpServer(host, int(port)), rate=0)
    later = coop["out"] / "later"
    with Warehouse(coop["db"]) as w:
        simulate_response(w, created["campaign_id"], later, base=0.05, lift=0.2, slope=0.6, seed=3)
    ingest(later, coop["db"])
    return {**coop, "campaign": created["campaign_id"]}


def _as_read(result: dict[str, Any]) -> dict[str, Any]:
    """What a member reads of a campaign's results (dashboard, CLI and API show these)."""
    return {"arms": [(a["arm"], [(m["measure"], m["shown"]) for m in a["measures"]], a["revenue_shown"]) for a in result["arms"]],
            "lift": {k: v for k, v in result["lift"].items()}}


def _buyer_not_yet_converted(w: Warehouse, campaign: str, arm: str) -> str:
    """A patron of the club drawn into ``arm`` who has bought nothing since the send: the club
    knows them (its own patron) but must not learn that they are in the campaign, nor in which arm."""
    rows = w.query(
        "SELECT i.member_patron_id FROM campaign_recipient AS r JOIN identity AS i USING (patron_key) "
        "WHERE r.campaign_id = ? AND r.arm = ? AND i.member_id = ? AND NOT EXISTS (SELECT 1 FROM ticket AS t "
        "WHERE t.member_id = i.member_id AND t.member_patron_id = i.member_patron_id AND t.event_id = 'JA0') "
        "ORDER BY 1 LIMIT 1", [campaign, arm, JAZZ])
    return str(rows[0]["member_patron_id"])


@pytest.mark.parametrize("arm", ["treatment", "holdout"])
def test_one_more_conversion_by_a_known_buyer_changes_nothing_the_member_reads(
        campaign_base: dict[str, Any], tmp_path: Path, arm: str) -> None:
    """Attack: read the results, sell one ticket to a patron the club knows (or send a doctored
    re-upload with that ticket), read them again. The counts stand still (the gate's stable cells),
    but were the revenue or the CUPED estimate beside them recomputed, their change would say that
    the patron is in the campaign, and in which arm (revenue of that arm, CUPED up or down)."""
    db = tmp_path / "coop.duckdb"
    shutil.copy(campaign_base["db"], db)
    campaign = campaign_base["campaign"]
    with Warehouse(db) as w:
        before = campaign_results(w, campaign, member_id=JAZZ)
        assert before["lift"]["available"], before["lift"]
        buyer = _buyer_not_yet_converted(w, campaign, arm)
        insert(w, "ticket", [ticket_row(JAZZ, "T-known-buyer", buyer, "JA0", datetime.now(), price=87.5)])
        after = campaign_results(w, campaign, member_id=JAZZ)
    assert _as_read(after) == _as_read(before)


def test_campaign_figures_still_follow_conversions_that_move_by_k(campaign_base: dict[str, Any], tmp_path: Path) -> None:
    """The revenue and CUPED are not frozen: when conversions move by k, they are released afresh."""
    db = tmp_path / "coop.duckdb"
    shutil.copy(campaign_base["db"], db)
    campaign = campaign_base["campaign"]
    with Warehouse(db) as w:
        before = campaign_results(w, campaign, member_id=JAZZ)
        buyers = [r["member_patron_id"] for r in w.query(
            "SELECT i.member_patron_id FROM campaign_recipient AS r JOIN identity AS i USING (patron_key) "
            "WHERE r.campaign_id = ? AND r.arm = 'treatment' AND i.member_id = ? AND NOT EXISTS (SELECT 1 FROM ticket AS t "
            "WHERE t.member_id = i.member_id AND t.member_patron_id = i.member_patron_id AND t.event_id = 'JA0') "
            "ORDER BY 1 LIMIT 12", [campaign, JAZZ])]
        assert len(buyers) == 12
        insert(w, "ticket", [ticket_row(JAZZ, f"T-more-{n}", b, "JA0", datetime.now(), price=40.0) for n, b in enumerate(buyers)])
        after = campaign_results(w, campaign, member_id=JAZZ)
    converted = [{m["measure"]: m["value"] for m in r["arms"][0]["measures"]}["converted"] for r in (before, after)]
    assert converted[1] == converted[0] + 12
    assert after["arms"][0]["revenue"] == pytest.approx(before["arms"][0]["revenue"] + 12 * 40.0)
    assert after["lift"]["cuped"]["difference"] > before["lift"]["cuped"]["difference"]


# -- cross offers ---------------------------------------------------------------------------------


def test_a_show_added_to_ones_programme_does_not_start_cross_offer_counts_afresh(coop: dict[str, Any], tmp_path: Path) -> None:
    """Attack: read the cross offers (how many of my patrons are likely for each partner show),
    send records of five people I know (linked to their records elsewhere), add a show to my own
    programme and read them again. Were the programme part of the gate's question, every cell would
    be a first release: the shows that gained one patron would be the partner shows the model deems
    those people likely to attend, from what they did at other members (on the demo cooperative,
    28 shows went up by one). The cells stand still until they move by k."""
    db = tmp_path / "coop.duckdb"
    shutil.copy(coop["db"], db)
    with Warehouse(db) as w:
        before = cross.cross_offers(w, MEMBER)
        mine = {r["patron_key"] for r in w.query("SELECT patron_key FROM identity WHERE member_id = ?", [MEMBER])}
        known = [key for key in service.scoring_state(w).patron_keys.tolist() if key not in mine][:5]
        for n, key in enumerate(known):
            insert(w, "patron", [patron_row(MEMBER, f"planted-{n}")])
            insert(w, "identity", [(MEMBER, f"planted-{n}", key, 1.0)])
            insert(w, "consent", [(MEMBER, f"planted-{n}", purpose, True, datetime(2025, 1, 1))
                                  for purpose in ("pooling", "personalization", "marketing")])
        refresh(w, force=True)  # what the next report does after an ingest
        with w.transaction() as con:
            con.execute("INSERT INTO reco_upcoming_event SELECT member_id, event_id || '-encore', title, starts_at + INTERVAL 1 DAY, "
                        "venue, venue_fsa, genres, artists, capacity, is_local, language, price, loaded_at "
                        "FROM reco_upcoming_event WHERE member_id = ? ORDER BY event_id LIMIT 1", [MEMBER])
        after = cross.cross_offers(w, MEMBER)
    shown = [{(e["partner"], e["event_id"]): e["shown"] for e in r["events"]} for r in (before, after)]
    assert shown[0] == shown[1]
    assert [(p["partner"], p.get("your_patrons_for_their_events_shown")) for p in before["partners"]] == \
        [(p["partner"], p.get("your_patrons_for_their_events_shown")) for p in after["partners"]]
    assert after["counted"] == before["counted"]
