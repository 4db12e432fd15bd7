"""The remuneration statement (Markdown, the contribution page's HTML and the PDF are written from
the same text) says a member's part in the contribution page's words, not « valeur de Shapley », and
its days as the pages write them, not « 2025-02-04 »."""

from __future__ import annotations

from typing import Any

import pytest

from culturecoop.governance.documents import markdown_html, statement_markdown
from culturecoop.governance.remuneration import Rules

STATEMENT: dict[str, Any] = {
    "member_id": "salle-neuve", "statement_id": "rs-2025-3f9a", "from": "2025-02-04", "to": "2026-02-03",
    "issued_at": "2026-02-10T14:03:00", "amount_cents": 123_456, "currency": "CAD", "weighted_share": 0.12,
    "rules": Rules(pool_cents=1_000_000, fees_cents=50_000).as_dict(),
    "figures": {"insight": {"member": 12.0, "cooperative": 100.0, "fraction": 0.12, "exact": True, "half_width": None}},
}


@pytest.mark.parametrize(("language", "words", "period"), [
    ("fr", "ce que vos données mises en commun ajoutent, en moyenne, à chaque groupe de membres", "4 févr. 2025"),
    ("en", "what your pooled data adds, on average, to every group of members it could join", "Feb 4, 2025"),
])
def test_the_statement_says_the_part_in_words(language: str, words: str, period: str) -> None:
    text = statement_markdown(STATEMENT, language)
    assert "Shapley" not in text.replace("contribution shapley", ""), text  # the dispute's command keeps its name
    assert words in text, text
    assert period in text and "2025-02-04 " not in text.split("\n## ")[0], text.split("\n## ")[0]
    assert words in markdown_html(text)


def test_the_statement_is_headed_by_the_members_name() -> None:
    text = statement_markdown(STATEMENT, "fr", "Salle Neuve")
    assert text.startswith("# Relevé de rémunération — Salle Neuve\n"), text[:80]
    assert "salle-neuve" not in text.split("\n")[0]
