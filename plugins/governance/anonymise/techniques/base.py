"""What an anonymisation technique is: a name (the key of the policy's ``anonymise:`` block),
a typed configuration (that key's value), and how it turns a source row into output columns.

The policy's YAML stays as it is (``drop: [...]``, ``pseudonymise: {id: case_ref}``,
``generalise: {received_at: year}``, ``scrub: [...]``, ``sensitive: subject``, ``keep: [...]``);
each key is read by the technique of that name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from pydantic import TypeAdapter

from governance.identity.recognisers import People


@dataclass
class RowContext:
    """What a technique may use besides its configuration: the source row, the pseudonym
    key, the generalisation levels reached, and the names and persons to scrub."""

    row: Mapping[str, Any]
    key: bytes
    levels: Mapping[str, int] = field(default_factory=dict)
    names: Sequence[str] = ()
    people: People | None = None


class Technique(Protocol):
    name: ClassVar[str]
    #: Validates the YAML value of ``name``.
    config: ClassVar[TypeAdapter]

    def apply(self, config: Any, context: RowContext, out: dict[str, Any]) -> None:
        """Write this technique's output columns for one row into ``out``."""
        ...
