"""Retention sweep throughput on the demo estate against a raw ``DELETE … WHERE anchor < cutoff``.

For each estate size, the real policy's rule ``email_dispatch.sent_messages`` (the mailer's sent
e-mails, deleted one year after sending; the estate's biggest table with a plain delete rule)
is carried out on one copy of the mailer database by the engine (``sweep_rule`` with the
policy's batch sizes: ``defaults.bulk_batch_size`` rows per transaction where the delete runs
wholly in the database, ``defaults.batch_size`` where rows are judged in Python) and on an
identical copy by one raw
``DELETE`` with the same cut-off, in the same run, alternating which goes first. Both connect
with the sources' own settings (SQLite: WAL, ``synchronous=NORMAL``). Two variants:

- ``bulk``: no hold is in force and nothing hangs off the rows (every delete rule without holds
  or dependants): the certainly-due rows go in runs of consecutive storage (heap pages on
  PostgreSQL, rowids on SQLite), then the few rows near the due boundary are checked in Python;
- ``judged``: one legal hold is in force (on a record that is not due), so every row is read in
  the rule's order, checked against the holds and deleted by primary key. Shown for what a
  hold costs; the target is the bulk sweep's.

Peak memory: the resident set's growth during the timed sweep, and the peak of Python
allocations (tracemalloc) in a separate sweep of a third copy (tracing slows every allocation,
so it is never timed). Flat: the largest estate's peak is within 1.5x the smallest's, or within
1.5x one batch's worth, measured in the same run as the peak of reading one batch of the table's
rows into Python (a sweep holds at most one page of rows; a small estate's pages near the due
boundary hold fewer than a batch, so its peak can be lower than a big one's without growing
with the table).

    scripts/with-env python bench/retention.py [--backend sqlite|postgres] [--sizes 100000,1000000]
        [--workdir DIR] [--batch N] [--bulk-batch N] [--repeat N] [--judged-repeat N]
        [--variants bulk,judged]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path

from dateutil.relativedelta import relativedelta

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

PURPOSE, RULE = "email_dispatch", "sent_messages"
SYSTEM, TABLE, ANCHOR, PERIOD = "mailer", "email_messages", "sent_at", relativedelta(years=1)
TARGET = 0.5  # sweep throughput >= half of the raw DELETE's


def _now() -> datetime:
    from governance.estate import DEFAULT_TODAY

    return datetime.combine(DEFAULT_TODAY, dtime(12, 0), tzinfo=UTC)


def raw_delete(url: str) -> int:
    """The floor: one statement, no batches, no order, no checks."""
    import sqlalchemy as sa

    from governance.store.engine import create_store_engine

    cutoff = (_now() - PERIOD).replace(tzinfo=None)
    engine = create_store_engine(url, durable=False)  # the sources' own settings (WAL, NORMAL)
    try:
        with engine.begin() as conn:
            column = sa.column(ANCHOR)
            statement = sa.delete(sa.table(TABLE, column)).where(column < cutoff)
            return conn.execute(statement).rowcount
    finally:
        engine.dispose()


def engine_sweep(url: str, batches: tuple[int, int], judged: bool) -> int:
    """The engine's sweep, as the DAG's task runs it (the policy is loaded at parse time and
    cached, so not timed here; connecting and reflecting the table are)."""
    from governance.holds import Hold, HoldSet
    from governance.policy import load_policy
    from governance.retention.sweep import SweepOptions, sweep_rule
    from governance.sources import SqlSources

    os.environ[f"AIRFLOW_CONN_ESTATE_{SYSTEM.upper()}"] = common.airflow_uri(url)
    policy = load_policy()  # cached by content hash after the first call (in main)
    holds = []
    if judged:  # a hold on one record that is not due: every row must now be judged
        holds.append(
            Hold(
                id="bench-hold",
                purpose=PURPOSE,
                scope_kind="record",
                entity=f"{SYSTEM}.{TABLE}",
                record_id="0",
                subject_ref=None,
                range_from=None,
                range_to=None,
                where={},
                reason="benchmark",
                placed_by="bench",
                placed_at=_now(),
                until=None,
                released_at=None,
            )
        )
    sources = SqlSources(policy)
    try:
        counts = sweep_rule(
            policy,
            sources,
            PURPOSE,
            RULE,
            now=_now(),
            holds=HoldSet(holds),
            options=SweepOptions(batch_size=batches[0], bulk_batch_size=batches[1]),
        )
    finally:
        sources.dispose()
    return counts.removed


def one_batch_mib(url: str, batch: int) -> float:
    """Peak Python memory of reading ``batch`` whole rows of the table as dicts: what holding
    one page costs, the bound a sweep's memory must stay within whatever the table's size."""
    import sqlalchemy as sa

    from governance.store.engine import create_store_engine

    engine = create_store_engine(url, durable=False)
    try:
        with engine.connect() as conn:

            def read() -> int:
                result = conn.execute(sa.text(f"SELECT * FROM {TABLE} LIMIT :n"), {"n": batch})
                rows = [dict(r._mapping) for r in result]
                return len(rows)

            mib, _ = common.traced(read)
            return mib
    finally:
        engine.dispose()


def measure(estate: common.Estate, variant: str, batches: tuple[int, int], repeat: int) -> dict:
    judged = variant == "judged"
    raw_seconds: list[float] = []
    sweep_seconds: list[float] = []
    rss = 0.0
    removed = raw_removed = 0
    for round_ in range(repeat):
        order = ("raw", "ours") if round_ % 2 == 0 else ("ours", "raw")
        for which in order:
            with common.copy_of(estate, SYSTEM, which) as url:
                if which == "raw":
                    seconds, raw_removed = common.timed(lambda u=url: raw_delete(u))
                    raw_seconds.append(seconds)
                else:
                    peak, (seconds, removed) = common.peak_rss(
                        lambda u=url: common.timed(lambda: engine_sweep(u, batches, judged))
                    )
                    sweep_seconds.append(seconds)
                    rss = max(rss, peak)
        assert removed == raw_removed, f"sweep removed {removed}, raw DELETE {raw_removed}"
    with common.copy_of(estate, SYSTEM, "traced") as url:
        traced_mib, traced_removed = common.traced(lambda: engine_sweep(url, batches, judged))
        batch_mib = one_batch_mib(url, batches[0])
    assert traced_removed == removed
    raw_s, sweep_s = statistics.median(raw_seconds), statistics.median(sweep_seconds)
    return {
        "variant": variant,
        "subjects": estate.subjects,
        "due": removed,
        "raw_s": raw_s,
        "sweep_s": sweep_s,
        "raw_rows_per_s": removed / raw_s,
        "sweep_rows_per_s": removed / sweep_s,
        "ratio": raw_s / sweep_s,
        "rss_mib": rss,
        "traced_mib": traced_mib,
        "batch_mib": batch_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_arguments(parser, "100000,1000000")
    parser.add_argument("--batch", type=int, help="batch_size (default: the policy's)")
    parser.add_argument("--bulk-batch", type=int, help="bulk_batch_size (default: the policy's)")
    parser.add_argument("--repeat", type=int, default=3, help="raw/sweep pairs per measurement")
    parser.add_argument(
        "--judged-repeat",
        type=int,
        default=1,
        help="pairs for the judged variant (informational, and slow at a million rows)",
    )
    parser.add_argument("--variants", default="bulk,judged")
    args = parser.parse_args()
    os.environ.setdefault("GOVERNANCE_SUBJECT_KEY", "bench-key-0123456789abcdef")
    from governance.policy import load_policy
    from governance.retention import sweep  # noqa: F401  imported before any timing

    defaults = load_policy().defaults
    batch = args.batch or defaults.batch_size
    bulk_batch = args.bulk_batch or defaults.bulk_batch_size or batch
    results = []
    for size in common.sizes(args.sizes):
        estate = common.estate(args.backend, size, args.workdir)
        estate.use()
        for variant in args.variants.split(","):
            repeat = args.judged_repeat if variant == "judged" else args.repeat
            result = measure(estate, variant, (batch, bulk_batch), repeat)
            results.append(result)
            print(
                f"{args.backend} {size:,} subjects {variant}: {result['due']:,} rows due, "
                f"raw {result['raw_s']:.2f} s, sweep {result['sweep_s']:.2f} s, "
                f"ratio {result['ratio']:.2f}",
                flush=True,
            )
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    print(
        f"\n{backend}, rule `{PURPOSE}.{RULE}` ({SYSTEM}.{TABLE}, anchor {ANCHOR}, P1Y, delete), "
        f"batch_size {batch:,}, bulk_batch_size {bulk_batch:,}; median of {args.repeat} raw/sweep pairs per bulk row "
        f"({args.judged_repeat} per judged row), alternating which goes first.\n"
    )
    print(
        "| subjects | path | rows due | raw DELETE s | sweep s | raw rows/s | sweep rows/s "
        "| sweep / raw | sweep peak RSS MiB | sweep peak Python MiB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['subjects']:,} | {r['variant']} | {r['due']:,} | {r['raw_s']:.2f} | "
            f"{r['sweep_s']:.2f} | {r['raw_rows_per_s']:,.0f} | {r['sweep_rows_per_s']:,.0f} | "
            f"**{r['ratio']:.2f}** | {r['rss_mib']:.1f} | {r['traced_mib']:.1f} |"
        )
    summary = []
    for variant in dict.fromkeys(r["variant"] for r in results):
        mine = [r for r in results if r["variant"] == variant]
        # Flat: the largest size's peak within 1.5x the smallest's, or within 1.5x one
        # batch's worth of rows (a small estate's last page of due rows may hold fewer).
        bound = 1.5 * max(r["batch_mib"] for r in mine)
        flat = len(mine) < 2 or mine[-1]["traced_mib"] <= max(1.5 * mine[0]["traced_mib"], bound)
        if len(mine) > 1:
            print(
                f"\n{variant}: peak Python memory {mine[0]['traced_mib']:.1f} MiB at "
                f"{mine[0]['subjects']:,} subjects, {mine[-1]['traced_mib']:.1f} MiB at "
                f"{mine[-1]['subjects']:,} ({'flat' if flat else 'GROWS'}: within 1.5x, or "
                f"under {bound:.1f} MiB, 1.5x reading one batch of {batch:,} rows)"
            )
        for r in mine:
            bulk = variant == "bulk"
            summary.append(
                {
                    "benchmark": f"retention sweep ({variant})",
                    "backend": backend,
                    "size": f"{r['subjects']:,} subjects ({r['due']:,} rows due)",
                    "ours": f"{r['sweep_rows_per_s']:,.0f} rows/s",
                    "raw": f"{r['raw_rows_per_s']:,.0f} rows/s",
                    "ratio": f"{r['ratio']:.2f}",
                    # The target is the sweep's (the path of every rule with nothing to judge);
                    # a hold in force makes every row pass through Python: shown, not held to it.
                    "target": f"≥ {TARGET}× raw, flat memory" if bulk else "none (informational)",
                    "met": (r["ratio"] >= TARGET and flat) if bulk else None,
                    "peak_mib": f"{r['traced_mib']:.1f} (RSS +{r['rss_mib']:.0f})",
                }
            )
    common.emit_summary(summary)


if __name__ == "__main__":
    main()
