"""The Privacy page: a FastAPI app that Airflow mounts at ``/privacy`` (see privacy_plugin.py).

The DPO registers data-subject requests here instead of in Airflow's trigger form, which would
keep the person's identifiers in the run conf for every viewer to read. Identifiers go straight
into the governance store, encrypted; the ``dsr`` run is started with the request id only.

Pages are rendered on the server with Jinja (autoescaped) and read the store; changes go through
small JSON endpoints under ``api/`` that a same-origin script calls (see guard.py). Every route
depends on :data:`~governance.ui.access.CallerDep`: no anonymous access, auditors read only.
The routes live in ``ui/routes/``, one module per job; this module assembles them.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from governance.ui.guard import SecurityHeaders
from governance.ui.routes import audit, holds, intake, requests
from governance.ui.web import HERE, errors

#: In the order their pages appear in the page's navigation.
ROUTERS = (requests.router, intake.router, holds.router, audit.router)


async def _validation_without_values(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's default 422 repeats the submitted value; a request body holds identifiers."""
    found = {
        ".".join(str(p) for p in e.get("loc", ())): e.get("msg", "invalid") for e in exc.errors()
    }
    return errors(found)


def create_app() -> FastAPI:
    app = FastAPI(
        title="Privacy",
        description="Data-subject requests, legal holds and the audit trail.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(RequestValidationError, _validation_without_values)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app


app = create_app()
