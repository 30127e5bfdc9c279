"""The production stack of docker-compose.yml, started once for tests/production.

These tests run only when asked (``make test-production``, ``GOVERNANCE_TEST_PRODUCTION=1``):
the stack is a dozen processes that need the machine to themselves, so ``make test``'s two
passes leave them out (deselected, not skipped) and CI runs them after those passes.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "deploy") not in sys.path:
    sys.path.insert(0, str(ROOT / "deploy"))

from production_stack.stack import WORKER, LocalStack  # noqa: E402
from stack_settings import BATCH, DOTENV, TIMING  # noqa: E402

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("GOVERNANCE_TEST_PRODUCTION", "") not in ("", "0")


def pytest_collection_modifyitems(config, items):
    if ENABLED:
        return
    mine = [item for item in items if HERE in Path(str(item.fspath)).parents]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]


def small_batch_policy(folder: Path) -> Path:
    """A copy of include/policy whose sweeps commit every ``BATCH`` rows (a sizing knob of
    policy.yaml's ``defaults``; nothing else differs)."""
    policy = folder / "policy"
    shutil.copytree(ROOT / "include" / "policy", policy)
    text = (policy / "policy.yaml").read_text()
    text, n = re.subn(r"(?m)^(\s*(?:bulk_)?batch_size:\s*)\d+", rf"\g<1>{BATCH}", text)
    assert n == 2, "policy.yaml: expected batch_size and bulk_batch_size under defaults"
    (policy / "policy.yaml").write_text(text)
    return policy


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production-stack")
    overrides = {**TIMING, "GOVERNANCE_POLICY": str(small_batch_policy(folder))}
    stack = LocalStack(folder, env=DOTENV, overrides=overrides, scale={WORKER: 2})
    with stack:
        yield stack
