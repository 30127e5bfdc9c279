"""docker-compose.yml's CeleryExecutor stack, run for real: Redis, PostgreSQL, airflow-init, the
API server, scheduler, DAG processor, triggerer and two Celery workers, as processes with the
compose file's configuration (deploy/production_stack), and the product's work done on it.

1. Registration to answer: an access request and an erasure registered through the Privacy
   page's JSON API, approved by the DPO, answered with a package and a letter; every retention
   DAG swept once; the anonymisation checks triggered by the sweep they follow.
2. A worker dies (every process of it killed at once, as when its container or machine goes)
   while it holds a retention sweep and an erasure half done: Airflow notices the silent
   heartbeats, retries both on the other worker, and the end state, the ledger and the answers
   are exactly those of an uninterrupted run: nothing lost, nothing done twice.

Every figure is checked against the databases and folders themselves (``truth.py``), not
against what the product says it did.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from production_stack.rest import Approver, Rest
from production_stack.stack import WORKER
from stack_settings import BATCH, DOTENV
from truth import Truth

pytestmark = [pytest.mark.slow]

SEED = int(DOTENV["DEMO_SEED"])
FIRST_PERSON, SECOND_PERSON = 7, 3  # subjects of the demo estate (seed 42) with erasable records
KILLED_SWEEP = ("video_surveillance", "recordings_30_days", "cctv", "recordings")
WORKER_1, WORKER_2 = f"{WORKER}-1", f"{WORKER}-2"


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rest(stack) -> Rest:
    return Rest(stack.api_url, stack.passwords())


@pytest.fixture(scope="module")
def truth(stack):
    truth = Truth(stack.cli_environment())
    yield truth
    truth.dispose()


@pytest.fixture(scope="module")
def policy():
    from governance.policy import load_policy

    return load_policy()


def identifiers(index: int) -> dict[str, str]:
    from governance.estate import subject

    person = subject(SEED, index)
    return {
        "email": person.email,
        "phone": person.phone,
        "personas_kods": person.personas_kods,
        "name": person.full_name,
    }


def register_on_the_page(rest: Rest, request_type: str, index: int) -> tuple[str, str]:
    """The Privacy page's JSON API (a script with the DPO's token): stored, then started."""
    body = {
        "type": request_type,
        "received": date.today().isoformat(),
        "verified_by": "in_person_id_document",
        "reference": "ID card checked at the front desk",
        "identifiers": identifiers(index),
    }
    created = rest.json("POST", "/privacy/api/requests", json=body)
    assert created["status"] == "verified" and created["run_id"], created
    return created["request_id"], created["run_id"]


def register_on_the_command_line(
    stack, rest: Rest, request_type: str, index: int
) -> tuple[str, str]:
    """``governance dsr register`` (identifiers on stdin), started from the Privacy page."""
    done = stack.run(
        [
            "governance", "dsr", "register", "--type", request_type,
            "--received", date.today().isoformat(),
            "--verified-by", "in_person_id_document", "--reference", "passport checked",
        ],
        input=json.dumps(identifiers(index)),
    )  # fmt: skip
    request_id = done.stdout.strip()
    started = rest.json("POST", f"/privacy/api/requests/{request_id}/run", json={})
    assert started["run_id"], started
    return request_id, started["run_id"]


def wait_for(what: str, check, timeout: float = 300, every: float = 2, diagnose=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(
        f"{what}: not within {timeout:.0f} s" + (f": {diagnose()}" if diagnose else "")
    )


def planned(rest: Rest, run_id: str) -> bool:
    ti = rest.task_instance("dsr", run_id, "plan")
    assert not ti or ti["state"] != "failed", f"dsr {run_id}: plan failed"
    return bool(ti) and ti["state"] == "success"


def rows_by_key(truth: Truth, policy, entity: str, keys: list[str]) -> dict[str, dict]:
    model = policy.entity(entity)
    system = entity.split(".")[0]
    found = truth.rows(
        truth.estate[system],
        f'SELECT * FROM "{model.table}" WHERE CAST("{model.primary_key}" AS TEXT) = ANY(:keys)',
        keys=list(keys),
    )
    return {str(row[model.primary_key]): row for row in found}


def files_of(truth: Truth, policy, entity: str, rows: dict[str, dict]) -> set[Path]:
    """The files ``rows`` point at that exist (the file columns of the data map)."""
    system = entity.split(".")[0]
    source = policy.sources[system]
    root = truth.files / (source.files_root or system)
    columns = [c for c, col in policy.entity(entity).columns.items() if col.file]
    return {
        root / row[c]
        for row in rows.values()
        for c in columns
        if row.get(c) and (root / row[c]).exists()
    }


def ran_on(rest: Rest, dag_id: str, run_id: str) -> set[str]:
    return {ti["hostname"] for ti in rest.task_instances(dag_id, run_id) if ti["hostname"]}


# -- 0. the stack is the compose file's ----------------------------------------------------------


def test_the_stack_runs_the_compose_services_with_their_health_checks(stack, truth):
    expected = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                "airflow-triggerer", WORKER_1, WORKER_2}  # fmt: skip
    assert set(stack.processes) == expected
    unhealthy = [name for name in sorted(expected) if not stack.healthy(name)]
    assert unhealthy == [], stack.describe()
    for name, process in stack.processes.items():
        assert process.env == stack.environment(name), name


# -- 1. from registration to answer, every sweep, the anonymisation checks ------------------------


def test_requests_sweeps_and_anonymisation_checks_on_the_celery_workers(stack, rest, truth, policy):
    retention = {f"retention__{p.id}" for p in policy.purposes.values() if p.retention}
    rest.wait_for_dags(retention | {"dsr", "anonymisation_quality"})
    access_id, access_run = register_on_the_page(rest, "access", FIRST_PERSON)
    erasure_id, erasure_run = register_on_the_page(rest, "erasure", FIRST_PERSON)
    runs = {access_run: "dsr", erasure_run: "dsr"}
    # Sweeps start once the requests have their plans (a sweep first could remove the
    # person's expired records, leaving nothing to answer for).
    wait_for("both requests planned", lambda: all(planned(rest, r) for r in runs), 300)
    to_erase = [r for r in truth.request_records(erasure_id) if r["decision"] == "erase"]
    assert to_erase, "the first person has records to erase"

    rest.unpause("anonymisation_quality")  # follows the communication sweep (Asset schedule)
    swept_now = sorted(retention - {f"retention__{KILLED_SWEEP[0]}"})  # that one: test 2
    for dag_id in swept_now:
        rest.unpause(dag_id)
        runs[rest.trigger(dag_id)] = dag_id
    approver = Approver(rest)
    states = rest.wait_runs(runs, timeout=900, on_waiting=approver)
    assert set(states.values()) == {"success"}, states
    assert {run_id for run_id, _ in (q.split("#") for q in approver.answered)} >= {erasure_run}

    # The anonymisation checks: the run the communication sweep's Asset started, green.
    def followed():
        return [r for r in rest.runs("anonymisation_quality") if r["run_type"] == "asset_triggered"]

    (checks,) = wait_for("anonymisation_quality after the sweep", followed, 300)
    (state,) = rest.wait_runs({checks["dag_run_id"]: "anonymisation_quality"}, 300).values()
    assert state == "success"
    anonymising = [(p.id, r.id) for p, r in policy.rules() if r.action == "anonymise"]
    gates = [
        e for e in truth.ledger("anonymisation_gate")
        if e["detail"]["run_id"] == checks["dag_run_id"]
    ]  # fmt: skip
    assert sorted((g["purpose"], g["rule"]) for g in gates) == sorted(anonymising)
    assert all(g["detail"]["compliant"] for g in gates)

    # Every sweep recorded once per rule of its run.
    for run_id, dag_id in runs.items():
        if dag_id == "dsr":
            continue
        purpose = dag_id.removeprefix("retention__")
        recorded = [
            e["rule"] for e in truth.ledger("retention_sweep", purpose=purpose)
            if e["detail"]["run_id"] == run_id
        ]  # fmt: skip
        assert sorted(recorded) == sorted(r.id for r in policy.purpose(purpose).retention), dag_id

    # The access request: the package, opened with the passphrase the page gives once.
    from governance.dsr.package import open_package, verify_package

    passphrase = rest.json("POST", f"/privacy/api/requests/{access_id}/passphrase", json={})[
        "passphrase"
    ]
    again = rest.call("POST", f"/privacy/api/requests/{access_id}/passphrase", json={})
    assert again.status_code >= 400, "the passphrase is shown once"
    package = rest.call("GET", f"/privacy/requests/{access_id}/package")
    assert package.status_code == 200
    zipped = stack.folder / "package.zip"
    zipped.write_bytes(package.content)
    members = open_package(zipped, passphrase)
    assert verify_package(members) == []
    manifest = json.loads(members["manifest.json"])
    assert manifest["complete"] is True and manifest["records_included"] > 0
    from governance.dsr.tasks import searchable_systems

    searched = {s["system"] for s in manifest["sources"] if s["status"] == "searched"}
    assert searched == set(searchable_systems(policy))

    # The erasure: gone from the sources (looked up directly), answered in both languages.
    by_entity: dict[str, list[str]] = {}
    for record in to_erase:
        by_entity.setdefault(record["entity"], []).append(record["record_key"])
    for entity, keys in by_entity.items():
        assert rows_by_key(truth, policy, entity, keys) == {}, entity
    for lang in ("lv", "en"):
        assert (truth.outbox / erasure_id / f"response.{lang}.html").is_file()
    for request_id in (access_id, erasure_id):
        assert truth.request(request_id)["status"] == "completed"
        assert len(truth.ledger("dsr_carried_out", request_id=request_id)) == 1
    # The work was spread over both Celery workers (their host names, as Airflow recorded them),
    # and Celery recorded each task's result where the compose file says (the metadata DB).
    hosts = set().union(*(ran_on(rest, dag_id, run_id) for run_id, dag_id in runs.items()))
    assert hosts == {WORKER_1, WORKER_2}
    tasks_run = sum(
        1 for run_id, dag_id in runs.items() for ti in rest.task_instances(dag_id, run_id)
        if ti["state"] == "success" and ti["operator"] not in ("EmptyOperator",)
    )  # fmt: skip
    results = truth.scalar(
        truth.metadata, "SELECT count(*) FROM celery_taskmeta WHERE status = 'SUCCESS'"
    )
    assert results >= tasks_run > 0


# -- 2. a worker dies with a sweep and an erasure half done ---------------------------------------


class Locks:
    """Row locks the test holds (``SELECT … FOR UPDATE`` in an open transaction), so that a
    task reaches them, having committed what came before, and waits there."""

    def __init__(self) -> None:
        self.held: list[tuple[sa.Connection, sa.Transaction]] = []

    def lock(self, engine: sa.Engine, table: str, key: str, keys: list) -> int:
        conn = engine.connect()
        transaction = conn.begin()
        locked = conn.execute(
            sa.text(f'SELECT 1 FROM "{table}" WHERE "{key}" = ANY(:keys) FOR UPDATE'),
            {"keys": keys},
        ).all()
        self.held.append((conn, transaction))
        return len(locked)

    def release(self) -> None:
        for conn, transaction in self.held:
            transaction.rollback()
            conn.close()
        self.held.clear()


def test_a_worker_killed_mid_sweep_and_mid_erasure_loses_and_repeats_nothing(
    stack, rest, truth, policy
):
    purpose, rule, system, table = KILLED_SWEEP
    dag_id = f"retention__{purpose}"
    rest.wait_for_dags({dag_id, "dsr"})
    cctv = truth.estate[system]
    period = timedelta(days=30)
    assert policy.purpose(purpose).retention[0].period == "P30D"

    # The second person's erasure: registered on the command line, planned, not yet approved.
    erasure_id, erasure_run = register_on_the_command_line(stack, rest, "erasure", SECOND_PERSON)
    wait_for("the erasure planned", lambda: planned(rest, erasure_run), 300)
    to_erase = [r for r in truth.request_records(erasure_id) if r["decision"] == "erase"]
    systems = sorted({r["system"] for r in to_erase})
    assert len(systems) >= 2, f"the second person's erasure should touch two systems: {systems}"
    last = systems[-1]  # carry_out goes system by system in this order, one transaction each
    erase_rows = {
        entity: rows_by_key(truth, policy, entity, [r["record_key"] for r in to_erase if r["entity"] == entity])
        for entity in {r["entity"] for r in to_erase}
    }  # fmt: skip
    erase_files = set().union(*(files_of(truth, policy, e, rows) for e, rows in erase_rows.items()))
    to_erase_count = sum(len(rows) for rows in erase_rows.values())

    # The sweep's table before: what is due now, oldest first (the rule's order).
    now = datetime.now(UTC)
    recordings = truth.rows(
        cctv, f'SELECT id, recorded_at, file_path FROM "{table}" ORDER BY recorded_at, id'
    )
    due = [r for r in recordings if r["recorded_at"].replace(tzinfo=UTC) + period < now]
    assert len(due) > 6 * BATCH, "enough due recordings for several transactions"

    # Worker 2 stops (warm shutdown) so that worker 1 takes both tasks; it is back before the kill.
    stack.processes[WORKER_2].stop(timeout=120)
    locks = Locks()
    try:
        # The sweep commits three batches and then waits; the erasure finishes its first
        # system(s) and then waits on the last one.
        held = locks.lock(cctv, table, "id", [r["id"] for r in due[3 * BATCH :]])
        assert held == len(due) - 3 * BATCH
        for entity, rows in erase_rows.items():
            if entity.startswith(last + "."):
                model = policy.entity(entity)
                keys = [row[model.primary_key] for row in rows.values()]
                assert locks.lock(truth.estate[last], model.table, model.primary_key, keys) == len(
                    keys
                )
        # Unpaused, the hourly DAG may start a scheduled run of its own besides the one
        # triggered here (max_active_runs=1: one after the other); the test follows whichever
        # is sweeping, and checks every run.
        rest.unpause(dag_id)
        rest.trigger(dag_id)
        approver = Approver(rest)
        approver.only = {erasure_run}
        seen: dict = {}

        def both_waiting():
            approver("dsr", erasure_run)
            sweeping = [
                ti for run in rest.runs(dag_id)
                if (ti := rest.task_instance(dag_id, run["dag_run_id"], f"{rule}.sweep"))
                and ti["state"] == "running"
            ]  # fmt: skip
            sweep = sweeping[0] if sweeping else {}
            carry = rest.task_instance("dsr", erasure_run, "carry_out") or {}
            done = [
                r for r in truth.request_records(erasure_id) if r["decision"] == "erase" and r["done_at"]
            ]  # fmt: skip
            seen.update(
                sweep=(sweep.get("state"), sweep.get("hostname")),
                carry_out=(carry.get("state"), carry.get("hostname")),
                swept=len(recordings) - truth.scalar(cctv, f'SELECT count(*) FROM "{table}"'),
                done_in={r["system"] for r in done},
                waiting_in_sweep=truth.waiting_on_a_lock(database(stack, system)),
                waiting_in_erasure=truth.waiting_on_a_lock(database(stack, last)),
            )
            return (
                seen["sweep"][0] == seen["carry_out"][0] == "running"
                and 0 < seen["swept"] <= 3 * BATCH
                and seen["done_in"] == set(systems[:-1])
                and seen["waiting_in_sweep"]
                and seen["waiting_in_erasure"]
                and (sweep, carry)
            )

        sweep_ti, carry_ti = wait_for(
            "the sweep and the erasure half done", both_waiting, 300, diagnose=lambda: seen
        )
        assert sweep_ti["hostname"] == carry_ti["hostname"] == WORKER_1
        sweep_run = sweep_ti["dag_run_id"]
        stack.start_instance(WORKER_2)
        stack.wait_healthy(WORKER_2, 120)
        killed_at = time.monotonic()
        stack.kill(WORKER_1)
    finally:
        locks.release()

    every_run = {run["dag_run_id"]: dag_id for run in rest.runs(dag_id)}
    states = rest.wait_runs({**every_run, erasure_run: "dsr"}, timeout=600)
    recovered_in = time.monotonic() - killed_at
    assert set(states.values()) == {"success"}, states
    print(f"\nrecovered {recovered_in:.0f} s after the kill")

    # Each task: one try killed on worker 1 (noticed by its missing heartbeats), one on worker 2.
    for dag, run_id, task_id in (
        (dag_id, sweep_run, f"{rule}.sweep"),
        ("dsr", erasure_run, "carry_out"),
    ):
        tries = rest.tries(dag, run_id, task_id)
        assert [(t["try_number"], t["hostname"], t["state"]) for t in tries] == [
            (1, WORKER_1, "failed"),
            (2, WORKER_2, "success"),
        ], (task_id, tries)

    # The sweep: every due recording gone with its file, nothing else; one ledger entry that
    # counts all of them (those of the killed try too).
    run = rest.run(dag_id, sweep_run)
    moment = datetime.fromisoformat(run["run_after"].replace("Z", "+00:00"))
    due_at_run = [r for r in recordings if r["recorded_at"].replace(tzinfo=UTC) + period < moment]
    left = {r["id"] for r in truth.rows(cctv, f'SELECT id FROM "{table}"')}
    assert left == {r["id"] for r in recordings} - {r["id"] for r in due_at_run}
    root = truth.files / system
    files_before = {r["id"] for r in due_at_run if r["file_path"]}
    assert not any((root / r["file_path"]).exists() for r in due_at_run if r["file_path"])
    entries = [
        e
        for e in truth.ledger("retention_sweep", purpose=purpose, rule=rule)
        if e["detail"]["run_id"] == sweep_run
    ]
    assert len(entries) == 1, "one ledger entry for the rule's run"
    counts = entries[0]["counts"]
    assert counts["deleted"] == len(due_at_run), counts
    assert counts["due_gone_unrecorded"] == counts["remaining_due_unheld"] == 0, counts
    # Every file of a due row counted once: removed by a try, or found already gone by the
    # retry when the killed try had removed its batch's files before its delete could commit
    # (files go first; whether the kill fell there depends on timing, tests/retention forces it).
    assert counts["files_removed"] + counts["files_already_gone"] == len(files_before), counts
    assert counts["files_already_gone"] <= 2 * BATCH, counts
    assert entries[0]["detail"]["tries_with_batches"] == 2

    # The erasure: every record gone, every file gone, carried out and answered once.
    for entity, rows in erase_rows.items():
        assert rows_by_key(truth, policy, entity, list(rows)) == {}, entity
    assert not any(path.exists() for path in erase_files)
    records = truth.request_records(erasure_id)
    assert all(r["done_at"] for r in records if r["decision"] == "erase")
    (carried,) = truth.ledger("dsr_carried_out", request_id=erasure_id)
    assert carried["counts"]["erased"] == to_erase_count, carried["counts"]
    files = carried["counts"]["files_removed"] + carried["counts"]["files_already_gone"]
    assert files == len(erase_files), carried["counts"]
    journal = truth.ledger("dsr_system_carried_out", request_id=erasure_id)
    assert sorted(e["detail"]["system"] for e in journal) == systems, "each system once"
    request = truth.request(erasure_id)
    assert request["status"] == "completed"
    outcome = (
        request["outcome"]
        if isinstance(request["outcome"], dict)
        else json.loads(request["outcome"])
    )
    assert outcome["counts"]["erased"] == to_erase_count
    for lang in ("lv", "en"):
        assert (truth.outbox / erasure_id / f"response.{lang}.html").is_file()
    for task_id in ("verify", "respond", "record"):
        assert [t["state"] for t in rest.tries("dsr", erasure_run, task_id)] == ["success"], task_id

    # Redis hands the killed worker's messages out again after the visibility timeout: that
    # redelivery must not run anything a second time.
    time.sleep(max(0, 75 - (time.monotonic() - killed_at)))
    for dag, run_id, task_id in (
        (dag_id, sweep_run, f"{rule}.sweep"),
        ("dsr", erasure_run, "carry_out"),
    ):
        assert len(rest.tries(dag, run_id, task_id)) == 2, task_id
    assert (
        len(
            [
                e
                for e in truth.ledger("retention_sweep", purpose=purpose, rule=rule)
                if e["detail"]["run_id"] == sweep_run
            ]
        )
        == 1
    )
    assert len(truth.ledger("dsr_carried_out", request_id=erasure_id)) == 1

    # Compose restarts a dead container (restart: always): worker 1 comes back healthy.
    stack.start_instance(WORKER_1)
    stack.wait_healthy(WORKER_1, 120)


def database(stack, system: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(stack.cli_environment()[f"AIRFLOW_CONN_ESTATE_{system.upper()}"]).path.lstrip(
        "/"
    )
