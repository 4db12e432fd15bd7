"""Figures in a French sentence are written the French way: « 1 491 événements », « en 0,4 s ».
`ingest`, `export-lake`, `synth` and `contribution shapley` wrote 1,491 and 0.4 with the English
separators inside their French sentences."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import SYNTH_TODAY, run_cli
from test_reports_support import tiny_cooperative


def _said(result: object) -> str:
    # Line breaks and spaces only: a no-break space (the French thousands separator) stays.
    return re.sub(r"[ \n\t]+", " ", result.stdout + result.stderr)  # type: ignore[attr-defined]


def test_synth_counts_and_seconds_in_french(tmp_path: Path) -> None:
    result = run_cli("synth", "--out", str(tmp_path / "s"), "--patrons", "300", "--today", SYNTH_TODAY, lang="fr")
    said = _said(result)
    assert result.returncode == 0, said
    found = re.search(r"(\d+(?:[\u00a0 ]\d{3})*) billets valides écrits en (\S+) s", said)
    assert found, said
    assert len(found.group(1)) > 3 and "," not in found.group(1), found.group(1)
    assert re.fullmatch(r"\d+,\d", found.group(2)), found.group(2)
    english = _said(run_cli("synth", "--out", str(tmp_path / "e"), "--patrons", "300", "--today", SYNTH_TODAY))
    assert re.search(r"\d,\d{3} valid tickets written in \d+\.\d s", english), english


def test_export_lake_seconds_in_french(tmp_path: Path) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    said = _said(run_cli("export-lake", "--db", str(coop), "--lake", str(tmp_path / "lake"), lang="fr"))
    assert re.search(r"écrit en \d+,\d s", said), said


def test_a_privacy_budget_in_french(tmp_path: Path) -> None:
    """« ε par publication : 0.5 ; budget : ε = 2.5 » in a French sentence: the decimal comma."""
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    changed = run_cli("privacy", "set", "--db", str(coop), "--epsilon", "0.5", "--budget", "2.5", "--noise", lang="fr")
    said = _said(changed)
    assert changed.returncode == 0, said
    assert "ε 0,5 par publication, budget 2,5 par" in said, said
    shown = _said(run_cli("privacy", "show", "--db", str(coop), lang="fr"))
    assert "ε par publication : 0,5 ; budget : ε = 2,5 par" in shown, shown
    english = _said(run_cli("privacy", "show", "--db", str(coop)))
    assert "ε per release: 0.5; budget: ε = 2.5 per" in english, english


def test_analytics_refresh_seconds_in_french(tmp_path: Path) -> None:
    """« Tables analytiques dérivées reconstruites en 0.4 s »: the decimal comma (prepare and
    campaigns send print their seconds the same way)."""
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    said = _said(run_cli("analytics-refresh", "--db", str(coop), lang="fr"))
    assert re.search(r"reconstruites en \d+,\d s", said), said


# A count of four digits or more written without its separator (« 35020 »), and an English decimal
# point between digits (« 13.88 s »). Years, dates (2026-11-30), identifiers (hex, paths with
# digits after a letter, a dash or a slash) are not counts.
_BARE_COUNT = re.compile(r"(?<![\w/.,:\-])(?!(?:19|20)\d\d\b)\d{4,}(?![\w/:\-])")
_ENGLISH_DECIMAL = re.compile(r"(?<![\w/.\-])\d+\.\d+(?![\w/\-])")


def test_a_whole_run_in_french_writes_every_count_the_french_way(tmp_path: Path) -> None:
    """synth → prepare → ingest → link → programme → train → link evaluate, in French: « Liés 35020
    dossiers… en 13.88 s » was what the demo's steps printed; every count and every second now reads
    « 35 020 », « 13,9 »."""
    import json

    def fr(*args: str) -> str:
        result = run_cli(*args, lang="fr")
        said = _said(result)
        assert result.returncode == 0, said
        return said

    out = tmp_path
    said = [fr("keys", "init", "--dir", str(out / "keys")),
            fr("synth", "--out", str(out / "exports"), "--patrons", "1200", "--seed", "3", "--today", SYNTH_TODAY)]
    members = json.loads((out / "exports" / "members.json").read_text(encoding="utf-8"))
    for m in members:
        said.append(fr("prepare", str(out / "exports" / m["file"]), "--member", m["member_id"], "--profile",
                       m["profile"], "--name", m["name"], "--kind", m["kind"], "--region", m["region"], "--keys",
                       str(out / "keys"), "--out", str(out / "packages" / m["member_id"]), "--rejects",
                       str(out / "rejects" / f"{m['member_id']}.csv")))
    db = str(out / "coop.duckdb")
    said.append(fr("ingest", *[str(out / "packages" / m["member_id"]) for m in members], "--db", db))
    said.append(fr("link", "--db", db))
    for m in members[:2]:
        said.append(fr("reco", "programme", str(out / "exports" / "programme" / f"{m['member_id']}.csv"), "--db", db,
                       "--member", m["member_id"]))
    said.append(fr("reco", "train", "--db", db))
    said.append(fr("link", "evaluate", "--synth", str(out / "exports"), "--db", db))
    text = "\n".join(line.replace(str(out), "DIR") for line in said)
    assert not _BARE_COUNT.findall(text), [text[max(0, m.start() - 60):m.end() + 20] for m in _BARE_COUNT.finditer(text)]
    assert not _ENGLISH_DECIMAL.findall(text), [text[max(0, m.start() - 60):m.end() + 20]
                                               for m in _ENGLISH_DECIMAL.finditer(text)]
    # Counts large enough to need the separator were written (the test would pass on small ones).
    assert re.search(r"\d[\u00a0\u202f ]\d{3}\b", text), text[:2000]
