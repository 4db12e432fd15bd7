"""Synthetic *encoded* patrons with known truth, for tests and the million-record benchmark.

Persons get a given name and a surname (built from syllables, Zipf-like frequencies so that
common names are common), a birth date, a Canadian postcode, and usually an e-mail and a
phone. Each person is a patron of one or more of six members; some members hold the same
person twice. Each record is a noisy copy: typos (substitution, transposition), swapped
name columns, a moved postcode, a missing birth date, a changed e-mail. Records are encoded
with ``privacy.encodings`` under a throwaway secret, exactly as ``prepare`` would, and the
clear-text values are discarded: only the patron rows and the truth mapping come out.

Everything is vectorized: a million records take seconds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from culturecoop.privacy.encodings import bloom_encode, keyed_tokens

MEMBERS = ("jazz-dieze", "theatre-lumiere", "festival-ete", "osm-orchestre", "musee-art",
           "billets-qc")
_SYLLABLES = np.array([
    "ma", "ri", "jo", "se", "pha", "lu", "ca", "mi", "el", "an", "tho", "gen", "ve", "li",
    "na", "ro", "be", "ga", "bri", "lo", "to", "ni", "da", "vid", "cha", "ton", "ber", "ge",
    "tre", "blay", "dro", "pin", "col", "las", "mor", "in", "ou", "let", "ier", "ault",
])
_FSAS = [f"{a}{d}{b}" for a in "HGJ" for d in "0123456789" for b in "ABCEGHJKLMNPRSTVWXYZ"]


@dataclass
class SyntheticCoop:
    """Patron rows per member (schema of ``patron``) and the truth mapping."""

    tables: list[pa.Table]
    truth: dict[str, dict[str, str]]

    @property
    def records(self) -> int:
        return sum(t.num_rows for t in self.tables)


def _name_pool(rng: np.random.Generator, size: int, parts: tuple[int, int]) -> np.ndarray:
    counts = rng.integers(parts[0], parts[1] + 1, size)
    picks = rng.integers(0, len(_SYLLABLES), (size, parts[1]))
    words = _SYLLABLES[picks]
    out = words[:, 0].astype(object)
    for k in range(1, parts[1]):
        out = np.where(counts > k, out + words[:, k], out)
    return np.unique(out.astype(str))


def _zipf_pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
    return pool[rng.choice(len(pool), n, p=weights / weights.sum())]


def _typo(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    """Substitute or transpose one character in a ``rate`` share of the values."""
    data = values.astype("S24")
    hit = np.flatnonzero(rng.random(len(data)) < rate)
    lengths = np.char.str_len(data[hit])
    hit, lengths = hit[lengths >= 3], lengths[lengths >= 3]
    chars = data.view(np.uint8).reshape(len(data), 24)
    pos = (rng.random(len(hit)) * (lengths - 1)).astype(np.int64)
    swap = rng.random(len(hit)) < 0.4
    a, b = chars[hit, pos].copy(), chars[hit, pos + 1].copy()
    chars[hit[swap], pos[swap]] = b[swap]
    chars[hit[swap], pos[swap] + 1] = a[swap]
    sub = ~swap
    chars[hit[sub], pos[sub]] = rng.integers(ord("a"), ord("z") + 1, int(sub.sum()))
    return data.astype(str)


def synthetic_coop(
    records: int, seed: int = 1, secret: bytes | None = None, typo_rate: float = 0.08
) -> SyntheticCoop:
    """About ``records`` encoded patron records over six members, with the truth."""
    rng = np.random.default_rng(seed)
    secret = secret or secrets.token_bytes(32)
    persons = max(int(records / 1.45), 1)
    given_pool = _name_pool(rng, 3000, (2, 3))
    surname_pool = _name_pool(rng, 40000, (2, 4))
    given = _zipf_pick(rng, given_pool, persons)
    surname = _zipf_pick(rng, surname_pool, persons)
    birth = (np.datetime64("1940-01-01") + rng.integers(0, 65 * 365, persons)).astype("M8[D]")
    birth_s = np.char.replace(birth.astype(str), "-", "")
    fsa = np.array(_FSAS)[rng.integers(0, len(_FSAS), persons)]
    ldu = np.char.add(np.char.add(rng.integers(0, 10, persons).astype(str),
                                  np.array(list("ABCEGHJKLMNPRSTVWXYZ"))[rng.integers(0, 20, persons)]),
                      rng.integers(0, 10, persons).astype(str))
    postcode = np.char.add(fsa, ldu)
    email = np.char.add("p", np.arange(persons).astype(str))
    phone = np.char.add("+1514", rng.integers(1_000_000, 9_999_999, persons).astype(str))

    # Which members know each person: one, sometimes several; a few twice at one member.
    visits = 1 + rng.binomial(5, 0.08, persons)
    person = np.repeat(np.arange(persons), visits)
    member = rng.integers(0, len(MEMBERS), len(person))
    dup = rng.random(len(person)) < 0.03
    person = np.concatenate([person, person[dup]])
    member = np.concatenate([member, member[dup]])
    if len(person) > records:
        keep = np.sort(rng.choice(len(person), records, replace=False))
        person, member = person[keep], member[keep]
    n = len(person)

    g, s = given[person], surname[person]
    swap = rng.random(n) < 0.02
    g, s = np.where(swap, s, g), np.where(swap, g, s)
    g, s = _typo(rng, g, typo_rate), _typo(rng, s, typo_rate)
    b = _typo(rng, birth_s[person], typo_rate / 2)
    pc = postcode[person].astype("U6")
    moved = rng.random(n) < 0.08
    pc = np.where(moved, postcode[rng.integers(0, persons, n)], pc)

    def missing(values: np.ndarray, share: float) -> list[str | None]:
        gone = rng.random(n) < share
        return [None if x else v for v, x in zip(values.tolist(), gone.tolist(), strict=True)]

    em = np.where(rng.random(n) < 0.05, np.char.add(email[person], "x"), email[person])
    columns = {
        "email_token": keyed_tokens(missing(em, 0.35), "email", secret),
        "phone_token": keyed_tokens(missing(phone[person], 0.6), "phone", secret),
        "bloom_given_name": bloom_encode(missing(g, 0.02), "given_name", secret),
        "bloom_surname": bloom_encode(missing(s, 0.01), "surname", secret),
        "bloom_birth_date": bloom_encode(missing(b, 0.3), "birth_date", secret),
        "bloom_postcode": bloom_encode(missing(pc, 0.1), "postcode", secret),
    }
    band_start = birth[person].astype("M8[Y]").astype(np.int64) + 1970
    band_start -= band_start % 5
    band = np.char.add(np.char.add(band_start.astype(str), "-"), (band_start + 4).astype(str))
    patron_id = np.char.add("c", np.arange(n).astype(str))
    full = pa.table({
        "member_id": np.array(MEMBERS)[member],
        "member_patron_id": patron_id,
        **columns,
        "fsa": pa.array(np.char.lower(np.char.ljust(pc, 3).astype("U3"))),
        "birth_band": pa.array(band),
        "language": pa.nulls(n, pa.string()),
        "contact_sealed": pa.nulls(n, pa.binary()),
    })
    tables, truth = [], {}
    for k, name in enumerate(MEMBERS):
        rows = np.flatnonzero(member == k)
        if len(rows) == 0:
            continue
        tables.append(full.take(pa.array(rows)))
        truth[name] = dict(zip(patron_id[rows].tolist(), person[rows].astype(str).tolist(),
                               strict=True))
    return SyntheticCoop(tables=tables, truth=truth)
