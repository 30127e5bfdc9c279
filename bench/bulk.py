"""Bulk: many data-subject requests registered at once (the day after a data breach), carried
out on docker-compose.yml's CeleryExecutor stack (deploy/production_stack: Redis, PostgreSQL,
API server, scheduler, DAG processor, triggerer, two Celery workers as processes).

    scripts/with-env python bench/bulk.py [--requests 200] [--subjects 2000] [--workers 2]

Baseline, measured in the same run on the same stack: one request alone. Then N access
requests are registered through the Privacy page's JSON API by 8 clients at once, and a DPO
script answers each approval ``--answer-after`` seconds after it is asked. Reported, from
Airflow's metadata database: each request's time from registration to answer; how long runs
waited to start (``max_active_runs``), how long task instances waited for a slot (pools,
parallelism, ``max_active_tasks``) and in Celery's queue; how many ran at once; connections to
PostgreSQL (sampled every second); which limit held the work back.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "deploy"))
import common  # noqa: E402
from production_stack.rest import Rest  # noqa: E402
from production_stack.stack import WORKER, LocalStack  # noqa: E402

SEED = 42


def identifiers(index: int) -> dict[str, str]:
    from governance.estate import subject

    person = subject(SEED, index)
    return {
        "email": person.email,
        "phone": person.phone,
        "personas_kods": person.personas_kods,
        "name": person.full_name,
    }


def registrable(count: int, start: int = 1) -> list[int]:
    """The first ``count`` people of the demo estate from ``start`` whose phone libphonenumber
    accepts (about 1 in 100 demo phones is in a range it rejects; the Privacy page refuses it)."""
    from governance.identity.errors import InvalidIdentifier
    from governance.identity.phone import normalise_phone

    chosen, index = [], start
    while len(chosen) < count:
        try:
            normalise_phone(identifiers(index)["phone"])
            chosen.append(index)
        except InvalidIdentifier:
            pass
        index += 1
    return chosen


def register(rest: Rest, index: int) -> tuple[str, str, float]:
    body = {
        "type": "access",
        "received": date.today().isoformat(),
        "verified_by": "in_person_id_document",
        "reference": "identity checked",
        "identifiers": identifiers(index),
    }
    started = time.time()
    created = rest.json("POST", "/privacy/api/requests", json=body)
    assert created["run_id"], created
    return created["request_id"], created["run_id"], started


class Connections(threading.Thread):
    """Samples PostgreSQL's connections every second (total and per database)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        import sqlalchemy as sa

        self.engine = sa.create_engine(url, poolclass=sa.NullPool)
        self.samples: list[tuple[int, Counter]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            while not self.stopping.is_set():
                rows = conn.execute(
                    sa.text(
                        "SELECT datname, count(*) FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' GROUP BY datname"
                    )  # fmt: skip
                ).all()
                conn.commit()
                by_db = Counter({name or "-": n for name, n in rows})
                self.samples.append((sum(by_db.values()), by_db))
                self.stopping.wait(1)

    def peak(self) -> tuple[int, Counter]:
        return max(self.samples, key=lambda s: s[0]) if self.samples else (0, Counter())


def answer_approvals(rest: Rest, runs: dict[str, str], after: float, done: threading.Event) -> None:
    """The DPO's script: approve every waiting ``approve`` some seconds after it is asked."""
    asked: dict[str, float] = {}
    while not done.is_set():
        waiting = rest.json(
            "GET", "/api/v2/dags/dsr/dagRuns/~/taskInstances?state=awaiting_input&limit=500"
        )
        for ti in waiting["task_instances"]:
            if ti["dag_run_id"] not in runs.values() or ti["task_id"] != "approve":
                continue
            key = f"{ti['dag_run_id']}#{ti['try_number']}"
            if time.monotonic() - asked.setdefault(key, time.monotonic()) >= after:
                rest.answer("dsr", ti["dag_run_id"], "approve", "Approve")
        done.wait(2)


def wait_all(stack: LocalStack, runs: dict[str, str], timeout: float) -> dict[str, str]:
    """Wait until every run has ended; read from the metadata database (the REST API returns
    at most 100 runs a page)."""
    import sqlalchemy as sa

    engine = sa.create_engine(
        stack.cli_environment()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], poolclass=sa.NullPool
    )
    deadline = time.monotonic() + timeout
    ended: dict[str, str] = {}
    try:
        while time.monotonic() < deadline and len(ended) < len(runs):
            with engine.connect() as conn:
                ended = dict(
                    conn.execute(
                        sa.text(
                            "SELECT run_id, state FROM dag_run WHERE dag_id = 'dsr' "
                            "AND run_id = ANY(:ids) AND state IN ('success', 'failed')"
                        ),  # fmt: skip
                        {"ids": list(runs.values())},
                    ).all()
                )
            time.sleep(5)
    finally:
        engine.dispose()
    return ended


