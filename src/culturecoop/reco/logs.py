"""Reading an interaction log and an item table (``reco evaluate``'s inputs) into arrays.

Files are read by DuckDB in memory (any size, UTF-8 or Latin-1, the separator sniffed; CSV or
JSON records, or an Excel sheet; plain, or compressed as data sets are published: gzip, bzip2, xz,
a zip of one file: ``table_files``); their columns found by name, alias or position
(``log_columns``), their times read in any unit (``log_times``), the item table's ids matched to
the log's (``id_matching``).
A row that cannot be read is never dropped silently: the first one is named with its line and the
whole file is refused.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from culturecoop.errors import UserError
from culturecoop.i18n import _, plural
from culturecoop.i18n import count as count_text
from culturecoop.reco.id_matching import (
    id_column,
    key_log_as_the_table,
    matched_ids,
    orient,
    unoriented,
)
from culturecoop.reco.id_writing import QUOTES_SQL, as_written_in, bare_id, normal_id
from culturecoop.reco.log_arrays import InteractionLog, ItemTable
from culturecoop.reco.log_columns import (
    ALIASES,
    REQUIRED,
    numbers_rows,
    read_table,
    resolve_columns,
    squeeze,
    time_header,
)
from culturecoop.reco.log_times import (
    CALENDAR_SQL,
    NO_TIME,
    TIME_FORMATS,
    TIME_SQL,
    UNIX_SQL,
    parse_time,
    time_formats,
)
from culturecoop.reco.table_files import decompressed, utf8_text


def read_interactions(path: Path, *, timed: bool = True) -> InteractionLog:
    """``user_id,item_id,timestamp`` (ISO 8601 or Unix seconds); other columns are ignored.

    ``timed=False`` (the item protocol, where no split depends on time): a log without a
    timestamp column is read too, every interaction at time 0 (the items' folds are then drawn at
    random rather than by age)."""
    names, rel, con, first_line, headless = read_table(path, _("Interactions"), REQUIRED)
    found = resolve_columns(names, REQUIRED)
    if "timestamp" not in found:
        header = time_header(names, set(found.values()))
        if header is not None:
            found["timestamp"] = header
    missing = [c for c in REQUIRED if c not in found and (timed or c != "timestamp")]
    if missing == ["timestamp"]:
        raise UserError(_("{path} has no time column (its columns: {columns}), so no --cutoff can split it in time; hold out items with --test-items FILE instead (one item_id per line: those items and all their interactions are the test), or add a timestamp column.").format(
            path=path, columns=", ".join(rel.columns)))
    if missing:
        raise UserError(_("{path} has no column {column}; an interaction log needs the columns user_id,item_id,timestamp.").format(
            path=path, column=missing[0]))
    original = dict(zip(names, rel.columns, strict=True))
    u, i = (f'"{original[found[c]]}"' for c in REQUIRED[:2])
    t = f'"{original[found["timestamp"]]}"' if "timestamp" in found else "'0'"
    aliases = {"itemid", *ALIASES["item_id"]}
    others = [n for n in names if n != found["item_id"] and squeeze(n) in aliases]
    con.execute(f"CREATE MACRO unix_seconds(x) AS {UNIX_SQL}")
    con.execute(f"CREATE MACRO in_calendar(x) AS {CALENDAR_SQL}")
    con.register("raw", rel)
    extra = "".join(f', coalesce(trim("{original[n]}"), \'\') AS "alt{k}"' for k, n in enumerate(others))
    formats = ", ".join(f"'{f}'" for f in (time_formats(con, t, path) if "timestamp" in found else TIME_FORMATS))
    # An item id keeps no quotes a CSV writer left inside it (Book-Crossing's ``"0446520802"``).
    con.execute(f"""CREATE TEMP TABLE log AS
        SELECT row_number() OVER () + {first_line - 1} AS line, nullif(trim({u}), '') AS u,
               nullif(trim(trim(trim({i}), '{QUOTES_SQL}')), '') AS i,
               {t} AS raw_t, {TIME_SQL.format(c=t, formats=formats)} AS t{extra}
        FROM raw""")
    table = con.sql("SELECT * EXCLUDE (line, raw_t) FROM log").to_arrow_table()
    bad = con.sql("SELECT line, raw_t, u IS NULL AS no_user, i IS NULL AS no_item FROM log WHERE u IS NULL OR i IS NULL OR t IS NULL ORDER BY line").fetchall()
    if bad:
        line, raw_t, no_user, no_item = bad[0]
        what = "user_id" if no_user else "item_id" if no_item else "timestamp"
        alike = len(bad) - 1
        more = (_(" ({n} more rows like it)").format(n=count_text(alike)) if alike > 1 else _(" (1 more row like it)") if alike else "")
        if what == "timestamp":
            raise UserError(_("{path} line {line}: the timestamp {value!r} is empty or not a time{more}; write ISO 8601 (2024-03-01T20:00) or Unix seconds, or remove the row.").format(
                path=path, line=line, value=raw_t or "", more=more))
        raise UserError(_("{path} line {line}: the {column} is empty{more}; fill it in or remove the row.").format(
            path=path, line=line, column=what, more=more))
    # A negative Unix time (-1, -62135596800) is how logs write an unknown time: read as a day before 1970 it
    # would train every model on a moment that never was.
    placeholders = con.sql("SELECT line, raw_t FROM log WHERE t < 0 AND try_cast(trim(CAST(raw_t AS VARCHAR)) AS DOUBLE) "
                           "IS NOT NULL ORDER BY line").fetchall()
    if placeholders:
        line, raw_t = placeholders[0]
        alike = len(placeholders) - 1
        more = (_(" ({n} more rows like it)").format(n=count_text(alike)) if alike > 1 else _(" (1 more row like it)") if alike else "")
        raise UserError(_("{path} line {line}: the timestamp {value!r} is a negative Unix time, a moment before 1970 that usually stands for an unknown time{more}; write the real time or remove the row.").format(
            path=path, line=line, value=str(raw_t).strip(), more=more))
    if table.num_rows == 0:
        raise UserError(_("{path} has no interaction; give a log with at least one row.").format(path=path))
    users, user = np.unique(np.asarray(table.column("u").to_pylist(), dtype=object).astype(str), return_inverse=True)
    items, item = np.unique(np.asarray(table.column("i").to_pylist(), dtype=object).astype(str), return_inverse=True)
    times = np.asarray(table.column("t").to_numpy(zero_copy_only=False), dtype=np.int64)
    alternates = {original[n]: np.asarray(table.column(f"alt{k}").to_pylist(), dtype=object).astype(str)
                  for k, n in enumerate(others)}
    con.close()
    return InteractionLog(users, items, user.astype(np.int64), item.astype(np.int64), times,
                          {c: original[found[c]] if c in found else None for c in REQUIRED}, alternates, headless)


def read_items(path: Path | None, log: InteractionLog) -> ItemTable:
    """The item table (``item_id`` plus any columns); items of the log missing from it get no
    features (``notes`` says how many), and items only in the table are kept here (they can be
    test items: ``keep_items`` leaves out the others once the split is known).

    An id of the log without a row of its own finds the row that writes it otherwise (``normal_id``:
    ``0012`` for ``12``, ``12.0``, quotes or spaces around it, ``034545104x`` for ``34545104X``),
    id by id, unless two rows or two ids of the log would then be one. A column that only numbers
    the rows (pandas' unnamed index) is no feature (``ignored``).

    A row repeated exactly (the same id and values: metadata files published with repeated
    lines) is read once, and ``notes`` says how many were dropped; two different rows of one id
    are refused. A log read without a header row is first oriented by the table's ids (``orient``)."""
    if path is None:
        return ItemTable(log.item_ids, {}, None, unoriented(log))
    known = {normal_id(v) for v in log.item_ids.tolist()}
    if log.by_position:
        # The log's first column may be its items (``orient``): its ids tell a headerless table too.
        known |= {normal_id(v) for v in log.users.tolist()}
    names, rel, con, first_line, _headless = read_table(path, _("Items"), ("item_id",), known)
    original = dict(zip(names, rel.columns, strict=True))
    read_rows = rel.fetchall()
    con.close()
    if not read_rows:
        raise UserError(_("{path} has a header but no item; give one row per item (its item_id and features), or leave --items out.").format(
            path=path))
    rows: list[tuple[Any, ...]] = []
    lines: list[int] = []  # each kept row's line in the file
    distinct: set[tuple[Any, ...]] = set()
    for n, row in enumerate(read_rows):
        if row not in distinct:
            distinct.add(row)
            rows.append(row)
            lines.append(n + first_line)
    repeated = len(read_rows) - len(rows)
    notes: list[str] = []
    if repeated:
        notes.append(plural(repeated, "{n} row of the item table repeats an earlier one exactly (the same id and values): it was dropped.",
                            "{n} rows of the item table repeat earlier ones exactly (the same id and values): they were dropped.").format(
            n=count_text(repeated)))
    notes.extend(orient(log, names, rows))
    key_log_as_the_table(log, names, rows)
    position = {c: names.index(c) for c in names}
    key = id_column(names, rows, log)
    if key is None:
        raise UserError(_("{path} has no item_id column; an item table needs item_id and any feature columns.").format(path=path))
    ids = [bare_id(str(r[position[key]] or "")) for r in rows]
    if any(not v for v in ids):
        line = lines[ids.index("")]
        raise UserError(_("{path} line {line} has no item_id; fix or remove that row.").format(path=path, line=line))
    ids, rewritten = matched_ids(ids, log, path)
    seen: set[str] = set()
    for n, v in enumerate(ids):
        if v in seen:
            raise UserError(_("{path} line {line} repeats item {item}; give each item once.").format(path=path, line=lines[n], item=v))
        seen.add(v)
    logged = set(log.item_ids.tolist())
    without_row = len(logged - seen)
    if without_row:
        notes.append(plural(without_row, "{n} of the log's {total} items has no row in the item table: it has no feature.",
                            "{n} of the log's {total} items have no row in the item table: they have no feature.").format(
            n=count_text(without_row), total=count_text(len(logged))))
    ignored: dict[str, str] = {}
    for name in names:
        if name != key and numbers_rows(name, [r[position[name]] for r in rows]):
            ignored[original[name]] = "row number"
            notes.append(_("The item table's column {column} only numbers its rows (0, 1, 2… as pandas writes its index): it describes no item, so it is no feature.").format(
                column=original[name]))
    all_ids = np.array(sorted(seen | logged), dtype=object).astype(str)
    index = {v: n for n, v in enumerate(all_ids.tolist())}
    # The log's item indices follow the merged, sorted id list.
    log.item = np.array([index[v] for v in log.item_ids.tolist()], dtype=np.int64)[log.item]
    log.item_ids = all_ids
    at = np.array([index[v] for v in ids], dtype=np.int64)
    columns: dict[str, list[str | None]] = {}
    first: np.ndarray | None = None
    for name in names:
        if name == key or original[name] in ignored:
            continue
        values: list[str | None] = [None] * len(all_ids)
        for row, slot in zip(rows, at.tolist(), strict=True):
            values[slot] = row[position[name]]
        if name == "first_available":
            first = np.full(len(all_ids), NO_TIME, dtype=np.int64)
            for slot, value in enumerate(values):
                if value is None or not str(value).strip():
                    continue
                parsed = parse_time(str(value))
                if parsed is None:
                    raise UserError(_("{path}: first_available {value!r} of item {item} is not a date; write ISO 8601 or Unix seconds.").format(
                        path=path, value=value, item=all_ids[slot]))
                first[slot] = parsed
            continue
        columns[original[name]] = values
    return ItemTable(all_ids, columns, first, notes, ignored,
                     {"rows": len(rows), "ids_written_otherwise": rewritten, "log_items_without_row": without_row,
                      "identical_rows_dropped": repeated})


def keep_items(log: InteractionLog, items: ItemTable, keep: np.ndarray) -> tuple[ItemTable, np.ndarray]:
    """The item table without the items ``keep`` (a mask over ``items.ids``, true for every item
    of the log) leaves out, the log's item indices renumbered to it (in place), and each old index's
    new one (-1: left out). A row of the table that no interaction names is no training item: it
    teaches nothing, and a catalogue twice the log's size cost a run twice the memory and hours.
    ``notes`` says how many were left out."""
    renumbered = np.full(len(items.ids), -1, dtype=np.int64)
    renumbered[keep] = np.arange(int(keep.sum()))
    left_out = len(items.ids) - int(keep.sum())
    if not left_out:
        return items, renumbered
    log.item = renumbered[log.item]
    log.item_ids = items.ids[keep]
    kept = np.flatnonzero(keep).tolist()
    note = plural(left_out, "{n} of the item table's {total} items has no interaction in the log and is not in the test catalogue: it was left out.",
                  "{n} of the item table's {total} items have no interaction in the log and are not in the test catalogue: they were left out.").format(
        n=count_text(left_out), total=count_text(items.summary.get("rows", len(items.ids))))
    table = ItemTable(items.ids[keep], {name: [values[i] for i in kept] for name, values in items.columns.items()},
                      items.first_available[keep] if items.first_available is not None else None,
                      [*items.notes, note], items.ignored, {**items.summary, "left_out_without_interaction": left_out})
    return table, renumbered


def read_item_list(path: Path, items: ItemTable) -> np.ndarray:
    """Indices of the items listed in a one-column file (``item_id`` header optional)."""
    if path.is_dir():
        raise UserError(_("Test items file {path} is a folder; give the path of the file inside it.").format(path=path))
    if not path.is_file():
        raise UserError(_("Test items file {path} does not exist; check the path.").format(path=path))
    # Decoded as the log is (Excel's UTF-16 "Unicode text", Windows-1252, binary data refused), and
    # read as CSV: an id in quotes may hold a comma.
    with utf8_text(decompressed(path)).open(encoding="utf-8-sig", newline="") as handle:
        lines = [bare_id(row[0]) if row else "" for row in csv.reader(handle)]
    index = {v: n for n, v in enumerate(items.ids.tolist())}
    # A header line (``item_id``, ``movieId``...) is skipped, unless an item is called that.
    headers = {"itemid", *ALIASES["item_id"]}
    wanted = [v for v in lines if v and not (squeeze(v) in headers and v not in index)]
    unknown = [v for v in wanted if v not in index]
    if unknown:
        # The same ids written otherwise (``12.0`` or ``0012`` for ``12``) are the same items.
        wanted = as_written_in(wanted, list(index))
        unknown = [v for v in wanted if v not in index]
    if unknown:
        raise UserError(plural(len(unknown), "{path} lists {n} item that appears in neither the log nor the item table (first: {item}); check the ids.", "{path} lists {n} items that appear in neither the log nor the item table (first: {item}); check the ids.").format(
            path=path, n=count_text(len(unknown)), item=unknown[0]))
    if not wanted:
        raise UserError(_("{path} lists no item; give one item_id per line.").format(path=path))
    return np.array(sorted({index[v] for v in wanted}), dtype=np.int64)
