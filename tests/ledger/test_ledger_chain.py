"""Ledger.append and Ledger.verify on intact chains, and the hashing rules they rest on."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.audit.ledger import GENESIS_HASH, Ledger, entry_hash
from governance.store import open_store


@pytest.fixture
def ledger(new_database) -> Ledger:
    return Ledger(open_store(new_database("gov")))


def test_empty_ledger_verifies(ledger):
    result = ledger.verify()
    assert (result.ok, result.checked, result.first_bad, result.head) == (True, 0, None, None)


def test_one_entry(ledger):
    entry = ledger.append(
        "retention.swept",
        "scheduler",
        purpose="marketing",
        rule="newsletter_subscribers",
        counts={"deleted": 3, "kept": 10},
        policy_version="ab" * 32,
        detail={"batches": 1, "order": "oldest_first"},
    )
    assert entry.seq == 1
    assert entry.prev_hash == GENESIS_HASH
    assert len(entry.hash) == 64
    assert entry.at.tzinfo == UTC
    assert entry.computed_hash() == entry.hash
    result = ledger.verify()
    assert (result.ok, result.checked, result.first_bad, result.head) == (True, 1, None, entry.hash)
    [stored] = list(ledger.entries())
    assert stored == entry


def test_two_hundred_entries_link_up(ledger):
    appended = [
        ledger.append("dsr.step", f"worker-{i % 3}", counts={"rows": i}, detail={"i": i})
        for i in range(200)
    ]
    assert [e.seq for e in appended] == list(range(1, 201))
    for before, after in zip(appended, appended[1:], strict=False):
        assert after.prev_hash == before.hash
    result = ledger.verify()
    assert (result.ok, result.checked, result.head) == (True, 200, appended[-1].hash)
    assert ledger.count() == 200
    assert ledger.head() == appended[-1]


def test_entries_paging(ledger):
    for i in range(5):
        ledger.append("e", "a", counts={"i": i})
    assert [e.seq for e in ledger.entries(limit=2)] == [1, 2]
    assert [e.seq for e in ledger.entries(limit=2, newest=True)] == [4, 5]
    assert [e.seq for e in ledger.entries(after=3)] == [4, 5]


def test_hash_is_sha256_of_canonical_json(ledger):
    entry = ledger.append("e", "a", detail={"b": [1, 2], "a": "ā"})
    canonical = (
        '{"actor":"a","at":"' + entry.at.isoformat(timespec="microseconds") + '",'
        '"counts":{},"detail":{"a":"ā","b":[1,2]},"event":"e","policy_version":null,'
        '"prev_hash":"' + GENESIS_HASH + '","purpose":null,"request_id":null,"rule":null,"seq":1}'
    )
    import hashlib

    assert entry.hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert entry.at.isoformat().endswith("+00:00")


def test_tuples_in_detail_are_stored_and_hashed_as_lists(ledger):
    ledger.append("e", "a", detail={"pair": (1, 2)})
    assert ledger.verify().ok
    [entry] = list(ledger.entries())
    assert entry.detail == {"pair": [1, 2]}


def test_anchor_of_an_intact_chain_is_found(ledger):
    first = ledger.append("e", "a")
    ledger.append("e", "a")
    assert ledger.verify(anchor=first.hash).ok
    missing = ledger.verify(anchor="f" * 64)
    assert not missing.ok
    assert "anchor" in missing.reason


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"counts": {"n": True}}, "counts.n"),
        ({"counts": {"n": 1.5}}, "counts.n"),
        ({"detail": {"x": float("nan")}}, "detail.x"),
        ({"detail": {"x": object()}}, "detail.x"),
        ({"purpose": ""}, "purpose"),
        ({"rule": "r" * 129}, "rule"),
        ({"policy_version": "v" * 65}, "policy_version"),
    ],
)
def test_malformed_values_are_refused(ledger, bad, field):
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        ledger.append("e", "a", **bad)
    assert ledger.count() == 0


_json_leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
_json_value = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = {
    "seq": st.integers(1, 10**6),
    "actor": st.text(min_size=1, max_size=10),
    "event": st.text(min_size=1, max_size=10),
    "purpose": st.none() | st.text(max_size=10),
    "rule": st.none() | st.text(max_size=10),
    "request_id": st.none() | st.text(max_size=10),
    "counts": st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    "policy_version": st.none() | st.text(max_size=10),
    "detail": st.dictionaries(st.text(max_size=5), _json_value, max_size=3),
    "prev_hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    "at": st.datetimes(timezones=st.just(UTC)),
}
_content = st.fixed_dictionaries(_FIELDS)


@given(content=_content, other=_content, field=st.sampled_from(sorted(_FIELDS)))
def test_every_hashed_field_changes_the_hash(content, other, field):
    changed = {**content, field: other[field]}
    same = json.dumps(changed[field], sort_keys=True, default=str) == json.dumps(
        content[field], sort_keys=True, default=str
    )
    assert (entry_hash(changed) == entry_hash(content)) == same
