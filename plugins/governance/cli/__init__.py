"""``governance``: the command line of the engine.

Each subcommand lives in its own module of this package and exposes ``register(subparsers)``;
the module sets ``func`` on its parser. Handlers return the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from governance.errors import GovernanceError

#: Subcommand modules, in the order ``governance --help`` lists them.
COMMAND_MODULES = ("lint", "ropa", "notice", "audit", "estate", "hold", "archive", "dsr")
#: An error's ``field`` whose option is not simply ``--`` + the field with dashes.
OPTION_SPELLINGS = {
    "range": "--from/--to",
    "range_from": "--from",
    "range_to": "--to",
    "id": "ID",
    "scope": "scope",
}
_OPTION_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")


def option_of(field: str) -> str:
    """How the command line spells the input an error's ``field`` names (``months`` ->
    ``--months``); a field that is no option name (a file:line, say) is shown as it is."""
    if field in OPTION_SPELLINGS:
        return OPTION_SPELLINGS[field]
    return "--" + field.replace("_", "-") if _OPTION_FIELD.match(field) else field


def error_text(exc: GovernanceError) -> str:
    """``--<option>: <message>`` when the error names its field, else the message."""
    return f"{option_of(exc.field)}: {exc}" if exc.field else str(exc)


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
        print(f"governance {args.command}: {error_text(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
