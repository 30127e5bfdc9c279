"""``governance notice``: the privacy notice as code.

``render`` writes the notice from the policy (lv/en, md/html); ``check`` compares a published
notice with the policy, prints every drift and the DPO's notice-quality report, and exits 1 on
drift; ``trace`` writes TRACEABILITY.md (``--check``: exit 1 when it is out of date);
``freeze`` records the notice-facing values of the current ``notice_version``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from governance import settings
from governance.policy import load_policy
from governance.policy.notice.render import FORMATS, LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notice", help="the privacy notice: render it, check a published one, trace it"
    )
    commands = parser.add_subparsers(dest="notice_command", required=True, metavar="ACTION")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--policy",
            metavar="DIR",
            type=Path,
            help="the policy folder (default: GOVERNANCE_POLICY or include/policy)",
        )

    render = commands.add_parser("render", help="write the privacy notice from the policy")
    render.add_argument("--lang", choices=LANGUAGES, default="lv", help="language (default lv)")
    render.add_argument("--format", dest="fmt", choices=FORMATS, default="md", help="md or html")
    render.add_argument("--out", metavar="PATH", type=Path, help="write here instead of stdout")
    common(render)
    render.set_defaults(func=run_render)

    check = commands.add_parser(
        "check", help="drift between a published notice and the policy; exit 1 on drift"
    )
    check.add_argument(
        "--published",
        metavar="FILE",
        type=Path,
        help="the published notice's text (default: the copy in the policy folder)",
    )
    check.add_argument(
        "--lang", choices=LANGUAGES, default="lv", help="language of the quality report"
    )
    check.add_argument(
        "--json", action="store_true", help="print the summary as JSON (counts and ids only)"
    )
    common(check)
    check.set_defaults(func=run_check)

    trace = commands.add_parser("trace", help="write TRACEABILITY.md from the notice map")
    trace.add_argument("--out", metavar="PATH", type=Path, help="write here instead of stdout")
    trace.add_argument(
        "--check", action="store_true", help="exit 1 if --out differs from what would be written"
    )
    common(trace)
    trace.set_defaults(func=run_trace)

    freeze = commands.add_parser(
        "freeze", help="record the notice-facing values under the current notice_version"
    )
    common(freeze)
    freeze.set_defaults(func=run_freeze)


def _policy(args: argparse.Namespace):
    return load_policy(args.policy or settings.policy_dir())


def _write(text: str, out: Path | None, what: str) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({what})")


def run_render(args: argparse.Namespace) -> int:
    from governance.policy.notice.render import render_notice

    policy = _policy(args)
    text = render_notice(policy, args.lang, args.fmt)
    _write(
        text, args.out, f"{args.lang}, {args.fmt}, notice version {policy.settings.notice_version}"
    )
    return 0


def run_check(args: argparse.Namespace) -> int:
    from governance.policy.notice.check import check_notice
    from governance.policy.notice.daily import published_copy
    from governance.policy.notice.published import PublishedNotice
    from governance.policy.notice.quality import quality_report

    policy = _policy(args)
    path = args.published or published_copy(policy)
    result = check_notice(policy, PublishedNotice.read(path))
    if args.json:
        print(json.dumps(result.summary(), ensure_ascii=False, indent=2))
    else:
        for finding in result.findings:
            print(finding)
        drift = sum(1 for f in result.findings if f.is_drift)
        print(
            f"{'DRIFT' if drift else 'OK'}: {drift} drift finding(s); "
            f"{result.located_exactly}/{result.statements} statements verbatim in {path}"
        )
        print()
        print(quality_report(policy, args.lang, result), end="")
    return 1 if result.drift else 0


def run_trace(args: argparse.Namespace) -> int:
    from governance.policy.notice.traceability import render_traceability

    text = render_traceability(_policy(args))
    if args.check:
        if args.out is None:
            print("governance notice trace --check needs --out FILE", file=sys.stderr)
            return 2
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is out of date; run: governance notice trace --out {args.out}")
            return 1
        print(f"{args.out} is up to date")
        return 0
    _write(text, args.out, "traceability")
    return 0


def run_freeze(args: argparse.Namespace) -> int:
    from governance.policy.notice.versions import freeze

    policy = _policy(args)
    path, changed = freeze(policy, date.today())
    version = policy.settings.notice_version
    print(f"{'recorded' if changed else 'already recorded'}: notice version {version} in {path}")
    return 0
