"""What a hold must be before it is stored: every check runs before anything is written.

Typed text (a reason, a record id, a narrowing value) is bounded in length and refused when it
holds control or format characters (a right-to-left override makes the audit view show other
text than was stored) or, for reasons, an identifier: a hold refers to a case by its reference,
never by a person's data (:func:`governance.identity.contains_identifier`, the engine's own
recognisers). A record hold must name a record that exists; a hold that repeats an active one
is refused, naming it. Errors carry the ``field`` (form field names: ``reason``, ``record_id``,
``range_from``...) and never repeat the value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from governance.holds.model import Hold, HoldError, as_utc
from governance.holds.sql import NO_MATCH, NotExpressible, key_value
from governance.identity import contains_identifier
from governance.policy import Policy

SUBJECT_REF_LENGTH = 35  # "sr_" + 32 hex digits
#: Longest reason or release reason: a case reference and a sentence, not a statement.
REASON_MAX = 300
#: Longest record id (the store's column) and narrowing value.
VALUE_MAX = 255
#: Unicode categories refused in typed text: controls (Cc, newlines included), format characters
#: (Cf: the bidirectional overrides and isolates, zero-width joiners), line and paragraph
#: separators, surrogates and private use.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def check_characters(field: str, text: str, *, maximum: int) -> str:
    """``text`` stripped, if it is short enough and free of refused characters."""
    text = text.strip()
    if len(text) > maximum:
        raise HoldError(
            f"expected at most {maximum} characters, got {len(text)}",
            field=field,
            fix="shorten it; refer to the case by its reference",
        )
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in text):
        raise HoldError(
            "contains control or text-direction characters; expected plain text on one line",
            field=field,
            fix="retype it without pasted formatting",
        )
    return text


def check_reason(reason: str | None, field: str = "reason") -> str:
    reason = check_characters(field, reason or "", maximum=REASON_MAX)
    if not reason:
        raise HoldError(
            "a reason is required (e.g. the case or incident reference)",
            field=field,
        )
    if contains_identifier(reason):
        raise HoldError(
            "the text looks like it contains personal data (an e-mail, phone, personas kods or "
            "IBAN); refer to the case by its reference instead",
            field=field,
        )
    return reason


def _entity_of(policy: Policy, purpose: str, qualified: str, field: str) -> str:
    served = set(policy.purpose(purpose).entities)
    if qualified not in served:
        raise HoldError(
            f"expected an entity of purpose {purpose!r}, one of: " + ", ".join(sorted(served)),
            field=field,
        )
    return qualified


def check_scope(
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
    """``(scope_kind, entity)`` of a well-formed scope, or HoldError naming the field."""
    chosen = [record is not None, subject_ref is not None, bool(range_from or range_to)]
    if sum(chosen) != 1:
        raise HoldError(
            "expected exactly one scope: a record (system.entity and id), a subject_ref, or a "
            "time range (from and to)",
            field="hold",
        )
    if record is not None:
        qualified, record_id = record
        _entity_of(policy, purpose, qualified, "entity")
        record_id = check_characters("record_id", str(record_id), maximum=VALUE_MAX)
        if not record_id:
            raise HoldError("expected a non-empty record id", field="record_id")
        return "record", qualified
    if subject_ref is not None:
        if not (
            len(subject_ref) == SUBJECT_REF_LENGTH
            and subject_ref.startswith("sr_")
            and all(c in "0123456789abcdef" for c in subject_ref[3:])
        ):
            raise HoldError(
                "expected sr_ followed by 32 hex digits",
                field="subject_ref",
                fix="compute it with `governance subject-ref --kind KIND`",
            )
        if entity is not None:
            _entity_of(policy, purpose, entity, "entity")
        return "subject", entity
    if range_from is None or range_to is None:
        raise HoldError(
            "a time range needs both ends", field="range_to" if range_to is None else "range_from"
        )
    if range_from.tzinfo is None or range_to.tzinfo is None:
        raise HoldError("expected timezone-aware times (UTC)", field="range_from")
    if range_from >= range_to:
        raise HoldError("expected the start earlier than the end", field="range_from")
    governed = sorted({rule.entity for rule in policy.purpose(purpose).retention})
    if entity is None:
        if len(governed) != 1:
            raise HoldError(
                f"purpose {purpose!r} has rules on several entities; name one of: "
                + ", ".join(governed),
                field="entity",
            )
        entity = governed[0]
    _entity_of(policy, purpose, entity, "entity")
    columns = policy.entity(entity).columns
    for name, value in (where or {}).items():
        if name not in columns:
            raise HoldError(
                f"{entity} has no column {name!r}; expected one of: " + ", ".join(sorted(columns)),
                field="where",
            )
        column = columns[name]
        if column.identifier or column.free_text:
            raise HoldError(
                f"column {name!r} holds personal data; a hold may not name its value",
                field="where",
                fix="keep a person's records with a subject hold (their subject_ref)",
            )
        check_characters("where", str(value), maximum=VALUE_MAX)
    return "time_range", entity


def check_record_exists(policy: Policy, entity: str, record_id: str, sources: Any = None) -> None:
    """The record a hold names is in its source now (a typo would otherwise hold nothing)."""
    from governance.sources import SqlSources

    own = sources is None
    sources = sources or SqlSources(policy)
    try:
        table = sources.table(entity)
        key = table.c[policy.entity(entity).primary_key]
        try:
            value = key_value(key, record_id)
        except NotExpressible:
            value = record_id  # compared as the key's own type by the driver
        if value is NO_MATCH:
            raise HoldError(
                f"expected an id of {entity} (its key is a whole number)", field="record_id"
            )
        with sources.engine(entity.split(".")[0]).connect() as conn:
            found = conn.execute(sa.select(key).where(key == value).limit(1)).first()
    finally:
        if own:
            sources.dispose()
    if found is None:
        raise HoldError(f"no record with this id in {entity}", field="record_id")


def _same_scope(hold: Hold, candidate: dict[str, Any]) -> bool:
    def moment(value: datetime | None) -> datetime | None:
        return as_utc(value) if value is not None else None

    return (
        hold.scope_kind == candidate["scope_kind"]
        and hold.entity == candidate["entity"]
        and hold.record_id == candidate["record_id"]
        and hold.subject_ref == candidate["subject_ref"]
        and moment(hold.range_from) == moment(candidate["range_from"])
        and moment(hold.range_to) == moment(candidate["range_to"])
        and dict(hold.where) == dict(candidate["where"] or {})
    )


def check_not_duplicate(active: list[Hold], candidate: dict[str, Any]) -> None:
    """Refuse a hold whose scope an active hold of the same purpose already has."""
    for hold in active:
        if hold.purpose == candidate["purpose"] and _same_scope(hold, candidate):
            raise HoldError(
                f"duplicates active hold {hold.id}, which already keeps these records",
                field="hold",
                fix="to change its reason or expiry, release that hold and place a new one",
            )
