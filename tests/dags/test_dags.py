"""The DAG files: they import cleanly and fast, they are shaped as documented, and they run."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import ROOT

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    policy_purposes = {f"retention__{p}" for p in json.loads(json.dumps(_purposes_with_rules()))}
    assert policy_purposes <= set(dagbag.dags)
    assert "governance_daily" in dagbag.dags


def _purposes_with_rules() -> list[str]:
    from governance.policy import load_policy

    return [p.id for p in load_policy().purposes.values() if p.retention]


def test_governance_daily_shape(dagbag):
    dag = dagbag.dags["governance_daily"]
    assert {t.task_id for t in dag.tasks} == {
        "lint_policy",
        "check_notice",
        "verify_ledger",
        "write_ropa",
        "write_audit_report",
        "record",
        "anchor_ledger",
        "watch_deadlines",
    }
    assert dag.get_task("anchor_ledger").upstream_task_ids == {"record"}
    assert dag.get_task("verify_ledger").upstream_task_ids == {"lint_policy"}
    assert "write_ropa" in dag.get_task("record").upstream_task_ids


def test_retention_dag_carries_the_policy_in_its_docs(dagbag):
    dag = dagbag.dags["retention__video_surveillance"]
    assert "vital_interests" in dag.doc_md and "30 days" in dag.doc_md
    assert (
        str(dag.schedule if hasattr(dag, "schedule") else dag.timetable) and "retention" in dag.tags
    )
    assert [t.task_id for t in dag.tasks if t.task_id.startswith("recordings_30_days")] == [
        "recordings_30_days.plan",
        "recordings_30_days.sweep",
        "recordings_30_days.verify",
        "recordings_30_days.record",
    ]


def test_governance_daily_runs_green_and_writes_the_record(dagbag, tmp_path, monkeypatch, new_database):
    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_ANCHOR_DIR", str(tmp_path / "anchors"))
    run = dagbag.dags["governance_daily"].test()
    assert run.state == "success"
    files = sorted((tmp_path / "reports" / "ropa").glob("*/ropa.*.*"))
    assert len(files) == 6
    english = next(f for f in files if f.name == "ropa.en.md").read_text()
    from governance.policy import load_policy

    for purpose in load_policy().purposes.values():
        assert purpose.title.en in english
    from governance.audit.ledger import Ledger
    from governance.store import open_store

    entries = list(Ledger(open_store()).entries())
    # check_notice runs beside the chain, so its entry may come at any point
    assert sorted(e.event for e in entries) == ["daily_check", "ledger_anchor", "notice_check"]
    assert len(list((tmp_path / "anchors").glob("anchor-*.json"))) == 1
    audit = sorted((tmp_path / "reports" / "audit").glob("audit-*.*"))
    assert [p.suffix for p in audit] == [".html", ".md"]
    assert "Ledger integrity" in audit[1].read_text()


def test_governance_daily_fails_on_an_overdue_request(dagbag, tmp_path, monkeypatch, new_database):
    from datetime import UTC

    from sqlalchemy.orm import Session

    from governance.store import open_store
    from governance.store.models import Request

    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_ANCHOR_DIR", str(tmp_path / "anchors"))
    received = datetime.now(UTC).date() - timedelta(days=45)
    with Session(open_store()) as session, session.begin():
        session.add(
            Request(
                type="erasure",
                status="in_progress",
                received_on=received,
                due_on=received + timedelta(days=30),
                subject_refs=[],
            )
        )
    run = dagbag.dags["governance_daily"].test()
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["watch_deadlines"] == "failed"
    assert states["record"] == "success" and states["anchor_ledger"] == "success"
    assert run.state == "failed"


def test_a_broken_policy_fails_lint_policy(dagbag, tmp_path, monkeypatch, new_database):
    broken = ROOT / "tests" / "policy" / "fixtures"
    fixture = next(p for p in sorted(broken.iterdir()) if p.name != "valid" and p.is_dir())
    monkeypatch.setenv("GOVERNANCE_POLICY", str(fixture))
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    run = dagbag.dags["governance_daily"].test()
    assert run.state == "failed"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["lint_policy"] == "failed" and states["record"] != "success"


@pytest.mark.slow
def test_every_retention_dag_runs_on_the_demo_estate(dagbag, capfd, retention_estate):
    from governance.audit.ledger import Ledger
    from governance.estate import estate_urls, subject
    from governance.estate.schema import metadata_for
    from governance.store import open_store

    estate = retention_estate(300, 11)

    cctv = sa.create_engine(estate_urls(estate)["cctv"])
    recordings = metadata_for("cctv").tables["recordings"]
    with cctv.connect() as conn:
        before = dict(conn.execute(sa.select(recordings.c.id, recordings.c.recorded_at)).all())
    started = datetime.now()
    for dag_id in sorted(d for d in dagbag.dags if d.startswith("retention__")):
        run = dagbag.dags[dag_id].test()
        assert run.state == "success", dag_id
    with cctv.connect() as conn:
        after = set(conn.execute(sa.select(recordings.c.id)).scalars())
    cctv.dispose()
    cutoff = started - timedelta(days=30)
    assert after == {
        i for i, t in before.items() if t >= cutoff - timedelta(seconds=5)
    } or after == {i for i, t in before.items() if t >= cutoff}
    entries = [e for e in Ledger(open_store()).entries() if e.event == "retention_sweep"]
    from governance.policy import load_policy

    assert len(entries) == len(load_policy().rules())
    assert Ledger(open_store()).verify().ok
    output = capfd.readouterr()
    text = output.out + output.err
    for index in range(300):
        person = subject(11, index)
        for value in (person.email, person.phone[4:], person.personas_kods, person.iban):
            assert value not in text


def test_the_dsr_dag_offers_exactly_the_choices_the_engine_acts_on(dagbag):
    from governance.dsr.approval import APPROVAL_OPTIONS

    assert list(dagbag.dags["dsr"].get_task("approve").options) == list(APPROVAL_OPTIONS)
