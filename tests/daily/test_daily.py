"""The ``governance_daily`` task bodies without Airflow: plain arguments in, PII-free values
out, and a finding or a broken policy raised as a terminal error."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from governance import daily
from governance.errors import TerminalError

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 10)


@pytest.fixture
def fresh(tmp_path, monkeypatch, new_database):
    monkeypatch.setenv("GOVERNANCE_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_ANCHOR_DIR", str(tmp_path / "anchors"))
    return tmp_path


def _request(received: date, *, status: str = "in_progress") -> str:
    from governance.store import open_store
    from governance.store.models import Request

    with Session(open_store()) as session, session.begin():
        row = Request(
            type="erasure",
            status=status,
            received_on=received,
            due_on=received + timedelta(days=30),
            subject_refs=[],
        )
        session.add(row)
        session.flush()
        return row.id


def test_a_clean_day_writes_the_record_and_the_report_and_anchors_the_ledger(fresh):
    version = daily.check_policy()
    assert len(version) == 64
    checked = daily.verify_ledger()
    assert checked == {"entries": 0}
    ropa = daily.write_ropa(TODAY, version)
    assert sorted(Path(p).name for p in ropa) == sorted(
        f"ropa.{lang}.{fmt}" for lang in ("lv", "en") for fmt in ("md", "html", "csv")
    )
    assert all(Path(p).parent == fresh / "reports" / "ropa" / "2026-03-10" for p in ropa)
    report = daily.write_audit_report(TODAY)
    assert [Path(p).name for p in report] == ["audit-2026-03-09.html", "audit-2026-03-09.md"]
    seq = daily.record("test", version, checked["entries"], len(ropa))
    anchor = daily.anchor_ledger("test", seq)
    assert Path(anchor).parent == fresh / "anchors"
    assert daily.verify_ledger() == {"entries": 2}
    assert daily.watch_deadlines(TODAY, notify=lambda *_: pytest.fail("nothing is due")) == 0


def test_a_request_due_soon_is_mailed_by_id_and_fails_the_day_without_retry(fresh):
    overdue = _request(TODAY - timedelta(days=45))
    soon = _request(TODAY - timedelta(days=27))
    _request(TODAY - timedelta(days=3))  # due in 27 days: not a finding
    _request(TODAY - timedelta(days=60), status="completed")  # closed: not a finding
    sent: list[tuple[str, str]] = []
    with pytest.raises(daily.RequestsDue) as caught:
        daily.watch_deadlines(TODAY, notify=lambda subject, html: sent.append((subject, html)))
    assert isinstance(caught.value, TerminalError) and caught.value.fix
    [(subject, html)] = sent
    assert subject == "[privacy] 2 data-subject request(s) due or overdue"
    assert html.index(overdue) < html.index(soon)  # the most urgent first
    assert "15 day(s) overdue" in html and "due in 3 day(s)" in html
    assert overdue in str(caught.value) and soon in str(caught.value)


def test_a_broken_policy_is_a_terminal_error_naming_the_count(fresh, monkeypatch, caplog):
    fixtures = ROOT / "tests" / "policy" / "fixtures"
    broken = next(p for p in sorted(fixtures.iterdir()) if p.name != "valid" and p.is_dir())
    monkeypatch.setenv("GOVERNANCE_POLICY", str(broken))
    with pytest.raises(daily.PolicyProblems, match=r"the policy has \d+ problem\(s\)") as caught:
        daily.check_policy()
    assert isinstance(caught.value, TerminalError)
    assert any(".yaml" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_the_notice_check_records_a_clean_run(fresh):
    from governance.audit.ledger import Ledger
    from governance.store import open_store

    result = daily.check_notice("test")
    assert result["drift"] is False and result["statements"] > 100
    (entry,) = [e for e in Ledger(open_store()).entries() if e.event == "notice_check"]
    assert entry.seq == result["ledger_entry"] and entry.detail["drift"] is False


def test_the_notice_check_fails_on_drift_and_still_records_it(fresh, tmp_path, monkeypatch):
    import shutil

    from governance.audit.ledger import Ledger
    from governance.store import open_store

    policy = tmp_path / "policy"
    shutil.copytree(ROOT / "include" / "policy", policy)
    rule = policy / "purposes" / "video_surveillance.yaml"
    rule.write_text(rule.read_text("utf-8").replace("period: P30D", "period: P45D"), "utf-8")
    monkeypatch.setenv("GOVERNANCE_POLICY", str(policy))
    with pytest.raises(TerminalError) as raised:
        daily.check_notice("test")
    assert raised.value.field == "notice" and "cctv_period" in str(raised.value)
    (entry,) = [e for e in Ledger(open_store()).entries() if e.event == "notice_check"]
    assert entry.detail["drift"] is True
