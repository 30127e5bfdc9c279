"""``governance lint``: check that the policy can be carried out.

Prints one ``path:line: message`` per problem and exits 1, or prints a one-line summary with the
policy version and exits 0, so CI and pre-commit hooks can gate on the exit code. A legal fact
checked longer ago than ``defaults.legal_fact_max_age`` is a problem; ``--today`` fixes the day
it is measured from (default: today).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from governance import settings
from governance.policy import lint_policy, load_policy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lint", help="check the policy folder; print path:line: message per problem"
    )
    parser.add_argument(
        "--policy",
        metavar="DIR",
        type=Path,
        help="the policy folder (default: GOVERNANCE_POLICY or include/policy)",
    )
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        help="the day legal facts' freshness is measured from (default: today)",
    )
    parser.set_defaults(func=run)


def _shown(path: str) -> str:
    """The path relative to the working directory when it lies below it (shorter, clickable)."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else path
    except ValueError:  # another drive on Windows
        return path


def run(args: argparse.Namespace) -> int:
    directory = args.policy or settings.policy_dir()
    problems = lint_policy(directory, today=args.today)
    if problems:
        for problem in problems:
            print(f"{_shown(problem.path)}:{problem.line}: {problem.message}")
        count = len(problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} in {_shown(str(directory))}",
            file=sys.stderr,
        )
        return 1
    policy = load_policy(directory)
    rules = len(policy.rules())
    print(
        f"OK policy {policy.version}: {len(policy.purposes)} purposes, "
        f"{len(policy.sources)} sources, {len(policy.entities())} entities, {rules} retention rules"
    )
    return 0
