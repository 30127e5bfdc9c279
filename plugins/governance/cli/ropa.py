"""``governance ropa``: render the Record of Processing Activities (GDPR Art. 30).

Markdown or HTML for people, CSV (one row per retention rule) for spreadsheets; Latvian or
English. Written to ``--out`` or to standard output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from governance import settings
from governance.policy import load_policy
from governance.policy.labels import LANGUAGES
from governance.policy.ropa import FORMATS, render_ropa


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ropa", help="render the record of processing activities (GDPR Art. 30)"
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="lv", help="language (default lv)")
    parser.add_argument(
        "--format", dest="fmt", choices=FORMATS, default="md", help="output format (default md)"
    )
    parser.add_argument("--out", metavar="PATH", type=Path, help="write here instead of stdout")
    parser.add_argument(
        "--policy",
        metavar="DIR",
        type=Path,
        help="the policy folder (default: GOVERNANCE_POLICY or include/policy)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy or settings.policy_dir())
    text = render_ropa(policy, args.lang, args.fmt)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({args.lang}, {args.fmt}, policy {policy.version[:12]})")
    return 0
