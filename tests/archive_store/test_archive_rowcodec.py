"""Typed JSON: every value a row can hold comes back as the same type and value."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.archive import rowcodec

OFFSETS = st.builds(
    timezone,
    st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
        lambda m: timedelta(minutes=m)
    ),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities included
    st.text(),
    st.binary(),
    st.decimals(allow_nan=False),
    st.dates(),
    st.datetimes(),  # naive
    st.datetimes(timezones=OFFSETS),  # aware, any offset
    st.times(),
    st.timedeltas(),
    st.uuids(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),  # keys may start with "$"
    ),
    max_leaves=12,
)


def same(a, b) -> bool:
    """Equal in type and value; aware datetimes also in UTC offset; NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Decimal):
        return str(a) == str(b)
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


@given(VALUES)
def test_every_supported_value_round_trips_exactly(value):
    assert same(rowcodec.loads(rowcodec.dumps(value)), value)


@given(st.dictionaries(st.text(min_size=1, max_size=10), SCALARS, max_size=6))
def test_rows_round_trip_exactly(row):
    assert same(rowcodec.loads(rowcodec.dumps([row])), [row])


def test_a_row_mapping_that_looks_like_a_tag_stays_a_mapping():
    row = {"meta": {"$date": "2024-01-31"}, "$decimal": "1"}
    back = rowcodec.loads(rowcodec.dumps(row))
    assert back == row and isinstance(back["meta"]["$date"], str)


def test_the_encoding_is_strict_json_and_tags_what_json_cannot_carry():
    data = rowcodec.dumps(
        {
            "d": date(2024, 1, 31),
            "t": datetime(2024, 1, 31, 12, 0, tzinfo=UTC),
            "n": float("nan"),
            "u": UUID(int=1),
        }
    )
    assert b"NaN" not in data  # allow_nan=False: other JSON readers can parse it
    assert b'"$date":"2024-01-31"' in data and b'"$float":"nan"' in data
    assert b'"$datetime":"2024-01-31T12:00:00+00:00"' in data


def test_unsupported_values_are_refused_naming_the_field_not_the_value():
    with pytest.raises(rowcodec.RowCodecError) as caught:
        rowcodec.dumps([{"id": 1, "email": {"anna@example.lv"}}], "rows")
    message = str(caught.value)
    assert "rows[0].email" in message and "set" in message
    assert "anna" not in message


def test_non_string_keys_are_refused():
    with pytest.raises(rowcodec.RowCodecError, match="keys must be str"):
        rowcodec.dumps({1: "x"})


def test_an_unknown_tag_is_an_error_not_silently_a_mapping():
    with pytest.raises(rowcodec.RowCodecError, match="unknown tag"):
        rowcodec.loads(b'{"$nope": 1, "$other": 2}')
