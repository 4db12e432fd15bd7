"""One accent folding for every layer (``culturecoop.folding``), the same as prepare's SQL ``cc_fold``:
a name a member's export spells « Søren Łukasz Œhlenschläger » is encoded for linkage the same whether
it went through prepare (SQL) or the Python encoder, so the same person is linked either way."""

from __future__ import annotations

import duckdb
import pytest

from culturecoop.folding import fold, strip_accents
from culturecoop.ingest.normalize import install_normalizers
from culturecoop.privacy.encodings import normalize_for_bloom

NAMES = ["Søren", "Łukasz", "Œhlenschläger", "Straße", "Ægir", "Đorđević", "Hélène", "D'Amours", "Cœur-de-Lion"]


@pytest.fixture(scope="module")
def sql_folded() -> dict[str, str]:
    con = duckdb.connect()
    install_normalizers(con)
    rows = con.execute("SELECT name, cc_fold(name) FROM (SELECT unnest($names) AS name)", {"names": NAMES}).fetchall()
    return dict(rows)


@pytest.mark.parametrize("name", NAMES)
def test_the_python_encoder_folds_a_name_as_prepare_does(name: str, sql_folded: dict[str, str]) -> None:
    assert normalize_for_bloom("surname", name) == sql_folded[name]


def test_folding_keeps_one_letter_for_an_accented_one_and_spells_the_others() -> None:
    assert strip_accents("Côté, Sœur, Œuvre") == "Cote, Soeur, Oeuvre"
    assert fold("THÉÂTRE des Lilas") == fold("theatre des lilas") == "theatre des lilas"
