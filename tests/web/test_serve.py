"""`culturecoop serve`: the real command serves the dashboard, the API docs and Plotly offline."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from culturecoop.warehouse.engine import Warehouse
from web.live import free_port


def test_serve_starts_and_serves_pages_docs_and_plotly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "coop.duckdb"
    Warehouse(db, create=True).close()
    port = free_port()
    env = {**os.environ, "CULTURECOOP_LANG": "en"}
    server = subprocess.Popen(
        [sys.executable, "-m", "culturecoop.cli.main", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                login = httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert login.status_code == 200 and 'lang="fr"' in login.text
        assert "server" not in login.headers
        plotly = httpx.get(f"{base}/static/vendor/plotly.min.js", timeout=10)
        assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
        docs = httpx.get(f"{base}/docs", timeout=10)
        assert docs.status_code == 200 and "/api/v1/me" in docs.text
        secret_path = f"{base}/invite/abc.SECRET-IN-URL"
        assert httpx.get(secret_path, timeout=5).status_code == 400
        # Headers past 16 KB (a browser's cookies piled up) had a bare "Invalid HTTP request received.".
        crammed = httpx.get(f"{base}/login", headers={"Cookie": "x=" + "a" * 200_000}, timeout=5)
        assert crammed.status_code == 400, crammed.text
        assert "Effacez les cookies de ce site" in crammed.text and "Delete this site's cookies" in crammed.text
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    assert "Dashboard on http://127.0.0.1" in err
    # The access log names route templates, never raw paths with their secrets.
    assert "GET /invite/{link} 400" in err and "SECRET-IN-URL" not in err
    assert "Traceback" not in err


def test_serve_refuses_a_folder_as_warehouse(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--db", str(tmp_path), "--port", "1")
    assert result.returncode == 2 and "folder" in result.stderr and "Traceback" not in result.stderr
