"""include/pools.json: Airflow imports it, and every pool a DAG's task names is in it (a task
whose pool does not exist is never scheduled, and dag.test() would not show that)."""

from __future__ import annotations

import json

import pytest

from .compose_files import ROOT

pytestmark = pytest.mark.airflow
POOLS = ROOT / "include" / "pools.json"
DEFAULT_POOL = "default_pool"
SOURCE_TASKS = {"plan", "sweep", "gate", "verify"}


def _pools() -> dict[str, dict]:
    return json.loads(POOLS.read_text())


@pytest.fixture(scope="module")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    return bag


def test_airflow_imports_the_pools_file(airflow_db):
    """Through the same helper as `airflow pools import` (scripts/setup, airflow-init)."""
    from airflow.cli.commands.pool_command import pool_import_helper
    from airflow.models.pool import Pool

    created, failed = pool_import_helper(str(POOLS))
    assert failed == []
    assert {name for name, *_ in created} == set(_pools())  # (name, slots, description, team)
    for name, spec in _pools().items():
        assert spec["slots"] >= 1 and spec["description"], name
        assert Pool.get_pool(name).slots == spec["slots"]


def test_every_pool_a_task_names_is_in_the_pools_file(dagbag):
    named = {
        (dag_id, task.task_id): task.pool
        for dag_id, dag in dagbag.dags.items()
        for task in dag.tasks
    }
    unknown = {
        key: pool for key, pool in named.items() if pool not in set(_pools()) | {DEFAULT_POOL}
    }
    assert unknown == {}
    assert set(_pools()) <= set(named.values()), "a pool in the file that no task uses"


def test_retention_tasks_take_the_pool_of_the_system_their_rule_touches(dagbag):
    from governance.policy import load_policy

    policy = load_policy()
    checked = 0
    for purpose in policy.purposes.values():
        dag = dagbag.dags[f"retention__{purpose.id}"]
        for rule in purpose.retention:
            system = policy.locate(rule.entity).system
            for task in dag.tasks:
                group, _, name = task.task_id.partition(".")
                if group != rule.id:
                    continue
                expected = f"source_{system}" if name in SOURCE_TASKS else DEFAULT_POOL
                assert task.pool == expected, (dag.dag_id, task.task_id, task.pool)
                checked += name in SOURCE_TASKS
    assert checked >= 3 * len(policy.rules())


def test_dsr_locate_shares_one_pool_sized_for_one_full_fan_out(dagbag):
    from governance.dsr.searchable import searchable_systems
    from governance.policy import load_policy

    locate = dagbag.dags["dsr"].get_task("locate")
    assert locate.pool == "dsr_locate"
    assert _pools()["dsr_locate"]["slots"] == len(searchable_systems(load_policy()))
