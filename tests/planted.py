"""A small cooperative built through the real CLI, with one planted person at two members.

Used by the erasure, access, retention and consent tests: canonical exports are written in
Python, then keys, packages, the warehouse, its links and model are made in this process; the
commands under test run through the CLI's own boundary (``cli``).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import run_cli_here
from culturecoop.analytics.service import refresh
from culturecoop.ingest.load import ingest
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import load_profile
from culturecoop.linkage.resolve import link_warehouse
from culturecoop.privacy.encodings import bloom_encode, keyed_tokens, member_id_tokens
from culturecoop.privacy.keys import init_keys, load_member_keys
from culturecoop.reco.service import train
from culturecoop.warehouse.engine import STORAGE_AUDIT_ENV, Warehouse
from culturecoop.warehouse.lake import export_lake

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit warns otherwise
HEADER = ["ticket_id", "order_id", "purchased_at", "status", "quantity", "unit_price", "currency", "channel", "event_id", "event_title", "event_starts_at", "venue", "venue_postal_code", "genres", "artists", "capacity", "is_local", "event_language", "patron_id", "email", "phone", "first_name", "last_name", "birth_date", "postal_code", "patron_language", "consent_pooling", "consent_marketing", "consent_personalization"]
MEMBERS = ("jazz-dieze", "theatre-nord")
PLANTED = {"email": "Zephirine.Quintal@Exemple.org", "phone": "514 555 0142", "first_name": "Zéphirine",
           "last_name": "Quintal-Brouillard", "birth_date": "1971-03-14", "postal_code": "H2X 3Y7"}
# The planted person's own customer id at each member.
PLANTED_IDS = {"jazz-dieze": "CLI-99001", "theatre-nord": "zephirine.quintal@exemple.org"}
FIRST = ("Marie", "Jean", "Luc", "Sophie", "Nadia", "Karim", "Élise", "Paul", "Chloé", "Hugo", "Inès", "Marc")
LAST = ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné")


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The command line run in this process through the CLI's error boundary (``conftest.run_cli_here``),
    in English, with the storage audit on: what these tests read is what the command wrote and said,
    on the disk and on its streams, as a process of its own would (0.5 s of start-up less each)."""
    previous = os.environ.get(STORAGE_AUDIT_ENV)
    os.environ[STORAGE_AUDIT_ENV] = "1"
    try:
        done = run_cli_here(*args)
    finally:
        if previous is None:
            del os.environ[STORAGE_AUDIT_ENV]
        else:
            os.environ[STORAGE_AUDIT_ENV] = previous
    if check and done.returncode != 0:
        raise AssertionError(f"culturecoop {' '.join(args)} failed: {done.stderr}")
    return done


def _row(member: str, n: int, patron: dict[str, str], event: int, day: str, consent: str = "true") -> dict[str, str]:
    return {
        "ticket_id": f"T{n}", "order_id": f"O{n}", "purchased_at": f"{day}T10:00:00", "status": "sold",
        "quantity": "1", "unit_price": "30.00", "currency": "CAD", "channel": "web", "event_id": f"E{event}",
        "event_title": f"Soirée {event}", "event_starts_at": f"{day}T20:00:00", "venue": f"Salle {member}",
        "venue_postal_code": "H2X 1Y4", "genres": "jazz" if member == "jazz-dieze" else "théâtre",
        "artists": f"Artiste {event}", "capacity": "200", "is_local": "true", "event_language": "fr",
        "patron_language": "fr", "consent_pooling": consent, "consent_marketing": consent,
        "consent_personalization": consent, **patron,
    }


