"""The audit ledger: an append-only, hash-chained record of what the engine did and why.

Each entry's hash covers its own content and the previous entry's hash, so changing, removing,
reordering or inserting an entry breaks the chain at a point ``verify`` can name. Rewriting the
whole tail consistently is only caught against an *anchor*, a head hash kept somewhere else.

Entries carry no personal data: ``append`` refuses any text that looks like an identifier and
names the offending field, never its value.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from governance.identity import contains_identifier, identifier_kinds_in
from governance.store.engine import SQLITE_BEGIN_IMMEDIATE
from governance.store.models import LedgerRow

__all__ = ["GENESIS_HASH", "Ledger", "LedgerEntry", "VerifyResult", "entry_hash"]

#: The ``prev_hash`` of entry #1.
GENESIS_HASH = "0" * 64

#: Column sizes (PostgreSQL enforces them; SQLite does not, so we do).
_MAX_LENGTH = {"actor": 128, "event": 64, "purpose": 64, "rule": 128, "request_id": 36}
_POLICY_VERSION_LENGTH = 64

#: How often ``append`` retries when another appender took the same sequence number.
_APPEND_ATTEMPTS = 50

_TABLE = LedgerRow.__table__
_HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "event",
    "purpose",
    "rule",
    "request_id",
    "counts",
    "policy_version",
    "detail",
    "prev_hash",
)


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger entry as read or written; immutable, like the ledger itself."""

    seq: int
    at: datetime
    actor: str
    event: str
    purpose: str | None
    rule: str | None
    request_id: str | None
    counts: Mapping[str, int]
    policy_version: str | None
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row: Row[Any] | Mapping[str, Any]) -> LedgerEntry:
        data = row._mapping if isinstance(row, Row) else row
        return cls(**{name: data[name] for name in (*_HASHED_FIELDS, "hash")})

    def computed_hash(self) -> str:
        """The hash this entry's content and ``prev_hash`` should have."""
        return entry_hash({name: getattr(self, name) for name in _HASHED_FIELDS})

    def line(self) -> str:
        """One readable line, for ``governance audit log``."""
        parts = [f"#{self.seq}", _iso(self.at), f"actor={self.actor}", f"event={self.event}"]
        for name in ("purpose", "rule", "request_id", "policy_version"):
            value = getattr(self, name)
            if value is not None:
                shown = value[:12] if name == "policy_version" else value
                parts.append(f"{name}={shown}")
        if self.counts:
            parts.append("counts=" + ",".join(f"{k}:{v}" for k, v in sorted(self.counts.items())))
        if self.detail:
            parts.append("detail=" + _canonical_json(self.detail))
        parts.append(f"hash={self.hash[:12]}")
        return " ".join(parts)


