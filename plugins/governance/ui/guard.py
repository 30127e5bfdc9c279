"""Cross-site request forgery and script-injection defences for the Privacy page.

Airflow keeps the UI's token in a cookie that browsers attach to cross-site requests too, and
plugin apps get no CSRF protection from Airflow. So a state-changing call must (a) carry a JSON
body (a cross-site HTML form cannot send one, and a cross-site ``fetch`` with one needs a CORS
pre-flight this app never grants) and (b) when it is authenticated by the cookie, come from this
origin: ``Sec-Fetch-Site: same-origin``, or an ``Origin`` equal to the page's own. A call with a
Bearer header (scripts, curl) carries no ambient credential and needs no origin check.

Every response also gets a strict Content-Security-Policy: the cookie is readable by scripts,
so an injected script could steal it; only this app's own script file may run.
"""

from __future__ import annotations

from fastapi import HTTPException, Request, status
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        "base-uri 'none'",
    ]
)


def own_origin(request: Request) -> str:
    forwarded_proto = request.headers.get("x-forwarded-proto")
    forwarded_host = request.headers.get("x-forwarded-host")
    scheme = forwarded_proto or request.url.scheme
    host = forwarded_host or request.headers.get("host") or request.url.netloc
    return f"{scheme}://{host}"


def check_same_origin_json(request: Request) -> None:
    """Refuse a state-changing call that a foreign site could have made (403/415)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "expected a JSON body (application/json)"
        )
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if fetch_site is not None:
        if fetch_site != "same-origin":
            raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")
        return
    if origin is None or origin.rstrip("/") != own_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")


class SecurityHeaders(BaseHTTPMiddleware):
    """CSP, no MIME sniffing, no caching of pages that show personal request details."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response
