"""The cooperative's key files: linkage secret, campaign key pair, server secret.

All keys are files created by ``culturecoop keys init``, mode 0600, never committed or logged.
Members hold the linkage secret and the campaign *public* key; only the campaign sender holds
the campaign private key; the web app holds the server secret.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey, PublicKey

from culturecoop.errors import UserError
from culturecoop.i18n import _

LINKAGE_SECRET = "linkage.secret"
CAMPAIGN_PUBLIC = "campaign.public"
CAMPAIGN_PRIVATE = "campaign.private"
SERVER_SECRET = "server.secret"
KEY_FILES = (LINKAGE_SECRET, CAMPAIGN_PUBLIC, CAMPAIGN_PRIVATE, SERVER_SECRET)


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data.hex().encode() + b"\n")
    os.chmod(path, 0o600)


def init_keys(directory: Path, force: bool = False) -> list[Path]:
    """Create the four key files in ``directory`` (mode 0600) and return their paths.

    Refuses to overwrite existing keys unless ``force``: a new linkage secret breaks the
    linkage of every package already sent.
    """
    directory.mkdir(parents=True, exist_ok=True)
    existing = [name for name in KEY_FILES if (directory / name).exists()]
    if existing and not force:
        raise UserError(
            _("Keys already exist in {dir} ({files}); use --force only if you mean to replace them, "
              "since a new linkage secret stops new packages from linking with old ones.").format(
                dir=directory, files=", ".join(existing))
        )
    for name in existing:
        (directory / name).unlink()
    campaign = PrivateKey.generate()
    contents = {
        LINKAGE_SECRET: secrets.token_bytes(32),
        CAMPAIGN_PUBLIC: bytes(campaign.public_key),
        CAMPAIGN_PRIVATE: bytes(campaign),
        SERVER_SECRET: secrets.token_bytes(32),
    }
    paths = []
    for name, data in contents.items():
        _write_secret(directory / name, data)
        paths.append(directory / name)
    return paths


def _read_key(directory: Path, name: str) -> bytes:
    path = directory / name
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise UserError(
            _("The key file {path} is missing; create keys with `culturecoop keys init --dir {dir}` "
              "or point --keys to the folder that holds them.").format(path=path, dir=directory)
        ) from None
    try:
        data = bytes.fromhex(text)
    except ValueError:
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
