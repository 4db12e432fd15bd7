"""An output given the path of one of the command's own inputs is refused, and the input is left
as it was. Before, `reco patrons --out coop.duckdb` replaced the warehouse with a CSV, `reco ids
--out` the member's own export, `access request --out keys/linkage.secret` the linkage secret
(every later package unlinkable) and `prepare --rejects` the export itself, all with exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli_here as run_cli
from test_reports_support import tiny_cooperative


def _refused(result: object, *words: str) -> None:
    said = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert result.returncode == 2, said  # type: ignore[attr-defined]
    assert said.startswith("Erreur :") and "Traceback" not in said
    for word in words:
        assert word in said, said


def test_reco_patrons_never_writes_over_the_warehouse(tmp_path: Path) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    before = coop.read_bytes()
    result = run_cli("reco", "patrons", "--db", str(coop), "--member", "jazz-a", "--out", str(coop), lang="fr")
    _refused(result, "désigne l’entrepôt (--db)")
    assert coop.read_bytes() == before


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    assert run_cli("keys", "init", "--dir", str(folder)).returncode == 0
    return folder


def test_reco_ids_never_writes_over_its_list_or_the_export(tmp_path: Path, keys: Path) -> None:
    listing, export = tmp_path / "recs.csv", tmp_path / "export.csv"
    listing.write_text("Patron token,Rank\n", encoding="utf-8")
    export.write_text("patron_id,email\nC1,a@example.org\n", encoding="utf-8")
    for out, what in ((export, "désigne votre export (--export)"), (listing, "désigne la liste de `reco patrons`")):
        before = out.read_bytes()
        result = run_cli("reco", "ids", str(listing), "--export", str(export), "--member", "m1", "--keys", str(keys),
                         "--out", str(out), lang="fr")
        _refused(result, what)
        assert out.read_bytes() == before


@pytest.mark.parametrize("kind", ["access", "erasure", "consent"])
def test_a_request_is_never_written_into_the_keys_folder(keys: Path, kind: str) -> None:
    secret = keys / "linkage.secret"
    before = secret.read_bytes()
    extra = ("--grant", "marketing") if kind == "consent" else ()
    result = run_cli(kind, "request", "--out", str(secret), "--member", "m1", "--keys", str(keys),
                     "--email", "a@example.org", *extra, lang="fr")
    _refused(result, "est dans le dossier des clés (--keys)")
    assert secret.read_bytes() == before


def test_prepare_never_writes_its_rejects_over_the_export(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes((Path(__file__).parent / "fixtures" / "exports" / "canonical.csv").read_bytes())
    before = export.read_bytes()
    result = run_cli("prepare", str(export), "--member", "m1", "--profile", "canonical", "--keys", str(keys),
                     "--out", str(tmp_path / "pkg"), "--rejects", str(export), lang="fr")
    _refused(result, "--rejects", "désigne l’export")
    assert export.read_bytes() == before
    assert not (tmp_path / "pkg").exists()
