"""governance_daily: every day, prove the policy is sound, the ledger intact, and publish the
Record of Processing Activities (GDPR Art. 30). The work is in the engine; this file wires it."""

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
    record(version, ledger, files)


governance_daily()
