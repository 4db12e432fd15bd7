"""The draft's preview: the sampled rows read through a mapping's columns, as ``prepare`` reads them.

``raw_preview`` gives each canonical field's text as written in the export (before parsing), with
fallbacks, joins, constants and the file name applied; the member checks the draft against it,
and the draft reads the values of a joined or fallback column through it.
"""

from __future__ import annotations

import re
from typing import Any

from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.columns import PERSON_ATTRIBUTES
from culturecoop.ingest.group_sizes import group_size
from culturecoop.ingest.shapes import seats_sum
from culturecoop.ingest.sniff import Sample


def cell_filled(row: list[str | None], index: int) -> bool:
    """True when the cell ``index`` of ``row`` holds something."""
    return index < len(row) and bool((row[index] or "").strip())


def raw_preview(sample: Sample, columns: dict[str, Any], limit: int) -> list[dict[str, str | None]]:
    """The first ``limit`` sampled rows as canonical fields, text as written (before parsing):
    fallbacks, joins, constants and the file name applied as ``prepare`` applies them."""
    index = {name: i for i, name in reversed(list(enumerate(sample.header)))}
    loose = {vocab.fold(name): i for i, name in reversed(list(enumerate(sample.header)))}

    def cell(row: list[str | None], name: str) -> str | None:
        i = index.get(name, loose.get(vocab.fold(name)))
        value = row[i] if i is not None and i < len(row) else None
        return value.strip() if value and value.strip() else None

    def read(row: list[str | None], spec: Any) -> str | None:
        if isinstance(spec, str):
            return cell(row, spec)
        if isinstance(spec, list):
            return next((v for name in spec if (v := cell(row, name)) is not None), None)
        if "in_text" in spec:  # the column read first, else the names the date is read in
            main = spec.get("column", spec.get("first", {k: v for k, v in spec.items() if k != "in_text"}))
            texts = spec["in_text"] if isinstance(spec["in_text"], list) else [spec["in_text"]]
            inside = " | ".join(v for name in texts if (v := cell(row, name)) is not None)
            return (read(row, main) if main else None) or inside or None
        if "value" in spec:
            return str(spec["value"])
        if "file_name" in spec:
            stem = sample.path.stem
            if spec["file_name"] is True:
                return stem
            match = re.search(str(spec["file_name"]), stem)
            return (match.group(1) if match.groups() else match.group(0)) if match else None
        if "group_size" in spec:  # a group's size written in what was sold, else one seat
            return str(group_size(cell(row, spec["group_size"]) or "") or 1)
        if "sum" in spec:  # one column per ticket type: their seats added, as prepare adds them
            return seats_sum([cell(row, name) for name in spec["sum"]])
        parts = [v for name in spec.get("join", []) if (v := cell(row, name)) is not None]
        return str(spec.get("separator", " ")).join(parts) or None

    def person_of(row: list[str | None]) -> int | None:
        """Which of the e-mail's columns gave it (a person's other attributes follow it, as in
        ``columns._same_person``)."""
        email = columns.get("email")
        if not isinstance(email, list) or len(email) < 2:
            return None
        return next((n for n, name in enumerate(email) if cell(row, name) is not None), None)

    def field(row: list[str | None], name: str, spec: Any, person: int | None) -> str | None:
        email = columns.get("email")
        if (person is not None and name in PERSON_ATTRIBUTES and isinstance(spec, list) and isinstance(email, list)
                and len(spec) == len(email)):
            return cell(row, spec[person])
        return read(row, spec)

    return [{f: field(row, f, spec, person_of(row)) for f, spec in columns.items()} for row in sample.rows[:limit]]
