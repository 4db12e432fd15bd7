"""``generate_cooperative``: the whole synthetic cooperative, deterministic for a seed.

Writes one export per member in its vendor's style, ``members.json`` (the members and their
files and profiles) and ``truth.json`` (the true person behind every customer record, the
planted signals with their realized values, and the bad rows by member and reason). Truth
stays beside the exports: it is for tests and benchmarks and never goes into a package.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from culturecoop import __version__
from culturecoop.errors import UserError
from culturecoop.files import atomic_file, os_reason
from culturecoop.i18n import _
from culturecoop.synth import catalog as cat
from culturecoop.synth.badrows import REASONS, SaltedRows, salt
from culturecoop.synth.population import draw_memberships, draw_people, person_ids
from culturecoop.synth.reco_files import write_programmes, write_reco_log
from culturecoop.synth.signals import DEFINITIONS, realized_signals
from culturecoop.synth.taste import draw_tastes
from culturecoop.synth.tickets import MemberData, make_member_data
from culturecoop.synth.writers import load_profile, write_export

MAX_PATRONS = 5_000_000
TICKETS_PER_PATRON = 5.0
# Work units reported to the progress callback: people, memberships, each member built,
# each member written, truth.
TOTAL_STEPS = 2 + 2 * len(cat.MEMBERS) + 1
# Called after each unit of work with (stage, name): ("people", ""), ("memberships", ""),
# ("member", member_id), ("file", file name), ("truth", "truth.json").
Progress = Callable[[str, str], None]


@dataclass
class SynthSummary:
    """What ``generate_cooperative`` wrote."""

    out: Path
    seed: int
    people: int
    files: dict[str, str] = field(default_factory=dict)  # member_id -> file path
    rows: dict[str, int] = field(default_factory=dict)  # member_id -> rows written (bad included)
    valid_rows: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def tickets(self) -> int:
        return sum(self.valid_rows.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out), "seed": self.seed, "people": self.people,
            "tickets": self.tickets, "rows_written": sum(self.rows.values()),
            "files": self.files, "rows": self.rows, "valid_rows": self.valid_rows,
            "bad_rows": self.bad_rows, "members": str(self.out / "members.json"),
            "truth": str(self.out / "truth.json"), "seconds": round(self.seconds, 3),
        }


def check_arguments(out: Path, patrons: int, tickets_per_patron: float, seed: int = 0) -> None:
    """Raise ``UserError`` (one sentence) for arguments ``generate_cooperative`` cannot honour."""
    if seed < 0:
        raise UserError(_("--seed must be zero or a positive whole number (got {seed}).")
                        .format(seed=seed))
    if patrons < 1:
        raise UserError(_("--patrons must be a positive number of people (got {n}); "
                          "try --patrons 20000.").format(n=patrons))
    if patrons > MAX_PATRONS:
        raise UserError(_("--patrons {n} is more than this generator handles ({max}); "
                          "generate several cooperatives with different seeds instead.")
                        .format(n=patrons, max=MAX_PATRONS))
    if not 1.0 <= tickets_per_patron <= 50.0:
        raise UserError(_("--tickets-per-patron must be between 1 and 50 (got {f}); "
                          "the default is {default}.").format(f=tickets_per_patron,
                                                              default=TICKETS_PER_PATRON))
    if out.exists() and not out.is_dir():
        raise UserError(_("--out {path} is a file; give the folder to write the exports in "
                          "(it is created if missing).").format(path=out))


def _prepare_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".synth-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UserError(_("Cannot write in {path} ({reason}); choose a folder you can write to.")
                        .format(path=out, reason=os_reason(exc))) from exc


def _line_number(file_format: str, row: int) -> int:
    """Physical line (or sheet row) of output row ``row``: after a header, except JSON lines."""
    return row + 1 if file_format == "jsonl" else row + 2


def _bad_rows_truth(rows: SaltedRows, file_format: str) -> dict[str, Any]:
    bad = np.flatnonzero(rows.reason >= 0)
    lines = []
    for r in bad.tolist():
        item: dict[str, Any] = {"line": _line_number(file_format, r), "reason": REASONS[rows.reason[r]]}
        if item["reason"] == "unparseable_date":  # which of the two times cannot be read
            item["field"] = "purchased_at" if rows.variant[r] == 0 else "event_starts_at"
        lines.append(item)
    return {"total": len(bad), "by_reason": rows.counts(), "lines": lines}


def _atomic_json(path: Path, payload: Any) -> None:
    with atomic_file(path) as partial:
        partial.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def generate_cooperative(out: Path, patrons: int, seed: int,
                         tickets_per_patron: float = TICKETS_PER_PATRON,
                         progress: Progress | None = None, today: dt.date | None = None) -> SynthSummary:
    """Write the six members' exports, ``members.json`` and ``truth.json`` into ``out``.

    ``patrons`` is the number of distinct people; ticket rows number about
    ``patrons * tickets_per_patron`` (a little more at low ratios, since everyone buys at
    least one ticket). The same arguments always produce byte-identical files. ``today``
    (default: the real date) only places the upcoming season, which starts after it.
    """
    check_arguments(out, patrons, tickets_per_patron, seed)
    created = not out.exists()
    _prepare_out(out)
    try:
        return _generate(out, patrons, seed, tickets_per_patron, progress,
                         cat.upcoming_season(today or dt.date.today()))
    except BaseException:
        if created:  # a folder made for nothing is not left behind (each file is whole or absent)
            with contextlib.suppress(OSError):
                out.rmdir()
        raise


def _generate(out: Path, patrons: int, seed: int, tickets_per_patron: float,
              progress: Progress | None, season: tuple[dt.datetime, dt.datetime]) -> SynthSummary:
    started = time.perf_counter()

    def step(stage: str, name: str = "") -> None:
        if progress:
            progress(stage, name)

    people = draw_people(np.random.default_rng([seed, 1]), patrons)
    step("people")
    membership, boost = draw_memberships(np.random.default_rng([seed, 2]), people)
    tastes = draw_tastes(np.random.default_rng([seed, 3]), patrons, people.english)
    step("memberships")
    total_rows = tickets_per_patron * patrons
    data: dict[str, MemberData] = {}
    for j, spec in enumerate(cat.MEMBERS):
        rng = np.random.default_rng([seed, 10 + j])
        data[spec.member_id] = make_member_data(rng, spec, people, np.flatnonzero(membership[:, j]),
                                                total_rows * spec.ticket_share, tastes,
                                                np.random.default_rng([seed, 30 + j]), season)
        step("member", spec.member_id)

    summary = SynthSummary(out=out, seed=seed, people=patrons)
    bad_truth: dict[str, Any] = {}
    for j, spec in enumerate(cat.MEMBERS):
        profile = load_profile(spec.profile)
        rows = salt(np.random.default_rng([seed, 20 + j]), data[spec.member_id], profile.format)
        path = out / spec.file
        with atomic_file(path) as partial:
            write_export(partial, rows, profile)
        summary.files[spec.member_id] = str(path)
        summary.rows[spec.member_id] = rows.n
        summary.valid_rows[spec.member_id] = data[spec.member_id].tickets.n
        summary.bad_rows[spec.member_id] = rows.n - data[spec.member_id].tickets.n
        bad_truth[spec.member_id] = _bad_rows_truth(rows, profile.format)
        step("file", spec.file)

    members = [{"member_id": m.member_id, "name": m.name, "kind": m.kind, "region": m.region,
                "profile": m.profile, "file": m.file} for m in cat.MEMBERS]
    _atomic_json(out / "members.json", members)
    identity = {}
    for member_id, d in data.items():
        identity[member_id] = dict(zip(d.records.patron_id.tolist(), person_ids(d.records.person),
                                       strict=True))
    programmes = write_programmes(out, data)
    reco_files = write_reco_log(out, data)
    signals = realized_signals(data, patrons)
    signals["taste"] = {**tastes.to_json(), "programmes": programmes, **reco_files,
                        "upcoming_season": [season[0].isoformat(), season[1].isoformat()]}
    signals["affinity"]["calibrated_boost"] = boost
    truth = {
        "generator": {"name": "culturecoop synth", "version": __version__, "seed": seed,
                      "patrons": patrons, "tickets_per_patron": tickets_per_patron},
        "note": "Truth for tests and benchmarks: never put this file in a package.",
        "definitions": DEFINITIONS,
        "members": members,
        "signals": signals,
        "bad_rows": bad_truth,
        "bad_rows_by_reason": {r: sum(b["by_reason"].get(r, 0) for b in bad_truth.values())
                               for r in REASONS},
        "counts": {m: {"rows": summary.rows[m], "valid_rows": d.tickets.n,
                       "records": d.records.n, "people": len(np.unique(d.records.person)),
                       "events": len(np.unique(d.tickets.event))}
                   for m, d in data.items()},
        "variations": {m: d.records.variations for m, d in data.items()},
        "duplicate_records": {m: int(d.records.n - len(np.unique(d.records.person)))
                              for m, d in data.items()},
        "patrons": identity,
    }
    _atomic_json(out / "truth.json", truth)
    step("truth", "truth.json")
    summary.seconds = time.perf_counter() - started
    return summary
