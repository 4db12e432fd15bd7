"""Every page of a Parquet file checked against its CRC-32, without decoding a value.

Packages are written with page checksums (``write_page_checksum=True``). Decoding every column
to check them (what Arrow's own verification does) costs as much as loading the package; this
walks the column chunks the footer lists, reads each page header (Thrift compact protocol, the
few field types a page header uses), and compares the CRC-32 of the page's bytes with the one
its header records — at the speed of reading the file. A truncated file fails on its footer, a
damaged page on its checksum, a damaged header or footer on its structure.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pyarrow.parquet as pq

# Thrift compact protocol field types.
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(13)
# PageHeader fields: 3 = compressed_page_size, 4 = crc.
_COMPRESSED_SIZE, _CRC = 3, 4


class DamagedPageError(ValueError):
    """A page whose bytes or header do not hold together."""


class _Reader:
    def __init__(self, data: bytes | memoryview, pos: int) -> None:
        self.data = data
        self.pos = pos

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise DamagedPageError("a page header runs past the end of its column chunk")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise DamagedPageError("a page header holds an impossible number")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def skip(self, kind: int, depth: int = 0) -> None:
        if depth > 16:
            raise DamagedPageError("a page header nests too deeply")
        if kind in (_TRUE, _FALSE):
            return
        if kind == _BYTE:
            self.pos += 1
        elif kind in (_I16, _I32, _I64):
            self.varint()
        elif kind == _DOUBLE:
            self.pos += 8
        elif kind == _BINARY:
            length = self.varint()  # read first: it moves the position
            self.pos += length
        elif kind in (_LIST, _SET):
            head = self.byte()
            size = head >> 4 if head >> 4 != 15 else self.varint()
            element = head & 0x0F
            for _ in range(size):
                if element in (_TRUE, _FALSE):
                    self.byte()  # a boolean element takes a byte of its own
                else:
                    self.skip(element, depth + 1)
        elif kind == _MAP:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4, depth + 1)
                    self.skip(types & 0x0F, depth + 1)
        elif kind == _STRUCT:
            self.fields(depth + 1)
        else:
            raise DamagedPageError("a page header holds an unknown field type")

    def fields(self, depth: int = 0, wanted: tuple[int, ...] = ()) -> dict[int, int]:
        """Read a struct's fields (to its STOP); the i32 values of ``wanted`` top-level fields."""
        found: dict[int, int] = {}
        last = 0
        while True:
            head = self.byte()
            kind = head & 0x0F
            if kind == _STOP:
                return found
            delta = head >> 4
            last = last + delta if delta else self.zigzag()
            if last in wanted and kind == _I32:
                found[last] = self.zigzag()
            else:
                self.skip(kind, depth)


def verify_pages(path: Path) -> int:
    """Check every page checksum of the Parquet file ``path``; return how many were checked.

    Raises ``DamagedPageError`` for a page that fails its checksum or a structure that does not hold
    together, and Arrow's own error for a file without a readable footer (truncated).
    """
    metadata = pq.ParquetFile(path).metadata
    data = path.read_bytes()
    view = memoryview(data)
    size = len(data)
    checked = 0
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
            if group.num_rows == 0 and not start:
                continue  # an empty table: Arrow writes no page for some column types (booleans)
            if start is None or start < 4 or start + chunk.total_compressed_size > size:
                raise DamagedPageError("a column chunk lies outside the file")
            end = start + chunk.total_compressed_size
            pos = start
            while pos < end:
                reader = _Reader(view[:end], pos)
                header = reader.fields(wanted=(_COMPRESSED_SIZE, _CRC))
                length = header.get(_COMPRESSED_SIZE)
                if length is None or length < 0 or reader.pos + length > end:
                    raise DamagedPageError("a page is longer than its column chunk")
                body = view[reader.pos:reader.pos + length]
                if _CRC in header:
                    if zlib.crc32(body) != header[_CRC] & 0xFFFFFFFF:
                        raise DamagedPageError(f"a page of column {chunk.path_in_schema} fails its checksum")
                    checked += 1
                pos = reader.pos + length
    return checked
