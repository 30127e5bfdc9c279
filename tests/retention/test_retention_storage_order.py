"""The bulk delete in storage order (runs of heap pages on PostgreSQL, of rowids on SQLite,
instead of anchor order) removes exactly what the ordered sweep removes, with the files, in
several batches, and a crash half-way resumes to the same end state."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from conftest import NOW

from governance.holds import HoldSet
from governance.retention.bulk import BulkDelete
from governance.retention.sweep import SweepOptions, sweep_rule
from governance.sources import SqlSources

RULE = ("video_surveillance", "recordings_30_days")


def _fill_shuffled(scenario, n: int = 600) -> tuple[list[dict], set[int]]:
    """Recordings stored in random anchor order (as a real table rarely follows its anchor)."""
    scenario.insert(scenario.cams_url, "cameras", [{"id": 1, "location": "gate"}])
    start = NOW.replace(tzinfo=None) - timedelta(days=60)
    moments = [start + timedelta(hours=2 * i) for i in range(n)]
    random.Random(3).shuffle(moments)
    rows = []
    for i, moment in enumerate(moments, start=1):
        path = f"cam1/{i:06d}.mp4" if i % 3 else None  # some rows have no file
        if path:
            (scenario.files / "cams" / path).parent.mkdir(parents=True, exist_ok=True)
            (scenario.files / "cams" / path).write_bytes(b"clip")
        rows.append({"id": i, "camera_id": 1, "recorded_at": moment, "file_path": path})
    scenario.insert(scenario.cams_url, "recordings", rows)
    cutoff = NOW.replace(tzinfo=None) - timedelta(days=30)
    return rows, {r["id"] for r in rows if r["recorded_at"] >= cutoff}


def _sweep(scenario, **options):
    sources = SqlSources(scenario.policy)
    try:
        return sweep_rule(
            scenario.policy,
            sources,
            *RULE,
            now=NOW,
            holds=HoldSet([]),
            options=SweepOptions(**options),
        )
    finally:
        sources.dispose()


@pytest.mark.parametrize("storage_order", [True, False])
def test_bulk_sweep_removes_exactly_the_due_rows_and_their_files(
    scenario, storage_order, monkeypatch
):
    rows, young = _fill_shuffled(scenario)
    ranges = []
    original = BulkDelete._range

    def spy(self, dialect, first, count):
        ranges.append((first, count))
        return original(self, dialect, first, count)

    monkeypatch.setattr(BulkDelete, "_range", spy)
    counts = _sweep(scenario, batch_size=40, storage_order=storage_order)
    assert bool(ranges) == storage_order
    left = {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")}
    assert left == young
    assert counts.removed == len(rows) - len(young)
    assert counts.files_removed == sum(1 for r in rows if r["file_path"] and r["id"] not in young)
    for r in rows:
        if r["file_path"]:
            assert (scenario.files / "cams" / r["file_path"]).exists() == (r["id"] in left)
    assert counts.batches > 1
    assert _sweep(scenario, batch_size=40, storage_order=storage_order).removed == 0


@pytest.mark.parametrize("bulk_batch_size", [None, 600])
def test_the_bulk_path_commits_bulk_batch_size_rows_at_a_time(
    scenario, monkeypatch, bulk_batch_size
):
    # Nothing is judged in Python on the bulk path, so its transactions take
    # ``bulk_batch_size`` rows (``batch_size`` when unset).
    rows, young = _fill_shuffled(scenario)
    deleted = []
    original = BulkDelete._delete

    def spy(self, conn, where, memo):
        deleted.append(original(self, conn, where, memo))
        return deleted[-1]

    monkeypatch.setattr(BulkDelete, "_delete", spy)
    counts = _sweep(scenario, batch_size=40, bulk_batch_size=bulk_batch_size)
    transactions = [n for n in deleted if n]
    if bulk_batch_size:
        assert len(transactions) == 1 and transactions[0] > 40
    else:
        assert len(transactions) > 1
    assert {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")} == young
    assert counts.removed == len(rows) - len(young)


def test_a_crash_in_a_storage_order_sweep_resumes_to_the_same_end_state(scenario):
    rows, young = _fill_shuffled(scenario)

    def crash(batch: int) -> None:
        if batch == 2:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        _sweep(scenario, batch_size=40, after_batch=crash)
    partly = {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")}
    assert young < partly < {r["id"] for r in rows}  # stopped half-way, nothing young lost
    _sweep(scenario, batch_size=40)
    assert {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")} == young
