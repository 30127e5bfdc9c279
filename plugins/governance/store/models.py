"""The governance store's tables as SQLAlchemy 2 declarative models.

The schema is owned by the Alembic migrations next to this module; these models must describe
exactly the same tables (a test compares them). Types are portable between SQLite and
PostgreSQL: ``JSON``, ``LargeBinary``, uuid4 text ids and timestamps that are always UTC.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Deterministic constraint names, so migrations can address constraints on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

REQUEST_TYPES = (
    "access",
    "portability",
    "erasure",
    "rectification",
    "restriction",
    "objection",
    "consent_withdrawal",
)
REQUEST_STATUSES = (
    "registered",
    "verified",
    "in_progress",
    "awaiting_approval",
    "completed",
    "rejected",
)
VERIFICATION_METHODS = ("in_person_id_document", "qualified_e_signature")
HOLD_SCOPE_KINDS = ("record", "subject", "time_range")


def utcnow() -> datetime:
    """The current instant as an aware UTC datetime (the only kind the store accepts)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh uuid4 as text: the id of requests, holds and restrictions."""
    return str(uuid.uuid4())


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back as an aware UTC datetime.

    SQLite keeps no zone, PostgreSQL returns the session's zone; both come back as UTC here.
    Naive datetimes are refused on write, because their meaning depends on the machine.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps in the governance store must be timezone-aware (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Request(Base):
    """A data-subject request (GDPR Art. 15-22) and where it stands."""

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(_one_of("type", REQUEST_TYPES), name="type"),
        CheckConstraint(_one_of("status", REQUEST_STATUSES), name="status"),
        CheckConstraint(
            "verification_method IS NULL OR "
            + _one_of("verification_method", VERIFICATION_METHODS),
            name="verification_method",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(32))
    scope: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["*"])
    status: Mapped[str] = mapped_column(String(32), default="registered", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    verification_method: Mapped[str | None] = mapped_column(String(32))
    verification_reference: Mapped[str | None] = mapped_column(String(255))
    verified_by: Mapped[str | None] = mapped_column(String(128))
    subject_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The package's passphrase is shown once; afterwards only when it was retrieved remains.
    passphrase_retrieved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The response letter (no identifiers: decisions and reasons), relative to the outbox.
    response_path: Mapped[str | None] = mapped_column(Text)


class RequestSecret(Base):
    """What a request holds that is personal: its identifiers, corrections, the package and its
    passphrase. Kept apart from the request so the product's own retention rule
    (``dsr_handling.secrets_after_answer``) deletes exactly this, by ``closed_at``, with the
    package file, while the request's dates and outcome stay for the auditor."""

    __tablename__ = "request_secrets"

    request_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("requests.id"), primary_key=True
    )
    identifiers_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    corrections_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    passphrase_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The encrypted package, relative to the outbox (``<request id>/<request id>.zip``).
    package_file: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


RECORD_MATCHES = ("exact", "linked", "possible", "mention")


class RequestRecord(Base):
    """One source record a request found, what the plan does to it, and whether it is done.

    Only keys and decisions: the record's content stays in its source. Keeping the plan here
    (not in XCom) makes a re-run resume where it stopped, and lets the DPO see why.
    """

    __tablename__ = "request_records"
    __table_args__ = (CheckConstraint(_one_of("match", RECORD_MATCHES), name="match"),)

    request_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("requests.id"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(128), primary_key=True)
    record_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    system: Mapped[str] = mapped_column(String(64))
    match: Mapped[str] = mapped_column(String(16))
    via: Mapped[str | None] = mapped_column(String(128))
    purpose: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    retain_until: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LegalHold(Base):
    """Records that must not be deleted or anonymised, whatever the retention rule says.

    ``purpose`` null means the hold applies under every purpose.
    """

    __tablename__ = "legal_holds"
    __table_args__ = (CheckConstraint(_one_of("scope_kind", HOLD_SCOPE_KINDS), name="scope_kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    purpose: Mapped[str | None] = mapped_column(String(64))
    scope_kind: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str | None] = mapped_column(String(128))
    record_id: Mapped[str | None] = mapped_column(String(255))
    subject_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    range_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    range_to: Mapped[datetime | None] = mapped_column(UtcDateTime)
    where: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(128))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    until: Mapped[date | None] = mapped_column(Date)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    released_by: Mapped[str | None] = mapped_column(String(128))
    release_reason: Mapped[str | None] = mapped_column(Text)


class Restriction(Base):
    """A restriction of processing (GDPR Art. 18): the data may only be stored while it holds."""

    __tablename__ = "restrictions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("requests.id"))
    subject_ref: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str | None] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(128))
    record_id: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LedgerRow(Base):
    """One entry of the hash-chained audit ledger, as stored.

    Write it only through ``governance.audit.ledger.Ledger.append``; the ORM refuses to update
    or delete it (see the listeners below), and ``Ledger.verify`` notices changes made by
    other means.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (CheckConstraint("seq >= 1", name="seq_positive"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(128))
    event: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str | None] = mapped_column(String(128))
    request_id: Mapped[str | None] = mapped_column(String(36), index=True)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    policy_version: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(LedgerRow, "before_update")
@event.listens_for(LedgerRow, "before_delete")
def _ledger_is_append_only(mapper: Any, connection: Any, target: LedgerRow) -> None:
    raise PermissionError(
        f"ledger entry #{target.seq} cannot be changed or deleted: the audit ledger is append-only"
    )