def others(member: str, count: int) -> list[dict[str, str]]:
    """Ordinary patrons; the first fifteen are shared by both members (same person)."""
    people = []
    for i in range(count):
        shared = i < 15
        key = f"s{i}" if shared else f"{member[:4]}{i}"
        # Someone else at each member unless shared: a name, birth date and postcode of their own.
        j = i if shared else i + 40 * (1 + MEMBERS.index(member))
        people.append({"patron_id": f"{member[:4].upper()}-{i}", "email": f"{key}@exemple.ca",
                       "phone": "", "first_name": FIRST[j % len(FIRST)], "last_name": LAST[(j // len(FIRST)) % len(LAST)],
                       "birth_date": f"{1940 + j % 60}-{1 + (j // 5) % 12:02d}-{1 + j % 28:02d}",
                       "postal_code": f"H{2 + j % 3}{'JKLMNPRSTV'[(j // 3) % 10]} {j % 10}{'ABCEGHJKLM'[(j // 30) % 10]}{(j // 10) % 10}"})
    return people


def write_export(path: Path, member: str, *, planted: bool = True, planted_days: tuple[str, ...] = ("2026-06-10", "2026-09-12"),
                 count: int = 40, old_from: int = 30) -> Path:
    """A canonical export: ``count`` patrons with two tickets each (those from ``old_from`` on
    only in 2021, so retention expires them), and the planted person on ``planted_days``."""
    rows = []
    n = 0
    for i, person in enumerate(others(member, count)):
        days = ("2021-03-05", "2021-04-09") if i >= old_from else ("2026-05-02", "2026-08-20")
        for j, day in enumerate(days):
            n += 1
            rows.append(_row(member, n, person, 1 + (i + j) % 4, day))
    if planted:
        person = {**PLANTED, "patron_id": PLANTED_IDS[member]}
        for day in planted_days:
            n += 1
            rows.append(_row(member, n, person, 9, day))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


@dataclass
class Coop:
    root: Path
    keys: Path
    db: Path
    lake: Path

    def copy_to(self, target: Path) -> Coop:
        shutil.copytree(self.root, target)
        return layout(target)

    @property
    def files(self) -> Path:
        """The cooperative's side: everything it holds (warehouse, lake)."""
        return self.root / "coop"


def layout(root: Path) -> Coop:
    """Members' files (keys, exports, packages) under member/, the cooperative's under coop/."""
    return Coop(root, root / "member" / "keys", root / "coop" / "coop.duckdb", root / "coop" / "lake")


def build(root: Path, *, lake: bool = True) -> Coop:
    coop = layout(root)
    (root / "member").mkdir(parents=True, exist_ok=True)
    (root / "coop").mkdir(parents=True, exist_ok=True)
    # The steps that only set the scene run in this process (seconds instead of a minute of
    # subprocesses); the commands under test run through the real CLI.
    previous = os.environ.get(STORAGE_AUDIT_ENV)
    os.environ[STORAGE_AUDIT_ENV] = "1"
    try:
        init_keys(coop.keys)
        for member in MEMBERS:
            package = prepare_member(coop, member)
            ingest(package, coop.db)
        with Warehouse(coop.db) as warehouse:
            link_warehouse(warehouse)
            refresh(warehouse)
            # A trained recommendation model: its parameters are scanned too.
            train(warehouse)
            if lake:
                export_lake(warehouse, coop.lake)
    finally:
        if previous is None:
            del os.environ[STORAGE_AUDIT_ENV]
    return coop


def prepare_member(coop: Coop, member: str, suffix: str = "", **export: Any) -> Path:
    """Write the member's export and prepare its package (on the member's side)."""
    source = write_export(coop.root / "member" / f"{member}{suffix}.csv", member, **export)
    package = coop.root / "member" / f"{member}{suffix}.pkg"
    prepare(source, member=MemberInfo(member, member, "other", None), profile=load_profile("canonical"),
            keys_dir=coop.keys, out=package)
    return package


def needles(keys: Path) -> dict[str, bytes]:
    """Every form in which the planted person can sit in the cooperative's files."""
    secret = load_member_keys(keys).linkage_secret
    found: dict[str, bytes] = {}
    email = PLANTED["email"].strip().lower()
    found["email_token"] = str(keyed_tokens([email], "email", secret)[0]).encode()
    found["phone_token"] = str(keyed_tokens(["+15145550142"], "phone", secret)[0]).encode()
    for member, pid in PLANTED_IDS.items():
        found[f"record {member}"] = str(member_id_tokens([pid], member, secret)[0]).encode()
    for field, value in (("given_name", "zephirine"), ("surname", "quintal brouillard"),
                         ("birth_date", "19710314"), ("postcode", "h2x3y7")):
        found[f"bloom {field}"] = bytes(bloom_encode([value], field, secret)[0].as_py())
    return found


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def scan(root: Path, wanted: dict[str, bytes]) -> dict[str, list[str]]:
    """Which needles occur in which file under ``root``: raw bytes, and every decoded value of
    every Parquet file (compressed pages would hide them from a raw scan)."""
    import pyarrow.parquet as pq

    hits: dict[str, list[str]] = {}
    for path in files_of(root):
        data = path.read_bytes()
        if path.suffix == ".duckdb":
            data += model_bytes(path)
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            for column in table.columns:
                for value in column.to_pylist():
                    if isinstance(value, str):
                        data += value.encode()
                    elif isinstance(value, bytes):
                        data += value
        for name, needle in wanted.items():
            if needle in data:
                hits.setdefault(name, []).append(str(path.relative_to(root)))
    return hits


def model_bytes(db: Path) -> bytes:
    """Every array of every stored recommendation model, decompressed (a raw scan of the file
    would not see inside their compressed archives)."""
    import io

    import duckdb
    import numpy as np

    con = duckdb.connect(str(db), read_only=True)
    try:
        states = [bytes(r[0]) for r in con.execute("SELECT state FROM reco_model").fetchall()]
    finally:
        con.close()
    out = b""
    for state in states:
        arrays = np.load(io.BytesIO(state), allow_pickle=False)
        for name in arrays.files:
            out += arrays[name].tobytes()
    return out
