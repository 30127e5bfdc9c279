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

    verify.add_argument(
        "--anchors",
        metavar="DIR",
        help="anchor folder or URL to check the chain against (default: GOVERNANCE_ANCHOR_DIR "
        "or .governance/anchors, when it exists)",
    )

    anchor = actions.add_parser("anchor", help="write the ledger's head hash to the anchor location")
    _add_store_option(anchor)
    anchor.add_argument("--anchors", metavar="DIR", help="anchor folder or URL")
    anchor.set_defaults(func=_anchor)

    report = actions.add_parser("report", help="the auditor's report for a period (no personal data)")
    _add_store_option(report)
    report.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    report.add_argument("--format", choices=("html", "md"), default="md")
    report.add_argument("--out", metavar="PATH", help="write here instead of standard output")
    report.set_defaults(func=_report)

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
    from upath import UPath

    from governance.audit.anchors import anchor_root, verify_against_anchors

    ledger = _ledger(args.store)
    result = ledger.verify(anchor=args.anchor)
    if not result.ok:
        where = f" at entry #{result.first_bad}" if result.first_bad is not None else ""
        print(f"ledger BROKEN{where}: {result.reason}")
        return 1
    head = result.head[:12] if result.head else "none"
    print(f"ledger OK: {result.checked} entries, head {head}")
    root = UPath(args.anchors) if args.anchors else anchor_root()
    if args.anchors and not root.exists():
        raise ConfigurationError(f"--anchors: no anchor folder at {args.anchors}")
    if root.exists():
        check = verify_against_anchors(ledger.engine, root)
        if not check.ok:
            print(f"anchors BROKEN at {check.first_bad_anchor}: {check.reason}")
            return 1
        print(f"anchors OK: {check.anchors_checked} anchor(s) still in the chain")
    return 0


def _anchor(args: argparse.Namespace) -> int:
    from upath import UPath

    from governance.audit.anchors import write_anchor

    ledger = _ledger(args.store)
    path = write_anchor(ledger.engine, UPath(args.anchors) if args.anchors else None, actor="cli")
    print(f"anchored: {path}" if path else "the ledger is empty: nothing to anchor")
    return 0


def _report(args: argparse.Namespace) -> int:
    from datetime import date

    from governance.audit.report import build_report, render

    dates = {}
    for option, value in (("--from", args.start), ("--to", args.end)):
        try:
            dates[option] = date.fromisoformat(value)
        except ValueError:
            raise ConfigurationError(f"{option}: expected a date as YYYY-MM-DD") from None
    if dates["--from"] > dates["--to"]:
        raise ConfigurationError("--from: expected a day on or before --to")
    ledger = _ledger(args.store)
    text = render(build_report(ledger.engine, dates["--from"], dates["--to"]), args.format)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"written {out}")
    else:
        print(text)
    return 0


def _log(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ConfigurationError("--limit must be a positive number of entries")
    for entry in _ledger(args.store).entries(limit=args.limit, newest=True):
        print(entry.line())
    return 0
