"""A request's lifecycle in the governance store: register, verify, move on, extend, close.

Every change is one transaction on the store plus one ledger entry carrying the request id and
counts only. Status moves along ``TRANSITIONS``; anything else is refused, naming both states.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from governance.audit.ledger import Ledger
from governance.dsr.crypto import seal, unseal
from governance.dsr.identifiers import Identifiers, parse_corrections, parse_identifiers
from governance.errors import GovernanceError, TerminalError
from governance.identity import contains_identifier
from governance.policy.deadlines import (
    MAX_EXTENSION_MONTHS,
    deadline_state,
    due_date,
    effective_due,
    extended_due_date,
)
from governance.store.engine import write_session
from governance.store.models import (
    REQUEST_TYPES,
    VERIFICATION_METHODS,
    Request,
    RequestSecret,
    utcnow,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "registered": ("verified", "rejected"),
    "verified": ("in_progress", "rejected"),
    "in_progress": ("awaiting_approval", "completed", "rejected", "in_progress"),
    "awaiting_approval": ("in_progress", "completed", "rejected"),
    "completed": (),
    "rejected": (),
}
CLOSED = ("completed", "rejected")
MAX_TEXT = 500


class RequestError(TerminalError):
    """A request that does not exist, or a change its state does not allow."""


class RequestInputError(TerminalError):
    """Bad input for a request; ``errors`` maps field -> message (values never repeated)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


@dataclass(frozen=True)
class RequestView:
    """A request as staff and auditors may see it: dates, states and counts, no identifiers."""

    id: str
    type: str
    scope: list[str]
    status: str
    status_reason: str | None
    received_on: date
    due_on: date
    extended_due_on: date | None
    extension_reason: str | None
    verification_method: str | None
    verified_by: str | None
    subject_refs: int
    closed_at: datetime | None
    outcome: dict[str, Any] | None
    has_package: bool
    passphrase_retrieved: bool
    has_response: bool

    @property
    def due(self) -> date:
        return effective_due(self.due_on, self.extended_due_on)

    def deadline(self, today: date) -> str:
        return deadline_state(self.due, today, closed=self.status in CLOSED)

    @classmethod
    def of(cls, row: Request, secret: RequestSecret | None = None) -> RequestView:
        return cls(
            id=row.id,
            type=row.type,
            scope=list(row.scope or ["*"]),
            status=row.status,
            status_reason=row.status_reason,
            received_on=row.received_on,
            due_on=row.due_on,
            extended_due_on=row.extended_due_on,
            extension_reason=row.extension_reason,
            verification_method=row.verification_method,
            verified_by=row.verified_by,
            subject_refs=len(row.subject_refs or []),
            closed_at=row.closed_at,
            outcome=row.outcome,
            has_package=bool(secret and secret.package_file),
            passphrase_retrieved=row.passphrase_retrieved_at is not None,
            has_response=bool(row.response_path),
        )


def _text(errors: dict[str, str], field: str, value: str | None, *, required: bool) -> str | None:
    if value is None or not str(value).strip():
        if required:
            errors[field] = "expected a non-empty text"
        return None
    value = str(value).strip()
    if len(value) > MAX_TEXT:
        errors[field] = f"expected at most {MAX_TEXT} characters"
    elif contains_identifier(value):
        errors[field] = "must not contain personal identifiers (it is shown to auditors)"
    return value


