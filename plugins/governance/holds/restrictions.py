"""Restrictions of processing (GDPR Art. 18(1)(c)): the person asked that their records be kept.

A restricted record may only be stored: no sweep deletes, archives or anonymises it until the
restriction is lifted (``lifted_at`` set; lifting, with the person told first, is the DSR's job).
The DSR ``restriction`` request writes one ``restrictions`` row per record; a row without a record
restricts every record of its ``subject_ref``. A restriction keeps a record under every purpose
(storage is all that is left, whatever the purpose), so sweeps read them all.

Sweeps judge restrictions exactly as holds (:class:`~governance.holds.model.HoldSet`, also as a
SQL predicate) but count them apart, as ``restricted``.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from governance.holds.model import Hold, HoldSet
from governance.store.models import Restriction


def _as_hold(row: Restriction) -> Hold:
    by_record = row.entity is not None and row.record_id is not None
    return Hold(
        id=row.id,
        purpose=None,
        scope_kind="record" if by_record else "subject",
        entity=row.entity,
        record_id=row.record_id if by_record else None,
        subject_ref=None if by_record else row.subject_ref,
        range_from=None,
        range_to=None,
        where={},
        reason=row.reason,
        placed_by=f"request:{row.request_id}" if row.request_id else "restriction",
        placed_at=row.placed_at,
        until=None,
        released_at=row.lifted_at,
    )


def restrictions_in_force(engine: Engine) -> HoldSet:
    """Every restriction not lifted, as a set sweeps test rows against."""
    query = select(Restriction).where(Restriction.lifted_at.is_(None))
    with Session(engine) as session:
        return HoldSet([_as_hold(row) for row in session.scalars(query)])
