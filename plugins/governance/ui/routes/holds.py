"""Legal holds on the Privacy page: the list, placing one (a record, a subject, a time range)
and releasing one. A subject's identifier becomes its ``subject_ref`` here and is never kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import HTMLResponse, JSONResponse

from governance.errors import GovernanceError
from governance.holds import HoldError, place_hold, release_hold
from governance.identity import InvalidIdentifier, subject_ref
from governance.policy import load_policy
from governance.ui import pages
from governance.ui.access import CallerDep
from governance.ui.web import WRITE, JsonBody, body_dict, field_error, page, store

HOLD_KINDS = ("record", "subject", "time_range")
SUBJECT_KINDS = ("email", "phone", "personas_kods", "iban")

router = APIRouter()


def _hold_error(exc: HoldError) -> JSONResponse:
    return field_error(exc, "hold")


@router.get("/holds", response_class=HTMLResponse)
def holds_page(who: CallerDep) -> HTMLResponse:
    policy = load_policy()
    return page(
        "holds.html",
        who,
        "holds",
        rows=pages.hold_rows(store()),
        purposes=sorted(policy.purposes),
        hold_kinds=HOLD_KINDS,
        subject_kinds=SUBJECT_KINDS,
    )


@router.get("/api/holds")
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


@router.post("/api/holds", dependencies=WRITE, status_code=status.HTTP_201_CREATED)
def place_hold_api(who: CallerDep, body: JsonBody) -> JSONResponse:
    who.require_write()
    body = body_dict(body)
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


@router.post("/api/holds/{hold_id}/release", dependencies=WRITE)
def release_hold_api(hold_id: str, who: CallerDep, body: JsonBody) -> JSONResponse:
    who.require_write()
    body = body_dict(body)
    try:
        release_hold(
            store(), hold_id, reason=str(body.get("reason") or ""), released_by=f"ui:{who.name}"
        )
    except HoldError as exc:
        return _hold_error(exc)
    return JSONResponse({"hold_id": hold_id, "state": "released"})


def _day(field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise HoldError("expected a date YYYY-MM-DD", field=field) from None


def _moment(field: str, value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise HoldError("expected a time like 2026-11-20T14:00 (UTC)", field=field) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _hold_scope(body: dict[str, Any]) -> dict[str, Any]:
    """The scope arguments of ``place_hold`` from the form; a subject's identifier becomes its
    ``subject_ref`` here and is never stored or echoed."""
    kind = body.get("kind")
    if kind not in HOLD_KINDS:
        raise HoldError("expected one of " + ", ".join(HOLD_KINDS), field="kind")
    entity = str(body.get("entity") or "").strip() or None
    if kind == "record":
        record_id = str(body.get("record_id") or "").strip()
        if not entity or not record_id:
            raise HoldError(
                "expected the entity (system.entity) and a record id", field="record_id"
            )
        return {"record": (entity, record_id)}
    if kind == "subject":
        id_kind = body.get("identifier_kind")
        if id_kind not in SUBJECT_KINDS:
            raise HoldError(
                "expected one of " + ", ".join(SUBJECT_KINDS), field="identifier_kind"
            )
        try:
            ref = subject_ref(id_kind, str(body.get("identifier") or ""))
        except (InvalidIdentifier, GovernanceError, ValueError):
            raise HoldError(f"expected a valid {id_kind}", field="identifier") from None
        return {"subject_ref": ref, "entity": entity}
    return {
        "entity": entity,
        "range_from": _moment("range_from", body.get("range_from")),
        "range_to": _moment("range_to", body.get("range_to")),
    }
