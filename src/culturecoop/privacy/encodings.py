"""Keyed tokens and Bloom-filter encodings: the only form in which identifiers leave a member.

* ``keyed_tokens``: HMAC-SHA256 under a per-purpose key derived from the linkage secret, for
  exact matching (e-mail, phone). Without the secret nobody can test a guess.
* ``bloom_encode``: one Bloom filter per field (given name, surname, birth date, postcode),
  each token setting ``BLOOM_HASHES`` bit positions drawn by HMAC under a keyed table
  (random hashing, not double hashing, which leaks through its arithmetic structure).
  Dice similarity of two filters approximates the token similarity of the two values, so
  typos still link.

  - names and postcodes: character bigrams of the value padded with one space each side;
    given name and surname share one key (``bloom/name``) so that a given name and a surname
    recorded in each other's column can still be compared (about 5% of real duplicates);
  - birth dates: not bigrams but the eight positional digits of ``YYYYMMDD`` plus the year,
    month and day as whole tokens (key ``bloom/birth_date``), so that one wrong digit keeps
    most of the filter and two dates sharing digits by chance do not look alike.

Inputs are normalized with ``normalize_for_bloom`` (lower-case ASCII letters, digits and
single spaces; dates as ``YYYYMMDD``); ``bloom_matrix`` applies it too, so a caller that
forgets gets the same filters. The encoder is vectorized over distinct values: every value
is a row of a fixed-width byte matrix, tokens are integer codes, and bits are set with one
fancy-indexing assignment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from culturecoop.folding import fold
from culturecoop.schema.model import BLOOM_BITS

BLOOM_HASHES = 20
BLOOM_FIELDS = ("given_name", "surname", "birth_date", "postcode")
TOKEN_PURPOSES = ("email", "phone")

# Alphabet of normalized values: padding/space, a-z, 0-9, and one code for anything else.
_ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789"
_OTHER = len(_ALPHABET)
_SYMBOLS = len(_ALPHABET) + 1
_BYTE_TO_CODE = np.full(256, _OTHER, dtype=np.int32)
for _i, _ch in enumerate(_ALPHABET):
    _BYTE_TO_CODE[ord(_ch)] = _i
_BYTE_TO_CODE[0] = 0  # NUL padding from fixed-width numpy byte strings behaves like a space.
_MAX_LEN = 40  # longer values are truncated: enough for any real name or date.


def derive_key(secret: bytes, label: str) -> bytes:
    """A sub-key for one purpose, so a leak of one encoding's key reveals nothing of another."""
    return hmac.new(secret, b"culturecoop/v1/" + label.encode(), hashlib.sha256).digest()


