"""Key files: created private, never overwritten by accident, loaded for members without the private key."""

from __future__ import annotations

import stat
from pathlib import Path

from conftest import run_cli
from culturecoop.privacy.keys import KEY_FILES, load_member_keys


def test_keys_init_creates_private_files(tmp_path: Path) -> None:
    result = run_cli("keys", "init", "--dir", str(tmp_path / "keys"))
    assert result.returncode == 0, result.stderr
    for name in KEY_FILES:
        mode = stat.S_IMODE((tmp_path / "keys" / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    keys = load_member_keys(tmp_path / "keys")
    assert len(keys.linkage_secret) == 32


def test_keys_init_refuses_to_overwrite(tmp_path: Path) -> None:
    assert run_cli("keys", "init", "--dir", str(tmp_path)).returncode == 0
    before = (tmp_path / "linkage.secret").read_bytes()
    again = run_cli("keys", "init", "--dir", str(tmp_path))
    assert again.returncode == 2
    assert "--force" in again.stderr and "Traceback" not in again.stderr
    assert (tmp_path / "linkage.secret").read_bytes() == before


def test_missing_key_is_one_sentence(tmp_path: Path) -> None:
    import pytest

    from culturecoop.errors import UserError

    # A member is told to use the cooperative's key files, not to make keys of its own.
    with pytest.raises(UserError, match="key files the cooperative gave you"):
        load_member_keys(tmp_path)
    with pytest.raises(UserError, match="key files the cooperative gave you"):
        load_member_keys(tmp_path / "absent")
