"""A member's programme: its upcoming events, loaded before anyone has bought a ticket.

A programme is public information (what a venue announces), so it travels as a plain CSV:
``event_id,event_title,event_starts_at,venue,venue_postal_code,genres,artists,capacity,
is_local,event_language,price`` (lists split by ``|``, genres in French or English vendor
words, folded to the cooperative's taxonomy). Loading replaces the member's programme in one
transaction; a bad row refuses the whole file with its line and reason.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.schema.taxonomy import GENRE_SYNONYMS
from culturecoop.warehouse.engine import Warehouse

REQUIRED = ("event_id", "event_starts_at")
OPTIONAL = ("event_title", "venue", "venue_postal_code", "genres", "artists", "capacity", "is_local",
            "event_language", "price")
TRUE = frozenset({"true", "1", "yes", "y", "oui", "o", "vrai"})
FALSE = frozenset({"false", "0", "no", "n", "non", "faux"})
LANGUAGES = {"fr": "fr", "français": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en",
             "english": "en", "bilingual": "bilingual", "bilingue": "bilingual", "none": "none",
             "instrumental": "none", "aucune": "none"}


def fold(label: str) -> str:
    key = unicodedata.normalize("NFKD", label.strip().lower())
    return "".join(c for c in key if not unicodedata.combining(c)).replace("œ", "oe")


def _genres(value: str | None) -> list[str]:
    labels = [fold(x) for x in (value or "").split("|") if x.strip()]
    return list(dict.fromkeys(GENRE_SYNONYMS.get(label, "other") for label in labels))


def _time(value: str, line: int, path: Path) -> datetime:
    text = value.strip().replace("T", " ")
    for candidate in (text, text[:16], text[:10]):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    raise UserError(_("{path} line {line}: event_starts_at {value!r} is not a date and time; write it as YYYY-MM-DD HH:MM.").format(
        path=path, line=line, value=value))


def _number(value: str | None, column: str, line: int, path: Path) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value.strip().replace(",", ".").replace("$", "").replace("€", "").strip())
    except ValueError:
        raise UserError(_("{path} line {line}: {column} {value!r} is not a number; write it like 45.00.").format(
            path=path, line=line, column=column, value=value)) from None


def read_programme(path: Path) -> list[dict[str, Any]]:
    """The programme's rows, checked and normalized (raises UserError on the first bad row)."""
    if not path.is_file():
        raise UserError(_("Programme file {path} does not exist; check the path.").format(path=path))
    con = duckdb.connect()
    try:
        rel = con.read_csv(str(path), header=True, all_varchar=True)
        names = [c.strip().lower() for c in rel.columns]
        rows = rel.fetchall()
    except duckdb.Error as exc:
        raise UserError(_("{path} cannot be read as CSV ({reason}); give a comma-separated file with a header row.").format(
            path=path, reason=str(exc).splitlines()[0])) from None
    finally:
        con.close()
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise UserError(_("{path} has no column {column}; a programme needs at least event_id and event_starts_at.").format(
            path=path, column=missing[0]))
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=2):
        row = {name: (value if value is None else str(value)) for name, value in zip(names, raw, strict=True)}
        event_id = (row.get("event_id") or "").strip()
        if not event_id:
            raise UserError(_("{path} line {line} has no event_id; fix or remove that row.").format(path=path, line=n))
        if event_id in seen:
            raise UserError(_("{path} line {line} repeats event {event}; list each event once.").format(path=path, line=n, event=event_id))
        seen.add(event_id)
        local = (row.get("is_local") or "").strip().lower()
        if local and local not in TRUE | FALSE:
            raise UserError(_("{path} line {line}: is_local {value!r} is not yes or no; write true or false.").format(path=path, line=n, value=local))
        language = (row.get("event_language") or "").strip().lower()
        if language and language not in LANGUAGES:
            raise UserError(_("{path} line {line}: event_language {value!r} is unknown; use fr, en, bilingual or none.").format(path=path, line=n, value=language))
        capacity = _number(row.get("capacity"), "capacity", n, path)
        postal = (row.get("venue_postal_code") or "").replace(" ", "").upper()
        out.append({
            "event_id": event_id, "title": (row.get("event_title") or "").strip() or None,
            "starts_at": _time(row.get("event_starts_at") or "", n, path),
            "venue": (row.get("venue") or "").strip() or None, "venue_fsa": postal[:3] or None,
            "genres": _genres(row.get("genres")),
            "artists": [a.strip() for a in (row.get("artists") or "").split("|") if a.strip()],
            "capacity": int(capacity) if capacity is not None else None,
            "is_local": (local in TRUE) if local else None,
            "language": LANGUAGES.get(language) if language else None,
            "price": _number(row.get("price"), "price", n, path),
        })
    if not out:
        raise UserError(_("{path} lists no event; give one upcoming event per row.").format(path=path))
    return out


def load_programme(warehouse: Warehouse, member_id: str, path: Path) -> dict[str, Any]:
    """Replace the member's programme with the file's events."""
    rows = read_programme(path)
    known = warehouse.scalar("SELECT count(*) FROM member WHERE member_id = ?", [member_id])
    if not known:
        members = ", ".join(r["member_id"] for r in warehouse.query("SELECT member_id FROM member ORDER BY 1"))
        raise UserError(_("There is no member {member} in the warehouse; members: {members}.").format(member=member_id, members=members or _("none")))
    now = datetime.now(UTC).replace(tzinfo=None)
    with warehouse.transaction() as con:
        con.execute("DELETE FROM reco_upcoming_event WHERE member_id = ?", [member_id])
        con.executemany(
            "INSERT INTO reco_upcoming_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[member_id, r["event_id"], r["title"], r["starts_at"], r["venue"], r["venue_fsa"], r["genres"],
              r["artists"], r["capacity"], r["is_local"], r["language"], r["price"], now] for r in rows])
    return {"member_id": member_id, "events": len(rows), "first": min(r["starts_at"] for r in rows).isoformat(),
            "last": max(r["starts_at"] for r in rows).isoformat()}
