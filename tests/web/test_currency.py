"""A venue that sells in euros reads its amounts in euros: key figures, sentences, spending bands,
chart axes and CSV headers — never the dollar sign the Québec members see."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from culturecoop.governance.accounts import create_account
from culturecoop.ingest.load import ingest
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from packages import make_package
from web.conftest import PASSWORD, login, new_client
from web.test_reports import figures, visible_text

PARIS, MONTREAL = "jazz-dieze", "theatre-nord"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    folder = tmp_path_factory.mktemp("currency")
    db = folder / "coop.duckdb"
    ingest(make_package(folder / "paris", PARIS, n_tickets=400, price=32.5, currency="EUR"), db)
    ingest(make_package(folder / "montreal", MONTREAL, n_tickets=400, price=32.5), db)
    with Warehouse(db) as w:
        for member in (PARIS, MONTREAL):
            create_account(w, email=f"admin@{member}.test", password=PASSWORD, role="member_admin", member_id=member,
                           display_name=member, language="fr")
    application = create_app(Settings(db=db, login_attempts=5, warmup=False))
    yield application
    application.state.pool.close()  # type: ignore[attr-defined]


def _words(page: str) -> str:
    """What the reader sees, every kind of space (French thousands, before a sign) as one."""
    return re.sub(r"\s", " ", visible_text(page))


def _page(app: object, member: str, path: str) -> str:
    with new_client(app) as c:
        login(c, f"admin@{member}.test")
        response = c.get(path)
        assert response.status_code == 200, response.text[:300]
        return response.text


def test_a_member_selling_in_euros_reads_euros_everywhere(app: object, tmp_path: Path) -> None:
    overview = _page(app, PARIS, f"/m/{PARIS}/overview?from=2025-01-01&to=2026-06-30")
    text = _words(overview)
    assert "13 000,00 €" in text  # 400 tickets at 32,50 €: the key figure and the sentence
    assert "$" not in re.sub(r"\$\{|\$[a-z]", "", text)
    page = _page(app, PARIS, f"/m/{PARIS}/audience?from=2025-01-01&to=2026-06-30")
    charts = json.dumps(figures(page), ensure_ascii=False)  # the spending chart's bands
    assert re.search(r"\d\u00a0€", charts) and not re.search(r"\d\u00a0\$", charts)
    audience = _words(page)
    assert "moins de 50 €" in audience or "50 € à 99 €" in audience or "100 € à 249 €" in audience
    assert "$" not in re.sub(r"\$\{|\$[a-z]", "", audience)
    csv = _page(app, PARIS, f"/m/{PARIS}/overview.csv?table=overview-overview&from=2025-01-01&to=2026-06-30")
    assert "€" in csv and "$" not in csv
    # The Québec member keeps its dollars.
    montreal = _words(_page(app, MONTREAL, f"/m/{MONTREAL}/overview?from=2025-01-01&to=2026-06-30"))
    assert "13 000,00 $" in montreal and "€" not in montreal
