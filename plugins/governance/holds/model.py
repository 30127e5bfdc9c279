"""Legal holds: records kept beyond their retention period for litigation or an investigation.

The notice allows longer retention "to protect the company's lawful interests". A hold names
what it keeps in one of three ways, and sweeps never touch a record any active hold covers:

- ``record``: one row of one entity (``recruitment.candidates:42``);
- ``subject``: every row of the purpose whose identifiers hash to a ``subject_ref``;
- ``time_range``: rows of one entity whose anchor lies in ``[from, to]``, optionally narrowed by
  column values (the CCTV case: camera 3 from t1 to t2 keeps exactly those clips).

A hold stops holding when released, or after its ``until`` date. Placing and releasing are
ledger entries. Reasons are free text for the DPO, so they are checked for identifiers: a hold
refers to a case by its reference, never by a person's data.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from governance.audit.ledger import Ledger
from governance.errors import GovernanceError
from governance.identity import contains_identifier
from governance.policy import Policy
from governance.store.engine import write_session
from governance.store.models import LegalHold

SUBJECT_REF = re.compile(r"^sr_[0-9a-f]{32}$")


class HoldError(GovernanceError):
    """A hold that cannot be placed or released; the message names the option at fault."""


@dataclass(frozen=True)
class Hold:
    """A read-only view of one ``legal_holds`` row."""

    id: str
    purpose: str | None
    scope_kind: str
    entity: str | None
    record_id: str | None
    subject_ref: str | None
    range_from: datetime | None
    range_to: datetime | None
    where: Mapping[str, str]
    reason: str
    placed_by: str
    placed_at: datetime
    until: date | None
    released_at: datetime | None

    @classmethod
    def from_row(cls, row: LegalHold) -> Hold:
        return cls(
            id=row.id,
            purpose=row.purpose,
            scope_kind=row.scope_kind,
            entity=row.entity,
            record_id=row.record_id,
            subject_ref=row.subject_ref,
            range_from=row.range_from,
            range_to=row.range_to,
            where=dict(row.where or {}),
            reason=row.reason,
            placed_by=row.placed_by,
            placed_at=row.placed_at,
            until=row.until,
            released_at=row.released_at,
        )

    def active_at(self, at: datetime) -> bool:
        return self.released_at is None and (self.until is None or self.until >= at.date())


def _utc(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class HoldSet:
    """The active holds of a purpose, answering "is this record held?" without a query."""

    def __init__(self, holds: Collection[Hold]):
        self.holds = tuple(holds)
        self._records = {(h.entity, h.record_id): h.id for h in holds if h.scope_kind == "record"}
        self._subjects = [h for h in holds if h.scope_kind == "subject"]
        self._ranges = [h for h in holds if h.scope_kind == "time_range"]

    def __bool__(self) -> bool:
        return bool(self.holds)

    def __len__(self) -> int:
        return len(self.holds)

    def has_subject_holds(self) -> bool:
        return bool(self._subjects)

    def covers(
        self,
        entity: str,
        record_id: Any,
        *,
        anchor: date | datetime | None,
        row: Mapping[str, Any],
        subject_refs: Collection[str] = (),
    ) -> str | None:
        """The id of a hold that covers the record, or None."""
        hold_id = self._records.get((entity, str(record_id)))
        if hold_id:
            return hold_id
        for hold in self._subjects:
            if hold.subject_ref in subject_refs and hold.entity in (None, entity):
                return hold.id
        if anchor is None or not self._ranges:
            return None
        moment = _utc(anchor)
        for hold in self._ranges:
            if hold.entity not in (None, entity):
                continue
            if not (_utc(hold.range_from) <= moment <= _utc(hold.range_to)):
                continue
            if all(str(row.get(field)) == value for field, value in hold.where.items()):
                return hold.id
        return None


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


def _check_reason(option: str, reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(f"{option}: a reason is required (e.g. the case or incident reference)")
    if contains_identifier(reason):
        raise HoldError(
            f"{option}: the text looks like it contains personal data (an e-mail, phone, "
            "personas kods or IBAN); refer to the case by its reference instead"
        )
    return reason


def _validate_scope(
    policy: Policy,
    purpose: str,
    *,
    record: tuple[str, str] | None,
    subject_ref: str | None,
    range_from: datetime | None,
    range_to: datetime | None,
    entity: str | None,
    where: Mapping[str, str] | None,
) -> tuple[str, str | None]:
    """Return ``(scope_kind, entity)`` or raise HoldError naming the option."""
    chosen = [record is not None, subject_ref is not None, bool(range_from or range_to)]
    if sum(chosen) != 1:
        raise HoldError(
            "scope: give exactly one of --record SYSTEM.ENTITY:ID, --subject-ref REF, "
            "or --from T --to T"
        )
    served = set(policy.purpose(purpose).entities)
    governed = sorted({rule.entity for rule in policy.purpose(purpose).retention})

    def check_entity(option: str, qualified: str) -> str:
        if qualified not in served:
            raise HoldError(
                f"{option}: expected an entity of purpose {purpose!r}, one of: "
                + ", ".join(sorted(served))
            )
        return qualified

    if record is not None:
        qualified, record_id = record
        check_entity("--record", qualified)
        if not str(record_id).strip():
            raise HoldError("--record: expected SYSTEM.ENTITY:ID with a non-empty id")
        return "record", qualified
    if subject_ref is not None:
        if not SUBJECT_REF.match(subject_ref):
            raise HoldError(
                "--subject-ref: expected sr_ followed by 32 hex digits "
                "(compute it with `governance subject-ref --kind KIND`)"
            )
        if entity is not None:
            check_entity("--entity", entity)
        return "subject", entity
    if range_from is None or range_to is None:
        raise HoldError("--from/--to: a time range needs both ends")
    if range_from.tzinfo is None or range_to.tzinfo is None:
        raise HoldError("--from/--to: expected timezone-aware times (the CLI reads them as UTC)")
    if range_from >= range_to:
        raise HoldError("--from/--to: expected --from earlier than --to")
    if entity is None:
        if len(governed) != 1:
            raise HoldError(
                f"--entity: purpose {purpose!r} has rules on several entities; name one of: "
                + ", ".join(governed)
            )
        entity = governed[0]
    check_entity("--entity", entity)
    columns = policy.entity(entity).columns
    for field in where or {}:
        if field not in columns:
            raise HoldError(
                f"--where: {entity} has no column {field!r}; expected one of: "
                + ", ".join(sorted(columns))
            )
    return "time_range", entity


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
) -> str:
    """Validate, store the hold, and write its ledger entry. Returns the hold id."""
    now = now or datetime.now(UTC)
    if purpose not in policy.purposes:
        raise HoldError("--purpose: expected one of: " + ", ".join(sorted(policy.purposes)))
    reason = _check_reason("--reason", reason)
    scope, qualified = _validate_scope(
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
        raise HoldError("--until: expected today or a later date")
    record_id = str(record[1]) if record else None
    where_text = {k: str(v) for k, v in (where or {}).items()} or None
    row = LegalHold(
        purpose=purpose,
        scope_kind=scope,
        entity=qualified,
        record_id=record_id,
        subject_ref=subject_ref,
        range_from=range_from,
        range_to=range_to,
        where=where_text,
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
    reason = _check_reason("--reason", reason)
    with write_session(engine) as session:
        row = session.get(LegalHold, hold_id)
        if row is None:
            raise HoldError("ID: no hold with this id (see `governance hold list`)")
        if row.released_at is not None:
            raise HoldError("ID: this hold was already released")
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
