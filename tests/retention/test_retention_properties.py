"""For all generated records, holds and clocks: nothing held or not yet due is ever removed, and
everything due and unheld is gone after one sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.holds import HoldSet, active_holds, place_hold
from governance.retention.sweep import SweepOptions, sweep_rule
from governance.sources import SqlSources
from governance.store import open_store
from governance.store.models import LegalHold

BASE = NOW.replace(tzinfo=None)
records = st.lists(
    st.tuples(st.integers(1, 3), st.integers(-90 * 24 * 60, 0)),  # camera, minutes from now
    min_size=0,
    max_size=60,
)
range_holds = st.lists(
    st.tuples(
        st.integers(-90 * 24 * 60, 0), st.integers(1, 20 * 24 * 60), st.none() | st.integers(1, 3)
    ),
    max_size=3,
)
record_holds = st.lists(st.integers(1, 60), max_size=4)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=records,
    ranges=range_holds,
    pinned=record_holds,
    clock_shift=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    batch=st.integers(1, 9),
)
def test_sweep_removes_exactly_the_due_unheld(scenario, rows, ranges, pinned, clock_shift, batch):
    now = NOW + timedelta(minutes=clock_shift)
    cams = sa.create_engine(scenario.cams_url)
    store = open_store()
    with cams.begin() as conn:
        conn.execute(sa.text("DELETE FROM recordings"))
        conn.execute(sa.text("DELETE FROM cameras"))
        conn.execute(sa.text("INSERT INTO cameras (id, location) VALUES (1,'a'),(2,'b'),(3,'c')"))
        for i, (camera, minutes) in enumerate(rows, start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO recordings (id, camera_id, recorded_at, file_path) VALUES (:i,:c,:t,NULL)"
                ),
                {"i": i, "c": camera, "t": BASE + timedelta(minutes=minutes)},
            )
    with store.begin() as conn:
        conn.execute(sa.delete(LegalHold))
    for start, length, camera in ranges:
        t1 = NOW + timedelta(minutes=start)
        place_hold(
            store,
            scenario.policy,
            purpose="video_surveillance",
            reason="case C-1",
            placed_by="t",
            range_from=t1,
            range_to=t1 + timedelta(minutes=length),
            where={"camera_id": str(camera)} if camera else None,
            now=NOW,
        )
    for record_id in pinned:
        place_hold(
            store,
            scenario.policy,
            purpose="video_surveillance",
            reason="case C-2",
            placed_by="t",
            record=("cams.recordings", str(record_id)),
            now=NOW,
        )

    def held(i: int, camera: int, moment: datetime) -> bool:
        if i in pinned:
            return True
        aware = moment.replace(tzinfo=UTC)
        return any(
            NOW + timedelta(minutes=s) <= aware <= NOW + timedelta(minutes=s + n)
            and c in (None, camera)
            for s, n, c in ranges
        )

    expected = {
        i
        for i, (camera, minutes) in enumerate(rows, start=1)
        if not (BASE + timedelta(minutes=minutes)).replace(tzinfo=UTC) + timedelta(days=30) < now
        or held(i, camera, BASE + timedelta(minutes=minutes))
    }
    sources = SqlSources(scenario.policy)
    try:
        sweep_rule(
            scenario.policy,
            sources,
            "video_surveillance",
            "recordings_30_days",
            now=now,
            holds=HoldSet(active_holds(store, purpose="video_surveillance", at=now)),
            options=SweepOptions(batch_size=batch),
        )
    finally:
        sources.dispose()
    with cams.connect() as conn:
        left = {r[0] for r in conn.execute(sa.text("SELECT id FROM recordings"))}
    cams.dispose()
    assert left == expected
