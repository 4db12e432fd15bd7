"""The fault-injection suite's machinery: cases, a shared cooperative, running, checking.

A ``Case`` is one command line a careless or unlucky user might type, with the broken input it
needs (built by ``setup`` in the case's own folder) and what the contract promises: an exit
code, one sentence on standard error (naming what ``says`` lists), nothing on standard output,
no traceback, no incident, and nothing half-written or lost — every file that existed before
is byte-identical after a refused command, and no partial file is left anywhere.

Cases of a module run together: most in one process through the CLI's real boundary
(``batch.py``), a sample as the real command in a process of its own (``real=True``); cases
about permissions run without the capabilities that let root ignore permission bits
(``confined=True``), cases about a full disk under a file-size limit (``file_limit``). Every
captured output is written to ``test-artifacts/faults/<module>/<case>.txt``, so that
``grep -r Traceback test-artifacts/faults`` can be run over all of them.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "faults"
BATCH = Path(__file__).with_name("batch.py")
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
TODAY = "2026-06-15"
ERROR_PREFIX = {"en": "Error: ", "fr": "Erreur : "}
# Linux capabilities that let root read and write regardless of permission bits.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _PR_CAPBSET_DROP = 1, 2, 24


@dataclass
class Shared:
    """Inputs every case may read (never change): keys, exports, a package, a warehouse."""

    root: Path
    keys: Path = field(init=False)
    export: Path = field(init=False)
    package: Path = field(init=False)
    coop: Path = field(init=False)
    foreign: Path = field(init=False)

    def __post_init__(self) -> None:
        self.keys = self.root / "keys"
        self.export = self.root / "export.csv"
        self.package = self.root / "pkg"
        self.coop = self.root / "coop.duckdb"
        self.foreign = self.root / "foreign.duckdb"


def build_shared(root: Path) -> Shared:
    """A small real cooperative: keys, the canonical export, its package, a linked warehouse."""
    from culturecoop.ingest.load import ingest
    from culturecoop.ingest.package import MemberInfo
    from culturecoop.ingest.prepare import prepare
    from culturecoop.ingest.profile import load_profile
    from culturecoop.linkage.resolve import link_warehouse
    from culturecoop.privacy.keys import init_keys
    from culturecoop.warehouse.engine import Warehouse

    shared = Shared(root)
    root.mkdir(parents=True, exist_ok=True)
    init_keys(shared.keys)
    # Cases read copies: a command that wrote into its input would change these, never the
    # repository's fixtures (and the suite checks that the shared inputs never change).
    shutil.copytree(EXPORTS, root / "exports")
    shutil.copy(EXPORTS / "canonical.csv", shared.export)
    import datetime as dt

    prepare(shared.export, member=MemberInfo("m1", "Membre 1"), profile=load_profile("canonical"),
            keys_dir=shared.keys, out=shared.package, today=dt.date.fromisoformat(TODAY))
    ingest(shared.package, shared.coop)
    with Warehouse(shared.coop) as w:
        link_warehouse(w)
    import duckdb

    con = duckdb.connect(str(shared.foreign))
    con.execute("CREATE TABLE invoices (id INTEGER, amount DECIMAL(10, 2))")
    con.execute("INSERT INTO invoices VALUES (1, 12.50), (2, 99.99)")
    con.close()
    return shared


@dataclass(frozen=True)
class Case:
    """One command line and what the contract promises for it (see the module's doc)."""

    id: str
    args: tuple[str, ...]  # "{case}": the case's folder; "{shared}": the shared inputs
    exit: int | tuple[int, ...] = 2
    setup: Callable[[Path, Shared], Any] | None = None
    says: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    real: bool = False
    confined: bool = False
    file_limit: int | None = None
    lang: str = "en"
    # For a command that succeeds or changes files on purpose: extra checks of its outcome.
    check: Callable[[Outcome], None] | None = None
    # Files of the case folder (relative) a refused command may leave changed (none by default).
    may_change: tuple[str, ...] = ()
    stdin: str | None = None
    stdout_path: str | None = None  # real cases: standard output goes to this file (e.g. /dev/full)

    def expected_exits(self) -> tuple[int, ...]:
        return self.exit if isinstance(self.exit, tuple) else (self.exit,)


@dataclass
class Outcome:
    exit: Any
    stdout: str
    stderr: str
    folder: Path
    before: dict[str, str]
    after: dict[str, str]


def digest_tree(*roots: Path) -> dict[str, str]:
    """SHA-256 of every file under ``roots`` (symbolic links by their target text)."""
    found: dict[str, str] = {}
    for root in roots:
        if not root.exists() and not root.is_symlink():
            continue
        for path in [root, *sorted(root.rglob("*"))] if root.is_dir() else [root]:
            key = str(path)
            try:
                if path.is_symlink():
                    found[key] = "link:" + os.readlink(path)
                elif path.is_file():
                    found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
                elif path.is_dir():
                    found[key] = "dir"
                else:
                    found[key] = "special"
            except OSError:
                found[key] = "unreadable"
    return found


def can_confine() -> bool:
    """Permission bits stop this test process's children: not root, or root able to drop the
    capabilities that bypass them (PR_CAPBSET_DROP)."""
    if os.geteuid() != 0:
        return True
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_drop_dac_capabilities, check=False)
    return probe.returncode == 0


