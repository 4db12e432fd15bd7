"""A Parquet lake: the canonical tables of a warehouse as Parquet folders, for Spark.

``export_lake`` writes one folder per table (``DIR/<table>/part-0.parquet``) and a manifest
(``DIR/_lake.json``) naming the tables, their row counts and the schema version. The lake is
written beside the target and renamed into place (``files.replace_folder``), so a reader never
sees half a lake, and an interrupted export leaves the previous lake as it was.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from culturecoop.errors import UserError
from culturecoop.files import (
    check_writable,
    discard,
    naming,
    partial_path,
    replace_folder,
    sweep_partials,
)
from culturecoop.i18n import _
from culturecoop.schema.model import CONTRIBUTED_TABLES, IDENTITY, MEMBER, SCHEMA_VERSION
from culturecoop.warehouse.engine import Warehouse, overwrite_and_remove
from culturecoop.warehouse.sql_engine import LAKE_MANIFEST, finish_pending

LAKE_TABLES = (MEMBER, *CONTRIBUTED_TABLES, IDENTITY)
_BATCH_ROWS = 1_000_000


@dataclass
class LakeExport:
    lake: Path
    tables: dict[str, int]
    seconds: float


def export_lake(warehouse: Warehouse, lake: Path, *, shred_old: bool = False) -> LakeExport:
    """Write the warehouse's canonical tables to ``lake`` as Parquet (replacing a previous lake).

    ``shred_old`` overwrites the previous lake's files with zeros before removing them (erasure
    and retention: Parquet files are immutable, so removed rows live on until rewritten).
    """
    started = time.perf_counter()
    lake = Path(lake)
    if lake.exists() and not (lake / LAKE_MANIFEST).is_file() and (lake.is_file() or any(lake.iterdir())):
        raise UserError(
            _("{lake} exists and is not a culturecoop lake; choose an empty or new folder.").format(lake=lake)
        )
    check_writable(lake)
    lake.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(lake)
    staging = partial_path(lake)
    staging.mkdir()
    counts: dict[str, int] = {}
    try:
        for table in LAKE_TABLES:
            folder = staging / table.name
            folder.mkdir()
            keys = ", ".join(table.primary_key)
            finish_pending(warehouse)
            reader = warehouse.con.sql(f"SELECT * FROM {table.name} ORDER BY {keys}").to_arrow_reader(_BATCH_ROWS)
            rows = 0
            with pq.ParquetWriter(folder / "part-0.parquet", reader.schema, compression="zstd") as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    rows += batch.num_rows
            counts[table.name] = rows
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "exported_at": datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
            "source": str(warehouse.path),
            "tables": counts,
        }
        (staging / LAKE_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        # The previous lake stays whole until the new one is complete on the disk.
        if shred_old and lake.is_dir():
            # Parquet files are immutable: what erasure removed lives in them until overwritten.
            for old in sorted(p for p in lake.rglob("*") if p.is_file()):
                overwrite_and_remove(old)
        replace_folder(staging, lake)
    except OSError as exc:
        discard(staging)
        named = naming(exc, lake)  # Arrow's write errors name no file
        if named is exc:
            raise
        raise named from exc
    except BaseException:
        discard(staging)
        raise
    return LakeExport(lake, counts, time.perf_counter() - started)
