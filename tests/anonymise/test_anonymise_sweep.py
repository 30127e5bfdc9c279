"""The anonymising retention rule end to end on a demo estate: helpdesk cases answered more
than two years ago become statistics, the gates pass and are recorded; a seeded leak turns the
gate red, recorded as non-compliant, with evidence that holds no leaked value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from governance.estate import build_estate, connection_env, estate_urls, subject

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SEED = 5


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anon") / "estate"
    build_estate(folder, 1500, SEED)
    return folder


@pytest.fixture
def env(estate, tmp_path, monkeypatch, new_database):
    for key, value in connection_env(estate).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "reports"))
    return estate


def _helpdesk(estate) -> sa.Engine:
    """The helpdesk's database (SQLite file, or its database on the estate server)."""
    return sa.create_engine(estate_urls(estate)["helpdesk"])


def _count(estate, table: str) -> int:
    engine = _helpdesk(estate)
    with engine.connect() as conn:
        count = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return count


def test_sweep_anonymises_due_cases_and_the_gates_pass(env):
    from governance.audit.ledger import Ledger
    from governance.retention import tasks
    from governance.store import open_store

    planned = tasks.plan("communication", "messages_after_answer", NOW)
    assert planned["actionable"] > 50
    before = _count(env, "messages")
    swept = tasks.sweep("communication", "messages_after_answer", NOW, "manual__test")
    assert swept["removed"] == planned["actionable"]
    assert _count(env, "messages") == before - swept["removed"]
    kept = _count(env, "messages_statistics")
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
    engine = _helpdesk(env)
    columns = [c["name"] for c in sa.inspect(engine).get_columns("messages_statistics")]
    engine.dispose()
    assert columns == ["case_ref", "received_at", "channel", "subject"]


def test_a_seeded_leak_fails_the_gate_and_is_recorded_non_compliant(env):
    from governance.audit.ledger import Ledger
    from governance.retention import tasks
    from governance.store import open_store

    tasks.sweep("communication", "messages_after_answer", NOW, "manual__leak")
    code = subject(SEED, 1).personas_kods
    engine = _helpdesk(env)
    with engine.begin() as conn:
        first = conn.execute(sa.text("SELECT min(case_ref) FROM messages_statistics")).scalar()
        seeded = conn.execute(
            sa.text("UPDATE messages_statistics SET subject = :leak WHERE case_ref = :first"),
            {"leak": f"Sūdzība {code}", "first": first},
        ).rowcount
    engine.dispose()
    assert seeded >= 1
    with pytest.raises(
        tasks.AnonymisationGateFailed,
        match="expect_column_values_to_hold_no_personal_data on subject",
    ):
        tasks.gate("communication", "messages_after_answer", run_id="manual__leak", actor="test")
    gate = [e for e in Ledger(open_store()).entries() if e.event == "anonymisation_gate"][-1]
    assert gate.detail["compliant"] is False and gate.counts["failed_expectations"] >= 1
    evidence = tasks.gate_evidence_dir("communication", "messages_after_answer", "manual__leak")
    text = "".join(p.read_text() for p in evidence.iterdir())
    assert code not in text and code.replace("-", "") not in text
    assert "FAILED" in text
