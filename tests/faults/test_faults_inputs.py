"""Hostile exports given to `culturecoop prepare`: wrong encodings, wrong file kinds, sizes no
export has, broken paths and key files. Each is refused in one sentence that says what the file
is and what to do (or, for bad rows, quarantined), and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable

import pyarrow.csv as pacsv
import pytest

from faults.builders import (
    CANONICAL,
    GOOD_ROW,
    HEADER,
    KINDS,
    canonical_rows,
    chmod,
    copy_shared,
    fifo,
    mkdir,
    sqlite_db,
    steps,
    symlink,
    write,
    xlsx_bytes,
    xlsx_header_only,
)
from faults.conftest import EXPORTS, Case, Outcome, Shared, check_outcome, run_cases

MB = 1 << 20


def prep(file: str, profile: str = "canonical", *extra: str, keys: str = "{shared}/keys",
         out: str = "{case}/pkg") -> tuple[str, ...]:
    option = ("--mapping", profile) if profile.endswith(".yaml") else ("--profile", profile)
    return ("prepare", file, "--member", "m1", *option, "--keys", keys, "--out", out, *extra)


def conserved(min_rejected: int = 0, package: str = "pkg") -> Callable[[Outcome], None]:
    """A successful prepare: a complete package, and rows read = accepted + rejected, every
    rejected row in the rejects file beside it."""

    def check(outcome: Outcome) -> None:
        assert outcome.exit == 0
        folder = outcome.folder / package
        manifest = json.loads((folder / "manifest.json").read_text())
        rows = manifest["rows"]
        assert rows["in"] == rows["accepted"] + rows["rejected"]
        assert rows["rejected"] >= min_rejected
        if rows["rejected"]:
            rejects = pacsv.read_csv(folder.with_name(folder.name + ".rejects.csv"),
                                     read_options=pacsv.ReadOptions(block_size=64 * MB))
            assert rejects.num_rows == rows["rejected"]

    return check


def conserved_and_warned(*words: str) -> Callable[[Outcome], None]:
    """``conserved``, and a warning that says each of ``words``."""

    def check(outcome: Outcome) -> None:
        conserved()(outcome)
        said = " ".join((outcome.stdout + outcome.stderr).split())
        for word in words:
            assert word in said, f"{word!r} not in: {said}"

    return check


CP1252 = (EXPORTS / "billetterie-fr.csv").read_bytes()
UTF8_AS_CP1252 = CP1252.decode("cp1252").encode("utf-8")


def _late_bad_byte() -> bytes:
    good = canonical_rows(3000).encode("utf-8")
    return good + b"T9999,O9999,2026-01-10T19:30:00,sold,1,10,CAD,web,E1,Caf\xe9,2026-02-01T20:00:00\n"


CASES: list[Case] = [
    # ---- encodings -----------------------------------------------------------------------
    Case("cp1252-as-utf8", prep("{case}/export.csv"), 2, write("export.csv", CANONICAL, "cp1252"), ("cp1252",),
         real=True),
    Case("cp1252-as-utf8-fr", prep("{case}/export.csv"), 2, write("export.csv", CANONICAL, "cp1252"),
         ("cp1252",), lang="fr"),
    Case("utf8-as-cp1252", prep("{case}/export.csv", "billetterie-fr"), 2, write("export.csv", UTF8_AS_CP1252),
         ("utf-8",)),
    Case("utf16le-bom", prep("{case}/export.csv"), 2, write("export.csv", CANONICAL, "utf-16"), ("utf-16",)),
    Case("utf16be-bom", prep("{case}/export.csv"), 2, write("export.csv", b"\xfe\xff" + CANONICAL.encode("utf-16-be")),
         ("utf-16",)),
    Case("utf16le-no-bom", prep("{case}/export.csv"), 2, write("export.csv", CANONICAL, "utf-16-le"), ("utf-16",)),
    # A line of Windows-1252 far down a UTF-8 export (a row pasted from another file) is read as such, and said.
    Case("bad-byte-after-3000-lines", prep("{case}/export.csv"), 0, write("export.csv", _late_bad_byte()),
         check=conserved_and_warned("Line 3002", "Windows-1252")),
    Case("latin1-declared-cp1252-quotes", prep("{case}/export.tsv", "orchestra-tsv"), 2,
         write("export.tsv", (EXPORTS / "orchestra-tsv.tsv").read_bytes().replace(b"\t", b"\t\x93", 1)),
         ("cp1252",)),
    Case("overlong-utf8", prep("{case}/export.csv"), 2,
         write("export.csv", CANONICAL.encode().replace(b"Jazz", b"J\xc0\xafzz", 1)), ("utf-8",)),
    Case("surrogate-in-utf8", prep("{case}/export.csv"), 2,
         write("export.csv", CANONICAL.encode().replace(b"Jazz", b"J\xed\xa0\x80zz", 1)), ("utf-8",)),
    Case("cut-multibyte-at-end", prep("{case}/export.csv"), 2,
         # A file that ends in the middle of a character was cut short (a download interrupted): said so.
         write("export.csv", CANONICAL.encode().rstrip(b"\n") + b",\xc3"), ("middle of a character", "cut short")),
    # A text export padding a field with a NUL byte is text: the NUL is read as nothing, and said.
    Case("nul-bytes-in-a-line", prep("{case}/export.csv"), 0,
         write("export.csv", CANONICAL.replace("Jazz", "Ja\x00zz", 1)), check=conserved_and_warned("NUL character")),
    Case("nul-bytes-throughout", prep("{case}/export.csv"), 2,
         write("export.csv", CANONICAL.replace(",", ",\x00")), ("binary",)),
    Case("jsonl-invalid-utf8", prep("{case}/export.jsonl", "festival-jsonl"), 2,
         write("export.jsonl", (EXPORTS / "festival-jsonl.jsonl").read_bytes().replace(b"Hangar", b"Hang\xe9r", 1)),
         ("utf-8",)),
    Case("mapping-not-utf8", prep("{case}/export.csv", "{case}/mapping.yaml"), 2,
         write("mapping.yaml", b"name: x\nformat: csv\ncolumns:\n  venue: Salle \xe9\n"), ("mapping",)),
    Case("mapping-is-a-folder", prep("{case}/export.csv", "{case}/mapping.yaml"), (2, 5),
         steps(write("export.csv", CANONICAL), mkdir("mapping.yaml")), ("mapping.yaml",)),
    Case("bom-and-crlf-are-fine", prep("{case}/export.csv"), 0,
         write("export.csv", "\ufeff" + CANONICAL.replace("\n", "\r\n")), check=conserved(1)),
    # ---- sizes ---------------------------------------------------------------------------
    Case("empty-file", prep("{case}/export.csv"), 2, write("export.csv", b""), ("empty",), real=True),
    Case("only-newlines", prep("{case}/export.csv"), 2, write("export.csv", "\n" * 5000), ("empty",)),
    Case("only-a-bom", prep("{case}/export.csv"), 2, write("export.csv", b"\xef\xbb\xbf"), ("empty",)),
    Case("header-only", prep("{case}/export.csv"), 2, write("export.csv", HEADER + "\n"), ("no data rows",)),
    Case("ten-mb-field-is-quarantined", prep("{case}/export.csv"), 0,
         write("export.csv", HEADER + "\n" + GOOD_ROW.replace("Le Dièse", "x" * (10 * MB)) + "\n"
               + canonical_rows(5, start=100).split("\n", 1)[1]), check=conserved(1)),
    Case("ten-mb-single-line", prep("{case}/export.csv"), 2, write("export.csv", "a" * (10 * MB)), ("header",),
         real=True),
    Case("ten-mb-header", prep("{case}/export.csv"), 2,
         write("export.csv", HEADER.replace("venue", "v" * (10 * MB)) + "\n" + GOOD_ROW + "\n"), ("header",)),
    Case("200-kb-header-cell", prep("{case}/export.csv"), 2,
         write("export.csv", HEADER.replace("venue", "v" * 200_000) + "\n" + GOOD_ROW + "\n"), ("header",)),
    Case("ten-mb-jsonl-line-is-quarantined", prep("{case}/export.jsonl", "festival-jsonl"), 0,
         write("export.jsonl", (EXPORTS / "festival-jsonl.jsonl").read_text(encoding="utf-8")
               + json.dumps({"id": "huge", "note": "x" * (10 * MB)}) + "\n"), check=conserved(1)),
    Case("hundred-thousand-delimiters", prep("{case}/export.csv"), 0,
         write("export.csv", CANONICAL + "," * 100_000 + "\n"), check=conserved(1)),
    Case("many-blank-lines-before-header", prep("{case}/export.csv"), 0,
         write("export.csv", "\n" * 20_000 + CANONICAL), check=conserved(1)),
    Case("truncated-mid-line", prep("{case}/export.csv"), 0,
         write("export.csv", canonical_rows(50)[:-40]), check=conserved(1)),
    Case("xlsx-header-only", prep("{case}/export.xlsx", "museum-xlsx"), 2,
         write("export.xlsx", xlsx_header_only()), ("no data rows",)),
    # ---- file kinds (what the file really is) ----------------------------------------------
    *[Case(f"kind-{kind}", prep("{case}/export.csv"), 2, write("export.csv", content), (word,), real=kind == "gzip")
      for kind, (content, word) in KINDS.items()],
    Case("kind-sqlite", prep("{case}/export.csv"), 2, sqlite_db("export.csv"), ("sqlite",)),
    Case("kind-xlsx-fr", prep("{case}/export.csv"), 2, write("export.csv", xlsx_bytes()), ("xlsx",), lang="fr"),
    Case("jsonl-given-to-csv-profile", prep("{shared}/exports/festival-jsonl.jsonl"), 2, None, ("json",)),
    Case("csv-given-to-jsonl-profile", prep("{shared}/exports/canonical.csv", "festival-jsonl"), 2, None,
         ("json lines",)),
    # One JSON document (an API's answer saved to a file) is read as JSON lines, its records one per row.
    Case("json-array-given-to-jsonl-profile", prep("{case}/export.json", "festival-jsonl"), 0,
         write("export.json", "[\n" + ",\n".join(line for line in (EXPORTS / "festival-jsonl.jsonl").read_text().splitlines()
                                                 if line.startswith("{") and line.endswith("}")) + "\n]"),
         check=conserved()),
    Case("json-document-broken", prep("{case}/export.json", "festival-jsonl"), 2,
         write("export.json", "[" + ",".join((EXPORTS / "festival-jsonl.jsonl").read_text().splitlines()) + "]"),
         ("not valid json",)),
    Case("json-document-without-records", prep("{case}/export.json", "festival-jsonl"), 2,
         write("export.json", '{\n  "event": "Gala",\n  "count": 3,\n  "tags": ["jazz", "blues"]\n}\n'),
         ("no list of records",)),
    Case("csv-given-to-xlsx-profile", prep("{shared}/exports/canonical.csv", "museum-xlsx"), 2, None, ("xlsx",)),
    Case("gzip-given-to-xlsx-profile", prep("{case}/export.xlsx", "museum-xlsx"), 2,
         write("export.xlsx", KINDS["gzip"][0]), ("gzip",)),
    Case("pdf-given-to-xlsx-profile", prep("{case}/export.xlsx", "museum-xlsx"), 2,
         write("export.xlsx", KINDS["pdf"][0]), ("pdf",)),
    Case("xls-given-to-xlsx-profile", prep("{case}/export.xlsx", "museum-xlsx"), 2,
         write("export.xlsx", KINDS["xls"][0]), (".xls",)),
    Case("truncated-xlsx", prep("{case}/export.xlsx", "museum-xlsx"), 2,
         write("export.xlsx", xlsx_bytes()[:3000]), ("damaged",)),
    Case("zip-without-workbook-to-xlsx-profile", prep("{case}/export.xlsx", "museum-xlsx"), 2,
         write("export.xlsx", KINDS["zip"][0]), ("zip",)),
    # ---- paths ---------------------------------------------------------------------------
    Case("export-missing", prep("{case}/nowhere.csv"), 2, None, ("nowhere.csv",)),
    Case("export-is-a-folder", prep("{case}/export.csv"), 2, mkdir("export.csv"), ("folder",)),
    Case("export-is-a-broken-link", prep("{case}/export.csv"), 2, symlink("export.csv", "/nonexistent/x.csv"),
         ("export.csv",)),
    Case("export-is-a-fifo", prep("{case}/export.csv"), 2, fifo("export.csv"), ("export.csv",)),
    Case("export-is-dev-null", prep("/dev/null"), 2, None, ("null",)),
    Case("out-already-exists", prep("{shared}/exports/canonical.csv"), 2, mkdir("pkg"), ("already exists",)),
    Case("out-parent-is-a-file", prep("{shared}/exports/canonical.csv", out="{case}/afile/pkg"), 5,
         write("afile", "x"), ("afile", "file"), real=True),
    Case("out-grandparent-is-a-file", prep("{shared}/exports/canonical.csv", out="{case}/afile/sub/pkg"), 5,
         write("afile", "x"), ("afile",)),
    Case("rejects-parent-is-a-file", prep("{shared}/exports/canonical.csv", "canonical", "--rejects",
                                         "{case}/afile/r.csv"), 5, write("afile", "x"), ("afile",)),
    Case("rejects-is-a-folder", prep("{shared}/exports/canonical.csv", "canonical", "--rejects", "{case}/r"), 2,
         mkdir("r"), ("folder",)),
    Case("rejects-inside-the-package", prep("{shared}/exports/canonical.csv", "canonical", "--rejects",
                                           "{case}/pkg/r.csv"), 2, None, ("inside",)),
    Case("out-in-new-nested-folders", prep("{shared}/exports/canonical.csv", out="{case}/a/b/c/pkg"), 0,
         check=conserved(1, "a/b/c/pkg")),
    Case("rich-markup-in-file-names", prep("{case}/[bold]ex[/bold]port.csv", out="{case}/[red]pkg"), 0,
         write("[bold]ex[/bold]port.csv", CANONICAL), check=conserved(1, "[red]pkg")),
    Case("markup-name-missing", prep("{case}/[/]x.csv"), 2, None, ("[/]x.csv",)),
    Case("empty-member", ("prepare", "{shared}/exports/canonical.csv", "--member", " ", "--profile", "canonical",
                          "--keys", "{shared}/keys", "--out", "{case}/pkg"), 2, None, ("member",)),
    Case("unknown-kind", (*prep("{shared}/exports/canonical.csv"), "--kind", "spaceship"), 2, None, ("spaceship",)),
    Case("memory-setting-garbage", prep("{shared}/exports/canonical.csv"), 2, None,
         ("CULTURECOOP_PREPARE_MEMORY",), env={"CULTURECOOP_PREPARE_MEMORY": "lots"}),
    # ---- key files -----------------------------------------------------------------------
    Case("keys-folder-missing", prep("{shared}/exports/canonical.csv", keys="{case}/nokeys"), 2, None, ("nokeys",)),
    Case("keys-is-a-file", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2, write("keys", "x"),
         ("keys",)),
    Case("key-file-is-a-folder", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), lambda f, s: ((f / "keys/linkage.secret").unlink(),
                                                          (f / "keys/linkage.secret").mkdir())),
         ("linkage.secret", "folder"), real=True),
    Case("key-not-utf8", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), write("keys/linkage.secret", b"\xff\xfe\x00\x01garbage")),
         ("linkage.secret",)),
    Case("key-truncated", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), lambda f, s: (f / "keys/campaign.public").write_text(
             (s.keys / "campaign.public").read_text()[:30])), ("campaign.public",)),
    Case("key-empty", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), write("keys/linkage.secret", b"")), ("linkage.secret",)),
    Case("key-huge", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), write("keys/linkage.secret", b"ab" * MB)), ("linkage.secret",)),
    Case("key-missing", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), lambda f, s: (f / "keys/campaign.public").unlink()),
         ("campaign.public",)),
    Case("key-broken-link", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 2,
         steps(copy_shared("keys", "keys"), lambda f, s: (f / "keys/linkage.secret").unlink(),
               symlink("keys/linkage.secret", "/nonexistent/secret")), ("linkage.secret",)),
    # ---- permissions (permission bits apply: see conftest.can_confine) -------------------------
    Case("export-unreadable", prep("{case}/export.csv"), 5, steps(write("export.csv", CANONICAL),
                                                                  chmod("export.csv", 0o000)),
         ("export.csv",), confined=True),
    # In French, the system's reason in French too (it read « (Permission denied) »).
    Case("export-unreadable-fr", prep("{case}/export.csv"), 5, steps(write("export.csv", CANONICAL),
                                                                     chmod("export.csv", 0o000)),
         ("export.csv", "accès refusé"), confined=True, lang="fr"),
    Case("key-unreadable", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 5,
         steps(copy_shared("keys", "keys"), chmod("keys/linkage.secret", 0o000)), ("linkage.secret",),
         confined=True, real=True),
    Case("keys-folder-unreadable", prep("{shared}/exports/canonical.csv", keys="{case}/keys"), 5,
         steps(copy_shared("keys", "keys"), chmod("keys", 0o000)), ("keys",), confined=True),
    Case("out-folder-read-only", prep("{shared}/exports/canonical.csv", out="{case}/ro/pkg"), 5,
         steps(mkdir("ro"), chmod("ro", 0o555)), ("ro",), confined=True),
    Case("rejects-folder-read-only", prep("{shared}/exports/canonical.csv", "canonical", "--rejects",
                                          "{case}/ro/r.csv"), 5, steps(mkdir("ro"), chmod("ro", 0o555)), ("ro",),
         confined=True),
    Case("mapping-unreadable", prep("{shared}/exports/canonical.csv", "{case}/m.yaml"), 5,
         steps(write("m.yaml", "name: x\n"), chmod("m.yaml", 0o000)), ("m.yaml",), confined=True),
    # ---- a full disk (a file-size limit: writes fail as on a full disk) -------------------------
    Case("disk-full-while-writing-the-package", prep("{case}/export.csv"), 5,
         write("export.csv", canonical_rows(20_000)), ("pkg",), file_limit=40_000),
]


def _ids() -> list[str]:
    return [c.id for c in CASES]


@pytest.fixture(scope="module")
def outcomes(shared: Shared, tmp_path_factory: pytest.TempPathFactory, confinement: bool) -> dict[str, Outcome]:
    cases = [c for c in CASES if confinement or not c.confined]
    return run_cases(cases, shared, tmp_path_factory.mktemp("inputs"), "inputs")


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 80 and len(set(_ids())) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_case(case: Case, outcomes: dict[str, Outcome], confinement: bool) -> None:
    if case.confined and not confinement:
        pytest.skip("permission bits do not stop this root process (no CAP_SETPCAP to drop its capabilities)")
    outcome = outcomes[case.id]
    check_outcome(case, outcome)
    if case.exit != 0:  # no package and no rejects file appeared
        for name in ("pkg", "pkg.rejects.csv"):
            assert (outcome.folder / name).exists() == (str(outcome.folder / name) in outcome.before)


def test_the_sentence_names_the_file_and_the_remedy(outcomes: dict[str, Outcome]) -> None:
    """A gzip file is not "not UTF-8 text, try cp1252": it says what it is and what to do."""
    message = outcomes["kind-gzip"].stderr
    assert "gzip" in message and "cp1252" not in message and "export.csv" in message
    assert "Excel" in outcomes["kind-xlsx"].stderr and "format: xlsx" in outcomes["kind-xlsx"].stderr
    assert "classeur Excel" in outcomes["kind-xlsx-fr"].stderr

