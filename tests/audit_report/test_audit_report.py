"""The auditor's report: every figure matches what was seeded; anchors catch a rewritten ledger;
the deadline watch finds what is due; the CLI's exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from governance.audit.anchors import verify_against_anchors, write_anchor
from governance.audit.ledger import Ledger, entry_hash
from governance.audit.report import build_report, render
from governance.cli import main
from governance.dsr.watch import findings
from governance.store import open_store
from governance.store.models import Request

TODAY = datetime.now(UTC).date()


@pytest.fixture
def store(tmp_path, monkeypatch, new_database):
    monkeypatch.setenv("GOVERNANCE_STORE_URL", new_database("store"))
    monkeypatch.setenv("GOVERNANCE_ANCHOR_DIR", str(tmp_path / "anchors"))
    return open_store()


def _sweep(ledger: Ledger, purpose: str, rule: str, run: str, action: str, removed: int, held: int):
    ledger.append(
        "retention_sweep",
        "airflow:test",
        purpose=purpose,
        rule=rule,
        counts={"due": removed + held, "held": held, action: removed},
        policy_version="a" * 64,
        detail={"run_id": run, "action": action},
    )


def _request(
    session, *, type_, received, closed=None, status="completed", extended=None, reason=None
):
    due = received + timedelta(days=30)
    session.add(
        Request(
            type=type_,
            status=status,
            received_on=received,
            due_on=due,
            extended_due_on=extended,
            extension_reason=reason,
            closed_at=datetime.combine(closed, datetime.min.time(), UTC) if closed else None,
            subject_refs=[],
        )
    )


def seed(store):
    ledger = Ledger(store)
    _sweep(ledger, "video_surveillance", "recordings_30_days", "run1", "deleted", 120, 3)
    _sweep(ledger, "video_surveillance", "recordings_30_days", "run2", "deleted", 30, 3)
    _sweep(ledger, "communication", "messages_after_answer", "run1", "anonymised", 40, 0)
    ledger.append(
        "hold_placed",
        "dpo",
        purpose="video_surveillance",
        detail={"hold_id": "h1", "reason": "incident <script>alert(1)</script> 2026-11"},
    )
    ledger.append(
        "hold_released",
        "dpo",
        purpose="video_surveillance",
        detail={"hold_id": "h1", "reason": "case closed"},
    )
    ledger.append(
        "anonymisation_gate",
        "airflow:test",
        purpose="communication",
        rule="messages_after_answer",
        counts={"k_observed": 6, "l_observed": 2, "failed_expectations": 0, "expectations": 7},
        detail={"passed": True, "k_target": 5, "l_target": 2},
    )
    with Session(store) as session, session.begin():
        _request(
            session, type_="access", received=TODAY - timedelta(days=10), closed=TODAY
        )  # on time
        _request(
            session, type_="erasure", received=TODAY - timedelta(days=45), closed=TODAY
        )  # late
        _request(
            session, type_="erasure", received=TODAY - timedelta(days=40), status="in_progress"
        )  # overdue
        _request(
            session, type_="access", received=TODAY - timedelta(days=2), status="verified"
        )  # open in time
        _request(
            session,
            type_="portability",
            received=TODAY - timedelta(days=50),
            status="in_progress",
            extended=TODAY + timedelta(days=20),
            reason="many sources",
        )


def test_every_figure_matches_the_seeded_period(store):
    seed(store)
    report = build_report(store, TODAY, TODAY)
    cctv = report.purposes["video_surveillance"].rules["recordings_30_days"]
    assert cctv.sweeps == 2 and cctv.removed["deleted"] == 150 and cctv.held == 6
    assert report.purposes["video_surveillance"].runs == {"run1", "run2"}
    comms = report.purposes["communication"]
    assert comms.rules["messages_after_answer"].removed["anonymised"] == 40
    assert comms.gates[0]["passed"] and comms.gates[0]["k"] == 6 and comms.gates[0]["l"] == 2
    holds = report.purposes["video_surveillance"]
    assert len(holds.holds_placed) == 1 and holds.holds_released == ["h1: case closed"]
    rq = report.requests
    assert rq.closed_on_time["access"] == 1 and rq.closed_late["erasure"] == 1
    assert rq.open_overdue["erasure"] == 1 and rq.open_in_time["access"] == 1
    assert rq.open_in_time["portability"] == 1  # extended: not overdue
    assert rq.extensions[0][1:] == ("portability", "many sources")
    assert rq.received["access"] == 0  # received before the one-day period
    assert report.ledger_ok and report.ledger_entries == 6
    assert list(report.policy_versions) == ["a" * 64]


def test_entries_outside_the_period_are_left_out(store):
    seed(store)
    report = build_report(store, TODAY - timedelta(days=5), TODAY - timedelta(days=1))
    assert report.purposes == {}


def test_markdown_and_html_render_the_figures_and_html_escapes(store):
    seed(store)
    report = build_report(store, TODAY, TODAY)
    md = render(report, "md")
    assert "| video_surveillance | recordings_30_days | 2 | 150 | 0 | 0 | 6 | 0 |" in md
    page = render(report, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "recordings_30_days" in page


def _rewrite_from(store, seq: int) -> None:
    """An attacker with write access rewrites entries from ``seq`` on and rehashes the chain."""
    entries = list(Ledger(store).entries())
    prev = entries[seq - 2].hash if seq > 1 else "0" * 64
    with store.begin() as conn:
        for entry in entries[seq - 1 :]:
            content = {**entry.__dict__, "prev_hash": prev}
            if entry.seq == seq:
                content["counts"] = {**entry.counts, "deleted": 1}
            content["hash"] = entry_hash(content)
            conn.execute(
                sa.text(
                    "UPDATE ledger_entries SET counts = :c, prev_hash = :p, hash = :h WHERE seq = :s"
                ),
                {
                    "c": json.dumps(dict(content["counts"])),
                    "p": prev,
                    "h": content["hash"],
                    "s": entry.seq,
                },
            )
            prev = content["hash"]


def test_a_rewritten_and_rehashed_ledger_fails_against_the_anchors(store, tmp_path):
    seed(store)
    assert write_anchor(store) is not None
    assert verify_against_anchors(store).ok
    _rewrite_from(store, 1)
    assert Ledger(store).verify().ok  # the chain alone cannot tell
    check = verify_against_anchors(store)
    assert not check.ok and "rewritten" in check.reason
    assert main(["audit", "verify"]) == 1


def test_cli_anchor_report_and_verify(store, tmp_path, capsys):
    seed(store)
    assert main(["audit", "anchor"]) == 0
    assert "anchored:" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "anchors OK: 1 anchor(s)" in capsys.readouterr().out
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "audit",
                "report",
                "--from",
                TODAY.isoformat(),
                "--to",
                TODAY.isoformat(),
                "--format",
                "html",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "Retention sweeps" in out.read_text()
    assert main(["audit", "report", "--from", "2026-13-01", "--to", "2026-12-01"]) == 2
    assert "--from: expected a date" in capsys.readouterr().err
    assert main(["audit", "report", "--from", "2026-12-02", "--to", "2026-12-01"]) == 2


def test_deadline_watch_finds_overdue_and_due_soon_only(store):
    with Session(store) as session, session.begin():
        _request(
            session, type_="erasure", received=TODAY - timedelta(days=40), status="in_progress"
        )
        _request(session, type_="access", received=TODAY - timedelta(days=26), status="verified")
        _request(session, type_="access", received=TODAY - timedelta(days=2), status="verified")
        _request(
            session,
            type_="access",
            received=TODAY - timedelta(days=60),
            closed=TODAY - timedelta(days=40),
        )
    found = findings(store, TODAY)
    assert [f.state for f in found] == ["overdue", "due_soon"]
    assert "overdue" in found[0].line(TODAY)


def test_deadline_watch_is_quiet_without_urgent_requests(store):
    with Session(store) as session, session.begin():
        _request(session, type_="access", received=TODAY, status="verified")
    assert findings(store, TODAY) == []


def test_requests_received_in_period_are_counted(store):
    with Session(store) as session, session.begin():
        _request(session, type_="access", received=TODAY, status="verified")
        _request(session, type_="erasure", received=TODAY, status="verified")
    report = build_report(store, TODAY, TODAY)
    assert report.requests.received == {"access": 1, "erasure": 1}
