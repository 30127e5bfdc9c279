"""Which files make up the policy, and the version hash over them.

The version is what the audit ledger records next to every action: a SHA-256 over the sorted
relative paths and the bytes of every ``*.yaml`` file in the folder (README and other notes are
not part of it; hidden files and folders are skipped). Any edit to a policy file, a rename or a
new file changes it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

POLICY_SUFFIXES = (".yaml", ".yml")


def policy_files(directory: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file under ``directory``, sorted by relative path."""
    found = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix in POLICY_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


def policy_version(directory: Path) -> str:
    """SHA-256 hex over ``relative path NUL size NUL bytes`` of each ``*.yaml`` file, in order."""
    digest = hashlib.sha256()
    for path in policy_files(directory):
        if path.suffix != ".yaml":
            continue
        data = path.read_bytes()
        digest.update(path.relative_to(directory).as_posix().encode("utf-8"))
        digest.update(b"\0" + str(len(data)).encode("ascii") + b"\0")
        digest.update(data)
    return digest.hexdigest()
