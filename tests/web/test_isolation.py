"""Tenant isolation: every route that names a member, called by each role of member A on member
B's resources, answers 403 or 404 and returns none of B's data. Routes are enumerated from the
application itself, so a new route is in the matrix the day it is added."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest

from culturecoop.governance import accounts
from culturecoop.warehouse.engine import Warehouse
from web.conftest import (
    MEMBERS,
    PROGRAMME_HEADER,
    PROGRAMMES,
    Coop,
    api_routes,
    login,
    new_client,
    page_csrf,
    shared_coop,
)

A, B = MEMBERS["A"], MEMBERS["B"]
ROLES_OF_A = ("A-admin", "A-analyst")
SRC = Path(__file__).resolve().parents[2] / "src" / "culturecoop" / "web"
# B's own recommendation resources (an upcoming event, a saved audience, a cross offer with C):
# every route that names one answers A with the same 404 as any other member's resource.
RECO: dict[str, str] = {}


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    built, reco = shared_coop(tmp_path_factory, reco=True)
    RECO.update(reco)
    with Warehouse(built.db) as w:  # an invitation into B, pending: A can neither see nor withdraw it
        b_admin = w.query("SELECT account_id FROM account WHERE email = ?", [built.emails["B-admin"]])[0]["account_id"]
        invitation, _link = accounts.create_invitation(w, accounts.get_account(w, b_admin),  # type: ignore[arg-type]
                                                       email="guest@b.test", role="member_analyst", member_id=B)
    RECO["invitation"] = invitation.invitation_id
    return built


def member_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in api_routes(app.routes):
        if "{member_id}" in route.path:
            found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return found


def fill(path: str, member: str) -> str:
    return (path.replace("{member_id}", member).replace("{name}", "overview")
            .replace("{token_id}", "00000000").replace("{account_id}", "0")
            .replace("{event_id}", RECO["event"]).replace("{audience_id}", RECO["audience"])
            .replace("{agreement_id}", RECO["agreement"]).replace("{decision}", "accept")
            .replace("{invitation_id}", RECO["invitation"]))


def b_markers(coop: Coop, app) -> list[str]:
    markers = [coop.sha[B], coop.emails["B-admin"], coop.emails["B-analyst"], "guest@b.test"]
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
    if path.endswith("/programme") or (method == "POST" and path.endswith("/upcoming-events")):
        # A's own programme as it is, so a call on A's own route changes nothing of its events.
        programme = "\n".join([PROGRAMME_HEADER, *PROGRAMMES[A]]).encode()
        return client.post(path, headers=headers, files={"file": ("programme.csv", programme, "text/csv")},
                           data={"csrf_token": headers.get("X-CSRF-Token", "")})
    if path.endswith("/invitations"):
        return client.post(path, headers=headers, json={"email": "spy@evil.test", "role": "member_admin"})
    if path.startswith("/api/") and path.endswith("/audiences"):
        return client.post(path, headers=headers, json={"kind": "event", "event": RECO["event"], "name": "spy"})
    if path.startswith("/api/") and path.endswith("/cross-offers"):
        return client.post(path, headers=headers, json={"partner": MEMBERS["C"]})
    if path.endswith("/decision"):
        return client.post(path, headers=headers, json={"accept": True})
    if path.endswith("/audiences"):
        return client.post(path, headers=headers, data={"csrf_token": headers.get("X-CSRF-Token", ""), "kind": "event",
                                                        "event": RECO["event"], "name": "spy"})
    if "/cross-offers" in path:
        return client.post(path, headers=headers, data={"csrf_token": headers.get("X-CSRF-Token", ""), "partner": MEMBERS["C"]})
    return client.request(method, path, headers=headers)


def test_the_matrix_covers_every_member_route(app) -> None:
    routes = member_routes(app)
    paths = {p for _m, p in routes}
    # Every tab (page and .json), the report API, data, upload, audit, accounts, invitations.
    assert len(routes) >= 2 * 9 + 8, routes
    assert "/api/v1/members/{member_id}/packages" in paths and "/m/{member_id}/data" in paths
    for path in ("/m/{member_id}/target", "/m/{member_id}/audiences", "/api/v1/members/{member_id}/audiences/{audience_id}",
                 "/api/v1/members/{member_id}/upcoming-events/{event_id}/audience",
                 "/api/v1/members/{member_id}/cross-offers/{agreement_id}/decision", "/m/{member_id}/programme",
                 "/api/v1/members/{member_id}/upcoming-events", "/api/v1/members/{member_id}/invitations/{invitation_id}"):
        assert path in paths, path


@pytest.mark.parametrize("role", ROLES_OF_A)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_member_a_gets_nothing_of_member_b(app, coop: Coop, role: str, auth: str) -> None:
    archive = tar_of(coop.packages[B])
    markers = b_markers(coop, app)
    with app.state.pool.connection() as w:
        before = (w.scalar("SELECT count(*) FROM package_upload WHERE member_id = ?", [B]),
                  w.scalar("SELECT count(*) FROM invitation WHERE member_id = ?", [B]),
                  w.query("SELECT audience_id FROM audience WHERE member_id = ? ORDER BY ALL", [B]),
                  w.query("SELECT agreement_id, status FROM reco_agreement WHERE ? IN (proposer, partner) ORDER BY ALL", [B]),
                  w.query("SELECT event_id, title, starts_at, loaded_at FROM reco_upcoming_event WHERE member_id = ? ORDER BY ALL", [B]))
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
                  w.scalar("SELECT count(*) FROM invitation WHERE member_id = ?", [B]),
                  w.query("SELECT audience_id FROM audience WHERE member_id = ? ORDER BY ALL", [B]),
                  w.query("SELECT agreement_id, status FROM reco_agreement WHERE ? IN (proposer, partner) ORDER BY ALL", [B]),
                  w.query("SELECT event_id, title, starts_at, loaded_at FROM reco_upcoming_event WHERE member_id = ? ORDER BY ALL", [B]))
    assert after[4] == before[4], "B's programme was replaced"
    assert after[2:4] == before[2:4], "an audience or a cross offer of B was created or changed"
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
    for route in api_routes(app.routes):
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


def test_a_member_admin_cannot_approve_or_refuse_campaigns(app, coop: Coop) -> None:
    """The cooperative admin's approval routes (/admin/campaigns/…, /api/v1/campaigns/…) answer a member admin 403 or 404,
    whatever the campaign; the routes added later are in the loop the day they are added."""
    routes = [(m, r.path) for r in api_routes(app.routes) if r.path.startswith(("/admin/campaigns/", "/api/v1/campaigns/"))
              for m in sorted(r.methods - {"HEAD"})]
    assert {p for _m, p in routes} >= {f"{root}/campaigns/{{campaign_id}}/{action}" for root in ("/admin", "/api/v1")
                                       for action in ("approve", "refuse")}, routes
    with new_client(app) as client:
        login(client, coop.emails["A-admin"])
        assert 'id="campaigns"' not in client.get("/admin").text
        csrf = page_csrf(client)
        for method, path in routes:
            target = path.replace("{campaign_id}", "cmp_000000000000")
            response = (client.request(method, target, json={"reason": "non"}, headers={"X-CSRF-Token": csrf})
                        if path.startswith("/api/") else client.request(method, target, data={"csrf_token": csrf, "reason": "non"}))
            assert response.status_code in (403, 404), (path, response.status_code)


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
            # No column of people (a French note may well say « personnes »).
            assert '"person"' not in response.text and "patron_key" not in response.text
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


@pytest.mark.parametrize("auth", ["session", "token"])
def test_another_members_audience_event_or_offer_is_the_same_404_as_none(app, coop: Coop, auth: str) -> None:
    """On A's own paths, B's audience, event or proposal answers exactly like one that does not exist."""
    with new_client(app) as client:
        if auth == "session":
            login(client, coop.emails["A-admin"])
            headers = {"X-CSRF-Token": page_csrf(client)}
        else:
            headers = {"Authorization": f"Bearer {coop.tokens['A-admin']}"}
        for template in (f"/api/v1/members/{A}/audiences/{{}}", f"/api/v1/members/{A}/upcoming-events/{{}}/audience",
                         f"/m/{A}/target?event={{}}", f"/api/v1/members/{A}/cross-offers/{{}}/decision"):
            answers = []
            for resource in (RECO["audience"], RECO["event"], RECO["agreement"], "does-not-exist"):
                path = template.format(resource)
                response = (client.post(path, headers=headers, json={"accept": True}) if path.endswith("/decision")
                            else client.get(path, headers=headers))
                answers.append((response.status_code, response.text.replace(resource, "ID")))
            assert {status for status, _text in answers} == {404}, (template, answers)
            assert len({text for _status, text in answers}) == 1, (template, answers)


def test_no_answer_carries_a_patron_key_or_another_members_patron_id(app, coop: Coop) -> None:
    # Another member's ids that are not also one of A's own (the generator reuses "P0"…; A's own
    # recommendations rightly carry A's own ids).
    with app.state.pool.connection() as w:
        secrets = [r["k"] for r in w.query(
            "SELECT patron_key AS k FROM identity UNION (SELECT member_patron_id FROM patron WHERE member_id <> ? "
            "EXCEPT SELECT member_patron_id FROM patron WHERE member_id = ?)", [A, A])]
    assert len(secrets) > 100
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as client:
        created = client.post(f"/api/v1/members/{A}/audiences", headers=auth, json={"kind": "genre", "genre": "jazz", "name": "g"})
        assert created.status_code == 201
        texts = [created.text]
        for path in (f"/api/v1/members/{A}/audiences", f"/api/v1/members/{A}/audiences/{created.json()['audience_id']}",
                     f"/api/v1/members/{A}/upcoming-events", f"/api/v1/members/{A}/upcoming-events/jz-1/audience",
                     f"/api/v1/members/{A}/cross-offers", f"/m/{A}/target.json", f"/api/v1/members/{A}/discoverability",
                     f"/api/v1/members/{A}/recommendations", f"/api/v1/members/{A}/audience-quality"):
            response = client.get(path, headers=auth)
            assert response.status_code == 200, (path, response.text[:300])
            texts.append(response.text)
        login(client, coop.emails["A-analyst"])
        texts.append(client.get(f"/m/{A}/target?event=jz-1").text)
    joined = "\n".join(texts)
    assert "patron_key" not in joined
    # Whole tokens only: the generator's ids are short ("K12", "P102").
    tokens = set(re.findall(r"(?<![\w-])[\w-]+(?![\w-])", joined))
    leaked = sorted(tokens & set(map(str, secrets)))
    assert not leaked, leaked[:5]
