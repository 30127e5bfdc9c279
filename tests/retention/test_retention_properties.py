"""For all generated records, holds, restrictions and clocks: nothing held, restricted or not yet
due is ever removed, everything due and free is gone after one sweep, and the plan counts what
the sweep then does. Both ways of judging holds run against the same oracle: as a predicate the
database evaluates (the default) and row by row in Python (``sql_holds=False``)."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import sqlalchemy as sa
from conftest import NOW
from dateutil.relativedelta import relativedelta
from hold_shapes import (
    build,
    camera_values,
    covered,
    minutes_back,
    range_holds,
    record_ids,
    zones,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.holds import HoldSet, restrictions_in_force
from governance.retention.sweep import SweepOptions, plan_rule, sweep_rule
from governance.sources import SqlSources
from governance.store import open_store
from governance.store.models import Restriction

BASE = NOW.replace(tzinfo=None)
ENTITY = "cams.recordings"
records = st.lists(
    st.tuples(
        st.none() | st.integers(1, 3),  # camera (a clip of an unknown camera has none)
        st.none() | minutes_back(90 * 24 * 60),  # minutes from now (none: never due)
        st.booleans(),  # has a file
    ),
    max_size=60,
)
hold_shapes = st.lists(
    st.one_of(
        record_ids.map(lambda r: {"scope_kind": "record", "entity": ENTITY, "record_id": r}),
        range_holds(ENTITY, 90 * 24 * 60, "camera_id", camera_values),
    ),
    max_size=4,
)
restricted_ids = st.lists(st.integers(1, 60), max_size=3, unique=True)


def _reset(scenario, rows) -> None:
    for path in (scenario.files / "cams").iterdir():
        path.unlink()
    cams = sa.create_engine(scenario.cams_url)
    with cams.begin() as conn:
        conn.execute(sa.text("DELETE FROM recordings"))
        conn.execute(sa.text("DELETE FROM cameras"))
        conn.execute(sa.text("INSERT INTO cameras (id, location) VALUES (1,'a'),(2,'b'),(3,'c')"))
        for i, (camera, minutes, has_file) in enumerate(rows, start=1):
            path = f"{i}.mp4" if has_file else None
            conn.execute(
                sa.text(
                    "INSERT INTO recordings (id, camera_id, recorded_at, file_path)"
                    " VALUES (:i, :c, :t, :p)"
                ),
                {
                    "i": i,
                    "c": camera,
                    "t": None if minutes is None else BASE + timedelta(minutes=minutes),
                    "p": path,
                },
            )
            if path:
                (scenario.files / "cams" / path).write_bytes(b"clip")
    cams.dispose()


def _restrict(store, ids: list[int]) -> HoldSet:
    with store.begin() as conn:
        conn.execute(sa.delete(Restriction))
        for i in ids:
            conn.execute(
                sa.insert(Restriction).values(
                    id=f"r{i}",
                    subject_ref="sr_" + "0" * 32,
                    entity=ENTITY,
                    record_id=str(i),
                    reason="Art. 18",
                    placed_at=NOW,
                )
            )
    return restrictions_in_force(store)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=records,
    shapes=hold_shapes,
    restricted=restricted_ids,
    clock_shift=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    batch=st.integers(1, 9),
    bulk_batch=st.integers(1, 9),
    sql_holds=st.booleans(),
    storage_order=st.booleans(),
)
def test_sweep_removes_exactly_the_due_and_free(
    scenario, rows, shapes, restricted, clock_shift, batch, bulk_batch, sql_holds, storage_order
):
    now = NOW + timedelta(minutes=clock_shift)
    _reset(scenario, rows)
    holds = build(shapes, "h")
    restrictions = _restrict(open_store(), restricted)
    state = {}
    for i, (camera, minutes, _) in enumerate(rows, start=1):
        anchor = None if minutes is None else BASE + timedelta(minutes=minutes)
        row = {"id": i, "camera_id": camera, "recorded_at": anchor}
        due = anchor is not None and anchor.replace(tzinfo=UTC) + timedelta(days=30) < now
        if not due:
            state[i] = "not_due"
        elif covered(holds, ENTITY, row, "recorded_at"):
            state[i] = "held"
        elif i in restricted:
            state[i] = "restricted"
        else:
            state[i] = "free"
    sources = SqlSources(scenario.policy)
    kept = {"holds": HoldSet(holds), "restrictions": restrictions}
    args = (scenario.policy, sources, "video_surveillance", "recordings_30_days")
    try:
        planned = plan_rule(*args, now=now, sql_holds=sql_holds, **kept)
        swept = sweep_rule(
            *args,
            now=now,
            options=SweepOptions(
                batch_size=batch,
                bulk_batch_size=bulk_batch,
                sql_holds=sql_holds,
                storage_order=storage_order,
            ),
            **kept,
        )
    finally:
        sources.dispose()
    counted = list(state.values()).count
    due = len(state) - counted("not_due")
    assert (planned.due, planned.held, planned.restricted, planned.actionable) == (
        due,
        counted("held"),
        counted("restricted"),
        counted("free"),
    )
    assert planned.not_due == sum(1 for _, m, _ in rows if m is not None) - due
    assert (swept.due, swept.held, swept.restricted, swept.removed) == (
        due,
        counted("held"),
        counted("restricted"),
        counted("free"),
    )
    left = {r["id"] for r in scenario.rows(scenario.cams_url, "recordings")}
    assert left == {i for i, s in state.items() if s != "free"}
    files = {p.name for p in (scenario.files / "cams").iterdir()}
    assert files == {f"{i}.mp4" for i, (_, _, f) in enumerate(rows, start=1) if f and i in left}


# -- a date anchor: a day is held when its midnight (UTC) lies in the range --------------------
BILLING = "lockers.billing"
invoices = st.lists(
    st.tuples(
        st.none() | st.integers(0, 40),  # days before five years ago (none: never due)
        st.sampled_from([None, 1, 2]),  # customer
        st.sampled_from(["12.50", "7.00"]),  # amount
    ),
    min_size=3,
    max_size=30,
)
narrowing = st.sampled_from(
    [{}, {"customer_id": "1"}, {"customer_id": "01"}, {"customer_id": "None"}]
    + [{"amount": "12.50"}, {"amount": "12.5"}, {"amount": "7.00", "customer_id": "2"}]
)


@st.composite
def day_ranges(draw):
    """Ranges around the invoices in any zone, often starting or ending at a midnight (UTC) or a
    minute either side of one."""
    near_midnight = st.tuples(st.integers(0, 40), st.sampled_from([-1, 0, 1])).map(
        lambda d: d[0] * 24 * 60 + d[1]
    )
    start = draw(near_midnight | st.integers(0, 40 * 24 * 60))
    length = draw(near_midnight | st.integers(0, 10 * 24 * 60))
    zone = draw(zones)
    midnight = FIVE_YEARS_AGO.replace(hour=0, minute=0)
    begin = (midnight - timedelta(minutes=start)).astimezone(zone)
    return {
        "scope_kind": "time_range",
        "entity": draw(st.sampled_from([BILLING, None])),
        "range_from": begin,
        "range_to": begin + timedelta(minutes=length),
        "where": draw(st.just({}) | narrowing),
    }


FIVE_YEARS_AGO = NOW.replace(year=NOW.year - 5)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=invoices,
    shapes=st.lists(day_ranges(), min_size=1, max_size=3),
    batch=st.integers(1, 5),
    sql_holds=st.booleans(),
)
def test_date_anchors_are_held_by_the_day(scenario, rows, shapes, batch, sql_holds):
    engine = sa.create_engine(scenario.lockers_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM billing"))
        conn.execute(sa.text("DELETE FROM customers"))
        conn.execute(sa.text("INSERT INTO customers (id, full_name) VALUES (1, 'A'), (2, 'B')"))
    engine.dispose()
    today = FIVE_YEARS_AGO.date()
    records = [
        {
            "id": i,
            "customer_id": customer,
            "amount": Decimal(amount),
            "invoice_date": None if days is None else today - timedelta(days=days),
        }
        for i, (days, customer, amount) in enumerate(rows, start=1)
    ]
    scenario.insert(scenario.lockers_url, "billing", records)
    holds = build(shapes, "h")
    state = {}
    for row in records:
        day = row["invoice_date"]
        if day is None or not day + relativedelta(years=5) < NOW.date():
            state[row["id"]] = "not_due"
        elif covered(holds, BILLING, {**row, "amount": str(row["amount"])}, "invoice_date"):
            state[row["id"]] = "held"
        else:
            state[row["id"]] = "free"
    sources = SqlSources(scenario.policy)
    args = (scenario.policy, sources, "parcel_locker", "billing_accounting_law")
    try:
        planned = plan_rule(*args, now=NOW, holds=HoldSet(holds), sql_holds=sql_holds)
        swept = sweep_rule(
            *args,
            now=NOW,
            holds=HoldSet(holds),
            options=SweepOptions(batch_size=batch, sql_holds=sql_holds),
        )
    finally:
        sources.dispose()
    count = list(state.values()).count
    assert (planned.held, planned.actionable) == (count("held"), count("free"))
    assert (swept.held, swept.removed) == (count("held"), count("free"))
    left = {r["id"] for r in scenario.rows(scenario.lockers_url, "billing")}
    assert left == {i for i, s in state.items() if s != "free"}
