"""The retention engine on a known estate: CCTV with an incident hold, lockers with dependants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import NOW, airflow_uri, lockers_rows
from sqlalchemy.engine import make_url

from governance.archive.restore import restore_set
from governance.archive.store import ArchiveStore, archive_root, load_archive_key
from governance.audit.ledger import Ledger
from governance.errors import GovernanceError
from governance.holds import HoldSet, active_holds, place_hold
from governance.retention import tasks
from governance.retention.actions.archive import ArchiveConfig
from governance.retention.sweep import SweepOptions, plan_rule, sweep_rule
from governance.sources import SourceUnavailable, SqlSources
from governance.store import open_store

START = NOW.replace(tzinfo=None) - timedelta(days=60)


def _fill_cams(scenario, cameras: int = 4, every_hours: int = 6) -> list[dict]:
    scenario.insert(
        scenario.cams_url,
        "cameras",
        [{"id": c, "location": f"gate {c}"} for c in range(1, cameras + 1)],
    )
    rows, n = [], 0
    moment = START
    while moment < NOW.replace(tzinfo=None):
        for camera in range(1, cameras + 1):
            n += 1
            path = f"cam{camera}/{n:06d}.mp4"
            (scenario.files / "cams" / path).parent.mkdir(parents=True, exist_ok=True)
            (scenario.files / "cams" / path).write_bytes(b"clip")
            rows.append({"id": n, "camera_id": camera, "recorded_at": moment, "file_path": path})
        moment += timedelta(hours=every_hours)
    scenario.insert(scenario.cams_url, "recordings", rows)
    return rows


def _sweep(scenario, purpose, rule, archive_set=None, **options):
    sources = SqlSources(scenario.policy)
    holds = HoldSet(active_holds(open_store(), purpose=purpose, at=NOW))
    store = ArchiveStore(archive_root(), load_archive_key())
    try:
        return sweep_rule(
            scenario.policy,
            sources,
            purpose,
            rule,
            now=NOW,
            holds=holds,
            options=SweepOptions(**options) if options else None,
            config=ArchiveConfig(store, archive_set) if archive_set else None,
        )
    finally:
        sources.dispose()


def test_cctv_keeps_30_days_and_exactly_the_held_incident(scenario):
    rows = _fill_cams(scenario)
    t1, t2 = datetime(2026, 10, 5, 0, tzinfo=UTC), datetime(2026, 10, 6, 0, tzinfo=UTC)
    place_hold(
        open_store(),
        scenario.policy,
        purpose="video_surveillance",
        reason="incident INC-2026-17",
        placed_by="dpo",
        range_from=t1,
        range_to=t2,
        where={"camera_id": "3"},
        now=NOW,
    )
    cutoff = NOW.replace(tzinfo=None) - timedelta(days=30)
    held = {
        r["id"]
        for r in rows
        if r["camera_id"] == 3
        and t1.replace(tzinfo=None) <= r["recorded_at"] <= t2.replace(tzinfo=None)
    }
    young = {r["id"] for r in rows if r["recorded_at"] >= cutoff}
    assert held and young

    plan = tasks.plan("video_surveillance", "recordings_30_days", NOW)
    assert plan["due"] == sum(1 for r in rows if r["recorded_at"] < cutoff)
    assert plan["held"] == len(held)
    assert plan["actionable"] == plan["due"] - len(held)

    counts = _sweep(scenario, "video_surveillance", "recordings_30_days", batch_size=37)
    left = {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")}
    assert left == young | held
    assert counts.removed == plan["actionable"] and counts.files_removed == counts.removed
    for r in rows:
        assert (scenario.files / "cams" / r["file_path"]).exists() == (r["id"] in left)
    # idempotent: a second run finds nothing to do and changes nothing
    again = _sweep(scenario, "video_surveillance", "recordings_30_days", batch_size=37)
    assert again.removed == 0 and again.held == len(held)
    assert {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")} == left


def test_dependants_go_with_their_parent_and_governed_ones_block_it(scenario):
    for table, rows in lockers_rows().items():
        scenario.insert(scenario.lockers_url, table, rows)
    # deliveries first (policy order): delivery 20 (2022) is due, 21 is not
    assert _sweep(scenario, "parcel_locker", "deliveries_after_1_year").removed == 1
    billing = _sweep(scenario, "parcel_locker", "billing_accounting_law")
    assert billing.removed == 0  # 2023 invoices are kept for five years
    set_id = "parcel_locker/customers_after_contract/run-1"
    counts = _sweep(scenario, "parcel_locker", "customers_after_contract", archive_set=set_id)
    assert (counts.due, counts.blocked, counts.removed, counts.dependants_removed) == (2, 1, 1, 1)
    assert [c["id"] for c in scenario.rows(scenario.lockers_url, "customers")] == [2, 3, 4]
    assert [n["id"] for n in scenario.rows(scenario.lockers_url, "notes")] == [11]

    store = ArchiveStore(archive_root(), load_archive_key())
    raw = b"".join(p.read_bytes() for p in (archive_root() / set_id).iterdir())
    assert b"anna@example.lv" not in raw and "Bērziņa".encode() not in raw  # encrypted at rest
    restored = restore_set(
        scenario.policy, store, set_id, actor="admin", ledger=Ledger(open_store())
    )
    assert (restored.rows, restored.dependants) == (1, 1)
    assert [c["id"] for c in scenario.rows(scenario.lockers_url, "customers")] == [1, 2, 3, 4]
    assert restore_set(scenario.policy, store, set_id, actor="admin").skipped == 2  # idempotent


def test_a_crash_mid_sweep_resumes_to_the_same_end_state(scenario, tmp_path):
    _fill_cams(scenario)
    before = scenario.rows(scenario.cams_url, "recordings")

    def crash(batch: int) -> None:
        if batch == 3:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        _sweep(
            scenario, "video_surveillance", "recordings_30_days", batch_size=25, after_batch=crash
        )
    partly = len(scenario.rows(scenario.cams_url, "recordings"))
    _sweep(scenario, "video_surveillance", "recordings_30_days", batch_size=25)
    resumed = {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")}

    expected_left = {
        r["id"] for r in before if r["recorded_at"] >= NOW.replace(tzinfo=None) - timedelta(days=30)
    }
    assert resumed == expected_left
    assert partly > len(resumed)  # the crash really stopped half-way


def test_a_source_that_is_down_is_an_error_not_a_success(scenario, monkeypatch, tmp_path):
    # A database that does not exist, on the back end of the pass (a missing SQLite file, or a
    # database never created on the PostgreSQL server).
    gone = make_url(scenario.cams_url).set(
        database=str(tmp_path / "gone" / "cams.db")
        if scenario.cams_url.startswith("sqlite")
        else "gone_never_created"
    )
    monkeypatch.setenv("AIRFLOW_CONN_FIX_CAMS", airflow_uri(gone.render_as_string(False)))
    sources = SqlSources(scenario.policy)
    with pytest.raises(SourceUnavailable):
        plan_rule(
            scenario.policy,
            sources,
            "video_surveillance",
            "recordings_30_days",
            now=NOW,
            holds=HoldSet([]),
        )


def test_a_table_without_the_data_maps_primary_key_is_named_before_anything_changes(scenario):
    # The engine reads columns from the database and keys from the data map; when they
    # disagree it says which table and column, instead of failing later on a missing key.
    rows = _fill_cams(scenario)
    engine = sa.create_engine(scenario.cams_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE recordings RENAME COLUMN id TO recording_no")
    engine.dispose()
    sources = SqlSources(scenario.policy)
    try:
        with pytest.raises(GovernanceError, match="'recordings' has no column 'id'"):
            sweep_rule(
                scenario.policy,
                sources,
                "video_surveillance",
                "recordings_30_days",
                now=NOW,
                holds=HoldSet([]),
            )
    finally:
        sources.dispose()
    engine = sa.create_engine(scenario.cams_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM recordings").scalar() == len(rows)
    engine.dispose()


def test_task_bodies_record_one_pii_free_ledger_entry_per_rule(scenario):
    for table, rows in lockers_rows().items():
        scenario.insert(scenario.lockers_url, table, rows)
    planned = tasks.plan("parcel_locker", "deliveries_after_1_year", NOW)
    swept = tasks.sweep("parcel_locker", "deliveries_after_1_year", NOW, "manual__2026-11-24")
    verified = tasks.verify("parcel_locker", "deliveries_after_1_year", NOW, planned)
    seq = tasks.record(
        "parcel_locker",
        "deliveries_after_1_year",
        run_id="manual__2026-11-24",
        actor="test",
        planned=planned,
        swept=swept,
        verified=verified,
    )
    ledger = Ledger(open_store())
    entry = list(ledger.entries())[-1]
    assert entry.seq == seq and entry.event == "retention_sweep"
    assert entry.counts["deleted"] == 1 and entry.counts["remaining_due_unheld"] == 0
    assert entry.policy_version == scenario.policy.version
    assert ledger.verify().ok


def test_verification_fails_when_records_not_yet_due_were_lost(scenario):
    _fill_cams(scenario)
    planned = tasks.plan("video_surveillance", "recordings_30_days", NOW)
    engine = sa.create_engine(scenario.cams_url)
    with engine.begin() as conn:  # someone deletes a young recording behind the engine's back
        conn.execute(sa.text("DELETE FROM recordings WHERE id = (SELECT max(id) FROM recordings)"))
    engine.dispose()
    tasks.sweep("video_surveillance", "recordings_30_days", NOW, "run-2")
    with pytest.raises(tasks.RetentionVerificationFailed, match="not yet due fell"):
        tasks.verify("video_surveillance", "recordings_30_days", NOW, planned)
