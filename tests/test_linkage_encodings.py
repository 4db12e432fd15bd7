"""The encodings linkage relies on: normalization, birth-date tokens, comparable name columns."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import duckdb
import numpy as np
import pyarrow as pa

from culturecoop.ingest.pseudonymize import arrow_array
from culturecoop.privacy.encodings import (
    bloom_encode,
    bloom_matrix,
    derive_key,
    dice,
    keyed_token_sql,
    keyed_tokens,
    normalize_for_bloom,
    token_pads,
)

SECRET = b"k" * 32


def test_normalize_for_bloom() -> None:
    assert normalize_for_bloom("given_name", "Jean-François O'Neil") == "jean francois oneil"
    assert normalize_for_bloom("surname", "  CÔTÉ  ") == "cote"
    assert normalize_for_bloom("postcode", "H2X 1Y4") == "h2x1y4"
    assert normalize_for_bloom("birth_date", "1980-05-17") == "19800517"
    assert normalize_for_bloom("birth_date", dt.date(1980, 5, 17)) == "19800517"
    assert normalize_for_bloom("birth_date", "17/05") is None
    assert normalize_for_bloom("surname", " - ") is None


def test_already_normal_values_pass_through_unchanged() -> None:
    # The shortcut for values prepare has normalized already must agree with the full path.
    for field, value in (("given_name", "jean francois"), ("surname", "oneil"), ("postcode", "h2x1y4"),
                         ("postcode", "75001"), ("birth_date", "19800517"), ("given_name", "marie 2")):
        assert normalize_for_bloom(field, value) == value
    assert normalize_for_bloom("given_name", "jean  francois") == "jean francois"
    assert normalize_for_bloom("postcode", "h2x 1y4") == "h2x1y4"


def test_keyed_tokens_are_hmac_sha256() -> None:
    values = ["marie@exemple.ca", None, "", "+15145550199", "é" * 80]
    key = derive_key(SECRET, "token/email")
    expected = [None if not v else hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in values]
    assert keyed_tokens(values, "email", SECRET) == expected


def test_arrow_array_from_buffers_equals_pa_array() -> None:
    for values, kind in ((["a", None, "", "é€"], pa.string()), ([b"\x00\x01", None, b""], pa.binary()),
                         ([], pa.string()), (["x", "y"], pa.string())):
        built = arrow_array(values, kind)
        built.validate(full=True)
        assert built.to_pylist() == values and built.type == kind


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


def test_duckdbs_contact_tokens_are_the_ones_linkage_matches() -> None:
    # prepare has DuckDB compute the e-mail and phone tokens on every core; they must be the very
    # tokens keyed_tokens gives (a subject's request, linkage across members), value for value.
    secret = b"s" * 32
    values = ["ana@example.org", "jean-françois.o'neil@exemple.qc.ca", "33612345678", "", None, "ß" * 200]
    con = duckdb.connect()
    for purpose in ("email", "phone"):
        got = [row[0] for row in con.execute(
            f"SELECT {keyed_token_sql('v', purpose)} FROM unnest($values) WITH ORDINALITY AS t(v, i) ORDER BY i",
            {"values": values, **token_pads(secret, purpose)}).fetchall()]
        assert got == keyed_tokens(values, purpose, secret)
    assert keyed_tokens(["a@b.c"], "email", secret) != keyed_tokens(["a@b.c"], "phone", secret)
