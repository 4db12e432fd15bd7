"""Accounts, sessions, CSRF, rate limiting, tokens, languages, errors: what a user would notice."""

from __future__ import annotations

import re
from datetime import timedelta

from culturecoop.governance.accounts import utcnow
from culturecoop.warehouse.engine import Warehouse
from web.conftest import MEMBERS, PASSWORD, Coop, csrf_of, login, new_client, page_csrf


def test_sign_in_lands_on_the_members_overview_in_french(client, coop: Coop) -> None:
    login(client, coop.emails["A-analyst"])
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert str(page.url).endswith(f"/m/{MEMBERS['A']}/overview")
    assert '<html lang="fr">' in page.text and "Vue d’ensemble" in page.text


def test_session_cookie_is_http_only_same_site_and_secure(client, coop: Coop) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"email": coop.emails["A-analyst"], "password": PASSWORD,
                                           "csrf_token": csrf_of(page.text)})
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("cc_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_wrong_password_says_so_without_saying_which(client, coop: Coop) -> None:
    page = client.get("/login")
    wrong = client.post("/login", data={"email": coop.emails["A-analyst"], "password": "nope nope nope",
                                        "csrf_token": csrf_of(page.text)})
    unknown = client.post("/login", data={"email": "nobody@nowhere.test", "password": "nope nope nope",
                                          "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == unknown.status_code == 401
    assert "Courriel ou mot de passe erroné" in wrong.text and "Courriel ou mot de passe erroné" in unknown.text
    assert "Traceback" not in wrong.text


def test_repeated_failures_are_rate_limited(app, coop: Coop) -> None:
    with new_client(app) as c:
        token = csrf_of(c.get("/login").text)
        statuses = [c.post("/login", data={"email": "victim@coop.test", "password": f"guess-{i}-xxxx",
                                           "csrf_token": token}).status_code for i in range(7)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    with new_client(app) as c:
        blocked = c.post("/login", data={"email": "victim@coop.test", "password": "x" * 12,
                                         "csrf_token": csrf_of(c.get("/login").text)})
        assert blocked.status_code == 429 and "Trop de connexions échouées" in blocked.text


def test_forged_csrf_token_is_refused_with_a_clear_page(client, coop: Coop) -> None:
    login(client, coop.emails["A-analyst"])
    response = client.post("/account/tokens", data={"name": "x", "csrf_token": "forged"})
    assert response.status_code == 403
    assert "Le formulaire a expiré ou ne vient pas de ce site" in response.text
    missing = client.post("/account/tokens", data={"name": "x"})
    assert missing.status_code == 403
    login_forged = new_client(client.app).post("/login", data={"email": "a@b.c", "password": "x", "csrf_token": "f"})
    assert login_forged.status_code == 403


def test_expired_session_sends_back_to_sign_in_with_a_notice(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        with app.state.pool.connection() as w, w.transaction() as con:
            con.execute("UPDATE account_session SET expires_at = ?", [utcnow() - timedelta(minutes=1)])
        page = c.get(f"/m/{MEMBERS['A']}/overview")
        assert page.status_code == 303 and "expired=1" in page.headers["location"]
        notice = c.get(page.headers["location"])
        assert "Votre session a expiré" in notice.text
        api = c.get("/api/v1/me", headers={"Accept-Language": "en"})
        assert api.status_code == 401


def test_logout_ends_the_session(client, coop: Coop) -> None:
    login(client, coop.emails["B-analyst"])
    token = page_csrf(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_language_switch_is_remembered_per_account(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["B-admin"])
        overview = f"/m/{MEMBERS['B']}/overview"
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c, overview), "next": overview})
        assert "Overview" in c.get(overview).text
        assert c.get("/api/v1/me").json()["account"]["language"] == "en"
    with new_client(app) as other_browser:
        login(other_browser, coop.emails["B-admin"])
        page = other_browser.get(overview)
        assert '<html lang="en">' in page.text
        other_browser.post("/language", data={"language": "fr", "csrf_token": page_csrf(other_browser, overview),
                                              "next": overview})
        assert '<html lang="fr">' in other_browser.get(overview).text


def test_unknown_route_is_a_page_or_json_never_a_trace(client) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Cette page n’existe pas" in page.text
    api = client.get("/api/v1/no/such/thing", headers={"Accept-Language": "en"})
    assert api.status_code == 404
    assert api.json()["error"]["message"].startswith("This page does not exist")


def test_security_headers_on_every_answer(client) -> None:
    for path in ("/login", "/no/such/page", "/static/app.css", "/openapi.json"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script(client, coop: Coop) -> None:
    login(client, coop.emails["A-admin"])
    import re

    for path in (f"/m/{MEMBERS['A']}/overview", f"/m/{MEMBERS['A']}/data", "/admin", "/account", "/docs"):
        html = client.get(path).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        for attrs, _body in scripts:
            assert "src=" in attrs or 'type="application/json"' in attrs, f"inline script on {path}"


def test_api_token_reads_its_member_and_stops_when_revoked(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        created = c.post("/api/v1/tokens", json={"name": "nightly"}, headers={"X-CSRF-Token": page_csrf(c)})
        assert created.status_code == 201
        secret, token_id = created.json()["secret"], created.json()["token"]["token_id"]
        no_csrf = c.post("/api/v1/tokens", json={"name": "x"})
        assert no_csrf.status_code == 403
    with new_client(app) as api:
        auth = {"Authorization": f"Bearer {secret}"}
        me = api.get("/api/v1/me", headers=auth).json()
        assert me["via"] == "token" and me["scope_member"] == MEMBERS["A"]
        assert api.get(f"/api/v1/members/{MEMBERS['A']}/ingests", headers=auth).status_code == 200
        assert api.delete(f"/api/v1/tokens/{token_id}", headers=auth).status_code == 200
        refused = api.get("/api/v1/me", headers=auth)
        assert refused.status_code == 401 and "jeton" in refused.json()["error"]["message"]


def test_member_admin_invites_an_analyst_who_signs_in(app, coop: Coop) -> None:
    with new_client(app) as admin:
        login(admin, coop.emails["A-admin"])
        created = admin.post("/admin/invitations", data={"email": "new.analyst@jazz.test", "role": "member_analyst",
                                                         "member_id": MEMBERS["B"], "csrf_token": page_csrf(admin, "/admin")})
        assert created.status_code == 201
        link = created.text.split('id="invite-link">')[1].split("<")[0]
        assert "/invite/" in link
        # A member admin cannot invite into another member, even by naming it.
        assert "new.analyst@jazz.test" in admin.get("/admin").text
    path = link.split("testserver", 1)[1]
    with new_client(app) as invited:
        form = invited.get(path)
        assert form.status_code == 200 and MEMBERS["A"] in form.text
        short = invited.post(path, data={"password": "short", "password_again": "short",
                                         "csrf_token": csrf_of(form.text)})
        assert short.status_code == 400 and "trop court" in short.text
        done = invited.post(path, data={"password": PASSWORD, "password_again": PASSWORD, "display_name": "Nouvelle",
                                        "csrf_token": csrf_of(form.text)})
        assert done.status_code == 303 and done.headers["location"] == f"/m/{MEMBERS['A']}/overview"
        me = invited.get("/api/v1/me").json()["account"]
        assert me["role"] == "member_analyst" and me["member_id"] == MEMBERS["A"]
        again = invited.get(path)
        assert again.status_code == 409 and "déjà servi" in again.text


def test_an_invitation_sent_to_a_wrong_address_is_withdrawn_and_its_link_stops_working(app, coop: Coop) -> None:
    """The pending invitations had no heading and no way to be withdrawn: a link sent to a wrong
    address stayed valid for its whole life."""
    with new_client(app) as admin:
        login(admin, coop.emails["A-admin"])
        created = admin.post("/admin/invitations", data={"email": "wrong.address@jazz.test", "role": "member_admin",
                                                         "csrf_token": page_csrf(admin, "/admin")})
        path = created.text.split('id="invite-link">')[1].split("<")[0].split("testserver", 1)[1]
        page = admin.get("/admin").text
        assert "Invitations envoyées" in page and "Retirer l’invitation de wrong.address@jazz.test" in page
        action = re.search(r'action="(/admin/invitations/[0-9a-f]+/withdraw)"', page.split("wrong.address@jazz.test")[1])
        assert action is not None
        done = admin.post(action.group(1), data={"csrf_token": page_csrf(admin, "/admin")}, follow_redirects=False)
        assert done.status_code == 303
        assert "wrong.address@jazz.test" not in admin.get("/admin").text
        again = admin.post(action.group(1), data={"csrf_token": page_csrf(admin, "/admin")})
        assert again.status_code == 404 and "Aucune invitation de ce nom" in again.text
    with new_client(app) as invited:
        refused = invited.get(path)
        assert refused.status_code >= 400 and "n’est pas valide" in refused.text, refused.text[-800:]
    # On the API: withdrawn by its id; an accepted invitation is refused in one sentence (disable the account).
    api = {"Authorization": f"Bearer {coop.tokens['A-admin']}"}
    with new_client(app) as c:
        made = c.post(f"/api/v1/members/{MEMBERS['A']}/invitations", json={"email": "second@jazz.test"}, headers=api)
        invitation_id = made.json()["invitation"]["invitation_id"]
        gone = c.delete(f"/api/v1/members/{MEMBERS['A']}/invitations/{invitation_id}", headers=api)
        assert gone.status_code == 200 and gone.json()["withdrawn"]["email"] == "second@jazz.test"
        used = c.post(f"/api/v1/members/{MEMBERS['A']}/invitations", json={"email": "third@jazz.test"}, headers=api).json()
        link = used["link"]
    with new_client(app) as invited:
        form = invited.get(link)
        invited.post(link, data={"password": PASSWORD, "password_again": PASSWORD, "csrf_token": csrf_of(form.text)})
    with new_client(app) as c:
        late = c.delete(f"/api/v1/members/{MEMBERS['A']}/invitations/{used['invitation']['invitation_id']}", headers=api)
        assert late.status_code == 409 and "désactivez plutôt le compte" in late.json()["error"]["message"]


def test_analyst_cannot_reach_admin(client, coop: Coop) -> None:
    login(client, coop.emails["A-analyst"])
    assert client.get("/admin").status_code == 403
    response = client.post("/admin/invitations", data={"email": "x@y.test", "role": "member_analyst",
                                                       "csrf_token": page_csrf(client)})
    assert response.status_code == 403


def test_users_add_creates_the_first_admin(tmp_path, cli) -> None:
    import os

    db = tmp_path / "w.duckdb"
    os.environ["CC_TEST_PASSWORD"] = PASSWORD
    try:
        # A member's account on a mistyped path: refused, and no empty warehouse left behind.
        typo = cli("users", "add", "ana@coop.test", "--db", str(tmp_path / "w.duckbd"), "--role", "member_admin",
                   "--member", "m1", "--password-env", "CC_TEST_PASSWORD", lang="fr")
        assert typo.returncode == 2 and "pas d’entrepôt" in typo.stderr and "--db" in typo.stderr, typo.stderr
        assert not list(tmp_path.glob("w.duckbd*"))
        done = cli("users", "add", "boss@coop.test", "--db", str(db), "--password-env", "CC_TEST_PASSWORD", "--json")
        assert done.returncode == 0, done.stderr
        assert "new, empty one" in " ".join(done.stderr.split()), done.stderr  # told a warehouse was made
        again = cli("users", "add", "boss@coop.test", "--db", str(db), "--password-env", "CC_TEST_PASSWORD")
        assert again.returncode == 4 and "already exists" in again.stderr and "Traceback" not in again.stderr
        bad = cli("users", "add", "ana@coop.test", "--db", str(db), "--role", "member_analyst", "--member", "nope",
                  "--password-env", "CC_TEST_PASSWORD", lang="fr")
        assert bad.returncode == 2 and "Membre inconnu nope" in bad.stderr
    finally:
        del os.environ["CC_TEST_PASSWORD"]
    with Warehouse(db) as w:
        row = w.query("SELECT email, role, password_hash FROM account")[0]
    assert row["role"] == "coop_admin" and row["password_hash"].startswith("$argon2id$")


def test_a_password_change_gone_wrong_is_said_beside_the_form(app, coop: Coop) -> None:
    """A wrong current password, two new ones that differ or one too short were a bare « Erreur 403 »
    page, the form gone: the account page now comes back with the sentence above its form; a right
    change still signs the person out to sign in with the new password."""
    import re

    from culturecoop.governance.accounts import create_account

    email = f"mot-de-passe@{MEMBERS['A']}.test"
    with Warehouse(coop.db) as w:
        create_account(w, email=email, password=PASSWORD, role="member_analyst", member_id=MEMBERS["A"],
                       display_name="Change de mot de passe", language="fr")
    with new_client(app) as c:
        login(c, email)
        token = page_csrf(c, "/account")
        new = "un-nouveau-mot-de-passe"
        cases = ((PASSWORD + "x", new, new, 403, "Le mot de passe actuel"),
                 (PASSWORD, new, new + "x", 400, "diff"),
                 (PASSWORD, "court", "court", 400, "10"))
        for current, password, again, status, said in cases:
            answer = c.post("/account/password", data={"csrf_token": token, "current": current, "password": password,
                                                       "password_again": again})
            assert answer.status_code == status, answer.text[:500]
            error = re.findall(r'id="password-error">(.*?)</p>', answer.text, re.S)
            assert error and said in error[0], (status, error)
            assert 'action="/account/password"' in answer.text and "Traceback" not in answer.text
        done = c.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "password": new, "password_again": new})
        assert done.status_code == 303 and done.headers["location"] == "/login"


def test_an_invitation_to_an_address_too_long_for_mail_is_refused_in_one_sentence(app, coop: Coop) -> None:
    """A 300-character address was accepted and listed, pushing the pending invitations' columns off
    the page, and no mail server would take it: it is refused, saying the limits."""
    with new_client(app) as admin:
        login(admin, coop.emails["A-admin"])
        token = page_csrf(admin, "/admin")
        for address in ("é" * 300 + "@x.fr", "a" * 65 + "@jazz.test", "b@" + "c" * 250 + ".test"):
            refused = admin.post("/admin/invitations", data={"email": address, "role": "member_analyst",
                                                             "member_id": MEMBERS["A"], "csrf_token": token})
            assert refused.status_code == 400 and "trop longue" in refused.text and "64" in refused.text, refused.text[:300]
            assert "Traceback" not in refused.text and address not in admin.get("/admin").text
        fine = admin.post("/admin/invitations", data={"email": "a" * 64 + "@jazz.test", "role": "member_analyst",
                                                      "member_id": MEMBERS["A"], "csrf_token": token})
        assert fine.status_code == 201
