"""Fixtures of the notice tests: an editable copy of the real policy and of its published notice."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from governance.policy import clear_cache

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "include" / "policy"
PUBLISHED = POLICY / "notice" / "privacy-policy.lv.txt"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A writable copy of the real policy folder (with its notice map and notice copy)."""
    target = tmp_path / "policy"
    shutil.copytree(POLICY, target)
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


@pytest.fixture
def notice_copy(tmp_path: Path) -> Callable[[str, str], Path]:
    """``notice_copy(old, new)``: a copy of the published notice with one passage changed."""

    def _copy(old: str = "", new: str = "") -> Path:
        text = PUBLISHED.read_text(encoding="utf-8")
        if old:
            assert text.count(old) == 1, f"{old!r} must occur once in the notice"
            text = text.replace(old, new)
        path = tmp_path / "published.txt"
        path.write_text(text, encoding="utf-8")
        return path

    return _copy
