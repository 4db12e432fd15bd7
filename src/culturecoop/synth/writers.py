"""Write one member's rows exactly as its mapping profile (``ingest/profiles/*.yaml``) reads them.

The profile is the contract: source column names (dotted paths become nested JSON objects),
encoding, delimiter, decimal comma, the first of its date and datetime formats, list
separator, first true/false values and the vendor labels of statuses and channels. CSV and
JSON lines are built column-wise with Arrow compute (no Python loop over rows); the XLSX
workbook goes through openpyxl in write-only mode with real datetime and number cells.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from culturecoop.synth import catalog as cat
from culturecoop.synth.badrows import SaltedRows

S = pa.large_string()
QUOTE_WORDS = ("complet", "reprise", "VIP", "encore")


@dataclass(frozen=True)
class Profile:
    """What a writer needs from a mapping profile."""

    name: str
    format: str
    encoding: str
    delimiter: str
    decimal: str
    datetime_format: str
    date_format: str
    list_separator: str
    true_value: str
    false_value: str
    status_labels: tuple[str, ...]  # vendor label of each catalog.STATUSES
    channel_labels: tuple[str | None, ...]  # vendor label of each catalog.CHANNELS
    columns: dict[str, str | None]  # canonical field -> source column (None: not exported)

    @property
    def source_columns(self) -> list[str]:
        return [c for c in self.columns.values() if c]


def load_profile(name: str) -> Profile:
    """The built-in mapping profile ``name`` as shipped in ``culturecoop/ingest/profiles``."""
    path = resources.files("culturecoop").joinpath("ingest", "profiles", f"{name}.yaml")
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def labels(key: str, canonical: tuple[str, ...]) -> tuple[str | None, ...]:
        mapping: dict[str, str] = raw.get(key) or {}
        inverse: dict[str, str] = {}
        for vendor, canon in mapping.items():
            inverse.setdefault(canon, vendor)
        return tuple(inverse.get(c) if mapping else c for c in canonical)

    statuses = labels("status_values", cat.STATUSES)
    return Profile(
        name=raw["name"], format=raw["format"], encoding=raw.get("encoding", "utf-8"),
        delimiter=raw.get("delimiter", ","), decimal=raw.get("decimal", "."),
        datetime_format=raw["datetime_formats"][0], date_format=raw["date_formats"][0],
        list_separator=raw.get("list_separator", ","), true_value=str(raw["true_values"][0]),
        false_value=str(raw["false_values"][0]),
        status_labels=tuple(s or c for s, c in zip(statuses, cat.STATUSES, strict=True)),
        channel_labels=labels("channel_values", cat.CHANNELS), columns=dict(raw["columns"]),
    )


# ---- values shared by every format --------------------------------------------------------------

def _dst_offsets(values: np.ndarray) -> np.ndarray:
    """UTC offset of America/Toronto wall-clock times (second Sunday of March to first of Nov.)."""
    years = values.astype("datetime64[Y]").astype(int) + 1970
    start = np.empty(len(values), dtype="datetime64[s]")
    end = np.empty(len(values), dtype="datetime64[s]")
    for year in np.unique(years).tolist():
        march = dt.date(year, 3, 8)
        march += dt.timedelta(days=(6 - march.weekday()) % 7)
        nov = dt.date(year, 11, 1)
        nov += dt.timedelta(days=(6 - nov.weekday()) % 7)
        sel = years == year
        start[sel] = np.datetime64(f"{march.isoformat()}T02:00:00")
        end[sel] = np.datetime64(f"{nov.isoformat()}T02:00:00")
    return np.where((values >= start) & (values < end), "-0400", "-0500")


def format_datetimes(values: np.ndarray, fmt: str) -> pa.Array:
    """Local wall-clock times (datetime64) as text in ``fmt`` (``%z``: Montréal's offset)."""
    stamps = pa.array(values.astype("datetime64[s]"))
    if "%z" not in fmt:
        return pc.cast(pc.strftime(stamps, format=fmt), S)
    text = pc.cast(pc.strftime(stamps, format=fmt.replace("%z", "")), S)
    return pc.binary_join_element_wise(text, pa.array(_dst_offsets(values), S), pa.scalar("", S))


def format_ids(numbers: np.ndarray, style: str, missing: np.ndarray | None = None) -> pa.Array:
    """Numbers in an id style such as ``T{:07d}`` or ``{:d}``, vectorized; None where missing."""
    prefix, rest = style.split("{", 1)
    width = int(rest[2:-2]) if rest.startswith(":0") else 0
    text = pc.cast(pc.cast(pa.array(numbers), pa.string()), S)
    if width:
        text = pc.utf8_lpad(text, width=width, padding="0")
    if prefix:
        text = pc.binary_join_element_wise(pa.scalar(prefix, S), text, pa.scalar("", S))
    return _null_where(text, missing)


def _null_where(values: pa.Array, mask: np.ndarray | None) -> pa.Array:
    if mask is None or not mask.any():
        return values
    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)


