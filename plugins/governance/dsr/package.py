"""The access or portability package: an AES-256 encrypted zip in a restricted outbox.

``pyzipper`` writes WinZip AES-256 zips, which 7-Zip, macOS Archive Utility (with a tool) and
Python open; the passphrase is random and kept encrypted in the store until the DPO retrieves
it. The zip is written to a temporary name and renamed, so the outbox never shows half a
package; ``manifest.json`` lists every source searched and every file with its SHA-256.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyzipper
from upath import UPath

from governance import settings


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write a {type(value).__name__} into a package")


def _cell(value: Any) -> Any:
    return value if isinstance(value, str | int | float | type(None)) else _json_default(value)


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def build_package(
    *,
    request_id: str,
    passphrase: str,
    manifest: dict[str, Any],
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    files: Mapping[str, bytes],
    documents: Mapping[str, str],
) -> UPath:
    """Write the package; returns its path in the outbox. ``tables``: 'system/entity' -> rows;
    ``files``: path inside the package -> content; ``documents``: name -> HTML."""
    members: dict[str, bytes] = {}
    for name, rows in sorted(tables.items()):
        rows = list(rows)
        members[f"data/{name}.json"] = json.dumps(
            rows, ensure_ascii=False, indent=2, default=_json_default
        ).encode("utf-8")
        members[f"data/{name}.csv"] = _csv(rows).encode("utf-8")
    for name, content in sorted(files.items()):
        members[f"files/{name}"] = content
    for name, html in sorted(documents.items()):
        members[name] = html.encode("utf-8")
    manifest = dict(manifest)
    manifest["files"] = [
        {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
        for name, content in members.items()
    ]
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")

    folder = settings.outbox_root() / request_id
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{request_id}.zip"
    partial = folder / f".{request_id}.zip.partial"
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(passphrase.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, content in members.items():
            archive.writestr(name, content)
    partial.write_bytes(buffer.getvalue())
    partial.rename(final)  # a local rename is atomic; object stores show the object when whole
    return final


def open_package(path: str | Path, passphrase: str) -> dict[str, bytes]:
    """Every member of a package, decrypted (for tests and the DPO's check)."""
    with pyzipper.AESZipFile(UPath(path).open("rb")) as archive:
        archive.setpassword(passphrase.encode("utf-8"))
        return {name: archive.read(name) for name in archive.namelist()}


def verify_package(members: Mapping[str, bytes]) -> list[str]:
    """Problems with a package's checksums (empty when every file matches the manifest)."""
    manifest = json.loads(members["manifest.json"])
    problems = []
    listed = {item["path"] for item in manifest["files"]}
    for item in manifest["files"]:
        content = members.get(item["path"])
        if content is None:
            problems.append(f"{item['path']}: listed but missing")
        elif hashlib.sha256(content).hexdigest() != item["sha256"]:
            problems.append(f"{item['path']}: checksum differs")
    for name in members:
        if name != "manifest.json" and name not in listed:
            problems.append(f"{name}: not listed in the manifest")
    return problems
