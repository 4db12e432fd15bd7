"""The encodings linkage relies on: normalization, birth-date tokens, comparable name columns."""

from __future__ import annotations

import datetime as dt

import numpy as np

from culturecoop.privacy.encodings import bloom_encode, bloom_matrix, dice, normalize_for_bloom

SECRET = b"k" * 32


def test_normalize_for_bloom() -> None:
    assert normalize_for_bloom("given_name", "Jean-François O'Neil") == "jean francois oneil"
    assert normalize_for_bloom("surname", "  CÔTÉ  ") == "cote"
    assert normalize_for_bloom("postcode", "H2X 1Y4") == "h2x1y4"
    assert normalize_for_bloom("birth_date", "1980-05-17") == "19800517"
    assert normalize_for_bloom("birth_date", dt.date(1980, 5, 17)) == "19800517"
    assert normalize_for_bloom("birth_date", "17/05") is None
    assert normalize_for_bloom("surname", " - ") is None


def test_bloom_matrix_normalizes_its_input() -> None:
    a = bloom_matrix(["Côté", "1980-05-17"][:1], "surname", SECRET)
    b = bloom_matrix(["cote"], "surname", SECRET)
    assert (a == b).all()


def test_birth_date_typo_stays_close_and_other_dates_do_not() -> None:
    m = bloom_matrix(["19800517", "19800518", "19800715", "19531102"], "birth_date", SECRET)
    d = dice(np.repeat(m[:1], 4, axis=0), m)
    assert d[1] > 0.75  # one wrong digit
    assert d[3] < 0.5  # another person's date
    assert d[1] > d[2] > d[3]


def test_swapped_name_columns_are_comparable() -> None:
    given = bloom_matrix(["hilton"], "given_name", SECRET)
    surname = bloom_matrix(["hilton"], "surname", SECRET)
    assert dice(given, surname)[0] == 1.0


def test_unparseable_value_is_null() -> None:
    encoded = bloom_encode(["1980-05-17", "sometime", None], "birth_date", SECRET)
    assert encoded.null_count == 2 and encoded[0].is_valid
