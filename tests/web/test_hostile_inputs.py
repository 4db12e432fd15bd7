"""The adversarial sweep: every route of the dashboard, its API and the member app, read from the
applications' own route tables (a route added later is swept the day it exists), called with
hostile values in every path, query, form, JSON and file parameter, and by every kind of caller
(no session, an expired one, a viewer where an admin is needed). Whatever is sent, the answer is
a 4xx or a success — never a 5xx, never a traceback — and a refusal is one sentence in the
reader's language (French here) that quotes no control character and no 100 kB value.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, get_args, get_origin
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel

from culturecoop.governance.accounts import get_account
from culturecoop.governance.sessions import open_session
from culturecoop.i18n import retranslate
from culturecoop.memberapp.app import MemberSettings, create_member_app
from culturecoop.memberapp.workspace import Workspace
from culturecoop.privacy.keys import init_keys
from culturecoop.reco import cross
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from culturecoop.web.deps import SESSION_COOKIE, coop_admin
from culturecoop.web.security import csrf_token
from memberapp.pages import box_office_rows
from memberapp.pages import csrf as member_csrf
from web.conftest import MEMBERS, Coop, TestClient, api_routes, shared_coop

A, B, C = MEMBERS["A"], MEMBERS["B"], MEMBERS["C"]

# -- what is sent --------------------------------------------------------------------------------

# In a path: percent-encoded as a browser would send it ("%ff" is a byte that is no UTF-8).
PATH_VALUES = ("", "x" * 20_000, "%ff", "%00%E2%80%AE", "..%2f..%2fetc%2fpasswd", B)
# In a query, every parameter at once (those the route declares and those pages read by hand); a
# server refuses a request line over 16 kB itself, so a long value is 4 kB a parameter.
QUERY_VALUES = ("", "x" * 4000, "%ff%00", "-1", "1e309", "NaN", "2026-02-30", "0000-01-01")
EXTRA_QUERY = ("period", "from", "to", "event", "days", "table", "next", "lang", "expired")
# In a form or a JSON body (raw text for forms, typed values for JSON).
FORM_VALUES = ("", "x" * 100_000, "\x00", "%ff", "-1", "1e309", "2026-02-30", B)
JSON_VALUES: tuple[Any, ...] = (None, "", "x" * 100_000, -1, 1e308, "NaN", [1], "\x00", B)
FILES = (("p.tar.gz", b""), ("../../etc/passwd", b"x"), ("a\x00b.csv", b"event_id\n1\n"), ("p.tar.gz", b"not gzip"),
         ("p.zip", b"PK\x03\x04junk"), ("p.csv", b"\xff\xfe\x00\x00" * 500), ("p.csv", b"x" * (2 << 20)),
         ("p.csv", b"event_id,event_title,event_starts_at,capacity,price\n1,x,2026-02-30,-1,NaN\n"
                   b"2,y,9999-12-31,1e309,99999999999999999999\n"))
# Words that never belong to a French sentence of the app (English leaking through).
ENGLISH = re.compile(r"\b(the|is|are|your|must|and|not|with|this|please)\b")


# -- the cooperative and its callers ---------------------------------------------------------------


@dataclass
class World:
    coop: Coop
    app: Any
    ids: dict[str, str]  # path parameter → a value that exists (A's own resources)
    accounts: dict[str, str]  # role → account id



@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    coop, _reco = shared_coop(tmp_path_factory, reco=True)
    # Many refused sign-ins from one address must not lock the sweep out; 1 MB uploads at most.
    app = create_app(Settings(db=coop.db, warmup=False, login_attempts=100, login_attempts_per_ip=10_000,
                              max_upload_mb=1))
    with app.state.pool.connection() as w:
        accounts = {role: w.scalar("SELECT account_id FROM account WHERE email = ?", [email])
                    for role, email in coop.emails.items()}
    with Warehouse(coop.db) as w:
        offer = cross.propose(w, C, A)["agreement_id"]  # a proposal A may decide
    with new_client(app, session(app, accounts["A-admin"])) as c:
        audience = c.post(f"/api/v1/members/{A}/audiences", json={"kind": "event", "event": "jz-1", "name": "a"},
                          headers={"X-CSRF-Token": c.csrf}).json()["audience_id"]
        invitation = c.post(f"/api/v1/members/{A}/invitations", json={"email": "new@x.test"},
                            headers={"X-CSRF-Token": c.csrf}).json()["link"].rsplit("/", 1)[-1]
    ids = {"member_id": A, "name": "overview", "segment": "regulars", "event_id": "jz-1", "audience_id": audience,
           "agreement_id": offer, "campaign_id": "ffffffffffff", "link": invitation, "token_id": "ffffffffffff",
           "account_id": "ffffffffffff", "action": "enable", "decision": "decline"}
    yield World(coop, app, ids, accounts)
    app.state.pool.close()


class Client(TestClient):
    csrf: str = ""


def session(app: Any, account_id: str | None, *, expired: bool = False) -> str | None:
    """A session cookie of ``account_id`` opened directly (no password hashing per route)."""
    if account_id is None:
        return None
    with app.state.pool.connection() as w:
        account = get_account(w, account_id)
        assert account is not None
        return open_session(w, account, timedelta(hours=-1 if expired else 1))


def new_client(app: Any, cookie: str | None) -> Client:
    client = Client(app, base_url="https://testserver", follow_redirects=False)
    if cookie:
        client.cookies.set(SESSION_COOKIE, cookie)
        client.csrf = csrf_token(app.state.settings.server_secret, cookie)
    return client


# -- the route table -------------------------------------------------------------------------------


def params(route: APIRoute, kind: str) -> dict[str, Any]:
    """The route's parameters of one kind (``path_params``, ``query_params``, ``body_params``),
    its dependencies' included, by the name a caller sends."""
    found: dict[str, Any] = {}

    def walk(dependant: Any) -> None:
        for param in getattr(dependant, kind):
            found.setdefault(param.alias, param)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def calls(route: APIRoute, function: Any) -> bool:
    def walk(dependant: Any) -> bool:
        return dependant.call is function or any(walk(d) for d in dependant.dependencies)

    return walk(route.dependant)


