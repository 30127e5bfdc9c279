"""An erasure whose carry-out was killed half-way (a worker lost) and run again: every record
erased once, the ledger's entry written once with the counts of both tries.

The kill is simulated between two systems' transactions and right after a system's commit,
before its journal entry and its records' ``done_at`` (the re-run redoes that system: nothing
left to delete, its files already gone). tests/production kills a real Celery worker inside a
system's transaction.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import NOW, TODAY, identifiers_of, register

from governance.audit.ledger import Ledger
from governance.dsr import tasks
from governance.store import open_store


class Killed(Exception):
    """Stands for the worker dying."""


def _planned_erasure_over_two_systems() -> tuple[str, list]:
    from governance.dsr import records

    for index in range(1, 80):
        request_id = register("erasure", identifiers_of(index, "email", "phone", "personas_kods"))
        loaded = tasks.load(request_id, "test")
        for system in loaded["systems"]:
            tasks.locate(request_id, system)
        tasks.plan(request_id, TODAY, NOW)
        erase = [r for r in records.records(open_store(), request_id) if r.decision == "erase"]
        if len({r.system for r in erase}) >= 2:
            return request_id, erase
    raise AssertionError("no subject of the estate has records to erase in two systems")


@pytest.mark.parametrize("where", ["between systems", "after a system's commit"])
def test_a_resumed_carry_out_erases_and_records_everything_once(estate, monkeypatch, where):
    request_id, erase = _planned_erasure_over_two_systems()
    systems = sorted({r.system for r in erase})
    real = tasks.carry_out_system

    def dying(policy, sources, system, items, **kwargs):
        if system == systems[1] and where == "between systems":
            raise Killed
        result = real(policy, sources, system, items, **kwargs)
        if system == systems[1]:
            raise Killed  # committed; not journaled, not marked done
        return result

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "carry_out_system", dying)
        with pytest.raises(Killed):
            tasks.carry_out(request_id, "Approve", "test")
    ledger = Ledger(open_store())
    assert ledger.of_event("dsr_carried_out", request_id=request_id) == []

    done = tasks.carry_out(request_id, "Approve", "test")  # the retry
    assert tasks.verify(request_id)["still_there"] == 0
    answer = tasks.respond(request_id, done["include_uncertain"], TODAY)
    recorded = tasks.record(request_id, "test", {**done, **answer})

    (entry,) = ledger.of_event("dsr_carried_out", request_id=request_id)
    assert entry.counts["erased"] == len(erase) == recorded["erased"]
    journal = ledger.of_event("dsr_system_carried_out", request_id=request_id)
    assert sorted(Counter(e.detail["system"] for e in journal).items()) == [
        (system, 1) for system in systems
    ]
    # Run again after completion: nothing more done, nothing written twice.
    again = tasks.carry_out(request_id, "Approve", "test")
    assert again["erased"] == 0
    assert len(ledger.of_event("dsr_carried_out", request_id=request_id)) == 1
    assert ledger.verify().ok
