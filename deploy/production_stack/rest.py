"""Airflow's REST API and the Privacy page's JSON API of a running stack, as the DPO and the
engineer use them (tests/production, bench/bulk.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx


class Rest:
    def __init__(self, base: str, passwords: dict[str, str]) -> None:
        self.base = base
        self.passwords = passwords
        self._tokens: dict[str, dict[str, str]] = {}

    def headers(self, user: str) -> dict[str, str]:
        if user not in self._tokens:
            response = httpx.post(
                f"{self.base}/auth/token",
                json={"username": user, "password": self.passwords[user]},
                timeout=30,
            )
            response.raise_for_status()
            self._tokens[user] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return self._tokens[user]

    def call(self, method: str, path: str, user: str = "dpo", **kwargs: Any) -> httpx.Response:
        """One call; a connection error or a 5xx is tried again (the API server under load)."""
        for attempt in range(10):
            try:
                response = httpx.request(
                    method, f"{self.base}{path}", headers=self.headers(user), timeout=30, **kwargs
                )
            except httpx.TransportError:
                if attempt == 9:
                    raise
                time.sleep(2)
                continue
            if response.status_code < 500:
                return response
            time.sleep(2)
        return response

    def json(self, method: str, path: str, user: str = "dpo", **kwargs: Any) -> Any:
        response = self.call(method, path, user, **kwargs)
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json()

    # -- DAGs and runs ---------------------------------------------------------------------------

    def dag_ids(self) -> set[str]:
        return {d["dag_id"] for d in self.json("GET", "/api/v2/dags?limit=200")["dags"]}

    def wait_for_dags(self, wanted: set[str], timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wanted <= self.dag_ids():
                return
            time.sleep(3)
        raise AssertionError(f"DAGs never parsed: {sorted(wanted - self.dag_ids())}")

    def unpause(self, dag_id: str) -> None:
        """What the engineer does once the policy is reviewed (new DAGs start paused)."""
        self.json("PATCH", f"/api/v2/dags/{dag_id}", user="engineer", json={"is_paused": False})

    def trigger(self, dag_id: str, conf: dict | None = None, user: str = "engineer") -> str:
        body = {"logical_date": None, "conf": conf or {}}
        return self.json("POST", f"/api/v2/dags/{dag_id}/dagRuns", user=user, json=body)[
            "dag_run_id"
        ]

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.json("GET", f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id)}")

    def runs(self, dag_id: str) -> list[dict]:
        return self.json("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id)}/taskInstances?limit=500"
        return self.json("GET", path)["task_instances"]

    def task_instance(self, dag_id: str, run_id: str, task_id: str) -> dict | None:
        response = self.call(
            "GET", f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id)}/taskInstances/{task_id}"
        )
        return response.json() if response.status_code == 200 else None

    def tries(self, dag_id: str, run_id: str, task_id: str) -> list[dict]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id)}/taskInstances/{task_id}/tries"
        return self.json("GET", path)["task_instances"]

    def answer(self, dag_id: str, run_id: str, task_id: str, option: str) -> bool:
        """The DPO's answer to a Required action; False when it was not taken (ask again)."""
        path = (
            f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id)}/taskInstances/{task_id}/-1/hitlDetails"
        )
        response = self.call("PATCH", path, json={"chosen_options": [option], "params_input": {}})
        return response.status_code == 200

    def wait_runs(
        self,
        runs: dict[str, str],
        timeout: float,
        on_waiting: Callable[[str, str], None] | None = None,
    ) -> dict[tuple[str, str], str]:
        """Wait until every ``{run_id: dag_id}`` has ended; ``on_waiting(dag_id, run_id)`` is
        called for runs still going (to answer approvals). Returns their end states."""
        states: dict[tuple[str, str], str] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(states) < len(runs):
            for run_id, dag_id in runs.items():
                if (dag_id, run_id) in states:
                    continue
                state = self.run(dag_id, run_id)["state"]
                if state in ("success", "failed"):
                    states[(dag_id, run_id)] = state
                elif on_waiting is not None:
                    on_waiting(dag_id, run_id)
            time.sleep(3)
        missing = {(d, r) for r, d in runs.items()} - set(states)
        assert not missing, f"still running after {timeout:.0f} s: {sorted(missing)}"
        return states


class Approver:
    """The DPO answering ``approve`` of ``dsr`` runs, some seconds after the question (an
    answer within a second or two can race the executor on Airflow 3.3.2: README)."""

    def __init__(self, rest: Rest, option: str = "Approve", after: float = 8) -> None:
        self.rest = rest
        self.option = option
        self.after = after
        self.asked: dict[str, float] = {}
        self.answered: set[str] = set()
        self.only: set[str] | None = None  # run ids to answer; None: every run

    def __call__(self, dag_id: str, run_id: str) -> None:
        if dag_id != "dsr" or (self.only is not None and run_id not in self.only):
            return
        ti = self.rest.task_instance(dag_id, run_id, "approve")
        if not ti or ti.get("state") != "awaiting_input":
            return
        question = f"{run_id}#{ti.get('try_number')}"
        since = self.asked.setdefault(question, time.monotonic())
        ready = question not in self.answered and time.monotonic() - since >= self.after
        if ready and self.rest.answer(dag_id, run_id, "approve", self.option):
            self.answered.add(question)
