"""Keyed tokens and Bloom-filter encodings: the only form in which identifiers leave a member.

* ``keyed_tokens``: HMAC-SHA256 under a per-purpose key derived from the linkage secret, for
  exact matching (e-mail, phone). Without the secret nobody can test a guess.
* ``bloom_encode``: one Bloom filter per field (given name, surname, birth date, postcode),
  built from the field's character q-grams, each q-gram setting ``BLOOM_HASHES`` bit positions
  drawn by HMAC under a per-field key (random hashing, not double hashing, which leaks
  through its arithmetic structure). Dice similarity of two filters approximates the q-gram
  similarity of the two values, so typos still link.

Inputs must already be normalized (see ``ingest.normalize``): lower-case ASCII letters,
digits and single spaces. The encoder is vectorized: every value is a row of a fixed-width
byte matrix, q-grams are integer codes, and bits are set with one fancy-indexing assignment.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from functools import cache

import numpy as np
import pyarrow as pa

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


def keyed_tokens(values: Sequence[str | None], purpose: str, secret: bytes) -> list[str | None]:
    """HMAC-SHA256 hex token of each normalized value (None stays None)."""
    key = derive_key(secret, "token/" + purpose)
    out: list[str | None] = []
    for v in values:
        out.append(None if v is None or v == "" else hmac.new(key, v.encode(), hashlib.sha256).hexdigest())
    return out


@cache
def _bigram_positions(secret: bytes, field: str) -> np.ndarray:
    """For every possible bigram code, its ``BLOOM_HASHES`` bit positions under the field key."""
    key = derive_key(secret, "bloom/" + field)
    n = _SYMBOLS * _SYMBOLS
    table = np.empty((n, BLOOM_HASHES), dtype=np.int32)
    for code in range(n):
        digest = hmac.new(key, code.to_bytes(2, "big"), hashlib.sha512).digest()
        words = np.frombuffer(digest[: 4 * BLOOM_HASHES], dtype=">u4") if BLOOM_HASHES <= 16 else (
            np.frombuffer(
                digest + hmac.new(key, b"+" + code.to_bytes(2, "big"), hashlib.sha512).digest(),
                dtype=">u4",
            )[:BLOOM_HASHES]
        )
        table[code] = (words % BLOOM_BITS).astype(np.int32)
    return table


def bloom_matrix(values: Sequence[str | None] | pa.Array, field: str, secret: bytes) -> np.ndarray:
    """Bloom filters as a (n, BLOOM_BITS/8) uint8 matrix; an empty or None value is all zeros."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        values = values.to_pylist()
    n = len(values)
    if n == 0:
        return np.zeros((0, BLOOM_BITS // 8), dtype=np.uint8)
    # Pad with one space on each side so first and last letters weigh like the others.
    padded_all = np.array(
        [(" " + v[: _MAX_LEN - 2] + " ") if v else "" for v in values], dtype=f"S{_MAX_LEN}"
    )
    # Names, dates and postcodes repeat: encode each distinct value once.
    padded, inverse = np.unique(padded_all, return_inverse=True)
    u = len(padded)
    chars = _BYTE_TO_CODE[padded.view(np.uint8).reshape(u, _MAX_LEN)]
    lengths = np.char.str_len(padded)
    codes = chars[:, :-1] * _SYMBOLS + chars[:, 1:]
    valid = np.arange(_MAX_LEN - 1)[None, :] < (lengths[:, None] - 1)
    rows, cols = np.nonzero(valid)
    positions = _bigram_positions(secret, field)[codes[rows, cols]]  # (q-grams, hashes)
    bits = np.zeros(u * BLOOM_BITS, dtype=bool)
    bits[(rows.astype(np.int64) * BLOOM_BITS)[:, None] + positions] = True
    return np.packbits(bits.reshape(u, BLOOM_BITS), axis=1)[inverse.ravel()]


def bloom_encode(values: Sequence[str | None] | pa.Array, field: str, secret: bytes) -> pa.Array:
    """Bloom filters as an Arrow binary array (None for empty or missing values)."""
    if field not in BLOOM_FIELDS:
        raise ValueError(f"unknown Bloom field {field!r}")
    matrix = bloom_matrix(values, field, secret)
    if isinstance(values, pa.Array | pa.ChunkedArray):
        values = values.to_pylist()
    present = np.array([bool(v) for v in values], dtype=bool)
    width = BLOOM_BITS // 8
    flat = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(values), [None, pa.py_buffer(matrix.tobytes())]
    )
    binary = flat.cast(pa.binary())
    mask = pa.array(~present)
    return pa.compute.if_else(mask, pa.nulls(len(values), pa.binary()), binary)


def dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Dice coefficient of two packed Bloom matrices (NaN where both are empty)."""
    inter = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    total = np.bitwise_count(a).sum(axis=1, dtype=np.int64) + np.bitwise_count(b).sum(
        axis=1, dtype=np.int64
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * inter / total, np.nan)
