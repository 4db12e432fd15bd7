"""From normalized patrons in clear to the canonical ``patron`` table, which holds none.

Runs once per distinct patron (never per ticket): HMAC tokens for e-mail and phone, Bloom
filters for given name, surname, birth date and postal code (vectorized in
``privacy.encodings``), and the e-mail encrypted to the campaign public key (``privacy.vault``)
only for patrons who gave marketing consent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from nacl.public import PublicKey

from culturecoop.privacy.encodings import bloom_encode, keyed_tokens
from culturecoop.privacy.keys import MemberKeys
from culturecoop.privacy.vault import seal_contacts
from culturecoop.schema.model import PATRON


def arrow_array(values: Sequence[str | bytes | None], kind: pa.DataType) -> pa.Array:
    """A string or binary Arrow array of ``values`` (None as NULL), built from its buffers:
    ``pa.array`` imports pandas, a second of a command's start-up, to rule out pandas input."""
    n = len(values)
    data = [b"" if v is None else v.encode() if isinstance(v, str) else v for v in values]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, data), dtype=np.int64, count=n), out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise ValueError("too much text for one Arrow string array")
    present = np.fromiter((v is not None for v in values), dtype=bool, count=n)
    validity = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little").tobytes())
    buffers = [validity, pa.py_buffer(offsets.astype(np.int32).tobytes()), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(kind, n, buffers)


def seal_marketing_contacts(clear: pa.Table, public_key: PublicKey) -> list[bytes | None]:
    """The e-mail of each patron with marketing consent encrypted to the campaign key, else None."""
    emails = clear.column("email").to_pylist()
    marketing = clear.column("marketing").to_pylist()
    rows = [i for i in range(clear.num_rows) if marketing[i] and emails[i]]
    contact: list[bytes | None] = [None] * clear.num_rows
    for i, sealed in zip(rows, seal_contacts([emails[i] for i in rows], public_key), strict=True):
        contact[i] = sealed
    return contact


# Distinct values encoded per call of ``bloom_encode``: its working arrays take a few
# kilobytes per value (one byte per filter bit, eight per bit set), so 118,000 postcodes
# touched half a gigabyte of fresh memory at once; slices of 8192 reuse about 30 MB.
_BLOOM_SLICE = 8192


def _bloom_distinct(column: pa.ChunkedArray | pa.Array, field: str, secret: bytes) -> pa.Array:
    """``bloom_encode`` of each distinct value once, spread back to every row (names and birth
    dates repeat across patrons; the per-row work stays in Arrow's C++). Each value's filter
    depends on that value alone, so encoding the distinct values in slices changes nothing."""
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary
    if len(distinct) <= _BLOOM_SLICE:
        filters = bloom_encode(distinct, field, secret)
    else:
        filters = pa.concat_arrays([
            bloom_encode(distinct.slice(start, _BLOOM_SLICE), field, secret)
            for start in range(0, len(distinct), _BLOOM_SLICE)
        ])
    return pc.take(filters, encoded.indices)


def _tokens(clear: pa.Table, field: str, secret: bytes) -> pa.Array | pa.ChunkedArray:
    """The ``keyed_tokens`` of a contact column: ``{field}_token`` when DuckDB already computed
    them (``privacy.encodings.keyed_token_sql``, on every core), else here."""
    if f"{field}_token" in clear.column_names:
        return clear.column(f"{field}_token")
    return arrow_array(keyed_tokens(clear.column(field).to_pylist(), field, secret), pa.string())


def pseudonymize_patrons(clear: pa.Table, member_id: str, keys: MemberKeys) -> pa.Table:
    """The canonical ``patron`` table from ``patron_clear`` rows (see ``ingest.split``).

    Promise: the result carries no e-mail, phone, name, birth date or full postal code in
    clear; ``contact_sealed`` is set exactly where ``marketing`` is true and an e-mail exists.
    """
    secret = keys.linkage_secret
    n = clear.num_rows
    columns = {
        "member_id": arrow_array([member_id] * n, pa.string()),
        "member_patron_id": clear.column("member_patron_id"),
        "email_token": _tokens(clear, "email", secret),
        "phone_token": _tokens(clear, "phone", secret),
        "bloom_given_name": _bloom_distinct(clear.column("given_name"), "given_name", secret),
        "bloom_surname": _bloom_distinct(clear.column("surname"), "surname", secret),
        "bloom_birth_date": _bloom_distinct(clear.column("birth_date"), "birth_date", secret),
        "bloom_postcode": _bloom_distinct(clear.column("postcode"), "postcode", secret),
        "fsa": clear.column("fsa"),
        "birth_band": clear.column("birth_band"),
        "language": clear.column("language"),
    }
    columns["contact_sealed"] = arrow_array(seal_marketing_contacts(clear, keys.campaign_public), pa.binary())
    table = pa.table(columns)
    assert table.column_names == PATRON.column_names
    return table
