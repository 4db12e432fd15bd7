"""Damaged and tampered packages sent through the dashboard and the API: a 4xx with one sentence
that names the file the sender sent, never a path on the server, never a 500 or a traceback;
nothing is loaded. Every answer is kept under test-artifacts/faults/web/."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from faults.builders import cut_table, edit_manifest, rehash
from faults.conftest import ARTIFACTS, Shared

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

MEMBER = "m1"
PASSWORD = "correct horse battery"


def tar_gz(folder: Path, *, extra: Callable[[tarfile.TarFile], None] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        tf.add(folder, arcname="pkg")
        if extra is not None:
            extra(tf)
    return buffer.getvalue()


def zip_bytes(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, "pkg/" + str(path.relative_to(folder)))
    return buffer.getvalue()


def bad_crc_zip(folder: Path) -> bytes:
    data = bytearray(zip_bytes(folder))
    at = data.find(b"PAR1", 100)  # inside a stored-then-deflated member: damage its bytes
    data[at + 40:at + 60] = b"\x00" * 20
    return bytes(data)


def tampered(shared: Shared, change: Callable[[Path], None]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tampered-", dir=shared.root)) / "pkg"
    shutil.copytree(shared.package, folder)
    change(folder)
    return folder


def _symlink_member(tf: tarfile.TarFile) -> None:
    info = tarfile.TarInfo("pkg/evil")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    tf.addfile(info)


def _escaping_member(tf: tarfile.TarFile) -> None:
    data = b"x"
    info = tarfile.TarInfo("../../escaped.txt")
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def _other_member(shared: Shared) -> Path:
    from packages import make_package

    return make_package(Path(tempfile.mkdtemp(prefix="other-", dir=shared.root)) / "pkg", "m2", n_tickets=20)


# name: (archive builder, file name sent, expected statuses, words of the message)
UPLOADS: dict[str, tuple[Callable[[Shared], bytes], str, tuple[int, ...], tuple[str, ...]]] = {
    "truncated-table-rehashed": (lambda s: tar_gz(tampered(s, cut_table("ticket", 0.5))), "juin.tar.gz", (422,),
                                 ("ticket.parquet", "juin.tar.gz")),
    "truncated-table-rehashed-zip": (lambda s: zip_bytes(tampered(s, cut_table("ticket", 0.5))), "juin.zip", (422,),
                                     ("ticket.parquet", "juin.zip")),
    "checksum-mismatch": (lambda s: tar_gz(tampered(s, cut_table("patron", 0.5, rehashed=False))), "p.tar.gz",
                          (422,), ("checksum", "p.tar.gz")),
    "manifest-not-json": (lambda s: tar_gz(tampered(s, lambda p: (p / "manifest.json").write_text("{"))),
                          "m.tar.gz", (422,), ("manifest",)),
    "manifest-rows-a-string": (lambda s: tar_gz(tampered(s, edit_manifest(lambda m: m.update(rows="x")))),
                               "m.tar.gz", (422,), ("manifest",)),
    "wrong-columns-rehashed": (lambda s: tar_gz(tampered(s, _rename_column)), "c.tar.gz", (422,), ("columns",)),
    "archive-truncated": (lambda s: tar_gz(s.package)[:2000], "cut.tar.gz", (422,), ()),
    "zip-truncated": (lambda s: zip_bytes(s.package)[:3000], "cut.zip", (422,), ()),
    "zip-bad-crc": (lambda s: bad_crc_zip(s.package), "crc.zip", (422,), ("archive",)),
    "random-bytes-as-zip": (lambda s: bytes(range(256)) * 50, "noise.zip", (422,), ()),
    "csv-as-tar-gz": (lambda s: b"ticket_id,member_id\nT1,m1\n", "export.tar.gz", (422,), ()),
    "symlink-inside": (lambda s: tar_gz(s.package, extra=_symlink_member), "l.tar.gz", (422,), ()),
    "path-escaping-member": (lambda s: tar_gz(s.package, extra=_escaping_member), "e.tar.gz", (422,), ()),
    "another-members-package": (lambda s: tar_gz(_other_member(s)), "m2.tar.gz", (409,), ("m2",)),
    "empty-file": (lambda s: b"", "vide.zip", (400,), ()),
    "not-an-archive-name": (lambda s: tar_gz(s.package), "export.csv", (415,), ()),
    "server-path-as-file-name": (lambda s: tar_gz(tampered(s, cut_table("event", 0.3))), "/srv/secret/../pkg.tar.gz",
                                 (422,), ("pkg.tar.gz",)),
}


def _rename_column(package: Path) -> None:
    import pyarrow.parquet as pq

    path = package / "ticket.parquet"
    table = pq.read_table(path)
    pq.write_table(table.rename_columns(["x" if n == "quantity" else n for n in table.column_names]), path)
    rehash(package, "ticket")


@pytest.fixture(scope="module")
def web(shared: Shared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from culturecoop.governance.accounts import create_account
    from culturecoop.governance.sessions import create_token
    from culturecoop.warehouse.engine import Warehouse
    from culturecoop.web import Settings, create_app

    db = tmp_path_factory.mktemp("web") / "coop.duckdb"
    shutil.copy(shared.coop, db)
    with Warehouse(db) as w:
        account = create_account(w, email="admin@m1.test", password=PASSWORD, role="member_admin", member_id=MEMBER,
                                 display_name="Admin m1", language="en")
        token = create_token(w, account, "faults")[1]
    application = create_app(Settings(db=db, warmup=False))
    yield {"app": application, "token": token, "db": db}
    application.state.pool.close()


def _counts(web: dict[str, Any]) -> tuple[int, int]:
    with web["app"].state.pool.connection() as w:
        return int(w.scalar("SELECT count(*) FROM ingest_log")), int(w.scalar("SELECT count(*) FROM ticket"))


def _server_paths() -> tuple[str, ...]:
    return (tempfile.gettempdir() + "/", "culturecoop-upload", "culturecoop-archive", "/tmp/", "package.bin")


@pytest.mark.parametrize("name", list(UPLOADS))
def test_upload_through_the_api(web: dict[str, Any], shared: Shared, name: str) -> None:
    build, filename, statuses, words = UPLOADS[name]
    before = _counts(web)
    with TestClient(web["app"], base_url="https://testserver") as client:
        response = client.post(f"/api/v1/members/{MEMBER}/packages",
                               headers={"Authorization": f"Bearer {web['token']}", "Accept-Language": "en"},
                               files={"file": (filename, build(shared), "application/octet-stream")})
    out = ARTIFACTS / "web"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"api-{name}.txt").write_text(f"# POST packages as {filename}\n# status: {response.status_code}\n"
                                         f"{response.text}\n", encoding="utf-8")
    assert response.status_code in statuses, response.text
    body = response.json()
    message = body["error"]["message"]
    assert "Traceback" not in response.text
    for fragment in _server_paths():
        assert fragment not in response.text, f"the answer discloses {fragment!r}: {message}"
    for word in words:
        assert word.lower() in message.lower(), message
    assert message.endswith(".") and "\n" not in message
    assert _counts(web) == before, "something was loaded"


def test_upload_through_the_data_page(web: dict[str, Any], shared: Shared) -> None:
    """The page shows the same sentence, in the reader's language, and no server path either."""
    import re

    build, filename, _statuses, _words = UPLOADS["truncated-table-rehashed"]
    with TestClient(web["app"], base_url="https://testserver", follow_redirects=False) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        login = client.post("/login", data={"email": "admin@m1.test", "password": PASSWORD,
                                            "csrf_token": csrf.group(1)})
        assert login.status_code == 303
        data_page = client.get(f"/m/{MEMBER}/data")
        token = re.search(r'name="csrf_token" value="([^"]+)"', data_page.text)
        assert token
        response = client.post(f"/m/{MEMBER}/data", data={"csrf_token": token.group(1)},
                               files={"file": (filename, build(shared), "application/gzip")})
    (ARTIFACTS / "web" / "page-truncated-table-rehashed.html").write_text(response.text, encoding="utf-8")
    assert response.status_code == 422
    assert "ticket.parquet" in response.text and filename in response.text
    assert "damaged" in response.text
    for fragment in _server_paths():
        assert fragment not in response.text, fragment
    assert "Traceback" not in response.text


def test_uploads_recorded_as_refused(web: dict[str, Any], shared: Shared) -> None:
    """Every refused upload leaves one 'refused' line in the upload log (this test's own included)."""
    def outcomes() -> list[str]:
        with web["app"].state.pool.connection() as w:
            return [r["outcome"] for r in w.query("SELECT outcome FROM package_upload")]
    before = outcomes()
    build, filename, _statuses, _words = UPLOADS["truncated-table-rehashed"]
    with TestClient(web["app"], base_url="https://testserver") as client:
        response = client.post(f"/api/v1/members/{MEMBER}/packages",
                               headers={"Authorization": f"Bearer {web['token']}", "Accept-Language": "en"},
                               files={"file": (filename, build(shared), "application/octet-stream")})
    assert response.status_code == 422, response.text
    after = outcomes()
    assert len(after) == len(before) + 1 and set(after) == {"refused"}, after
    json.dumps(after)
