"""The bodies of the ``governance_daily`` DAG's tasks, Airflow-free: plain arguments in,
PII-free values out.

Every day: the policy lints clean, the ledger verifies, the Art. 30 record and yesterday's
audit report are written, the ledger's head is anchored outside it, and a request overdue or due
within 7 days fails the day (and, when the glue hands in a sender, is e-mailed to the DPO).
A module of its own above ``audit``, ``dsr`` and ``policy``, which it only calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from governance import settings
from governance.audit.anchors import write_anchor
from governance.audit.ledger import Ledger
from governance.audit.logline import log_decision
from governance.audit.report import build_report
from governance.audit.report import render as render_report
from governance.dsr.watch import Finding, findings
from governance.errors import TerminalError
from governance.policy import lint_policy as lint
from governance.policy import load_policy
from governance.policy.ropa import render_ropa
from governance.store import open_store

log = logging.getLogger("governance.daily")

ROPA_LANGUAGES = ("lv", "en")
ROPA_FORMATS = ("md", "html", "csv")
REPORT_FORMATS = ("html", "md")
#: ``notify(subject, html)``: how the DPO hears of due requests (the glue sends e-mail).
Notify = Callable[[str, str], None]


class PolicyProblems(TerminalError):
    """The policy has problems (each logged with file and line); a fix, not a retry, helps."""


class LedgerBroken(TerminalError):
    """The audit ledger's hash chain does not verify."""


class RequestsDue(TerminalError):
    """Data-subject requests are overdue or due within 7 days: a finding for the DPO."""


def check_policy() -> str:
    """Fail on any policy problem, naming file and line; return the policy version."""
    problems = lint()
    for problem in problems:
        log.error("%s", problem)
    if problems:
        raise PolicyProblems(
            f"the policy has {len(problems)} problem(s); see the lines above",
            fix="run `governance lint` and correct each file:line it names",
        )
    policy = load_policy()
    log_decision(
        log,
        "policy.lint",
        outcome="clean",
        purposes=len(policy.purposes),
        sources=len(policy.sources),
        rules=len(policy.rules()),
        policy_version=policy.version[:12],
    )
    return policy.version


def verify_ledger() -> dict[str, int]:
    """The whole chain verifies; returns how many entries were checked."""
    result = Ledger(open_store()).verify()
    log_decision(
        log,
        "ledger.verify",
        ok=result.ok,
        entries=result.checked,
        first_bad=result.first_bad,
        reason=result.reason or None,
    )
    if not result.ok:
        raise LedgerBroken(
            f"the audit ledger is broken at entry #{result.first_bad}: {result.reason}"
        )
    return {"entries": result.checked}


def write_ropa(day: date, policy_version: str) -> list[str]:
    """The Record of Processing Activities in every language and format, in
    ``<reports>/ropa/<day>/``; returns the files written."""
    policy = load_policy()
    folder = settings.reports_dir() / "ropa" / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ROPA_LANGUAGES:
        for fmt in ROPA_FORMATS:
            path = folder / f"ropa.{lang}.{fmt}"
            path.write_text(render_ropa(policy, lang, fmt), encoding="utf-8")
            written.append(str(path))
    log_decision(
        log,
        "ropa.written",
        files=len(written),
        folder=str(folder),
        purposes=len(policy.purposes),
        policy_version=policy_version[:12],
    )
    return written


def write_audit_report(today: date) -> list[str]:
    """The auditor's report for the day before ``today``, in HTML and Markdown, in
    ``<reports>/audit/``; returns the files written."""
    day = today - timedelta(days=1)
    report = build_report(open_store(), day, day)
    folder = settings.reports_dir() / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in REPORT_FORMATS:
        path = folder / f"audit-{day.isoformat()}.{fmt}"
        path.write_text(render_report(report, fmt), encoding="utf-8")
        written.append(str(path))
    log_decision(
        log,
        "audit.report",
        day=day.isoformat(),
        purposes=len(report.purposes),
        requests_received=sum(report.requests.received.values()),
        ledger="intact" if report.ledger_ok else "BROKEN",
        anchors="intact" if report.anchors_ok else "BROKEN",
        folder=str(folder),
    )
    return written


