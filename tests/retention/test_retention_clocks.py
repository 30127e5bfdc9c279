"""Every rule of the real policy on the demo estate, swept at clocks on month ends (where
calendar periods clamp), checked by an independent count: after each rule's sweep, the rows of
its scope still due are exactly the ones the engine says it kept (blocked or held), and not one
row that is not yet due is gone. The oracle is plain calendar arithmetic over a plain SELECT.
The retention DAGs' own test runs at the real clock; these fix it where the due rows in anchor
order stop being a prefix (before the fix, 30 Nov 16:30 and 28 Feb 09:15 left due rows)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from governance.policy import load_policy
from governance.policy.periods import add_period

CLOCKS = [
    datetime(2026, 11, 30, 16, 30, tzinfo=UTC),  # 31 Aug + P3M clamps to 30 Nov
    datetime(2026, 11, 30, 23, 59, tzinfo=UTC),
    datetime(2026, 12, 31, 8, 0, tzinfo=UTC),
    datetime(2027, 2, 28, 9, 15, tzinfo=UTC),  # 31 Aug + P6M, 29-31 Dec + P2M
    datetime(2026, 11, 1, 12, 0, tzinfo=UTC),  # the estate's own day
]


def _due(anchor: date | datetime, period: str, now: datetime) -> bool:
    if isinstance(anchor, datetime):
        moment = anchor.replace(tzinfo=UTC) if anchor.tzinfo is None else anchor
        return add_period(moment, period) < now
    return add_period(anchor, period) < now.date()


def _scope_rows(engine: sa.Engine, table: sa.Table, anchor: str, scope) -> list:
    with engine.connect() as conn:
        query = sa.select(table.c[anchor]).where(table.c[anchor].is_not(None), *scope)
        return list(conn.execute(query).scalars())


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.strftime("%Y-%m-%dT%H%M"))
def test_every_rule_takes_exactly_the_due_rows_at_a_month_end(clock, retention_estate):
    from governance.holds import HoldSet
    from governance.retention import tasks
    from governance.retention.selection import Selector, resolve
    from governance.sources import SqlSources

    retention_estate(300, 11)  # its dates around DEFAULT_TODAY (1 Nov 2026)
    policy = load_policy()
    sources = SqlSources(policy)
    checked = 0
    try:
        for purpose, rule in policy.rules():
            purpose_id, system = purpose.id, rule.entity.split(".")[0]
            # The rule's own `where`, minus rows a more specific rule governs (the table as
            # the engine reflected it, so the conditions bind to it).
            selector = Selector(
                policy, sources, resolve(policy, purpose_id, rule.id, clock), HoldSet([])
            )
            table, scope = selector.table, selector.scope()
            before = _scope_rows(sources.engine(system), table, rule.anchor, scope)
            planned = tasks.plan(purpose_id, rule.id, clock)
            tasks.sweep(purpose_id, rule.id, clock, f"manual__{clock:%Y%m%d}")
            after = _scope_rows(sources.engine(system), table, rule.anchor, scope)
            label = f"{purpose_id}.{rule.id} at {clock:%Y-%m-%d %H:%M}"
            due_before = sum(_due(a, rule.period, clock) for a in before)
            due_after = sum(_due(a, rule.period, clock) for a in after)
            not_due_before = len(before) - due_before
            not_due_after = len(after) - due_after
            assert planned["due"] == due_before, label
            assert not_due_after == not_due_before, label
            assert due_after == planned["blocked"] + planned["held"], label
            checked += due_before
    finally:
        sources.dispose()
    assert checked > 0  # the estate put rows past their periods at this clock
