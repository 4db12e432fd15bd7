"""Encoded patron records as arrays: the only input linkage ever sees.

``EncodedRecords`` holds, per record, its member, its token hashes and its four Bloom
filters as packed ``uint8`` matrices. It is built from the warehouse by ``load_patrons``
(which selects the encoding columns and nothing else) or from Arrow arrays by the FEBRL and
synthetic harnesses. No function here, nor anywhere in ``linkage``, takes the linkage secret
or a clear-text value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.privacy.encodings import BLOOM_FIELDS
from culturecoop.schema.model import BLOOM_BITS

BLOOM_BYTES = BLOOM_BITS // 8

# The columns `link` reads from `patron`, and nothing else: the test suite asserts it.
PATRON_COLUMNS_READ = (
    "member_id",
    "member_patron_id",
    "email_token",
    "phone_token",
    "bloom_given_name",
    "bloom_surname",
    "bloom_birth_date",
    "bloom_postcode",
    "fsa",
    "birth_band",
)

LOAD_PATRONS_SQL = """
SELECT member_id, member_patron_id,
       CASE WHEN email_token IS NULL OR email_token = '' THEN 0 ELSE hash(email_token) END
           AS email_hash,
       CASE WHEN phone_token IS NULL OR phone_token = '' THEN 0 ELSE hash(phone_token) END
           AS phone_hash,
       bloom_given_name, bloom_surname, bloom_birth_date, bloom_postcode,
       CASE WHEN fsa IS NULL OR birth_band IS NULL THEN 0 ELSE hash(fsa, birth_band) END
           AS area_band_hash
FROM patron
ORDER BY member_id, member_patron_id
"""


@dataclass
class EncodedRecords:
    """Patron records in encoded form, one row per record."""

    member: np.ndarray  # int32 index into member_ids
    member_ids: list[str]
    patron_ids: pa.Array  # member_patron_id, string
    email: np.ndarray  # uint64 hash of the e-mail token, 0 when missing
    phone: np.ndarray  # uint64 hash of the phone token, 0 when missing
    area_band: np.ndarray  # uint64 hash of (fsa, birth_band), 0 when either is missing
    blooms: dict[str, np.ndarray] = field(default_factory=dict)  # field → (n, 128) uint8

    def __len__(self) -> int:
        return len(self.member)

    @property
    def n_members(self) -> int:
        return len(self.member_ids)


def blob_matrix(column: pa.Array | pa.ChunkedArray, name: str = "bloom") -> np.ndarray:
    """Packed Bloom filters of a binary Arrow column as an (n, 128) uint8 matrix (NULL → 0)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.binary())
    n = len(column)
    out = np.zeros((n, BLOOM_BYTES), dtype=np.uint8)
    if n == 0:
        return out
    column = column.cast(pa.large_binary())
    lengths = pa.compute.binary_length(column).to_numpy(zero_copy_only=False)
    valid = ~np.isnan(lengths.astype(float)) if lengths.dtype.kind == "f" else np.ones(n, bool)
    valid &= column.is_valid().to_numpy(zero_copy_only=False)
    present_lengths = np.asarray(lengths)[valid]
    if present_lengths.size and not (present_lengths == BLOOM_BYTES).all():
        raise UserError(
            _("Column {name} holds encodings that are not {bits}-bit Bloom filters; reload the "
              "member's package made by `culturecoop prepare`.").format(name=name, bits=BLOOM_BITS)
        )
    if present_lengths.size:
        offsets = np.frombuffer(column.buffers()[1], dtype=np.int64)[column.offset:column.offset + n + 1]
        data = np.frombuffer(column.buffers()[2], dtype=np.uint8)
        starts = offsets[:-1][valid]
        # Present values are contiguous 128-byte runs: gather them in one indexing operation.
        out[valid] = data[starts[:, None] + np.arange(BLOOM_BYTES)[None, :]]
    return out


def records_from_arrow(table: pa.Table) -> EncodedRecords:
    """EncodedRecords from the result of ``LOAD_PATRONS_SQL`` (or a table of the same shape)."""
    if table.num_rows:
        encoded = table.column("member_id").combine_chunks().dictionary_encode()
        dictionary = encoded.dictionary.to_pylist()
        order = np.argsort(np.array(dictionary, dtype=object))
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        member = rank[encoded.indices.to_numpy(zero_copy_only=False)]
        member_ids = [dictionary[i] for i in order]
    else:
        member, member_ids = np.zeros(0, dtype=np.int32), []

    def hashes(name: str) -> np.ndarray:
        col = table.column(name)
        return np.asarray(col.fill_null(0).to_numpy(), dtype=np.uint64) if table.num_rows else (
            np.zeros(0, dtype=np.uint64))

    patron_ids = table.column("member_patron_id").combine_chunks() if table.num_rows else pa.array(
        [], pa.string())
    return EncodedRecords(
        member=member,
        member_ids=member_ids,
        patron_ids=patron_ids,
        email=hashes("email_hash"),
        phone=hashes("phone_hash"),
        area_band=hashes("area_band_hash"),
        blooms={f: blob_matrix(table.column(f"bloom_{f}"), f"bloom_{f}") for f in BLOOM_FIELDS},
    )
