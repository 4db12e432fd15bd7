"""A fixed set of warehouse connections shared by the server's request threads.

Each ``Warehouse`` is one DuckDB connection; DuckDB shares one database instance between the
connections of a process, and gives each its own transactions, so requests run side by side.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from culturecoop.warehouse.engine import Warehouse


class WarehousePool:
    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self._all = [Warehouse(path) for _ in range(size)]
        self._free: queue.Queue[Warehouse] = queue.Queue()
        for warehouse in self._all:
            self._free.put(warehouse)

    @contextmanager
    def connection(self) -> Iterator[Warehouse]:
        warehouse = self._free.get()
        try:
            yield warehouse
        finally:
            self._free.put(warehouse)

    def close(self) -> None:
        for warehouse in self._all:
            warehouse.close()
