"""End to end on a real ``airflow standalone`` (scheduler, dag-processor, api-server, triggerer,
LocalExecutor): every retention DAG and one data-subject request of each type run through the
REST API, the DPO answers the approvals through the HITL endpoint, and then every log file the
run wrote is searched for every spelling of the subject's identifiers."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import date

import httpx
import pytest
from standalone_server import SEED, token, trigger, wait_for_dags

pytestmark = [pytest.mark.slow, pytest.mark.airflow]


def test_every_dag_and_request_type_under_the_scheduler_leaks_nothing(server):
    from governance.estate import subject

    base, tmp, env = server["base"], server["tmp"], server["env"]
    dpo = token(base, "dpo")
    from governance.policy import load_policy

    retention_dags = {f"retention__{p.id}" for p in load_policy().purposes.values() if p.retention}
    wait_for_dags(base, dpo, retention_dags | {"dsr", "governance_daily"})

    # The auditor may read but not start anything.
    auditor = token(base, "auditor")
    assert (
        httpx.post(
            f"{base}/api/v2/dags/dsr/dagRuns",
            headers=auditor,
            json={"logical_date": None, "conf": {}},
            timeout=10,
        ).status_code
        == 403
    )

    person = subject(SEED, 2)
    ids = {
        "email": person.email,
        "phone": person.phone,
        "personas_kods": person.personas_kods,
        "name": person.full_name,
    }
    runs: dict[tuple[str, str], str] = {}
    for request_type in (
        "access",
        "portability",
        "rectification",
        "restriction",
        "objection",
        "consent_withdrawal",
        "erasure",
    ):
        payload = (
            {"identifiers": ids, "corrections": {"email": "jauns.epasts@example.lv"}}
            if request_type == "rectification"
            else ids
        )
        registered = subprocess.run(
            [
                "governance",
                "dsr",
                "register",
                "--type",
                request_type,
                "--received",
                date.today().isoformat(),
                "--verified-by",
                "in_person_id_document",
                "--reference",
                "ID card checked",
            ],
            env=env,
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            check=True,
        )
        request_id = registered.stdout.strip()
        runs[("dsr", request_type)] = trigger(base, dpo, "dsr", {"request_id": request_id})

    # The sweeps start once every request has its plan: a sweep that ran first could remove
    # the subject's expired records, leaving nothing to approve. While the DPO has not yet
    # answered, the sweeps and the requests run side by side.
    planned: set[str] = set()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and len(planned) < len(runs):
        for run_id in runs.values():
            state = httpx.get(
                f"{base}/api/v2/dags/dsr/dagRuns/{run_id}/taskInstances/plan",
                headers=dpo,
                timeout=10,
            )
            if state.status_code == 200 and state.json().get("state") in ("success", "failed"):
                assert state.json()["state"] == "success", run_id
                planned.add(run_id)
        time.sleep(3)
    assert len(planned) == len(runs), f"{len(planned)} of {len(runs)} requests planned"
    for dag_id in sorted(retention_dags):
        runs[(dag_id, dag_id)] = trigger(base, dpo, dag_id, {})

    states: dict[tuple[str, str], str] = {}
    waiting_since: dict[str, float] = {}
    answered = 0
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and len(states) < len(runs):
        for (dag_id, label), run_id in runs.items():
            if (dag_id, label) in states:
                continue
            run = httpx.get(
                f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}", headers=dpo, timeout=10
            ).json()
            if run["state"] in ("success", "failed"):
                states[(dag_id, label)] = run["state"]
                continue
            if dag_id == "dsr":
                ti = httpx.get(
                    f"{base}/api/v2/dags/dsr/dagRuns/{run_id}/taskInstances/approve",
                    headers=dpo,
                    timeout=10,
                )
                if ti.status_code != 200 or ti.json().get("state") != "awaiting_input":
                    continue
                # A person answers after some seconds; an answer within a second or two of the
                # pause can race the executor's report of the paused try (Airflow 3.3.2).
                question = f"{run_id}#{ti.json().get('try_number')}"
                since = waiting_since.setdefault(question, time.monotonic())
                if time.monotonic() - since >= 8:
                    response = httpx.patch(
                        f"{base}/api/v2/dags/dsr/dagRuns/{run_id}/taskInstances/approve/-1/hitlDetails",
                        headers=dpo,
                        json={"chosen_options": ["Approve"], "params_input": {}},
                        timeout=10,
                    )
                    if response.status_code == 200:  # else (a locked SQLite) ask again next round
                        waiting_since[question] = float("inf")
                        answered += 1
        time.sleep(3)
    assert states == dict.fromkeys(runs, "success"), states
    # Erasure and rectification change records: the DPO answered for them, nobody else.
    for request_type in ("erasure", "rectification"):
        run_id = runs[("dsr", request_type)]
        approve = httpx.get(
            f"{base}/api/v2/dags/dsr/dagRuns/{run_id}/taskInstances/approve",
            headers=dpo,
            timeout=10,
        ).json()
        assert approve["state"] == "success", (request_type, approve["state"])
    assert answered >= 2

    logs = [p for p in (tmp / "airflow" / "logs").rglob("*") if p.is_file()] + [
        tmp / "standalone.log"
    ]
    assert len(logs) > 50
    text = "\n".join(p.read_text(errors="replace") for p in logs)
    assert "dsr.record" in text and "retention.sweep" in text
    forms = {
        person.email,
        person.email.upper(),
        person.phone,
        person.phone[4:],
        f"+371 {person.phone[4:]}",
        person.personas_kods,
        person.personas_kods.replace("-", ""),
        person.full_name,
        person.iban,
    }
    leaked = sorted(form for form in forms if form.lower() in text.lower())
    assert leaked == []
