"""End to end on a real ``airflow standalone`` (scheduler, dag-processor, api-server, triggerer,
LocalExecutor): every retention DAG and one data-subject request of each type run through the
REST API, the DPO answers the approvals through the HITL endpoint, and then every log file the
run wrote is searched for every spelling of the subject's identifiers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SEED, SUBJECTS = 31, 400
PASSWORDS = {"dpo": "dpo-test-pass", "engineer": "eng-test-pass", "auditor": "aud-test-pass"}

pytestmark = [pytest.mark.slow, pytest.mark.airflow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp: Path, port: int) -> dict[str, str]:
    from governance.estate import connection_env

    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(connection_env(tmp / "estate"))
    env.update(
        {
            "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
            "AIRFLOW_HOME": str(tmp / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "dpo:user,engineer:op,auditor:viewer",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp / "passwords.json"),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            "GOVERNANCE_POLICY": str(ROOT / "include" / "policy"),
            "GOVERNANCE_HOME": str(tmp / "home"),
            "GOVERNANCE_STORE_URL": f"sqlite:///{tmp / 'home' / 'governance.db'}",
            "GOVERNANCE_ESTATE": str(tmp / "estate"),
            "GOVERNANCE_REPORTS": str(tmp / "reports"),
            "GOVERNANCE_OUTBOX": str(tmp / "outbox"),
            "GOVERNANCE_SUBJECT_KEY": os.environ["GOVERNANCE_SUBJECT_KEY"],
            "GOVERNANCE_REQUEST_KEY": os.environ["GOVERNANCE_REQUEST_KEY"],
            "GOVERNANCE_ARCHIVE_KEY": "Tb0WwM8rTQhtw7n6zj2rQm4l4Qe8bUuzOe3tM6fYb3E=",
        }
    )
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("standalone")
    (tmp / "passwords.json").write_text(json.dumps(PASSWORDS))
    port = _free_port()
    env = _env(tmp, port)
    subprocess.run(
        [
            "governance",
            "demo-estate",
            "--subjects",
            str(SUBJECTS),
            "--seed",
            str(SEED),
            "--target",
            str(tmp / "estate"),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    with open(tmp / "standalone.log", "w") as log:
        process = subprocess.Popen(
            ["airflow", "standalone"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield from _serve(process, tmp, env, port)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _serve(process, tmp: Path, env: dict, port: int):
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v2/monitor/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert process.poll() is None, (tmp / "standalone.log").read_text()[-3000:]
        time.sleep(1)
    else:
        raise AssertionError("airflow standalone did not become healthy in 180 s")
    yield {"base": base, "tmp": tmp, "env": env}


def _token(base: str, user: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/auth/token", json={"username": user, "password": PASSWORDS[user]}, timeout=10
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _wait_for_dags(base: str, headers: dict, wanted: set[str]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        found = {
            d["dag_id"]
            for d in httpx.get(f"{base}/api/v2/dags?limit=100", headers=headers, timeout=10).json()[
                "dags"
            ]
        }
        if wanted <= found:
            return
        time.sleep(2)
    raise AssertionError(f"DAGs never appeared: {sorted(wanted - found)}")


def _trigger(base: str, headers: dict, dag_id: str, conf: dict) -> str:
    """Start a run; SQLite (the metadata DB of standalone) answers 500 'database is locked'
    now and then while the scheduler writes, so a refused trigger is tried again."""
    for _ in range(20):
        response = httpx.post(
            f"{base}/api/v2/dags/{dag_id}/dagRuns",
            headers=headers,
            json={"logical_date": None, "conf": conf},
            timeout=10,
        )
        if response.status_code != 500:
            break
        time.sleep(1)
    assert response.status_code == 200, response.text
    return response.json()["dag_run_id"]


def test_every_dag_and_request_type_under_the_scheduler_leaks_nothing(server):
    from governance.estate import subject

    base, tmp, env = server["base"], server["tmp"], server["env"]
    dpo = _token(base, "dpo")
    from governance.policy import load_policy

    retention_dags = {f"retention__{p.id}" for p in load_policy().purposes.values() if p.retention}
    _wait_for_dags(base, dpo, retention_dags | {"dsr", "governance_daily"})

    # The auditor may read but not start anything.
    auditor = _token(base, "auditor")
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
    for dag_id in sorted(retention_dags):
        runs[(dag_id, dag_id)] = _trigger(base, dpo, dag_id, {})
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
        runs[("dsr", request_type)] = _trigger(base, dpo, "dsr", {"request_id": request_id})

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
    assert answered >= 1

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