def _drop_dac_capabilities() -> None:
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _preexec(confined: bool, file_limit: int | None) -> Callable[[], None] | None:
    if not confined and file_limit is None:
        return None

    def setup_child() -> None:
        if confined:
            _drop_dac_capabilities()
        if file_limit is not None:
            # Python ignores SIGXFSZ: a write past the limit fails with EFBIG, as on a full disk.
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return setup_child


def case_env(case: Case, state: Path) -> dict[str, str]:
    return {"CULTURECOOP_LANG": case.lang, "CULTURECOOP_STATE_DIR": str(state), "COLUMNS": "120",
            **dict(case.env)}


def fill(args: Iterable[str], folder: Path, shared: Shared) -> list[str]:
    return [a.replace("{case}", str(folder)).replace("{shared}", str(shared.root)) for a in args]


def run_cases(cases: list[Case], shared: Shared, workspace: Path, module: str) -> dict[str, Outcome]:
    """Set up, snapshot, run (batched by process conditions) and snapshot again every case."""
    state = workspace / "state"
    folders: dict[str, Path] = {}
    before: dict[str, dict[str, str]] = {}
    for case in cases:
        folder = workspace / case.id
        folder.mkdir(parents=True)
        if case.setup is not None:
            case.setup(folder, shared)
        folders[case.id] = folder
        before[case.id] = digest_tree(folder)
    shared_before = digest_tree(shared.root)
    results: dict[str, dict[str, Any]] = {}
    groups: dict[tuple[bool, int | None], list[Case]] = {}
    for case in cases:
        if case.real:
            results[case.id] = _run_real(case, folders[case.id], shared, state)
        else:
            groups.setdefault((case.confined, case.file_limit), []).append(case)
    for (confined, limit), members in groups.items():
        results.update(_run_batch(members, folders, shared, state, workspace, confined, limit, module))
    shared_after = digest_tree(shared.root)
    assert shared_after == shared_before, "a case changed the shared inputs"
    outcomes: dict[str, Outcome] = {}
    out_dir = ARTIFACTS / module
    out_dir.mkdir(parents=True, exist_ok=True)
    for case in cases:
        r = results[case.id]
        folder = folders[case.id]
        outcomes[case.id] = Outcome(r["exit"], r["stdout"], r["stderr"], folder, before[case.id], digest_tree(folder))
        args = " ".join(fill(case.args, folder, shared))
        (out_dir / f"{case.id}.txt").write_text(
            f"$ culturecoop {args}\n# mode: {'real' if case.real else 'batch'}, confined: {case.confined}, "
            f"file limit: {case.file_limit}, lang: {case.lang}\n# exit: {r['exit']}\n"
            f"--- stdout\n{r['stdout']}\n--- stderr\n{r['stderr']}\n", encoding="utf-8")
    return outcomes


def _run_real(case: Case, folder: Path, shared: Shared, state: Path) -> dict[str, Any]:
    env = {**os.environ, **case_env(case, state)}
    stdout: Any = subprocess.PIPE
    if case.stdout_path is not None:
        stdout = open(case.stdout_path, "w")  # noqa: SIM115 (closed below)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "culturecoop.cli.main", *fill(case.args, folder, shared)],
            input=case.stdin, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=600,
            preexec_fn=_preexec(case.confined, case.file_limit), cwd=folder, check=False,
        )
    finally:
        if case.stdout_path is not None:
            stdout.close()
    return {"exit": proc.returncode, "stdout": proc.stdout or "", "stderr": proc.stderr}


