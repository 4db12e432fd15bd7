"""The application factory: settings → FastAPI app with pages, API, static files and guards."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from culturecoop import __version__
from culturecoop.analytics.answers import Answers
from culturecoop.analytics.warmup import Warmer
from culturecoop.errors import UserError
from culturecoop.reco.target import warm_measures
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import errors, render, tab_pages
from culturecoop.web.pool import WarehousePool
from culturecoop.web.security import LoginRateLimit, SecurityHeadersMiddleware
from culturecoop.web.settings import Settings

STATIC = Path(__file__).parent / "static"
# Located without importing plotly (its Python side is not needed here).
PLOTLY_JS = Path(str(importlib.util.find_spec("plotly").origin)).parent / "package_data" / "plotly.min.js"  # type: ignore[union-attr]

API_DESCRIPTION = """\
The cooperative's REST API. Authenticate with an API token (`Authorization: Bearer ccp_...`),
created on the dashboard's *Account* page and scoped to one member, or with the dashboard's
session cookie (state-changing calls then need the `X-CSRF-Token` header). Every report that
crosses members is an aggregate released through the privacy gate. Errors are
`{"error": {"code", "status", "message"}}`. A call with an API token is answered in the language
its `Accept-Language` prefers (`fr` or `en`), else in its account's; a report's title, notes and
column meanings too. `Content-Language` says which.
"""


class BodySizeLimit:
    """Refuse a request body larger than the upload limit before reading it (HTTP 413)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        limit = self.max_bytes + 64 * 1024  # room for the multipart envelope and form fields
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise StarletteHTTPException(413)
            return message

        await self.app(scope, counting_receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await errors.handle_http_error(request, StarletteHTTPException(413))
        await response(scope, receive, send)


class AnswerLanguage:
    """Says which language an API answer's sentences are in (Content-Language: what
    ``render.request_language`` chose) and that the choice reads Accept-Language (Vary)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not render.wants_json_path(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                language = render.request_language(Request(scope))
                message["headers"] = [*message.get("headers", []), (b"content-language", language.encode()),
                                      (b"vary", b"Accept-Language")]
            await send(message)

        await self.app(scope, receive, send_with_language)


class CatchAll:
    """The last guard: an unexpected error becomes a clear 500 page or JSON, never a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            request = Request(scope, receive)
            if isinstance(exc, StarletteHTTPException):
                response = await errors.handle_http_error(request, exc)
            else:
                response = await errors.handle_unexpected(request, exc)
            await response(scope, receive, send)


def create_app(settings: Settings) -> FastAPI:
    """The dashboard and API over the warehouse named by ``settings.db``.

    The app opens its warehouse connections at once; whoever created it closes them with
    ``app.state.pool.close()`` (``culturecoop serve`` does when the server stops).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.warmer.start()
        yield
        app.state.warmer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="culturecoop",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.pool = WarehousePool(settings.db, settings.connections)
    # One answer cache per application (per warehouse file): two apps never share answers.
    app.state.answers = answers = Answers()

    def warm_pages(warehouse: Warehouse, member_id: str) -> None:
        tab_pages.warm_member_pages(answers, warehouse, member_id)
        warm_measures(warehouse)  # the Target audience tab's curves: once per model and data version

    app.state.warmer = Warmer(app.state.pool, answers, enabled=settings.warmup, before_start=render.compile_templates,
                              after_member=warm_pages)
    app.state.login_limit = LoginRateLimit(
        settings.login_attempts, settings.login_attempts_per_ip, settings.login_window_seconds
    )

    app.add_exception_handler(errors.WebError, errors.handle_web_error)
    app.add_exception_handler(UserError, errors.handle_user_error)
    app.add_exception_handler(errors.LoginRequiredError, errors.handle_login_required)
    app.add_exception_handler(StarletteHTTPException, errors.handle_http_error)
    app.add_exception_handler(RequestValidationError, errors.handle_validation_error)

    app.add_middleware(CatchAll)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(AnswerLanguage)
    app.add_middleware(SecurityHeadersMiddleware)

    # Plotly's JavaScript comes from the installed package: the dashboard works offline.
    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return FileResponse(PLOTLY_JS, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        """Readiness: "warming" (503) until the first visits' queries are computed, then "ready"."""
        status = app.state.warmer.status()
        return JSONResponse(status, status_code=200 if status["status"] == "ready" else 503)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from culturecoop.web.routes import (
        account,
        admin,
        auth,
        campaigns,
        contribution,
        data,
        docs,
        reports,
        target,
        transparency,
        unsubscribe,
    )

    for module in (auth, reports, target, data, transparency, contribution, admin, account, docs, unsubscribe, campaigns):
        app.include_router(module.router)
    return app
