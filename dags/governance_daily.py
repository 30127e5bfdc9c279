"""governance_daily: every day, prove the policy is sound and the ledger intact, publish the
Record of Processing Activities (GDPR Art. 30) and yesterday's audit report, anchor the ledger's
head outside it, and fail loudly when a data-subject request is overdue or due within 7 days.
The work is in the engine; this file wires it."""

from __future__ import annotations

import logging

from airflow.sdk import Asset, dag, task

from governance.airflow_glue import DEFAULT_ARGS, actor, run_moment

log = logging.getLogger("governance.daily")
ROPA_ASSET = Asset("governance://reports/ropa")


@dag(
    dag_id="governance_daily",
    schedule="@daily",
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["governance", "audit"],
    doc_md=__doc__,
)
def governance_daily():
    @task(retries=0)  # a policy problem is not transient: fail at once
    def lint_policy() -> str:
        """Fail on any policy problem, naming file and line; return the policy version."""
        from governance.audit.logline import log_decision
        from governance.errors import GovernanceError
        from governance.policy import lint_policy as lint
        from governance.policy import load_policy

        problems = lint()
        for problem in problems:
            log.error("%s", problem)
        if problems:
            raise GovernanceError(f"the policy has {len(problems)} problem(s); see the lines above")
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

    @task(retries=0)  # nor is a broken ledger
    def verify_ledger() -> dict:
        from governance.audit.ledger import Ledger
        from governance.audit.logline import log_decision
        from governance.errors import GovernanceError
        from governance.store import open_store

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
            raise GovernanceError(
                f"the audit ledger is broken at entry #{result.first_bad}: {result.reason}"
            )
        return {"entries": result.checked}

    @task(outlets=[ROPA_ASSET])
    def write_ropa(policy_version: str) -> list[str]:
        from governance import settings
        from governance.audit.logline import log_decision
        from governance.policy import load_policy
        from governance.policy.ropa import render_ropa

        policy = load_policy()
        folder = settings.reports_dir() / "ropa" / run_moment().date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for lang in ("lv", "en"):
            for fmt in ("md", "html", "csv"):
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

    @task(retries=0)
    def write_audit_report(ledger: dict) -> list[str]:
        """The auditor's report for the previous day, in HTML and Markdown."""
        from datetime import timedelta

        from governance import settings
        from governance.audit.logline import log_decision
        from governance.audit.report import build_report, render
        from governance.store import open_store

        day = run_moment().date() - timedelta(days=1)
        report = build_report(open_store(), day, day)
        folder = settings.reports_dir() / "audit"
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for fmt in ("html", "md"):
            path = folder / f"audit-{day.isoformat()}.{fmt}"
            path.write_text(render(report, fmt), encoding="utf-8")
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

    @task(retries=0)  # a deadline is not a transient problem: show it at once
    def watch_deadlines() -> int:
        """Fail when a request is overdue or due within 7 days; e-mail the DPO if SMTP is set."""
        import os

        from governance.audit.logline import log_decision
        from governance.dsr.watch import findings
        from governance.errors import GovernanceError
        from governance.store import open_store

        today = run_moment().date()
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
        lines = [finding.line(today) for finding in found]
        recipient = os.environ.get("GOVERNANCE_DPO_EMAIL")
        if recipient and os.environ.get("AIRFLOW_CONN_SMTP_GOVERNANCE"):
            from airflow.providers.smtp.notifications.smtp import SmtpNotifier
            from airflow.sdk import get_current_context

            SmtpNotifier(
                to=recipient,
                smtp_conn_id="smtp_governance",
                subject=f"[privacy] {len(found)} data-subject request(s) due or overdue",
                html_content="<p>" + "<br>".join(lines) + "</p>",
            ).notify(get_current_context())
        raise GovernanceError(
            f"{len(found)} data-subject request(s) overdue or due within 7 days: "
            + "; ".join(lines)
        )

    @task
    def anchor_ledger(recorded: int) -> str:
        """Pin today's ledger head outside the ledger (GOVERNANCE_ANCHOR_DIR)."""
        from governance.audit.anchors import write_anchor
        from governance.audit.logline import log_decision
        from governance.store import open_store

        path = write_anchor(open_store(), actor=actor())
        log_decision(log, "ledger.anchor", anchored_after=recorded, file=str(path))
        return str(path)

    @task
    def record(policy_version: str, ledger: dict, files: list[str]) -> int:
        from governance.audit.ledger import Ledger
        from governance.store import open_store

        entry = Ledger(open_store()).append(
            "daily_check",
            actor(),
            counts={"ledger_entries_verified": ledger["entries"], "ropa_files": len(files)},
            policy_version=policy_version,
            detail={"lint": "clean", "ledger": "intact"},
        )
        return entry.seq

    version = lint_policy()
    ledger = verify_ledger()
    files = write_ropa(version)
    version >> ledger >> files
    audit = write_audit_report(ledger)
    recorded = record(version, ledger, files)
    audit >> recorded
    anchor_ledger(recorded)
    watch_deadlines()


governance_daily()
