"""`culturecoop member serve` as the process a venue's staff start and stop: Ctrl-C stops it quietly
(it said « Erreur : Arrêté à votre demande … relancez la commande pour finir », exit 130), and a request
it cannot read (a browser's cookies piled up) is answered in words, not a bare « Invalid HTTP request »."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from culturecoop.privacy.keys import init_keys
from web.live import free_port


def test_the_member_app_stops_on_ctrl_c_and_explains_an_unreadable_request(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    init_keys(keys)
    port = free_port()
    app = subprocess.Popen([sys.executable, "-m", "culturecoop.cli.main", "member", "serve", "--keys", str(keys),
                            "--work", str(tmp_path / "work"), "--port", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, "CULTURECOOP_LANG": "fr"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
                break
            except httpx.TransportError:
                assert app.poll() is None and time.monotonic() < deadline, "the member app did not start"
                time.sleep(0.2)
        crammed = httpx.get(f"http://127.0.0.1:{port}/", headers={"Cookie": "x=" + "a" * 200_000}, timeout=5)
        assert crammed.status_code == 400
        assert crammed.text.startswith("Cette requête n’a pas pu être lue : ses en-têtes sont trop longs"), crammed.text
        assert "Delete this site's cookies in your browser" in crammed.text
    finally:
        app.send_signal(signal.SIGINT)
        _out, err = app.communicate(timeout=60)
    said = " ".join(err.split())
    assert app.returncode == 0, said
    assert said.endswith(f"Application du membre arrêtée : vos exports et vos paquets restent dans {tmp_path / 'work'}."), said
    assert "Erreur" not in said and "Traceback" not in said and "leaked" not in said
