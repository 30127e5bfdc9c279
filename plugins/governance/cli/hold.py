"""``governance hold place|release|list`` and ``governance subject-ref``.

Identifiers never go on the command line (shell history, process lists): a subject hold takes a
``subject_ref``, which ``governance subject-ref --kind KIND`` computes from standard input.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from governance.errors import GovernanceError, TerminalError
from governance.holds import (
    HoldError,
    active_holds,
    all_holds,
    place_hold,
    release_hold,
)
from governance.identity import InvalidIdentifier, subject_ref
from governance.identity import kinds as identifier_kinds
from governance.policy import load_policy
from governance.store import open_store

KINDS = identifier_kinds.names()  # the identifier-kind registry


def _actor(value: str | None) -> str:
    if value:
        return value
    try:
        return "cli:" + (os.environ.get("USER") or getpass.getuser())
    except Exception:  # getpass raises various errors without a login name
        return "cli"


def _moment(field: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise HoldError("expected an ISO time like 2026-11-20T14:00 (UTC)", field=field) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _day(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HoldError("expected a date YYYY-MM-DD", field=field) from None


def _record(text: str) -> tuple[str, str]:
    entity, sep, record_id = text.partition(":")
    if not sep or "." not in entity or not record_id:
        raise HoldError("expected SYSTEM.ENTITY:ID, e.g. cctv.recordings:1234", field="record_id")
    return entity, record_id


def _where(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field:
            raise HoldError("expected FIELD=VALUE, e.g. camera_id=3", field="where")
        result[field] = value
    return result


#: The engine's field names as this command's options (others: ``--`` + the field).
OPTIONS = {
    "record_id": "--record",
    "range_from": "--from",
    "range_to": "--to",
    "id": "ID",
    "hold": "scope (--record, --subject-ref or --from/--to)",
}


def _option(field: str, args: argparse.Namespace) -> str:
    if field == "entity" and getattr(args, "record", None):
        return "--record"  # a record hold's entity is the part before the colon
    return OPTIONS.get(field) or "--" + field.replace("_", "-")


def _reporting_fields(handler):
    """Print an engine error as ``--<option>: message`` (the error carries the field)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except GovernanceError as exc:
            if exc.field is None:
                raise
            fix = f" ({exc.fix})" if exc.fix else ""
            print(f"governance hold: {_option(exc.field, args)}: {exc}{fix}", file=sys.stderr)
            return 2

    return run


def _place(args: argparse.Namespace) -> int:
    policy = load_policy(Path(args.policy) if args.policy else None)
    hold_id = place_hold(
        open_store(args.store),
        policy,
        purpose=args.purpose,
        reason=args.reason,
        placed_by=_actor(args.by),
        record=_record(args.record) if args.record else None,
        subject_ref=args.subject_ref,
        range_from=_moment("range_from", args.range_from) if args.range_from else None,
        range_to=_moment("range_to", args.range_to) if args.range_to else None,
        where=_where(args.where) if args.where else None,
        entity=args.entity,
        until=_day("until", args.until) if args.until else None,
    )
    print(hold_id)
    return 0


def _release(args: argparse.Namespace) -> int:
    release_hold(open_store(args.store), args.id, reason=args.reason, released_by=_actor(args.by))
    print(f"released {args.id}")
    return 0


def _scope_text(hold) -> str:
    if hold.scope_kind == "record":
        return f"record {hold.entity}:{hold.record_id}"
    if hold.scope_kind == "subject":
        return f"subject {hold.subject_ref}" + (f" in {hold.entity}" if hold.entity else "")
    where = " ".join(f"{k}={v}" for k, v in hold.where.items())
    return f"{hold.entity} {hold.range_from:%Y-%m-%dT%H:%M}..{hold.range_to:%Y-%m-%dT%H:%M}Z" + (
        f" {where}" if where else ""
    )


def _list(args: argparse.Namespace) -> int:
    engine = open_store(args.store)
    now = datetime.now(UTC)
    holds = (
        all_holds(engine, purpose=args.purpose)
        if args.all
        else active_holds(engine, purpose=args.purpose, at=now)
    )
    if not holds:
        print("no holds" if args.all else "no active holds")
        return 0
    print(f"{'id':36}  {'purpose':18}  {'status':8}  {'until':10}  scope")
    for hold in holds:
        if hold.released_at:
            status = "released"
        elif not hold.active_at(now):
            status = "expired"
        else:
            status = "active"
        until = hold.until.isoformat() if hold.until else "-"
        print(
            f"{hold.id:36}  {hold.purpose or '*':18}  {status:8}  {until:10}  {_scope_text(hold)}"
        )
    return 0


def _subject_ref(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        print(f"type the {args.kind} and press Enter (it is not echoed to logs):", file=sys.stderr)
    value = sys.stdin.readline().strip()
    if not value:
        raise TerminalError("expected the value on standard input, got nothing", field="kind")
    try:
        print(subject_ref(args.kind, value))
    except InvalidIdentifier as exc:
        print(f"governance subject-ref: {exc}", file=sys.stderr)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    hold = subparsers.add_parser("hold", help="place, release and list legal holds")
    actions = hold.add_subparsers(dest="hold_command", required=True, metavar="ACTION")

    place = actions.add_parser("place", help="keep records beyond their retention period")
    place.add_argument("--purpose", required=True)
    scope = place.add_mutually_exclusive_group(required=True)
    scope.add_argument("--record", metavar="SYSTEM.ENTITY:ID")
    scope.add_argument("--subject-ref", metavar="REF")
    scope.add_argument("--from", dest="range_from", metavar="T", help="start (ISO time, UTC)")
    place.add_argument("--to", dest="range_to", metavar="T", help="end (ISO time, UTC)")
    place.add_argument("--entity", metavar="SYSTEM.ENTITY")
    place.add_argument("--where", action="append", metavar="FIELD=VALUE")
    place.add_argument(
        "--reason", required=True, help="case or incident reference; no personal data"
    )
    place.add_argument("--until", metavar="YYYY-MM-DD", help="the hold expires after this day")
    place.add_argument("--by", help="who places it (default: the login name)")
    place.add_argument("--store", help="governance store URL (default: GOVERNANCE_STORE_URL)")
    place.add_argument("--policy", help="policy folder (default: GOVERNANCE_POLICY)")
    place.set_defaults(func=_reporting_fields(_place))

    release = actions.add_parser("release", help="release a hold")
    release.add_argument("id")
    release.add_argument("--reason", required=True)
    release.add_argument("--by")
    release.add_argument("--store")
    release.set_defaults(func=_reporting_fields(_release))

    listing = actions.add_parser("list", help="list active holds (--all: every hold)")
    listing.add_argument("--all", action="store_true")
    listing.add_argument("--purpose")
    listing.add_argument("--store")
    listing.set_defaults(func=_list)

    ref = subparsers.add_parser(
        "subject-ref", help="print the keyed subject_ref of an identifier read from stdin"
    )
    ref.add_argument("--kind", required=True, choices=KINDS)
    ref.set_defaults(func=_subject_ref)
