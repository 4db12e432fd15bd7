"""Exports as venues really have them, eighth sweep: vendor semantics earlier sweeps left behind (numbers
that are part of a title, partly refunded orders, passes, walk-ins sharing one id…) and shapes not yet met.

Each fixture (``tests/fixtures/exports/sweep8``) is drafted and prepared as a member would, nothing edited, and
what landed is compared with the figures of the file. Every command runs in process (``cli_streams``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_adversarial_exports_5 import _draft, _prepare
from test_adversarial_exports_6 import _tickets

SWEEP = Path(__file__).parent / "fixtures" / "exports" / "sweep8"


# A programme whose titles hold numbers of their own before the show's date (« Symphonie n° 9 – 14 juin 2026
# 20h », « Sonate Op. 27 – 15 juin 2026 18h »): « 9 – 14 juin » was read as a run of days from the 9th, and
# « 27 – 15 juin » as the 27th: two shows dated on days they were not. A number after a number's mark (n°,
# Op., BWV, Vol., Acte…) or a « range » going backwards is the title's; the title is kept whole.
def test_numbers_that_are_part_of_a_title_are_no_day(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "programme-titres-numerotes.csv"
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (8, 8), said
    assert _tickets(tmp_path, "SELECT title, strftime(starts_at, '%d/%m/%Y %H:%M') FROM e ORDER BY starts_at") == [
        ("Symphonie n° 9 – 14 juin 2026 20h", "14/06/2026 20:00"), ("Sonate Op. 27 – 15 juin 2026 18h", "15/06/2026 18:00"),
        ("Les 3 mousquetaires – 16 juin 2026 15h", "16/06/2026 15:00"), ("100 % Jazz – 17 juin 2026 21h", "17/06/2026 21:00"),
        ("Hamlet 2e partie – 18 juin 2026 20h", "18/06/2026 20:00")]
    # « 25,00 EUR »: the currency after the amount and a space.
    assert _tickets(tmp_path, "SELECT t.status, sum(quantity), sum(quantity * unit_price), any_value(currency) "
                              "FROM t GROUP BY ALL ORDER BY ALL") == [("refunded", 2, 50, "EUR"), ("sold", 11, 192, "EUR")]