def _enumerate_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of a freshly created dashboard (an empty warehouse)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        Warehouse(Path(tmp) / "empty.duckdb", create=True).con.close()
        app = create_app(Settings(db=Path(tmp) / "empty.duckdb", warmup=False))
        try:
            return sorted({(method, r.path) for r in api_routes(app.routes) for method in r.methods - {"HEAD"}})
        finally:
            app.state.pool.close()


ROUTES = _enumerate_routes()


def route_of(app: Any, method: str, path: str) -> APIRoute:
    return next(r for r in api_routes(app.routes) if r.path == path and method in r.methods)


def kind_of(field: Any) -> str:
    return type(field.field_info).__name__  # Form, File, Body, Query, Path


def good_form_value(name: str, annotation: Any) -> str:
    """A plausible value of a form field (the hostile one replaces it)."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    base = annotation if get_origin(annotation) is Literal or not args else args[0]
    if get_origin(base) is Literal:
        return str(get_args(base)[0])
    if base is int:
        return "3"
    if base is float:
        return "0.5"
    return {"email": "someone@x.test", "kind": "theatre", "partner": C}.get(name, "x")


def good_json(model: type[BaseModel]) -> dict[str, Any]:
    known = {"kind": "genre", "genre": "jazz", "partner": C, "email": "z@x.test", "accept": False,
             "diversity": 0.5, "boost": 1, "audience_id": "nope", "name": "n"}
    return {n: known.get(n, "x") for n, f in model.model_fields.items() if f.is_required()}


def url(path: str, fill: dict[str, str], query: str = "") -> str:
    for name, value in fill.items():
        path = path.replace("{" + name + "}", value)
    return path + (f"?{query}" if query else "")


def safe(value: str) -> str:
    """A query or path value as sent: already-escaped values (%ff) raw, others percent-encoded."""
    return value if value.startswith("%") or ("%2f" in value) else quote(value, safe="")


# -- what an answer must be --------------------------------------------------------------------------


def said(response: Any) -> str | None:
    """The sentence of a refusal: the API's ``error.message`` or the page's alert."""
    if "json" in response.headers.get("content-type", ""):
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            return None
        return message if isinstance(message, str) else None
    found = re.search(r'<p[^>]*role="alert"[^>]*>(.*?)</p>', response.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def english_sentence(message: str) -> bool:
    """A sentence of the catalogs written in English (French would read differently, English alike)."""
    return retranslate(message, "fr") != message and retranslate(message, "en") == message


def check(response: Any, what: str, failures: list[str], *, french: bool = True) -> None:
    status, text = response.status_code, response.text
    if status >= 500 or "Traceback" in text or 'File "/' in text:
        failures.append(f"{what}: {status} {text[:200]!r}")
        return
    if status < 400:
        return
    message = said(response)
    problem = None
    if not message:
        problem = "no sentence"
    elif len(message) > 1000 or not message.replace("\u00a0", " ").replace("\u202f", " ").isprintable():
        problem = "an unreadable sentence"
    elif re.search(r"[.!?] [A-ZÉ][a-zé]+ ", message[:-1]) and "p. ex." not in message:
        problem = "more than one sentence"
    elif french and (ENGLISH.search(message) or english_sentence(message)):
        problem = "English"
    if problem:
        failures.append(f"{what}: {status} {problem}: {message!r:.300}")


# -- the sweep of the dashboard ----------------------------------------------------------------------


def test_the_sweep_reads_the_whole_route_table() -> None:
    paths = {p for _m, p in ROUTES}
    assert len(ROUTES) >= 100, len(ROUTES)
    for path in ("/login", "/m/{member_id}/overview", "/api/v1/members/{member_id}/packages", "/admin/privacy",
                 "/api/v1/members/{member_id}/campaigns", "/unsubscribe/{campaign_id}/{recipient_id}/{sig}"):
        assert path in paths, path


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_hostile_value_makes_a_route_fail(world: World, method: str, path: str) -> None:
    route = route_of(world.app, method, path)
    role = "coop" if calls(route, coop_admin) else "A-admin"
    fill = {name: quote(world.ids.get(name, "x"), safe="") for name in params(route, "path_params")}
    body = params(route, "body_params")
    forms = {n: good_form_value(n, f.field_info.annotation) for n, f in body.items() if kind_of(f) == "Form"}
    models = [f.field_info.annotation for f in body.values() if kind_of(f) == "Body"]
    files = [n for n, f in body.items() if kind_of(f) == "File"]
    queries = [*params(route, "query_params"), *EXTRA_QUERY]
    failures: list[str] = []
    # A fresh session per route: a route that signs out or changes a password ends only its own.
    with new_client(world.app, session(world.app, world.accounts[role])) as c:

        def send(target: str, what: str, **kw: Any) -> None:
            headers = {"X-CSRF-Token": c.csrf, **kw.pop("headers", {})} if method != "GET" else kw.pop("headers", {})
            if method != "GET" and "json" not in kw and "content" not in kw:
                kw.setdefault("data", {**forms, "csrf_token": c.csrf})
                if files and "files" not in kw:
                    kw["files"] = {name: ("p.csv", b"event_id,event_title\n1,x\n", "text/csv") for name in files}
            check(c.request(method, target, headers=headers, **kw), f"{method} {path} {what}", failures)

        for name in fill:
            for value in PATH_VALUES:
                send(url(path, {**fill, name: safe(value) or "%20"}), f"path {name}={value[:12]!r}")
        for value in QUERY_VALUES:
            query = "&".join(f"{q}={safe(value)}" for q in queries)
            send(url(path, fill, query), f"query={value[:12]!r}")
        send(url(path, fill, "&".join(f"{q}=2026-01-01&{q}=zz&{q}=" for q in queries)), "repeated query")
        if method == "GET":
            assert not failures, "\n".join(failures[:15])
            return
        target = url(path, fill)
        if forms:
            for value in FORM_VALUES:
                send(target, f"form={value[:12]!r}", data={**{n: value for n in forms}, "csrf_token": c.csrf})
            send(target, "form empty", data={"csrf_token": c.csrf})
            send(target, "JSON to a form", json=forms)
        for model in models:
            good = good_json(model)
            for value in JSON_VALUES:
                send(target, f"json={str(value)[:12]!r}", json={**good, **{n: value for n in model.model_fields}})
            for shape in ([good], "text", 1, None, {}):
                send(target, f"json body {shape!r:.12}", json=shape)
            for raw in (b"{bad json", b'{"a": "\xff"}', b"[" * 50_000 + b"]" * 50_000, b""):
                send(target, f"raw {raw[:12]!r}", content=raw, headers={"content-type": "application/json"})
            send(target, "json as text/plain", content=b"{}", headers={"content-type": "text/plain"})
        for name in files:
            for file_name, content in FILES:
                send(target, f"file {file_name!r}", files={name: (file_name, content, "application/octet-stream")},
                     data={"csrf_token": c.csrf})
            send(target, "no file", data={"csrf_token": c.csrf})
        if not forms and not models and not files:  # a body read by hand (consent, access) or none
            for raw in (b"", b"x" * 200_000, b"\xff\xfe", b"[]", b"null", b'{"member_id": "' + B.encode() + b'"}'):
                send(target, f"raw {raw[:12]!r}", content=raw, headers={"content-type": "application/json"})
        for content_type in ("multipart/form-data", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"):
            send(target, f"broken {content_type}", content=b"--x\r\nbroken\xff", headers={"content-type": content_type})
        # Without the CSRF token a session's form is refused in one sentence.
        check(c.request(method, target, data=forms), f"{method} {path} no CSRF token", failures)
    assert not failures, "\n".join(failures[:15])


@pytest.mark.parametrize("caller", ["nobody", "expired", "analyst"])
def test_every_route_refuses_a_caller_it_does_not_serve_in_one_sentence(world: World, caller: str) -> None:
    """No session, an expired session, a viewer where an admin is needed: a redirect to sign in, a
    401, 403 or 404 with one French sentence — never a 5xx."""
    account = {"nobody": None, "expired": world.accounts["A-admin"], "analyst": world.accounts["A-analyst"]}[caller]
    failures: list[str] = []
    with new_client(world.app, session(world.app, account, expired=caller == "expired")) as c:
        for method, path in ROUTES:
            if path == "/logout":
                continue  # the analyst's session would end for the routes that follow
            target = url(path, {name: quote(value, safe="") for name, value in world.ids.items()})
            headers = {"X-CSRF-Token": c.csrf, "Accept-Language": "fr"}
            response = c.request(method, target, headers=headers)
            check(response, f"{caller} {method} {path}", failures)
            if caller != "analyst" and path.startswith("/api/") and not path.startswith("/api/v1/members/{member_id}/contr"):
                assert response.status_code in (401, 404, 405, 422), (caller, method, path, response.status_code)
    assert not failures, "\n".join(failures[:15])


def test_a_session_cookie_or_token_of_garbage_is_one_sentence(world: World) -> None:
    failures: list[str] = []
    with new_client(world.app, None) as c:
        for cookie in ("", "x" * 4000, "\xff", "%00"):
            c.cookies.set(SESSION_COOKIE, quote(cookie))
            check(c.get(f"/api/v1/members/{A}/reports"), f"cookie {cookie[:8]!r}", failures)
        c.cookies.clear()
        for token in ("", "x" * 4000, "ccp_" + "0" * 40, "%ff"):
            check(c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), f"token {token[:8]!r}", failures)
        for language in ("xx", "", "fr;q=abc", "*;q=1e309", "x" * 4000):
            response = c.get("/api/v1/me", headers={"Accept-Language": language})
            check(response, f"Accept-Language {language[:8]!r}", failures, french=False)
            c.cookies.set("cc_lang", quote(language))
            check(c.get("/login"), f"cc_lang {language[:8]!r}", failures)
            c.cookies.clear()
    assert not failures, "\n".join(failures)


# -- the regressions the sweep found, by class of input ----------------------------------------------


def test_an_empty_value_in_a_services_sentence_is_still_said_in_french(world: World) -> None:
    """An invitation to « » read " is not an e-mail address; give one…": a sentence quoting an empty
    value was not recognised, and the French reader got the English one."""
    with new_client(world.app, session(world.app, world.accounts["A-admin"])) as c:
        invited = c.post(f"/api/v1/members/{A}/invitations", json={"email": ""}, headers={"X-CSRF-Token": c.csrf})
        campaign = c.post(f"/api/v1/members/{A}/campaigns", headers={"X-CSRF-Token": c.csrf},
                          json={"audience_id": "", "subject_fr": "s", "subject_en": "s", "body_fr": "b", "body_en": "b"})
    # Since said as empty (« L’adresse courriel est vide »), no longer as « « » n’est pas une adresse courriel ».
    assert invited.status_code == 400 and "L’adresse courriel est vide" in invited.json()["error"]["message"]
    assert campaign.status_code == 400 and "n’a pas de public" in campaign.json()["error"]["message"]


def test_a_day_is_written_as_a_day_and_a_huge_value_is_not_echoed(world: World) -> None:
    """``to=0`` was read as 1970-01-01 (a Unix time); the Contribution tab said « --from 2026-02-30 n’est
    pas une date » (the command line's option) and echoed a 60 kB ``from`` back whole."""
    auth = {"Authorization": f"Bearer {world.coop.tokens['A-admin']}"}
    with new_client(world.app, None) as c:
        for path in (f"/api/v1/members/{A}/reports/overview", f"/api/v1/members/{A}/contribution"):
            for value in ("0", "1e9", "2026-02-30", "26-01-31", "x" * 60_000):
                response = c.get(path, params={"to": value}, headers=auth)
                message = response.json()["error"]["message"]
                assert response.status_code == 422, (path, value, response.status_code)
                assert "n’est pas un jour pour le champ to : écrivez-le 2026-01-31" in message, message
                assert len(message) < 200 and "--" not in message, message
            far = c.get(path, params={"from": "9999-12-31"}, headers=auth)
            assert far.status_code == 400 and "hors des jours que couvrent les rapports" in far.json()["error"]["message"]


def test_an_event_given_to_a_report_that_takes_none_is_refused_not_ignored(world: World) -> None:
    """``reports/overview?event=X`` answered 200 with the member's overview, as if it were event X's
    figures; the command line refuses the same question (« --event … the report overview takes none »)."""
    auth = {"Authorization": f"Bearer {world.coop.tokens['A-admin']}"}
    with new_client(world.app, None) as c:
        for name in ("overview", "geography"):
            response = c.get(f"/api/v1/members/{A}/reports/{name}", params={"event": "JD00075"}, headers=auth)
            assert response.status_code == 400, (name, response.status_code, response.text[:200])
            assert response.json()["error"]["message"] == (
                f"Le paramètre event choisit le spectacle du rythme des ventes (rapport pace) ; le rapport {name} "
                "n’en prend pas : retirez event.")
        plain = c.get(f"/api/v1/members/{A}/reports/overview", headers=auth)
    assert plain.status_code == 200, plain.text[:200]


def test_a_malformed_json_body_or_form_is_said_as_such(world: World) -> None:
    """« Des valeurs manquent ou sont invalides (1) » for a body that is no JSON; « (HTTP 400) » for a
    form without its multipart boundary."""
    auth = {"Authorization": f"Bearer {world.coop.tokens['A-admin']}"}
    with new_client(world.app, None) as c:
        broken = c.post(f"/api/v1/members/{A}/audiences", content=b"{bad", headers={**auth, "content-type": "application/json"})
        listed = c.post(f"/api/v1/members/{A}/audiences", json=[{"kind": "genre"}], headers=auth)
        upload = c.post(f"/api/v1/members/{A}/packages", content=b"--x", headers={**auth, "content-type": "multipart/form-data"})
    assert broken.status_code == 422 and "n’est pas du JSON valide" in broken.json()["error"]["message"]
    assert listed.status_code == 422 and "doit être un objet JSON" in listed.json()["error"]["message"]
    assert upload.status_code == 400 and "n’a pas pu être lue" in upload.json()["error"]["message"]


def test_a_misspelt_field_or_a_flag_for_a_number_is_refused_not_ignored(world: World) -> None:
    """« "monhts": 3 » was ignored and the audience saved with no month limit; « "months": true » was saved
    as one month; a campaign's « "holdot": 0.5 » kept the default hold-out, unsaid."""
    auth = {"Authorization": f"Bearer {world.coop.tokens['A-admin']}"}
    with new_client(world.app, None) as c:
        misspelt = c.post(f"/api/v1/members/{A}/audiences", json={"name": "x", "kind": "lapsed", "monhts": 3},
                          headers=auth)
        flag = c.post(f"/api/v1/members/{A}/audiences", json={"name": "x", "kind": "lapsed", "months": True},
                      headers=auth)
        campaign = c.post(f"/api/v1/members/{A}/campaigns", json={"audience_id": "x", "subject_fr": "S",
                                                                  "body_fr": "B", "holdot": 0.5}, headers=auth)
        listed = c.get(f"/api/v1/members/{A}/audiences", headers=auth)
    assert misspelt.status_code == 422 and misspelt.json()["error"]["message"] == (
        "Cette requête ne prend pas de champ monhts ; vérifiez son nom dans la documentation de l’API (/docs).")
    assert flag.status_code == 422 and flag.json()["error"]["message"].startswith(
        "Le champ months n’est pas un oui ou non")
    assert campaign.status_code == 422 and "holdot" in campaign.json()["error"]["message"]
    assert listed.status_code == 200 and all(a.get("name") != "x" for a in listed.json().get("audiences", []))


def test_a_control_character_or_a_huge_identifier_is_not_quoted_back(world: World) -> None:
    with new_client(world.app, session(world.app, world.accounts["A-admin"])) as c:
        for value in ("%E2%80%AE%00", "y" * 20_000):
            page = c.get(f"/m/{A}/target?saved={value}")
            assert page.status_code == 404
            message = said(page)
            assert message and message.isprintable() and len(message) < 200, message


# -- the member app ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def member_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, str, str, Path]:
    """One member app for the module: the regressions below are refused, so they change nothing;
    the sweep runs last."""
    tmp_path = tmp_path_factory.mktemp("member")
    init_keys(tmp_path / "keys")
    work = tmp_path / "work"
    export = Workspace(work).add("ventes.csv", io.BytesIO(box_office_rows(30).encode()), "2026-11-30T10:05:00")
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=work, port=8765, member_id="theatre-lilas"))
    client = TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False,
                        headers={"Accept-Language": "fr"})
    return client, export.export_id, member_csrf(client.get(f"/exports/{export.export_id}").text), export.mapping_path


