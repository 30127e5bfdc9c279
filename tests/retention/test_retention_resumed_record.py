"""A sweep resumed after its try was killed records what every try removed, once.

The kill is simulated at the two places where one can cut a sweep in two: after a batch's
commit (and its journal entry), and inside a batch after its files were removed but before its
delete committed (the transaction rolls back; the files are gone). The production test
(tests/production) does the same with a real worker killed on a real Celery stack.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import NOW
from test_retention_sweep import _fill_cams

from governance.audit.ledger import Ledger
from governance.retention import bulk, tasks
from governance.store import open_store

PURPOSE, RULE, RUN = "video_surveillance", "recordings_30_days", "manual__resumed"
BATCH = 25


class Killed(Exception):
    """Stands for the worker dying."""


def _kill_after_third(monkeypatch, where: str) -> None:
    calls = {"n": 0}
    if where == "inside a batch":
        real = bulk.BulkDelete._delete

        def dying(self, *args, **kwargs):  # the range's files are gone, its delete not committed
            deleted = real(self, *args, **kwargs)
            calls["n"] += deleted > 0
            if calls["n"] == 3:
                raise Killed
            return deleted

        monkeypatch.setattr(bulk.BulkDelete, "_delete", dying)
    else:
        real_journal = tasks._journal

        def journal(*args):
            on_batch = real_journal(*args)

            def dying(counts):
                on_batch(counts)
                calls["n"] += 1
                if calls["n"] == 3:
                    raise Killed

            return dying

        monkeypatch.setattr(tasks, "_journal", journal)


@pytest.mark.parametrize("where", ["between batches", "inside a batch"])
def test_a_resumed_sweep_records_every_batch_once(scenario, monkeypatch, where):
    rows = _fill_cams(scenario)
    cutoff = NOW.replace(tzinfo=None) - timedelta(days=30)
    due = [r for r in rows if r["recorded_at"] < cutoff]
    planned = tasks.plan(PURPOSE, RULE, NOW)
    assert planned["due"] == len(due) > 4 * BATCH

    with monkeypatch.context() as patch:
        _kill_after_third(patch, where)
        with pytest.raises(Killed):
            tasks.sweep(PURPOSE, RULE, NOW, RUN, batch_size=BATCH)
    left_after_kill = len(scenario.rows(scenario.cams_url, "recordings"))
    assert len(rows) - len(due) < left_after_kill < len(rows)  # killed half-way

    swept = tasks.sweep(PURPOSE, RULE, NOW, RUN, batch_size=BATCH)  # the retry
    assert swept["removed"] < len(due)  # the last try alone did not do it all
    verified = tasks.verify(PURPOSE, RULE, NOW, planned)
    arguments = dict(run_id=RUN, actor="test", planned=planned, swept=swept, verified=verified)
    seq = tasks.record(PURPOSE, RULE, **arguments)

    ledger = Ledger(open_store())
    (entry,) = [e for e in ledger.of_event("retention_sweep", purpose=PURPOSE, rule=RULE)]
    assert entry.seq == seq
    counts = entry.counts
    assert counts["deleted"] == len(due)
    assert counts["files_removed"] + counts["files_already_gone"] == len(due)
    assert (counts["files_already_gone"] > 0) == (where == "inside a batch")
    assert counts["due_gone_unrecorded"] == 0
    assert entry.detail["tries_with_batches"] == 2
    assert not any((scenario.files / "cams" / r["file_path"]).exists() for r in due)
    # A try killed after writing the entry runs record again: nothing is written twice.
    assert tasks.record(PURPOSE, RULE, **arguments) == seq
    assert len(ledger.of_event("retention_sweep", purpose=PURPOSE, rule=RULE)) == 1
    assert ledger.verify().ok


def test_rows_gone_without_a_journal_entry_are_recorded_as_such(scenario):
    """A try killed between a batch's commit and its entry: the rows are counted apart."""
    rows = _fill_cams(scenario)
    planned = tasks.plan(PURPOSE, RULE, NOW)
    import sqlalchemy as sa

    engine = sa.create_engine(scenario.cams_url)
    with engine.begin() as conn:  # an unjournaled delete of the three oldest recordings
        conn.execute(sa.text("DELETE FROM recordings WHERE id IN (1, 2, 3)"))
    engine.dispose()
    swept = tasks.sweep(PURPOSE, RULE, NOW, RUN)
    verified = tasks.verify(PURPOSE, RULE, NOW, planned)
    tasks.record(
        PURPOSE, RULE, run_id=RUN, actor="test", planned=planned, swept=swept, verified=verified
    )
    (entry,) = Ledger(open_store()).of_event("retention_sweep", purpose=PURPOSE, rule=RULE)
    assert entry.counts["deleted"] == planned["due"] - 3
    assert entry.counts["due_gone_unrecorded"] == 3
    assert len(rows) > planned["due"]