@dataclass(frozen=True)
class VerifyResult:
    """What ``Ledger.verify`` found: ``first_bad`` is the seq of the first bad entry, if any."""

    ok: bool
    checked: int
    first_bad: int | None
    reason: str
    head: str | None = field(default=None)


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def entry_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's hashed fields.

    Canonical: sorted keys, no whitespace, UTF-8, ``at`` as ISO-8601 UTC with microseconds.
    """
    payload = {name: content[name] for name in _HASHED_FIELDS}
    payload["at"] = _iso(payload["at"])
    return hashlib.sha256(_canonical_json(payload).encode("utf-8")).hexdigest()


def _check_text(path: str, value: str) -> None:
    # A bare uuid (request, hold, run ids) is never personal data, though its first eight
    # digits can look like a Latvian phone number to the detector.
    if _is_uuid(value):
        return
    if contains_identifier(value):
        kinds = ", ".join(sorted(identifier_kinds_in(value))) or "identifier"
        raise ValueError(
            f"ledger field {path!r} looks like it contains personal data ({kinds}); "
            "record a subject_ref or a request id instead"
        )


def _check_json(path: str, value: Any) -> None:
    """Refuse non-JSON values and personal data anywhere in a detail tree (keys included)."""
    if isinstance(value, str):
        _check_text(path, value)
    elif isinstance(value, bool) or value is None or isinstance(value, int):
        return
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"ledger field {path!r} must be a finite number")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"ledger field {path!r} must have text keys")
            _check_text(f"{path} key", key)
            _check_json(f"{path}.{key}", item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json(f"{path}[{index}]", item)
    else:
        raise ValueError(f"ledger field {path!r} must be JSON (text, number, list, mapping)")


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _validated(
    *,
    event: str,
    actor: str,
    purpose: str | None,
    rule: str | None,
    request_id: str | None,
    counts: Mapping[str, int] | None,
    policy_version: str | None,
    detail: Mapping[str, Any] | None,
) -> dict[str, Any]:
    texts = {
        "event": event,
        "actor": actor,
        "purpose": purpose,
        "rule": rule,
        "request_id": request_id,
    }
    for name, value in texts.items():
        if value is None and name not in ("event", "actor"):
            continue
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"ledger field {name!r} must be non-empty text")
        if len(value) > _MAX_LENGTH[name]:
            raise ValueError(
                f"ledger field {name!r} must be at most {_MAX_LENGTH[name]} characters"
            )
        _check_text(name, value)
    if policy_version is not None and (
        not isinstance(policy_version, str) or not 0 < len(policy_version) <= _POLICY_VERSION_LENGTH
    ):
        raise ValueError("ledger field 'policy_version' must be text of 1 to 64 characters")

    clean_counts: dict[str, int] = {}
    for key, number in (counts or {}).items():
        if not isinstance(key, str) or not key:
            raise ValueError("ledger field 'counts' must have non-empty text keys")
        _check_text("counts key", key)
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"ledger field 'counts.{key}' must be an integer")
        clean_counts[key] = number

    clean_detail = dict(detail or {})
    _check_json("detail", clean_detail)
    # Round-trip, so the hashed value is exactly what the JSON column gives back (tuples -> lists).
    clean_detail = json.loads(_canonical_json(clean_detail))
    return {
        **texts,
        "counts": clean_counts,
        "policy_version": policy_version,
        "detail": clean_detail,
    }


class Ledger:
    """The audit ledger in a governance store (see ``governance.store.open_store``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The governance store this ledger lives in."""
        return self._engine

    def append(
        self,
        event: str,
        actor: str,
        *,
        purpose: str | None = None,
        rule: str | None = None,
        request_id: str | None = None,
        counts: Mapping[str, int] | None = None,
        policy_version: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> LedgerEntry:
        """Add one entry at the end of the chain and return it.

        Reading the head and inserting happen in one transaction; if another appender wins the
        same sequence number (the primary key refuses the second), this one retries on the new
        head. Raises ``ValueError`` naming the field when a value is malformed or looks like
        personal data.
        """
        fields = _validated(
            event=event,
            actor=actor,
            purpose=purpose,
            rule=rule,
            request_id=request_id,
            counts=counts,
            policy_version=policy_version,
            detail=detail,
        )
        for attempt in range(_APPEND_ATTEMPTS):
            try:
                return self._append_once(fields)
            except IntegrityError:
                if attempt == _APPEND_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _append_once(self, fields: dict[str, Any]) -> LedgerEntry:
        with self._engine.connect() as conn:
            conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
            with conn.begin():
                head = conn.execute(
                    select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)
                ).first()
                content = {
                    **fields,
                    "seq": 1 if head is None else head.seq + 1,
                    "prev_hash": GENESIS_HASH if head is None else head.hash,
                    "at": datetime.now(UTC),
                }
                content["hash"] = entry_hash(content)
                conn.execute(insert(_TABLE).values(**content))
        return LedgerEntry.from_row(content)

    def entries(
        self, *, after: int = 0, limit: int | None = None, newest: bool = False
    ) -> Iterator[LedgerEntry]:
        """Entries in seq order, after seq ``after``; ``newest=True`` takes the last ``limit``."""
        query = select(_TABLE).where(_TABLE.c.seq > after)
        if newest and limit is not None:
            last = select(_TABLE.c.seq).order_by(_TABLE.c.seq.desc()).limit(limit).subquery()
            query = query.where(_TABLE.c.seq.in_(select(last.c.seq)))
        elif limit is not None:
            query = query.order_by(_TABLE.c.seq).limit(limit)
        query = query.order_by(_TABLE.c.seq)
        with self._engine.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query):
                yield LedgerEntry.from_row(row)

    def of_event(
        self,
        event: str,
        *,
        request_id: str | None = None,
        purpose: str | None = None,
        rule: str | None = None,
    ) -> list[LedgerEntry]:
        """Every entry of one event (and request, purpose, rule), in seq order: a filtered read
        for pages."""
        query = select(_TABLE).where(_TABLE.c.event == event)
        for column, value in (("request_id", request_id), ("purpose", purpose), ("rule", rule)):
            if value is not None:
                query = query.where(_TABLE.c[column] == value)
        with self._engine.connect() as conn:
            return [LedgerEntry.from_row(row) for row in conn.execute(query.order_by(_TABLE.c.seq))]

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(_TABLE)).scalar_one())

    def head(self) -> LedgerEntry | None:
        """The last entry (its hash is what an anchor records), or None for an empty ledger."""
        with self._engine.connect() as conn:
            row = conn.execute(select(_TABLE).order_by(_TABLE.c.seq.desc()).limit(1)).first()
        return None if row is None else LedgerEntry.from_row(row)

    def verify(self, anchor: str | None = None) -> VerifyResult:
        """Walk the chain in seq order and report the first entry that does not hold.

        Checks, per entry: seq contiguity from 1, the link to the previous hash, and the hash of
        its own content. With ``anchor`` (a head hash recorded elsewhere) it also checks that the
        anchored entry is still in the chain, which catches a consistently rewritten tail.
        """
        checked = 0
        expected_seq = 1
        prev_hash = GENESIS_HASH
        before_prev_hash: str | None = None  # hash of the entry two back, to spot insertions
        anchor_seen = anchor is None
        for entry in self.entries():
            problem = _first_problem(entry, expected_seq, prev_hash, before_prev_hash)
            if problem is not None:
                bad_seq, reason = problem
                return VerifyResult(False, checked, bad_seq, reason, prev_hash)
            checked += 1
            anchor_seen = anchor_seen or entry.hash == anchor
            before_prev_hash, prev_hash = prev_hash, entry.hash
            expected_seq += 1
        head = prev_hash if checked else None
        if not anchor_seen:
            return VerifyResult(
                False,
                checked,
                None,
                f"anchor {anchor[:12]} is not in the chain: entries after it were rewritten or removed",
                head,
            )
        return VerifyResult(True, checked, None, "intact", head)


def _first_problem(
    entry: LedgerEntry, expected_seq: int, prev_hash: str, before_prev_hash: str | None
) -> tuple[int, str] | None:
    """The (seq, reason) of what is wrong at this point of the walk, or None."""
    if entry.seq > expected_seq:
        return entry.seq, f"entry missing before this one (expected #{expected_seq})"
    if entry.seq < expected_seq:
        return entry.seq, "unexpected sequence number"
    if entry.prev_hash != prev_hash:
        if before_prev_hash is not None and entry.prev_hash == before_prev_hash:
            # This entry links to the one two back: the entry just before it was slipped in.
            return entry.seq - 1, "inserted entry (the next entry does not link to it)"
        return (
            entry.seq,
            "out of order / chain broken (prev_hash does not match the previous entry)",
        )
    if entry.computed_hash() != entry.hash:
        return entry.seq, "content changed (hash does not match the entry)"
    return None