def member_check(client: TestClient, response: Any, what: str, failures: list[str]) -> None:
    """``check`` of the member app's answer; a form refused (or answered) is answered by a redirect to
    the page that shows it (post/redirect/get): that page is checked in its place."""
    if response.status_code == 303 and "?said=" in response.headers.get("location", ""):
        response = client.get(response.headers["location"])
    check(response, what, failures)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("setting.encoding", "utf\x00-8", "caractère de contrôle"),  # the form refuses the NUL first
    ("setting.skip_lines", "²", "nombre entier de lignes"),  # isdigit() yet no int()
    ("setting.timezone", "é" * 200, "fuseau horaire IANA"),  # ZoneInfo: OSError, a file name too long
    ("yaml", "[" * 5000 + "]" * 5000, "imbriqué trop profondément"),  # the YAML reader: RecursionError
])
def test_a_setting_no_mapping_takes_is_one_french_sentence(member_app: tuple[TestClient, str, str, Path], field: str,
                                                           value: str, words: str) -> None:
    """Each of these answered « Internal Server Error » (a 500, in English)."""
    client, export_id, token, mapping = member_app
    before = mapping.read_bytes()
    answer = client.post(f"/exports/{export_id}/mapping", follow_redirects=True,
                         data={"csrf": token, field: value, **({"action": "yaml"} if field == "yaml" else {})})
    assert answer.status_code == 400, answer.text[:300]
    message = said(answer)
    assert message and words in message, message
    assert mapping.read_bytes() == before  # nothing was written


