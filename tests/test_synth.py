"""`culturecoop synth`: files that follow their profiles, truth that matches the files.

The generated files are read here with plain readers (csv, json, openpyxl, DuckDB) driven by
the profile YAML, never by `prepare`: what is checked is the file-format contract itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import openpyxl
import pytest
import yaml

from conftest import run_cli_here
from culturecoop.schema.taxonomy import GENRE_SYNONYMS

PROFILES = Path(__file__).resolve().parents[1] / "src" / "culturecoop" / "ingest" / "profiles"
PEOPLE = 3000
SEED = 7
MEMBERS = {
    "jazz-dieze": ("Club de jazz Le Dièse", "jazz_club", "Montréal", "canonical", "jazz-dieze.csv"),
    "theatre-lilas": ("Théâtre des Lilas", "theatre", "Capitale-Nationale", "billetterie-fr",
                      "theatre-lilas.csv"),
    "festival-nuits": ("Festival Nuits Électriques", "festival", "Montréal", "festival-jsonl",
                       "festival-nuits.jsonl"),
    "osc-capitale": ("Orchestre symphonique de la Capitale", "orchestra", "Capitale-Nationale",
                     "orchestra-tsv", "osc-capitale.tsv"),
    "musee-plateau": ("Musée des arts du Plateau", "museum", "Montréal", "museum-xlsx",
                      "musee-plateau.xlsx"),
    "billets-boreal": ("Billets Boréal", "reseller", "Montréal", "canonical", "billets-boreal.csv"),
}


def run_synth(*args: str, process: bool = False) -> subprocess.CompletedProcess[str]:
    """`culturecoop synth`, in this process through the CLI's boundary (what these tests read is what
    it writes and says), or as a process of its own (``process``)."""
    if not process:
        return run_cli_here("synth", *args)
    env = {**os.environ, "CULTURECOOP_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "culturecoop.cli.main", "synth", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def profile(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PROFILES / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def fold(label: str) -> str:
    text = unicodedata.normalize("NFKD", label.strip().lower().replace("œ", "oe"))
    return "".join(c for c in text if not unicodedata.combining(c))


class Export:
    """One member's export read back with nothing but its profile: rows as canonical dicts."""

    def __init__(self, folder: Path, member_id: str) -> None:
        self.member_id = member_id
        self.profile = profile(MEMBERS[member_id][3])
        self.path = folder / MEMBERS[member_id][4]
        self.columns: dict[str, str] = {k: v for k, v in self.profile["columns"].items() if v}
        self.header: list[str] = []
        self.lines: dict[int, Any] = {}  # line (or sheet row) number -> raw record
        getattr(self, "_read_" + self.profile["format"])()

    def _read_csv(self) -> None:
        text = self.path.read_bytes().decode(self.profile["encoding"])  # strict decoding
        self.raw_lines = text.splitlines()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.profile["delimiter"])
        self.header = next(reader)
        for row in reader:
            self.lines[reader.line_num] = dict(zip(self.header, row, strict=True))

    def _read_jsonl(self) -> None:
        self.raw_lines = self.path.read_text(encoding="utf-8").split("\n")[:-1]
        self.bad_json: list[int] = []
        for number, line in enumerate(self.raw_lines, start=1):
            try:
                self.lines[number] = json.loads(line)
            except json.JSONDecodeError:
                self.bad_json.append(number)
        first = next(iter(self.lines.values()))
        self.header = [path for path in self.columns.values() if self._dig(first, path, True)]

    def _read_xlsx(self) -> None:
        wb = openpyxl.load_workbook(self.path, read_only=True)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        self.header = [str(v) for v in next(rows)]
        for number, row in enumerate(rows, start=2):
            self.lines[number] = dict(zip(self.header, row, strict=True))
        wb.close()

    @staticmethod
    def _dig(obj: Any, path: str, presence: bool = False) -> Any:
        for part in path.split("."):
            if not isinstance(obj, dict) or part not in obj:
                return False if presence else None
            obj = obj[part]
        return True if presence else obj

    def value(self, line: int, field: str) -> Any:
        """The raw value of a canonical field on a line (None when empty)."""
        raw = self.lines[line]
        source = self.columns[field]
        value = self._dig(raw, source) if self.profile["format"] == "jsonl" else raw.get(source)
        return None if value == "" else value

    def listed(self, line: int, field: str) -> list[str]:
        value = self.value(line, field)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else str(value).split(self.profile["list_separator"])

    def flag(self, line: int, field: str) -> bool:
        value = self.value(line, field)
        if isinstance(value, bool):
            return value
        return str(value) in [str(v) for v in self.profile["true_values"]]

    def start(self, line: int) -> dt.datetime:
        value = self.value(line, "event_starts_at")
        if isinstance(value, dt.datetime):
            return value
        parsed = dt.datetime.strptime(value, self.profile["datetime_formats"][0])
        return parsed.replace(tzinfo=None)


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("synth") / "exports"
    result = run_synth("--out", str(out), "--patrons", str(PEOPLE), "--seed", str(SEED), "--json")
    assert result.returncode == 0, result.stderr
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    exports = {m: Export(out, m) for m in MEMBERS}
    valid = {m: sorted(set(e.lines) - {b["line"] for b in truth["bad_rows"][m]["lines"]})
             for m, e in exports.items()}
    return {"out": out, "summary": json.loads(result.stdout), "truth": truth,
            "exports": exports, "valid": valid}


