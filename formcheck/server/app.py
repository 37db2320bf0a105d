"""The ASGI app of `formcheck serve`: pages for athletes and coaches, the JSON API they use,
and the tus endpoint, over the records (`store`), the queue (`jobs`) and the library API.

`create_app(config)` builds it; `formcheck.server.run` starts it with its workers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from formcheck import __version__
from formcheck.server.auth import NotSignedIn, athlete_from_header
from formcheck.server.config import ServerConfig
from formcheck.server.jobs import JobQueue
from formcheck.server.store import Store

if TYPE_CHECKING:
    from formcheck.server.run import Supervisor

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
#: what every page may load: only the service's own files (scripts, styles, the videos)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
#: the desktop HTML report (a standalone file with its own inline script and styles) is
#: served sandboxed: an opaque origin that can reach no cookie and no API
SANDBOXED_POLICY = (
    "sandbox allow-scripts; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'"
)
#: a request body outside the tus endpoint larger than this is refused (forms, JSON)
MAX_FORM_BYTES = 1 << 20


class SecurityHeaders:
    """Adds the security headers to every response, and refuses oversized non-upload bodies.
    (A plain ASGI middleware: it leaves streamed responses, the event streams, alone.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if not path.startswith("/api/uploads"):
            headers = dict(scope.get("headers") or [])
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
                response = JSONResponse({"detail": "request too large"}, status_code=413)
                await response(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                names = {k.lower() for k, _ in raw}
                if b"content-security-policy" not in names:
                    raw.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                raw += [
                    (b"x-content-type-options", b"nosniff"),
                    # the invite token is in the page's address: never send it to another
                    # site (same-origin, not no-referrer: with no-referrer Chromium sends
                    # "Origin: null" on the service's own forms, and the origin check needs it)
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    config: ServerConfig, *, queue: JobQueue | None = None, supervisor: Supervisor | None = None
) -> FastAPI:
    """The service's app for ``config`` (its database must be migrated: `run.prepare`).
    ``supervisor``: the workers it starts with the app and stops with it (uvicorn ends the
    process by re-raising SIGTERM once the app has shut down, so stopping them after
    `uvicorn.run` returns would be too late)."""
    from formcheck.server import athlete_routes, coach_routes, live_routes, uploads

    config.make_dirs()
    store = Store(config.db_url)
    queue = queue or JobQueue(config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if supervisor is not None:
            supervisor.start()
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="formcheck",
        version=__version__,
        description=(
            "Rep-by-rep form checking for glute-bridge drills. Athletes upload clips with "
            "their invite link (tus at /api/uploads/, header X-Invite-Token) and read their "
            "reports under /api/a/{token}/; coaches sign in (session cookie; state-changing "
            "calls carry the X-CSRF-Token from /api/session) and use /api/athletes and "
            "/api/clips."
        ),
        # the interactive docs load scripts from a CDN: offline and under the CSP they cannot
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.config, app.state.store, app.state.queue = config, store, queue
    app.state.templates = templates()
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key(),
        session_cookie="formcheck_session",
        max_age=14 * 24 * 3600,
        same_site="lax",
        https_only=config.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(uploads.router(config, store, queue, athlete_from_header))
    app.include_router(athlete_routes.router)
    app.include_router(coach_routes.router)
    app.include_router(live_routes.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    _error_handlers(app)
    return app


def templates() -> Jinja2Templates:
    from formcheck.server import report_words

    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.globals["version"] = __version__
    report_words.register(t.env)  # the key points' words, as every other rendering says them
    return t


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if wants_json(request) or request.method not in ("GET", "POST"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=headers)
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors()
        )
        if wants_json(request):
            return JSONResponse({"detail": detail}, status_code=422)
        return error_page(request, 422, detail)


def error_page(request: Request, status: int, message: str) -> Response:
    words = {404: "Not found", 403: "Not allowed", 413: "Too large", 422: "Not accepted"}
    context: dict[str, Any] = {"status": status, "title": words.get(status, "Error"),
                               "message": message}
    return request.app.state.templates.TemplateResponse(
        request, "error.html", context, status_code=status
    )
