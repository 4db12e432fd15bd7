"""The cooperative's key files: linkage secret, campaign key pair, server secret.

All keys are files created by ``culturecoop keys init``, mode 0600, never committed or logged.
Members hold the linkage secret and the campaign *public* key; only the campaign sender holds
the campaign private key; the web app holds the server secret.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey, PublicKey

from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.files import (
    check_writable,
    commit,
    discard,
    naming,
    os_reason,
    partial_path,
    sweep_partials,
    uninterrupted,
)
from culturecoop.i18n import _

LINKAGE_SECRET = "linkage.secret"
CAMPAIGN_PUBLIC = "campaign.public"
CAMPAIGN_PRIVATE = "campaign.private"
SERVER_SECRET = "server.secret"
KEY_FILES = (LINKAGE_SECRET, CAMPAIGN_PUBLIC, CAMPAIGN_PRIVATE, SERVER_SECRET)


# A key file holds 64 hexadecimal digits and a newline; anything much longer is not one.
_MAX_KEY_FILE_BYTES = 4096


def init_keys(directory: Path, force: bool = False) -> list[Path]:
    """Create the four key files in ``directory`` (mode 0600) and return their paths.

    Refuses to overwrite existing keys unless ``force``: a new linkage secret breaks the
    linkage of every package already sent. Each file is written whole or not at all, and the
    four are put in place together (``files.atomic_file``, Ctrl-C held back meanwhile).
    """
    if directory.exists() and not directory.is_dir():
        raise UserError(
            _("{dir} is a file; give --dir the folder to create the key files in.").format(dir=directory),
            exit_code=EXIT_ENVIRONMENT,
        )
    existing = [name for name in KEY_FILES if (directory / name).exists() or (directory / name).is_symlink()]
    if existing and not force:
        raise UserError(
            _("Keys already exist in {dir} ({files}); use --force only if you mean to replace them, "
              "since a new linkage secret stops new packages from linking with old ones.").format(
                dir=directory, files=", ".join(existing))
        )
    check_writable(directory / LINKAGE_SECRET)
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    campaign = PrivateKey.generate()
    contents = {
        LINKAGE_SECRET: secrets.token_bytes(32),
        CAMPAIGN_PUBLIC: bytes(campaign.public_key),
        CAMPAIGN_PRIVATE: bytes(campaign),
        SERVER_SECRET: secrets.token_bytes(32),
    }
    for name in contents:
        target = directory / name
        if target.is_dir() and not target.is_symlink():  # refused before any key is replaced
            raise UserError(_("{path} is a folder, not a key file; move it away and run the command "
                              "again.").format(path=target), exit_code=EXIT_ENVIRONMENT)
    written: list[tuple[Path, Path]] = []
    try:
        for name, data in contents.items():
            sweep_partials(directory / name)
            partial = partial_path(directory / name)
            # Created with mode 0600 at once: a secret is never readable by others, even briefly.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            written.append((partial, directory / name))
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data.hex().encode() + b"\n")
            except OSError as exc:
                raise naming(exc, directory / name) from exc
        with uninterrupted():
            for partial, target in written:
                commit(partial, target)
    except BaseException:
        if created:  # nothing of a failed run stays behind, not even its empty folder
            for partial, _target in written:
                discard(partial)
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise
    finally:
        for partial, _target in written:
            discard(partial)
    return [directory / name for name in contents]


def _read_key(directory: Path, name: str) -> bytes:
    path = directory / name
    try:
        with path.open("rb") as f:
            raw = f.read(_MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        if not directory.is_dir():
            raise UserError(
                _("The key folder {dir} does not exist; point --keys to the folder holding the key files the "
                  "cooperative gave you (a member never creates its own: they would not match anyone else's; "
                  "the cooperative creates them once, with `culturecoop keys init`).").format(dir=directory)
            ) from None
        raise UserError(
            _("The key file {path} is missing; point --keys to the folder holding the key files the cooperative "
              "gave you, or ask the cooperative for {name} (a member never creates its own: they would not match "
              "anyone else's).").format(path=path, name=name)
        ) from None
    except NotADirectoryError:
        raise UserError(
            _("--keys {dir} is a file; give the folder that holds linkage.secret and campaign.public.").format(
                dir=directory)
        ) from None
    except IsADirectoryError:
        raise UserError(
            _("The key file {path} is a folder, not a key; restore the key file from your backup.").format(path=path)
        ) from None
    except PermissionError:
        raise UserError(
            _("The key file {path} cannot be read (permission denied); run the command as the account that owns "
              "the keys, or give this account read access to it.").format(path=path),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
    except OSError as exc:
        raise UserError(
            _("The key file {path} cannot be read ({reason}); restore it from your backup.").format(
                path=path, reason=os_reason(exc)),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
    try:
        if len(raw) > _MAX_KEY_FILE_BYTES:
            raise ValueError
        data = bytes.fromhex(raw.decode("ascii").strip())
    except ValueError:  # also bytes that are not ASCII text
        raise UserError(
            _("The key file {path} is not a key written by `culturecoop keys init`; restore it "
              "from your backup.").format(path=path)
        ) from None
    if len(data) != 32:
        raise UserError(
            _("The key file {path} has the wrong length; restore it from your backup.").format(path=path)
        )
    return data


@dataclass(frozen=True)
class MemberKeys:
    """What a member's machine needs to prepare a package."""

    linkage_secret: bytes
    campaign_public: PublicKey


def load_member_keys(directory: Path) -> MemberKeys:
    """Load the linkage secret and the campaign public key (never the private key)."""
    return MemberKeys(
        linkage_secret=_read_key(directory, LINKAGE_SECRET),
        campaign_public=PublicKey(_read_key(directory, CAMPAIGN_PUBLIC)),
    )


def load_campaign_private(directory: Path) -> PrivateKey:
    """Load the campaign private key (the campaign sender only)."""
    return PrivateKey(_read_key(directory, CAMPAIGN_PRIVATE))


def load_server_secret(directory: Path) -> bytes:
    return _read_key(directory, SERVER_SECRET)
