"""Shared fixtures of the policy tests: the valid fixture folder and editable copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from governance.policy import clear_cache

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture policy."""
    target = tmp_path / "policy"
    shutil.copytree(VALID, target)
    return target


@pytest.fixture
def edit(policy_copy: Path) -> Callable[[str, str, str], Path]:
    """``edit(rel, old, new)``: replace exactly one occurrence of ``old`` in the copy's file."""

    def _edit(rel: str, old: str, new: str) -> Path:
        path = policy_copy / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return policy_copy

    return _edit
