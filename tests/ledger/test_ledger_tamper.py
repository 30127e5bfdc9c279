"""Tampering with the stored ledger is found, at the right entry and for the right reason.

Every test edits the real SQLite file with raw SQL, as someone bypassing the engine would.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.audit.ledger import Ledger, entry_hash
from governance.store import open_store

N = 12


def _build(path: Path, n: int = N) -> Ledger:
    ledger = Ledger(open_store(f"sqlite:///{path}"))
    for i in range(n):
        ledger.append("retention.swept", "scheduler", counts={"deleted": i}, detail={"batch": i})
    return ledger


def _sql(path: Path, *statements: tuple[str, tuple]) -> None:
    with sqlite3.connect(path) as db:
        for statement, params in statements:
            db.execute(statement, params)


def _row(path: Path, seq: int) -> dict:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM ledger_entries WHERE seq = ?", (seq,)).fetchone())


@pytest.fixture
def built(tmp_path) -> tuple[Ledger, Path]:
    path = tmp_path / "gov.db"
    return _build(path), path


def test_edited_field_is_content_changed(built):
    ledger, path = built
    _sql(path, ("UPDATE ledger_entries SET counts = ? WHERE seq = 5", ('{"deleted": 400}',)))
    result = ledger.verify()
    assert (result.ok, result.first_bad, result.checked) == (False, 5, 4)
    assert result.reason.startswith("content changed")


def test_deleted_middle_entry_is_a_gap(built):
    ledger, path = built
    _sql(path, ("DELETE FROM ledger_entries WHERE seq = 6", ()))
    result = ledger.verify()
    assert (result.ok, result.first_bad) == (False, 7)
    assert result.reason.startswith("entry missing before this one")


def test_swapped_entries_are_out_of_order(built):
    ledger, path = built
    _sql(
        path,
        ("UPDATE ledger_entries SET seq = 1000 WHERE seq = 4", ()),
        ("UPDATE ledger_entries SET seq = 4 WHERE seq = 9", ()),
        ("UPDATE ledger_entries SET seq = 9 WHERE seq = 1000", ()),
    )
    result = ledger.verify()
    assert (result.ok, result.first_bad) == (False, 4)
    assert result.reason.startswith("out of order / chain broken")


def test_forged_entry_in_the_middle_is_an_inserted_entry(built):
    ledger, path = built
    k = 7
    previous = _row(path, k - 1)
    forged = {
        **_row(path, k),
        "seq": k,
        "prev_hash": previous["hash"],
        "event": "retention.skipped",
    }
    forged_content = {
        **forged,
        "at": next(e for e in ledger.entries() if e.seq == k).at,
        "counts": {"deleted": 0},
        "detail": {"batch": 6},
    }
    forged["hash"] = entry_hash(forged_content)
    forged["counts"] = '{"deleted": 0}'
    forged["detail"] = '{"batch": 6}'
    columns = ", ".join(forged)
    marks = ", ".join("?" for _ in forged)
    _sql(
        path,
        ("UPDATE ledger_entries SET seq = seq + 100000 WHERE seq >= ?", (k,)),
        ("UPDATE ledger_entries SET seq = seq - 100000 + 1 WHERE seq >= 100000", ()),
        (f"INSERT INTO ledger_entries ({columns}) VALUES ({marks})", tuple(forged.values())),
    )
    # The forged entry on its own looks right: seq, link and hash all agree.
    forged_entry = next(e for e in ledger.entries() if e.seq == k)
    assert forged_entry.computed_hash() == forged_entry.hash
    result = ledger.verify()
    assert (result.ok, result.first_bad) == (False, k)
    assert result.reason.startswith("inserted entry")


def _rewrite_tail_consistently(ledger: Ledger, path: Path, start: int) -> None:
    """Change entry ``start`` and recompute every hash from there on, as a careful forger would."""
    entries = [e for e in ledger.entries() if e.seq >= start]
    prev_hash = _row(path, start - 1)["hash"]
    statements = []
    for entry in entries:
        content = {name: getattr(entry, name) for name in entry.__dataclass_fields__}
        content["prev_hash"] = prev_hash
        if entry.seq == start:
            content["counts"] = {"deleted": 0}
        content["hash"] = entry_hash(content)
        statements.append(
            (
                "UPDATE ledger_entries SET counts = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (
                    '{"deleted": 0}' if entry.seq == start else _row(path, entry.seq)["counts"],
                    prev_hash,
                    content["hash"],
                    entry.seq,
                ),
            )
        )
        prev_hash = content["hash"]
    _sql(path, *statements)


def test_consistent_tail_rewrite_needs_an_anchor(built):
    ledger, path = built
    anchor = ledger.head().hash
    _rewrite_tail_consistently(ledger, path, start=9)
    assert _row(path, 9)["counts"] == '{"deleted": 0}'
    without = ledger.verify()
    assert (without.ok, without.checked) == (True, N)
    assert without.head != anchor
    with_anchor = ledger.verify(anchor=anchor)
    assert not with_anchor.ok
    assert with_anchor.checked == N
    assert "anchor" in with_anchor.reason


def test_anchor_still_found_after_honest_appends(built):
    ledger, _ = built
    anchor = ledger.head().hash
    ledger.append("e", "a")
    assert ledger.verify(anchor=anchor).ok


def test_truncated_tail_is_caught_by_the_anchor(built):
    ledger, path = built
    anchor = ledger.head().hash
    _sql(path, ("DELETE FROM ledger_entries WHERE seq > 10", ()))
    assert ledger.verify().ok
    assert not ledger.verify(anchor=anchor).ok


_TAMPERS = {
    "actor": ("'mallory'",),
    "event": ("'retention.skipped'",),
    "purpose": ("'marketing'",),
    "rule": ("'r'",),
    "request_id": ("'00000000-0000-4000-8000-000000000000'",),
    "counts": ("'{\"deleted\": 99999}'",),
    "policy_version": ("'v2'",),
    "detail": ("'{\"batch\": -1}'",),
    "at": ("'2001-01-01 00:00:00.000000'",),
    "prev_hash": ("'" + "1" * 64 + "'",),
    "hash": ("'" + "2" * 64 + "'",),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pristine") / "gov.db"
    _build(path).verify()
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=st.integers(1, N), column=st.sampled_from(sorted(_TAMPERS)))
def test_any_single_field_edit_is_found_at_that_entry(pristine, seq, column):
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        with sqlite3.connect(pristine) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        _sql(
            copy,
            (f"UPDATE ledger_entries SET {column} = {_TAMPERS[column][0]} WHERE seq = ?", (seq,)),
        )
        engine = open_store(f"sqlite:///{copy}")
        try:
            result = Ledger(engine).verify()
        finally:
            engine.dispose()
    assert not result.ok
    assert result.first_bad == seq
    assert result.checked == seq - 1
