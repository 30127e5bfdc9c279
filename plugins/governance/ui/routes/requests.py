"""The requests list and what the DPO does with a registered request: start or resume its run,
extend its deadline, download its response or package, retrieve the package's passphrase."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse

from governance import settings
from governance.dsr import requests
from governance.dsr.requests import RequestError, RequestInputError
from governance.errors import GovernanceError
from governance.ui import airflow_api, pages
from governance.ui.access import DSR_DAG, CallerDep
from governance.ui.web import (
    WRITE,
    JsonBody,
    body_dict,
    errors,
    field_error,
    page,
    request_or_404,
    start_run,
    store,
)

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(who: CallerDep) -> RedirectResponse:
    return RedirectResponse("requests", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/requests", response_class=HTMLResponse)
def requests_page(request: Request, who: CallerDep) -> HTMLResponse:
    today = datetime.now(UTC).date()
    rows = pages.request_rows(store(), today)
    base = airflow_api.api_base(request)
    waiting: set[str] = set()
    for row in rows:
        if row.run_id and row.view.status == "awaiting_approval":
            waiting.add(row.id)
    paused = airflow_api.dag_paused(base, who.token, DSR_DAG) if who.can_write else None
    return page(
        "requests.html",
        who,
        "requests",
        rows=rows,
        today=today,
        waiting=waiting,
        dsr_paused=paused,
        soon_days=pages.SOON_DAYS,
    )


@router.get("/requests/{request_id}/response")
def response_document(request_id: str, who: CallerDep, lang: str = "en") -> FileResponse:
    who.require_write()
    if lang not in ("lv", "en"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "lang: expected lv or en")
    view = request_or_404(request_id)
    path = Path(str(settings.outbox_root() / view.id / f"response.{lang}.html"))
    if not view.has_response or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this request has no response document")
    return FileResponse(path, media_type="text/html", filename=f"response-{view.id}.{lang}.html")


@router.get("/requests/{request_id}/package")
def package_file(request_id: str, who: CallerDep) -> FileResponse:
    who.require_write()
    from governance.dsr.assemble import package_path

    view = request_or_404(request_id)
    path = package_path(view.id) if view.has_package else None
    if path is None or not Path(path).is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this request has no package")
    return FileResponse(path, media_type="application/zip", filename=f"package-{view.id}.zip")


@router.get("/api/requests")
def list_requests_api(who: CallerDep) -> list[dict[str, Any]]:
    today = datetime.now(UTC).date()
    return [_request_json(row, today) for row in pages.request_rows(store(), today)]


@router.post("/api/requests/{request_id}/run", dependencies=WRITE)
def run_api(request: Request, request_id: str, who: CallerDep) -> JSONResponse:
    who.require_write()
    view = request_or_404(request_id)
    if view.status in requests.CLOSED:
        return errors({"request": f"the request is {view.status}"}, 409)
    if view.status == "registered":
        return errors({"request": "identity is not verified yet; it cannot run"}, 409)
    last = pages.latest_runs(store()).get(view.id)
    state = (
        airflow_api.run_state(airflow_api.api_base(request), who.token, DSR_DAG, last)
        if last
        else None
    )
    if view.status != "verified" or (state and state.state in ("queued", "running")):
        return errors(
            {
                "request": "a run is already under way; to resume a failed one, clear its "
                "failed task in Airflow (every step resumes where it stopped)"
            },
            409,
        )
    result = start_run(request, who, view.id)
    return JSONResponse(result, status_code=200 if result.get("run_id") else 502)


@router.post("/api/requests/{request_id}/extend", dependencies=WRITE)
def extend_api(request_id: str, who: CallerDep, body: JsonBody) -> JSONResponse:
    who.require_write()
    body = body_dict(body)
    request_or_404(request_id)
    try:
        months = int(body.get("months"))
    except (TypeError, ValueError):
        return errors({"months": "expected 1 or 2"})
    try:
        view = requests.extend(
            store(),
            request_id,
            months=months,
            reason=str(body.get("reason") or ""),
            actor=who.name,
        )
    except RequestInputError as exc:
        return errors(exc.errors)
    except RequestError as exc:
        return errors({"request": str(exc)}, 409)
    except GovernanceError as exc:  # a deadline rule names its field (months)
        return field_error(exc, "request")
    return JSONResponse({"request_id": view.id, "due": view.due.isoformat()})


@router.post("/api/requests/{request_id}/passphrase", dependencies=WRITE)
def passphrase_api(request_id: str, who: CallerDep) -> JSONResponse:
    who.require_write()
    from governance.dsr.passphrase import retrieve_passphrase

    request_or_404(request_id)
    try:
        secret = retrieve_passphrase(request_id, f"ui:{who.name}")
    except RequestError as exc:
        return errors({"passphrase": str(exc)}, 409)
    return JSONResponse({"request_id": request_id, "passphrase": secret})


def _request_json(row: pages.RequestRow, today: date) -> dict[str, Any]:
    view = row.view
    return {
        "id": view.id,
        "type": view.type,
        "scope": view.scope,
        "status": view.status,
        "status_reason": view.status_reason,
        "received": view.received_on.isoformat(),
        "due": view.due.isoformat(),
        "extended": view.extended_due_on is not None,
        "extension_reason": view.extension_reason,
        "urgency": row.urgency,
        "run_id": row.run_id,
        "closed_at": view.closed_at.isoformat() if view.closed_at else None,
        "has_package": view.has_package,
        "passphrase_retrieved": view.passphrase_retrieved,
        "has_response": view.has_response,
    }