def register(
    engine: Engine,
    *,
    request_type: str,
    received_on: date | str,
    identifiers: Any,
    verification_method: str | None,
    verification_reference: str | None,
    verified_by: str,
    scope: Sequence[str] = ("*",),
    corrections: Any = None,
    known_purposes: Sequence[str] = (),
    today: date | None = None,
) -> str:
    """Validate everything, then store the request encrypted; returns its id.

    Raises :class:`RequestInputError` naming every bad field before anything is stored. With a
    verification method the request starts ``verified``; without one it waits ``registered``
    and never runs.
    """
    errors: dict[str, str] = {}
    if request_type not in REQUEST_TYPES:
        errors["type"] = "expected one of " + ", ".join(REQUEST_TYPES)
    received = _parse_date(errors, "received", received_on)
    today = today or utcnow().date()
    if received and received > today:
        errors["received"] = "expected a date not in the future"
    if verification_method is not None and verification_method not in VERIFICATION_METHODS:
        errors["verified_by"] = "expected one of " + ", ".join(VERIFICATION_METHODS)
    reference = _text(
        errors, "reference", verification_reference, required=verification_method is not None
    )
    verifier = _text(errors, "verifier", verified_by, required=True)
    scope = list(scope) or ["*"]
    if scope != ["*"]:
        unknown = [p for p in scope if p not in known_purposes]
        if unknown:
            errors["scope"] = "expected '*' or purpose ids from the policy: " + ", ".join(
                sorted(known_purposes)
            )
    parsed: Identifiers | None = None
    try:
        parsed = parse_identifiers(identifiers)
    except GovernanceError as exc:
        for field, message in getattr(exc, "errors", {"identifiers": str(exc)}).items():
            errors[f"identifiers.{field}"] = message
    fixed: Identifiers | None = None
    if request_type == "rectification":
        if corrections is None:
            errors["corrections"] = "a rectification needs the corrected values"
        else:
            try:
                fixed = parse_corrections(corrections)
            except GovernanceError as exc:
                for field, message in getattr(exc, "errors", {"corrections": str(exc)}).items():
                    errors[f"corrections.{field}"] = message
    elif corrections is not None:
        errors["corrections"] = "only a rectification takes corrections"
    if errors:
        raise RequestInputError(errors)
    assert parsed is not None and received is not None
    status = "verified" if verification_method else "registered"
    row = Request(
        type=request_type,
        scope=scope,
        status=status,
        received_on=received,
        due_on=due_date(received),
        verification_method=verification_method,
        verification_reference=reference,
        verified_by=verifier,
        subject_refs=parsed.subject_refs(),
    )
    with write_session(engine) as session:
        session.add(row)
        session.flush()
        request_id = row.id
        session.add(
            RequestSecret(
                request_id=request_id,
                identifiers_encrypted=seal(parsed.as_dict()),
                corrections_encrypted=seal(fixed.as_dict()) if fixed else None,
            )
        )
        due = row.due_on
    Ledger(engine).append(
        "dsr_registered",
        verifier,
        request_id=request_id,
        counts={"identifiers": len(parsed.values)},
        detail={
            "type": request_type,
            "status": status,
            "received_on": received.isoformat(),
            "due_on": due.isoformat(),
            "verification": verification_method or "none",
            "scope": scope,
            "subject_refs": parsed.subject_refs(),
        },
    )
    return request_id


