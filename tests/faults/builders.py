"""Bad inputs, generated: exports in the wrong encoding or format, oversized, truncated, tampered."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faults.conftest import EXPORTS, Shared

Setup = Callable[[Path, Shared], Any]
CANONICAL = (EXPORTS / "canonical.csv").read_text(encoding="utf-8")
HEADER, GOOD_ROW = CANONICAL.splitlines()[0], CANONICAL.splitlines()[1]


def canonical_rows(n: int, *, start: int = 1) -> str:
    """A valid canonical export of ``n`` distinct tickets (the fixture's first row, renumbered)."""
    body = GOOD_ROW.split(",", 2)[2]
    return HEADER + "\n" + "".join(f"T{i},O{i},{body}\n" for i in range(start, start + n))


def write(name: str, content: bytes | str | Callable[[Shared], bytes | str], encoding: str = "utf-8") -> Setup:
    """A setup writing one file ``name`` in the case folder."""

    def setup(folder: Path, shared: Shared) -> None:
        data = content(shared) if callable(content) else content
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode(encoding) if isinstance(data, str) else data)

    return setup


def steps(*setups: Setup) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        for one in setups:
            one(folder, shared)

    return setup


def chmod(name: str, mode: int) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        os.chmod(folder / name if name else folder, mode)

    return setup


def mkdir(name: str) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        (folder / name).mkdir(parents=True, exist_ok=True)

    return setup


def symlink(name: str, target: str) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        (folder / name).symlink_to(target)

    return setup


def fifo(name: str) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        os.mkfifo(folder / name)

    return setup


def copy_shared(what: str, name: str) -> Setup:
    """Copy a shared input (``keys``, ``package``, ``coop``, ``export``) into the case folder."""

    def setup(folder: Path, shared: Shared) -> None:
        source = getattr(shared, what)
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)

    return setup


# ---- file kinds ------------------------------------------------------------------------------

def gzip_of(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in CANONICAL.splitlines()[:4]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_header_only() -> bytes:
    """A workbook with the museum profile's header row and nothing else."""
    from openpyxl import Workbook

    from culturecoop.ingest.profile import load_profile

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(load_profile("museum-xlsx").source_columns())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sqlite_db(name: str) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        con = sqlite3.connect(folder / name)
        con.execute("CREATE TABLE t (id INTEGER)")
        con.commit()
        con.close()

    return setup


KINDS: dict[str, tuple[bytes | Callable[[Shared], bytes], str]] = {
    # kind: (content, a word of the advice)
    "gzip": (gzip_of(CANONICAL), "gzip"),
    "zip": (zip_of({"export.csv": CANONICAL.encode()}), "zip"),
    "xlsx": (xlsx_bytes(), "xlsx"),
    "xlsb": (zip_of({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\x00\x01"}), ".xlsb"),
    "ods": (zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), ".ods"),
    "docx": (zip_of({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "word"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), ".xls"),
    "parquet": (lambda s: (s.package / "ticket.parquet").read_bytes(), "parquet"),
    "duckdb": (lambda s: s.coop.read_bytes(), "duckdb"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "pdf"),
    "html": (b"<!DOCTYPE html>\n<html><body><table><tr><td>ticket_id</td></tr></table></body></html>\n", "html"),
    "xml-2003": (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
                 b"<Worksheet/></Workbook>\n", "xml"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(200), "image"),
    "jpeg": (b"\xff\xd8\xff\xe0" + bytes(200), "image"),
    "gif": (b"GIF89a" + bytes(200), "image"),
    "bzip2": (bz2.compress(CANONICAL.encode()), "compressed"),
    "xz": (lzma.compress(CANONICAL.encode()), "compressed"),
    "zstd": (b"\x28\xb5\x2f\xfd" + bytes(100), "compressed"),
    "7z": (b"7z\xbc\xaf\x27\x1c" + bytes(100), "compressed"),
    "rar": (b"Rar!\x1a\x07\x00" + bytes(100), "compressed"),
    "binary": (bytes(range(256)) * 40, "binary"),
    "broken-zip": (zip_of({"export.csv": CANONICAL.encode() * 50})[:900], "damaged"),
}


# ---- packages --------------------------------------------------------------------------------

def rehash(package: Path, table: str) -> None:
    """Re-hash one table file in the manifest, as a tamperer covering their tracks would."""
    manifest = json.loads((package / "manifest.json").read_text())
    manifest["tables"][table]["sha256"] = hashlib.sha256((package / f"{table}.parquet").read_bytes()).hexdigest()
    (package / "manifest.json").write_text(json.dumps(manifest))


def package_with(change: Callable[[Path], None]) -> Setup:
    """A copy of the shared package (``{case}/pkg``) changed by ``change``."""

    def setup(folder: Path, shared: Shared) -> None:
        shutil.copytree(shared.package, folder / "pkg")
        change(folder / "pkg")

    return setup


def edit_manifest(edit: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def change(package: Path) -> None:
        manifest = json.loads((package / "manifest.json").read_text())
        replaced = edit(manifest)
        (package / "manifest.json").write_text(json.dumps(manifest if replaced is None else replaced))

    return change


def rewrite_table(table: str, transform: Callable[[Any], Any], *, rehashed: bool = True) -> Callable[[Path], None]:
    """Replace a table file by ``transform(arrow_table)`` written as Parquet (re-hashed)."""

    def change(package: Path) -> None:
        import pyarrow.parquet as pq

        path = package / f"{table}.parquet"
        pq.write_table(transform(pq.read_table(path)), path)
        if rehashed:
            rehash(package, table)

    return change


def cut_table(table: str, keep: float, *, rehashed: bool = True) -> Callable[[Path], None]:
    def change(package: Path) -> None:
        path = package / f"{table}.parquet"
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
        if rehashed:
            rehash(package, table)

    return change


def flip_bytes(table: str, where: float) -> Callable[[Path], None]:
    """Overwrite a few bytes in the middle of a table file (a bad disk sector), then re-hash."""

    def change(package: Path) -> None:
        path = package / f"{table}.parquet"
        data = bytearray(path.read_bytes())
        at = int(len(data) * where)
        data[at:at + 16] = b"\xff" * 16
        path.write_bytes(bytes(data))
        rehash(package, table)

    return change


# ---- warehouses ------------------------------------------------------------------------------

def warehouse_cut(keep: float | int) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        data = shared.coop.read_bytes()
        size = int(len(data) * keep) if isinstance(keep, float) else keep
        (folder / "coop.duckdb").write_bytes(data[:size])

    return setup


def warehouse_scrambled(where: float) -> Setup:
    """The shared warehouse with 4 KB of garbage at ``where`` (a damaged disk block)."""

    def setup(folder: Path, shared: Shared) -> None:
        data = bytearray(shared.coop.read_bytes())
        at = int(len(data) * where)
        data[at:at + 4096] = os.urandom(4096)
        (folder / "coop.duckdb").write_bytes(bytes(data))

    return setup


def empty_duckdb(folder: Path, shared: Shared) -> None:
    import duckdb

    duckdb.connect(str(folder / "coop.duckdb")).close()


def warehouse_version(version: str) -> Setup:
    def setup(folder: Path, shared: Shared) -> None:
        import duckdb

        shutil.copy(shared.coop, folder / "coop.duckdb")
        con = duckdb.connect(str(folder / "coop.duckdb"))
        con.execute("UPDATE schema_info SET value = ? WHERE key = 'schema_version'", [version])
        con.close()

    return setup
