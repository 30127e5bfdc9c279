"""Load the policy folder into a :class:`Policy`, once per content version.

DAG files call :func:`load_policy` at every parse, so the result is cached by the folder and the
version hash of its files: hashing a few dozen small files is cheap, parsing and validating them
is not. An edited file changes the hash and is re-read on the next call.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from types import MappingProxyType

from governance import settings
from governance.policy.lint import check_policy, stale_legal_facts
from governance.policy.policy import Policy
from governance.policy.problems import PolicyError, Problem
from governance.policy.version import policy_version

_CACHE: dict[tuple[Path, str], Policy] = {}
_CACHE_SIZE = 8
_LOCK = threading.Lock()


def _folder(directory: str | Path | None) -> Path:
    return Path(directory) if directory is not None else settings.policy_dir()


def lint_policy(directory: str | Path | None = None, *, today: date | None = None) -> list[Problem]:
    """Every problem in the policy folder (default ``settings.policy_dir()``), sorted; [] if clean.

    Besides what :func:`load_policy` refuses, a legal fact checked longer ago than
    ``defaults.legal_fact_max_age`` before ``today`` (default: the real day) is a problem.
    """
    folder = _folder(directory)
    checked = check_policy(folder)
    stale = stale_legal_facts(folder, checked, today or date.today())
    return sorted([*checked.problems, *stale])


def load_policy(directory: str | Path | None = None) -> Policy:
    """The validated policy; raises :class:`PolicyError` carrying every problem if it has any."""
    folder = _folder(directory)
    version = policy_version(folder) if folder.is_dir() else ""
    key = (folder.resolve(), version)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    checked = check_policy(folder)
    if checked.problems:
        raise PolicyError(checked.problems)
    assert checked.settings is not None  # a clean lint implies policy.yaml validated
    policy = Policy(
        directory=folder,
        version=version,
        settings=checked.settings,
        purposes=MappingProxyType(dict(sorted(checked.purposes.items()))),
        sources=MappingProxyType(dict(sorted(checked.sources.items()))),
        legal_facts=MappingProxyType(
            dict(sorted(checked.legal_facts.facts.items())) if checked.legal_facts else {}
        ),
        notice_map=checked.notice_map,
        notice_versions=checked.notice_versions,
    )
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = policy
    return policy


def clear_cache() -> None:
    """Forget every loaded policy (tests; a long-lived process after a checkout)."""
    with _LOCK:
        _CACHE.clear()
