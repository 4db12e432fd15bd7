"""The suppression list: people erased at their own request stay erased.

An erasure adds, for each removed record, keyed hashes of its e-mail token, phone token and
(member, record) pair to ``erasure_suppression``. The hash is an HMAC-SHA256 under a random key
kept in the warehouse (``suppression_key``), over the *token*: the list holds neither a token
nor an identifier, cannot be joined to any other data set, and can only be tested by someone
who already has the token (hence the linkage secret, which the warehouse never holds).

``ingest`` calls ``apply_suppression`` inside the transaction that loads a package: the rows
of a suppressed person are removed before the package commits, so they never appear.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

import duckdb

from culturecoop.privacy.encodings import pads

KINDS = ("email", "phone", "record")


def _key(con: duckdb.DuckDBPyConnection, *, create: bool) -> bytes | None:
    rows = con.execute("SELECT secret FROM suppression_key WHERE key_id = 'suppression'").fetchall()
    if rows:
        return bytes(rows[0][0])
    if not create:
        return None
    secret = secrets.token_bytes(32)
    con.execute("INSERT INTO suppression_key VALUES ('suppression', ?, ?)",
                [secret, datetime.now(UTC).replace(tzinfo=None)])
    return secret


def suppression_hash(key: bytes, kind: str, value: str) -> str:
    """The keyed hash stored for one token (``kind`` is ``email``, ``phone`` or ``record``)."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _hash_sql(expression: str) -> str:
    """SQL of ``suppression_hash`` over a text expression (HMAC from the key blocks $ipad/$opad)."""
    return f"sha256($opad || unhex(sha256($ipad || encode({expression}))))"


def suppress(con: duckdb.DuckDBPyConnection, tokens: Iterable[tuple[str, str]]) -> int:
    """Add (kind, token) pairs to the list inside the caller's transaction; returns how many are new."""
    key = _key(con, create=True)
    assert key is not None
    now = datetime.now(UTC).replace(tzinfo=None)
    hashes = sorted({(suppression_hash(key, kind, value), kind) for kind, value in tokens if value})
    before = int(con.execute("SELECT count(*) FROM erasure_suppression").fetchall()[0][0])
    if hashes:
        con.executemany("INSERT INTO erasure_suppression VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [[h, kind, now] for h, kind in hashes])
    return int(con.execute("SELECT count(*) FROM erasure_suppression").fetchall()[0][0]) - before


def record_value(member_id: str, member_patron_id: str) -> str:
    """What a record's ``record`` hash is taken over."""
    return f"{member_id}/{member_patron_id}"


_SUPPRESSED_RECORDS = f"""
SELECT DISTINCT member_id, member_patron_id FROM (
  SELECT p.member_id, p.member_patron_id FROM patron AS p
  WHERE p.member_id = $member AND (
        {_hash_sql("'email:' || p.email_token")} IN (SELECT hash FROM erasure_suppression WHERE kind = 'email')
     OR {_hash_sql("'phone:' || p.phone_token")} IN (SELECT hash FROM erasure_suppression WHERE kind = 'phone'))
  UNION ALL
  SELECT r.member_id, r.member_patron_id FROM (
    SELECT member_id, member_patron_id FROM patron WHERE member_id = $member
    UNION SELECT member_id, member_patron_id FROM ticket WHERE member_id = $member
    UNION SELECT member_id, member_patron_id FROM consent WHERE member_id = $member) AS r
  WHERE {_hash_sql("'record:' || r.member_id || '/' || r.member_patron_id")}
        IN (SELECT hash FROM erasure_suppression WHERE kind = 'record')
)
"""


def apply_suppression(con: duckdb.DuckDBPyConnection, member_id: str) -> int:
    """Remove the member's records of suppressed people (inside the caller's transaction);
    returns how many records were removed. Costs nothing while nobody was erased."""
    if not con.execute("SELECT count(*) FROM erasure_suppression").fetchall()[0][0]:
        return 0
    key = _key(con, create=False)
    if key is None:
        return 0
    con.execute(f"CREATE OR REPLACE TEMP TABLE suppressed_record AS {_SUPPRESSED_RECORDS}",
                {"member": member_id, **pads(key)})
    removed = int(con.execute("SELECT count(*) FROM suppressed_record").fetchall()[0][0])
    if removed:
        for table in ("ticket", "consent", "patron", "identity"):
            con.execute(
                f"DELETE FROM {table} AS t USING suppressed_record AS s "
                "WHERE t.member_id = s.member_id AND t.member_patron_id = s.member_patron_id")
    con.execute("DROP TABLE suppressed_record")
    return removed
