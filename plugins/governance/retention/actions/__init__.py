"""Retention actions by name: what a sweep does to a due row before it leaves the live system.

One module per action in this package (``delete``, ``archive``, ``anonymise``), each defining
``ACTION``, an instance of :class:`~governance.retention.actions.base.RetentionAction` with its
name, typed config and the interface the sweep calls. The policy's ``action:`` names one; the
linter accepts exactly the names this registry knows. A new action is one module here (or one
:func:`register` call from elsewhere) plus its tests.

Names are found without importing the modules (the linter asks for them while loading the
policy, before any action's dependencies are wanted).
"""

from __future__ import annotations

import importlib
import pkgutil

from governance.errors import ConfigurationError
from governance.retention.actions.base import ActionRun, Batch, RetentionAction, SweepContext

_REGISTERED: dict[str, RetentionAction] = {}
_BUILT_IN = tuple(
    sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "base")  # type: ignore[name-defined]
)


class UnknownAction(ConfigurationError):
    """A rule names an action this engine does not have."""


def names() -> tuple[str, ...]:
    """Every action the engine can carry out, built-in first."""
    return _BUILT_IN + tuple(sorted(set(_REGISTERED) - set(_BUILT_IN)))


def register(action: RetentionAction) -> RetentionAction:
    """Add an action defined outside this package (a plugin, a test); returns it."""
    _REGISTERED[action.name] = action
    return action


def get(name: str) -> RetentionAction:
    """The action called ``name``; UnknownAction lists the valid names."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name in _BUILT_IN:
        action = importlib.import_module(f"{__name__}.{name}").ACTION
        _REGISTERED[name] = action
        return action
    raise UnknownAction(
        "expected one of: " + ", ".join(names()),
        field="action",
        fix="name a registered action, or add a module to governance/retention/actions/",
    )


__all__ = [
    "ActionRun",
    "Batch",
    "RetentionAction",
    "SweepContext",
    "UnknownAction",
    "get",
    "names",
    "register",
]