def _parse_date(errors: dict[str, str], field: str, value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "expected a date as YYYY-MM-DD"
        return None


def _load(session: Session, request_id: str) -> Request:
    row = session.get(Request, request_id) if isinstance(request_id, str) else None
    if row is None:
        raise RequestError(f"no request {str(request_id)[:40]!r} in the governance store")
    return row


def get(engine: Engine, request_id: str) -> RequestView:
    with Session(engine) as session:
        row = _load(session, request_id)
        return RequestView.of(row, session.get(RequestSecret, row.id))


def list_requests(engine: Engine) -> list[RequestView]:
    with Session(engine) as session:
        rows = session.scalars(select(Request).order_by(Request.received_on, Request.id)).all()
        secrets = {s.request_id: s for s in session.scalars(select(RequestSecret))}
        return [RequestView.of(row, secrets.get(row.id)) for row in rows]


def secret_of(session: Session, request_id: str) -> RequestSecret:
    """The request's personal part; a clear error once the product's retention purged it."""
    _load(session, request_id)
    secret = session.get(RequestSecret, request_id)
    if secret is None:
        raise RequestError(
            f"request {request_id}: its identifiers and package were purged (retention rule "
            "dsr_handling.secrets_after_answer); its dates and outcome remain"
        )
    return secret


def identifiers_of(engine: Engine, request_id: str) -> Identifiers:
    with Session(engine) as session:
        return Identifiers(unseal(secret_of(session, request_id).identifiers_encrypted))


def corrections_of(engine: Engine, request_id: str) -> Identifiers:
    with Session(engine) as session:
        secret = secret_of(session, request_id)
        return Identifiers(unseal(secret.corrections_encrypted) if secret.corrections_encrypted else {})


def set_status(
    engine: Engine,
    request_id: str,
    status: str,
    *,
    actor: str,
    reason: str | None = None,
    outcome: dict[str, Any] | None = None,
) -> RequestView:
    """Move a request along; a repeated move to the state it is in is a no-op (idempotent)."""
    with write_session(engine) as session:
        row = _load(session, request_id)
        if row.status == status and status != "in_progress":
            return RequestView.of(row)
        if status not in TRANSITIONS[row.status]:
            raise RequestError(f"request {request_id} is {row.status}; it cannot become {status}")
        previous = row.status
        row.status = status
        row.status_reason = reason
        if outcome is not None:
            row.outcome = outcome
        if status in CLOSED:
            row.closed_at = utcnow()
            secret = session.get(RequestSecret, request_id)
            if secret is not None:
                secret.closed_at = row.closed_at  # the product's own retention counts from here
        view = RequestView.of(row, session.get(RequestSecret, request_id))
    if previous != status:
        Ledger(engine).append(
            f"dsr_{status}",
            actor,
            request_id=request_id,
            counts={k: v for k, v in (outcome or {}).get("counts", {}).items()},
            detail={"type": view.type, "from": previous, "reason": reason or ""},
        )
    return view


def extend(engine: Engine, request_id: str, *, months: int, reason: str, actor: str) -> RequestView:
    """Extend the deadline to ``months`` (1-2) beyond the first month, with a recorded reason."""
    errors: dict[str, str] = {}
    reason_text = _text(errors, "reason", reason, required=True)
    if errors:
        raise RequestInputError(errors)
    with write_session(engine) as session:
        row = _load(session, request_id)
        if row.status in CLOSED:
            raise RequestError(f"request {request_id} is {row.status}; it cannot be extended")
        new_due = extended_due_date(row.received_on, months)
        if row.extended_due_on and new_due < row.extended_due_on:
            raise RequestError(
                f"request {request_id} is already extended to {row.extended_due_on}; an "
                "extension cannot shorten it"
            )
        row.extended_due_on = new_due
        row.extension_reason = reason_text
        view = RequestView.of(row)
    Ledger(engine).append(
        "dsr_extended",
        actor,
        request_id=request_id,
        counts={"months": months},
        detail={
            "type": view.type,
            "due_on": view.due_on.isoformat(),
            "extended_due_on": new_due.isoformat(),
            "reason": reason_text,
            "max_months": MAX_EXTENSION_MONTHS,
        },
    )
    return view


def verify_identity(
    engine: Engine, request_id: str, *, method: str, reference: str, verified_by: str
) -> RequestView:
    """Record how a registered request's identity was verified, so it may run."""
    errors: dict[str, str] = {}
    if method not in VERIFICATION_METHODS:
        errors["verified_by"] = "expected one of " + ", ".join(VERIFICATION_METHODS)
    reference_text = _text(errors, "reference", reference, required=True)
    if errors:
        raise RequestInputError(errors)
    with write_session(engine) as session:
        row = _load(session, request_id)
        if row.status != "registered":
            raise RequestError(f"request {request_id} is {row.status}, not awaiting verification")
        row.verification_method = method
        row.verification_reference = reference_text
        row.verified_by = verified_by
    return set_status(engine, request_id, "verified", actor=verified_by)
