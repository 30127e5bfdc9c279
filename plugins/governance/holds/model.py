"""Legal holds: records kept beyond their retention period for litigation or an investigation.

The notice allows longer retention "to protect the company's lawful interests". A hold names
what it keeps in one of three ways, and sweeps never touch a record any active hold covers:

- ``record``: one row of one entity (``recruitment.candidates:42``);
- ``subject``: every row of the purpose whose identifiers hash to a ``subject_ref``;
- ``time_range``: rows of one entity whose anchor lies in ``[from, to]``, optionally narrowed by
  column values (the CCTV case: camera 3 from t1 to t2 keeps exactly those clips).

A hold stops holding when released, or after its ``until`` date. A restriction of processing
(GDPR Art. 18, :mod:`governance.holds.restrictions`) keeps records the same way and is judged by
the same :class:`HoldSet`. This module is the one definition of "covered", row by row;
:mod:`governance.holds.sql` turns the same holds into a predicate a database evaluates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from governance.errors import TerminalError
from governance.store.models import LegalHold


class HoldError(TerminalError):
    """A hold that cannot be placed or released; ``field`` names the input at fault."""


@dataclass(frozen=True)
class Hold:
    """A read-only view of one ``legal_holds`` row (or of one restriction, see restrictions.py)."""

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

    def applies_to(self, entity: str) -> bool:
        """Record holds name their entity; subject and range holds may apply to every entity."""
        return self.entity in (None, entity)


def as_utc(value: datetime | date) -> datetime:
    """A hold's bound or a row's anchor as an aware UTC datetime (naive values are UTC; a date
    is its midnight)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class EntityHolds:
    """The holds of a set that can cover rows of one entity, by kind."""

    record_ids: frozenset[str] = frozenset()
    subject_refs: frozenset[str] = frozenset()
    ranges: tuple[Hold, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.record_ids or self.subject_refs or self.ranges)


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

    def for_entity(self, entity: str) -> EntityHolds:
        """What may cover a row of ``entity``: the input of the SQL predicate."""
        return EntityHolds(
            record_ids=frozenset(r for (e, r) in self._records if e == entity and r is not None),
            subject_refs=frozenset(
                h.subject_ref for h in self._subjects if h.applies_to(entity) and h.subject_ref
            ),
            ranges=tuple(h for h in self._ranges if h.applies_to(entity)),
        )

    def covers_subject(self, entity: str, subject_refs: Collection[str]) -> str | None:
        """The id of a subject hold on one of ``subject_refs`` that applies to ``entity``."""
        for hold in self._subjects:
            if hold.subject_ref in subject_refs and hold.applies_to(entity):
                return hold.id
        return None

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
        hold_id = self.covers_subject(entity, subject_refs)
        if hold_id:
            return hold_id
        if anchor is None or not self._ranges:
            return None
        moment = as_utc(anchor)
        for hold in self._ranges:
            if not hold.applies_to(entity):
                continue
            if not (as_utc(hold.range_from) <= moment <= as_utc(hold.range_to)):
                continue
            if all(str(row.get(field)) == value for field, value in hold.where.items()):
                return hold.id
        return None
