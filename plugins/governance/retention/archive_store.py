"""The encrypted archive: where ``archive`` rules move records that must become inaccessible.

Each sweep run of an archiving rule writes one *set* (``<purpose>/<rule>/<run>``) of batch
objects. A batch object holds the rows, the rows that hung off them and their files, as typed
JSON encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``). The plain
``manifest.json`` beside the batches holds counts and names only, so auditors can list sets
without the key. Paths are universal_pathlib ``UPath``s (fsspec): a local folder, ``s3://…``,
or Airflow's ``ObjectStoragePath``, which is a UPath, all work.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from upath import UPath

from governance import settings
from governance.connections import get_connection
from governance.errors import ConfigurationError, GovernanceError

_SET_ID = re.compile(r"^[a-z0-9_][a-z0-9_.-]*(/[a-z0-9_][a-z0-9_.-]*)*$")
_BATCH = re.compile(r"^batch-(\d{6})\.bin$")


class ArchiveError(GovernanceError):
    """An archive set or batch that cannot be read or written; names the set, never content."""


def load_archive_key() -> bytes:
    """Fernet key(s) from ``GOVERNANCE_ARCHIVE_KEY`` or connection ``governance_archive_key``.

    A comma-separated list rotates keys: the first encrypts, all decrypt.
    """
    raw = os.environ.get("GOVERNANCE_ARCHIVE_KEY")
    if not raw:
        try:
            raw = get_connection("governance_archive_key").password
        except ConfigurationError:
            raw = None
    if not raw:
        raise ConfigurationError(
            "no archive key: set GOVERNANCE_ARCHIVE_KEY or the password of the Airflow "
            "connection governance_archive_key (a Fernet key; scripts/setup generates one)"
        )
    return raw.encode()


def archive_root() -> UPath:
    """``GOVERNANCE_ARCHIVE_URL``, else connection ``governance_archive`` (extra.path), else
    ``$GOVERNANCE_HOME/archive``."""
    url = os.environ.get("GOVERNANCE_ARCHIVE_URL")
    if url:
        return UPath(url)
    try:
        conn = get_connection("governance_archive")
    except ConfigurationError:
        return UPath(settings.governance_home() / "archive")
    path = conn.extra.get("path")
    if not path:
        raise ConfigurationError("connection governance_archive: expected extra.path (a URL)")
    return UPath(path)


def _fernet(key: bytes) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip()) for k in key.split(b",") if k.strip()])
    except (ValueError, TypeError):
        raise ConfigurationError(
            "archive key: expected url-safe base64 Fernet key(s), comma-separated"
        ) from None


# -- typed JSON --------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, raw),) = value.items()
            if tag == "$datetime":
                return datetime.fromisoformat(raw)
            if tag == "$date":
                return date.fromisoformat(raw)
            if tag == "$decimal":
                return Decimal(raw)
            if tag == "$bytes":
                return base64.b64decode(raw)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@dataclass(frozen=True)
class ArchivedBatch:
    number: int
    entity: str
    rows: list[dict[str, Any]]
    children: dict[str, list[dict[str, Any]]]
    files: dict[str, bytes]


class ArchiveStore:
    """Sets of encrypted batches under ``root``."""

    def __init__(self, root: str | os.PathLike | UPath, key: bytes):
        self.root = root if isinstance(root, UPath) else UPath(root)
        self._fernet = _fernet(key)

    def _set_path(self, set_id: str) -> UPath:
        if not _SET_ID.match(set_id) or ".." in set_id:
            raise ArchiveError(
                "set id: expected lower-case path segments of [a-z0-9_.-], e.g. purpose/rule/run"
            )
        return self.root / set_id

    def batch_numbers(self, set_id: str) -> list[int]:
        path = self._set_path(set_id)
        if not path.exists():
            return []
        numbers = [int(m.group(1)) for p in path.iterdir() if (m := _BATCH.match(p.name))]
        return sorted(numbers)

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
        payload = {
            "entity": entity,
            "rows": _encode(rows),
            "children": _encode(children or {}),
            "files": {k: base64.b64encode(v).decode() for k, v in (files or {}).items()},
        }
        token = self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode())
        directory = self._set_path(set_id)
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"batch-{batch_no:06d}.bin"
        temporary = directory / f".batch-{batch_no:06d}.tmp"
        temporary.write_bytes(token)
        temporary.rename(target)  # atomic on a local file system; a put on object stores
        self._update_manifest(set_id, entity, len(rows), len(files or {}))
        return str(target)

    def _update_manifest(self, set_id: str, entity: str, rows: int, files: int) -> None:
        manifest = (
            self.read_manifest(set_id)
            if self._manifest_path(set_id).exists()
            else {
                "set_id": set_id,
                "entity": entity,
                "created_at": datetime.now(UTC).isoformat(),
                "rows": 0,
                "files": 0,
                "status": "open",
            }
        )
        manifest["rows"] += rows
        manifest["files"] += files
        manifest["batches"] = len(self.batch_numbers(set_id))
        self.write_manifest(set_id, manifest)

    def _manifest_path(self, set_id: str) -> UPath:
        return self._set_path(set_id) / "manifest.json"

    def write_manifest(self, set_id: str, meta: dict[str, Any]) -> None:
        self._set_path(set_id).mkdir(parents=True, exist_ok=True)
        self._manifest_path(set_id).write_text(json.dumps(meta, indent=2, sort_keys=True))

    def read_manifest(self, set_id: str) -> dict[str, Any]:
        path = self._manifest_path(set_id)
        if not path.exists():
            raise ArchiveError(f"archive set {set_id!r} does not exist")
        return json.loads(path.read_text())

    def seal(self, set_id: str, **meta: Any) -> None:
        """Mark the set complete and add PII-free metadata (purpose, rule, policy version)."""
        manifest = self.read_manifest(set_id)
        manifest.update(meta)
        manifest["status"] = "sealed"
        manifest["sealed_at"] = datetime.now(UTC).isoformat()
        self.write_manifest(set_id, manifest)

    def list_sets(self) -> list[dict[str, Any]]:
        if not self.root.exists():
            return []
        found = []
        for manifest in sorted(self.root.glob("**/manifest.json"), key=str):
            found.append(json.loads(manifest.read_text()))
        return found

    def read_batches(self, set_id: str) -> Iterator[ArchivedBatch]:
        directory = self._set_path(set_id)
        for number in self.batch_numbers(set_id):
            raw = (directory / f"batch-{number:06d}.bin").read_bytes()
            try:
                payload = json.loads(self._fernet.decrypt(raw))
            except InvalidToken:
                raise ArchiveError(
                    f"archive set {set_id!r} batch {number}: cannot decrypt "
                    "(wrong key, or the object was altered)"
                ) from None
            yield ArchivedBatch(
                number=number,
                entity=payload["entity"],
                rows=_decode(payload["rows"]),
                children=_decode(payload["children"]),
                files={k: base64.b64decode(v) for k, v in payload["files"].items()},
            )
