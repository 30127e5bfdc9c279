"""What the Privacy page shows, gathered from the governance store (no HTTP here).

Rows carry dates, states, counts and staff-written reasons only: ``RequestView`` has no
identifiers, and holds show a ``subject_ref`` (a keyed hash), never the value behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from governance.audit.ledger import Ledger
from governance.dsr import requests
from governance.dsr.requests import RequestView
from governance.holds import Hold, all_holds

RUN_STARTED = "dsr_run_started"
SOON_DAYS = 7


@dataclass(frozen=True)
class RequestRow:
    """One line of the requests table."""

    view: RequestView
    run_id: str | None
    urgency: str  # overdue | soon | ok | closed

    @property
    def id(self) -> str:
        return self.view.id


def urgency(view: RequestView, today: date) -> str:
    """Red when overdue, amber within ``SOON_DAYS`` of the deadline."""
    if view.status in requests.CLOSED:
        return "closed"
    if view.due < today:
        return "overdue"
    if view.due <= today + timedelta(days=SOON_DAYS):
        return "soon"
    return "ok"


def latest_runs(engine: Engine) -> dict[str, str]:
    """request id -> the id of the last ``dsr`` run this page started for it."""
    return {
        entry.request_id: str(entry.detail.get("run_id"))
        for entry in Ledger(engine).of_event(RUN_STARTED)
        if entry.request_id
    }


def request_rows(engine: Engine, today: date) -> list[RequestRow]:
    """Every request, newest first, with its run and urgency."""
    runs = latest_runs(engine)
    views = sorted(
        requests.list_requests(engine), key=lambda v: (v.received_on, v.id), reverse=True
    )
    return [RequestRow(view=v, run_id=runs.get(v.id), urgency=urgency(v, today)) for v in views]


def record_run(engine: Engine, request_id: str, run_id: str, actor: str) -> None:
    """The audit trail's note that ``actor`` started ``run_id`` for the request."""
    Ledger(engine).append(
        RUN_STARTED, actor, request_id=request_id, detail={"dag_id": "dsr", "run_id": run_id}
    )


@dataclass(frozen=True)
class HoldRow:
    hold: Hold
    state: str  # active | released | expired
    scope: str


def _scope_text(hold: Hold) -> str:
    if hold.scope_kind == "record":
        return f"record {hold.entity}:{hold.record_id}"
    if hold.scope_kind == "subject":
        return f"subject {hold.subject_ref}" + (f" in {hold.entity}" if hold.entity else "")
    where = " ".join(f"{k}={v}" for k, v in (hold.where or {}).items())
    start = f"{hold.range_from:%Y-%m-%d %H:%M}" if hold.range_from else "…"
    end = f"{hold.range_to:%Y-%m-%d %H:%M}" if hold.range_to else "…"
    return f"{hold.entity or '*'} {start} – {end} UTC" + (f" {where}" if where else "")


def hold_rows(engine: Engine, now: datetime | None = None) -> list[HoldRow]:
    """Every hold, active ones first."""
    now = now or datetime.now(UTC)
    rows = []
    for hold in all_holds(engine):
        if hold.released_at:
            state = "released"
        elif not hold.active_at(now):
            state = "expired"
        else:
            state = "active"
        rows.append(HoldRow(hold=hold, state=state, scope=_scope_text(hold)))
    order = {"active": 0, "expired": 1, "released": 2}
    return sorted(rows, key=lambda r: (order[r.state], r.hold.placed_at), reverse=False)
