"""What every route module of the Privacy page shares: the store, the templates, the error
shapes, the write guard, and starting a ``dsr`` run as the caller.

Routes live in ``ui/routes/`` (one module per job); ``ui/app.py`` assembles them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Body, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine

from governance import settings
from governance.dsr import requests
from governance.dsr.requests import RequestError
from governance.errors import GovernanceError
from governance.store import open_store
from governance.store.models import REQUEST_TYPES, VERIFICATION_METHODS
from governance.ui import airflow_api, pages
from governance.ui.access import DSR_DAG, Caller, caller
from governance.ui.guard import check_same_origin_json

HERE = Path(__file__).parent

#: Authentication first (401 before anything else), then the cross-site check.
WRITE = [Depends(caller), Depends(check_same_origin_json)]
#: A JSON body parsed by hand: a model's validation errors would repeat identifiers back.
JsonBody = Annotated[Any, Body()]


@functools.cache
def _engine(url: str) -> Engine:
    return open_store(url)


def store() -> Engine:
    """One migrated engine per store URL and API-server process."""
    return _engine(settings.store_url())


@functools.cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(request_types=REQUEST_TYPES, verification_methods=VERIFICATION_METHODS)
    return env


def page(name: str, who: Caller, active: str, **context: Any) -> HTMLResponse:
    html = _templates().get_template(name).render(who=who, active=active, **context)
    return HTMLResponse(html)


def errors(errors: dict[str, str], code: int = 422) -> JSONResponse:
    return JSONResponse({"errors": errors}, status_code=code)


def field_error(exc: GovernanceError, fallback: str) -> JSONResponse:
    """The engine error under the form field it names (``exc.field``), else under ``fallback``."""
    return errors({exc.field or fallback: str(exc)})


def body_dict(body: Any, field: str = "body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, f"{field}: expected a JSON object"
        )
    return body


def request_or_404(request_id: str) -> requests.RequestView:
    try:
        return requests.get(store(), request_id)
    except RequestError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such request") from None


def start_run(request: Request, who: Caller, request_id: str) -> dict[str, Any]:
    """Start the ``dsr`` run as the caller; a refusal is reported, the request stays stored."""
    base = airflow_api.api_base(request)
    try:
        run_id = airflow_api.start_run(base, who.token, DSR_DAG, request_id)
    except airflow_api.AirflowApiError as exc:
        return {"run_id": None, "run_error": f"Airflow did not start the run: {exc}"}
    pages.record_run(store(), request_id, run_id, f"ui:{who.name}")
    return {"run_id": run_id, "run_url": f"../dags/{DSR_DAG}/runs/{run_id}"}
