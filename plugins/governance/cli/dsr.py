"""``governance dsr``: register and follow data-subject requests from the command line.

Identifiers are read as JSON from standard input, never from arguments (arguments end up in
shell history and process lists). Errors name the field and the expected form, never the value.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from governance.cli.hold import _actor
from governance.dsr import requests
from governance.dsr.requests import RequestInputError
from governance.errors import TerminalError
from governance.policy import load_policy
from governance.store import open_store
from governance.store.models import REQUEST_TYPES, VERIFICATION_METHODS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dsr", help="register and follow data-subject requests")
    actions = parser.add_subparsers(dest="dsr_command", required=True, metavar="ACTION")

    new = actions.add_parser(
        "register",
        help="register a request; identifiers as JSON on standard input",
        description='Reads {"email": ..., "phone": ..., "personas_kods": ..., "name": ..., '
        '"address": ...} (any subset) from standard input; for a rectification '
        '{"identifiers": {...}, "corrections": {...}}. Prints the request id.',
    )
    new.add_argument("--type", required=True, choices=REQUEST_TYPES)
    new.add_argument("--received", required=True, help="date received, YYYY-MM-DD")
    new.add_argument(
        "--verified-by", choices=VERIFICATION_METHODS, help="how identity was verified"
    )
    new.add_argument(
        "--reference", help="the verification's reference (document check, e-signature id)"
    )
    new.add_argument("--scope", default="*", help="'*' or comma-separated purpose ids")
    new.add_argument("--actor", help="who registers (default cli:$USER)")
    new.set_defaults(func=_register)

    status = actions.add_parser("status", help="a request's dates, state and outcome")
    status.add_argument("request_id")
    status.set_defaults(func=_status)

    listing = actions.add_parser("list", help="every request with its deadline")
    listing.set_defaults(func=_list)

    extend = actions.add_parser("extend", help="extend the deadline by 1 or 2 months")
    extend.add_argument("request_id")
    extend.add_argument("--months", type=int, required=True)
    extend.add_argument("--reason", required=True)
    extend.add_argument("--actor")
    extend.set_defaults(func=_extend)

    verify = actions.add_parser(
        "verify", help="record identity verification of a registered request"
    )
    verify.add_argument("request_id")
    verify.add_argument("--verified-by", required=True, choices=VERIFICATION_METHODS)
    verify.add_argument("--reference", required=True)
    verify.add_argument("--actor")
    verify.set_defaults(func=_verify)

    secret = actions.add_parser("passphrase", help="show a package's passphrase (once)")
    secret.add_argument("request_id")
    secret.add_argument("--actor")
    secret.set_defaults(func=_passphrase)


def _read_stdin() -> object:
    from governance.dsr.identifiers import IdentifierErrors, load_json

    try:
        return load_json(sys.stdin.read())
    except IdentifierErrors as exc:
        raise TerminalError("; ".join(exc.errors.values()), field="standard input") from None


def _register(args: argparse.Namespace) -> int:
    data = _read_stdin()
    corrections = None
    if isinstance(data, dict) and "identifiers" in data:
        corrections = data.get("corrections")
        data = data["identifiers"]
    scope = [p.strip() for p in args.scope.split(",") if p.strip()] or ["*"]
    try:
        request_id = requests.register(
            open_store(),
            request_type=args.type,
            received_on=args.received,
            identifiers=data,
            verification_method=args.verified_by,
            verification_reference=args.reference,
            verified_by=_actor(args.actor),
            scope=scope,
            corrections=corrections,
            known_purposes=list(load_policy().purposes),
        )
    except RequestInputError as exc:
        for field, message in exc.errors.items():
            print(f"governance dsr register: {field}: {message}", file=sys.stderr)
        print("governance dsr register: nothing was stored", file=sys.stderr)
        return 2
    print(request_id)
    return 0


def _show(view: requests.RequestView) -> str:
    today = date.today()
    due = view.due.isoformat() + (
        f" (extended: {view.extension_reason})" if view.extended_due_on else ""
    )
    lines = [
        f"request   {view.id}",
        f"type      {view.type}   scope {','.join(view.scope)}",
        f"status    {view.status}" + (f" ({view.status_reason})" if view.status_reason else ""),
        f"received  {view.received_on}   due {due}   deadline {view.deadline(today)}",
        f"verified  {view.verification_method or 'not yet'} by {view.verified_by or '-'}",
        f"package   {'yes' if view.has_package else 'no'}"
        + ("   passphrase retrieved" if view.passphrase_retrieved else ""),
    ]
    if view.outcome:
        lines.append("outcome   " + json.dumps(view.outcome.get("decisions", {}), sort_keys=True))
    return "\n".join(lines)


def _status(args: argparse.Namespace) -> int:
    print(_show(requests.get(open_store(), args.request_id)))
    return 0


def _list(args: argparse.Namespace) -> int:
    today = date.today()
    for view in requests.list_requests(open_store()):
        print(
            f"{view.id}  {view.type:<18} {view.status:<17} received {view.received_on} "
            f"due {view.due} {view.deadline(today)}"
        )
    return 0


def _extend(args: argparse.Namespace) -> int:
    view = requests.extend(
        open_store(),
        args.request_id,
        months=args.months,
        reason=args.reason,
        actor=_actor(args.actor),
    )
    print(f"request {view.id}: due {view.due}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    view = requests.verify_identity(
        open_store(),
        args.request_id,
        method=args.verified_by,
        reference=args.reference,
        verified_by=_actor(args.actor),
    )
    print(f"request {view.id}: {view.status}")
    return 0


def _passphrase(args: argparse.Namespace) -> int:
    from governance.dsr.passphrase import retrieve_passphrase

    print(retrieve_passphrase(args.request_id, _actor(args.actor)))
    return 0
