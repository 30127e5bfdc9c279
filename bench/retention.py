"""Retention sweep throughput against a raw ``DELETE … WHERE anchor < cutoff``, same run, same data.

Builds a CCTV-like table (default 5,000,000 rows, 1,000,000 due) twice in SQLite, sweeps one copy
with the engine (batched, ordered, hold-aware, verified per row) and deletes from the other with
one raw statement. Prints rows/s for both, their ratio, and the sweep's peak Python memory at two
table sizes (flat memory means the peak does not grow with the table).

    scripts/with-env python bench/retention.py [--rows N] [--due N] [--batch N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POLICY = Path(__file__).resolve().parents[1] / "tests" / "retention" / "fixtures" / "estate_policy"


def build(path: Path, rows: int, due: int) -> None:
    """Rows spread evenly; the first ``due`` are older than 30 days."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
        "CREATE TABLE cameras (id INTEGER PRIMARY KEY, location TEXT);"
        "CREATE TABLE recordings (id INTEGER PRIMARY KEY, camera_id INTEGER REFERENCES cameras(id),"
        " recorded_at DATETIME, file_path TEXT);"
        "INSERT INTO cameras VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d');"
    )
    old_start = NOW.replace(tzinfo=None) - timedelta(days=400)
    young_start = NOW.replace(tzinfo=None) - timedelta(days=29)

    def generate():
        for i in range(rows):
            if i < due:
                moment = old_start + timedelta(seconds=i * (360 * 86400 // max(due, 1)))
            else:
                moment = young_start + timedelta(
                    seconds=(i - due) * (28 * 86400 // max(rows - due, 1))
                )
            yield i + 1, i % 4 + 1, moment.strftime("%Y-%m-%d %H:%M:%S.%f"), None

    conn.executemany("INSERT INTO recordings VALUES (?,?,?,?)", generate())
    conn.execute("CREATE INDEX ix_recordings_recorded_at ON recordings (recorded_at)")
    conn.commit()
    conn.close()


def raw_delete(path: Path) -> float:
    cutoff = (NOW - timedelta(days=30)).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute("DELETE FROM recordings WHERE recorded_at < ?", (cutoff,))
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def engine_sweep(path: Path, batch: int, *, trace_memory: bool = False) -> tuple[float, int, int]:
    """Sweep ``path``; returns (seconds, rows removed, peak traced bytes or 0).

    tracemalloc slows every allocation, so a timed run does not trace; the memory run is a
    separate sweep of another copy."""
    from governance.policy import load_policy
    from governance.retention.holds import HoldSet
    from governance.retention.sweep import SweepOptions, sweep_rule
    from governance.sources import SqlSources

    os.environ["AIRFLOW_CONN_FIX_CAMS"] = f"sqlite:///{path}"
    os.environ["AIRFLOW_CONN_FIX_FILES"] = json.dumps(
        {"conn_type": "fs", "extra": {"path": str(path.parent / "files")}}
    )
    os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "bench-key-0123456789abcdef")
    policy = load_policy(POLICY)
    sources = SqlSources(policy)
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    counts = sweep_rule(
        policy,
        sources,
        "video_surveillance",
        "recordings_30_days",
        now=NOW,
        holds=HoldSet([]),
        options=SweepOptions(batch_size=batch),
    )
    elapsed = time.perf_counter() - start
    peak = 0
    if trace_memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    sources.dispose()
    return elapsed, counts.removed, peak


def measure(workdir: Path, rows: int, due: int, batch: int) -> dict:
    base = workdir / f"base-{rows}.db"
    build(base, rows, due)
    raw_copy, engine_copy = workdir / f"raw-{rows}.db", workdir / f"engine-{rows}.db"
    memory_copy = workdir / f"memory-{rows}.db"
    for copy in (raw_copy, engine_copy, memory_copy):
        shutil.copy(base, copy)
    base.unlink()
    raw_seconds = raw_delete(raw_copy)
    sweep_seconds, removed, _ = engine_sweep(engine_copy, batch)
    assert removed == due, f"sweep removed {removed}, expected {due}"
    _, removed, peak = engine_sweep(memory_copy, batch, trace_memory=True)
    assert removed == due, f"memory run removed {removed}, expected {due}"
    for copy in (raw_copy, engine_copy, memory_copy):
        copy.unlink()
    return {
        "rows": rows,
        "due": due,
        "raw_rows_per_s": due / raw_seconds,
        "sweep_rows_per_s": due / sweep_seconds,
        "ratio": raw_seconds / sweep_seconds,
        "peak_mib": peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--due", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        small = measure(workdir, args.rows // 5, args.due // 5, args.batch)
        large = measure(workdir, args.rows, args.due, args.batch)
    print("| rows | due | raw DELETE rows/s | sweep rows/s | sweep / raw | sweep peak MiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in (small, large):
        print(
            f"| {r['rows']:,} | {r['due']:,} | {r['raw_rows_per_s']:,.0f} | "
            f"{r['sweep_rows_per_s']:,.0f} | {r['ratio']:.2f} | {r['peak_mib']:.1f} |"
        )
    print(
        f"\nmemory growth for a {args.rows // (args.rows // 5)}x larger table: "
        f"{large['peak_mib'] / small['peak_mib']:.2f}x"
    )


if __name__ == "__main__":
    main()
