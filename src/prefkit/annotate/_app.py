"""``create_app(store)``: the FastAPI application of the workbench."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from prefkit.annotate import _api, _pages
from prefkit.annotate._state import HERE, State
from prefkit.annotate._work import WorkError
from prefkit.data import Store
from prefkit.errors import PrefkitError

__all__ = ["create_app"]

# No inline script or style, nothing from other origins: model output that slipped through the
# escaping still could not run, load or send anything.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def create_app(store: Store, *, secure_cookies: bool = False) -> FastAPI:
    """The workbench over ``store``. ``secure_cookies``: set when served over HTTPS."""
    st = State(store, secure_cookies=secure_cookies)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        st.writer.start()
        yield
        st.writer.stop()
        st.auth.close()

    app = FastAPI(
        title="prefkit workbench",
        summary="Pairwise preference annotation: assignments, submissions, progress, export.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served below from the package, under the same strict CSP
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.prefkit = st
    app.include_router(_api.router)
    app.include_router(_pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/api/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """Swagger UI for the JSON API, fully offline (no CDN, no inline script)."""
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>prefkit workbench API</title>"
            '<link rel="stylesheet" href="/api/docs-assets/swagger-ui.css"></head><body>'
            '<div id="swagger-ui"></div>'
            '<script src="/api/docs-assets/swagger-ui-bundle.js"></script>'
            '<script src="/static/api-docs.js"></script></body></html>'
        )

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        resp = await call_next(request)
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        if st.secure_cookies:  # served over HTTPS: browsers must never fall back to HTTP
            resp.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.url.path.startswith("/static/"):
            resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.exception_handler(WorkError)
    async def work_error(request: Request, exc: WorkError) -> Response:
        if _wants_html(request):
            if exc.status == 401:
                return RedirectResponse("/login", status_code=303)
            # a stale tab's form: offer the way on instead of a dead end
            m = re.fullmatch(r"/c/([A-Za-z0-9_.-]+)/(submit|skip)", request.url.path)
            onward = f"/c/{m.group(1)}" if m and exc.status == 409 else None
            return st.templates.TemplateResponse(
                request,
                "error.html",
                {"user": None, "csrf": "", "message": exc.message, "onward": onward},
                status_code=exc.status,
                headers=exc.headers,
            )
        if exc.status == 422:  # FastAPI's documented shape for 422, with our message in it
            detail: Any = [{"loc": ["body"], "msg": exc.message, "type": "value_error"}]
            return JSONResponse({"detail": detail}, status_code=422)
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(PrefkitError)
    async def prefkit_error(request: Request, exc: PrefkitError) -> Response:
        return await work_error(request, WorkError(422, str(exc)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _jsonable(exc.errors())
        if _wants_html(request):
            text = "; ".join(f"{'.'.join(e['loc'][1:]) or 'request'}: {e['msg']}" for e in errors)
            return await work_error(request, WorkError(422, text or "invalid request"))
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    return app


def _jsonable(errors: Any) -> Any:
    out = []
    for e in errors[:10]:
        out.append(
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg")),
                "type": str(e.get("type")),
            }
        )
    return out