def _hmac_sha256_hex(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA256 under ``key`` as a function of the message, hex digest (RFC 2104, equal to
    ``hmac.new(key, message, sha256).hexdigest()``). The inner and outer states after the key
    blocks are computed once and copied per message: a third of the cost of ``hmac.new`` on
    the short values tokenized here."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy

    def digest(message: bytes) -> str:
        h = inner()
        h.update(message)
        o = outer()
        o.update(h.digest())
        return o.hexdigest()

    return digest


def keyed_tokens(values: Sequence[str | None], purpose: str, secret: bytes) -> list[str | None]:
    """HMAC-SHA256 hex token of each normalized value (None stays None)."""
    token = _hmac_sha256_hex(derive_key(secret, "token/" + purpose))
    return [None if v is None or v == "" else token(v.encode()) for v in values]


# A member's identifiers (patron, ticket and order ids) leave as this many hex digits of an
# HMAC-SHA256 under a key of the member's own (128 bits: no collision in any real export).
ID_TOKEN_HEX = 32


def member_id_key(secret: bytes, member_id: str) -> bytes:
    """The key of one member's identifier tokens: derived from the linkage secret (which the
    warehouse never holds) and the member, so the same id at two members gives two tokens."""
    return derive_key(secret, "member-id/" + member_id)


# An identifier written like a phone number (digits with phone punctuation, at least ten digits and
# some punctuation): when a phone stands in for the customer number, "514 555-0199" and
# "(514) 555-0199" are one person.
_PHONE_LIKE = re.compile(r"\+?[0-9 ().\-/]+")
PHONE_DIGITS = 10
# The blanks trimmed around an identifier: the spaces DuckDB's trim() trims (Unicode's space
# separators), and the tabs, line breaks and byte-order mark ``cc_trim`` trims around every value: a
# tab or a no-break space left around an e-mail by a copy and paste is no other person.
_ID_BLANKS = (" \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
              "\t\n\v\f\r\ufeff")
_ID_BLANKS_SQL = " || ".join(f"chr({ord(c)})" for c in _ID_BLANKS)


def normalize_member_id(value: str) -> str:
    """An identifier as ``prepare`` tokenizes it: blanks trimmed, an e-mail in lower case, a phone
    number written with punctuation as its digits (``member_id_sql`` is the same in SQL)."""
    text = value.strip(_ID_BLANKS)
    if "@" in text:
        return text.lower()
    if _PHONE_LIKE.fullmatch(text) and not text.isdigit():
        digits = re.sub(r"[^0-9]", "", text)
        if len(digits) >= PHONE_DIGITS:
            return digits
    return text


def member_id_sql(column: str) -> str:
    """SQL: ``normalize_member_id`` of the text ``column`` (NULL when empty)."""
    # Trimmed only when it begins or ends with something else than a printable ASCII character (every blank
    # of ``_ID_BLANKS`` is a control, a space or beyond ASCII): DuckDB's trim with a set of characters costs
    # 1 s of CPU per million identifiers, the test 0.1 s.
    text = (f"CASE WHEN regexp_full_match({column}, '(?s)[!-~](.*[!-~])?') THEN {column} "
            f"ELSE nullif(trim({column}, {_ID_BLANKS_SQL}), '') END")
    digits = f"regexp_replace({text}, '[^0-9]', '', 'g')"
    return (f"CASE WHEN contains({text}, '@') THEN lower({text}) "
            f"WHEN regexp_full_match({text}, '\\+?[0-9 ().\\-/]+') AND NOT regexp_full_match({text}, '[0-9]+') "
            f"AND length({digits}) >= {PHONE_DIGITS} THEN {digits} ELSE {text} END")


def member_id_tokens(values: Sequence[str | None], member_id: str, secret: bytes) -> list[str | None]:
    """The tokens ``prepare`` writes for these identifiers of ``member_id`` (None stays None):
    what a member recomputes from its own export to find its patrons in results."""
    key = member_id_key(secret, member_id)
    return [None if v is None or not normalize_member_id(v) else
            hmac.new(key, normalize_member_id(v).encode(), hashlib.sha256).hexdigest()[:ID_TOKEN_HEX]
            for v in values]


def pads(key: bytes, name: str = "") -> dict[str, bytes]:
    """HMAC's inner and outer key blocks (a key of at most 64 bytes), bound as ``$ipad`` and
    ``$opad`` (with ``name`` after them) by ``id_token_sql`` and ``keyed_token_sql``."""
    block = key.ljust(64, b"\0")
    return {f"ipad{name}": bytes(b ^ 0x36 for b in block), f"opad{name}": bytes(b ^ 0x5C for b in block)}


def _hmac_sql(column: str, name: str = "") -> str:
    """SQL: the HMAC-SHA256 hex digest of the text ``column`` under the key blocks of ``pads(key, name)``,
    computed by DuckDB in parallel."""
    return f"sha256($opad{name} || unhex(sha256($ipad{name} || encode({column}))))"


def id_token_sql(column: str) -> str:
    """SQL: the member's token of the text ``column`` (the key blocks of ``pads``; equal to
    ``member_id_tokens``)."""
    return f"left({_hmac_sql(column)}, {ID_TOKEN_HEX})"


def keyed_token_sql(column: str, purpose: str) -> str:
    """SQL: ``keyed_tokens`` of the normalized text ``column`` for ``purpose`` (NULL for NULL or
    empty), under the key blocks of ``token_pads(secret, purpose)``."""
    return f"CASE WHEN {column} <> '' THEN {_hmac_sql(column, '_' + purpose)} END"


def token_pads(secret: bytes, purpose: str) -> dict[str, bytes]:
    """The parameters of ``keyed_token_sql`` for ``purpose``."""
    return pads(derive_key(secret, "token/" + purpose), "_" + purpose)


# Values that ``normalize_for_bloom`` returns unchanged, recognized by one pattern instead of
# its Unicode decomposition: lower-case ASCII words with single spaces for names, lower-case
# ASCII letters and digits for postcodes, eight digits for dates.
_ALREADY_NORMAL: dict[str, Callable[[str], object]] = {
    "given_name": re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*").fullmatch,
    "surname": re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*").fullmatch,
    "postcode": re.compile(r"[a-z0-9]+").fullmatch,
    "birth_date": re.compile(r"[0-9]{8}").fullmatch,
}


def normalize_for_bloom(field: str, value: object) -> str | None:
    """The normalized form of one value, as encoded by ``bloom_matrix`` (None when empty).

    Names: accents removed, lower case, apostrophes dropped, any other non-alphanumeric run
    becomes one space (``Jean-François O'Neil`` → ``jean francois oneil``). Postcodes: lower
    case without spaces (``H2X 1Y4`` → ``h2x1y4``). Birth dates: ``YYYYMMDD`` from a
    ``date``/``datetime`` or any string whose digits are year, month, day in that order
    (``1980-05-17``); anything else is None (unknown).
    """
    if field not in BLOOM_FIELDS:
        raise ValueError(f"unknown Bloom field {field!r}")
    if value is None:
        return None
    if isinstance(value, str) and _ALREADY_NORMAL[field](value):
        return value  # what prepare hands over (cc_fold names, lower-case postcodes): unchanged
    if field == "birth_date":
        if isinstance(value, dt.date):
            return value.strftime("%Y%m%d")
        digits = re.sub(r"[^0-9]", "", str(value))
        return digits if len(digits) == 8 else None
    text = fold(str(value))  # as prepare's cc_fold: accents off, ligatures spelled out
    if field == "postcode":
        text = re.sub(r"[^a-z0-9]", "", text)
    else:
        text = re.sub(r"['’`]", "", text)
        text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return text or None


def _key_label(field: str) -> str:
    # Given name and surname share a key so that swapped name columns stay comparable.
    return "bloom/name" if field in ("given_name", "surname") else "bloom/" + field


@cache
def _token_positions(secret: bytes, label: str, n_tokens: int) -> np.ndarray:
    """For every token code, its ``BLOOM_HASHES`` bit positions under the key of ``label``."""
    key = derive_key(secret, label)
    table = np.empty((n_tokens, BLOOM_HASHES), dtype=np.int32)
    for code in range(n_tokens):
        digest = hmac.new(key, code.to_bytes(2, "big"), hashlib.sha512).digest()
        digest += hmac.new(key, b"+" + code.to_bytes(2, "big"), hashlib.sha512).digest()
        table[code] = (np.frombuffer(digest, dtype=">u4")[:BLOOM_HASHES] % BLOOM_BITS).astype(
            np.int32
        )
    return table


# Birth-date token codes: 8 positions x 10 digits, then year (mod 400), month and day.
_DATE_YEAR, _DATE_MONTH, _DATE_DAY, _DATE_TOKENS = 80, 480, 580, 680


def _bigram_tokens(padded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, token code) of every bigram of fixed-width padded byte strings."""
    u = len(padded)
    chars = _BYTE_TO_CODE[padded.view(np.uint8).reshape(u, _MAX_LEN)]
    lengths = np.char.str_len(padded)
    codes = chars[:, :-1] * _SYMBOLS + chars[:, 1:]
    valid = np.arange(_MAX_LEN - 1)[None, :] < (lengths[:, None] - 1)
    rows, cols = np.nonzero(valid)
    return rows, codes[rows, cols]


def _date_tokens(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, token code) of the positional digits, year, month and day of ``YYYYMMDD`` rows."""
    u = len(dates)
    digits = dates.view(np.uint8).reshape(u, -1)[:, :8].astype(np.int32) - ord("0")
    ok = (np.char.str_len(dates) == 8) & (digits >= 0).all(axis=1) & (digits <= 9).all(axis=1)
    digits = np.where(ok[:, None], digits, 0)
    positional = np.arange(8)[None, :] * 10 + digits
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    codes = np.concatenate(
        [positional, (_DATE_YEAR + year % 400)[:, None], (_DATE_MONTH + month)[:, None],
         (_DATE_DAY + day)[:, None]], axis=1,
    )
    rows = np.repeat(np.nonzero(ok)[0], codes.shape[1])
    return rows, codes[ok].ravel()


def bloom_matrix(values: Sequence[str | None] | pa.Array, field: str, secret: bytes) -> np.ndarray:
    """Bloom filters as a (n, BLOOM_BITS/8) uint8 matrix; an empty or None value is all zeros.

    Values are normalized with ``normalize_for_bloom`` first (idempotent on normalized input).
    """
    if field not in BLOOM_FIELDS:
        raise ValueError(f"unknown Bloom field {field!r}")
    if isinstance(values, pa.Array | pa.ChunkedArray):
        values = values.to_pylist()
    n = len(values)
    if n == 0:
        return np.zeros((0, BLOOM_BITS // 8), dtype=np.uint8)
    # Names, dates and postcodes repeat: normalize and encode each distinct raw value once.
    raw = np.array(["" if v is None else str(v) for v in values], dtype=object)
    distinct_raw, inverse = np.unique(raw.astype(str), return_inverse=True)
    normalized = [normalize_for_bloom(field, v) or "" for v in distinct_raw.tolist()]
    if field == "birth_date":
        text = np.array(normalized, dtype="S8")
        rows, codes = _date_tokens(text)
        positions = _token_positions(secret, _key_label(field), _DATE_TOKENS)[codes]
    else:
        # Pad with one space on each side so first and last letters weigh like the others.
        text = np.array(
            [(" " + v[: _MAX_LEN - 2] + " ") if v else "" for v in normalized], dtype=f"S{_MAX_LEN}"
        )
        rows, codes = _bigram_tokens(text)
        positions = _token_positions(secret, _key_label(field), _SYMBOLS * _SYMBOLS)[codes]
    u = len(text)
    bits = np.zeros(u * BLOOM_BITS, dtype=bool)
    bits[(rows.astype(np.int64) * BLOOM_BITS)[:, None] + positions] = True
    return np.packbits(bits.reshape(u, BLOOM_BITS), axis=1)[inverse.ravel()]


def bloom_encode(values: Sequence[str | None] | pa.Array, field: str, secret: bytes) -> pa.Array:
    """Bloom filters as an Arrow binary array (None for missing values or values that
    normalize to nothing, such as an unparseable birth date)."""
    matrix = bloom_matrix(values, field, secret)
    present = matrix.any(axis=1)
    width = BLOOM_BITS // 8
    # Built from buffers, the validity bitmap marking the empty filters as NULL (pa.array would
    # import pandas, a second of start-up, only to check that the NumPy array is not one).
    validity = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little").tobytes())
    flat = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(values), [validity, pa.py_buffer(matrix.tobytes())]
    )
    return flat.cast(pa.binary())


def dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Dice coefficient of two packed Bloom matrices (NaN where both are empty)."""
    inter = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    total = np.bitwise_count(a).sum(axis=1, dtype=np.int64) + np.bitwise_count(b).sum(
        axis=1, dtype=np.int64
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * inter / total, np.nan)


_HEX_BYTE = np.zeros(256, dtype=bool)
_HEX_BYTE[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = True
# Two bytes at a time (half the lookups): true when both bytes of the pair are hex digits.
_HEX_PAIR = (_HEX_BYTE[:, None] & _HEX_BYTE[None, :]).ravel()


def all_hex_tokens(column: pa.ChunkedArray, lengths: Sequence[int]) -> bool:
    """True when every value of ``column`` is a token as we write them (or NULL): one of ``lengths``
    for all, and nothing but lower-case hex digits in the bytes that hold them. A vectorized pass
    over the Arrow buffers proves it at a fraction of the cost of a pattern per value; False on
    anything else (the caller then looks value by value)."""
    if column.null_count == len(column):
        return True
    if not all(pa.types.is_string(chunk.type) for chunk in column.chunks):
        return False
    bounds = pc.min_max(pc.binary_length(column))
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low != high or low not in lengths:
        return False
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset:chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
        # Every byte from the first value to the last, those under NULL slots included (if a
        # writer left any): a stray byte fails the proof, never passes it.
        if not (_HEX_PAIR[data.view(np.uint16)] if len(data) % 2 == 0 else _HEX_BYTE[data]).all():
            return False
    return True
