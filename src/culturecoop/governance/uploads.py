"""Packages sent through the dashboard or the API: unpack safely, verify, load, record.

A package is a folder; over HTTP it travels as a ``.zip`` or ``.tar.gz`` of that folder. The
archive is unpacked into a private temporary folder (no absolute paths, no ``..``, no links, no
devices, bounded size), verified with ``verify_package`` and only then loaded with
``load_package``. Nothing is written to the warehouse before the package is verified, except
the record that a refused upload happened.
"""

from __future__ import annotations

import json
import lzma
import secrets
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from culturecoop.analytics.wording import choices
from culturecoop.errors import UserError
from culturecoop.governance.accounts import Account, utcnow
from culturecoop.i18n import _, current_language
from culturecoop.ingest.load import load_package, rejects_by_reason
from culturecoop.ingest.package import MANIFEST, verify_package
from culturecoop.warehouse.engine import Warehouse

# Unpacked size limit: a package is Parquet (already compressed), so a large ratio means a bomb.
MAX_UNPACKED_RATIO = 20
MAX_MEMBERS = 64


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise UserError(
            _("The archive holds a file outside its folder ({name}); send an archive of the package folder only.").format(name=name),
            exit_code=3,
        )
    return path


def _not_a_package() -> UserError:
    return UserError(
        _("The file is not a contribution package: send a .zip or .tar.gz of the folder that the culturecoop prepare command writes."),
        exit_code=3,
    )


def _damaged_archive() -> UserError:
    return UserError(
        _("The archive is damaged or incomplete (it could not be unpacked); make it again from the package "
          "folder and send it again."),
        exit_code=3,
    )


def unpack_archive(archive: Path, into: Path, max_bytes: int) -> Path:
    """Unpack a .zip or .tar.gz of a package folder into ``into``; return the package folder."""
    try:
        return _unpack(archive, into, max_bytes)
    except (zipfile.BadZipFile, zlib.error, EOFError, tarfile.TarError, NotImplementedError, RuntimeError,
            lzma.LZMAError):
        # A truncated or corrupted archive fails while its members are read, not when opened
        # (a bad CRC, a stream cut short, an encrypted or unsupported zip member).
        raise _damaged_archive() from None


def _unpack(archive: Path, into: Path, max_bytes: int) -> Path:
    limit = max_bytes * MAX_UNPACKED_RATIO
    total = 0
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _not_a_package()
            for info in infos:
                target = into / _safe_name(info.filename)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                # A symbolic link stored in a zip carries S_IFLNK in its external attributes.
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise _not_a_package()
                total += info.file_size
                if total > limit:
                    raise _not_a_package()
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    else:
        try:
            tf = tarfile.open(archive, "r:*")  # noqa: SIM115 (closed by the with below)
        except (tarfile.TarError, OSError, EOFError):
            raise _not_a_package() from None
        with tf:
            try:
                members = tf.getmembers()
            except (tarfile.TarError, OSError, EOFError):
                raise _not_a_package() from None
            if len(members) > MAX_MEMBERS:
                raise _not_a_package()
            for member in members:
                target = into / _safe_name(member.name)
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                if not member.isfile():
                    raise _not_a_package()
                total += member.size
                if total > limit:
                    raise _not_a_package()
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tf.extractfile(member)
                if extracted is None:
                    raise _not_a_package()
                with extracted, target.open("wb") as dst:
                    shutil.copyfileobj(extracted, dst)
    if (into / MANIFEST).is_file():
        return into
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) == 1 and (folders[0] / MANIFEST).is_file():
        return folders[0]
    raise _not_a_package()


@dataclass
class UploadResult:
    upload_id: str
    member_id: str
    outcome: str
    package_sha256: str | None = None
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rejects: dict[str, int] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        return {
            "upload_id": self.upload_id,
            "member_id": self.member_id,
            "outcome": self.outcome,
            "package_sha256": self.package_sha256,
            "rows_loaded": self.rows_loaded,
            "rejects": self.rejects,
        }


def _record(warehouse: Warehouse, result: UploadResult, account: Account, size: int) -> None:
    with warehouse.transaction() as con:
        con.execute(
            "INSERT INTO package_upload VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [result.upload_id, result.member_id, account.account_id, utcnow(), size,
             result.package_sha256, result.outcome, json.dumps(result.rejects) if result.rejects else None],
        )


