"""Legal holds from the command line: validation before anything is written, ledger entries,
expiry, and identifiers only ever through standard input."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from governance.audit.ledger import Ledger
from governance.cli import main
from governance.holds import HoldError, HoldSet, active_holds, place_hold
from governance.identity import subject_ref
from governance.policy import load_policy
from governance.store import open_store

POLICY = Path(__file__).parents[1] / "retention" / "fixtures" / "estate_policy"


@pytest.fixture
def store(monkeypatch, new_database):
    url = new_database("store")
    monkeypatch.setenv("GOVERNANCE_STORE_URL", url)
    monkeypatch.setenv("GOVERNANCE_POLICY", str(POLICY))
    monkeypatch.setenv("GOVERNANCE_SUBJECT_KEY", "s" * 32)
    return open_store(url)


def test_place_list_release_round_trip_with_ledger_entries(store, capsys):
    code = main(
        [
            "hold",
            "place",
            "--purpose",
            "video_surveillance",
            "--from",
            "2026-10-05T00:00",
            "--to",
            "2026-10-06T00:00",
            "--where",
            "camera_id=3",
            "--reason",
            "incident INC-17",
            "--by",
            "dpo",
        ]
    )
    assert code == 0
    hold_id = capsys.readouterr().out.strip()
    assert main(["hold", "list"]) == 0
    listing = capsys.readouterr().out
    assert hold_id in listing and "camera_id=3" in listing and "active" in listing
    assert main(["hold", "release", hold_id, "--reason", "case closed", "--by", "dpo"]) == 0
    assert active_holds(store) == []
    events = [e.event for e in Ledger(store).entries()]
    assert events == ["hold_placed", "hold_released"]
    assert main(["hold", "release", hold_id, "--reason", "again"]) == 2  # already released


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--record", "cams.recordings:1", "--subject-ref", "sr_" + "0" * 32], "argument"),
        (["--record", "lockers.customers:1"], "--record"),  # entity of another purpose
        (["--subject-ref", "anna@example.lv"], "--subject-ref"),
        (["--from", "2026-10-06T00:00", "--to", "2026-10-05T00:00"], "--from"),
        (["--from", "2026-10-05", "--to", "2026-10-06", "--where", "colour=red"], "--where"),
        (["--record", "cams.recordings:1", "--until", "2001-01-01"], "--until"),
    ],
)
def test_bad_input_names_the_option_and_writes_nothing(store, capsys, args, names):
    with pytest.raises(SystemExit) if names == "argument" else _no_raise():
        code = main(
            ["hold", "place", "--purpose", "video_surveillance", "--reason", "case 1", *args]
        )
        assert code == 2
    err = capsys.readouterr().err
    assert names in err
    assert "anna@example.lv" not in err
    assert active_holds(store) == [] and Ledger(store).count() == 0


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_reasons_with_personal_data_are_refused(store):
    with pytest.raises(HoldError, match="reference") as caught:
        place_hold(
            store,
            load_policy(POLICY),
            purpose="video_surveillance",
            placed_by="dpo",
            reason="complaint by +371 29123456",
            record=("cams.recordings", "5"),
        )
    assert "29123456" not in str(caught.value)


def test_expired_and_subject_holds(store):
    policy = load_policy(POLICY)
    now = datetime(2026, 11, 24, tzinfo=UTC)
    ref = subject_ref("email", "Anna@Example.lv")
    place_hold(
        store,
        policy,
        purpose="parcel_locker",
        placed_by="dpo",
        reason="claim 7",
        subject_ref=ref,
        until=date(2026, 12, 1),
        now=now,
    )
    holds = HoldSet(active_holds(store, purpose="parcel_locker", at=now))
    row = {"id": 1, "email": "anna@example.lv"}
    assert holds.covers("lockers.customers", 1, anchor=None, row=row, subject_refs={ref})
    assert not holds.covers("lockers.customers", 2, anchor=None, row=row, subject_refs=set())
    later = now + timedelta(days=8)
    assert active_holds(store, purpose="parcel_locker", at=later) == []  # expired stops holding


def test_subject_ref_reads_standard_input_only(store, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("+371 29 123 456\n"))
    assert main(["subject-ref", "--kind", "phone"]) == 0
    assert capsys.readouterr().out.strip() == subject_ref("phone", "29123456")
    monkeypatch.setattr(sys, "stdin", io.StringIO("not a phone\n"))
    assert main(["subject-ref", "--kind", "phone"]) == 2
    assert "not a phone" not in capsys.readouterr().err


def test_subject_ref_cli_in_a_real_process(store, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "governance.cli", "subject-ref", "--kind", "email"],
        input="Anna@Example.LV\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == subject_ref("email", "anna@example.lv")
