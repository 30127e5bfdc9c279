"""``governance audit``: check the audit ledger's hash chain and read its entries.

``verify`` exits 0 when the chain is intact and 1 when it is broken, so a cron job or the daily
DAG can alert on the exit code alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.engine import make_url

from governance import settings
from governance.audit.ledger import Ledger
from governance.errors import ConfigurationError
from governance.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify the audit ledger or list its entries")
    actions = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")

    verify = actions.add_parser("verify", help="recompute the hash chain; exit 1 if it is broken")
    _add_store_option(verify)
    verify.add_argument(
        "--anchor", help="a head hash recorded elsewhere that must still be in the chain"
    )
    verify.set_defaults(func=_verify)

    log = actions.add_parser("log", help="print ledger entries as readable lines")
    _add_store_option(log)
    log.add_argument("--limit", type=int, default=50, help="the newest N entries (default 50)")
    log.set_defaults(func=_log)


def _add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        help="SQLAlchemy URL of the governance store (default: GOVERNANCE_STORE_URL or .governance/governance.db)",
    )


def _ledger(url: str | None) -> Ledger:
    url = url or settings.store_url()
    parsed = make_url(url)
    is_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    if is_file and not Path(parsed.database).expanduser().exists():
        raise ConfigurationError(
            f"no governance store at {parsed.database}; pass --store URL or set GOVERNANCE_STORE_URL"
        )
    return Ledger(open_store(url))


def _verify(args: argparse.Namespace) -> int:
    result = _ledger(args.store).verify(anchor=args.anchor)
    if result.ok:
        head = result.head[:12] if result.head else "none"
        print(f"ledger OK: {result.checked} entries, head {head}")
        return 0
    where = f" at entry #{result.first_bad}" if result.first_bad is not None else ""
    print(f"ledger BROKEN{where}: {result.reason}")
    return 1


def _log(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ConfigurationError("--limit must be a positive number of entries")
    for entry in _ledger(args.store).entries(limit=args.limit, newest=True):
        print(entry.line())
    return 0
