"""The kind of an engine error decides what Airflow does (``airflow_glue.call_engine``): a
terminal error fails the task at once, a transient one is retried, a wait reschedules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.airflow
LOCAL_BUNDLE = "airflow.dag_processing.bundles.local.LocalDagBundle"

#: One DAG per kind; each task fails or waits on its first tries (counted in a file, since the
#: count must outlive a try) and then succeeds. dag.test() runs only DAGs read from a file.
KINDS_DAG = '''
import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import DAG, task

from governance.airflow_glue import DEFAULT_ARGS, call_engine
from governance.errors import ConfigurationError, WaitingError
from governance.sources import SourceUnavailable


def _count(name):
    path = Path(os.environ["ERROR_KINDS_DIR"]) / name
    count = int(path.read_text()) if path.exists() else 0
    path.write_text(str(count + 1))
    return count


def source_down_once():
    if _count("transient") == 0:
        raise SourceUnavailable("source 'helpdesk' failed while locating (OperationalError)")
    return "found"


def misconfigured():
    _count("terminal")
    raise ConfigurationError("no archive key", field="GOVERNANCE_ARCHIVE_KEY")


def processor_still_erasing():
    if _count("waiting") < 2:
        raise WaitingError("the processor has not confirmed the erasure yet")
    return "confirmed"


for name, body, args in (
    ("transient", source_down_once, {"retry_delay": timedelta(0)}),
    ("terminal", misconfigured, {"retry_delay": timedelta(0)}),
    ("waiting", processor_still_erasing, {"retries": 0}),
):
    with DAG(
        dag_id=f"error_kinds_{name}",
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        default_args=DEFAULT_ARGS,
    ) as dag:
        task(task_id="work", **args)(lambda body=body: call_engine(body))()
    globals()[dag.dag_id] = dag
'''


def _instances(run) -> dict:
    return {ti.task_id: ti for ti in run.get_task_instances()}


@pytest.fixture
def kinds(airflow_db, tmp_path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "error_kinds.py").write_text(KINDS_DAG)
    monkeypatch.setenv("ERROR_KINDS_DIR", str(tmp_path))
    # dag.test() runs a DAG only after syncing it from a configured DAG bundle: add one.
    bundles = [
        {"name": "dags-folder", "classpath": LOCAL_BUNDLE, "kwargs": {}},
        {"name": "error-kinds", "classpath": LOCAL_BUNDLE, "kwargs": {"path": str(dags)}},
    ]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    bag = DagBag(dag_folder=str(dags))
    assert bag.import_errors == {}
    return lambda name: (bag.dags[f"error_kinds_{name}"], tmp_path / name)


def test_a_missing_archive_key_fails_the_sweep_at_once_without_retry(
    airflow_db, retention_estate, monkeypatch
):
    from airflow.dag_processing.dagbag import DagBag

    from governance.airflow_glue import DEFAULT_ARGS
    from governance.retention.tasks import plan

    retention_estate(300, 11)
    # Event photos are due for archiving on this estate, so the sweep must open the archive.
    assert plan("event_publicity", "photos_after_publication", datetime.now(UTC))["actionable"] > 0
    monkeypatch.delenv("GOVERNANCE_ARCHIVE_KEY")
    monkeypatch.delenv("AIRFLOW_CONN_GOVERNANCE_ARCHIVE_KEY", raising=False)
    bag = DagBag(dag_folder=str(Path(__file__).resolve().parents[2] / "dags" / "retention.py"))
    dag = bag.dags["retention__event_publicity"]
    run = dag.test()
    sweep = _instances(run)["photos_after_publication.sweep"]
    assert DEFAULT_ARGS["retries"] > 0 and sweep.max_tries == DEFAULT_ARGS["retries"]
    # The DAG would retry a transient error, but a missing key is terminal: one try, failed.
    assert sweep.state == "failed" and sweep.try_number == 1
    assert run.state == "failed"




def test_a_source_that_is_down_is_retried_and_then_succeeds(kinds):
    dag, calls = kinds("transient")
    run = dag.test()
    ti = _instances(run)["work"]
    assert run.state == "success" and ti.state == "success"
    assert ti.try_number == 2 and calls.read_text() == "2"


def test_a_terminal_error_is_not_retried(kinds):
    dag, calls = kinds("terminal")
    run = dag.test()
    ti = _instances(run)["work"]
    assert ti.max_tries > 0  # retries were configured, and not used
    assert ti.state == "failed" and ti.try_number == 1 and calls.read_text() == "1"


def test_a_wait_on_an_external_party_reschedules_without_using_a_retry(kinds, monkeypatch):
    from governance import airflow_glue

    monkeypatch.setattr(airflow_glue, "WAIT_INTERVAL", timedelta(0))
    dag, calls = kinds("waiting")
    run = dag.test()
    ti = _instances(run)["work"]
    # With retries=0 a failure would end the run; two waits and the third check succeeds.
    assert run.state == "success" and ti.state == "success"
    assert calls.read_text() == "3" and ti.try_number == 1
