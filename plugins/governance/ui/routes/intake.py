"""A new data-subject request: the form, and the endpoint that registers it (identifiers go
straight into the store, encrypted) and starts its ``dsr`` run when identity is verified."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, JSONResponse

from governance.dsr import requests
from governance.dsr.requests import RequestInputError
from governance.policy import load_policy
from governance.ui.access import CallerDep
from governance.ui.web import WRITE, JsonBody, body_dict, errors, page, start_run, store

IDENTIFIER_FIELDS = ("email", "phone", "personas_kods", "name", "address")

router = APIRouter()


@router.get("/new", response_class=HTMLResponse)
def new_page(who: CallerDep) -> HTMLResponse:
    who.require_write()
    policy = load_policy()
    return page(
        "new.html",
        who,
        "new",
        purposes=sorted(policy.purposes),
        today=datetime.now(UTC).date(),
        identifier_fields=IDENTIFIER_FIELDS,
    )


@router.post("/api/requests", dependencies=WRITE, status_code=status.HTTP_201_CREATED)
def register_api(request: Request, who: CallerDep, body: JsonBody) -> JSONResponse:
    who.require_write()
    body = body_dict(body)
    identifiers = body.get("identifiers")
    if isinstance(identifiers, dict):
        identifiers = {k: v for k, v in identifiers.items() if v not in (None, "")}
    corrections = body.get("corrections")
    if isinstance(corrections, dict):
        corrections = {k: v for k, v in corrections.items() if v not in (None, "")} or None
    scope = body.get("scope") or ["*"]
    if isinstance(scope, str):
        scope = [scope]
    try:
        request_id = requests.register(
            store(),
            request_type=str(body.get("type") or ""),
            received_on=str(body.get("received") or ""),
            identifiers=identifiers,
            verification_method=body.get("verified_by") or None,
            verification_reference=body.get("reference"),
            verified_by=who.name,
            scope=[str(s) for s in scope] if isinstance(scope, list) else ["?"],
            corrections=corrections,
            known_purposes=list(load_policy().purposes),
        )
    except RequestInputError as exc:
        return errors(exc.errors)
    view = requests.get(store(), request_id)
    result: dict[str, Any] = {
        "request_id": request_id,
        "status": view.status,
        "due": view.due.isoformat(),
    }
    if view.status == "verified":
        result.update(start_run(request, who, request_id))
    return JSONResponse(result, status_code=status.HTTP_201_CREATED)
