"""The member app's workspace: the exports dropped on this machine, their mappings and packages.

Everything stays in one private folder of the member's machine (mode 0700, files 0600)::

    WORK/<export id>/
        <the export as dropped>     raw personal data: never sent anywhere
        mapping.yaml                the mapping being fixed (drafted first)
        package-<n>/                each prepared package (what may be sent)
        package-<n>.rejects.csv     its rejected rows (raw lines: stays here)
        state.json                  file name, member, last package, last sending
    WORK/recommendations.csv        the latest recommendations, with the member's own ids
    WORK/patrons-found.csv          the latest list from the cooperative, with the member's own ids

The workspace calls the services a command-line member would (``mapping draft``, ``mapping
check``, ``prepare``); the web layer above it only renders and routes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tarfile
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import yaml

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import ReadRow, check_export, prepare, read_preview
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import Profile, parse_profile
from culturecoop.ingest.sniff import Sample, sniff
from culturecoop.spreadsheet import spreadsheet_cell

_ID = re.compile(r"^[0-9a-f]{16}$")
# The mapping's keys that change no word of the export as it is read (what the words mean, the consents,
# how dates and amounts are parsed).
_NOT_READING = frozenset({"status_values", "line_kind_values", "channel_values", "language_values", "true_values",
                          "false_values", "consent_defaults", "consent_basis", "blank_price", "timezone", "currency",
                          "amount_scale", "datetime_formats", "date_formats", "refunded_amount_per"})
# The exports whose first rows (``Workspace.sample``) are kept in memory, the last ones looked at.
SAMPLES_KEPT = 4
_T = TypeVar("_T")


def _kept(store: dict[Any, _T | None], key: Any, read: Callable[[], _T]) -> _T | None:
    """What ``read`` gives for ``key`` (None when it refuses the export), read once while the key
    holds: the last SAMPLES_KEPT answers are kept in ``store``, the oldest forgotten first."""
    if key not in store:
        try:
            found: _T | None = read()
        except UserError:
            found = None
        while len(store) >= SAMPLES_KEPT:
            store.pop(next(iter(store)))
        store[key] = found
    return store[key]
# Export formats the app accepts (by extension; ``prepare`` checks the content).
EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods", ".xml", ".htm", ".html", ".json", ".jsonl", ".ndjson")


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _write_private(path: Path, data: bytes) -> None:
    """Write ``path`` atomically, readable by its owner only."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _copy_private(stream: BinaryIO, path: Path) -> int:
    """Copy ``stream`` to ``path`` (owner-only), in chunks; return the bytes written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    size = 0
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
            size += len(chunk)
    return size


def safe_file_name(name: str) -> str:
    """A dropped file's name without any folder, reduced to safe characters (its extension kept)."""
    base = Path(name.replace("\\", "/")).name.strip()
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(". ") or "export"
    return cleaned[:120]


@dataclass
class Export:
    """One dropped export and where it stands."""

    export_id: str
    folder: Path
    file_name: str
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> Path:
        return self.folder / self.file_name

    @property
    def mapping_path(self) -> Path:
        return self.folder / "mapping.yaml"

    def mapping_text(self) -> str:
        return self.mapping_path.read_text(encoding="utf-8")

    def mapping(self) -> dict[str, Any]:
        data = yaml.safe_load(self.mapping_text())
        return data if isinstance(data, dict) else {}

    def profile(self) -> Profile:
        return parse_profile(self.mapping_text(), source="mapping.yaml")

    @property
    def package(self) -> Path | None:
        name = self.state.get("package")
        return self.folder / name if name else None

    @property
    def package_is_current(self) -> bool:
        """Whether the last package was prepared with the mapping as it is now (one prepared with
        an earlier mapping, or before the app recorded which, must not be sent)."""
        recorded = self.state.get("mapping_sha256")
        return bool(recorded) and recorded == _digest(self.mapping_text())

    @property
    def rejects(self) -> Path | None:
        package = self.package
        return package.with_name(package.name + ".rejects.csv") if package else None


