"""Bad input to `culturecoop prepare`: one clear sentence, a non-zero exit, nothing half-written.

Every case runs the real command in a subprocess, as a member would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from culturecoop.ingest.profile import PROFILE_DIR
from test_prepare_support import EXPORTS, run_cli


def prepare_fails(tmp_path: Path, keys: Path, source: Path | str, *options: str) -> str:
    """Run prepare expecting failure; return the one-line message after checking the rules."""
    out = tmp_path / "pkg"
    args = ["prepare", str(source), "--member", "m1", "--keys", str(keys), "--out", str(out), *options]
    if "--profile" not in options and "--mapping" not in options:
        args += ["--profile", "canonical"]
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    message = lines[0].removeprefix("Error: ")
    assert message.endswith(".") and message[0].isupper()
    # Nothing half-written: no package, no temporary folder, no rejects file.
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".pkg", "pkg")))
    if "--out" in message or "already exists" in message:
        leftovers = [p for p in leftovers if p != "pkg"]
    assert leftovers == [], leftovers
    return message


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file(tmp_path: Path, keys: Path) -> None:
    message = prepare_fails(tmp_path, keys, tmp_path / "nowhere.csv")
    assert "nowhere.csv does not exist" in message


def test_unknown_profile_lists_the_builtins(tmp_path: Path, keys: Path) -> None:
    message = prepare_fails(tmp_path, keys, EXPORTS / "canonical.csv", "--profile", "tessitura")
    assert "no built-in profile named tessitura" in message
    for name in ("canonical", "billetterie-fr", "festival-jsonl", "orchestra-tsv", "museum-xlsx"):
        assert name in message


def test_malformed_mapping_yaml(tmp_path: Path, keys: Path) -> None:
    mapping = write_mapping(tmp_path, "name: x\ncolumns: [ticket_id: {\n")
    message = prepare_fails(tmp_path, keys, EXPORTS / "canonical.csv", "--mapping", str(mapping))
    assert "not well-formed YAML" in message and "line" in message


def test_mapping_with_unknown_canonical_field(tmp_path: Path, keys: Path) -> None:
    text = (PROFILE_DIR / "canonical.yaml").read_text(encoding="utf-8")
    mapping = write_mapping(tmp_path, text.replace("  email: email", "  e_mail: email"))
    message = prepare_fails(tmp_path, keys, EXPORTS / "canonical.csv", "--mapping", str(mapping))
    assert "e_mail is not a canonical field" in message and "did you mean email" in message


def test_mapping_with_unknown_setting(tmp_path: Path, keys: Path) -> None:
    text = (PROFILE_DIR / "canonical.yaml").read_text(encoding="utf-8")
    mapping = write_mapping(tmp_path, text.replace("delimiter:", "delimeter:"))
    message = prepare_fails(tmp_path, keys, EXPORTS / "canonical.csv", "--mapping", str(mapping))
    assert "unknown setting delimeter" in message and "did you mean delimiter" in message


def test_windows_1252_file_read_as_utf8(tmp_path: Path, keys: Path) -> None:
    text = (PROFILE_DIR / "billetterie-fr.yaml").read_text(encoding="utf-8")
    mapping = write_mapping(tmp_path, text.replace("encoding: cp1252", "encoding: utf-8"))
    message = prepare_fails(tmp_path, keys, EXPORTS / "billetterie-fr.csv", "--mapping", str(mapping))
    assert "is not UTF-8 text" in message and "encoding: cp1252" in message


def test_utf8_file_read_as_windows_1252(tmp_path: Path, keys: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_bytes((EXPORTS / "billetterie-fr.csv").read_bytes().decode("cp1252").encode("utf-8"))
    message = prepare_fails(tmp_path, keys, source, "--profile", "billetterie-fr")
    assert "looks like UTF-8" in message and "encoding: utf-8" in message


def test_missing_columns_are_named_with_the_closest_present(tmp_path: Path, keys: Path) -> None:
    source = tmp_path / "export.csv"
    lines = (EXPORTS / "canonical.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("ticket_id", "ticket_no").replace(",email,", ",courriel,")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = prepare_fails(tmp_path, keys, source)
    assert '"ticket_id" (closest present: "ticket_no")' in message
    assert '"email"' in message


def test_empty_file(tmp_path: Path, keys: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_bytes(b"")
    assert "export.csv is empty" in prepare_fails(tmp_path, keys, source)
    source.write_text("\n\n  \n", encoding="utf-8")
    assert "export.csv is empty" in prepare_fails(tmp_path, keys, source)


def test_header_only_file(tmp_path: Path, keys: Path) -> None:
    source = tmp_path / "export.csv"
    header = (EXPORTS / "canonical.csv").read_text(encoding="utf-8").splitlines()[0]
    source.write_text(header + "\n\n", encoding="utf-8")
    assert "has a header but no data rows" in prepare_fails(tmp_path, keys, source)


def test_output_already_exists(tmp_path: Path, keys: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mine.txt").write_text("keep me")
    message = prepare_fails(tmp_path, keys, EXPORTS / "canonical.csv")
    assert "already exists" in message
    assert (tmp_path / "pkg" / "mine.txt").read_text() == "keep me"


def test_keys_missing(tmp_path: Path, keys: Path) -> None:
    empty = tmp_path / "nokeys"
    empty.mkdir()
    message = prepare_fails(tmp_path, empty, EXPORTS / "canonical.csv")
    assert "linkage.secret is missing" in message and "key files the cooperative gave you" in message


def test_not_a_workbook(tmp_path: Path, keys: Path) -> None:
    source = tmp_path / "export.xlsx"
    shutil.copy(EXPORTS / "canonical.csv", source)
    message = prepare_fails(tmp_path, keys, source, "--profile", "museum-xlsx")
    assert "not an Excel workbook" in message


def test_rejects_file_inside_the_package_is_refused(tmp_path: Path, keys: Path) -> None:
    message = prepare_fails(tmp_path, keys, EXPORTS / "canonical.csv",
                            "--rejects", str(tmp_path / "pkg" / "rejects.csv"))
    assert "must not be inside the package" in message
