"""Counts read the way each language reads them: « 0 spectateur a consenti », "0 patrons agreed",
never « 1 événements » nor "1 events"."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturecoop.i18n import plural_in, retranslate, takes_one
from culturecoop.privacy import audit
from culturecoop.warehouse.engine import Warehouse


def test_french_takes_the_singular_for_zero_and_one_english_for_one_only() -> None:
    one, other = "{n} event", "{n} events"
    said = {(language, n): plural_in(n, one, other, language).format(n=n) for language in ("fr", "en") for n in (0, 1, 2)}
    assert said == {("fr", 0): "0 événement", ("fr", 1): "1 événement", ("fr", 2): "2 événements",
                    ("en", 0): "0 events", ("en", 1): "1 event", ("en", 2): "2 events"}
    assert [takes_one(n, "fr") for n in (0, 1, 2, 10)] == [True, True, False, False]
    assert [takes_one(n, "en") for n in (0, 1, 2, 10)] == [False, True, False, False]


def test_a_count_sentence_read_back_in_the_other_language_takes_that_languages_form() -> None:
    """A service writes "0 entries" in English; a French page reads « 0 entrée », and back."""
    one, other = "Audit log intact: {n} entry; head {head}.", "Audit log intact: {n} entries; head {head}."
    plural_in(0, one, other, "en")  # the service said it
    assert retranslate("Audit log intact: 0 entries; head 0:x.", "fr") == "Journal d’audit intact : 0 entrée ; tête 0:x."
    assert retranslate("Journal d’audit intact : 0 entrée ; tête 0:x.", "en") == "Audit log intact: 0 entries; head 0:x."
    assert retranslate("Audit log intact: 1 entry; head 1:x.", "fr") == "Journal d’audit intact : 1 entrée ; tête 1:x."
    assert retranslate("Audit log intact: 2 entries; head 2:x.", "fr") == "Journal d’audit intact : 2 entrées ; tête 2:x."


@pytest.mark.parametrize("language", ["fr", "en"])
def test_audit_verify_says_0_1_and_2_entries_right(tmp_path: Path, cli, language: str) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    Warehouse(db, create=True).close()
    said = []
    for entries in (0, 1, 2):
        if entries:
            with Warehouse(db) as warehouse, warehouse.transaction() as con:
                audit.append(con, audit.AuditRecord(actor="cli:test", member_id="m", action="report", report="overview",
                                                    parameters={}, epsilon=0.0, members_touched=("m",)))
        result = cli("audit", "verify", "--db", str(db), lang=language)
        assert result.returncode == 0, result.stderr
        said.append(" ".join(result.stderr.split()).split(";")[0].strip())
    expected = {"fr": ["Journal d’audit intact : 0 entrée", "Journal d’audit intact : 1 entrée",
                       "Journal d’audit intact : 2 entrées"],
                "en": ["Audit log intact: 0 entries", "Audit log intact: 1 entry", "Audit log intact: 2 entries"]}
    assert said == expected[language]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_transparency_page_says_0_1_and_2_records_right(language: str) -> None:
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.transparency import _governance_sentence

    t = Translator(language)
    said = [_governance_sentence("consent", {"records": n}, "m", "1 mai", t).split("(")[1] for n in (0, 1, 2)]
    assert said == {"fr": ["0 fiche).", "1 fiche).", "2 fiches)."], "en": ["0 records).", "1 record).", "2 records)."]}[language]
