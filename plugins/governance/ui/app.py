"""The Privacy page: a FastAPI app that Airflow mounts at ``/privacy`` (see privacy_plugin.py).

The DPO registers data-subject requests here instead of in Airflow's trigger form, which would
keep the person's identifiers in the run conf for every viewer to read. Identifiers go straight
into the governance store, encrypted; the ``dsr`` run is started with the request id only.

Pages are rendered on the server with Jinja (autoescaped) and read the store; changes go through
small JSON endpoints under ``api/`` that a same-origin script calls (see guard.py). Every route
depends on :data:`~governance.ui.access.CallerDep`: no anonymous access, auditors read only.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Body, Depends, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from governance import settings
from governance.audit.report import build_report, tables
from governance.dsr import requests
from governance.dsr.package import outbox_root
from governance.dsr.requests import RequestError, RequestInputError
from governance.errors import GovernanceError
from governance.holds import HoldError, place_hold, release_hold
from governance.identity import InvalidIdentifier, subject_ref
from governance.policy import load_policy
from governance.policy.ropa import render_ropa
from governance.store import open_store
from governance.store.models import REQUEST_TYPES, VERIFICATION_METHODS
from governance.ui import airflow_api, pages
from governance.ui.access import DSR_DAG, Caller, CallerDep, caller
from governance.ui.guard import SecurityHeaders, check_same_origin_json

HERE = Path(__file__).parent
IDENTIFIER_FIELDS = ("email", "phone", "personas_kods", "name", "address")
HOLD_KINDS = ("record", "subject", "time_range")
SUBJECT_KINDS = ("email", "phone", "personas_kods", "iban")
_OPTION = re.compile(r"^--([a-z_-]+): (.*)$", re.S)

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


def _page(name: str, who: Caller, active: str, **context: Any) -> HTMLResponse:
    html = _templates().get_template(name).render(who=who, active=active, **context)
    return HTMLResponse(html)


def _errors(errors: dict[str, str], code: int = 422) -> JSONResponse:
    return JSONResponse({"errors": errors}, status_code=code)


def _option_error(exc: GovernanceError, fallback: str) -> JSONResponse:
    """An engine error names its field (``exc.field``; older ones "--months: ..." in the text)."""
    if exc.field:
        return _errors({exc.field: str(exc)})
    match = _OPTION.match(str(exc))
    if match:
        return _errors({match.group(1).replace("-", "_"): match.group(2)})
    return _errors({fallback: str(exc)})


def _hold_error(exc: HoldError) -> JSONResponse:
    return _option_error(exc, "hold")


def _body_dict(body: Any, field: str = "body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, f"{field}: expected a JSON object"
        )
    return body


async def _validation_without_values(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's default 422 repeats the submitted value; a request body holds identifiers."""
    errors = {
        ".".join(str(p) for p in e.get("loc", ())): e.get("msg", "invalid") for e in exc.errors()
    }
    return _errors(errors)


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

    # ---- pages -------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home(who: CallerDep) -> RedirectResponse:
        return RedirectResponse("requests", status_code=status.HTTP_303_SEE_OTHER)

    @app.get("/requests", response_class=HTMLResponse)
    def requests_page(request: Request, who: CallerDep) -> HTMLResponse:
        today = datetime.now(UTC).date()
        rows = pages.request_rows(store(), today)
        base = airflow_api.api_base(request)
        waiting: set[str] = set()
        for row in rows:
            if row.run_id and row.view.status == "awaiting_approval":
                waiting.add(row.id)
        paused = airflow_api.dag_paused(base, who.token, DSR_DAG) if who.can_write else None
        return _page(
            "requests.html",
            who,
            "requests",
            rows=rows,
            today=today,
            waiting=waiting,
            dsr_paused=paused,
            soon_days=pages.SOON_DAYS,
        )

    @app.get("/new", response_class=HTMLResponse)
    def new_page(who: CallerDep) -> HTMLResponse:
        who.require_write()
        policy = load_policy()
        return _page(
            "new.html",
            who,
            "new",
            purposes=sorted(policy.purposes),
            today=datetime.now(UTC).date(),
            identifier_fields=IDENTIFIER_FIELDS,
        )

    @app.get("/holds", response_class=HTMLResponse)
    def holds_page(who: CallerDep) -> HTMLResponse:
        policy = load_policy()
        return _page(
            "holds.html",
            who,
            "holds",
            rows=pages.hold_rows(store()),
            purposes=sorted(policy.purposes),
            hold_kinds=HOLD_KINDS,
            subject_kinds=SUBJECT_KINDS,
        )

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(
        who: CallerDep, start: date | None = None, end: date | None = None
    ) -> HTMLResponse:
        end = end or datetime.now(UTC).date()
        start = start or end - timedelta(days=365)
        report = build_report(store(), start, end)
        return _page(
            "audit.html",
            who,
            "audit",
            report=report,
            tables=tables(report),
            start=start,
            end=end,
        )

    @app.get("/audit/ropa", response_class=HTMLResponse)
    def ropa_page(who: CallerDep, lang: str = "en") -> HTMLResponse:
        if lang not in ("lv", "en"):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "lang: expected lv or en")
        return HTMLResponse(render_ropa(load_policy(), lang, "html"))

    @app.get("/requests/{request_id}/response")
    def response_document(request_id: str, who: CallerDep, lang: str = "en") -> FileResponse:
        who.require_write()
        if lang not in ("lv", "en"):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "lang: expected lv or en")
        view = _request_or_404(request_id)
        path = Path(str(outbox_root() / view.id / f"response.{lang}.html"))
        if not view.has_response or not path.is_file():
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this request has no response document")
        return FileResponse(
            path, media_type="text/html", filename=f"response-{view.id}.{lang}.html"
        )

    @app.get("/requests/{request_id}/package")
    def package_file(request_id: str, who: CallerDep) -> FileResponse:
        who.require_write()
        from governance.dsr.tasks import package_path

        view = _request_or_404(request_id)
        path = package_path(view.id) if view.has_package else None
        if path is None or not Path(path).is_file():
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this request has no package")
        return FileResponse(path, media_type="application/zip", filename=f"package-{view.id}.zip")

    # ---- JSON API ----------------------------------------------------------------------------

    @app.get("/api/requests")
    def list_requests_api(who: CallerDep) -> list[dict[str, Any]]:
        today = datetime.now(UTC).date()
        return [_request_json(row, today) for row in pages.request_rows(store(), today)]

    @app.post("/api/requests", dependencies=WRITE, status_code=status.HTTP_201_CREATED)
    def register_api(request: Request, who: CallerDep, body: JsonBody) -> JSONResponse:
        who.require_write()
        body = _body_dict(body)
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
            return _errors(exc.errors)
        view = requests.get(store(), request_id)
        result: dict[str, Any] = {
            "request_id": request_id,
            "status": view.status,
            "due": view.due.isoformat(),
        }
        if view.status == "verified":
            result.update(_start(request, who, request_id))
        return JSONResponse(result, status_code=status.HTTP_201_CREATED)

    @app.post("/api/requests/{request_id}/run", dependencies=WRITE)
    def run_api(request: Request, request_id: str, who: CallerDep) -> JSONResponse:
        who.require_write()
        view = _request_or_404(request_id)
        if view.status in requests.CLOSED:
            return _errors({"request": f"the request is {view.status}"}, 409)
        if view.status == "registered":
            return _errors({"request": "identity is not verified yet; it cannot run"}, 409)
        last = pages.latest_runs(store()).get(view.id)
        state = (
            airflow_api.run_state(airflow_api.api_base(request), who.token, DSR_DAG, last)
            if last
            else None
        )
        if view.status != "verified" or (state and state.state in ("queued", "running")):
            return _errors(
                {
                    "request": "a run is already under way; to resume a failed one, clear its "
                    "failed task in Airflow (every step resumes where it stopped)"
                },
                409,
            )
        result = _start(request, who, view.id)
        return JSONResponse(result, status_code=200 if result.get("run_id") else 502)

    @app.post("/api/requests/{request_id}/extend", dependencies=WRITE)
    def extend_api(request_id: str, who: CallerDep, body: JsonBody) -> JSONResponse:
        who.require_write()
        body = _body_dict(body)
        _request_or_404(request_id)
        try:
            months = int(body.get("months"))
        except (TypeError, ValueError):
            return _errors({"months": "expected 1 or 2"})
        try:
            view = requests.extend(
                store(),
                request_id,
                months=months,
                reason=str(body.get("reason") or ""),
                actor=who.name,
            )
        except RequestInputError as exc:
            return _errors(exc.errors)
        except RequestError as exc:
            return _errors({"request": str(exc)}, 409)
        except GovernanceError as exc:  # deadline rules name the option: "--months: ..."
            return _option_error(exc, "request")
        return JSONResponse({"request_id": view.id, "due": view.due.isoformat()})

    @app.post("/api/requests/{request_id}/passphrase", dependencies=WRITE)
    def passphrase_api(request_id: str, who: CallerDep) -> JSONResponse:
        who.require_write()
        from governance.dsr.tasks import passphrase

        _request_or_404(request_id)
        try:
            secret = passphrase(request_id, f"ui:{who.name}")
        except RequestError as exc:
            return _errors({"passphrase": str(exc)}, 409)
        return JSONResponse({"request_id": request_id, "passphrase": secret})

    @app.get("/api/holds")
    def list_holds_api(who: CallerDep) -> list[dict[str, Any]]:
        return [
            {
                "id": r.hold.id,
                "purpose": r.hold.purpose,
                "state": r.state,
                "scope": r.scope,
                "reason": r.hold.reason,
                "placed_by": r.hold.placed_by,
                "placed_at": r.hold.placed_at.isoformat(),
                "until": r.hold.until.isoformat() if r.hold.until else None,
            }
            for r in pages.hold_rows(store())
        ]

    @app.post("/api/holds", dependencies=WRITE, status_code=status.HTTP_201_CREATED)
    def place_hold_api(who: CallerDep, body: JsonBody) -> JSONResponse:
        who.require_write()
        body = _body_dict(body)
        try:
            kwargs = _hold_scope(body)
            hold_id = place_hold(
                store(),
                load_policy(),
                purpose=str(body.get("purpose") or ""),
                reason=str(body.get("reason") or ""),
                placed_by=f"ui:{who.name}",
                until=_day("until", body.get("until")),
                **kwargs,
            )
        except HoldError as exc:
            return _hold_error(exc)
        return JSONResponse({"hold_id": hold_id}, status_code=status.HTTP_201_CREATED)

    @app.post("/api/holds/{hold_id}/release", dependencies=WRITE)
    def release_hold_api(hold_id: str, who: CallerDep, body: JsonBody) -> JSONResponse:
        who.require_write()
        body = _body_dict(body)
        try:
            release_hold(
                store(), hold_id, reason=str(body.get("reason") or ""), released_by=f"ui:{who.name}"
            )
        except HoldError as exc:
            return _hold_error(exc)
        return JSONResponse({"hold_id": hold_id, "state": "released"})

    return app


