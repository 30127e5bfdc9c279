"""The ``dsr`` DAG under ``dag.test()``: the DPO's approval answered by a responder thread,
and every log line, XCom value and ledger entry of the run searched for the subject."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import pytest
from conftest import ROOT, customer_with_recent_billing, identifiers_of, person, register

from governance.dsr.identifiers import parse_identifiers
from governance.dsr.masking import secret_forms

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


@pytest.fixture(scope="module")
def dsr_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags["dsr"]


class Responder(threading.Thread):
    """Answers every pending HITL question as the DPO would in Required actions."""

    def __init__(self, choice: str) -> None:
        super().__init__(daemon=True)
        self.choice = choice
        self.answered: list[str] = []
        self.bodies: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        """What the api-server's PATCH .../hitlDetails does: record the answer, resume the task."""
        from airflow.models.hitl import HITLDetail
        from airflow.models.taskinstance import TaskInstance
        from airflow.models.trigger import handle_event_submit
        from airflow.triggers.base import TriggerEvent
        from airflow.utils.session import create_session
        from airflow.utils.state import TaskInstanceState

        while not self.stop.is_set():
            with create_session() as session:
                for detail in session.query(HITLDetail).filter(HITLDetail.responded_at.is_(None)):
                    ti = session.get(TaskInstance, detail.ti_id)
                    if ti is None or ti.state not in (
                        TaskInstanceState.AWAITING_INPUT,
                        TaskInstanceState.DEFERRED,
                    ):
                        continue
                    self.bodies.append(detail.body or "")
                    detail.chosen_options = [self.choice]
                    detail.params_input = {}
                    detail.responded_at = datetime.now(UTC)
                    detail.responded_by = {"id": "dpo", "name": "dpo"}
                    session.add(detail)
                    handle_event_submit(
                        TriggerEvent(detail.as_resume_event_payload()),
                        task_instance=ti,
                        session=session,
                    )
                    self.answered.append(str(detail.ti_id))
            time.sleep(0.3)


def _run(dag, request_id: str, choice: str):
    responder = Responder(choice)
    responder.start()
    try:
        run = dag.test(run_conf={"request_id": request_id})
    finally:
        responder.stop.set()
        responder.join(timeout=5)
    return run, responder


def _forms(index: int) -> list[str]:
    p = person(index)
    forms = set(secret_forms(parse_identifiers(identifiers_of(index))))
    forms |= {p.email, p.phone, p.phone[4:], p.personas_kods, p.personas_kods.replace("-", "")}
    forms |= {p.email.upper(), f"+371 {p.phone[4:]}", p.full_name, p.iban}
    return sorted(f for f in forms if len(f) >= 5)


def _xcom_text(run) -> str:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(XComModel).filter(XComModel.run_id == run.run_id).all()
        return json.dumps([str(r.value) for r in rows], ensure_ascii=False)


def test_erasure_runs_end_to_end_with_the_dpo_approval_and_leaks_nothing(
    estate, dsr_dag, capfd, caplog
):
    from governance.audit.ledger import Ledger
    from governance.dsr import requests
    from governance.store import open_store

    index, _ = customer_with_recent_billing(estate)  # its billing is kept (Accounting Law)
    request_id = register("erasure", identifiers_of(index))
    run, responder = _run(dsr_dag, request_id, "Approve")
    assert run.state == "success"
    assert len(responder.answered) == 1
    assert "| parcel_locker |" in responder.bodies[0]
    view = requests.get(open_store(), request_id)
    assert view.status == "completed" and view.has_response
    assert view.outcome["decisions"].get("erase", 0) > 0
    assert view.outcome["decisions"].get("retain", 0) > 0  # billing, and the customer row it needs

    output = capfd.readouterr()
    logs = output.out + output.err + caplog.text
    assert "dsr.plan" in logs and "dsr.record" in logs  # the task logs were captured
    text = logs + _xcom_text(run)
    text += json.dumps([e.line() for e in Ledger(open_store()).entries()], ensure_ascii=False)
    assert request_id in text  # the logs do talk about the request
    leaked = [form for form in _forms(index) if form.lower() in text.lower()]
    assert leaked == []
    conf = json.dumps(run.conf)
    assert conf == json.dumps({"request_id": request_id})


def test_rejected_plan_changes_nothing_and_closes_the_request(estate, dsr_dag):
    from governance.dsr import requests
    from governance.dsr.records import records
    from governance.store import open_store

    request_id = register("erasure", identifiers_of(10))
    run, responder = _run(dsr_dag, request_id, "Reject")
    assert run.state == "success" and responder.answered
    view = requests.get(open_store(), request_id)
    assert view.status == "rejected"
    assert all(r.done_at is None for r in records(open_store(), request_id))


def test_a_request_without_verified_identity_never_runs(estate, dsr_dag):
    from governance.dsr import requests
    from governance.policy import load_policy
    from governance.store import open_store

    request_id = requests.register(
        open_store(),
        request_type="access",
        received_on="2026-11-20",
        identifiers=identifiers_of(3),
        verification_method=None,
        verification_reference=None,
        verified_by="dpo",
        known_purposes=list(load_policy().purposes),
    )
    run = dsr_dag.test(run_conf={"request_id": request_id})
    assert run.state == "failed"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["load"] == "failed" and states["record"] != "success"
    assert requests.get(open_store(), request_id).status == "registered"


def test_every_request_type_runs_under_dag_test_and_no_identifier_appears(
    estate, dsr_dag, capfd, caplog
):
    """Each type, one after another, for one subject; then every log line, XCom value and
    ledger entry of all the runs is searched for every spelling of the subject's identifiers."""
    from governance.audit.ledger import Ledger
    from governance.dsr import requests
    from governance.store import open_store

    index, _ = customer_with_recent_billing(estate)
    ids = identifiers_of(index)
    xcoms = ""
    for request_type, choice in (
        ("access", "Approve, including possible matches and mentions"),
        ("portability", "Approve"),
        ("rectification", "Approve"),
        ("restriction", "Approve"),
        ("objection", "Approve"),
        ("consent_withdrawal", "Approve"),
        ("erasure", "Approve"),
    ):
        corrections = (
            {"address": "Skolas iela 1, Rīga, LV-1010"} if request_type == "rectification" else None
        )
        request_id = register(request_type, ids, corrections=corrections)
        run, _ = _run(dsr_dag, request_id, choice)
        assert run.state == "success", request_type
        assert requests.get(open_store(), request_id).status == "completed", request_type
        xcoms += _xcom_text(run)
    output = capfd.readouterr()
    logs = output.out + output.err + caplog.text
    assert logs.count("dsr.record") >= 7
    text = (
        logs
        + xcoms
        + json.dumps([e.line() for e in Ledger(open_store()).entries()], ensure_ascii=False)
    )
    leaked = [form for form in _forms(index) if form.lower() in text.lower()]
    assert leaked == []
