"""Days inside sentences are written out as a reader reads them (« après le 30 avril 2026 », "after
April 30, 2026"), never the ISO way (« après le 2026-04-30 »), in errors, reports' notes and the CLI;
a day a user typed in an option and that the sentence quotes back stays as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli
from culturecoop.analytics import run_report
from culturecoop.errors import UserError
from culturecoop.i18n import retranslate, set_language
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import tiny_cooperative

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return tiny_cooperative(tmp_path / "tiny.duckdb")


def refused(db: Path, name: str, params: dict[str, str], language: str) -> str:
    set_language(language)
    with Warehouse(db) as w, pytest.raises(UserError) as caught:
        run_report(name, w, "jazz-a", params)
    return caught.value.message


@pytest.mark.parametrize(("language", "said"), [
    ("fr", "Le membre jazz-a n’a aucun événement après le 30 avril 2026"),
    ("en", "Member jazz-a has no event after April 30, 2026,"),
])
def test_the_sales_pace_says_the_day_it_found_no_event_after_in_words(tiny: Path, language: str, said: str) -> None:
    message = refused(tiny, "pace", {"from": "2026-01-01", "to": "2026-04-30"}, language)
    assert said in message and not ISO.search(message), message


def test_a_period_without_tickets_names_its_days_and_the_data_s_in_words(tiny: Path) -> None:
    french = refused(tiny, "overview", {"from": "2024-05-01", "to": "2024-05-31"}, "fr")
    assert "entre le 1er mai 2024 et le 31 mai 2024" in french, french
    assert "ses données vont du 10 janvier 2025 au 20 avril 2025" in french and not ISO.search(french), french
    english = refused(tiny, "overview", {"from": "2024-05-01", "to": "2024-05-31"}, "en")
    assert "between May 1, 2024 and May 31, 2024" in english and "(its data runs from January 10, 2025 to April 20, 2025)" in english, english


def test_a_report_s_notes_write_the_previous_period_in_words(tiny: Path) -> None:
    set_language("fr")
    with Warehouse(tiny) as w:
        notes = run_report("overview", w, "jazz-a", {"from": "2025-01-01", "to": "2025-03-31"}).notes
    # January–March is compared with October–December: whole months, not as many days.
    assert "Période précédente : du 1er octobre 2024 au 31 décembre 2024." in notes, notes
    # The dashboard shows a note in its reader's language, days included.
    assert "Previous period: October 1, 2024 to December 31, 2024." in [retranslate(n, "en") for n in notes], notes


def test_the_cli_writes_the_day_in_words_but_quotes_an_option_as_typed(tiny: Path) -> None:
    said = run_cli("report", "pace", "--db", str(tiny), "--member", "jazz-a", "--from", "2026-01-01", "--to", "2026-04-30",
                   lang="fr")
    assert said.returncode != 0 and "après le 30 avril 2026" in said.stderr, said.stderr
    # A period typed backwards is quoted back as typed: the days are the options' values.
    backwards = run_cli("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2025-03-31", "--to", "2025-01-01",
                        lang="fr")
    assert backwards.returncode != 0 and "2025-03-31" in backwards.stderr, backwards.stderr
