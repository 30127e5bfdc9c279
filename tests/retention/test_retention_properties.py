"""For all generated records, holds, restrictions and clocks: nothing held, restricted or not yet
due is ever removed, everything due and free is gone after one sweep, and the plan counts what
the sweep then does. Both ways of judging holds run against the same oracle: as a predicate the
database evaluates (the default) and row by row in Python (``sql_holds=False``)."""

from __future__ import annotations

from datetime import UTC, timedelta

import sqlalchemy as sa
from conftest import NOW
from hold_shapes import build, camera_values, covered, minutes_back, range_holds, record_ids
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
