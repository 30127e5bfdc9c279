"""The anonymisation-technique registry: one module per technique, each with its name (the
policy's key) and a typed configuration.

``drop``, ``pseudonymise``, ``generalise``, ``scrub``, ``sensitive``, ``keep``, applied in that
order. :func:`configured` pairs each technique with its configuration from a rule's
:class:`~governance.policy.models.AnonymisationSpec` (the YAML format is unchanged);
:func:`get` names the valid techniques when asked for an unknown one. A new technique is one
module here, its key in ``AnonymisationSpec``, and its tests.
"""

from __future__ import annotations

from typing import Any

from governance.anonymise.techniques.base import RowContext, Technique
from governance.anonymise.techniques.drop import Drop
from governance.anonymise.techniques.generalise import Generalise
from governance.anonymise.techniques.keep import Keep
from governance.anonymise.techniques.pseudonymise import Pseudonymise
from governance.anonymise.techniques.scrub import Scrub
from governance.anonymise.techniques.sensitive import Sensitive
from governance.errors import ConfigurationError

TECHNIQUES: dict[str, Technique] = {
    technique.name: technique
    for technique in (Drop(), Pseudonymise(), Generalise(), Scrub(), Sensitive(), Keep())
}

__all__ = ["TECHNIQUES", "RowContext", "Technique", "configured", "get"]


def get(name: str) -> Technique:
    found = TECHNIQUES.get(name) if isinstance(name, str) else None
    if found is None:
        raise ConfigurationError(
            "unknown anonymisation technique; expected one of " + ", ".join(TECHNIQUES),
            field="anonymise",
            fix="use one of " + ", ".join(TECHNIQUES),
        )
    return found


def configured(spec: Any) -> list[tuple[Technique, Any]]:
    """``(technique, its validated configuration)`` for each technique the spec configures."""
    out = []
    for name, technique in TECHNIQUES.items():
        value = getattr(spec, name)
        if value:
            out.append((technique, technique.config.validate_python(value)))
    return out
