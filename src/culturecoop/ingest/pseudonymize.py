"""From normalized patrons in clear to the canonical ``patron`` table, which holds none.

Runs once per distinct patron (never per ticket): HMAC tokens for e-mail and phone, Bloom
filters for given name, surname, birth date and postal code (vectorized in
``privacy.encodings``), and the e-mail sealed to the campaign public key only for patrons
who gave marketing consent. Sealing costs two X25519 operations per e-mail, so large
batches are spread over worker processes (PyNaCl holds the GIL during each seal, so threads
would not help) started early enough to overlap with the rest of ``prepare``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
from nacl.public import PublicKey, SealedBox

from culturecoop.privacy.encodings import bloom_encode, keyed_tokens
from culturecoop.privacy.keys import MemberKeys
from culturecoop.schema.model import PATRON

# Below this many e-mails, starting worker processes costs more than it saves.
_PARALLEL_SEALS = 5_000
SEAL_OVERHEAD = 48  # crypto_box_SEALBYTES: ephemeral public key + MAC


class SealJob:
    """E-mails being sealed to the campaign public key in worker processes.

    Started as soon as the patrons are known, so that sealing (two X25519 operations per
    e-mail, the costliest step of ``prepare``) runs while the main process builds the other
    tables; ``result()`` waits and returns the sealed boxes in order.
    """

    def __init__(
        self, emails: Sequence[str], public_key: PublicKey, workers: int | None = None,
        min_parallel: int = _PARALLEL_SEALS,
    ) -> None:
        self._encoded = [e.encode("utf-8") for e in emails]
        self._key = bytes(public_key)
        n = len(self._encoded)
        count = workers or min(os.cpu_count() or 1, 4)
        if n < min_parallel or count < 2:
            count = 0
        size = -(-n // count) if count else 0
        self._slices = [(i, min(i + size, n)) for i in range(0, n, size)] if count else []
        self._outputs: list[bytes | None] = [None] * len(self._slices)
        self._errors: list[str] = []
        self._threads = [
            threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(len(self._slices))
        ]
        for thread in self._threads:
            thread.start()

    def _run(self, k: int) -> None:
        start, stop = self._slices[k]
        payload = b"\n".join([self._key.hex().encode("ascii"), *self._encoded[start:stop]])
        proc = subprocess.run(
            [sys.executable, "-m", "culturecoop.ingest.seal_worker"],
            input=payload, capture_output=True, check=False,
        )
        if proc.returncode != 0:
            self._errors.append(proc.stderr.decode("utf-8", "replace")[-500:])
        else:
            self._outputs[k] = proc.stdout

    def result(self) -> list[bytes]:
        """The sealed boxes, in the order of the e-mails given."""
        if not self._slices:
            return _seal_chunk(self._key, [e.decode("utf-8") for e in self._encoded])
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise RuntimeError("sealing worker failed: " + self._errors[0])
        sealed: list[bytes] = []
        for (start, stop), output in zip(self._slices, self._outputs, strict=True):
            assert output is not None
            pos = 0
            for email in self._encoded[start:stop]:
                size = len(email) + SEAL_OVERHEAD
                sealed.append(output[pos:pos + size])
                pos += size
            if pos != len(output):
                raise RuntimeError("sealing worker returned an unexpected amount of data")
        return sealed


def _seal_chunk(public_key: bytes, emails: Sequence[str]) -> list[bytes]:
    box = SealedBox(PublicKey(public_key))
    return [box.encrypt(e.encode("utf-8")) for e in emails]


def seal_emails(emails: Sequence[str], public_key: PublicKey) -> list[bytes]:
    """Each e-mail sealed to ``public_key`` (libsodium sealed box), in order."""
    return SealJob(emails, public_key).result()


def start_sealing(clear: pa.Table, public_key: PublicKey) -> tuple[list[int], SealJob]:
    """Start sealing the e-mails of the patrons with marketing consent (rows of ``clear``)."""
    emails = clear.column("email").to_pylist()
    marketing = clear.column("marketing").to_pylist()
    rows = [i for i in range(clear.num_rows) if marketing[i] and emails[i]]
    return rows, SealJob([emails[i] for i in rows], public_key)


def _bloom_distinct(column: pa.ChunkedArray | pa.Array, field: str, secret: bytes) -> pa.Array:
    """``bloom_encode`` of each distinct value once, spread back to every row (names and birth
    dates repeat across patrons; the per-row work stays in Arrow's C++)."""
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(values)
    filters = bloom_encode(encoded.dictionary, field, secret)
    return pc.take(filters, encoded.indices)


def pseudonymize_patrons(
    clear: pa.Table, member_id: str, keys: MemberKeys, sealing: tuple[list[int], SealJob] | None = None
) -> pa.Table:
    """The canonical ``patron`` table from ``patron_clear`` rows (see ``ingest.split``).

    Promise: the result carries no e-mail, phone, name, birth date or full postal code in
    clear; ``contact_sealed`` is set exactly where ``marketing`` is true and an e-mail exists.
    """
    secret = keys.linkage_secret
    n = clear.num_rows
    emails = clear.column("email").to_pylist()
    to_seal, job = sealing or start_sealing(clear, keys.campaign_public)
    columns = {
        "member_id": pa.array([member_id] * n, pa.string()),
        "member_patron_id": clear.column("member_patron_id"),
        "email_token": pa.array(keyed_tokens(emails, "email", secret), pa.string()),
        "phone_token": pa.array(keyed_tokens(clear.column("phone").to_pylist(), "phone", secret), pa.string()),
        "bloom_given_name": _bloom_distinct(clear.column("given_name"), "given_name", secret),
        "bloom_surname": _bloom_distinct(clear.column("surname"), "surname", secret),
        "bloom_birth_date": _bloom_distinct(clear.column("birth_date"), "birth_date", secret),
        "bloom_postcode": _bloom_distinct(clear.column("postcode"), "postcode", secret),
        "fsa": clear.column("fsa"),
        "birth_band": clear.column("birth_band"),
        "language": clear.column("language"),
    }
    contact: list[bytes | None] = [None] * n
    for i, box in zip(to_seal, job.result(), strict=True):
        contact[i] = box
    columns["contact_sealed"] = pa.array(contact, pa.binary())
    table = pa.table(columns)
    assert table.column_names == PATRON.column_names
    return table
