"""Tenant isolation: every route that names a member, called by each role of member A on member
B's resources, answers 403 or 404 and returns none of B's data. Routes are enumerated from the
application itself, so a new route is in the matrix the day it is added."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from web.conftest import MEMBERS, Coop, login, new_client, page_csrf

A, B = MEMBERS["A"], MEMBERS["B"]
ROLES_OF_A = ("A-admin", "A-analyst")
SRC = Path(__file__).resolve().parents[2] / "src" / "culturecoop" / "web"


def all_routes(routes) -> list[APIRoute]:
    """Every API route, also inside included routers (no prefixes are used)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += all_routes(route.original_router.routes)
    return found


def member_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in all_routes(app.routes):
        if "{member_id}" in route.path:
            found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return found


def fill(path: str, member: str) -> str:
    return (path.replace("{member_id}", member).replace("{name}", "overview")
            .replace("{token_id}", "00000000").replace("{account_id}", "0"))


def b_markers(coop: Coop, app) -> list[str]:
    markers = [coop.sha[B], coop.emails["B-admin"], coop.emails["B-analyst"]]
    with app.state.pool.connection() as w:
        markers += [r["token_id"] for r in w.query("SELECT token_id FROM api_token WHERE member_id = ?", [B])]
        markers += [r["account_id"] for r in w.query("SELECT account_id FROM account WHERE member_id = ?", [B])]
    return markers


def tar_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        tf.add(folder, arcname=folder.name)
    return buffer.getvalue()


def call(client, method: str, path: str, headers: dict[str, str], archive: bytes):
    if method == "GET":
        return client.get(path, headers=headers)
    if path.endswith("/packages") or path.endswith("/data"):
        return client.post(path, headers=headers, files={"file": ("pkg.tar.gz", archive, "application/gzip")},
                           data={"csrf_token": headers.get("X-CSRF-Token", "")})
    if path.endswith("/invitations"):
        return client.post(path, headers=headers, json={"email": "spy@evil.test", "role": "member_admin"})
    return client.request(method, path, headers=headers)


def test_the_matrix_covers_every_member_route(app) -> None:
    routes = member_routes(app)
    paths = {p for _m, p in routes}
    # Every tab (page and .json), the report API, data, upload, audit, accounts, invitations.
    assert len(routes) >= 2 * 9 + 8, routes
    assert "/api/v1/members/{member_id}/packages" in paths and "/m/{member_id}/data" in paths


@pytest.mark.parametrize("role", ROLES_OF_A)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_member_a_gets_nothing_of_member_b(app, coop: Coop, role: str, auth: str) -> None:
    archive = tar_of(coop.packages[B])
    markers = b_markers(coop, app)
    with app.state.pool.connection() as w:
        before = (w.scalar("SELECT count(*) FROM package_upload WHERE member_id = ?", [B]),
                  w.scalar("SELECT count(*) FROM invitation WHERE member_id = ?", [B]))
    with new_client(app) as client:
        if auth == "session":
            login(client, coop.emails[role])
            headers = {"X-CSRF-Token": page_csrf(client)}
        else:
            headers = {"Authorization": f"Bearer {coop.tokens[role]}"}
        for method, path in member_routes(app):
            response = call(client, method, fill(path, B), headers, archive)
            assert response.status_code == 404, f"{role}/{auth} {method} {path}: {response.status_code}"
            # The same 404 as for a member that does not exist: the answer tells nothing of B.
            ghost = call(client, method, fill(path, "ghost-member"), headers, archive)
            assert ghost.status_code == 404
            assert response.text.replace(B, "MEMBER") == ghost.text.replace("ghost-member", "MEMBER"), path
            for marker in markers:
                assert marker not in response.text, f"{role}/{auth} {method} {path} leaks {marker}"
            # The same call on A's own resources is allowed or refused for a reason other than the tenant.
            own = call(client, method, fill(path, A), headers, tar_of(coop.packages[A]))
            assert own.status_code < 500
    with app.state.pool.connection() as w:
        after = (w.scalar("SELECT count(*) FROM package_upload WHERE member_id = ?", [B]),
                  w.scalar("SELECT count(*) FROM invitation WHERE member_id = ?", [B]))
    assert after[1] == before[1], "an invitation into B was created"
    assert after[0] == before[0], "an upload reached another member's data"


@pytest.mark.parametrize("role", ROLES_OF_A)
def test_lists_without_a_member_show_only_a(app, coop: Coop, role: str) -> None:
    markers = b_markers(coop, app)
    with new_client(app) as client:
        login(client, coop.emails[role])
        for path in ("/api/v1/members", "/api/v1/me", "/api/v1/tokens", "/account", "/admin", "/docs", "/"):
            response = client.get(path)
            assert response.status_code in (200, 303, 403), path
            for marker in markers:
                assert marker not in response.text, f"{path} leaks {marker}"
        members = client.get("/api/v1/members").json()["data"]
        assert [m["member_id"] for m in members] == [A]


