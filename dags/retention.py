"""One retention DAG per processing purpose, generated from the policy: ``retention__<purpose>``.

A new purpose in ``include/policy/purposes/`` gives a new DAG; no Python is written. For each of
the purpose's rules, in the policy's order: plan -> sweep -> (gate, for anonymising rules) ->
verify -> record. ``dry_run`` stops
after the plans. The work is done by ``governance.retention.tasks``; this file only wires it.
"""

from __future__ import annotations

from airflow.sdk import DAG, Asset, Param, TaskGroup, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from governance.airflow_glue import DEFAULT_ARGS, actor, run_id, run_moment
from governance.policy import load_policy
from governance.policy.periods import period_in_words


def _doc(purpose) -> str:
    lines = [
        f"# Retention: {purpose.title.en}",
        f"*{purpose.title.lv}*",
        "",
        f"- **Legal basis:** {purpose.legal_basis}"
        + (
            f" (+ {', '.join(purpose.additional_legal_bases)})"
            if purpose.additional_legal_bases
            else ""
        ),
        f"- **Role:** {purpose.role}"
        + (f" (controller: {purpose.controller.description.en})" if purpose.controller else ""),
        f"- **Schedule:** `{purpose.schedule}`",
        "",
        "| rule | records | kept for | from | then | rests on |",
        "|---|---|---|---|---|---|",
    ]
    for rule in purpose.retention:
        rests = rule.rests_on
        basis = (
            rests.notice
            and f"notice: {rests.notice}"
            or rests.statute
            or f"{rests.decided_by}: {rests.reason.en}"
        )
        where = "".join(f" ({k}={v})" for k, v in rule.where.items())
        lines.append(
            f"| `{rule.id}` | `{rule.entity}`{where} | {period_in_words(rule.period)} | "
            f"`{rule.anchor}` | {rule.action} | {basis} |"
        )
    lines += ["", "Trigger with `dry_run: true` to see the plan without changing anything."]
    return "\n".join(lines)


def build_retention_dag(purpose) -> DAG:
    with DAG(
        dag_id=f"retention__{purpose.id}",
        schedule=purpose.schedule,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["governance", "retention", purpose.role, purpose.legal_basis],
        doc_md=_doc(purpose),
        params={
            "dry_run": Param(
                False, type="boolean", title="Dry run", description="Plan only; change nothing."
            )
        },
    ) as dag:

        @task(trigger_rule="none_failed")
        def plan(rule_id: str) -> dict:
            from governance.retention import tasks

            return tasks.plan(purpose.id, rule_id, run_moment())

        @task
        def sweep(rule_id: str, planned: dict) -> dict:
            from governance.retention import tasks

            context = get_current_context()
            if context["params"]["dry_run"]:
                raise AirflowSkipException("dry run: stopping after the plan")
            if not planned["actionable"]:
                return {"removed": 0, "dependants_removed": 0, "files_removed": 0}
            return tasks.sweep(purpose.id, rule_id, run_moment(), run_id())

        @task(retries=0)  # a failed verification is a finding, not a transient error
        def verify(rule_id: str, planned: dict, swept: dict) -> dict:
            from governance.retention import tasks

            return tasks.verify(purpose.id, rule_id, run_moment(), planned)

        @task(retries=0)  # a failed gate is a finding: recorded as non-compliant, then fails
        def gate(rule_id: str, swept: dict) -> dict:
            """Anonymising rules only: prove the anonymised table singles no one out."""
            from governance.retention import tasks

            return tasks.gate(purpose.id, rule_id, run_id=run_id(), actor=actor())

        @task
        def record(rule_id: str, planned: dict, swept: dict, verified: dict) -> int:
            from governance.retention import tasks

            return tasks.record(
                purpose.id,
                rule_id,
                run_id=run_id(),
                actor=actor(),
                planned=planned,
                swept=swept,
                verified=verified,
            )

        @task(outlets=[Asset(f"governance://retention/{purpose.id}")])
        def announce() -> None:
            """Tell followers (the anonymisation checks) that this purpose was swept."""

        previous = None
        for rule in purpose.retention:
            # The tasks that read or change the rule's system share its pool (include/pools.json).
            pool = f"source_{rule.entity.partition('.')[0]}"
            with TaskGroup(group_id=rule.id, tooltip=f"{rule.entity}: {rule.action}"):
                planned = plan.override(task_id="plan", pool=pool)(rule.id)
                swept = sweep.override(task_id="sweep", pool=pool)(rule.id, planned)
                verified = verify.override(task_id="verify", pool=pool)(rule.id, planned, swept)
                if rule.action == "anonymise":
                    gate.override(task_id="gate", pool=pool)(rule.id, swept) >> verified
                recorded = record.override(task_id="record")(rule.id, planned, swept, verified)
            if previous is not None:
                previous >> planned
            previous = recorded
        if previous is not None:
            previous >> announce()
    return dag


for _purpose in load_policy().purposes.values():
    if _purpose.retention:
        globals()[f"retention__{_purpose.id}"] = build_retention_dag(_purpose)