class Workspace:
    """The folder of exports on this machine."""

    def __init__(self, root: Path) -> None:
        try:
            self.root = _private_dir(root)
        except OSError as exc:
            raise UserError(_("The work folder {path} cannot be created ({reason}); choose another with --work.").format(
                path=root, reason=exc.strerror or exc)) from None
        self._samples: dict[tuple[str, int, int], Sample | None] = {}
        self._words: dict[tuple[str, int, int, str], dict[str, list[tuple[str, int]]] | None] = {}

    def _save_state(self, export: Export) -> None:
        _write_private(export.folder / "state.json", json.dumps(export.state, ensure_ascii=False).encode())

    def get(self, export_id: str) -> Export:
        """The export ``export_id``; a ``UserError`` (shown as a 404) when there is none."""
        folder = self.root / export_id
        if not _ID.match(export_id) or not (folder / "state.json").is_file():
            raise UserError(_("There is no such export on this computer; drop the file again."), exit_code=5)
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        return Export(export_id, folder, str(state["file_name"]), state)

    def remember_member(self, coop_url: str, member_id: str) -> None:
        """Keep which member the cooperative at ``coop_url`` said the token speaks for."""
        _write_private(self.root / "member.json", json.dumps({"coop": coop_url, "member_id": member_id}).encode())

    def remembered_member(self, coop_url: str) -> str | None:
        """The member the cooperative at ``coop_url`` named last time, or None."""
        try:
            known = json.loads((self.root / "member.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return str(known["member_id"]) if isinstance(known, dict) and known.get("coop") == coop_url \
            and known.get("member_id") else None

    @property
    def recommendations(self) -> Path:
        """The latest patron → events list with the member's own ids (never sent anywhere)."""
        return self.root / "recommendations.csv"

    def save_recommendations(self, rows: list[list[Any]]) -> None:
        _write_csv(self.recommendations, rows)

    @property
    def found_patrons(self) -> Path:
        """The latest list from the cooperative with the member's own ids, e-mails and names in place
        of its tokens (the list as dropped is not kept; this is never sent anywhere)."""
        return self.root / "patrons-found.csv"

    def save_found_patrons(self, rows: list[list[Any]]) -> None:
        _write_csv(self.found_patrons, rows)

    def exports(self) -> list[Export]:
        """The exports dropped so far, newest first."""
        found = []
        for folder in self.root.iterdir():
            if _ID.match(folder.name) and (folder / "state.json").is_file():
                found.append(self.get(folder.name))
        return sorted(found, key=lambda e: str(e.state.get("added_at", "")), reverse=True)

    def add(self, file_name: str, stream: BinaryIO, added_at: str) -> Export:
        """Keep a dropped export and draft its mapping (a ``UserError`` when it is no table)."""
        name = safe_file_name(file_name)
        if not name.lower().endswith(EXPORT_SUFFIXES):
            raise UserError(
                _("The file {name} is not an export this app reads; export your sales as CSV, Excel (.xlsx or .xls), "
                  "LibreOffice (.ods) or JSON lines from your ticketing software.").format(name=name))
        export_id = secrets.token_hex(8)
        folder = _private_dir(self.root / export_id)
        try:
            size = _copy_private(stream, folder / name)
            if not size:
                raise UserError(_("The file {name} is empty; export your sales again.").format(name=name))
            from culturecoop.ingest.draft import draft_mapping

            draft = draft_mapping(folder / name)
            _write_private(folder / "mapping.yaml", draft.yaml_text.encode())
            export = Export(export_id, folder, name, {
                "file_name": name, "added_at": added_at, "undecided": list(draft.undecided),
                "decisions": _decisions(draft.decisions), "language": current_language(),
                "attempt": 0, "drafted_in": {current_language(): {"yaml": draft.yaml_text}},
            })
            self._save_state(export)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return export

    def remove(self, export: Export) -> None:
        """Delete the export from this computer: the file as dropped, its mapping, its packages and
        their rejected rows (what was sent stays at the cooperative); and the list of patrons found
        last, which may hold its patrons' names and e-mails."""
        shutil.rmtree(export.folder)
        self.found_patrons.unlink(missing_ok=True)
        self._samples = {key: kept for key, kept in self._samples.items() if key[0] != str(export.source)}
        self._words = {key: kept for key, kept in self._words.items() if key[0] != str(export.source)}

    def sample(self, export: Export) -> Sample | None:
        """The export's column names and first rows as the draft found them (``ingest.sniff``; None
        when it cannot be read so), read once while the file is unchanged: a page and the form it
        refused both ask for them, and a workbook's first thousand rows take a while to read."""
        try:
            stat = export.source.stat()
        except OSError:
            return None
        return _kept(self._samples, (str(export.source), stat.st_mtime_ns, stat.st_size), lambda: sniff(export.source))

    def words(self, export: Export, fields: tuple[str, ...]) -> dict[str, list[tuple[str, int]]] | None:
        """The words of ``fields`` in every row of the export as its mapping reads them, with how many
        rows write each (``value_words.export_words``; None when the mapping cannot read the export),
        read once while the file and the mapping are unchanged: the form's lists of statuses, kinds of
        row and yes/no words offer them all, a word of one row among thousands too."""
        from culturecoop.memberapp.value_words import export_words

        try:
            stat, mapping = export.source.stat(), export.mapping()
        except (OSError, yaml.YAMLError):
            return None
        # What the member decides in the form's lists, consents and formats reads no other word: kept.
        reading = {k: v for k, v in mapping.items() if k not in _NOT_READING}
        key = (str(export.source), stat.st_mtime_ns, stat.st_size,
               _digest(json.dumps([fields, reading], sort_keys=True, default=str)))
        return _kept(self._words, key, lambda: export_words(export.source, export.profile(), fields))

    def drafted_in(self, export: Export, language: str) -> tuple[list[str], list[dict[str, Any]]]:
        """The draft's open questions and its decisions (with why each was made) in ``language``: as
        drafted when the export was dropped on a page in that language, else drafted again now (the
        same file: the same choices, its sentences in ``language``) and kept beside them. The choices
        stay the first draft's: only the sentences change."""
        state = export.state
        first: tuple[list[str], list[dict[str, Any]]] = (list(state.get("undecided") or []),
                                                         list(state.get("decisions") or []))
        if state.get("language") == language or not (first[0] or any(d.get("check") for d in first[1])):
            return first  # said in this language already, or nothing the page says of the draft
        kept = (state.get("drafted_in") or {}).get(language)
        if isinstance(kept, dict) and "decisions" in kept:
            return list(kept.get("undecided") or []), list(kept.get("decisions") or [])
        from culturecoop.ingest.draft import draft_mapping

        try:
            draft = draft_mapping(export.source)
        except UserError:
            return first
        decisions = _decisions(draft.decisions)
        if [d["key"] for d in decisions] != [d.get("key") for d in first[1]] or len(draft.undecided) != len(first[0]):
            return first  # not the same draft (a newer culturecoop drafts otherwise): the first one's words
        undecided = list(draft.undecided)
        decisions = [{**then, "why": now["why"]} for then, now in zip(first[1], decisions, strict=True)]
        # Kept in the state as it is on the disk now: a package prepared meanwhile stays recorded.
        fresh = self.get(export.export_id)
        fresh.state["drafted_in"] = {**(fresh.state.get("drafted_in") or {}),
                                     language: {"undecided": undecided, "decisions": decisions,
                                                "yaml": draft.yaml_text}}
        self._save_state(fresh)
        state["drafted_in"] = fresh.state["drafted_in"]
        return undecided, decisions

    def mapping_text_in(self, export: Export, language: str) -> str:
        """The mapping's YAML as the page in ``language`` shows it: the draft's text, its comments (why
        each line, what to check) in ``language`` though the export was dropped on a page in the other
        (drafted again once and kept beside the first draft, as ``drafted_in`` keeps its sentences),
        while the mapping is still the draft's; a mapping changed since, by the form (which writes no
        comment) or the YAML box (the member's own words), as it is."""
        text = export.mapping_text()
        state = export.state
        if not re.search(r"(?m)^\s*#|\s#\s", text):
            return text  # written by the form: no comment to say in another language
        drafts = {lang: kept["yaml"] for lang, kept in (state.get("drafted_in") or {}).items()
                  if isinstance(kept, dict) and isinstance(kept.get("yaml"), str)}
        if drafts and text not in drafts.values():
            return text  # the member's own text, from the YAML box
        if language not in drafts:
            if state.get("language", language) == language:
                return text  # the draft as dropped on a page in this language
            from culturecoop.ingest.draft import draft_mapping

            try:  # the page's language is the one in force: the draft speaks it
                drafts[language] = draft_mapping(export.source).yaml_text
            except UserError:
                return text
            fresh = self.get(export.export_id)
            drafted = fresh.state.get("drafted_in") or {}
            fresh.state["drafted_in"] = {**drafted, language: {**(drafted.get(language) or {}),
                                                               "yaml": drafts[language]}}
            self._save_state(fresh)
            state["drafted_in"] = fresh.state["drafted_in"]
        try:  # the same mapping, its comments in ``language`` (a newer culturecoop may draft otherwise)
            same = yaml.safe_load(drafts[language]) == yaml.safe_load(text)
        except yaml.YAMLError:
            return text
        return drafts[language] if same else text

    def set_mapping(self, export: Export, mapping: dict[str, Any]) -> None:
        """Replace the export's mapping after checking it (a ``UserError`` names what is wrong)."""
        text = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
        parse_profile(text, source="mapping.yaml")  # refuses in one sentence: nothing written
        _write_private(export.mapping_path, text.encode())

    def set_mapping_text(self, export: Export, text: str) -> None:
        parse_profile(text, source="mapping.yaml")  # refuses in one sentence: nothing written
        _write_private(export.mapping_path, text.encode())

    def check(self, export: Export, max_reject_share: float) -> PrepareSummary:
        return _remembered(("check", max_reject_share), export,
                           lambda: check_export(export.source, export.profile(), max_reject_share=max_reject_share))

    def preview(self, export: Export, limit: int = 8) -> list[ReadRow]:
        return _remembered(("preview", limit), export, lambda: read_preview(export.source, export.profile(), limit))

    def prepare(self, export: Export, member: MemberInfo, keys: Path, max_reject_share: float) -> PrepareSummary:
        """Prepare a new package from the export (each attempt in a folder of its own)."""
        attempt = int(export.state.get("attempt", 0)) + 1
        out = export.folder / f"package-{attempt}"
        mapping_sha256 = _digest(export.mapping_text())
        summary = prepare(export.source, member=member, profile=export.profile(), keys_dir=keys, out=out,
                          max_reject_share=max_reject_share)
        os.chmod(out, 0o700)
        export.state.update({"attempt": attempt, "package": out.name, "summary": summary.to_json(), "sent": None,
                             "mapping_sha256": mapping_sha256, "max_reject_share": max_reject_share})
        self._save_state(export)
        return summary

    def archive(self, export: Export, suffix: str = ".tar.gz") -> Path:
        """The last package as a .tar.gz (what is sent) or a .zip (what a member without the
        cooperative's address downloads and drops on its Data page) beside it: the package, nothing else."""
        package = export.package
        if package is None or not package.is_dir():
            raise UserError(_("Prepare the package before sending it."))
        if not export.package_is_current:
            raise UserError(_("This package was prepared with an earlier mapping; prepare it again with the "
                              "current mapping before sending it."))
        target = package.with_name(package.name + suffix)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=export.folder)
        os.close(fd)
        try:
            if suffix == ".zip":
                with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zipped:
                    for file in sorted(package.iterdir()):
                        zipped.write(file, arcname=f"{package.name}/{file.name}")
            else:
                with tarfile.open(tmp, "w:gz") as tar:
                    for file in sorted(package.iterdir()):
                        tar.add(file, arcname=f"{package.name}/{file.name}")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def record_sent(self, export: Export, outcome: dict[str, Any]) -> None:
        export.state["sent"] = outcome
        self._save_state(export)


def _write_csv(path: Path, rows: list[list[Any]]) -> None:
    """A CSV for a spreadsheet (UTF-8 with its signature, so that Excel reads the accents; a text that
    a spreadsheet would run as a formula made inert), owner-only."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([spreadsheet_cell(v) for v in row] for row in rows)
    _write_private(path, ("\ufeff" + out.getvalue()).encode("utf-8"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decisions(evidence: list[Any]) -> list[dict[str, Any]]:
    """The draft's decisions as the export's state keeps them (values as text)."""
    return [{"key": e.key, "value": _text(e.value), "why": e.why, "check": e.check} for e in evidence]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# The export page checks the export and reads its first rows again on every view, after every form
# refused and every package prepared: about a second of CPU each time for the same answer. What the
# same export file (path, size, modification time), mapping, reader's language and day gave is kept
# for the next view (a few dozen answers, the oldest forgotten first); a refusal is never kept.
_READS: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_READS_KEPT = 32
_READS_LOCK = threading.Lock()


def _remembered(what: tuple[Any, ...], export: Export, compute: Callable[[], _T]) -> _T:
    try:
        stat = export.source.stat()
        key = (*what, str(export.source), stat.st_size, stat.st_mtime_ns, export.mapping_text(), current_language(),
               date.today())
    except OSError:  # the reading says what is wrong, in its words
        return compute()
    with _READS_LOCK:
        if key in _READS:
            _READS.move_to_end(key)
            kept: _T = deepcopy(_READS[key])
            return kept
    value = compute()
    with _READS_LOCK:
        _READS[key] = deepcopy(value)
        while len(_READS) > _READS_KEPT:
            _READS.popitem(last=False)
    return value
