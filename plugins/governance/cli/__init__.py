"""``governance``: the command line of the engine.

Each subcommand lives in its own module of this package and exposes ``register(subparsers)``;
the module sets ``func`` on its parser. Handlers return the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from governance.errors import GovernanceError

#: Subcommand modules, in the order ``governance --help`` lists them.
COMMAND_MODULES = ("lint", "ropa", "notice", "audit", "estate", "hold", "archive", "dsr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="governance",
        description="Privacy policy as code: lint it, render the Art. 30 record, audit the ledger, build the demo estate.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"governance.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GovernanceError as exc:
        print(f"governance {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
