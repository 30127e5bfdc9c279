"""The records a request found, kept in the governance store (keys and decisions only).

Tasks pass the request id; this table carries the rest between them, so XCom stays free of
personal data and a re-run resumes: ``done_at`` marks what has been carried out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from governance.dsr.locate import Found
from governance.dsr.plan import Decision
from governance.store.engine import write_session
from governance.store.models import RequestRecord, utcnow


def replace_found(engine: Engine, request_id: str, system: str, found: Iterable[Found]) -> int:
    """Store what locate found in ``system``; records already carried out are kept as they are."""
    found = list(found)
    with write_session(engine) as session:
        done = {
            (entity, key)
            for entity, key in session.execute(
                select(RequestRecord.entity, RequestRecord.record_key).where(
                    RequestRecord.request_id == request_id,
                    RequestRecord.system == system,
                    RequestRecord.done_at.is_not(None),
                )
            )
        }
        session.execute(
            delete(RequestRecord).where(
                RequestRecord.request_id == request_id,
                RequestRecord.system == system,
                RequestRecord.done_at.is_(None),
            )
        )
        for item in found:
            if (item.entity, item.key) in done:
                continue
            session.add(
                RequestRecord(
                    request_id=request_id,
                    entity=item.entity,
                    record_key=item.key,
                    system=system,
                    match=item.match,
                    via=item.via[:128],
                )
            )
    return len(found)


def records(engine: Engine, request_id: str) -> list[RequestRecord]:
    with Session(engine, expire_on_commit=False) as session:
        return list(
            session.scalars(
                select(RequestRecord)
                .where(RequestRecord.request_id == request_id)
                .order_by(RequestRecord.entity, RequestRecord.record_key)
            )
        )


def set_decisions(
    engine: Engine, request_id: str, decisions: dict[tuple[str, str], Decision]
) -> None:
    with write_session(engine) as session:
        for (entity, key), decision in decisions.items():
            session.execute(
                update(RequestRecord)
                .where(
                    RequestRecord.request_id == request_id,
                    RequestRecord.entity == entity,
                    RequestRecord.record_key == key,
                    RequestRecord.done_at.is_(None),
                )
                .values(
                    decision=decision.decision,
                    reason=decision.reason[:1000],
                    purpose=decision.purpose,
                    retain_until=decision.retain_until,
                )
            )


def mark_done(engine: Engine, request_id: str, keys: Iterable[tuple[str, str]]) -> None:
    now = utcnow()
    with write_session(engine) as session:
        for entity, key in keys:
            session.execute(
                update(RequestRecord)
                .where(
                    RequestRecord.request_id == request_id,
                    RequestRecord.entity == entity,
                    RequestRecord.record_key == key,
                )
                .values(done_at=now)
            )


def summary(rows: Iterable[RequestRecord]) -> dict[str, dict[str, int]]:
    """Counts by decision, by match, by system and by purpose: what the DPO and the log see."""
    rows = list(rows)
    return {
        "decision": dict(Counter(r.decision or "undecided" for r in rows)),
        "match": dict(Counter(r.match for r in rows)),
        "system": dict(Counter(r.system for r in rows)),
        "purpose": dict(Counter(r.purpose or "unknown" for r in rows)),
    }


def latest_retention(rows: Iterable[RequestRecord]) -> date | None:
    dates = [r.retain_until for r in rows if r.retain_until]
    return max(dates) if dates else None
