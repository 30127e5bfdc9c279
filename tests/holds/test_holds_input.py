"""What a hold must be before it is stored: a record that exists, bounded plain text without
control or direction characters, no personal data, no duplicate of an active hold. Each refusal
names its field (``exc.field``; the CLI prints ``--<option>:``), never the value, and stores
nothing: no hold, no ledger entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.audit.ledger import Ledger
from governance.cli import main
from governance.holds import HoldError, active_holds, place_hold, release_hold
from governance.policy import load_policy
from governance.store import open_store

POLICY = Path(__file__).parents[1] / "retention" / "fixtures" / "estate_policy"
CASE = "video_surveillance"


@pytest.fixture
def store(monkeypatch, new_database, tmp_path):
    """A store, and the CCTV source with recordings 1-3 (record holds are looked up there)."""
    cams = new_database("cams")
    engine = sa.create_engine(cams)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE cameras (id INTEGER PRIMARY KEY, location TEXT)")
        conn.exec_driver_sql(
            "CREATE TABLE recordings (id INTEGER PRIMARY KEY, camera_id INTEGER,"
            " recorded_at TIMESTAMP, file_path TEXT)"
        )
        conn.exec_driver_sql("INSERT INTO recordings (id, camera_id) VALUES (1, 1), (2, 1), (3, 2)")
    engine.dispose()
    if cams.startswith("sqlite"):
        uri = "sqlite://" + cams.removeprefix("sqlite:///").replace("/", "%2F")
    else:
        uri = sa.engine.make_url(cams).set(drivername="postgresql").render_as_string(False)
    monkeypatch.setenv("AIRFLOW_CONN_FIX_CAMS", uri)
    monkeypatch.setenv(
        "AIRFLOW_CONN_FIX_FILES", json.dumps({"conn_type": "fs", "extra": {"path": str(tmp_path)}})
    )
    url = new_database("store")
    monkeypatch.setenv("GOVERNANCE_STORE_URL", url)
    monkeypatch.setenv("GOVERNANCE_POLICY", str(POLICY))
    monkeypatch.setenv("GOVERNANCE_SUBJECT_KEY", "s" * 32)
    return open_store(url)


def _place(store, **scope):
    scope.setdefault("reason", "incident INC-17")
    return place_hold(store, load_policy(POLICY), purpose=CASE, placed_by="dpo", **scope)


def _nothing_stored(store) -> bool:
    return active_holds(store) == [] and Ledger(store).count() == 0


def test_a_record_hold_must_name_a_record_that_exists(store):
    for missing in ("4", "01", "x", "-1"):
        with pytest.raises(HoldError) as caught:
            _place(store, record=("cams.recordings", missing))
        assert caught.value.field == "record_id"
    assert _nothing_stored(store)
    assert _place(store, record=("cams.recordings", "2"))
    assert [h.record_id for h in active_holds(store)] == ["2"]


@pytest.mark.parametrize(
    "text",
    [
        "case\n17",  # a second line
        "case\x0017",  # a NUL
        "case \u202e71-CNI",  # right-to-left override: the audit view would show other text
        "case \u2066INC-17\u2069",  # a directional isolate
        "INC\u200b-17",  # a zero-width space
        "x" * 301,  # too long
    ],
)
def test_reasons_are_bounded_plain_text(store, text):
    with pytest.raises(HoldError) as caught:
        _place(store, record=("cams.recordings", "1"), reason=text)
    assert caught.value.field == "reason"
    assert text not in str(caught.value)
    assert _nothing_stored(store)


def test_record_ids_and_narrowing_values_are_bounded_plain_text(store):
    with pytest.raises(HoldError) as caught:
        _place(store, record=("cams.recordings", "1\u202e"))
    assert caught.value.field == "record_id"
    with pytest.raises(HoldError) as caught:
        _place(store, record=("cams.recordings", "9" * 256))
    assert caught.value.field == "record_id"
    with pytest.raises(HoldError) as caught:
        _place(
            store,
            range_from=_t("2026-10-05T00:00"),
            range_to=_t("2026-10-06T00:00"),
            where={"camera_id": "3\u2066"},
        )
    assert caught.value.field == "where"
    assert _nothing_stored(store)


def test_a_release_reason_is_checked_the_same_way(store):
    hold_id = _place(store, record=("cams.recordings", "1"))
    with pytest.raises(HoldError) as caught:
        release_hold(store, hold_id, reason="done \u202e", released_by="dpo")
    assert caught.value.field == "reason"
    assert [h.id for h in active_holds(store)] == [hold_id]


def test_a_duplicate_of_an_active_hold_is_refused_naming_it(store):
    first = _place(store, record=("cams.recordings", "1"))
    with pytest.raises(HoldError) as caught:
        _place(store, record=("cams.recordings", "1"), reason="another case")
    assert caught.value.field == "hold" and first in str(caught.value)
    window = {"range_from": _t("2026-10-05T00:00"), "range_to": _t("2026-10-06T00:00")}
    second = _place(store, where={"camera_id": "3"}, **window)
    with pytest.raises(HoldError, match=second):
        _place(store, where={"camera_id": "3"}, **window)
    _place(store, where={"camera_id": "2"}, **window)  # another camera: not a duplicate
    release_hold(store, first, reason="case closed", released_by="dpo")
    assert _place(store, record=("cams.recordings", "1"))  # released: may be held again
    assert len(active_holds(store)) == 3


def test_a_hold_never_names_a_persons_data_by_column(store):
    policy = load_policy(POLICY)
    with pytest.raises(HoldError) as caught:
        place_hold(
            store,
            policy,
            purpose="parcel_locker",
            placed_by="dpo",
            reason="claim 7",
            entity="lockers.messages",
            range_from=_t("2026-10-05T00:00"),
            range_to=_t("2026-10-06T00:00"),
            where={"recipient_email": "anna@example.lv"},
        )
    assert caught.value.field == "where" and "anna@example.lv" not in str(caught.value)
    assert caught.value.fix and "subject" in caught.value.fix
    assert _nothing_stored(store)


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (["--record", "cams.recordings:44"], "--record: no record with this id"),
        (["--record", "cams.recordings:1", "--reason", "a\u202eb"], "--reason:"),
        (["--from", "2026-10-05T00:00", "--to", "nope"], "--to: expected an ISO time"),
        (["--subject-ref", "sr_xyz"], "--subject-ref: expected sr_"),
        (["--from", "2026-10-05T00:00", "--to", "2026-10-06T00:00", "--where", "x"], "--where:"),
    ],
)
def test_the_cli_prints_the_option_of_the_field(store, capsys, args, printed):
    if "--reason" not in args:
        args = [*args, "--reason", "case 1"]
    assert main(["hold", "place", "--purpose", CASE, *args]) == 2
    assert printed in capsys.readouterr().err
    assert _nothing_stored(store)


def _t(text: str):
    from datetime import UTC, datetime

    return datetime.fromisoformat(text).replace(tzinfo=UTC)
