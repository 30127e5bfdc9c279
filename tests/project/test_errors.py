"""Every error the engine raises says what to do about it: it is exactly one of the three kinds
(terminal, transient, waiting), and nothing raises the kind-less base class."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import governance
from governance.errors import GovernanceError, TerminalError, TransientError, WaitingError

ENGINE = Path(governance.__file__).parent
KINDS = (TerminalError, TransientError, WaitingError)


def _import_every_module() -> list[str]:
    names = []
    for module in pkgutil.walk_packages([str(ENGINE)], prefix="governance."):
        if ".migrations" in module.name:  # Alembic's env.py runs a migration when imported
            continue
        importlib.import_module(module.name)
        names.append(module.name)
    return names


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_engine_error_is_exactly_one_kind():
    assert "governance.sources.sql" in _import_every_module()
    errors = {c for c in _subclasses(GovernanceError) if c.__module__.startswith("governance.")}
    errors -= set(KINDS)
    assert len(errors) >= 15  # it found the engine's errors, not just the kinds
    unkinded = sorted(
        f"{c.__module__}.{c.__qualname__}"
        for c in errors
        if sum(issubclass(c, kind) for kind in KINDS) != 1
    )
    assert unkinded == [], "subclass TerminalError, TransientError or WaitingError"


def test_the_kinds_the_glue_relies_on():
    from governance.dsr.tasks import RequestVerificationFailed
    from governance.errors import ConfigurationError
    from governance.holds import HoldError
    from governance.policy import PolicyError
    from governance.policy.deadlines import DeadlineError
    from governance.retention.tasks import AnonymisationGateFailed, RetentionVerificationFailed
    from governance.sources import SourceUnavailable

    assert issubclass(SourceUnavailable, TransientError)
    for terminal in (
        ConfigurationError,
        PolicyError,
        HoldError,
        DeadlineError,
        RequestVerificationFailed,
        RetentionVerificationFailed,
        AnonymisationGateFailed,
    ):
        assert issubclass(terminal, TerminalError), terminal


def test_nothing_raises_the_kindless_base_class():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name == "GovernanceError":
                    offenders.append(f"{path.relative_to(ENGINE)}:{node.lineno}")
    assert offenders == []
