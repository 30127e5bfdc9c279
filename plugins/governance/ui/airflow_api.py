"""Airflow's REST API, called as the logged-in user.

The page starts ``dsr`` runs by forwarding the caller's own token to
``POST /api/v2/dags/dsr/dagRuns``: Airflow itself then checks the caller may trigger the DAG, and
the run shows them as its trigger. The conf carries the request id only. The API's address is
``GOVERNANCE_AIRFLOW_API_URL`` when set (a proxy in front, a separate api-server), else the
address the caller reached this page on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from fastapi import Request

from governance import settings
from governance.ui.guard import own_origin

API_URL_ENV = "GOVERNANCE_AIRFLOW_API_URL"
#: SQLite (standalone's metadata DB) now and then answers 500 "database is locked".
RETRIES = 5


class AirflowApiError(Exception):
    """Airflow refused or failed; ``status`` is its HTTP status (0 when unreachable)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class RunState:
    run_id: str
    state: str
    waiting_for_approval: bool


def api_base(request: Request) -> str:
    configured = settings.airflow_api_url()
    if configured:
        return configured.rstrip("/")
    root = request.scope.get("root_path", "")
    # The plugin app is mounted at /privacy under the API server's own root path.
    prefix = root[: -len("/privacy")] if root.endswith("/privacy") else ""
    return own_origin(request) + prefix


def _call(method: str, url: str, token: str | None, **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response: httpx.Response | None = None
    for attempt in range(RETRIES):
        try:
            response = httpx.request(method, url, headers=headers, timeout=15, **kwargs)
        except httpx.HTTPError as exc:
            raise AirflowApiError(
                0, f"Airflow's API is unreachable ({type(exc).__name__})"
            ) from None
        if response.status_code != 500:
            break
        time.sleep(0.5 * (attempt + 1))
    assert response is not None
    return response


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return str(detail) if isinstance(detail, str) else f"HTTP {response.status_code}"


def start_run(base: str, token: str | None, dag_id: str, request_id: str) -> str:
    """Trigger ``dag_id`` with ``{"request_id": ...}`` as the caller; returns the run id."""
    response = _call(
        "POST",
        f"{base}/api/v2/dags/{dag_id}/dagRuns",
        token,
        json={"logical_date": None, "conf": {"request_id": request_id}},
    )
    if response.status_code not in (200, 201):
        raise AirflowApiError(response.status_code, _detail(response))
    return str(response.json()["dag_run_id"])


def run_state(base: str, token: str | None, dag_id: str, run_id: str) -> RunState | None:
    """The run's state and whether its approval task waits for the DPO (None if unknown)."""
    try:
        response = _call("GET", f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}", token)
        if response.status_code != 200:
            return None
        state = str(response.json().get("state"))
        waiting = False
        if state == "running":
            url = f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/approve"
            ti = _call("GET", url, token)
            waiting = ti.status_code == 200 and ti.json().get("state") == "awaiting_input"
    except AirflowApiError:
        return None
    return RunState(run_id=run_id, state=state, waiting_for_approval=waiting)


def dag_paused(base: str, token: str | None, dag_id: str) -> bool | None:
    """Whether the DAG is paused (a run of a paused DAG waits); None if Airflow can't say."""
    try:
        response = _call("GET", f"{base}/api/v2/dags/{dag_id}", token)
    except AirflowApiError:
        return None
    if response.status_code != 200:
        return None
    return bool(response.json().get("is_paused"))
