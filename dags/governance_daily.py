"""governance_daily: every day, prove the policy is sound and the ledger intact, publish the
Record of Processing Activities (GDPR Art. 30) and yesterday's audit report, anchor the ledger's
head outside it, and fail loudly when a data-subject request is overdue or due within 7 days.
The work is in the engine (``governance.daily``); this file wires it. A policy problem, a broken
ledger or a due request is a terminal error: the task fails at once, without retries."""

from __future__ import annotations

from airflow.sdk import Asset, dag, task

from governance.airflow_glue import DEFAULT_ARGS, actor, call_engine, dpo_notifier, run_moment

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
    @task
    def lint_policy() -> str:
        """Fail on any policy problem, naming file and line; return the policy version."""
        from governance import daily

        return call_engine(daily.check_policy)

    @task
    def verify_ledger() -> dict:
        from governance import daily

        return call_engine(daily.verify_ledger)

    @task(outlets=[ROPA_ASSET])
    def write_ropa(policy_version: str) -> list[str]:
        from governance import daily

        return call_engine(daily.write_ropa, run_moment().date(), policy_version)

    @task
    def write_audit_report(ledger: dict) -> list[str]:
        """The auditor's report for the previous day, in HTML and Markdown."""
        from governance import daily

        return call_engine(daily.write_audit_report, run_moment().date())

    @task
    def watch_deadlines() -> int:
        """Fail when a request is overdue or due within 7 days; e-mail the DPO if SMTP is set."""
        from governance import daily

        return call_engine(daily.watch_deadlines, run_moment().date(), notify=dpo_notifier())

    @task
    def anchor_ledger(recorded: int) -> str:
        """Pin today's ledger head outside the ledger (GOVERNANCE_ANCHOR_DIR)."""
        from governance import daily

        return call_engine(daily.anchor_ledger, actor(), recorded)

    @task
    def record(policy_version: str, ledger: dict, files: list[str]) -> int:
        from governance import daily

        return call_engine(daily.record, actor(), policy_version, ledger["entries"], len(files))

    @task
    def check_notice() -> dict:
        """The published notice against the running policy; drift fails, recorded either way."""
        from governance import daily

        return call_engine(daily.check_notice, actor())

    version = lint_policy()
    ledger = verify_ledger()
    files = write_ropa(version)
    version >> ledger >> files
    audit = write_audit_report(ledger)
    recorded = record(version, ledger, files)
    audit >> recorded
    anchor_ledger(recorded)
    watch_deadlines()
    version >> check_notice()


governance_daily()
