"""Why the system refused a file: in the reader's language. A French sentence read « le dossier
/proc n’accepte pas de nouveaux fichiers (No such file or directory) » or « ne peut pas être écrite
dans … (Permission denied) »: the C library's English (``strerror``) inside it."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_cli
from culturecoop.files import os_reason
from culturecoop.i18n import set_language

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ("No such file", "Permission denied", "Read-only", "directory")


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language(None)


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EEXIST,
                                  errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG, errno.EADDRINUSE, errno.ENXIO])
def test_every_system_refusal_is_said_in_french(french: None, code: int) -> None:
    reason = os_reason(OSError(code, os.strerror(code), "x"))
    assert reason != os.strerror(code)
    assert not any(word in reason for word in ENGLISH), reason


@pytest.mark.parametrize("args", [
    ("synth", "--out", "/proc/culturecoop-test/out", "--patrons", "10"),
    ("keys", "init", "--dir", "/proc/culturecoop-test-keys"),
    ("mapping", "draft", str(ROOT / "tests" / "fixtures" / "exports" / "canonical.csv"), "--out", "/proc/m.yaml"),
])
def test_a_folder_that_takes_no_file_is_one_french_sentence(args: tuple[str, ...]) -> None:
    if not Path("/proc/self").exists():
        pytest.skip("no /proc on this system")
    result = run_cli(*args, lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode in (2, 5), words
    assert words.startswith("Erreur :") and "Traceback" not in words
    assert "n’existe pas" in words and not any(word in words for word in ENGLISH), words


@pytest.mark.parametrize("exc", [UnicodeDecodeError("utf-8", b"ab\xfbcd", 2, 3, "invalid start byte"),
                                 UnicodeEncodeError("cp1252", "a\u0153\u4e00", 2, 3, "character maps to <undefined>")])
def test_text_in_another_encoding_is_said_in_french(french: None, exc: UnicodeError) -> None:
    from culturecoop.boundary import explain

    error = explain(exc)
    assert error is not None and error.exit_code == 2
    assert not any(word in error.message for word in ("codec", "invalid start byte", "maps to", "can't")), error.message
    assert "0xfb" in error.message or "CP1252" in error.message


def test_a_binary_patron_list_is_named_not_decoded(tmp_path: Path) -> None:
    listing = tmp_path / "recs.csv"
    listing.write_bytes(b"\x00\xfb\xff" * 100)
    export = tmp_path / "export.csv"
    export.write_text("patron_id\nC1\n", encoding="utf-8")
    keys = tmp_path / "keys"
    assert run_cli("keys", "init", "--dir", str(keys)).returncode == 0
    result = run_cli("reco", "ids", str(listing), "--export", str(export), "--member", "m1", "--keys", str(keys),
                     "--out", str(tmp_path / "ids.csv"), lang="fr")
    words = " ".join(result.stderr.split())
    assert result.returncode == 2, words
    assert "n’est pas une liste de `reco patrons`" in words and "codec" not in words
    assert not (tmp_path / "ids.csv").exists()
