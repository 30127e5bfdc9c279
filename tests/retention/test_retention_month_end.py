"""Month-end clamps reorder due times within a day: with P1Y, 28 Feb 2024 20:00 is due at
28 Feb 2025 20:00 but the later 29 Feb 2024 10:00 at 28 Feb 2025 10:00. For all anchors around
such a day, clocks and batch sizes, the plan counts and the sweep removes exactly the due rows,
on the bulk path and on the judged one (a hold in force elsewhere)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.holds import HoldSet, active_holds, place_hold
from governance.policy.periods import add_period
from governance.retention.due import due_window
from governance.retention.sweep import SweepOptions, plan_rule, sweep_rule
from governance.sources import SqlSources
from governance.store import open_store
from governance.store.models import LegalHold

LEAP_DAY = datetime(2024, 2, 29)
NOW = datetime(2025, 2, 28, 16, 30, tzinfo=UTC)


def test_a_later_anchor_can_fall_due_first_on_a_clamped_day() -> None:
    window = due_window("P3M", datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    earlier, later = datetime(2026, 8, 30, 20, 0), datetime(2026, 8, 31, 10, 0)
    assert not window.is_due(earlier)
    assert window.is_due(later)  # 31 Aug + P3M clamps to 30 Nov, keeping 10:00
    assert not window.none_due_from(earlier)  # a later anchor may still be due
    assert window.none_due_from(datetime(2026, 9, 1, 0, 0))  # due 1 Dec: nothing later is


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    minutes=st.lists(st.integers(-3 * 24 * 60, 3 * 24 * 60), min_size=1, max_size=40),
    clock_shift=st.integers(-36 * 60, 36 * 60),
    batch=st.integers(1, 7),
    judged=st.booleans(),
)
def test_plan_and_sweep_take_exactly_the_due_rows_around_a_clamped_day(
    scenario, minutes, clock_shift, batch, judged
):
    now = NOW + timedelta(minutes=clock_shift)
    lockers = sa.create_engine(scenario.lockers_url)
    store = open_store()
    with lockers.begin() as conn:
        conn.execute(sa.text("DELETE FROM deliveries"))
        conn.execute(sa.text("DELETE FROM customers"))
        conn.execute(sa.text("INSERT INTO customers (id, full_name) VALUES (1, 'x')"))
        for i, offset in enumerate(minutes, start=1):
            conn.execute(
                sa.text("INSERT INTO deliveries (id, customer_id, delivered_at) VALUES (:i,1,:t)"),
                {"i": i, "t": LEAP_DAY + timedelta(minutes=offset)},
            )
    lockers.dispose()
    with store.begin() as conn:
        conn.execute(sa.delete(LegalHold))
    if judged:  # a hold in force on other rows: every due row is judged in Python
        place_hold(
            store,
            scenario.policy,
            purpose="parcel_locker",
            reason="case C-3",
            placed_by="t",
            range_from=datetime(2020, 1, 1, tzinfo=UTC),
            range_to=datetime(2020, 1, 2, tzinfo=UTC),
            entity="lockers.deliveries",
            now=now,
        )
    due = {
        i
        for i, offset in enumerate(minutes, start=1)
        if add_period((LEAP_DAY + timedelta(minutes=offset)).replace(tzinfo=UTC), "P1Y") < now
    }
    holds = HoldSet(active_holds(store, purpose="parcel_locker", at=now))
    sources = SqlSources(scenario.policy)
    try:
        args = (scenario.policy, sources, "parcel_locker", "deliveries_after_1_year")
        planned = plan_rule(*args, now=now, holds=holds, batch_size=batch)
        swept = sweep_rule(*args, now=now, holds=holds, options=SweepOptions(batch_size=batch))
    finally:
        sources.dispose()
    lockers = sa.create_engine(scenario.lockers_url)
    with lockers.connect() as conn:
        left = {r[0] for r in conn.execute(sa.text("SELECT id FROM deliveries"))}
    lockers.dispose()
    assert left == set(range(1, len(minutes) + 1)) - due
    assert (planned.due, planned.not_due) == (len(due), len(minutes) - len(due))
    assert swept.removed == len(due)
