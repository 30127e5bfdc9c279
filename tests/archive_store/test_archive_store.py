"""The encrypted archive: typed round trips on every store, nothing readable at rest, tamper,
move and key errors without content, atomic rewrites, rotation, PII-free manifests."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from upath import UPath

from governance.archive import store as archive_module
from governance.archive.rowcodec import RowCodecError
from governance.archive.store import (
    ArchiveError,
    ArchiveStore,
    archive_root,
    load_archive_key,
)
from governance.errors import ConfigurationError

ROWS = [
    {
        "id": 1,
        "name": "Anna Bērziņa",
        "email": "anna.berzina@example.lv",
        "born": date(1990, 4, 12),
        "at": datetime(2024, 1, 2, 3, 4, 5, 678901),
        "aware": datetime(2024, 1, 2, 9, 30, tzinfo=timezone(timedelta(hours=3))),
        "amount": Decimal("12.50"),
        "blob": b"\x00\x01\xff",
        "none": None,
        "flag": True,
        "count": 7,
        "ratio": 0.25,
    },
    {"id": 2, "name": "Jānis Kalniņš", "email": None, "born": None, "amount": Decimal("-0.001")},
]
CHILDREN = {"lockers.notes": [{"id": 9, "customer_id": 1, "text": "call +37120000000"}]}
FILES = {"cvs/anna-cv.pdf": b"%PDF-1.4 SECRETFILE", "photos/a.jpg": b"\xff\xd8"}
SECRETS = [b"Anna", "Bērziņa".encode(), b"anna.berzina", b"SECRETFILE", b"37120000000", b"12.50"]


@pytest.fixture(params=["local", "file-url", "memory"])
def root(request, tmp_path):
    if request.param == "local":
        return tmp_path / "archive"
    if request.param == "file-url":
        return f"file://{tmp_path}/archive"
    return UPath(f"memory://archive-{uuid.uuid4().hex}")


@pytest.fixture
def key() -> bytes:
    return Fernet.generate_key()


def _raw_objects(store: ArchiveStore, set_id: str) -> list[bytes]:
    return [p.read_bytes() for p in (store.root / set_id).iterdir()]


def test_typed_rows_children_and_files_round_trip(root, key):
    store = ArchiveStore(root, key)
    path = store.write_batch(
        "p/r/run-1", 0, entity="lockers.customers", rows=ROWS, files=FILES, children=CHILDREN
    )
    store.write_batch("p/r/run-1", 1, entity="lockers.customers", rows=ROWS[1:])
    assert path.endswith("p/r/run-1/batch-000000.bin")
    first, second = list(ArchiveStore(root, key).read_batches("p/r/run-1"))
    assert (first.number, second.number) == (0, 1)
    assert first.entity == "lockers.customers"
    assert first.rows == ROWS and first.files == FILES and first.children == CHILDREN
    for original, back in zip(ROWS[0].values(), first.rows[0].values(), strict=True):
        assert type(back) is type(original)
    assert first.rows[0]["aware"].utcoffset() == timedelta(hours=3)
    assert first.rows[0]["at"].tzinfo is None
    assert second.rows == ROWS[1:] and second.files == {} and second.children == {}
    assert store.next_batch_number("p/r/run-1") == 2


def test_nothing_is_readable_at_rest(root, key):
    store = ArchiveStore(root, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS, files=FILES, children=CHILDREN)
    raw = b"".join(_raw_objects(store, "p/r/x"))
    assert len(raw) > 500  # the batch is there
    for secret in SECRETS:
        assert secret not in raw


def test_the_manifest_is_plain_counts_without_row_values(root, key):
    store = ArchiveStore(root, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS, files=FILES, children=CHILDREN)
    store.write_batch("p/r/x", 1, entity="s.e", rows=ROWS[:1])
    store.seal("p/r/x", purpose="p", rule="r", policy_version="ab" * 32)
    text = (store.root / "p/r/x/manifest.json").read_text()
    for secret in SECRETS:
        assert secret.decode() not in text
    manifest = json.loads(text)  # plain JSON, no key needed
    assert manifest["set_id"] == "p/r/x" and manifest["status"] == "sealed"
    assert (manifest["batches"], manifest["rows"], manifest["child_rows"], manifest["files"]) == (
        2,
        3,
        1,
        2,
    )
    assert (manifest["purpose"], manifest["rule"], manifest["entity"]) == ("p", "r", "s.e")
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None


def test_auditors_list_sets_without_the_key(root, key):
    store = ArchiveStore(root, key)
    store.write_batch("b/r/run-2", 0, entity="s.e", rows=ROWS)
    store.write_batch("a/r/run-1", 0, entity="s.e", rows=ROWS[:1])
    store.seal("a/r/run-1")
    auditor = ArchiveStore(root, None)
    listed = auditor.list_sets()
    assert [(m["set_id"], m["status"], m["rows"]) for m in listed] == [
        ("a/r/run-1", "sealed", 1),
        ("b/r/run-2", "open", 2),
    ]
    with pytest.raises(ArchiveError, match="without a key"):
        list(auditor.read_batches("a/r/run-1"))


def test_an_empty_or_missing_root_lists_nothing(tmp_path, key):
    assert ArchiveStore(tmp_path / "nothing-yet", key).list_sets() == []
    with pytest.raises(ArchiveError, match="does not exist"):
        list(ArchiveStore(tmp_path, key).read_batches("no/such/set"))


def test_manifest_refuses_personal_identifiers(tmp_path, key):
    store = ArchiveStore(tmp_path, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    with pytest.raises(ArchiveError, match="'note'") as caught:
        store.seal("p/r/x", note="asked by anna.berzina@example.lv")
    assert "anna" not in str(caught.value)
    with pytest.raises(ArchiveError, match="'rows_of'"):
        store.write_manifest("p/r/x", {"rows_of": [{"name": "x"}]})
    assert store.read_manifest("p/r/x")["status"] == "open"  # nothing written


def test_wrong_key_is_an_error_naming_the_set_and_batch_only(root, key):
    ArchiveStore(root, key).write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    with pytest.raises(ArchiveError) as caught:
        list(ArchiveStore(root, Fernet.generate_key()).read_batches("p/r/x"))
    message = str(caught.value)
    assert "'p/r/x' batch 0" in message and "cannot decrypt" in message
    assert "Anna" not in message and "anna" not in message


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:20] + bytes([b[20] ^ 0x01]) + b[21:],  # one bit in the header
        lambda b: b[:-10] + (b"A" if b[-10:-9] != b"A" else b"B") + b[-9:],  # in the MAC
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b"",  # emptied
    ],
    ids=["bit-flip", "mac", "truncated", "empty"],
)
def test_a_tampered_object_is_refused(root, key, damage):
    store = ArchiveStore(root, key)
    path = UPath(store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS))
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ArchiveError, match=r"'p/r/x' batch 0: cannot decrypt") as caught:
        list(store.read_batches("p/r/x"))
    assert "Anna" not in str(caught.value)


def test_an_object_moved_to_another_set_or_number_is_refused(tmp_path, key):
    store = ArchiveStore(tmp_path, key)
    source = Path(store.write_batch("p/r/a", 0, entity="s.e", rows=ROWS))
    store.write_batch("p/r/b", 0, entity="s.e", rows=ROWS[1:])
    (tmp_path / "p/r/b/batch-000000.bin").write_bytes(source.read_bytes())
    with pytest.raises(ArchiveError, match="another set or batch"):
        list(store.read_batches("p/r/b"))
    (tmp_path / "p/r/a/batch-000005.bin").write_bytes(source.read_bytes())
    with pytest.raises(ArchiveError, match="'p/r/a' batch 5: the object belongs to another"):
        list(store.read_batches("p/r/a"))


def test_a_deleted_batch_is_noticed(tmp_path, key):
    store = ArchiveStore(tmp_path, key)
    for n in range(3):
        store.write_batch("p/r/x", n, entity="s.e", rows=ROWS)
    (tmp_path / "p/r/x/batch-000001.bin").unlink()
    with pytest.raises(ArchiveError, match="batch 1 is in the manifest but missing"):
        list(store.read_batches("p/r/x"))


def test_rewriting_a_batch_replaces_it_and_its_counts(root, key):
    store = ArchiveStore(root, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS, files=FILES)
    store.write_batch("p/r/x", 0, entity="s.e", rows=[{"id": 2}])
    assert [b.rows for b in store.read_batches("p/r/x")] == [[{"id": 2}]]
    manifest = store.read_manifest("p/r/x")
    assert (manifest["batches"], manifest["rows"], manifest["files"]) == (1, 1, 0)
    names = sorted(p.name for p in (store.root / "p/r/x").iterdir())
    assert names == ["batch-000000.bin", "manifest.json"]  # no temporary left behind


def test_a_crash_while_rewriting_leaves_the_old_batch_intact(tmp_path, key, monkeypatch):
    store = ArchiveStore(tmp_path, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS)

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(archive_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.write_batch("p/r/x", 0, entity="s.e", rows=[{"id": 99}])
    monkeypatch.undo()
    assert [b.rows for b in store.read_batches("p/r/x")] == [ROWS]
    assert sorted(os.listdir(tmp_path / "p/r/x")) == ["batch-000000.bin", "manifest.json"]


def test_a_sealed_set_refuses_new_batches_and_sealing_twice_is_harmless(tmp_path, key):
    store = ArchiveStore(tmp_path, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS)
    first = store.seal("p/r/x", purpose="p")
    assert store.seal("p/r/x", purpose="other") == first
    with pytest.raises(ArchiveError, match="'p/r/x' is sealed"):
        store.write_batch("p/r/x", 1, entity="s.e", rows=ROWS)
    assert store.batch_numbers("p/r/x") == [0]


def test_key_rotation_keeps_old_sets_readable_and_encrypts_with_the_first(tmp_path):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    ArchiveStore(tmp_path, old).write_batch("p/r/old", 0, entity="s.e", rows=ROWS)
    rotated = ArchiveStore(tmp_path, new + b", " + old)
    assert [b.rows for b in rotated.read_batches("p/r/old")] == [ROWS]
    rotated.write_batch("p/r/new", 0, entity="s.e", rows=ROWS)
    assert [b.rows for b in ArchiveStore(tmp_path, new).read_batches("p/r/new")] == [ROWS]
    with pytest.raises(ArchiveError, match="cannot decrypt"):
        list(ArchiveStore(tmp_path, old).read_batches("p/r/new"))


@pytest.mark.parametrize(
    "bad",
    [
        "../escape",
        "p/../../x",
        "p/./x",
        "..",
        "Upper/x",
        "/abs",
        "",
        "a//b",
        "a/",
        ".hidden",
        "a\\b",
    ],
)
def test_set_ids_cannot_escape_the_root(tmp_path, key, bad):
    store = ArchiveStore(tmp_path / "root", key)
    with pytest.raises(ArchiveError, match="set id"):
        store.write_batch(bad, 0, entity="s.e", rows=ROWS)
    with pytest.raises(ArchiveError, match="set id"):
        list(store.read_batches(bad))
    assert not any(tmp_path.rglob("*.bin"))


@pytest.mark.parametrize("bad", [-1, True, 1_000_000, "0"])
def test_batch_numbers_are_small_non_negative_ints(tmp_path, key, bad):
    with pytest.raises(ArchiveError, match="batch number"):
        ArchiveStore(tmp_path, key).write_batch("p/r/x", bad, entity="s.e", rows=[])


def test_a_value_that_cannot_be_archived_names_the_field(tmp_path, key):
    with pytest.raises(RowCodecError, match=r"rows\[0\]\.tags") as caught:
        ArchiveStore(tmp_path, key).write_batch(
            "p/r/x", 0, entity="s.e", rows=[{"id": 1, "tags": {"anna"}}]
        )
    assert "anna" not in str(caught.value)
    assert not (tmp_path / "p/r/x").exists()  # nothing half-written


# -- configuration -----------------------------------------------------------------------------
@pytest.fixture
def no_config(monkeypatch):
    for var in (
        "GOVERNANCE_ARCHIVE_KEY",
        "AIRFLOW_CONN_GOVERNANCE_ARCHIVE_KEY",
        "GOVERNANCE_ARCHIVE_URL",
        "AIRFLOW_CONN_GOVERNANCE_ARCHIVE",
    ):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_a_missing_key_names_both_places(no_config):
    with pytest.raises(ConfigurationError) as caught:
        load_archive_key()
    message = str(caught.value)
    assert "GOVERNANCE_ARCHIVE_KEY" in message and "governance_archive_key" in message
    assert "AIRFLOW_CONN_GOVERNANCE_ARCHIVE_KEY" in message


def test_a_malformed_key_names_where_it_came_from(no_config):
    no_config.setenv("GOVERNANCE_ARCHIVE_KEY", "not-a-fernet-key")
    with pytest.raises(ConfigurationError, match="GOVERNANCE_ARCHIVE_KEY: expected .*Fernet"):
        load_archive_key()
    no_config.delenv("GOVERNANCE_ARCHIVE_KEY")
    no_config.setenv(
        "AIRFLOW_CONN_GOVERNANCE_ARCHIVE_KEY", json.dumps({"conn_type": "generic", "password": "x"})
    )
    with pytest.raises(ConfigurationError, match="connection governance_archive_key.*Fernet"):
        load_archive_key()
    with pytest.raises(ConfigurationError, match="Fernet"):
        ArchiveStore("/tmp", b"not-a-key")


def test_the_key_comes_from_the_environment_before_the_connection(no_config):
    env_key, conn_key = Fernet.generate_key(), Fernet.generate_key()
    no_config.setenv(
        "AIRFLOW_CONN_GOVERNANCE_ARCHIVE_KEY",
        json.dumps({"conn_type": "generic", "password": conn_key.decode()}),
    )
    assert load_archive_key() == conn_key
    no_config.setenv("GOVERNANCE_ARCHIVE_KEY", f"{env_key.decode()},{conn_key.decode()}")
    assert load_archive_key() == env_key + b"," + conn_key


def test_the_archive_root_is_url_then_connection_then_home(no_config, tmp_path):
    no_config.setenv("GOVERNANCE_HOME", str(tmp_path / "home"))
    assert archive_root().path == str(tmp_path / "home" / "archive")
    no_config.setenv(
        "AIRFLOW_CONN_GOVERNANCE_ARCHIVE",
        json.dumps({"conn_type": "fs", "extra": {"path": "memory://from-connection"}}),
    )
    assert (archive_root().protocol, archive_root().path) == ("memory", "/from-connection")
    no_config.setenv("GOVERNANCE_ARCHIVE_URL", "s3://bucket/prefix")
    assert str(archive_root()) == "s3://bucket/prefix"


def test_an_archive_connection_without_a_path_says_what_to_set(no_config):
    no_config.setenv("AIRFLOW_CONN_GOVERNANCE_ARCHIVE", json.dumps({"conn_type": "fs"}))
    with pytest.raises(
        ConfigurationError, match="governance_archive.*extra.path.*GOVERNANCE_ARCHIVE_URL"
    ):
        archive_root()


# -- the Airflow glue --------------------------------------------------------------------------
def test_airflow_object_storage_path_works_as_root(tmp_path, key):
    from airflow.sdk import ObjectStoragePath

    root = ObjectStoragePath(f"file://{tmp_path}/osp")
    store = ArchiveStore(root, key)
    store.write_batch("p/r/x", 0, entity="s.e", rows=ROWS, files=FILES)
    store.seal("p/r/x")
    assert [b.rows for b in store.read_batches("p/r/x")] == [ROWS]
    assert [m["set_id"] for m in store.list_sets()] == ["p/r/x"]
    on_disk = tmp_path / "osp" / "p" / "r" / "x" / "batch-000000.bin"
    assert on_disk.exists() and b"Anna" not in on_disk.read_bytes()
    assert (
        ArchiveStore(ObjectStoragePath(f"file://{tmp_path}/osp"), key).next_batch_number("p/r/x")
        == 1
    )


def test_utc_datetimes_stay_utc(tmp_path, key):
    store = ArchiveStore(tmp_path, key)
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    store.write_batch("p/r/x", 0, entity="s.e", rows=[{"at": moment}])
    (batch,) = store.read_batches("p/r/x")
    assert batch.rows[0]["at"] == moment and batch.rows[0]["at"].utcoffset() == timedelta(0)