def _strings(values: np.ndarray | list[Any], index: np.ndarray) -> pa.Array:
    return pa.array(values, S).take(pa.array(index))


def _join(*parts: pa.Array | str) -> pa.Array:
    args = [pa.scalar(p, S) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", S))


def _decimal_parts(cents: np.ndarray) -> tuple[pa.Array, pa.Array, pa.Array]:
    units = pc.cast(pc.cast(pa.array(np.abs(cents) // 100), pa.string()), S)
    frac = pc.utf8_lpad(pc.cast(pc.cast(pa.array(np.abs(cents) % 100), pa.string()), S), 2, "0")
    return pa.array(np.where(cents < 0, "-", ""), S), units, frac


def _decimal_text(cents: np.ndarray) -> pa.Array:
    sign, units, frac = _decimal_parts(cents)
    return _join(sign, units, ".", frac)


def format_prices(cents: np.ndarray, profile: Profile) -> pa.Array:
    """Amounts as the vendor writes them: ``45.00``, ``45,00 $`` or ``CAD 45.00``."""
    sign, units, frac = _decimal_parts(cents)
    if profile.decimal == ",":
        return _join(sign, units, ",", frac, " $")
    if profile.columns.get("currency") is None:
        return _join("CAD ", sign, units, ".", frac)
    return _join(sign, units, ".", frac)


def _unparseable(values: np.ndarray, fmt: str, french: bool, variant: np.ndarray) -> list[str]:
    """Times no format reads: the vendor's layout on 31 February, or a placeholder word."""
    out = []
    for value, v in zip(values.tolist(), variant.tolist(), strict=True):
        if v == 1:
            out.append("à confirmer" if french else "TBA")
        else:
            text = value.strftime(fmt.replace("%d", "31").replace("%m", "02").replace("%z", ""))
            out.append(text + ("-0500" if "%z" in fmt else ""))
    return out


@dataclass
class Cells:
    """Per canonical field, the text of every output row (None = empty) before quoting."""

    text: dict[str, pa.Array]
    rows: SaltedRows
    profile: Profile


def text_cells(rows: SaltedRows, profile: Profile) -> Cells:
    """Every exported field of ``rows`` as vendor text (CSV cells; JSON builds on them)."""
    data, src = rows.data, rows.source
    t, ev_t, rec_t, spec = data.tickets, data.events, data.records, data.spec
    ev, rec = t.event[src], t.record[src]
    sep = profile.list_separator
    yes, no = profile.true_value, profile.false_value

    def flag(values: np.ndarray) -> pa.Array:
        return pa.array(np.where(values, yes, no), S)

    text: dict[str, pa.Array] = {
        "ticket_id": format_ids(rows.ticket_no, spec.ids[3], rows.ticket_missing),
        "order_id": format_ids(t.order_no[src], spec.ids[2]),
        "purchased_at": format_datetimes(t.purchased_at[src], profile.datetime_format),
        "status": _strings(list(profile.status_labels), t.status[src]),
        "quantity": pc.cast(pc.cast(pa.array(t.quantity[src]), pa.string()), S),
        "unit_price": format_prices(rows.price_cents, profile),
        "currency": pa.array(np.full(rows.n, "CAD"), S),
        "channel": _strings(list(profile.channel_labels), t.channel[src]),
        "event_id": _null_where(_strings(ev_t.event_id, ev), rows.event_missing),
        "event_title": _strings(ev_t.title, ev),
        "event_starts_at": format_datetimes(ev_t.starts_at[ev], profile.datetime_format),
        "venue": _strings(ev_t.venue, ev),
        "venue_postal_code": _strings(ev_t.venue_postal, ev),
        "genres": _strings([sep.join(x) for x in ev_t.labels], ev),
        "artists": _strings([sep.join(x) for x in ev_t.artists], ev),
        "capacity": pc.cast(pc.cast(pa.array(ev_t.capacity[ev]), pa.string()), S),
        "is_local": flag(ev_t.is_local[ev]),
        "event_language": _strings(ev_t.language, ev),
        "patron_id": _null_where(_strings(rec_t.patron_id, rec), rows.patron_missing),
        "email": _strings(rec_t.email, rec),
        "phone": _strings(rec_t.phone, rec),
        "first_name": _strings(rec_t.first_name, rec),
        "last_name": _strings(rec_t.last_name, rec),
        "birth_date": pc.cast(pc.strftime(pa.array(rows.birth), format=profile.date_format), S),
        "postal_code": _strings(rec_t.postal, rec),
        "patron_language": _strings(rec_t.language, rec),
        "consent_pooling": flag(rec_t.consent[rec, 0]),
        "consent_marketing": flag(rec_t.consent[rec, 1]),
        "consent_personalization": flag(rec_t.consent[rec, 2]),
    }
    bad = rows.rows_with("unparseable_date")
    if len(bad):
        french = profile.true_value.lower() == "oui"
        for variant, field, times in ((0, "purchased_at", t.purchased_at[src]),
                                      (1, "event_starts_at", ev_t.starts_at[ev])):
            sel = bad[rows.variant[bad] == variant]
            if len(sel):
                stamps = times[sel].astype("datetime64[s]").astype(object)
                replacement = _unparseable(stamps, profile.datetime_format, french, rows.variant[sel])
                text[field] = _replace_rows(text[field], sel, replacement)
    return Cells(text=text, rows=rows, profile=profile)


def _replace_rows(values: pa.Array, rows: np.ndarray, replacement: list[str]) -> pa.Array:
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    order = np.argsort(rows)
    return pc.replace_with_mask(values, pa.array(mask), pa.array([replacement[i] for i in order], S))


def _concat(lines: pa.Array) -> str:
    """The strings of ``lines`` back to back (one buffer copy, no per-row Python)."""
    joined = pc.binary_join_element_wise(lines, pa.scalar("", S), pa.scalar("", S))
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64, count=len(joined) + 1)
    data = joined.buffers()[2]
    return "" if data is None else data.to_pybytes()[offsets[0]:offsets[-1]].decode("utf-8")


def _write_text(path: Path, text: str, encoding: str) -> None:
    path.write_bytes(text.encode(encoding))  # strict: a character the codec lacks is a bug here


# ---- CSV / TSV -----------------------------------------------------------------------------------

def _quote_csv(values: pa.Array, delimiter: str) -> pa.Array:
    """RFC 4180 minimal quoting: only values holding the delimiter, a quote or a line break."""
    needs = pc.match_substring_regex(values, pattern="[" + re.escape(delimiter) + '"\r\n]')
    if not pc.any(needs).as_py():
        return values
    quoted = _join('"', pc.replace_substring(values, '"', '""'), '"')
    return pc.if_else(needs, quoted, values)


def _broken_line(cells: Cells, row: int, delimiter: str) -> str:
    """The row's line with its title written as ``"Hamlet "VIP"``: a value wrapped in quotes by
    a writer that did not double the quote inside it. The line holds an odd number of quotes
    (a line-based reader sees the unterminated quote), a strict CSV reader rejects it, and a
    lenient one reads ``Hamlet VIP"``; the quote never carries over to the next line, since
    the field's last character is a quote that closes nothing."""
    out = []
    for field, source in cells.profile.columns.items():
        if not source:
            continue
        value = cells.text[field][row].as_py()
        if field == "event_title":
            word = QUOTE_WORDS[row % len(QUOTE_WORDS)]
            out.append(f'"{value} "{word}"')
        elif value is None:
            out.append("")
        elif any(c in value for c in (delimiter, '"', "\r", "\n")):
            out.append('"' + value.replace('"', '""') + '"')
        else:
            out.append(value)
    return delimiter.join(out)


def write_delimited(path: Path, cells: Cells) -> None:
    """A delimited text file: header of source columns, one line per row, vendor encoding."""
    profile = cells.profile
    delim = profile.delimiter
    columns = [(f, s) for f, s in profile.columns.items() if s]
    parts = [_quote_csv(cells.text[f], delim) for f, _ in columns]
    lines = pc.binary_join_element_wise(*parts, pa.scalar(delim, S), null_handling="replace",
                                        null_replacement="")
    broken = cells.rows.rows_with("broken_quoting")
    if len(broken):
        lines = _replace_rows(lines, broken, [_broken_line(cells, int(r), delim) for r in broken])
    eol = "\r\n" if profile.encoding.lower() in ("cp1252", "windows-1252") else "\n"
    header = delim.join(s if s and delim not in s else f'"{s}"' for _, s in columns)
    body = _concat(pc.binary_join_element_wise(lines, pa.scalar(eol, S), pa.scalar("", S)))
    _write_text(path, header + eol + body, profile.encoding)


# ---- JSON lines ----------------------------------------------------------------------------------

def _json_string(values: pa.Array) -> pa.Array:
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    return pc.fill_null(_join('"', escaped, '"'), pa.scalar("null", S))


def _json_fragments(cells: Cells) -> dict[str, pa.Array]:
    rows = cells.rows
    t, ev_t = rows.data.tickets, rows.data.events
    ev = t.event[rows.source]
    frag = {field: _json_string(values) for field, values in cells.text.items()}
    for field in ("quantity", "capacity"):
        frag[field] = cells.text[field]
    frag["unit_price"] = _decimal_text(rows.price_cents)
    for field in ("is_local", "consent_pooling", "consent_marketing", "consent_personalization"):
        frag[field] = pc.if_else(pc.equal(cells.text[field], cells.profile.true_value),
                                 pa.scalar("true", S), pa.scalar("false", S))
    frag["genres"] = _strings([json.dumps(list(x), ensure_ascii=False, separators=(",", ":")) for x in ev_t.labels], ev)
    frag["artists"] = _strings([json.dumps(list(x), ensure_ascii=False, separators=(",", ":")) for x in ev_t.artists], ev)
    return frag


def _json_parts(tree: dict[str, Any], frag: dict[str, pa.Array]) -> list[pa.Array | str]:
    parts: list[pa.Array | str] = ["{"]
    for i, (key, node) in enumerate(tree.items()):
        parts.append(("," if i else "") + json.dumps(key) + ":")
        parts.extend(_json_parts(node, frag) if isinstance(node, dict) else [frag[node]])
    parts.append("}")
    merged: list[pa.Array | str] = []
    for p in parts:  # adjacent constants become one
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    return merged


def write_jsonl(path: Path, cells: Cells) -> None:
    """JSON lines with nested objects following the profile's dotted paths, key order kept."""
    tree: dict[str, Any] = {}
    for field, source in cells.profile.columns.items():
        if not source:
            continue
        node = tree
        *parents, leaf = source.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = field
    lines = _join(*_json_parts(tree, _json_fragments(cells)))
    cut = cells.rows.rows_with("invalid_json")
    if len(cut):
        texts = [lines[int(r)].as_py() for r in cut]
        lines = _replace_rows(lines, cut, [s[: len(s) * (3 + int(r) % 4) // 10] for s, r in
                                           zip(texts, cut.tolist(), strict=True)])
    body = _concat(pc.binary_join_element_wise(lines, pa.scalar("\n", S), pa.scalar("", S)))
    _write_text(path, body, cells.profile.encoding)


# ---- XLSX ----------------------------------------------------------------------------------------

def write_xlsx(path: Path, cells: Cells) -> None:
    """The first sheet of a workbook: real datetime, date and number cells, text elsewhere."""
    from openpyxl import Workbook  # imported here: only the museum's export needs it

    rows, profile = cells.rows, cells.profile
    t, ev_t = rows.data.tickets, rows.data.events
    src, ev = rows.source, rows.data.tickets.event[rows.source]
    values: dict[str, list[Any]] = {f: a.to_pylist() for f, a in cells.text.items()}
    values["purchased_at"] = t.purchased_at[src].astype(object).tolist()
    values["event_starts_at"] = ev_t.starts_at[ev].astype("datetime64[s]").astype(object).tolist()
    for r in rows.rows_with("unparseable_date").tolist():  # text in a datetime column
        field = "purchased_at" if rows.variant[r] == 0 else "event_starts_at"
        values[field][r] = cells.text[field][r].as_py()
    values["unit_price"] = (rows.price_cents / 100).tolist()
    values["quantity"] = t.quantity[src].tolist()
    values["capacity"] = ev_t.capacity[ev].tolist()
    birth = rows.birth.astype(object).tolist()
    for r in np.flatnonzero(rows.birth_year_1850).tolist():  # Excel has no dates before 1900
        birth[r] = str(rows.birth[r])
    values["birth_date"] = birth
    columns = [(f, s) for f, s in profile.columns.items() if s]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Admissions")
    ws.append([s for _, s in columns])
    for row in zip(*(values[f] for f, _ in columns), strict=True):
        ws.append(list(row))
    wb.save(path)
    _freeze_zip_times(path)


_ZIP_TIME = (2026, 9, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _freeze_zip_times(path: Path) -> None:
    """Rewrite a saved workbook with fixed entry and document times, so a seed gives the same
    bytes (openpyxl stamps the current time in the archive and in docProps/core.xml)."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_name(path.name + ".zip")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, payload in entries:
            if name == "docProps/core.xml":
                payload = _CORE_TIMES.sub(rb"\g<1>2026-09-01T00:00:00Z\g<2>", payload)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, payload)
    os.replace(tmp, path)


def write_export(path: Path, rows: SaltedRows, profile: Profile) -> None:
    """Write ``rows`` to ``path`` in the format and style of ``profile``."""
    cells = text_cells(rows, profile)
    if profile.format == "csv":
        write_delimited(path, cells)
    elif profile.format == "jsonl":
        write_jsonl(path, cells)
    elif profile.format == "xlsx":
        write_xlsx(path, cells)
    else:  # pragma: no cover - the six members use the formats above
        raise ValueError(f"unsupported format {profile.format}")
