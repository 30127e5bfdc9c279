"""The anonymising retention rule end to end on a demo estate: helpdesk cases answered more
than two years ago become statistics, the gates pass and are recorded; a seeded leak turns the
gate red, recorded as non-compliant, with evidence that holds no leaked value."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from governance.estate import build_estate, connection_env, subject

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SEED = 5


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anon") / "estate"
    build_estate(folder, 1500, SEED)
    return folder


@pytest.fixture
def env(estate, tmp_path, monkeypatch):
    for key, value in connection_env(estate).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVERNANCE_STORE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "reports"))
    return estate


def _count(estate, sql: str) -> int:
    with sqlite3.connect(estate / "helpdesk.db") as conn:
        return conn.execute(sql).fetchone()[0]


def test_sweep_anonymises_due_cases_and_the_gates_pass(env):
    from governance.audit.ledger import Ledger
    from governance.retention import tasks
    from governance.store import open_store

    planned = tasks.plan("communication", "messages_after_answer", NOW)
    assert planned["actionable"] > 50
    before = _count(env, "SELECT count(*) FROM messages")
    swept = tasks.sweep("communication", "messages_after_answer", NOW, "manual__test")
    assert swept["removed"] == planned["actionable"]
    assert _count(env, "SELECT count(*) FROM messages") == before - swept["removed"]
    kept = _count(env, "SELECT count(*) FROM messages_statistics")
    assert kept == swept["removed"] - swept["suppressed"] and kept > 0
    result = tasks.gate(
        "communication", "messages_after_answer", run_id="manual__test", actor="test"
    )
    assert result["passed"] and result["k_observed"] >= 5 and result["l_observed"] >= 2
    verified = tasks.verify("communication", "messages_after_answer", NOW, planned)
    assert verified["actionable"] == 0
    tasks.record(
        "communication",
        "messages_after_answer",
        run_id="manual__test",
        actor="test",
        planned=planned,
        swept=swept,
        verified=verified,
    )
    events = [e for e in Ledger(open_store()).entries()]
    gate = next(e for e in events if e.event == "anonymisation_gate")
    assert gate.detail["compliant"] is True and gate.counts["k_observed"] >= 5
    sweep = next(e for e in events if e.event == "retention_sweep")
    assert sweep.counts["anonymised"] == swept["removed"]
    with sqlite3.connect(env / "helpdesk.db") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(messages_statistics)")]
    assert columns == ["case_ref", "received_at", "channel", "subject"]


def test_a_seeded_leak_fails_the_gate_and_is_recorded_non_compliant(env):
    from governance.audit.ledger import Ledger
    from governance.retention import tasks
    from governance.store import open_store

    tasks.sweep("communication", "messages_after_answer", NOW, "manual__leak")
    code = subject(SEED, 1).personas_kods
    with sqlite3.connect(env / "helpdesk.db") as conn:
        conn.execute(
            "UPDATE messages_statistics SET subject = ? WHERE rowid = (SELECT min(rowid) FROM messages_statistics)",
            (f"Sūdzība {code}",),
        )
    with pytest.raises(
        tasks.AnonymisationGateFailed,
        match="expect_column_values_to_not_match_regex on subject",
    ):
        tasks.gate("communication", "messages_after_answer", run_id="manual__leak", actor="test")
    gate = [e for e in Ledger(open_store()).entries() if e.event == "anonymisation_gate"][-1]
    assert gate.detail["compliant"] is False and gate.counts["failed_expectations"] >= 1
    evidence = tasks.gate_evidence_dir("communication", "messages_after_answer", "manual__leak")
    text = "".join(p.read_text() for p in evidence.iterdir())
    assert code not in text and code.replace("-", "") not in text
    assert "FAILED" in text
