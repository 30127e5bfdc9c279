"""Restrictions of processing (Art. 18) hold in sweeps: a restricted record stays, counted as
``restricted`` in the plan, the sweep's log line and the ledger; verify does not count it as
remaining; once the restriction is lifted, the next sweep removes it. A restricted record that
hangs off another keeps that one too."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from conftest import NOW, lockers_rows

from governance.audit.ledger import Ledger
from governance.retention import tasks
from governance.store import open_store
from governance.store.models import Restriction

RULE = ("parcel_locker", "deliveries_after_1_year")


def _restrict(entity: str, record_id: int) -> str:
    with open_store().begin() as conn:
        conn.execute(
            sa.insert(Restriction).values(
                id=f"restriction-{entity}-{record_id}",
                subject_ref="sr_" + "1" * 32,
                purpose="parcel_locker",
                entity=entity,
                record_id=str(record_id),
                reason="GDPR Art. 18 restriction requested by the data subject",
                placed_at=NOW,
            )
        )
    return f"restriction-{entity}-{record_id}"


def _lift(restriction_id: str) -> None:
    with open_store().begin() as conn:
        conn.execute(
            sa.update(Restriction)
            .where(Restriction.id == restriction_id)
            .values(lifted_at=datetime(2026, 11, 25, tzinfo=UTC))
        )


def _run(run_id: str) -> tuple[dict, dict, dict]:
    planned = tasks.plan(*RULE, NOW)
    swept = tasks.sweep(*RULE, NOW, run_id)
    verified = tasks.verify(*RULE, NOW, planned)
    tasks.record(
        *RULE, run_id=run_id, actor="test", planned=planned, swept=swept, verified=verified
    )
    return planned, swept, verified


def test_a_sweep_leaves_restricted_records_until_the_restriction_is_lifted(scenario, caplog):
    for table, rows in lockers_rows().items():
        scenario.insert(scenario.lockers_url, table, rows)
    restriction = _restrict("lockers.deliveries", 20)  # the one due delivery
    caplog.set_level(logging.INFO, logger="governance.retention")

    planned, swept, verified = _run("run-1")
    assert (planned["due"], planned["restricted"], planned["actionable"]) == (1, 1, 0)
    assert (swept["restricted"], swept["removed"]) == (1, 0)
    assert verified["actionable"] == 0  # kept for a reason, not left behind
    assert [d["id"] for d in scenario.rows(scenario.lockers_url, "deliveries")] == [20, 21]
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("retention.plan") and "restricted=1" in line for line in lines)
    assert any(line.startswith("retention.sweep") and "restricted=1" in line for line in lines)
    entry = list(Ledger(open_store()).entries())[-1]
    assert entry.counts["restricted"] == 1 and entry.counts["deleted"] == 0

    _lift(restriction)
    planned, swept, _ = _run("run-2")
    assert (planned["restricted"], planned["actionable"], swept["removed"]) == (0, 1, 1)
    assert [d["id"] for d in scenario.rows(scenario.lockers_url, "deliveries")] == [21]
    entry = list(Ledger(open_store()).entries())[-1]
    assert entry.counts["restricted"] == 0 and entry.counts["deleted"] == 1


def test_a_restricted_dependant_keeps_its_parent_from_the_archive(scenario):
    for table, rows in lockers_rows().items():
        scenario.insert(scenario.lockers_url, table, rows)
    _restrict("lockers.notes", 10)  # customer 1's note: customer 1 would be archived with it
    planned = tasks.plan("parcel_locker", "customers_after_contract", NOW)
    swept = tasks.sweep("parcel_locker", "customers_after_contract", NOW, "run-1")
    assert (planned["due"], planned["restricted"], planned["blocked"]) == (2, 1, 1)
    assert (swept["restricted"], swept["removed"], swept["detail"]) == (1, 0, {"archive_set": None})
    assert [c["id"] for c in scenario.rows(scenario.lockers_url, "customers")] == [1, 2, 3, 4]
    assert [n["id"] for n in scenario.rows(scenario.lockers_url, "notes")] == [10, 11]
