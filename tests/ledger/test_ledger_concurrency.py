"""Concurrent appenders (threads and processes, each with its own engine) keep one clean chain,
on the pass's back end (SQLite's write lock; on PostgreSQL the primary key refuses a second
entry at the same sequence number and the loser retries on the new head)."""

from __future__ import annotations

import multiprocessing
import threading

from governance.audit.ledger import Ledger
from governance.store import open_store

PER_WORKER = 50


def _append_many(url: str, worker: str, errors: list | None = None) -> None:
    engine = open_store(url)
    try:
        ledger = Ledger(engine)
        for i in range(PER_WORKER):
            ledger.append("load.test", worker, counts={"i": i})
    except BaseException as exc:
        if errors is None:
            raise
        errors.append(exc)
    finally:
        engine.dispose()


def _assert_clean_chain(url: str, workers: list[str]) -> None:
    ledger = Ledger(open_store(url))
    result = ledger.verify()
    assert (result.ok, result.checked) == (True, PER_WORKER * len(workers)), result
    entries = list(ledger.entries())
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for worker in workers:
        mine = [e.counts["i"] for e in entries if e.actor == worker]
        assert mine == list(range(PER_WORKER))


def test_two_threads_append_fifty_each(new_database):
    url = new_database("gov")
    open_store(url).dispose()
    errors: list[BaseException] = []
    workers = ["thread-a", "thread-b"]
    threads = [threading.Thread(target=_append_many, args=(url, w, errors)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _assert_clean_chain(url, workers)


def test_two_threads_sharing_one_engine(new_database):
    ledger = Ledger(open_store(new_database("gov")))
    errors: list[BaseException] = []

    def work(worker: str) -> None:
        try:
            for i in range(PER_WORKER):
                ledger.append("load.test", worker, counts={"i": i})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = ledger.verify()
    assert (result.ok, result.checked) == (True, 2 * PER_WORKER)


def test_two_processes_append_fifty_each(new_database):
    url = new_database("gov")
    open_store(url).dispose()
    workers = ["process-a", "process-b"]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_append_many, args=(url, w)) for w in workers]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]
    _assert_clean_chain(url, workers)
