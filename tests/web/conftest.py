"""A small real cooperative for the web tests: three members, accounts of every role, one app.

The warehouse is a real DuckDB file built from real contribution packages; the application is
the real one. Module-scoped so that each test module shares one warehouse and one app.
"""

from __future__ import annotations

import importlib.util
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from tests.conftest import built_once

from culturecoop.governance.accounts import create_account
from culturecoop.governance.sessions import create_token
from culturecoop.ingest.load import ingest
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from packages import make_package

with warnings.catch_warnings():
    # Starlette's test client warns at import that it prefers httpx2; the warning is about
    # Starlette's own future, not about this application.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
MEMBERS = {"A": "jazz-dieze", "B": "theatre-nord", "C": "festival-est"}


@dataclass
class Coop:
    db: Path
    packages: dict[str, Path]
    emails: dict[str, str] = field(default_factory=dict)  # role key → e-mail
    tokens: dict[str, str] = field(default_factory=dict)  # role key → API token secret
    sha: dict[str, str] = field(default_factory=dict)  # member → package sha256


def generate_cooperative(db: Path, patrons: int) -> None:
    """Six members, linked people, three years of sales: the benchmark's generator, small."""
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "benchmarks" / "web.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(db, patrons)


def build_coop(folder: Path) -> Coop:
    db = folder / "coop.duckdb"
    generate_cooperative(db, 3000)
    packages = {}
    sha = {}
    for i, member in enumerate(MEMBERS.values()):
        pkg = make_package(folder / f"pkg-{member}", member, n_tickets=400 + 100 * i)
        packages[member] = pkg
        sha[member] = ingest(pkg, db).package_sha256
    coop = Coop(db, packages, sha=sha)
    with Warehouse(db) as w:
        create_account(w, email="admin@coop.test", password=PASSWORD, role="coop_admin", display_name="Coop Admin")
        coop.emails["coop"] = "admin@coop.test"
        for key in ("A", "B"):
            member = MEMBERS[key]
            for role, short in (("member_admin", "admin"), ("member_analyst", "analyst")):
                email = f"{short}@{member}.test"
                account = create_account(w, email=email, password=PASSWORD, role=role, member_id=member,
                                         display_name=f"{short.title()} {member}", language="fr")
                coop.emails[f"{key}-{short}"] = email
                coop.tokens[f"{key}-{short}"] = create_token(w, account, "tests")[1]
    return coop


def shared_coop(tmp_path_factory: pytest.TempPathFactory, *, reco: bool = False) -> tuple[Coop, dict[str, str]]:
    """A copy of the cooperative ``build_coop`` makes (with ``add_reco``'s resources when ``reco``),
    built once per test session, and what ``add_reco`` returned."""

    def build(folder: Path) -> None:
        built = build_coop(folder)
        extra = add_reco(built, folder) if reco else {}
        (folder / "coop.json").write_text(json.dumps({
            "packages": {m: str(p.relative_to(folder)) for m, p in built.packages.items()},
            "emails": built.emails, "tokens": built.tokens, "sha": built.sha, "reco": extra}))

    folder = built_once(tmp_path_factory, "web-reco" if reco else "web", build)
    saved = json.loads((folder / "coop.json").read_text())
    return Coop(folder / "coop.duckdb", {m: folder / p for m, p in saved["packages"].items()}, emails=saved["emails"],
                tokens=saved["tokens"], sha=saved["sha"]), saved["reco"]


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    return shared_coop(tmp_path_factory)[0]


@pytest.fixture(scope="module")
def app(coop: Coop) -> Iterator[object]:
    # No background warm-up here: each test sees what its own requests computed (test_warmup.py
    # starts one on its own cooperative).
    application = create_app(Settings(db=coop.db, login_attempts=5, warmup=False))
    yield application
    application.state.pool.close()


def new_client(app: object) -> TestClient:
    # https: the session cookie is Secure, so a client only sends it over HTTPS.
    return TestClient(app, base_url="https://testserver", follow_redirects=False)  # type: ignore[arg-type]


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with new_client(app) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303, response.text[:500]
    return client


def page_csrf(client: TestClient, path: str = "/account") -> str:
    return csrf_of(client.get(path).text)


PROGRAMME_HEADER = ("event_id,event_title,event_starts_at,venue,venue_postal_code,genres,artists,capacity,"
                    "is_local,event_language,price")
PROGRAMMES = {
    MEMBERS["A"]: ["jz-1,Soirée Coltrane,2026-03-12 20:00,Le Dièse,H2X 1Y4,jazz,Trio Lune,200,oui,fr,35",
                   "jz-2,Blues du dimanche,2026-03-29 19:30,Le Dièse,H2X 1Y4,blues|jazz,Mona Blues,150,non,en,28"],
    MEMBERS["B"]: ["tn-1,Les Belles-sœurs,2026-04-02 20:00,Théâtre du Nord,H2T 2P3,théâtre,Compagnie Nord,300,oui,fr,42"],
}


def add_reco(coop: Coop, folder: Path) -> dict[str, str]:
    """Programmes for members A and B, a trained model, a saved audience of B and a cross offer
    between B and C: the resources of another member that A must never reach."""
    from culturecoop.reco import audiences, cross, service
    from culturecoop.reco.programme import load_programme
    from culturecoop.reco.target import warm_measures

    with Warehouse(coop.db) as w:
        for member, rows in PROGRAMMES.items():
            path = folder / f"programme-{member}.csv"
            path.write_text("\n".join([PROGRAMME_HEADER, *rows]) + "\n", encoding="utf-8")
            load_programme(w, member, path)
        service.train(w)
        b_audience = audiences.build_audience(w, member_id=MEMBERS["B"], kind="event", params={"event": "tn-1"},
                                              name="B's audience")["audience_id"]
        b_offer = cross.propose(w, MEMBERS["B"], MEMBERS["C"])["agreement_id"]
        # The Target tab's two measures, kept in the warehouse as a server's warm-up keeps them:
        # each module's copy starts with them, as a dashboard restarted on this data would.
        warm_measures(w)
    return {"event": "tn-1", "audience": b_audience, "agreement": b_offer}


def api_routes(routes: Any) -> list[APIRoute]:
    """Every route of an application, also inside included routers (none has a prefix)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found