def test_summary_and_members_json(coop: dict[str, Any]) -> None:
    summary, out = coop["summary"], coop["out"]
    members = json.loads((out / "members.json").read_text(encoding="utf-8"))
    assert [(m["member_id"], m["name"], m["kind"], m["region"], m["profile"], m["file"])
            for m in members] == [(k, *v) for k, v in MEMBERS.items()]
    assert set(summary["files"]) == set(MEMBERS)
    assert summary["people"] == PEOPLE and summary["seconds"] > 0
    # about five tickets per person overall, most at the big members, few at the museum
    assert 4.5 * PEOPLE <= summary["tickets"] <= 6 * PEOPLE
    assert summary["valid_rows"]["musee-plateau"] <= 0.05 * summary["tickets"]
    for member_id, export in coop["exports"].items():
        assert len(export.lines) + len(getattr(export, "bad_json", [])) == summary["rows"][member_id]


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    def digests(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    # "a" is made by a process of its own, "b" in this one: the same bytes whatever the process's
    # hash seed (a set's order never reaches a file).
    for name, seed, today in (("a", "11", "2026-11-30"), ("b", "11", "2026-11-30"), ("c", "12", "2026-11-30"),
                              ("d", "11", "2027-03-10")):
        assert run_synth("--out", str(tmp_path / name), "--patrons", "400", "--seed", seed,
                         "--today", today, process=name == "a").returncode == 0
    a, b, c, d = (digests(tmp_path / n) for n in "abcd")
    # Six exports, members.json, truth.json, six programmes and the recommender's truth log.
    assert a == b and len(a) == 8 + 6 + 2
    assert all(a[f] != c[f] for f in a if f != "members.json")
    # "today" moves only the upcoming season: the exports (the past) stay byte for byte.
    moved = {f for f in a if a[f] != d[f]}
    assert moved == {"truth.json", "reco/interactions.csv", "reco/items.csv",
                     *(f"programme/{m}.csv" for m in MEMBERS)}


def _programme_starts(folder: Path) -> list[dt.datetime]:
    starts = []
    for path in sorted((folder / "programme").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            starts += [dt.datetime.fromisoformat(row["event_starts_at"]) for row in csv.DictReader(f)]
    return starts


@pytest.mark.parametrize("today, first_day", [("2027-03-10", "2027-03-11"), ("2026-05-01", "2026-09-01"), (None, None)])
def test_upcoming_season_is_after_the_period_and_after_today(tmp_path: Path, today: str | None,
                                                               first_day: str | None) -> None:
    """The programme a demo shows is still to come, whatever day the demo runs (default: the real date)."""
    args = ("--today", today) if today else ()
    assert run_synth("--out", str(tmp_path), "--patrons", "300", "--seed", "3", *args).returncode == 0
    start = dt.date.fromisoformat(first_day) if first_day else max(dt.date.today() + dt.timedelta(days=1), dt.date(2026, 9, 1))
    starts = _programme_starts(tmp_path)
    assert len(starts) >= 6 and min(starts).date() >= start
    assert max(starts).date() < start + dt.timedelta(days=91)
    # The last sale of the exports is before the season: it is announced, not yet sold.
    with (tmp_path / "reco" / "items.csv").open(encoding="utf-8") as f:
        past = [r for r in csv.DictReader(f) if not r["first_available"].startswith("2026-09-01 00:01")]
    last_sale = max(dt.datetime.fromisoformat(r["first_available"]) for r in past)
    assert last_sale <= dt.datetime(2026, 9, 1) <= min(starts)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["signals"]["taste"]["upcoming_season"][0] == f"{start.isoformat()}T00:00:00"


def test_headers_are_the_profiles_source_columns(coop: dict[str, Any]) -> None:
    for export in coop["exports"].values():
        assert export.header == list(export.columns.values()), export.member_id


def test_values_follow_each_profile(coop: dict[str, Any]) -> None:
    canonical_statuses: set[str] = set()
    for member_id, export in coop["exports"].items():
        p, valid = export.profile, coop["valid"][member_id]
        statuses = set(p.get("status_values") or ["sold", "refunded", "cancelled", "exchanged"])
        channels = set(p.get("channel_values") or ["web", "box_office", "phone", "reseller", "mobile", "other"])
        flags = {str(v) for v in p["true_values"] + p["false_values"]}
        seen_status = set()
        for line in valid:
            value = export.value
            seen_status.add(value(line, "status"))
            assert value(line, "status") in statuses and value(line, "channel") in channels
            if p["format"] == "xlsx":
                assert isinstance(value(line, "purchased_at"), dt.datetime)
                assert isinstance(value(line, "unit_price"), float | int)
                assert isinstance(value(line, "quantity"), int)
                birth = value(line, "birth_date")
                assert birth is None or isinstance(birth, dt.datetime)
            else:
                dt.datetime.strptime(value(line, "purchased_at"), p["datetime_formats"][0])
                dt.datetime.strptime(value(line, "event_starts_at"), p["datetime_formats"][0])
                if value(line, "birth_date") is not None:
                    dt.datetime.strptime(value(line, "birth_date"), p["date_formats"][0])
            for field in ("is_local", "consent_pooling", "consent_marketing"):
                v = value(line, field)
                assert isinstance(v, bool) if p["format"] == "jsonl" else str(v) in flags
        canonical_statuses |= {(p.get("status_values") or {}).get(s, s) for s in seen_status}
        prices = [export.value(line, "unit_price") for line in valid]
        pattern = {"billetterie-fr": r"\d+,\d\d \$", "orchestra-tsv": r"CAD \d+\.\d\d",
                   "canonical": r"\d+\.\d\d"}.get(p["name"])
        if pattern:
            assert all(re.fullmatch(pattern, x) for x in prices), p["name"]
        if p["format"] == "csv" and p["name"] != "orchestra-tsv":
            assert {export.value(line, "currency") for line in valid} == {"CAD"}
    assert canonical_statuses == {"sold", "refunded", "cancelled", "exchanged"}


def test_realistic_people_and_places(coop: dict[str, Any]) -> None:
    exports, valid = coop["exports"], coop["valid"]
    postcodes = [str(e.value(line, "postal_code")).upper() for m, e in exports.items()
                 for line in valid[m]]
    assert all(re.fullmatch(r"(H\d[A-Z]|G[12][A-Z]) ?\d[A-Z]\d", pc) for pc in postcodes)
    assert {pc[:2] for pc in postcodes} >= {"H2", "G1"}
    surnames = {e.value(line, "last_name") for m, e in exports.items() for line in valid[m]}
    assert {"Tremblay", "Gagnon", "Côté", "Lévesque"} <= surnames
    assert any("'" in s for s in surnames if s) and any(s and not s.isascii() for s in surnames)
    phones = {e.value(line, "phone") for m, e in exports.items() for line in valid[m]} - {None}
    shapes = {re.sub(r"\d", "9", p) for p in phones}
    assert {"(999) 999-9999", "999-999-9999", "+9 999 999 9999"} <= shapes  # +1 ...
    # prices per kind: the orchestra and the reseller cost more than the museum
    def median_price(member_id: str) -> float:
        e = exports[member_id]
        raw = [e.value(line, "unit_price") for line in valid[member_id]]
        return float(np.median([float(re.sub(r"[^\d,.-]", "", str(x)).replace(",", ".")) for x in raw]))
    assert median_price("osc-capitale") > median_price("musee-plateau") < median_price("billets-boreal")
    # seasons: no theatre or orchestra performance in July
    for member_id in ("theatre-lilas", "osc-capitale"):
        assert all(exports[member_id].start(line).month != 7 for line in valid[member_id])
    festival = exports["festival-nuits"]
    months = [festival.start(line).month for line in valid["festival-nuits"]]
    assert months.count(7) > len(months) / 4  # the summer peak


def test_truth_covers_every_patron_record(coop: dict[str, Any]) -> None:
    truth, exports = coop["truth"], coop["exports"]
    people_at: dict[str, set[str]] = defaultdict(set)
    for member_id, export in exports.items():
        ids = {str(export.value(line, "patron_id")) for line in export.lines
               if export.value(line, "patron_id") is not None}
        assert ids == set(truth["patrons"][member_id]), member_id
        by_person: dict[str, list[str]] = defaultdict(list)
        for record, person in truth["patrons"][member_id].items():
            by_person[person].append(record)
            people_at[person].add(member_id)
        # a few true duplicates: one person under two customer ids at the same member
        assert sum(len(r) - 1 for r in by_person.values()) == truth["duplicate_records"][member_id]
    assert len(people_at) == PEOPLE
    assert sum(len(m) >= 2 for m in people_at.values()) > PEOPLE / 4


def test_same_person_varies_across_records(coop: dict[str, Any]) -> None:
    truth, exports, valid = coop["truth"], coop["exports"], coop["valid"]
    seen: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for member_id, export in exports.items():
        for line in valid[member_id]:
            person = truth["patrons"][member_id][str(export.value(line, "patron_id"))]
            seen[person].add((export.value(line, "first_name"), export.value(line, "last_name"),
                              export.value(line, "email"), export.value(line, "postal_code")))
    multi = [list(v) for v in seen.values() if len(v) >= 2]
    first_names = sum(len({r[0] for r in v}) > 1 for v in multi)
    emails = sum(len({str(r[2]).strip().lower() for r in v}) > 1 for v in multi)
    postcodes = sum(len({str(r[3]).replace(" ", "").upper() for r in v}) > 1 for v in multi)
    cased = sum(len({r[2] for r in v}) > len({str(r[2]).strip().lower() for r in v}) for v in multi)
    assert min(first_names, emails, postcodes, cased) > 10, (first_names, emails, postcodes, cased)
    nicknames = {"Bob", "Cath", "J-F", "JF", "Alex", "Steph", "Fred", "Mike", "Nico", "Max"}
    all_first = {r[0] for v in seen.values() for r in v}
    assert all_first & nicknames
    variations = truth["variations"]
    for kind in ("typo", "accents_dropped", "nickname", "second_email", "moved_postal_code",
                 "no_birth_date", "email_case_or_space"):
        assert sum(v[kind] for v in variations.values()) > 0, kind


def _persons(coop: dict[str, Any], member_id: str) -> tuple[list[str], list[str]]:
    export, truth = coop["exports"][member_id], coop["truth"]
    lines = coop["valid"][member_id]
    persons = [truth["patrons"][member_id][str(export.value(n, "patron_id"))] for n in lines]
    return persons, [str(export.value(n, "event_id")) for n in lines]


def test_planted_signals_are_in_the_files(coop: dict[str, Any]) -> None:
    signals, exports, valid = coop["truth"]["signals"], coop["exports"], coop["valid"]
    # retention: 1 - people / distinct (person, event) attendances, per member
    for member_id in MEMBERS:
        persons, events = _persons(coop, member_id)
        pairs = set(zip(persons, events, strict=True))
        realized = 1 - len(set(persons)) / len(pairs)
        assert realized == pytest.approx(signals["retention"][member_id]["realized"], abs=1e-12)
        assert abs(realized - signals["retention"][member_id]["planted"]) < 0.12
    order = sorted(MEMBERS, key=lambda m: signals["retention"][m]["realized"])
    assert order[0] == "musee-plateau" and order[-1] == "osc-capitale"

    # affinity: lift of the theatre among the jazz club's people
    aff = signals["affinity"]
    everyone: set[str] = set()
    at: dict[str, set[str]] = {}
    for member_id in MEMBERS:
        at[member_id] = set(_persons(coop, member_id)[0])
        everyone |= at[member_id]
    a, b = at[aff["from_member"]], at[aff["to_member"]]
    lift = (len(a & b) / len(a)) / (len(b - a) / len(everyone - a))
    assert lift == pytest.approx(aff["realized_lift"], rel=1e-12)
    assert 1.5 < lift < 2.6

    # local artists: share of distinct events with is_local true
    for member_id, export in exports.items():
        flags = {export.value(n, "event_id"): export.flag(n, "is_local") for n in valid[member_id]}
        share = sum(flags.values()) / len(flags)
        assert share == pytest.approx(signals["local_artists"][member_id]["realized_events"], abs=1e-12)

    # seasonal trend: electronic's monthly share of the reseller's tickets
    trend = signals["seasonal_trend"]
    export = exports[trend["member"]]
    monthly: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for n in valid[trend["member"]]:
        month = export.start(n).strftime("%Y-%m")
        monthly[month][0] += 1
        monthly[month][1] += any(GENRE_SYNONYMS.get(fold(x)) == trend["genre"]
                                 for x in export.listed(n, "genres"))
    assert [(m, t, h) for m, (t, h) in sorted(monthly.items())] == [
        (x["month"], x["tickets"], x["with_genre"]) for x in trend["monthly"]]
    shares = np.array([h / t for _, (t, h) in sorted(monthly.items())])
    assert shares[-6:].mean() > shares[:6].mean() + 0.08
    assert trend["realized_slope_per_month"] > 0


def test_every_genre_label_maps_to_the_taxonomy(coop: dict[str, Any]) -> None:
    for member_id, export in coop["exports"].items():
        labels = {x for n in coop["valid"][member_id] for x in export.listed(n, "genres")}
        unknown = {x for x in labels if GENRE_SYNONYMS.get(fold(x), "other") == "other"}
        assert not unknown, (member_id, unknown)


def _strict_csv_rejects(export: Export, tmp: Path) -> set[int]:
    """Lines a strict CSV reader (DuckDB, explicit dialect) rejects."""
    utf8 = tmp / (export.path.name + ".utf8")
    utf8.write_bytes(export.path.read_bytes().decode(export.profile["encoding"]).encode("utf-8"))
    con = duckdb.connect()
    columns = {c: "VARCHAR" for c in export.header}
    con.execute(
        "SELECT count(*) FROM read_csv(?, auto_detect=false, header=true, delim=?, quote='\"', "
        "escape='\"', columns=?, store_rejects=true)",
        [str(utf8), export.profile["delimiter"], columns]).fetchall()
    return {int(r[0]) for r in con.execute("SELECT line FROM reject_errors").fetchall()}


def test_bad_rows_of_every_reason_are_where_truth_says(coop: dict[str, Any], tmp_path: Path) -> None:
    truth = coop["truth"]
    total_bad = sum(b["total"] for b in truth["bad_rows"].values())
    assert 0.003 < total_bad / coop["summary"]["rows_written"] < 0.03
    for member_id, export in coop["exports"].items():
        bad = truth["bad_rows"][member_id]
        lines: dict[str, list[int]] = defaultdict(list)
        for item in bad["lines"]:
            lines[item["reason"]].append(item["line"])
        assert {r: len(v) for r, v in lines.items()} == bad["by_reason"]
        fmt = export.profile["format"]
        expected = {"unparseable_date", "negative_price", "missing_ticket_id", "missing_patron_id",
                    "missing_event_id", "duplicate_row", "impossible_birth_date"}
        expected |= {"csv": {"broken_quoting"}, "jsonl": {"invalid_json"}, "xlsx": set()}[fmt]
        assert set(lines) == expected, member_id
        if fmt == "jsonl":
            assert sorted(lines["invalid_json"]) == export.bad_json
        if fmt == "csv":
            assert _strict_csv_rejects(export, tmp_path) == set(lines["broken_quoting"])
            # an odd number of quotes on the line, yet nothing carries over to the next line:
            # every line still reads as one row of the header's fields
            assert all(export.raw_lines[n - 1].count('"') % 2 == 1 for n in lines["broken_quoting"])
            assert len(export.lines) == len(export.raw_lines) - 1
        for field, reason in (("ticket_id", "missing_ticket_id"), ("patron_id", "missing_patron_id"),
                              ("event_id", "missing_event_id")):
            assert all(export.value(n, field) is None for n in lines[reason])
        for n in lines["negative_price"]:
            price = export.value(n, "unit_price")
            assert (price < 0) if isinstance(price, float | int) else "-" in price
        formats = export.profile["datetime_formats"]
        for item in bad["lines"]:
            if item["reason"] == "unparseable_date":
                text = export.value(item["line"], item["field"])
                assert isinstance(text, str) and not _parses(text, formats), (member_id, item, text)
        for n in lines["impossible_birth_date"]:
            birth = str(export.value(n, "birth_date"))
            years = [int(y) for y in re.findall(r"\d{4}", birth)]
            assert years and (years[0] < 1900 or years[0] > 2026), birth
        if fmt != "xlsx":
            raw = export.raw_lines
            for n in lines["duplicate_row"]:
                assert raw.count(raw[n - 1]) >= 2
        else:
            rows = [tuple(r.values()) for r in export.lines.values()]
            for n in lines["duplicate_row"]:
                assert rows.count(tuple(export.lines[n].values())) >= 2


def _parses(text: str, formats: list[str]) -> bool:
    for f in formats:
        try:
            dt.datetime.strptime(text, f)
            return True
        except ValueError:
            pass
    return False


@pytest.mark.parametrize("args, words", [
    (["--patrons", "0"], "--patrons"),
    (["--patrons", "-5"], "--patrons"),
    (["--patrons", "100", "--tickets-per-patron", "0"], "--tickets-per-patron"),
    (["--patrons", "100", "--seed", "-1"], "--seed"),
    (["--patrons", "100", "--today", "30/11/2026"], "--today"),
])
def test_bad_arguments_are_one_sentence(tmp_path: Path, args: list[str], words: str) -> None:
    result = run_synth("--out", str(tmp_path / "x"), *args)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_out_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "exports.csv"
    target.write_text("not a folder")
    result = run_synth("--out", str(target), "--patrons", "100")
    assert result.returncode == 2 and "is a file" in result.stderr
    assert "Traceback" not in result.stderr and target.read_text() == "not a folder"
