"""Retention sweep throughput on the demo estate against a raw ``DELETE … WHERE anchor < cutoff``.

For each estate size, the real policy's rule ``email_dispatch.sent_messages`` (the mailer's sent
e-mails, deleted one year after sending; the estate's biggest table with a plain delete rule)
is carried out on one copy of the mailer database by the engine (``sweep_rule`` with the
policy's batch sizes: ``defaults.bulk_batch_size`` rows per transaction where the delete runs
wholly in the database, ``defaults.batch_size`` where rows are judged in Python) and on an
identical copy by one raw
``DELETE`` with the same cut-off (and, with holds, the same exclusions written by hand), in the
same run, alternating which goes first. Both connect with the sources' own settings (SQLite: WAL,
``synchronous=NORMAL``). Three variants:

- ``bulk``: no hold is in force and nothing hangs off the rows (every delete rule without holds
  or dependants): the certainly-due rows go in runs of consecutive storage (heap pages on
  PostgreSQL, rowids on SQLite), then the few rows near the due boundary are checked in Python;
- ``held``: two legal holds in force, the CCTV-like case: a record hold (on a record that is not
  due) and a time range of 30 days of due rows narrowed to one campaign (``--where
  campaign_id=N``). The holds are a predicate of the same in-database delete (``AND NOT kept``);
  the held rows are read and judged in Python. The raw ``DELETE`` excludes the same rows;
- ``subject``: a subject hold on the recipient with the most due messages: SQL cannot compute a
  keyed ``subject_ref``, so every deleted row's identifiers come back (``DELETE … RETURNING``)
  and are hashed in Python; a range holding one of the subject's rows is rolled back and
  deleted again without them. The raw ``DELETE`` is handed the subject's row ids.

Peak memory: the resident set's growth during the timed sweep, and the peak of Python
allocations (tracemalloc) in a separate sweep of a third copy (tracing slows every allocation,
so it is never timed). Flat: the largest estate's peak is within 1.5x the smallest's, or within
1.5x one batch's worth, measured in the same run as the peak of reading one batch of the table's
rows into Python (a sweep holds at most one page of rows; a small estate's pages near the due
boundary hold fewer than a batch, so its peak can be lower than a big one's without growing
with the table).

    scripts/with-env python bench/retention.py [--backend sqlite|postgres] [--sizes 100000,1000000]
        [--workdir DIR] [--batch N] [--bulk-batch N] [--repeat N]
        [--variants bulk,held,subject]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from dateutil.relativedelta import relativedelta

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

import common  # noqa: E402

PURPOSE, RULE = "email_dispatch", "sent_messages"
SYSTEM, TABLE, ANCHOR, PERIOD = "mailer", "email_messages", "sent_at", relativedelta(years=1)
TARGET = 0.5  # sweep throughput >= half of the raw DELETE's
#: What each variant holds, for the tables.
HOLDS = {
    "bulk": "none",
    "held": "a record + 30 days of one campaign",
    "subject": "one subject (the top recipient)",
}


def _now() -> datetime:
    from governance.estate import DEFAULT_TODAY

    return datetime.combine(DEFAULT_TODAY, dtime(12, 0), tzinfo=UTC)


def _cutoff():
    return (_now() - PERIOD).replace(tzinfo=None)


def hold_case(url: str, variant: str) -> dict:
    """The holds of a variant, chosen from the estate's own rows (not timed): ``holds`` for the
    engine, ``keep`` (a SQL condition) and its parameters for the raw DELETE."""
    import sqlalchemy as sa

    from governance.store.engine import create_store_engine

    if variant == "bulk":
        return {"holds": [], "keep": None, "params": {}}
    engine = create_store_engine(url, durable=False)
    try:
        with engine.connect() as conn:
            due = {"cutoff": _cutoff()}
            if variant == "held":
                # the campaign of the median due message, the 30 days around it
                middle = conn.execute(
                    sa.text(
                        f"SELECT campaign_id, {ANCHOR} FROM {TABLE} WHERE {ANCHOR} < :cutoff"
                        f" AND campaign_id IS NOT NULL ORDER BY {ANCHOR}"
                        f" LIMIT 1 OFFSET (SELECT count(*) / 2 FROM {TABLE} WHERE {ANCHOR} < :cutoff)"
                    ),
                    due,
                ).one()
                campaign, moment = middle[0], middle[1]
                if isinstance(moment, str):
                    moment = datetime.fromisoformat(moment)
                start = moment.replace(tzinfo=UTC) - timedelta(days=15)
                young = conn.execute(
                    sa.text(f"SELECT max(id) FROM {TABLE} WHERE {ANCHOR} >= :cutoff"), due
                ).scalar()
                holds = [
                    _hold("record", record_id=str(young)),
                    _hold(
                        "time_range",
                        range_from=start,
                        range_to=start + timedelta(days=30),
                        where={"campaign_id": str(campaign)},
                    ),
                ]
                keep = (
                    f"id = :young OR ({ANCHOR} >= :start AND {ANCHOR} <= :end"
                    " AND campaign_id = :campaign)"
                )
                params = {
                    "young": young,
                    "start": start.replace(tzinfo=None),
                    "end": (start + timedelta(days=30)).replace(tzinfo=None),
                    "campaign": campaign,
                }
                return {"holds": holds, "keep": keep, "params": params}
            # subject: the recipient with the most due messages, and their rows' ids
            email = conn.execute(
                sa.text(
                    f"SELECT recipient_email FROM {TABLE} WHERE {ANCHOR} < :cutoff"
                    " AND recipient_email IS NOT NULL"
                    " GROUP BY recipient_email ORDER BY count(*) DESC, recipient_email LIMIT 1"
                ),
                due,
            ).scalar_one()
            from governance.identity import subject_ref

            ref = subject_ref("email", email)
            rows = conn.execute(
                sa.text(f"SELECT id, recipient_email, recipient_name FROM {TABLE}")
            ).all()
    finally:
        engine.dispose()
    from governance.identity import InvalidIdentifier

    def refs(row) -> set[str]:
        found = set()
        for kind, value in (("email", row[1]), ("name", row[2])):
            if value:
                with contextlib.suppress(InvalidIdentifier):
                    found.add(subject_ref(kind, value))
        return found

    held_ids = sorted(r[0] for r in rows if ref in refs(r))
    keep = "id IN (" + ",".join(str(i) for i in held_ids) + ")"
    return {"holds": [_hold("subject", subject_ref=ref)], "keep": keep, "params": {}}


def _hold(scope_kind: str, **fields):
    from governance.holds import Hold

    values = {
        "id": f"bench-{scope_kind}",
        "purpose": PURPOSE,
        "scope_kind": scope_kind,
        "entity": f"{SYSTEM}.{TABLE}",
        "record_id": None,
        "subject_ref": None,
        "range_from": None,
        "range_to": None,
        "where": {},
        "reason": "benchmark",
        "placed_by": "bench",
        "placed_at": _now(),
        "until": None,
        "released_at": None,
    }
    values.update(fields)
    return Hold(**values)


def raw_delete(url: str, case: dict) -> int:
    """The floor: one statement, no batches, no order, no checks (the holds' exclusions
    written by hand, with the held rows' ids already known)."""
    import sqlalchemy as sa

    from governance.store.engine import create_store_engine

    engine = create_store_engine(url, durable=False)  # the sources' own settings (WAL, NORMAL)
    try:
        with engine.begin() as conn:
            keep = f" AND NOT ({case['keep']})" if case["keep"] else ""
            statement = sa.text(f"DELETE FROM {TABLE} WHERE {ANCHOR} < :cutoff{keep}")
            return conn.execute(statement, {"cutoff": _cutoff(), **case["params"]}).rowcount
    finally:
        engine.dispose()


def engine_sweep(url: str, batches: tuple[int, int], case: dict) -> int:
    """The engine's sweep, as the DAG's task runs it (the policy is loaded at parse time and
    cached, so not timed here; connecting and reflecting the table are)."""
    from governance.holds import HoldSet
    from governance.policy import load_policy
    from governance.retention.sweep import SweepOptions, sweep_rule
    from governance.sources import SqlSources

    os.environ[f"AIRFLOW_CONN_ESTATE_{SYSTEM.upper()}"] = common.airflow_uri(url)
    policy = load_policy()  # cached by content hash after the first call (in main)
    sources = SqlSources(policy)
    try:
        counts = sweep_rule(
            policy,
            sources,
            PURPOSE,
            RULE,
            now=_now(),
            holds=HoldSet(case["holds"]),
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
    with common.copy_of(estate, SYSTEM, "case") as url:
        case = hold_case(url, variant)
    raw_seconds: list[float] = []
    sweep_seconds: list[float] = []
    rss = 0.0
    removed = raw_removed = 0
    for round_ in range(repeat):
        order = ("raw", "ours") if round_ % 2 == 0 else ("ours", "raw")
        for which in order:
            with common.copy_of(estate, SYSTEM, which) as url:
                if which == "raw":
                    seconds, raw_removed = common.timed(lambda u=url: raw_delete(u, case))
                    raw_seconds.append(seconds)
                else:
                    peak, (seconds, removed) = common.peak_rss(
                        lambda u=url: common.timed(lambda: engine_sweep(u, batches, case))
                    )
                    sweep_seconds.append(seconds)
                    rss = max(rss, peak)
        assert removed == raw_removed, f"sweep removed {removed}, raw DELETE {raw_removed}"
    with common.copy_of(estate, SYSTEM, "traced") as url:
        traced_mib, traced_removed = common.traced(lambda: engine_sweep(url, batches, case))
        batch_mib = one_batch_mib(url, batches[0])
    assert traced_removed == removed
    raw_s, sweep_s = statistics.median(raw_seconds), statistics.median(sweep_seconds)
    return {
        "variant": variant,
        "holds": len(case["holds"]),
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
    parser.add_argument("--variants", default="bulk,held,subject")
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
            result = measure(estate, variant, (batch, bulk_batch), args.repeat)
            results.append(result)
            print(
                f"{args.backend} {size:,} subjects {variant}: {result['due']:,} rows removed, "
                f"raw {result['raw_s']:.2f} s, sweep {result['sweep_s']:.2f} s, "
                f"ratio {result['ratio']:.2f}",
                flush=True,
            )
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    print(
        f"\n{backend}, rule `{PURPOSE}.{RULE}` ({SYSTEM}.{TABLE}, anchor {ANCHOR}, P1Y, delete), "
        f"batch_size {batch:,}, bulk_batch_size {bulk_batch:,}; median of {args.repeat} "
        "raw/sweep pairs per row, alternating which goes first; rows removed: the due rows no "
        "hold keeps (the raw DELETE removes the same).\n"
    )
    print(
        "| subjects | holds in force | rows removed | raw DELETE s | sweep s | raw rows/s | sweep rows/s "
        "| sweep / raw | sweep peak RSS MiB | sweep peak Python MiB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['subjects']:,} | {HOLDS[r['variant']]} | {r['due']:,} | {r['raw_s']:.2f} | "
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
            summary.append(
                {
                    "benchmark": f"retention sweep ({variant})",
                    "backend": backend,
                    "size": f"{r['subjects']:,} subjects ({r['due']:,} rows removed)",
                    "ours": f"{r['sweep_rows_per_s']:,.0f} rows/s",
                    "raw": f"{r['raw_rows_per_s']:,.0f} rows/s",
                    "ratio": f"{r['ratio']:.2f}",
                    # The same target with and without holds in force: a hold costs a
                    # predicate (a subject hold, also hashing the deleted rows' identifiers).
                    "target": f"≥ {TARGET}× raw, flat memory",
                    "met": r["ratio"] >= TARGET and flat,
                    "peak_mib": f"{r['traced_mib']:.1f} (RSS +{r['rss_mib']:.0f})",
                }
            )
    common.emit_summary(summary)


if __name__ == "__main__":
    main()
