"""The encrypted archive: typed round trips, nothing readable at rest, tamper and key errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from upath import UPath

from governance.errors import ConfigurationError
from governance.retention.archive_store import ArchiveError, ArchiveStore, load_archive_key

ROWS = [
    {
        "id": 1,
        "name": "Anna Bērziņa",
        "born": date(1990, 4, 12),
        "at": datetime(2024, 1, 2, 3, 4, 5),
        "aware": datetime(2024, 1, 2, tzinfo=UTC),
        "amount": Decimal("12.50"),
        "blob": b"\x00\x01",
        "none": None,
        "flag": True,
        "ratio": 0.25,
    },
]


@pytest.fixture(params=["local", "memory"])
def root(request, tmp_path):
    return (
        tmp_path / "archive"
        if request.param == "local"
        else UPath(f"memory://archive-{id(tmp_path)}")
    )


def test_typed_rows_children_and_files_round_trip(root):
    store = ArchiveStore(root, Fernet.generate_key())
    store.write_batch(
        "p/r/run-1",
        0,
        entity="s.e",
        rows=ROWS,
        files={"a/b.pdf": b"%PDF"},
        children={"s.child": [{"id": 9, "parent": 1}]},
    )
    (batch,) = list(store.read_batches("p/r/run-1"))
    assert batch.rows == ROWS and batch.files == {"a/b.pdf": b"%PDF"}
    assert batch.children == {"s.child": [{"id": 9, "parent": 1}]}
    assert store.next_batch_number("p/r/run-1") == 1
    manifest = store.read_manifest("p/r/run-1")
    assert manifest["rows"] == 1 and manifest["status"] == "open"
    assert "Anna" not in str(manifest)


def test_nothing_is_readable_at_rest(tmp_path):
    store = ArchiveStore(tmp_path, Fernet.generate_key())
    path = store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS, files={"f": b"SECRETFILE"})
    raw = Path(path).read_bytes()
    assert "Bērziņa".encode() not in raw and b"SECRETFILE" not in raw and b"Anna" not in raw


def test_wrong_key_and_tampering_are_errors_without_content(tmp_path):
    key = Fernet.generate_key()
    path = ArchiveStore(tmp_path, key).write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    with pytest.raises(ArchiveError, match="cannot decrypt"):
        list(ArchiveStore(tmp_path, Fernet.generate_key()).read_batches("p/r/x"))
    data = bytearray(Path(path).read_bytes())
    data[40] ^= 1
    Path(path).write_bytes(bytes(data))
    with pytest.raises(ArchiveError) as caught:
        list(ArchiveStore(tmp_path, key).read_batches("p/r/x"))
    assert "Anna" not in str(caught.value)


def test_key_rotation_keeps_old_sets_readable(tmp_path):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    ArchiveStore(tmp_path, old).write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    rotated = ArchiveStore(tmp_path, new + b"," + old)
    assert [b.rows for b in rotated.read_batches("p/r/x")] == [ROWS]


def test_rewriting_a_batch_replaces_it(tmp_path):
    store = ArchiveStore(tmp_path, Fernet.generate_key())
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    store.write_batch("p/r/x", 0, entity="s.e", rows=[{"id": 2}])
    assert [b.rows for b in store.read_batches("p/r/x")] == [[{"id": 2}]]


@pytest.mark.parametrize("bad", ["../escape", "p/../../x", "Upper/x", "/abs", ""])
def test_set_ids_cannot_escape_the_root(tmp_path, bad):
    with pytest.raises(ArchiveError, match="set id"):
        ArchiveStore(tmp_path, Fernet.generate_key()).write_batch(bad, 0, entity="s.e", rows=[])


def test_missing_key_names_both_places(monkeypatch):
    monkeypatch.delenv("GOVERNANCE_ARCHIVE_KEY", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_GOVERNANCE_ARCHIVE_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="GOVERNANCE_ARCHIVE_KEY.*governance_archive_key"):
        load_archive_key()
    with pytest.raises(ConfigurationError, match="Fernet"):
        ArchiveStore("/tmp", b"not-a-key")


def test_airflow_object_storage_path_works_as_root(tmp_path):
    from airflow.sdk import ObjectStoragePath

    store = ArchiveStore(ObjectStoragePath(f"file://{tmp_path}/osp"), Fernet.generate_key())
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    assert [b.rows for b in store.read_batches("p/r/x")] == [ROWS]
    assert (tmp_path / "osp" / "p" / "r" / "x" / "batch-000000.bin").exists()
