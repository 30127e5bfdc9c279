"""One record of the notice-facing values per notice version (``notice/versions.yaml``).

A published notice is a promise about these values. When one changes (a period, a recipient,
a basis, a contact), the notice must change too, under a new version: so the values are recorded
when a version is published (``governance notice freeze``), and a change to any of them while
``notice_version`` stays the same is drift (and fails the test suite). ``freeze`` refuses to
rewrite an existing version with other values: bump ``notice_version`` first.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import yaml

from governance.errors import ConfigurationError
from governance.policy.notice.values import notice_values, short
from governance.policy.policy import Policy

VERSIONS_FILE = Path("notice") / "versions.yaml"


def fingerprint(values: dict[str, str]) -> str:
    """SHA-256 over ``key=value`` lines of the (shortened) values, sorted by key."""
    lines = "".join(f"{key}={value}\n" for key, value in sorted(short(values).items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def changed_since_recorded(
    policy: Policy, values: dict[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """Keys whose value differs from the record of the current notice version:
    ``{key: (recorded, now)}`` (``-`` for a key that was not there, or is gone). Empty when the
    version has no record yet (nothing was promised under it)."""
    recorded = policy.notice_versions.versions if policy.notice_versions else {}
    entry = recorded.get(policy.settings.notice_version)
    if entry is None:
        return {}
    now = short(values if values is not None else notice_values(policy))
    changed = {}
    for key in sorted(set(entry.values) | set(now)):
        was, is_ = entry.values.get(key, "-"), now.get(key, "-")
        if was != is_:
            changed[key] = (was, is_)
    return changed


def freeze(policy: Policy, today: date) -> tuple[Path, bool]:
    """Record the current notice-facing values under the current notice version.

    Returns the file and whether it changed. Refuses (ConfigurationError) when the version is
    already recorded with other values: a changed notice needs a new version.
    """
    version = policy.settings.notice_version
    values = notice_values(policy)
    path = policy.directory / VERSIONS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    data = data or {"versions": {}}
    existing = data["versions"].get(version)
    if existing is not None:
        if existing["fingerprint"] == fingerprint(values):
            return path, False
        raise ConfigurationError(
            f"notice version {version} is already recorded with other values",
            field="notice_version",
            fix="bump notice_version in policy.yaml for the notice that announces the change, "
            "then run governance notice freeze again",
        )
    data["versions"][version] = {
        "recorded": today,
        "fingerprint": fingerprint(values),
        "values": short(values),
    }
    header = (
        "# Written by `governance notice freeze`: the notice-facing values of each published\n"
        "# notice version. Do not edit by hand; a changed value needs a new notice_version.\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path, True