def _request_or_404(request_id: str) -> requests.RequestView:
    try:
        return requests.get(store(), request_id)
    except RequestError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such request") from None


def _start(request: Request, who: Caller, request_id: str) -> dict[str, Any]:
    """Start the ``dsr`` run as the caller; a refusal is reported, the request stays stored."""
    base = airflow_api.api_base(request)
    try:
        run_id = airflow_api.start_run(base, who.token, DSR_DAG, request_id)
    except airflow_api.AirflowApiError as exc:
        return {"run_id": None, "run_error": f"Airflow did not start the run: {exc}"}
    pages.record_run(store(), request_id, run_id, f"ui:{who.name}")
    return {"run_id": run_id, "run_url": f"../dags/{DSR_DAG}/runs/{run_id}"}


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


def _day(field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise HoldError(f"--{field}: expected a date YYYY-MM-DD") from None


def _moment(field: str, value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise HoldError(f"--{field}: expected a time like 2026-11-20T14:00 (UTC)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _hold_scope(body: dict[str, Any]) -> dict[str, Any]:
    """The scope arguments of ``place_hold`` from the form; a subject's identifier becomes its
    ``subject_ref`` here and is never stored or echoed."""
    kind = body.get("kind")
    if kind not in HOLD_KINDS:
        raise HoldError("--kind: expected one of " + ", ".join(HOLD_KINDS))
    entity = str(body.get("entity") or "").strip() or None
    if kind == "record":
        record_id = str(body.get("record_id") or "").strip()
        if not entity or not record_id:
            raise HoldError("--record_id: expected the entity (system.entity) and a record id")
        return {"record": (entity, record_id)}
    if kind == "subject":
        id_kind = body.get("identifier_kind")
        if id_kind not in SUBJECT_KINDS:
            raise HoldError("--identifier_kind: expected one of " + ", ".join(SUBJECT_KINDS))
        try:
            ref = subject_ref(id_kind, str(body.get("identifier") or ""))
        except (InvalidIdentifier, GovernanceError, ValueError):
            raise HoldError(f"--identifier: expected a valid {id_kind}") from None
        return {"subject_ref": ref, "entity": entity}
    return {
        "entity": entity,
        "range_from": _moment("range_from", body.get("range_from")),
        "range_to": _moment("range_to", body.get("range_to")),
    }


app = create_app()