def q(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def concurrency(intervals: list[tuple[datetime, datetime]]) -> int:
    events = sorted([(s, 1) for s, e in intervals] + [(e, -1) for s, e in intervals])
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    return peak


def measure(
    stack: LocalStack, rest: Rest, requests: dict[str, tuple[str, float]], answer_after: float
):
    """Registration to answer of ``requests`` ({request_id: (run_id, registered at)})."""
    runs = {rid: run for rid, (run, _) in requests.items()}
    done = threading.Event()
    approver = threading.Thread(target=answer_approvals, args=(rest, runs, answer_after, done))
    approver.start()
    try:
        ended = wait_all(stack, runs, timeout=4 * 3600)
    finally:
        done.set()
        approver.join()
    return ended


def metadata_rows(url: str, run_ids: list[str]):
    """The dsr runs, their task instances and the DPO's answers, from the metadata database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        runs = (
            conn.execute(
                sa.text(
                    "SELECT run_id, queued_at, start_date, end_date, state FROM dag_run "
                    "WHERE dag_id = 'dsr' AND run_id = ANY(:ids)"
                ),
                {"ids": run_ids},  # fmt: skip
            )
            .mappings()
            .all()
        )
        tis = (
            conn.execute(
                sa.text(
                    "SELECT run_id, task_id, map_index, pool, hostname, state, scheduled_dttm, "
                    "queued_dttm, start_date, end_date, try_number FROM task_instance "
                    "WHERE dag_id = 'dsr' AND run_id = ANY(:ids)"
                ),
                {"ids": run_ids},  # fmt: skip
            )
            .mappings()
            .all()
        )
        dpo = (
            conn.execute(
                sa.text(
                    "SELECT ti.run_id, h.created_at, h.responded_at FROM hitl_detail h "
                    "JOIN task_instance ti ON ti.id = h.ti_id "
                    "WHERE ti.dag_id = 'dsr' AND ti.run_id = ANY(:ids)"
                ),
                {"ids": run_ids},  # fmt: skip
            )
            .mappings()
            .all()
        )
    engine.dispose()
    return runs, tis, dpo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_BULK_REQUESTS") or 200)
    )
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8, help="registrations sent at once")
    parser.add_argument("--answer-after", type=float, default=8.0)
    parser.add_argument("--workdir", type=Path, default=common.default_workdir())
    args = parser.parse_args()
    folder = args.workdir / f"bulk-stack-{int(time.time())}"
    stack = LocalStack(folder, env={"DEMO_SUBJECTS": str(args.subjects), "DEMO_SEED": str(SEED)},
                       scale={WORKER: args.workers})  # fmt: skip
    with stack:
        rest = Rest(stack.api_url, stack.passwords())
        rest.wait_for_dags({"dsr"})
        env = stack.cli_environment()
        settings = {
            "parallelism": int(env["AIRFLOW__CORE__PARALLELISM"]),
            "concurrency": int(env["AIRFLOW__CELERY__WORKER_CONCURRENCY"]),
        }
        # Baseline: one request alone on the idle stack.
        people = registrable(args.requests + 1)
        rid, run, at = register(rest, people[-1])
        single = measure(stack, rest, {rid: (run, at)}, args.answer_after)
        assert single == {run: "success"}, single
        srun, _, sdpo = metadata_rows(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], [run])
        one_alone = srun[0]["end_date"].timestamp() - at
        one_dpo = sum(
            (d["responded_at"] - d["created_at"]).total_seconds() for d in sdpo if d["responded_at"]
        )

        from sqlalchemy.engine import make_url

        server = make_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).set(database="postgres")
        sampler = Connections(server.render_as_string(hide_password=False))
        sampler.start()
        started = time.time()
        with ThreadPoolExecutor(args.clients) as pool:
            made = list(pool.map(lambda i: register(rest, i), people[:-1]))
        registered_in = time.time() - started
        requests = {rid: (run, at) for rid, run, at in made}
        ended = measure(stack, rest, requests, args.answer_after)
        total = time.time() - started
        sampler.stopping.set()
        sampler.join()

        runs, tis, dpo = metadata_rows(
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], [run for run, _ in requests.values()]
        )
        import sqlalchemy as sa

        store = sa.create_engine(env["GOVERNANCE_STORE_URL"], poolclass=sa.NullPool)
        with store.connect() as conn:
            completed = conn.execute(
                sa.text(
                    "SELECT count(*) FROM requests WHERE id = ANY(:ids) AND status = 'completed'"
                ),
                {"ids": list(requests)},
            ).scalar()
        store.dispose()
        with sampler.engine.connect() as conn:
            max_connections = conn.execute(sa.text("SHOW max_connections")).scalar()

    return report(
        n=args.requests, subjects=args.subjects, workers=args.workers, settings=settings,
        answer_after=args.answer_after, registered_in=registered_in, total=total,
        one_alone=one_alone, one_dpo=one_dpo, at_of={run: at for run, at in requests.values()},
        runs=runs, tis=tis, dpo=dpo, completed=completed,
        failed=sum(1 for state in ended.values() if state != "success"),
        connections=sampler.peak(), max_connections=max_connections,
    )  # fmt: skip


def report(
    *,
    n,
    subjects,
    workers,
    settings,
    answer_after,
    registered_in,
    total,
    one_alone,
    one_dpo,
    at_of,
    runs,
    tis,
    dpo,
    completed,
    failed,
    connections,
    max_connections,
) -> int:
    """Print the tables and the summary line; 0 when every request completed."""
    run_ids = list(at_of)
    end_of = {r["run_id"]: r["end_date"].timestamp() for r in runs if r["end_date"]}
    per_request = [end_of[r] - at_of[r] for r in run_ids if r in end_of]
    dpo_wait = Counter()
    for d in dpo:
        if d["responded_at"]:
            dpo_wait[d["run_id"]] += (d["responded_at"] - d["created_at"]).total_seconds()
    machine = [end_of[r] - at_of[r] - dpo_wait[r] for r in run_ids if r in end_of]
    run_wait = [(r["start_date"] - r["queued_at"]).total_seconds() for r in runs if r["start_date"]]
    ran = [t for t in tis if t["start_date"] and t["end_date"] and t["queued_dttm"]]
    slot_wait: dict[str, list[float]] = {}
    for t in ran:
        if t["scheduled_dttm"]:
            slot_wait.setdefault(t["pool"], []).append(
                (t["queued_dttm"] - t["scheduled_dttm"]).total_seconds()
            )
    celery_wait = [(t["start_date"] - t["queued_dttm"]).total_seconds() for t in ran]
    running = [(t["end_date"] - t["start_date"]).total_seconds() for t in ran]
    runs_at_once = concurrency(
        [(r["start_date"], r["end_date"]) for r in runs if r["start_date"] and r["end_date"]]
    )
    tis_at_once = concurrency(
        [(t["start_date"], t["end_date"]) for t in ran if t["task_id"] != "approve"]
    )
    locates_at_once = concurrency(
        [(t["start_date"], t["end_date"]) for t in ran if t["task_id"] == "locate"]
    )
    per_worker = Counter(t["hostname"] for t in ran if t["task_id"] != "approve")
    peak, by_db = connections

    def s(x: float) -> str:
        return f"{x:,.1f} s"

    print(f"Stack: {workers} Celery workers × concurrency {settings['concurrency']} = "
          f"{workers * settings['concurrency']} task slots; parallelism {settings['parallelism']}; "
          f"pool dsr_locate 10 slots; Airflow's defaults max_active_runs_per_dag 16 and "
          f"max_active_tasks_per_dag 16 (the dsr DAG sets neither); demo estate of {subjects:,} "
          f"subjects on PostgreSQL. The DPO's script approves {answer_after:.0f} s after each question.\n")  # fmt: skip
    print("| measure | value |\n|---|---:|")
    rows = [
        ("requests registered (8 clients at once)", f"{n} in {s(registered_in)}"),
        ("completed / failed runs", f"{completed} / {failed}"),
        ("all answered after", s(total)),
        ("one request alone (baseline, same stack, idle)", s(one_alone)),
        ("… of which waiting for the DPO", s(one_dpo)),
        ("per request, registration to answer: median / p90 / max", f"{s(statistics.median(per_request))} / {s(q(per_request, .9))} / {s(max(per_request))}"),
        ("… without the DPO's wait: median / p90", f"{s(statistics.median(machine))} / {s(q(machine, .9))}"),
        ("runs waiting to start (max_active_runs): median / max", f"{s(statistics.median(run_wait))} / {s(max(run_wait))}"),
        ("dsr runs running at once (max)", str(runs_at_once)),
        ("task instances running at once (max, approvals excluded)", str(tis_at_once)),
        ("locate tasks running at once (max; pool dsr_locate: 10)", str(locates_at_once)),
        ("Celery queue wait (queued → started): median / p90", f"{s(statistics.median(celery_wait))} / {s(q(celery_wait, .9))}"),
        ("task run time: median / p90", f"{s(statistics.median(running))} / {s(q(running, .9))}"),
        ("task instances run", f"{len(ran):,} ({', '.join(f'{h}: {c}' for h, c in sorted(per_worker.items()))})"),
        ("PostgreSQL connections, peak (max_connections here / in compose)", f"{peak} ({max_connections} / 200)"),
        ("… at that peak, by database", ", ".join(f"{db} {c}" for db, c in by_db.most_common())),
    ]  # fmt: skip
    for label, value in rows:
        print(f"| {label} | {value} |")
    print("\n| pool | task instances | waited for a slot: median / p90 / max |\n|---|---:|---|")
    for pool, waits in sorted(slot_wait.items()):
        print(
            f"| `{pool}` | {len(waits):,} | {s(statistics.median(waits))} / {s(q(waits, 0.9))} / {s(max(waits))} |"
        )

    # Which limit held the work: the one whose ceiling the observed concurrency reached.
    limits = {
        "max_active_runs_per_dag (16 runs)": runs_at_once >= 16,
        "max_active_tasks_per_dag (16 tasks of the dsr DAG)": tis_at_once >= 16,
        f"Celery slots ({workers * settings['concurrency']})": tis_at_once >= workers * settings["concurrency"],
        "pool dsr_locate (10)": locates_at_once >= 10,
    }  # fmt: skip
    held = [name for name, reached in limits.items() if reached]
    print(f"\nLimits reached: {', '.join(held) or 'none (the machine: CPU)'}.")
    common.emit_summary(
        [
            {
                "benchmark": "bulk DSRs on the Celery stack",
                "backend": "PostgreSQL",
                "size": f"{n} access requests at once, {subjects:,} subjects",
                "ours": f"{s(total)} for all (median {s(statistics.median(per_request))} each)",
                "raw": f"one alone: {s(one_alone)}",
                "ratio": f"{total / (n * one_alone):.2f}",
                "target": f"all {n} complete; < 1 (better than one after another)",
                "met": completed == n and failed == 0 and total < n * one_alone,
            }
        ]
    )
    return 0 if completed == n and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