def test_an_unexpected_fault_in_the_member_app_is_one_sentence(member_app: tuple[TestClient, str, str, Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    client, export_id, _token, _mapping = member_app

    def broken(*_args: Any) -> None:
        raise RuntimeError("a fault nobody foresaw")

    monkeypatch.setattr(Workspace, "check", broken)
    answer = client.get(f"/exports/{export_id}")
    assert answer.status_code == 500
    message = said(answer)
    assert message and "Un problème est survenu dans l’application (incident" in message, message
    assert "Traceback" not in answer.text and "nobody foresaw" not in answer.text


def test_no_hostile_value_makes_the_member_app_fail(member_app: tuple[TestClient, str, str, Path]) -> None:
    client, export_id, token, _mapping = member_app
    routes = sorted({(m, r.path) for r in api_routes(client.app.routes) for m in r.methods - {"HEAD"}})  # type: ignore[attr-defined]
    assert ("POST", "/exports/{export_id}/mapping") in routes and len(routes) >= 12
    fields = ["action", "yaml", "quarantine_anyway", "consent_basis", "field.purchased_at", "consent.pooling",
              *(f"setting.{s}" for s in ("encoding", "delimiter", "decimal", "skip_lines", "sheet", "currency", "timezone",
                                         "country", "amount_scale", "datetime_formats", "date_formats"))]
    failures: list[str] = []
    for method, path in routes:
        for value in ("", "%ff%00", "..%2f..%2fstate.json", "x" * 20_000):
            member_check(client, client.request(method, path.replace("{export_id}", value or "%20") + "?lang=xx",
                                        data={"csrf": token}), f"{method} {path} id={value[:8]!r}", failures)
        target = path.replace("{export_id}", export_id)
        for lang in ("%ff", "x" * 5000):
            member_check(client, client.request(method, f"{target}?lang={lang}", data={"csrf": token}), f"{method} {path} lang", failures)
        if method != "POST":
            continue
        values = ("\x00", "x" * 300_000, "²", "[" * 5000)
        if path.endswith("/mapping"):  # each field alone: the mapping is checked field by field
            for value in values:
                for field in fields:
                    data = {"csrf": token, field: value, **({"action": "yaml"} if field == "yaml" else {})}
                    member_check(client, client.post(target, data=data), f"{path} {field}={value[:8]!r}", failures)
        else:
            for value in values[:3]:
                member_check(client, client.post(target, data={"csrf": token, **{f: value for f in fields}}),
                             f"{path} every field={value[:8]!r}", failures)
        for name, content in (("", b"a"), ("../../etc/passwd", b"a,b\n1,2\n"), ("v.csv", b""), ("v.csv", b"\x00" * 999),
                              ("v.jsonl", b'{"a": ' * 5000 + b"1" + b"}" * 5000), ("a\x00.csv", b"a,b\n1,2\n")):
            member_check(client, client.post(target, data={"csrf": token}, files={"file": (name, content, "text/csv")}),
                         f"{path} file {name!r}", failures)
        for content_type in ("multipart/form-data", "application/json", "text/plain"):
            member_check(client, client.post(target, content=b"--x\r\n\xff", headers={"content-type": content_type}),
                         f"{path} {content_type}", failures)
        member_check(client, client.post(target, data={}), f"{path} without its form token", failures)
    assert not failures, "\n".join(failures[:15])


def test_a_bound_is_written_as_the_reader_writes_numbers(world: World) -> None:
    """`limit=200000` on the audit route: « doit être au plus 100000 » in a French sentence (a million
    would have read « 1e+06 »); now « 100 000 » in French, "100,000" in English."""
    with new_client(world.app, session(world.app, world.accounts["A-admin"])) as c:  # a French account
        said = c.get(f"/api/v1/members/{A}/audit?limit=200000", headers={"Accept-Language": "fr"})
    assert said.status_code == 422 and "au plus 100\u00a0000." in said.json()["error"]["message"], said.json()
    from culturecoop.web.errors import validation_message
    from culturecoop.web.i18n import Translator

    error = {"type": "less_than_equal", "loc": ("query", "limit"), "msg": "", "input": "2000000", "ctx": {"le": 1_000_000}}
    assert validation_message([error], Translator("en")).endswith("at most 1,000,000.")
    assert validation_message([{**error, "ctx": {"le": 0.05}}], Translator("fr")).endswith("au plus 0,05.")
