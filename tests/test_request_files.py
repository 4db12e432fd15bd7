"""A person's request file (`consent apply`, `erase`, `access export`, and the API's consent and
access routes) as it may arrive: edited, damaged, saved again by an editor. Whatever it holds, the
reader says in one sentence what is wrong with it, in the reader's language; never an incident."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from culturecoop.cli import main as cli_main
from culturecoop.errors import UserError
from culturecoop.governance.requests import SubjectRequest, read_request
from culturecoop.i18n import set_language

TOKEN = "a" * 32


def _request(kind: str = "consent") -> dict[str, object]:
    request = SubjectRequest(kind=kind, member_id="jazz-dieze", created_at="2026-11-30T10:00:00",
                             record_tokens=(TOKEN,), consents={"marketing": False} if kind == "consent" else {})
    return request.to_json()


def _refused(path: Path, kind: str = "consent") -> str:
    with pytest.raises(UserError) as caught:
        read_request(path, kind)
    return caught.value.message


@pytest.mark.parametrize("content", [
    b"[" * 5_000 + b"]" * 5_000,  # nested past what Python's JSON reader follows
    b'{"format": "culturecoop-subject-request", "version": ' + b"9" * 5_000 + b"}",  # a number too long to read
    b'{"format": "culturecoop-subject-request", "version": "1", "kind": "consent", "tokens": {}}',
    b'{"format": "culturecoop-subject-request", "version": 1, "kind": 5, "tokens": {}}',
])
def test_a_file_culturecoop_never_wrote_is_said_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "request.json"
    path.write_bytes(content)
    assert _refused(path) == (f"{path} is not a request written by culturecoop; make it again with "
                              "`culturecoop consent request`.")


def test_a_request_saved_again_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_request(), indent=2).encode())
    assert read_request(path, "consent").record_tokens == (TOKEN,)


def test_a_request_of_another_kind_is_named_in_words(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(_request("consent")), encoding="utf-8")
    assert _refused(path, "erasure") == (f"The request {path} is a consent change, not an erasure request; "
                                         "give the right file.")
    set_language("fr")
    assert _refused(path, "access") == (f"Le fichier {path} est un changement de consentement, pas une demande "
                                        "d’accès ; donnez le bon fichier.")


def test_consent_apply_of_a_deeply_nested_file_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "request.json"
    path.write_bytes(b'{"format": ' + b"[" * 5_000 + b"]" * 5_000 + b"}")
    monkeypatch.setattr(sys, "argv", ["culturecoop", "consent", "apply", str(path), "--db", str(tmp_path / "coop.duckdb")])
    monkeypatch.setenv("CULTURECOOP_LANG", "fr")
    code = cli_main._run()
    said = " ".join(capsys.readouterr().err.split())
    assert code == 2, said
    assert said == (f"Erreur : {path} n’est pas une demande écrite par culturecoop ; refaites-la avec "
                    "`culturecoop consent request`.")


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--patron-id", "", "--patron-id is empty; give the person's value as it appears in your export, or leave it out."),
    ("--email", " ", "--email is empty; give the person's value as it appears in your export, or leave it out."),
    ("--country", "ZZ", "--country ZZ is not a country whose phone numbers culturecoop reads; use one of CA, US, FR, "
                        "BE, CH, LU, GB, IE, DE, AT, NL, NO, DK, SE, FI, IT, ES, PT, PL, CZ, HU, BR, MX, AR, CL, AU, NZ, JP."),
])
def test_a_request_for_nobody_is_refused_before_it_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str], option: str,
                                                              value: str, said: str) -> None:
    """An empty --patron-id made a request (a token of nothing) the cooperative could match with nobody; with
    --country ZZ every phone « is not a phone number »."""
    from culturecoop.privacy.keys import init_keys

    init_keys(tmp_path / "keys")
    out = tmp_path / "request.json"
    who = ["--phone", "514 555 0199"] if option == "--country" else []
    monkeypatch.setattr(sys, "argv", ["culturecoop", "consent", "request", "--member", "jazz-dieze", "--keys",
                                      str(tmp_path / "keys"), "--out", str(out), "--withdraw", "marketing",
                                      *who, option, value])
    monkeypatch.setenv("CULTURECOOP_LANG", "en")
    assert cli_main._run() == 2
    assert " ".join(capsys.readouterr().err.split()) == f"Error: {said}"
    assert not out.exists()
