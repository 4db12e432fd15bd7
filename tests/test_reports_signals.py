"""The planted signals come back through the real pipeline: synth → prepare → ingest → link → report.

``truth.json`` gives each signal's definition and realized value. The reports differ on
purpose in one way: they count sold tickets only (a refunded or cancelled ticket is not an
attendance), while the truth counts every status; the tolerances below absorb that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli_here as run_cli
from conftest import synth_once
from culturecoop.analytics import run_report
from culturecoop.warehouse.engine import Warehouse

pytestmark = pytest.mark.slow
PATRONS = 20000
ALL = {"from": "2024-09-01", "to": "2026-08-31"}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("signals")

    def cc(*args: str) -> None:
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr

    cc("keys", "init", "--dir", str(out / "keys"))
    # The cooperative test_reco_evaluate reads too, beside the keys as the demo lays them out.
    exports = synth_once(tmp_path_factory, PATRONS, 42).rename(out / "exports")
    members = json.loads((exports / "members.json").read_text())
    for m in members:
        cc("prepare", str(exports / m["file"]), "--member", m["member_id"], "--profile", m["profile"],
           "--name", m["name"], "--kind", m["kind"], "--region", m["region"], "--keys", str(out / "keys"),
           "--out", str(out / "packages" / m["member_id"]), "--rejects", str(out / "rejects" / f"{m['member_id']}.csv"))
    db = out / "coop.duckdb"
    cc("ingest", *[str(out / "packages" / m["member_id"]) for m in members], "--db", str(db))
    cc("link", "--db", str(db))
    return db, json.loads((exports / "truth.json").read_text())["signals"]


def test_each_members_retention_within_two_points(pipeline: tuple[Path, dict[str, Any]]) -> None:
    db, truth = pipeline
    with Warehouse(db) as w:
        for member, planted in truth["retention"].items():
            # The planted signal is « at any time », every attendance counted (1 − people / attendances).
            got = run_report("retention", w, member, ALL).summary["return_rate_any_time"]
            assert got == pytest.approx(planted["realized_by_record"], abs=0.02), member
            assert got == pytest.approx(planted["realized"], abs=0.02), member


def test_planted_affinity_lift_within_ten_percent(pipeline: tuple[Path, dict[str, Any]]) -> None:
    db, truth = pipeline
    planted = truth["affinity"]
    with Warehouse(db) as w:
        rows = {r["other_member"]: r for r in run_report("overlap", w, planted["from_member"], ALL).rows}
        affinity = {(r["from_genre"], r["to_genre"]): r for r in run_report("affinity", w, planted["from_member"], ALL).rows}
    pair = rows[planted["to_member"]]
    # truth's lift is P(to | from) / P(to | not from): the report's lift_vs_rest.
    assert pair["lift_vs_rest"] == pytest.approx(planted["realized_lift"], rel=0.10)
    assert pair["lift"] == pytest.approx(planted["realized_lift_vs_everyone"], rel=0.10)
    # The jazz club is the only jazz venue and the theatre the only theatre: the genre pair shows it too.
    jazz_theatre = affinity[("jazz", "theatre")]
    assert jazz_theatre["lift"] == pytest.approx(planted["realized_lift_vs_everyone"], rel=0.10)
    assert jazz_theatre["significant"] and jazz_theatre["ci_low"] > 1


def test_seasonal_trend_is_visible(pipeline: tuple[Path, dict[str, Any]]) -> None:
    db, truth = pipeline
    trend = truth["seasonal_trend"]
    with Warehouse(db) as w:
        result = run_report("trends", w, trend["member"], ALL)
    yours = {r["genre"]: r for r in result.tables[2].rows}[trend["genre"]]
    assert yours["direction"] == "rising"
    assert yours["slope_per_month"] == pytest.approx(trend["realized_slope_per_month"], rel=0.25)
    # Two years of data: the second year against the first, month by month. A steady rise of s a
    # month puts each month of the second year 12 s above the same month of the first.
    assert result.summary["your_basis"] == "year_over_year"
    assert yours["change"] == pytest.approx(12 * trend["realized_slope_per_month"], rel=0.25)
    assert yours["last_share"] > 1.4 * yours["first_share"]


def test_linkage_quality_of_the_demos_layout(pipeline: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    """The demo ends by suggesting `culturecoop link evaluate --synth DIR/exports`: on data that went
    through `prepare` (customer numbers become keyed tokens) it found none of the truth's records.
    With the keys beside the exports it scores the linkage; with other keys it says what to give."""
    db, _truth = pipeline
    exports = db.parent / "exports"
    result = run_cli("link", "evaluate", "--synth", str(exports), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["f1"] >= 0.97 and figures["truth_records_not_linked"] < 0.05 * figures["records"], figures
    other = tmp_path / "other-keys"
    assert run_cli("keys", "init", "--dir", str(other)).returncode == 0
    wrong = run_cli("link", "evaluate", "--synth", str(exports), "--db", str(db), "--keys", str(other))
    assert wrong.returncode == 2 and "with --keys the key folder its packages were prepared with" in " ".join(
        wrong.stderr.split()), wrong.stderr
