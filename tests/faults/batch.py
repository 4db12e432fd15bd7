"""Run many `culturecoop` command lines in one process, through the CLI's real error boundary.

``python batch.py CASES.json RESULTS.json``: each case is ``{"id", "args", "env"}``; each result
is ``{"id", "exit", "stdout", "stderr"}``. Every command runs through
``culturecoop.cli.main._run`` — the code between ``main()`` and the commands, where every
exception becomes a sentence and an exit code — with its standard streams captured; only
Python's start-up and the imports are shared, which is what makes 150 cases affordable. The
suite also runs a sample of cases as the real command in a process of its own.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import traceback


def run_case(case: dict[str, object]) -> dict[str, object]:
    from culturecoop.cli import main as cli_main

    saved = dict(os.environ)
    os.environ.update({str(k): str(v) for k, v in dict(case.get("env") or {}).items()})  # type: ignore[call-overload]
    tempfile.tempdir = None  # TMPDIR may differ between cases
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["culturecoop", *[str(a) for a in case["args"]]]  # type: ignore[attr-defined]
    argv = sys.argv
    code: object
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main._run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # escaped the boundary: recorded as the traceback a user would see
            code = "escaped"
            err.write(traceback.format_exc())
    sys.argv = argv
    os.environ.clear()
    os.environ.update(saved)
    return {"id": case["id"], "exit": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main() -> None:
    spec, done = sys.argv[1], sys.argv[2]  # before the cases replace sys.argv
    with open(spec, encoding="utf-8") as f:
        cases = json.load(f)
    results = [run_case(case) for case in cases]
    with open(done, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
