"""Subject holds and restrictions, for all generated messages: a person's rows are kept however
their identifiers are spelled (case, spaces, diacritics in names), by hold or by restriction,
on both paths (the database's ranges with hashed identifiers, and row by row in Python), with
their files; everything else that is due goes, and the plan counts it first."""

from __future__ import annotations

from datetime import UTC, timedelta

import sqlalchemy as sa
from conftest import NOW
from hold_shapes import build, covered, minutes_back, range_holds, record_ids
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.holds import HoldSet, restrictions_in_force
from governance.identity import subject_ref
from governance.retention.sweep import SweepOptions, plan_rule, sweep_rule
from governance.sources import SqlSources
from governance.store import open_store
from governance.store.models import Restriction

ENTITY = "lockers.messages"
IDENTIFIERS = {"recipient_email": "email", "recipient_name": "name"}
BASE = NOW.replace(tzinfo=None)
PEOPLE = [
    ("anna@example.lv", "Anna Bērziņa"),
    ("janis@example.lv", "Jānis Kalniņš"),
    ("ilze@example.lv", "Ilze Ozola"),
]
#: How a system may spell a person's identifiers (all normalise to the same subject_ref), and
#: values that are not identifiers at all.
EMAILS = [e for e, _ in PEOPLE] + [e.upper() for e, _ in PEOPLE] + [" anna@example.lv ", "nav"]
NAMES = [n for _, n in PEOPLE] + ["ANNA BĒRZIŅA", "Anna Berzina", "Pēteris Liepa"]
messages = st.lists(
    st.tuples(
        st.none() | st.sampled_from(EMAILS),
        st.none() | st.sampled_from(NAMES),
        st.none() | minutes_back(200 * 24 * 60),
        st.booleans(),  # has an attachment
    ),
    max_size=40,
)
#: A subject by one of their identifiers, for this entity, any entity, or another one.
subjects = st.tuples(
    st.sampled_from([("email", e) for e, _ in PEOPLE] + [("name", n) for _, n in PEOPLE]),
    st.sampled_from([ENTITY, None, "lockers.customers"]),
)
holds = st.lists(
    st.one_of(
        subjects.map(
            lambda s: {"scope_kind": "subject", "subject_ref": subject_ref(*s[0]), "entity": s[1]}
        ),
        record_ids.map(lambda r: {"scope_kind": "record", "entity": ENTITY, "record_id": r}),
        range_holds(ENTITY, 200 * 24 * 60, "channel", st.sampled_from(["sms", "email", "None"])),
    ),
    max_size=3,
)
restrictions = st.lists(
    st.one_of(
        st.sampled_from([("email", e) for e, _ in PEOPLE]).map(lambda s: ("subject", s)),
        st.integers(1, 40).map(lambda i: ("record", i)),
    ),
    max_size=3,
    unique=True,
)


def _reset(scenario, rows) -> None:
    folder = scenario.files / "lockers"
    for path in folder.iterdir():
        path.unlink()
    engine = sa.create_engine(scenario.lockers_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM messages"))
        for i, (email, name, minutes, attached) in enumerate(rows, start=1):
            path = f"{i}.pdf" if attached else None
            conn.execute(
                sa.text(
                    "INSERT INTO messages (id, recipient_email, recipient_name, channel, sent_at,"
                    " attachment) VALUES (:i, :e, :n, :c, :t, :p)"
                ),
                {
                    "i": i,
                    "e": email,
                    "n": name,
                    "c": ("sms", "email", None)[i % 3],
                    "t": None if minutes is None else BASE + timedelta(minutes=minutes),
                    "p": path,
                },
            )
            if path:
                (folder / path).write_bytes(b"notice")
    engine.dispose()


def _restrict(store, shapes) -> list:
    with store.begin() as conn:
        conn.execute(sa.delete(Restriction))
        for n, (kind, value) in enumerate(shapes):
            by_record = kind == "record"
            conn.execute(
                sa.insert(Restriction).values(
                    id=f"r{n}",
                    subject_ref="sr_" + "0" * 32 if by_record else subject_ref(*value),
                    entity=ENTITY if by_record else None,
                    record_id=str(value) if by_record else None,
                    reason="Art. 18",
                    placed_at=NOW,
                )
            )
    return list(restrictions_in_force(store).holds)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=messages,
    shapes=holds,
    restricted=restrictions,
    batch=st.integers(1, 7),
    bulk_batch=st.integers(1, 7),
    sql_holds=st.booleans(),
    storage_order=st.booleans(),
)
def test_subjects_are_kept_however_spelled(
    scenario, rows, shapes, restricted, batch, bulk_batch, sql_holds, storage_order
):
    _reset(scenario, rows)
    held = build(shapes, "h")
    restricting = _restrict(open_store(), restricted)
    state = {}
    for i, (email, name, minutes, _) in enumerate(rows, start=1):
        anchor = None if minutes is None else BASE + timedelta(minutes=minutes)
        row = {
            "id": i,
            "recipient_email": email,
            "recipient_name": name,
            "channel": ("sms", "email", None)[i % 3],
            "sent_at": anchor,
        }
        if anchor is None or not anchor.replace(tzinfo=UTC) + timedelta(days=90) < NOW:
            state[i] = "not_due"
        elif covered(held, ENTITY, row, "sent_at", IDENTIFIERS):
            state[i] = "held"
        elif covered(restricting, ENTITY, row, "sent_at", IDENTIFIERS):
            state[i] = "restricted"
        else:
            state[i] = "free"
    kept = {"holds": HoldSet(held), "restrictions": HoldSet(restricting)}
    sources = SqlSources(scenario.policy)
    args = (scenario.policy, sources, "parcel_locker", "messages_after_90_days")
    try:
        planned = plan_rule(*args, now=NOW, sql_holds=sql_holds, **kept)
        swept = sweep_rule(
            *args,
            now=NOW,
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
    count = list(state.values()).count
    expected = (len(state) - count("not_due"), count("held"), count("restricted"), count("free"))
    assert (planned.due, planned.held, planned.restricted, planned.actionable) == expected
    assert (swept.due, swept.held, swept.restricted, swept.removed) == expected
    left = {r["id"] for r in scenario.rows(scenario.lockers_url, "messages")}
    assert left == {i for i, s in state.items() if s != "free"}
    files = {p.name for p in (scenario.files / "lockers").iterdir()}
    assert files == {f"{i}.pdf" for i, (*_, a) in enumerate(rows, start=1) if a and i in left}
