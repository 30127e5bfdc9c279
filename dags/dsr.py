"""dsr: carry out one data-subject request, registered beforehand (Privacy page or
`governance dsr register`), identified here by its id only.

The run conf holds `{"request_id": "<uuid>"}` and nothing else: identifiers stay encrypted in the
governance store. load -> locate (one mapped task per source system, each retrying on its own)
-> plan -> approve (the DPO, in Browse -> Required actions, when the plan erases, rectifies or
has uncertain matches) -> carry out -> verify -> respond (package or letter) -> record.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import Param, dag, task

from governance import settings
from governance.airflow_glue import DEFAULT_ARGS, actor, call_engine, run_moment
from governance.dsr.approval import APPROVAL_OPTIONS

log = logging.getLogger("governance.dsr")
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
#: Who may approve: comma-separated Airflow user names (the simple auth manager's ids).
DPO_USERS = list(settings.dpo_users()) or ["dpo"]


def _mask_request_identifiers(context) -> None:
    """Second line of defence: hand every spelling of the subject's identifiers to Airflow's
    secret masker in every task of the run, so nothing a library might log shows them."""
    from airflow.sdk.log import mask_secret

    from governance.dsr.masking import request_secret_forms

    for form in request_secret_forms((context.get("params") or {}).get("request_id")):
        mask_secret(form)


@dag(
    dag_id="dsr",
    schedule=None,
    catchup=False,
    # Runs only when the DPO starts one; a paused DAG would leave requests waiting unseen.
    is_paused_upon_creation=False,
    default_args={**DEFAULT_ARGS, "pre_execute": _mask_request_identifiers},
    tags=["governance", "dsr"],
    doc_md=__doc__,
    params={
        "request_id": Param(
            "00000000-0000-0000-0000-000000000000",
            type="string",
            pattern=UUID_PATTERN,
            title="Request id",
            description="The id printed by `governance dsr register` or shown on the Privacy "
            "page. Never put identifiers here: the run conf is visible to every viewer.",
        )
    },
    render_template_as_native_obj=False,
)
def dsr():
    @task  # a request that may not run is a terminal error: no retry
    def load(params=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import load as load_request

        loaded = call_engine(load_request, params["request_id"], actor())
        log_decision(
            log,
            "dsr.load",
            request=loaded["request_id"],
            type=loaded["type"],
            sources=len(loaded["systems"]),
            due=loaded["due"],
        )
        return loaded

    @task
    def sources_to_search(loaded: dict) -> list[str]:
        """Every system of the data map, read when the run starts (a new source needs no
        change here)."""
        return loaded["systems"]

    # One pool for every locate (a mapped task's pool cannot differ per instance): dsr_locate.
    @task(map_index_template="{{ system }}", pool="dsr_locate")
    def locate(system: str, params=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import locate as locate_in

        found = call_engine(locate_in, params["request_id"], system)
        log_decision(log, "dsr.locate", request=params["request_id"], **found)
        return found

    @task
    def plan(located: list, params=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import plan as plan_request

        planned = call_engine(plan_request, params["request_id"], run_moment().date(), run_moment())
        for line in planned["lines"]:
            log_decision(
                log, "dsr.plan", request=params["request_id"], type=planned["type"], **line
            )
        log_decision(
            log,
            "dsr.plan",
            request=params["request_id"],
            records=planned["records"],
            sources_searched=len(located),
            needs_approval=planned["needs_approval"],
        )
        return planned

    @task.branch
    def needs_approval(planned: dict) -> str:
        return "approve" if planned["needs_approval"] else "no_approval_needed"

    approve = HITLOperator(
        task_id="approve",
        subject="Data-subject request {{ params.request_id }}: approve the plan",
        body="{{ ti.xcom_pull(task_ids='plan')['approval_text'] }}",
        options=list(APPROVAL_OPTIONS),
        assigned_users=[{"id": user, "name": user} for user in DPO_USERS],
        # One retry: on Airflow 3.3.2 an answer given within a second or two of the question
        # can race the executor and fail the try; the retry asks again.
        retries=1,
        retry_delay=timedelta(seconds=10),
    )
    no_approval_needed = EmptyOperator(task_id="no_approval_needed")

    @task(trigger_rule="none_failed_min_one_success")
    def carry_out(params=None, ti=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import carry_out as carry

        answer = ti.xcom_pull(task_ids="approve")
        choice = answer["chosen_options"][0] if answer else None
        done = call_engine(carry, params["request_id"], choice, actor())
        log_decision(
            log,
            "dsr.carry_out",
            request=params["request_id"],
            approval=choice or "not needed",
            **{k: v for k, v in done.items() if k != "rejected"},
            rejected=done["rejected"],
        )
        return done

    @task
    def verify(done: dict, params=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import verify as verify_request

        if done["rejected"]:
            return {"skipped": "rejected"}
        checked = call_engine(verify_request, params["request_id"])
        log_decision(log, "dsr.verify", request=params["request_id"], outcome="clean", **checked)
        return checked

    @task
    def respond(done: dict, checked: dict, params=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import respond as respond_to

        if done["rejected"]:
            return {"skipped": "rejected"}
        answer = call_engine(
            respond_to, params["request_id"], done["include_uncertain"], run_moment().date()
        )
        log_decision(log, "dsr.respond", request=params["request_id"], **answer)
        return answer

    @task
    def record(done: dict, answer: dict, params=None) -> dict:
        from governance.audit.logline import log_decision
        from governance.dsr.tasks import record as record_request

        result = call_engine(record_request, params["request_id"], actor(), {**done, **answer})
        log_decision(log, "dsr.record", request=params["request_id"], **result)
        return result

    loaded = load()
    located = locate.expand(system=sources_to_search(loaded))
    planned = plan(located)
    branch = needs_approval(planned)
    branch >> [approve, no_approval_needed]
    done = carry_out()
    [approve, no_approval_needed] >> done
    checked = verify(done)
    answer = respond(done, checked)
    record(done, answer)


dsr()