def _run_batch(cases: list[Case], folders: dict[str, Path], shared: Shared, state: Path, workspace: Path,
               confined: bool, limit: int | None, module: str) -> dict[str, dict[str, Any]]:
    name = f"batch-{'confined' if confined else 'open'}-{limit or 'nolimit'}"
    spec = workspace / f"{name}.json"
    done = workspace / f"{name}.results.json"
    spec.write_text(json.dumps([
        {"id": c.id, "args": fill(c.args, folders[c.id], shared), "env": case_env(c, state)} for c in cases
    ]))
    if limit is None:
        proc = subprocess.run([sys.executable, str(BATCH), str(spec), str(done)], capture_output=True, text=True,
                              timeout=1800, preexec_fn=_preexec(confined, None), cwd=workspace, check=False)
    else:
        proc = _run_limited_batch(spec, done, workspace, confined, limit)
    out_dir = ARTIFACTS / module
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.process.txt").write_text(
        f"# exit: {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}\n", encoding="utf-8")
    assert proc.returncode == 0, f"the batch process failed:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return {r["id"]: r for r in json.loads(done.read_text())}


def _run_limited_batch(spec: Path, done: Path, workspace: Path, confined: bool,
                       limit: int) -> subprocess.CompletedProcess[str]:
    # The limit applies to the commands, not to writing the results: the batch sets it itself
    # around each case and lifts it to write them.
    return subprocess.run(
        [sys.executable, "-c", _LIMITED_BATCH, str(BATCH), str(spec), str(done), str(limit)],
        capture_output=True, text=True, timeout=1800, preexec_fn=_preexec(confined, None), cwd=workspace,
        check=False,
    )


# Runs batch.py's cases with RLIMIT_FSIZE lowered (soft limit only: it is raised again to write
# the results, which are larger than the limit).
_LIMITED_BATCH = """
import json, resource, runpy, sys
script, spec, done, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
batch = runpy.run_path(script)
cases = json.load(open(spec, encoding="utf-8"))
hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
results = []
for case in cases:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        results.append(batch["run_case"](case))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
json.dump(results, open(done, "w", encoding="utf-8"), ensure_ascii=False)
"""


def partial_files(folder: Path) -> list[str]:
    """Files a write left half-done: culturecoop's partials and classic temporary names."""
    found = []
    for path in folder.rglob("*"):
        name = path.name
        if name.endswith(".partial") or name.endswith(".tmp") or name.startswith("culturecoop-prepare-"):
            found.append(str(path.relative_to(folder)))
    return found


def the_sentence(case: Case, outcome: Outcome) -> str:
    """The one line on standard error, without its prefix; asserts it is one sentence."""
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"{case.id}: expected one line on stderr, got:\n{outcome.stderr}"
    prefix = ERROR_PREFIX[case.lang]
    assert lines[0].startswith(prefix), f"{case.id}: {lines[0]}"
    message = lines[0].removeprefix(prefix)
    assert message.rstrip().endswith("."), f"{case.id}: not a sentence: {message}"
    return message


def check_outcome(case: Case, outcome: Outcome) -> None:
    """The contract, for every case (see the module's doc)."""
    assert "Traceback" not in outcome.stderr + outcome.stdout, f"{case.id}:\n{outcome.stderr}"
    assert outcome.exit in case.expected_exits(), (
        f"{case.id}: exit {outcome.exit}, expected {case.expected_exits()}\n{outcome.stderr}")
    assert outcome.exit != 70, f"{case.id}: an unexpected error (incident)\n{outcome.stderr}"
    assert not partial_files(outcome.folder), f"{case.id}: left {partial_files(outcome.folder)}"
    if outcome.exit != 0:
        assert outcome.stdout == "", f"{case.id}: wrote on stdout: {outcome.stdout[:300]}"
        message = the_sentence(case, outcome)
        for word in case.says:
            assert word.lower() in message.lower(), f"{case.id}: {word!r} not in: {message}"
        allowed = {str(outcome.folder / p) for p in case.may_change}
        changed = {k for k in outcome.before.keys() | outcome.after.keys()
                   if outcome.before.get(k) != outcome.after.get(k) and k not in allowed}
        assert not changed, f"{case.id}: a refused command changed {sorted(changed)}"
    if case.check is not None:
        case.check(outcome)


@pytest.fixture(scope="session")
def confinement() -> bool:
    return can_confine()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    """The shared inputs, built once per session; each module reads its own copy."""
    from conftest import built_once

    return Shared(built_once(tmp_path_factory, "faults-shared", build_shared))
