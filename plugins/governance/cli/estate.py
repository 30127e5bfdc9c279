"""``governance demo-estate``: build the synthetic Latvian estate the demo and tests run on."""

from __future__ import annotations

import argparse
from datetime import date

from governance import settings
from governance.estate import build_estate


def _run(args: argparse.Namespace) -> int:
    target = args.target or str(settings.estate_dir())
    today = date.fromisoformat(args.today) if args.today else None
    manifest = build_estate(target, args.subjects, args.seed, today)
    shown = "PostgreSQL" if manifest["target"] == "postgresql" else target
    print(
        f"demo estate: {manifest['subjects']} subjects, {manifest['rows']} rows in "
        f"{sum(1 for _ in manifest['tables'])} systems, {manifest['files']} files "
        f"at {shown} ({manifest['build_seconds']} s, seed {manifest['seed']})"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo-estate", help="build the synthetic demo estate")
    parser.add_argument("--subjects", type=int, default=2000, help="people in the pool")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--target", help="a folder (default GOVERNANCE_ESTATE, .estate) or a postgresql:// URL"
    )
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default 2026-11-01)")
    parser.set_defaults(func=_run)
