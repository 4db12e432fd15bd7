"""Security plumbing: response headers, CSRF tokens, the sign-in rate limit, the access log.

The access log names the route template (``/m/{member_id}/overview``), never the raw path or
query, so no invitation secret, token or e-mail reaches a log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("culturecoop.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, and no-store to everything but /static."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        static = str(scope.get("path", "")).startswith("/static/")
        status: dict[str, int] = {}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                headers += SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("/static/…" if static else "(no route)")
            log.info("%s %s %s %.0f ms", scope.get("method"), template, status.get("code", "-"),
                     (time.perf_counter() - started) * 1000)


def csrf_token(secret: bytes, binding: str) -> str:
    """The CSRF token of a session (or of an anonymous browser's nonce)."""
    return hmac.new(secret, b"csrf:" + binding.encode(), hashlib.sha256).hexdigest()[:40]


def csrf_valid(secret: bytes, binding: str | None, token: Any) -> bool:
    if not binding or not isinstance(token, str):
        return False
    return hmac.compare_digest(csrf_token(secret, binding), token)


class LoginRateLimit:
    """Failed sign-ins per e-mail and per address within a sliding window (in memory)."""

    def __init__(self, per_email: int, per_ip: int, window_seconds: int) -> None:
        self.limits = {"email": per_email, "ip": per_ip}
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(email: str, ip: str) -> dict[str, str]:
        # Hashed so that the limiter's memory holds no e-mail address.
        return {"email": "e:" + hashlib.sha256(email.strip().lower().encode()).hexdigest(), "ip": "i:" + ip}

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, email: str, ip: str) -> int:
        """Seconds to wait before another attempt is allowed; 0 when allowed now."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for kind, key in self._keys(email, ip).items():
                failures = self._recent(key, now)
                if len(failures) >= self.limits[kind]:
                    wait = max(wait, failures[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, email: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(email, ip).values():
                self._recent(key, now).append(now)

    def succeeded(self, email: str, ip: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(email, ip)["email"], None)
