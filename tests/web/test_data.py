"""The Data tab and the package API: safe unpacking, verification before any write, clear refusals."""

from __future__ import annotations

import html
import io
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from culturecoop.web import Settings, create_app
from packages import make_package
from web.conftest import MEMBERS, Coop, login, new_client, page_csrf

A, B = MEMBERS["A"], MEMBERS["B"]


def zip_of(folder: Path, *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for file in sorted(folder.iterdir()):
            zf.write(file, f"{folder.name}/{file.name}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


def tgz_of(folder: Path, *, link: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        tf.add(folder, arcname=folder.name)
        if link:
            info = tarfile.TarInfo(f"{folder.name}/evil")
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tf.addfile(info)
    return buffer.getvalue()


def counts(app, member: str) -> tuple[int, int]:
    with app.state.pool.connection() as w:
        return (w.scalar("SELECT count(*) FROM ticket WHERE member_id = ?", [member]),
                w.scalar("SELECT count(*) FROM ingest_log WHERE member_id = ?", [member]))


@pytest.fixture
def analyst(app, coop: Coop):
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        yield c


def upload(client, archive: bytes, name: str = "pkg.zip", member: str = A):
    token = page_csrf(client, f"/m/{member}/data") if client.cookies.get("cc_session") else ""
    return client.post(f"/m/{member}/data", data={"csrf_token": token}, files={"file": (name, archive, "application/octet-stream")})


def test_upload_a_zip_and_see_its_rows(app, analyst, tmp_path: Path) -> None:
    before = counts(app, A)
    package = make_package(tmp_path / "pkg", A, n_tickets=300, offset=10_000)
    response = upload(analyst, zip_of(package))
    assert response.status_code == 201, response.text[-800:]
    assert "Paquet chargé : 300 billets" in response.text
    after = counts(app, A)
    assert after == (before[0] + 300, before[1] + 1)
    page = analyst.get(f"/m/{A}/data")
    assert f'data-table-rows="ticket">{after[0]:,}'.replace(",", "\u00a0") in page.text
    again = upload(analyst, zip_of(package))
    assert again.status_code == 200 and "déjà chargé" in again.text
    assert counts(app, A) == after


def test_upload_through_the_api_as_tar_gz(app, coop: Coop, tmp_path: Path) -> None:
    package = make_package(tmp_path / "pkg", A, n_tickets=100, offset=20_000)
    with new_client(app) as api:
        response = api.post(f"/api/v1/members/{A}/packages",
                            headers={"Authorization": f"Bearer {coop.tokens['A-analyst']}"},
                            files={"file": ("pkg.tar.gz", tgz_of(package), "application/gzip")})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["outcome"] == "loaded" and body["rows_loaded"]["ticket"] == 100
        ingests = api.get(f"/api/v1/members/{A}/ingests", headers={"Authorization": f"Bearer {coop.tokens['A-analyst']}"}).json()
        assert body["package_sha256"] in [i["package_sha256"] for i in ingests["data"]]
        row = next(i for i in ingests["data"] if i["package_sha256"] == body["package_sha256"])
        assert row["rows_in"] == row["rows_accepted"] == 100 and row["rows_rejected"] == 0


@pytest.mark.parametrize("case", ["traversal", "absolute", "symlink", "not-an-archive", "no-manifest", "tampered"])
def test_bad_archives_are_refused_before_anything_is_written(app, analyst, tmp_path: Path, case: str) -> None:
    package = make_package(tmp_path / "pkg", A, n_tickets=100, offset=30_000)
    name = "pkg.zip"
    if case == "traversal":
        archive = zip_of(package, extra={"../../escape.txt": b"x"})
    elif case == "absolute":
        archive = zip_of(package, extra={"/tmp/escape.txt": b"x"})
    elif case == "symlink":
        archive, name = tgz_of(package, link=True), "pkg.tar.gz"
    elif case == "not-an-archive":
        archive = b"PK\x03\x04 this is not really a zip" * 10
    elif case == "no-manifest":
        (package / "manifest.json").unlink()
        archive = zip_of(package)
    else:
        (package / "ticket.parquet").write_bytes((package / "ticket.parquet").read_bytes()[:-10] + b"0" * 10)
        archive = zip_of(package)
    before = counts(app, A)
    response = upload(analyst, archive, name)
    assert response.status_code == 422, (case, response.status_code)
    assert "Traceback" not in response.text and 'class="error"' in response.text
    assert counts(app, A) == before
    assert not Path("/tmp/escape.txt").exists()


def test_wrong_type_and_other_members_package_are_refused(app, analyst, coop: Coop) -> None:
    wrong_type = upload(analyst, b"a,b\n1,2\n", "export.csv")
    assert wrong_type.status_code == 415 and ".zip" in wrong_type.text
    # A raw export: one sentence that it never leaves the member's computer, and what to do there — in
    # the venue's words, not a repository's path (« docs/member-app.md ») nor an English heading.
    said = " ".join(html.unescape(re.findall(r'<p class="error" role="alert">(.*?)</p>', wrong_type.text, re.S)[0]).split())
    assert "les exports bruts ne quittent jamais votre ordinateur" in said and "l’application membre" in said, said
    assert "jeton d’API de votre page Compte" in said and ".tar.gz" in said, said
    assert not re.search(r"docs/|README|\.md\b|For members", said), said
    assert '<p class="error" role="alert">' in wrong_type.text and 'name="file"' in wrong_type.text  # on the Data page
    for name in ("ventes.xlsx", "ventes.JSONL", "export.tsv"):
        assert upload(analyst, b"x", name).status_code == 415
    other_type = upload(analyst, b"x", "notes.pdf")
    assert other_type.status_code == 415 and "raw export" not in other_type.text and ".zip" in other_type.text
    before = counts(app, B)
    other = upload(analyst, zip_of(coop.packages[B]))
    assert other.status_code == 409 and "appartient au membre" in other.text
    assert counts(app, B) == before
    empty = upload(analyst, b"", "pkg.zip")
    assert empty.status_code in (400, 422)


def test_too_large_upload_is_refused_with_a_clear_message(coop: Coop, tmp_path: Path) -> None:
    small = create_app(Settings(db=coop.db, max_upload_mb=0.01))
    try:
        with new_client(small) as c:
            login(c, coop.emails["A-analyst"])
            token = page_csrf(c, f"/m/{A}/data")
            response = c.post(f"/m/{A}/data", data={"csrf_token": token},
                              files={"file": ("pkg.zip", b"0" * 200_000, "application/zip")})
            assert response.status_code == 413
            assert "trop volumineux" in response.text and "Traceback" not in response.text
            api = c.post(f"/api/v1/members/{A}/packages", headers={"Authorization": f"Bearer {coop.tokens['A-analyst']}"},
                         files={"file": ("pkg.zip", b"0" * 200_000, "application/zip")})
            assert api.status_code == 413 and api.json()["error"]["status"] == 413
    finally:
        small.state.pool.close()


def test_rejected_rows_are_shown_by_reason(app, analyst, tmp_path: Path) -> None:
    from culturecoop.ingest.package import MemberInfo, write_package
    from packages import build_tables

    tables = build_tables(A, 80, offset=60_000)
    package = tmp_path / "with-rejects"
    write_package(package, tables, member=MemberInfo(A, "Club de jazz Le Dièse", "jazz_club", "Montréal"),
                  profile="billetterie-fr", rows={"in": 83, "accepted": 80, "rejected": 3}, source_name="x.csv",
                  extra={"rejects_by_reason": {"negative_price": 2, "missing_event_id": 1}})
    response = upload(analyst, zip_of(package))
    assert response.status_code == 201
    page = analyst.get(f"/m/{A}/data").text
    # In the reader's words, never the rule's code.
    assert "prix négatif : 2" in page and "pas d’identifiant d’événement : 1" in page.replace("&#39;", "’")
    assert "negative_price" not in page and "negative price" not in page
    api = analyst.get(f"/api/v1/members/{A}/ingests").json()
    row = next(r for r in api["data"] if r["profile"] == "billetterie-fr")
    assert row["rows_in"] == 83 and row["rows_rejected"] == 3 and row["rows_accepted"] == 80
    assert row["rejects"] == {"negative_price": 2, "missing_event_id": 1}


def test_refund_rows_applied_to_their_sales_leave_every_row_accounted_for(app, analyst, tmp_path: Path) -> None:
    """An export with refunds: each refund row is accepted and applied to the sale it refunds, so
    the package holds fewer tickets than accepted rows. The page said « ≠ » (a package to check)."""
    from culturecoop.ingest.package import MemberInfo, write_package
    from packages import build_tables

    tables = build_tables(A, 80, offset=70_000)
    package = tmp_path / "with-refunds"
    write_package(package, tables, member=MemberInfo(A, "Club de jazz Le Dièse", "jazz_club", "Montréal"),
                  profile="pretix-refunds", rows={"in": 90, "accepted": 88, "rejected": 2}, source_name="x.csv",
                  extra={"rejects_by_reason": {"negative_price": 2}, "refunds_merged": 8})
    assert upload(analyst, zip_of(package)).status_code == 201
    page = analyst.get(f"/m/{A}/data").text
    row = page[page.index("pretix-refunds"):].split("</tr>")[0]
    assert "✓" in row and "≠" not in row and "8 lignes de remboursement appliquées aux ventes" in row.replace("&#39;", "’")
    api = analyst.get(f"/api/v1/members/{A}/ingests").json()
    listed = next(r for r in api["data"] if r["profile"] == "pretix-refunds")
    assert listed["rows_accepted"] == listed["rows_loaded"]["ticket"] + listed["refunds_merged"] == 88


def test_rows_that_sold_no_ticket_are_said_on_the_data_page(app, analyst, tmp_path: Path) -> None:
    """A Zeffy export's donations are left out by prepare and counted in the manifest; the page,
    which accounts for every row of the export, did not say where those rows went."""
    from culturecoop.ingest.load import load_package
    from culturecoop.ingest.package import MemberInfo, verify_package, write_package
    from packages import build_tables

    tables = build_tables(A, 40, offset=90_000)
    package = tmp_path / "with-donations"
    write_package(package, tables, member=MemberInfo(A, "Club de jazz Le Dièse", "jazz_club", "Montréal"),
                  profile="zeffy-with-donations", rows={"in": 40, "accepted": 40, "rejected": 0, "not_tickets": 12},
                  source_name="zeffy.csv")
    with app.state.pool.connection() as w:
        load_package(w, verify_package(package))
    page = analyst.get(f"/m/{A}/data").text.replace("&#39;", "’")
    row = page[page.index("zeffy-with-donations"):].split("</tr>")[0]
    assert "✓" in row and "12 autres lignes de l’export n’ont vendu aucun billet" in row, row
    listed = next(r for r in analyst.get(f"/api/v1/members/{A}/ingests").json()["data"]
                  if r["profile"] == "zeffy-with-donations")
    assert listed["not_tickets"] == 12 and "not_tickets" not in listed["rows_loaded"]


def test_rejected_rows_of_a_package_the_cooperative_ingested_are_shown_by_reason(app, analyst, tmp_path: Path) -> None:
    """Most packages reach the warehouse through `culturecoop ingest`, not the web upload: their
    reasons, written in the manifest by `prepare`, were shown as « see the rejects file of prepare »."""
    from culturecoop.ingest.load import load_package
    from culturecoop.ingest.package import MemberInfo, verify_package, write_package
    from packages import build_tables

    tables = build_tables(A, 50, offset=80_000)
    package = tmp_path / "ingested"
    write_package(package, tables, member=MemberInfo(A, "Club de jazz Le Dièse", "jazz_club", "Montréal"),
                  profile="ingested-by-cli", rows={"in": 54, "accepted": 50, "rejected": 4}, source_name="x.csv",
                  extra={"rejects_by_reason": {"bad_purchased_at": 3, "missing_event_id": 1}})
    with app.state.pool.connection() as w:
        load_package(w, verify_package(package))
    page = analyst.get(f"/m/{A}/data").text.replace("&#39;", "’")
    row = page[page.index("ingested-by-cli"):].split("</tr>")[0]
    assert "pas d’identifiant d’événement : 1" in row and "voir le fichier des rejets" not in row, row


def test_the_data_page_names_how_each_export_was_read_in_words(app, coop: Coop) -> None:
    """The Data page's « Profil » column showed `billetterie-fr`, a code: a built-in profile is said by its
    description in the reader's language (the cooperative's own columns and a member's own mapping as such)."""
    from culturecoop.ingest.profile import load_profile

    described = load_profile("billetterie-fr").description
    with app.state.pool.connection() as w, w.transaction() as con:
        kept = con.execute("SELECT package_sha256, profile FROM ingest_log WHERE member_id = ?", [A]).fetchall()
        con.execute("UPDATE ingest_log SET profile = 'billetterie-fr' WHERE member_id = ?", [A])
    try:
        with new_client(app) as c:
            login(c, coop.emails["A-admin"])
            french = html.unescape(c.get(f"/m/{A}/data").text)
            c.post("/language", data={"language": "en", "csrf_token": page_csrf(c, f"/m/{A}/data"), "next": "/"})
            english = html.unescape(c.get(f"/m/{A}/data").text)
            c.post("/language", data={"language": "fr", "csrf_token": page_csrf(c, f"/m/{A}/data"), "next": "/"})
    finally:
        with app.state.pool.connection() as w, w.transaction() as con:
            for sha, profile in kept:
                con.execute("UPDATE ingest_log SET profile = ? WHERE member_id = ? AND package_sha256 = ?", [profile, A, sha])
    assert f"<td>{described['fr']}</td>" in french and "billetterie-fr" not in french
    assert f"<td>{described['en']}</td>" in english and "billetterie-fr" not in english


def test_the_data_page_says_what_the_cooperative_holds_without_the_warehouses_words(app, coop: Coop) -> None:
    """« Lignes dans l'entrepôt » and a « Paquet » column of bare hashes: the page now says what the
    cooperative received from the member, and names the code a fingerprint with what it is for."""
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        french = html.unescape(c.get(f"/m/{A}/data").text)
    assert "Ce que la coopérative a reçu de vous" in french and "entrepôt" not in french
    assert "Empreinte du paquet" in french and "le même paquet envoyé deux fois a le même" in french