def due_notice(found: list[Finding], today: date) -> tuple[str, str]:
    """The DPO's e-mail about due requests: (subject, HTML). Request ids, types, due dates and
    states only."""
    lines = [finding.line(today) for finding in found]
    subject = f"[privacy] {len(found)} data-subject request(s) due or overdue"
    return subject, "<p>" + "<br>".join(lines) + "</p>"


def watch_deadlines(today: date, notify: Notify | None = None) -> int:
    """Fail when a request is overdue or due within 7 days (after ``notify``, if given);
    returns 0 when none is."""
    found = findings(open_store(), today)
    for finding in found:
        log_decision(
            log,
            "dsr.deadline",
            request=finding.request_id,
            type=finding.type,
            due=finding.due.isoformat(),
            state=finding.state,
            status=finding.status,
        )
    if not found:
        log_decision(log, "dsr.deadline", outcome="nothing due within 7 days")
        return 0
    if notify is not None:
        notify(*due_notice(found, today))
    raise RequestsDue(
        f"{len(found)} data-subject request(s) overdue or due within 7 days: "
        + "; ".join(finding.line(today) for finding in found),
        fix="answer or extend them on the Privacy page",
    )


def anchor_ledger(actor: str, recorded: int) -> str:
    """Pin the ledger's head outside it (``GOVERNANCE_ANCHOR_DIR``); returns the anchor file."""
    path = write_anchor(open_store(), actor=actor)
    log_decision(log, "ledger.anchor", anchored_after=recorded, file=str(path))
    return str(path)


def record(actor: str, policy_version: str, ledger_entries: int, ropa_files: int) -> int:
    """The day's ledger entry; returns its sequence number."""
    entry = Ledger(open_store()).append(
        "daily_check",
        actor,
        counts={"ledger_entries_verified": ledger_entries, "ropa_files": ropa_files},
        policy_version=policy_version,
        detail={"lint": "clean", "ledger": "intact"},
    )
    return entry.seq


def record_notice_check(engine, actor: str, summary: dict) -> int:
    """One ``notice_check`` ledger entry for a :func:`check_published` summary (counts,
    statement ids and policy keys only); returns its sequence number."""
    counts = {f"findings_{kind}": n for kind, n in summary["findings"].items()}
    counts.update(statements=summary["statements"], located_exactly=summary["located_exactly"])
    entry = Ledger(engine).append(
        "notice_check",
        actor,
        counts=counts,
        policy_version=summary["policy_version"],
        detail={
            "drift": summary["drift"],
            "notice_version": summary["notice_version"],
            "drift_statements": summary["drift_statements"],
            "drift_keys": summary["drift_keys"],
        },
    )
    return entry.seq


def check_notice(actor: str) -> dict:
    """The published notice (the policy's kept copy) against the running policy: recorded in
    the ledger either way; drift fails the task, naming the statements and keys (no quotes)."""
    from governance.policy.notice.daily import check_published

    summary = check_published()
    seq = record_notice_check(open_store(), actor, summary)
    log_decision(
        log,
        "notice.check",
        drift=summary["drift"],
        statements=summary["statements"],
        drift_statements=len(summary["drift_statements"]),
        drift_keys=len(summary["drift_keys"]),
        ledger_entry=seq,
    )
    if summary["drift"]:
        raise TerminalError(
            "the published notice and the policy disagree: statements "
            + ", ".join(summary["drift_statements"] or ["-"])
            + "; policy keys "
            + ", ".join(summary["drift_keys"] or ["-"]),
            field="notice",
            fix="run `governance notice check --published include/policy/notice/<file>` and "
            "fix the policy or publish a new notice version",
        )
    return {"drift": False, "statements": summary["statements"], "ledger_entry": seq}
