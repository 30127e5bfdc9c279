"""Airflow's real API server app (auth manager, REST API and the Privacy plugin mounted at
/privacy), served by uvicorn on a loopback port in a thread, so the page can start ``dsr`` runs
through Airflow's REST API exactly as in production. The ``dsr`` DAG is parsed and written to
the metadata DB; no scheduler runs, so a started run stays queued."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {"dpo": "dpo-pass-1", "engineer": "eng-pass-1", "auditor": "aud-pass-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def api(airflow_db, tmp_path_factory):
    """Base URL of a running API server with the Privacy plugin."""
    import uvicorn

    tmp = tmp_path_factory.mktemp("ui")
    (tmp / "passwords.json").write_text(json.dumps(PASSWORDS))
    os.environ["AIRFLOW__CORE__AUTH_MANAGER"] = (
        "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
    )
    os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = "dpo:user,engineer:op,auditor:viewer"
    os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"] = str(tmp / "passwords.json")

    from airflow.api_fastapi.app import create_app
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    bag = DagBag(dag_folder=str(ROOT / "dags" / "dsr.py"))
    assert "dsr" in bag.dags, bag.import_errors
    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(bag, "dags-folder", None)

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app("all"), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def token(api: str, user: str) -> str:
    response = httpx.post(
        f"{api}/auth/token", json={"username": user, "password": PASSWORDS[user]}, timeout=10
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.fixture(scope="session")
def tokens(api) -> dict[str, str]:
    return {user: token(api, user) for user in PASSWORDS}
