"""`culturecoop member serve` stopped the ordinary way (SIGTERM from the system, Ctrl-C from its user):
it said « Erreur : Arrêté à votre demande… » and exited 130, as if work had been cut short."""

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


def test_a_member_app_stopped_as_usual_says_so_and_is_no_error(tmp_path: Path) -> None:
    init_keys(tmp_path / "keys")
    port = free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "culturecoop.cli.main", "member", "serve", "--keys", str(tmp_path / "keys"),
         "--work", str(tmp_path / "work"), "--port", str(port), "--member", "m1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "CULTURECOOP_LANG": "fr"})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/?lang=fr", timeout=2).status_code == 200
                break
            except httpx.TransportError:
                assert app.poll() is None, app.stderr.read() if app.stderr else ""
                assert time.monotonic() < deadline, "the member app did not start"
                time.sleep(0.2)
    finally:
        app.send_signal(signal.SIGTERM)
        out, err = app.communicate(timeout=30)
    said = " ".join((out + err).replace("\u00a0", " ").split())
    assert app.returncode == 0, said
    assert "Erreur" not in said and "Arrêté à votre demande" not in said and "Traceback" not in said, said
    assert "Application du membre arrêtée : vos exports et vos paquets restent dans" in said, said
