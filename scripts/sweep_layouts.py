"""Draft and check the vendor-layout writers' exports over many seeds (a developer's sweep).

    .venv/bin/python scripts/sweep_layouts.py --seeds 100 125 --rows 300

For each layout of ``tests/vendors`` and each seed: write an export, ``mapping draft`` it, judge
every good row read through the draft against the writer's truth (``tests/draft_support.judge``),
then ``check_export`` with the drafted mapping (nothing edited): rows accepted + rejected must be
the file's rows, and rejected rows the planted bad ones. Prints one line per failure, then a count;
exits 1 when anything failed. The tests run one seed per layout; this runs as many as asked.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

SETTINGS = ("format", "encoding", "delimiter", "skip_lines", "sheet", "decimal", "amount_scale", "timezone",
            "country", "currency")


def sweep(seeds: range, rows: int, encoding: str | None) -> int:
    from culturecoop.errors import UserError
    from culturecoop.ingest.draft import draft_mapping
    from culturecoop.ingest.prepare import check_export
    from culturecoop.ingest.profile import parse_profile
    from draft_support import judge, write
    from vendors import EXPORTED_ON, VENDORS

    failures = 0
    for vendor in VENDORS:
        for seed in seeds:
            with tempfile.TemporaryDirectory() as folder:
                truth = write(Path(folder), vendor, rows=rows, seed=seed, encoding=encoding)
                draft = draft_mapping(truth.path)
                if encoding is not None:
                    truth.settings["encoding"] = draft.mapping.get("encoding")
                wrong = {k: (draft.mapping.get(k, 0 if k == "skip_lines" else None), v)
                         for k, v in truth.settings.items()
                         if k in SETTINGS and draft.mapping.get(k, 0 if k == "skip_lines" else None) != v}
                verdict = judge(truth, draft.mapping)
                said = []
                if wrong:
                    said.append(f"settings {wrong}")
                if verdict.share < 0.97:
                    said.append(f"rows read right {verdict.share:.3f} {verdict.wrong[:3]}")
                try:
                    summary = check_export(truth.path, parse_profile(draft.yaml_text, str(truth.path)),
                                           today=EXPORTED_ON, max_reject_share=1.0)
                    if (summary.rows_rejected != len(truth.bad_rows)
                            or summary.rows_accepted + summary.rows_rejected != truth.rows):
                        said.append(f"check: {summary.rows_accepted} accepted + {summary.rows_rejected} rejected "
                                    f"(file {truth.rows} rows, {len(truth.bad_rows)} planted bad) "
                                    f"{summary.rejects_by_reason}")
                except UserError as error:
                    said.append(f"check refused: {error.message}")
                if said:
                    failures += 1
                    print(vendor, seed, "; ".join(said), flush=True)
    print(f"{len(VENDORS)} layouts × {len(seeds)} seeds × {rows} rows: {failures} failed")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs=2, type=int, default=(100, 110), metavar=("FIRST", "END"))
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--encoding", default=None, help="override the CSV layouts' encoding (utf-16, cp1252…)")
    args = parser.parse_args()
    sys.exit(1 if sweep(range(*args.seeds), args.rows, args.encoding) else 0)


if __name__ == "__main__":
    main()
