"""The encrypted archive: where ``archive`` rules move records that must become inaccessible.

Each sweep run of an archiving rule writes one *set* (``<purpose>/<rule>/<run>``) of batch
objects ``batch-NNNNNN.bin``. A batch object holds the rows, the rows that hung off them and their
files as typed JSON (:mod:`governance.archive.rowcodec`) encrypted with Fernet (AES-128-CBC +
HMAC-SHA256, from ``cryptography``); the set id and batch number are sealed inside, so an object
moved to another set or number is refused. The plain ``manifest.json`` beside the batches holds
names and counts only, so auditors can list sets without the key.

Paths are universal_pathlib ``UPath``s (fsspec): a local folder, ``file://``, ``memory://``,
``s3://…`` or Airflow's ``ObjectStoragePath`` (a ``UPath`` subclass) all work, and this module
never imports Airflow.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from upath import UPath

from governance import settings
from governance.archive import rowcodec
from governance.connections import env_var_name, get_connection
from governance.errors import ConfigurationError, TerminalError
from governance.identity import contains_identifier
from governance.keys import KeySpec, load_key

#: Fernet key material: one url-safe base64 key, or several comma-separated (first encrypts).
ArchiveKey: TypeAlias = bytes

KEY_ENV = "GOVERNANCE_ARCHIVE_KEY"
KEY_CONNECTION = "governance_archive_key"
URL_ENV = "GOVERNANCE_ARCHIVE_URL"
ROOT_CONNECTION = "governance_archive"
MANIFEST = "manifest.json"
FORMAT = 1

_SEGMENT = r"[a-z0-9_][a-z0-9_.-]*"
_SET_ID = re.compile(rf"^{_SEGMENT}(/{_SEGMENT})*$")
_BATCH = re.compile(r"^batch-(\d{6})\.bin$")
_LOCAL = {"", "file", "local"}
#: Manifest keys the store writes itself (validated or generated here, never caller text).
_OWN_KEYS = {"format", "set_id", "entity", "created_at", "sealed_at", "status", "batch_index"}


class ArchiveError(TerminalError):
    """An archive set or batch that cannot be read or written; names the set, never content."""


# -- configuration -----------------------------------------------------------------------------
def _fernet(key: ArchiveKey, source: str = "archive key") -> MultiFernet:
    """A MultiFernet over the comma-separated keys; ConfigurationError names ``source``."""
    if isinstance(key, str):
        key = key.encode()
    parts = [k.strip() for k in key.split(b",") if k.strip()]
    try:
        if not parts:
            raise ValueError
        return MultiFernet([Fernet(k) for k in parts])
    except (ValueError, TypeError):
        raise ConfigurationError(
            f"{source}: expected one or more url-safe base64 Fernet keys (32 bytes each), "
            "comma-separated; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


def new_archive_key() -> ArchiveKey:
    """A fresh Fernet key (for setup scripts; put it in GOVERNANCE_ARCHIVE_KEY or the connection)."""
    return Fernet.generate_key()


def _is_archive_key(value: str) -> bool:
    try:
        _fernet(value.encode())
    except (ConfigurationError, UnicodeEncodeError):
        return False
    return True


ARCHIVE_KEY = KeySpec(
    name="archive_key",
    connection=KEY_CONNECTION,
    what="archive key",
    expected="one or more url-safe base64 Fernet keys (32 bytes each), comma-separated",
    make="python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    " (scripts/with-env reads $GOVERNANCE_HOME/archive.key)",
    valid=_is_archive_key,
    strip=True,
)


def load_archive_key() -> ArchiveKey:
    """Fernet key(s) from ``GOVERNANCE_ARCHIVE_KEY`` or connection ``governance_archive_key``.

    The environment wins. A comma-separated list rotates keys: the first encrypts, all decrypt.
    The key is validated here, so a bad one fails before any record is touched.
    """
    return load_key(ARCHIVE_KEY)


def archive_root() -> UPath:
    """Where sets live: ``GOVERNANCE_ARCHIVE_URL``, else ``extra.path`` of connection
    ``governance_archive``, else ``$GOVERNANCE_HOME/archive``."""
    url = settings.archive_url()
    if url:
        return UPath(url)
    if not os.environ.get(env_var_name(ROOT_CONNECTION)):
        return UPath(settings.governance_home() / "archive")
    conn = get_connection(ROOT_CONNECTION)
    path = (conn.extra or {}).get("path")
    if not path:
        raise ConfigurationError(
            f"connection {ROOT_CONNECTION} ({env_var_name(ROOT_CONNECTION)}): expected "
            'extra.path, a folder or URL such as {"extra": {"path": "s3://bucket/archive"}}; '
            f"or set {URL_ENV}"
        )
    return UPath(path)


# -- the store ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchivedBatch:
    """One decrypted batch: the archived rows of ``entity``, their dependants and files."""

    number: int
    entity: str
    rows: list[dict[str, Any]]
    children: dict[str, list[dict[str, Any]]]
    files: dict[str, bytes]


def _local(path: UPath) -> Path | None:
    """The plain local path behind ``path``, or None for remote stores."""
    if getattr(path, "protocol", "") in _LOCAL:
        return Path(path.path)
    return None


def _write_atomically(target: UPath, data: bytes) -> None:
    """Readers see the old object or the new one, never a half-written one.

    Locally: a uniquely named temporary file, fsync, then ``os.replace``. Object stores (S3, GCS,
    memory) make a single put visible all at once, so the object is written directly.
    """
    local = _local(target)
    if local is None:
        target.write_bytes(data)
        return
    temporary = local.with_name(f".{local.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, local)
    finally:
        temporary.unlink(missing_ok=True)


def _check_meta(meta: dict[str, Any]) -> None:
    """A manifest is readable without the key, so it must carry no personal data."""
    for key, value in meta.items():
        if not isinstance(key, str):
            raise ArchiveError("manifest: keys must be str")
        items = value.values() if isinstance(value, dict) else [value]
        for item in items:
            if isinstance(item, dict | list):
                if key != "batch_index":
                    raise ArchiveError(f"manifest key {key!r}: expected a name or a count")
                continue
            if item is not None and not isinstance(item, str | int | float | bool):
                raise ArchiveError(f"manifest key {key!r}: expected a name or a count")
            if key not in _OWN_KEYS and isinstance(item, str) and contains_identifier(item):
                raise ArchiveError(
                    f"manifest key {key!r} holds a personal identifier; manifests are not "
                    "encrypted, so use names, versions and counts only"
                )


class ArchiveStore:
    """Sets of encrypted batches under ``root``, each with a plain manifest of counts."""

    def __init__(self, root: str | os.PathLike | UPath, key: ArchiveKey | None):
        """``key=None`` opens the store for listing manifests only (what an auditor may do)."""
        self.root = root if isinstance(root, UPath) else UPath(root)
        self._key = None if key is None else _fernet(key)

    @property
    def _fernet(self) -> MultiFernet:
        if self._key is None:
            raise ArchiveError(
                "this archive store was opened without a key: it can list sets, not read or "
                "write batches"
            )
        return self._key

    # paths
    def _set_path(self, set_id: str) -> UPath:
        if not isinstance(set_id, str) or not _SET_ID.match(set_id):
            raise ArchiveError(
                "set id: expected lower-case path segments of [a-z0-9_.-] that do not start "
                "with '.' or '-', e.g. purpose/rule/run"
            )
        return self.root / set_id

    def _batch_path(self, set_id: str, batch_no: int) -> UPath:
        if not isinstance(batch_no, int) or isinstance(batch_no, bool) or batch_no < 0:
            raise ArchiveError(f"archive set {set_id!r}: batch number must be an int >= 0")
        if batch_no > 999_999:
            raise ArchiveError(f"archive set {set_id!r}: batch number must be at most 999999")
        return self._set_path(set_id) / f"batch-{batch_no:06d}.bin"

    def _manifest_path(self, set_id: str) -> UPath:
        return self._set_path(set_id) / MANIFEST

    # batches
    def batch_numbers(self, set_id: str) -> list[int]:
        """The batch numbers present in the set, ascending."""
        path = self._set_path(set_id)
        if not path.exists():
            return []
        return sorted(int(m.group(1)) for p in path.iterdir() if (m := _BATCH.match(p.name)))

    def next_batch_number(self, set_id: str) -> int:
        """Where a (re-)run continues: after the batches already written to the set."""
        numbers = self.batch_numbers(set_id)
        return numbers[-1] + 1 if numbers else 0

    def write_batch(
        self,
        set_id: str,
        batch_no: int,
        *,
        entity: str,
        rows: list[dict[str, Any]],
        files: dict[str, bytes] | None = None,
        children: dict[str, list[dict[str, Any]]] | None = None,
    ) -> str:
        """Encrypt one batch to ``<root>/<set_id>/batch-<batch_no:06d>.bin``; return its path.

        Writing the same number again replaces the object (a re-run after a crash). A sealed
        set is complete and refuses new batches.
        """
        target = self._batch_path(set_id, batch_no)
        manifest = self._read_manifest_or_none(set_id)
        if manifest is not None and manifest.get("status") == "sealed":
            raise ArchiveError(f"archive set {set_id!r} is sealed; archive into a new set")
        files = files or {}
        children = children or {}
        where = f"archive set {set_id!r} batch {batch_no} ({entity})"
        payload = rowcodec.dumps(
            {
                "format": FORMAT,
                "set_id": set_id,
                "batch": batch_no,
                "entity": entity,
                "rows": rows,
                "children": children,
                "files": {str(name): bytes(content) for name, content in files.items()},
            },
            where,
        )
        token = self._fernet.encrypt(payload)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, token)
        self._record_batch(
            set_id,
            manifest,
            batch_no,
            entity,
            rows=len(rows),
            child_rows=sum(len(r) for r in children.values()),
            files=len(files),
        )
        return str(target)

    def read_batches(self, set_id: str) -> Iterator[ArchivedBatch]:
        """The set's batches, decrypted, in batch order.

        Raises ArchiveError for a wrong key, an altered or moved object, or a batch the manifest
        lists but the store no longer has; the message names the set and batch only.
        """
        manifest = self._read_manifest_or_none(set_id)
        present = self.batch_numbers(set_id)
        if manifest is None and not present:
            raise ArchiveError(f"archive set {set_id!r} does not exist")
        listed = (manifest or {}).get("batch_index", {})
        missing = sorted(set(map(int, listed)) - set(present))
        if missing:
            raise ArchiveError(
                f"archive set {set_id!r}: batch {missing[0]} is in the manifest but missing "
                f"from the store ({len(missing)} missing)"
            )
        for number in present:
            yield self._read_batch(set_id, number)

    def _read_batch(self, set_id: str, number: int) -> ArchivedBatch:
        where = f"archive set {set_id!r} batch {number}"
        try:
            token = self._batch_path(set_id, number).read_bytes()
        except OSError as exc:
            raise ArchiveError(f"{where}: cannot read ({type(exc).__name__})") from None
        try:
            payload = rowcodec.loads(self._fernet.decrypt(token))
        except InvalidToken:
            raise ArchiveError(
                f"{where}: cannot decrypt (wrong key, or the object was altered)"
            ) from None
        except (ValueError, rowcodec.RowCodecError):
            raise ArchiveError(f"{where}: decrypted but not a batch of this format") from None
        if payload.get("set_id") != set_id or payload.get("batch") != number:
            raise ArchiveError(f"{where}: the object belongs to another set or batch number")
        return ArchivedBatch(
            number=number,
            entity=payload["entity"],
            rows=payload["rows"],
            children=payload["children"],
            files=payload["files"],
        )

    # manifests
    def _read_manifest_or_none(self, set_id: str) -> dict[str, Any] | None:
        path = self._manifest_path(set_id)
        if not path.exists():
            return None
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            raise ArchiveError(f"archive set {set_id!r}: manifest.json is not valid JSON") from None
        if not isinstance(manifest, dict):
            raise ArchiveError(f"archive set {set_id!r}: manifest.json is not an object")
        return manifest

    def _record_batch(
        self, set_id: str, manifest: dict[str, Any] | None, batch_no: int, entity: str, **counts
    ) -> None:
        if manifest is None:
            manifest = {
                "format": FORMAT,
                "set_id": set_id,
                "entity": entity,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "status": "open",
                "batch_index": {},
            }
        index = manifest.setdefault("batch_index", {})
        index[f"{batch_no:06d}"] = counts  # a rewrite replaces the batch's counts, not adds
        manifest["batches"] = len(index)
        for name in ("rows", "child_rows", "files"):
            manifest[name] = sum(entry.get(name, 0) for entry in index.values())
        self.write_manifest(set_id, manifest)

    def write_manifest(self, set_id: str, meta: dict[str, Any]) -> None:
        """Write the set's plain manifest (names, versions and counts; identifiers refused)."""
        _check_meta(meta)
        path = self._manifest_path(set_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({**meta, "set_id": set_id}, indent=2, sort_keys=True)
        _write_atomically(path, data.encode("utf-8"))

    def read_manifest(self, set_id: str) -> dict[str, Any]:
        """The set's manifest; ArchiveError if the set does not exist."""
        manifest = self._read_manifest_or_none(set_id)
        if manifest is None:
            raise ArchiveError(f"archive set {set_id!r} does not exist")
        return manifest

    def seal(self, set_id: str, **meta: Any) -> dict[str, Any]:
        """Mark the set complete, adding PII-free metadata (purpose, rule, policy_version).

        Sealing twice is harmless; a sealed set refuses new batches.
        """
        manifest = self.read_manifest(set_id)
        if manifest.get("status") == "sealed":
            return manifest
        manifest.update(meta)
        manifest["status"] = "sealed"
        manifest["sealed_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.write_manifest(set_id, manifest)
        return manifest

    def list_sets(self) -> list[dict[str, Any]]:
        """Every set's manifest, ordered by set id (needs no key)."""
        if not self.root.exists():
            return []
        found = []
        for path in self.root.glob(f"**/{MANIFEST}"):
            relative = path.parent.relative_to(self.root).as_posix()
            if _SET_ID.match(relative):
                found.append(self.read_manifest(relative))
        return sorted(found, key=lambda m: m["set_id"])

    def __repr__(self) -> str:
        return f"ArchiveStore({str(self.root)!r})"


__all__ = [
    "ArchiveError",
    "ArchiveKey",
    "ArchiveStore",
    "ArchivedBatch",
    "archive_root",
    "load_archive_key",
    "new_archive_key",
]