def token_routes(app) -> list[tuple[str, str]]:
    """Every route that names an API token (revocation on the API and on the Account page)."""
    found = []
    for route in all_routes(app.routes):
        if "{token_id}" in route.path:
            found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return found


def _answer(response, token_id: str) -> tuple[int, str]:
    """Status and body of an answer, the token identifier it names left out."""
    return response.status_code, response.text.replace(token_id, "TOKEN")


@pytest.mark.parametrize("role", ROLES_OF_A)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_another_members_token_answers_the_same_404_as_no_token(app, coop: Coop, role: str, auth: str) -> None:
    """Revoking B's token answers exactly what a made-up identifier answers: 404, and B's token
    still works afterwards; the other token routes are in the matrix the day they are added."""
    routes = token_routes(app)
    assert ("DELETE", "/api/v1/tokens/{token_id}") in routes and ("POST", "/account/tokens/{token_id}/revoke") in routes
    with app.state.pool.connection() as w:
        b_tokens = [r["token_id"] for r in w.query("SELECT token_id FROM api_token WHERE member_id = ?", [B])]
    assert b_tokens
    with new_client(app) as client:
        if auth == "session":
            login(client, coop.emails[role])
            headers = {"X-CSRF-Token": page_csrf(client)}
        else:
            headers = {"Authorization": f"Bearer {coop.tokens[role]}"}
        for method, path in routes:
            made_up = client.request(method, path.replace("{token_id}", "ffffffffffff"), headers=headers)
            for b_token in b_tokens:
                theirs = client.request(method, path.replace("{token_id}", b_token), headers=headers)
                assert theirs.status_code == 404, f"{role}/{auth} {method} {path}: {theirs.status_code}"
                assert _answer(theirs, b_token) == _answer(made_up, "ffffffffffff"), f"{method} {path}"
    with new_client(app) as client:
        still = client.get("/api/v1/me", headers={"Authorization": f"Bearer {coop.tokens['B-analyst']}"})
        assert still.status_code == 200
    with app.state.pool.connection() as w:
        revoked = w.scalar("SELECT count(*) FROM api_token WHERE member_id = ? AND revoked_at IS NOT NULL", [B])
    assert revoked == 0, "a token of B was revoked by A"


def test_member_admin_cannot_disable_another_members_account(app, coop: Coop) -> None:
    with app.state.pool.connection() as w:
        b_account = w.scalar("SELECT account_id FROM account WHERE email = ?", [coop.emails["B-analyst"]])
    with new_client(app) as client:
        login(client, coop.emails["A-admin"])
        response = client.post(f"/admin/accounts/{b_account}/disable", data={"csrf_token": page_csrf(client)})
        assert response.status_code == 404
    with new_client(app) as b:
        login(b, coop.emails["B-analyst"])


def test_the_web_layer_never_builds_sql() -> None:
    """Routes call services; cross-member figures therefore come only through the analytics
    service and its privacy gate (a route cannot read another member's rows by itself)."""
    offenders = []
    for file in SRC.rglob("*.py"):
        text = file.read_text()
        if re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\s+\w", text) or "import duckdb" in text or ".execute(" in text:
            offenders.append(file.name)
    assert not offenders, f"SQL in the web layer: {offenders}"


def test_every_cross_member_figure_went_through_the_gate(app, coop: Coop) -> None:
    """Each pooled report the API serves is a gated release recorded in the audit log, with an
    account (never an e-mail) as actor; member B sees A's use of its data without A's staff."""
    from culturecoop.analytics.answers import POOLED_REPORTS

    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    released = {}
    with new_client(app) as client:
        for name in sorted(POOLED_REPORTS):
            response = client.get(f"/api/v1/members/{A}/reports/{name}", headers=auth)
            assert response.status_code == 200, (name, response.text[:300])
            body = response.json()
            assert body["aggregate"] is True and body["result"]["pooled"] is True
            assert body["result"]["audit_id"] is not None, name
            assert "person" not in response.text and "patron_key" not in response.text
            released[name] = body["result"]["audit_id"]
    with app.state.pool.connection() as w:
        for name, seq in released.items():
            row = w.query("SELECT member_id, report, actor FROM audit WHERE seq = ?", [seq])[0]
            assert row["member_id"] == A and row["report"] == name and row["actor"].startswith("web:")
        assert w.scalar("SELECT count(*) FROM audit WHERE actor LIKE '%@%'") == 0
        a_staff = [r["account_id"] for r in w.query("SELECT account_id FROM account WHERE member_id = ?", [A])]
    with new_client(app) as b:
        login(b, coop.emails["B-admin"])
        audit = b.get(f"/api/v1/members/{B}/audit").json()
        about_b = [e for e in audit["audit"] if e["member_id"] == A]
        assert about_b, "B does not see A's releases that touched its data"
        assert all(e["actor"] == A for e in about_b)
        page = b.get(f"/m/{B}/transparency").text
        assert not any(account_id in page for account_id in a_staff)
