"""Placing, releasing and listing holds in the governance store; each change is a ledger entry.

Every check (:mod:`governance.holds.checks`) runs before anything is written, so a refused hold
leaves neither a row nor a ledger entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from governance.audit.ledger import Ledger
from governance.holds.checks import (
    check_not_duplicate,
    check_reason,
    check_record_exists,
    check_scope,
)
from governance.holds.model import Hold, HoldError
from governance.policy import Policy
from governance.store.engine import write_session
from governance.store.models import LegalHold


def active_holds(
    engine: Engine, *, purpose: str | None = None, at: datetime | None = None
) -> list[Hold]:
    """Holds not released and not expired at ``at`` (now by default), for ``purpose`` if given.

    A hold with no purpose applies under every purpose.
    """
    at = at or datetime.now(UTC)
    query = select(LegalHold).where(LegalHold.released_at.is_(None))
    if purpose is not None:
        query = query.where(or_(LegalHold.purpose == purpose, LegalHold.purpose.is_(None)))
    with Session(engine) as session:
        holds = [Hold.from_row(row) for row in session.scalars(query)]
    return [hold for hold in holds if hold.active_at(at)]


def all_holds(engine: Engine, *, purpose: str | None = None) -> list[Hold]:
    query = select(LegalHold).order_by(LegalHold.placed_at)
    if purpose is not None:
        query = query.where(LegalHold.purpose == purpose)
    with Session(engine) as session:
        return [Hold.from_row(row) for row in session.scalars(query)]


def place_hold(
    engine: Engine,
    policy: Policy,
    *,
    purpose: str,
    reason: str,
    placed_by: str,
    record: tuple[str, str] | None = None,
    subject_ref: str | None = None,
    range_from: datetime | None = None,
    range_to: datetime | None = None,
    where: Mapping[str, str] | None = None,
    entity: str | None = None,
    until: date | None = None,
    now: datetime | None = None,
    sources: Any = None,
) -> str:
    """Validate, store the hold, and write its ledger entry. Returns the hold id.

    ``sources``: the :class:`~governance.sources.SqlSources` to look a held record up in (one is
    opened when not given)."""
    now = now or datetime.now(UTC)
    if purpose not in policy.purposes:
        raise HoldError("expected one of: " + ", ".join(sorted(policy.purposes)), field="purpose")
    reason = check_reason(reason)
    scope, qualified = check_scope(
        policy,
        purpose,
        record=record,
        subject_ref=subject_ref,
        range_from=range_from,
        range_to=range_to,
        entity=entity,
        where=where,
    )
    if until is not None and until < now.date():
        raise HoldError("expected today or a later date", field="until")
    record_id = str(record[1]).strip() if record else None  # checked by check_scope
    where_text = {k: str(v).strip() for k, v in (where or {}).items()} or None
    candidate = {
        "purpose": purpose,
        "scope_kind": scope,
        "entity": qualified,
        "record_id": record_id,
        "subject_ref": subject_ref,
        "range_from": range_from,
        "range_to": range_to,
        "where": where_text,
    }
    check_not_duplicate(active_holds(engine, purpose=purpose, at=now), candidate)
    if record_id is not None:
        check_record_exists(policy, qualified, record_id, sources)
    row = LegalHold(
        **candidate,
        reason=reason,
        placed_by=placed_by,
        placed_at=now,
        until=until,
    )
    with write_session(engine) as session:
        session.add(row)
        session.flush()
        hold_id = row.id
    Ledger(engine).append(
        "hold_placed",
        placed_by,
        purpose=purpose,
        policy_version=policy.version,
        detail={
            "hold_id": hold_id,
            "scope": scope,
            "entity": qualified,
            "record_id": record_id,
            "subject_ref": subject_ref,
            "from": range_from.isoformat() if range_from else None,
            "to": range_to.isoformat() if range_to else None,
            "where": where_text,
            "until": until.isoformat() if until else None,
            "reason": reason,
        },
    )
    return hold_id


def release_hold(
    engine: Engine, hold_id: str, *, reason: str, released_by: str, now: datetime | None = None
) -> None:
    """Release a hold (it stops holding at once) and write the ledger entry."""
    now = now or datetime.now(UTC)
    reason = check_reason(reason)
    with write_session(engine) as session:
        row = session.get(LegalHold, hold_id)
        if row is None:
            raise HoldError(
                "no hold with this id", field="id", fix="see `governance hold list --all`"
            )
        if row.released_at is not None:
            raise HoldError("this hold was already released", field="id")
        row.released_at = now
        row.released_by = released_by
        row.release_reason = reason
        purpose = row.purpose
    Ledger(engine).append(
        "hold_released",
        released_by,
        purpose=purpose,
        detail={"hold_id": hold_id, "reason": reason},
    )