def _display_name(name: str | None) -> str:
    """How messages name an upload: the sender's file name (no folders, no control characters),
    never the temporary path it was unpacked to on the server."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    clean = "".join(c for c in base if c.isprintable()).strip()[:80]
    return clean or "package"


def receive_package(
    warehouse: Warehouse, account: Account, member_id: str, archive: Path, *, max_bytes: int,
    name: str | None = None,
) -> UploadResult:
    """Unpack, verify and load an uploaded package for ``member_id`` on behalf of ``account``.

    The package must be ``member_id``'s; a member account may only send its own member's.
    ``name`` is the file name the sender gave: errors name it, never a path on the server.
    """
    if not account.is_coop_admin and account.member_id != member_id:
        raise UserError(_("You can only send packages of your own member."), exit_code=4)
    size = archive.stat().st_size
    upload_id = secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="culturecoop-upload-") as tmp:
        try:
            folder = unpack_archive(archive, Path(tmp), max_bytes)
            package = verify_package(folder, label=_display_name(name))
            if package.member.member_id != member_id:
                raise UserError(
                    _("This package belongs to member {found}, not {member}; send it from that member's account.").format(
                        found=package.member.member_id, member=member_id),
                    exit_code=4,
                )
        except UserError:
            _record(warehouse, UploadResult(upload_id, member_id, "refused"), account, size)
            raise
        summary = load_package(warehouse, package)
    result = UploadResult(
        upload_id=upload_id,
        member_id=member_id,
        outcome="already_ingested" if summary.already_ingested else "loaded",
        package_sha256=package.sha256,
        rows_loaded={name: t.rows for name, t in summary.tables.items()},
        rejects=rejects_by_reason(package.manifest),
    )
    _record(warehouse, result, account, size)
    return result


def member_ingests(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    """The member's loaded packages, newest first, with row conservation and rejection reasons
    (remembered until the data changes; the caller gets its own copy)."""
    kept = warehouse.remember(("ingests", member_id), lambda: _member_ingests(warehouse, member_id))
    return [{**row, "rows_loaded": dict(row["rows_loaded"]), "rejects": dict(row["rejects"])} for row in kept]


def member_consent_basis(warehouse: Warehouse, member_id: str) -> dict[str, Any] | None:
    """What the member's latest package says about consent (sources per purpose and the basis
    stated for defaults), for the Data and Transparency pages; None before any package."""
    for ingest in member_ingests(warehouse, member_id):
        if ingest.get("consent"):
            consent: dict[str, Any] = ingest["consent"]
            return consent
    return None


def _member_ingests(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    rows = warehouse.query(
        """SELECT l.package_sha256, l.profile, l.created_at, l.ingested_at, l.rows_in,
                  l.rows_rejected, l.rows_loaded, l.consent,
                  (SELECT any_value(u.rejects) FROM package_upload u
                    WHERE u.package_sha256 = l.package_sha256 AND u.rejects IS NOT NULL) AS rejects
           FROM ingest_log l WHERE l.member_id = ? ORDER BY l.ingested_at DESC""",
        [member_id],
    )
    out = []
    for row in rows:
        loaded = json.loads(row["rows_loaded"] or "{}")
        refunds = loaded.pop("refunds_merged", 0)
        unnamed = loaded.pop("unnamed_rows", 0)
        not_tickets = loaded.pop("not_tickets", 0)
        # Reasons sent with the package itself (any ingest), or recorded by the web upload.
        reasons = loaded.pop("rejects_by_reason", {})
        rows_in, rejected = row["rows_in"], row["rows_rejected"]
        accepted = None if rows_in is None or rejected is None else rows_in - rejected
        out.append({
            "package_sha256": row["package_sha256"],
            "profile": row["profile"],
            "created_at": row["created_at"],
            "ingested_at": row["ingested_at"],
            "rows_in": rows_in,
            "rows_rejected": rejected,
            "rows_accepted": accepted,
            "rows_loaded": loaded,
            "refunds_merged": refunds,
            "unnamed_rows": unnamed,
            "not_tickets": not_tickets,
            "rejects": json.loads(row["rejects"]) if row["rejects"] else reasons,
            "consent": json.loads(row["consent"]) if row["consent"] else None,
        })
    return out


def member_uploads(warehouse: Warehouse, member_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The member's recent uploads through the web, refused ones included."""
    return warehouse.query(
        """SELECT upload_id, uploaded_at, bytes, package_sha256, outcome FROM package_upload
           WHERE member_id = ? ORDER BY uploaded_at DESC LIMIT ?""",
        [member_id, limit],
    )


def member_table_rows(warehouse: Warehouse, member_id: str) -> dict[str, int]:
    """Rows the warehouse holds for one member, per contributed table (remembered until the data
    changes)."""
    from culturecoop.schema.model import CONTRIBUTED_TABLES

    def count() -> dict[str, int]:
        sql = " UNION ALL ".join(
            f"SELECT '{t.name}' AS name, count(*) AS n FROM {t.name} WHERE member_id = $member" for t in CONTRIBUTED_TABLES)
        found = {str(r["name"]): int(r["n"]) for r in warehouse.query(sql, {"member": member_id})}
        return {t.name: found[t.name] for t in CONTRIBUTED_TABLES}

    return dict(warehouse.remember(("table_rows", member_id), count))


def list_members(warehouse: Warehouse) -> list[dict[str, Any]]:
    return warehouse.query("SELECT member_id, name, kind, region FROM member ORDER BY member_id")


def member_names(warehouse: Warehouse) -> dict[str, str]:
    """Each member's name by its identifier (what pages show; the identifier is for URLs and files),
    remembered until the next change of data."""
    return dict(warehouse.remember(("members", "names"),
                                   lambda: {str(m["member_id"]): str(m["name"] or m["member_id"]) for m in list_members(warehouse)}))


def add_member(warehouse: Warehouse, member_id: str, name: str, kind: str, region: str | None) -> None:
    """Register a member before its first package (onboarding by the cooperative admin)."""
    from culturecoop.schema.model import MEMBER_KINDS, is_member_id

    member_id = member_id.strip()
    if not is_member_id(member_id):
        raise UserError(_("A member identifier uses letters, digits, - and _ only, e.g. jazz-dieze."))
    if kind not in MEMBER_KINDS:
        raise UserError(_("Unknown kind {kind}; use one of {kinds}.").format(kind=kind, kinds=choices("member_kind", MEMBER_KINDS, current_language())))
    if warehouse.scalar("SELECT count(*) FROM member WHERE member_id = ?", [member_id]):
        raise UserError(_("The member {member} already exists.").format(member=member_id), exit_code=4)
    with warehouse.transaction() as con:
        con.execute("INSERT INTO member VALUES (?, ?, ?, ?)", [member_id, name.strip() or member_id, kind, region or None])
