"""``governance demo-estate``: build the synthetic Latvian estate the demo and tests run on."""

from __future__ import annotations

import argparse
from datetime import date

from governance import settings
from governance.estate import build_estate
from governance.estate.indexes import ensure_estate_indexes


def _run(args: argparse.Namespace) -> int:
    target = args.target or str(settings.estate_dir())
    today = date.fromisoformat(args.today) if args.today else None
    manifest = build_estate(target, args.subjects, args.seed, today)
    is_url = target.startswith("postgresql")
    # A server URL as the target: the manifest and files went to the estate folder.
    ensure_estate_indexes(settings.estate_dir() if is_url else target, target if is_url else None)
    shown = "PostgreSQL" if manifest["target"] == "postgresql" else target
    print(
        f"demo estate: {manifest['subjects']} subjects, {manifest['rows']} rows in "
        f"{sum(1 for _ in manifest['tables'])} systems, {manifest['files']} files "
        f"at {shown} ({manifest['build_seconds']} s, seed {manifest['seed']})"
    )
    return 0


def _lookup_indexes(args: argparse.Namespace) -> int:
    from governance.policy import load_policy
    from governance.sources import SqlSources
    from governance.sources.lookup import ensure_lookup_indexes

    policy = load_policy()
    sources = SqlSources(policy)
    try:
        for system in sorted(policy.sources):
            created = ensure_lookup_indexes(policy, sources.engine(system), system)
            print(f"{system}: {created} lookup index(es) created")
    finally:
        sources.dispose()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    indexes = subparsers.add_parser(
        "lookup-indexes",
        help="create the indexes that let a data-subject request find a person by index lookups",
    )
    indexes.set_defaults(func=_lookup_indexes)
    parser = subparsers.add_parser("demo-estate", help="build the synthetic demo estate")
    parser.add_argument("--subjects", type=int, default=2000, help="people in the pool")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--target",
        help="a folder (default GOVERNANCE_ESTATE, .estate); the databases go to "
        "GOVERNANCE_ESTATE_SERVER when it is set (one database estate_<system> per system)",
    )
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default 2026-11-01)")
    parser.set_defaults(func=_run)
