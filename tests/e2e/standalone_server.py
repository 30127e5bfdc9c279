"""A real ``airflow standalone`` for the end-to-end tests: started once per test session on a
free loopback port with its own Airflow home, governance store, outbox and a small demo estate,
and stopped (its whole process group) at the end. Helpers speak Airflow's REST API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SEED, SUBJECTS = 31, 400
POOLS = ROOT / "include" / "pools.json"
PASSWORDS = {"dpo": "dpo-test-pass", "engineer": "eng-test-pass", "auditor": "aud-test-pass"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(
    tmp: Path, port: int, metadata: str | None = None, store: str | None = None
) -> dict[str, str]:
    """The standalone's environment; ``metadata`` and ``store`` are database URLs (PostgreSQL
    pass) in place of SQLite files in ``tmp``."""
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
            "GOVERNANCE_STORE_URL": store or f"sqlite:///{tmp / 'home' / 'governance.db'}",
            "GOVERNANCE_ESTATE": str(tmp / "estate"),
            "GOVERNANCE_REPORTS": str(tmp / "reports"),
            "GOVERNANCE_OUTBOX": str(tmp / "outbox"),
            "GOVERNANCE_SUBJECT_KEY": os.environ["GOVERNANCE_SUBJECT_KEY"],
            "GOVERNANCE_REQUEST_KEY": os.environ["GOVERNANCE_REQUEST_KEY"],
            "GOVERNANCE_ARCHIVE_KEY": "Tb0WwM8rTQhtw7n6zj2rQm4l4Qe8bUuzOe3tM6fYb3E=",
        }
    )
    if metadata:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata
    return env


def start_server(tmp: Path, metadata: str | None = None, store: str | None = None):
    """Yield the running server's base URL, folder and environment; stop it afterwards."""
    (tmp / "passwords.json").write_text(json.dumps(PASSWORDS))
    port = free_port()
    env = environment(tmp, port, metadata, store)
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
    # The pools the DAGs' tasks name, created as scripts/setup does (a task in a missing pool
    # is never scheduled): migrate first, then import include/pools.json.
    for command in (["airflow", "db", "migrate"], ["airflow", "pools", "import", str(POOLS)]):
        subprocess.run(command, env=env, check=True, capture_output=True)
    with open(tmp / "standalone.log", "w") as log:
        process = subprocess.Popen(
            ["airflow", "standalone"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield from serve(process, tmp, env, port)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def serve(process, tmp: Path, env: dict, port: int):
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


def token(base: str, user: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/auth/token", json={"username": user, "password": PASSWORDS[user]}, timeout=10
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def wait_for_dags(base: str, headers: dict, wanted: set[str]) -> None:
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


def trigger(base: str, headers: dict, dag_id: str, conf: dict) -> str:
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
