"""Talking to the cooperative's REST API from the member's machine: who the token speaks for,
and sending a package archive. Standard library only (the app must run on a bare laptop)."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language

TIMEOUT = 120.0


class CoopClient:
    """The cooperative's API at ``url``, called with the member's API token."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(_("The cooperative's address {url} is not a web address; give one such as "
                              "https://coop.example.org.").format(url=url))
        self.url = url.rstrip("/")
        self.token = token.strip()

    def _call(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> dict[str, Any]:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        # The cooperative's sentences (a refusal, a problem with the package) in the reader's language.
        request.add_header("Accept-Language", current_language())
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                payload: dict[str, Any] = json.loads(response.read() or b"{}")
                return payload
        except urllib.error.HTTPError as exc:
            raise UserError(_("The cooperative refused: {message}").format(message=_error_message(exc))) from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise UserError(_("The cooperative at {url} cannot be reached ({reason}); check the address and your "
                              "connection, then try again.").format(url=self.url, reason=_unreachable(exc))) from None

    def member(self) -> str:
        """The member the token may send packages for."""
        me = self._call("GET", "/api/v1/me")
        member = me.get("scope_member") or (me.get("account") or {}).get("member_id")
        if not member:
            raise UserError(_("This token belongs to no member; create a token on your member's Account page."))
        return str(member)

    def recommendations(self, member_id: str, k: int = 5) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The member's patron → events list, its patrons as the tokens its packages carried, and
        what the lists are like (the cooperative's ``lists``)."""
        payload = self._call("GET", f"/api/v1/members/{quote(member_id, safe='')}/recommendations?k={int(k)}")
        return list(payload.get("data") or []), dict(payload.get("lists") or {})

    def send(self, member_id: str, archive: Path) -> dict[str, Any]:
        """POST the package archive; the cooperative verifies and loads it."""
        boundary = "culturecoop-" + secrets.token_hex(12)
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{archive.name}\"\r\n"
                "Content-Type: application/gzip\r\n\r\n").encode()
        body = head + archive.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        return self._call("POST", f"/api/v1/members/{quote(member_id, safe='')}/packages", body,
                          f"multipart/form-data; boundary={boundary}")


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(exc.read() or b"{}")
        message = (payload.get("error") or {}).get("message") or payload.get("detail")
        if isinstance(message, str) and message:
            return message
    except (ValueError, AttributeError):
        pass
    return f"HTTP {exc.code}"


def _unreachable(exc: BaseException) -> str:
    """Why the cooperative could not be reached, in the reader's language: the system's own words
    (« [Errno 111] Connection refused », « [Errno -2] Name or service not known ») are English."""
    import socket
    import ssl

    from culturecoop.files import os_reason

    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return _("no computer answers to this name")
    if isinstance(reason, ssl.SSLError):
        return _("the secure connection failed")
    if isinstance(reason, TimeoutError | socket.timeout):
        return _("no answer in time")
    if isinstance(reason, OSError):
        return os_reason(reason)
    return _("no answer")
