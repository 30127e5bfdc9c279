"""The loaded policy: every file together, checked, with the lookups the engine needs.

Build one with :func:`governance.policy.load_policy`; a ``Policy`` only exists for a folder that
lints clean, so its lookups never meet a dangling reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from governance.errors import TerminalError
from governance.policy.models import (
    Controller,
    Defaults,
    Entity,
    PolicySettings,
    Purpose,
    RetentionRule,
    Source,
)
from governance.policy.rights import RightDecision, derive_rights


class UnknownNameError(TerminalError, LookupError):
    """A purpose or entity name that the policy does not define; the message lists valid ones."""


@dataclass(frozen=True)
class EntityRef:
    """An entity with the system it belongs to: what a source adapter needs to reach it."""

    system: str
    name: str
    source: Source
    entity: Entity

    @property
    def qualified(self) -> str:
        return f"{self.system}.{self.name}"


@dataclass(frozen=True, eq=False)
class Policy:
    """The whole policy. ``version`` is the SHA-256 of its files (see ``policy_version``)."""

    directory: Path
    version: str
    settings: PolicySettings
    purposes: Mapping[str, Purpose]
    sources: Mapping[str, Source]

    @property
    def controller(self) -> Controller:
        return self.settings.controller

    @property
    def defaults(self) -> Defaults:
        return self.settings.defaults

    def purpose(self, purpose_id: str) -> Purpose:
        try:
            return self.purposes[purpose_id]
        except KeyError:
            known = ", ".join(sorted(self.purposes))
            raise UnknownNameError(
                f"unknown purpose {purpose_id!r}; expected one of: {known}"
            ) from None

    def locate(self, qualified: str) -> EntityRef:
        """``'system.entity'`` -> the entity and its source."""
        system, _, name = qualified.partition(".")
        source = self.sources.get(system)
        if source is None or name not in source.entities:
            raise UnknownNameError(
                f"unknown entity {qualified!r}; expected <system>.<entity>, one of: "
                + ", ".join(ref.qualified for ref in self.entities())
            )
        return EntityRef(system, name, source, source.entities[name])

    def entity(self, qualified: str) -> Entity:
        """``'system.entity'`` -> its data-map entry."""
        return self.locate(qualified).entity

    def entities(self) -> list[EntityRef]:
        """Every entity of the data map, by system then name."""
        return [
            EntityRef(system, name, source, entity)
            for system, source in sorted(self.sources.items())
            for name, entity in sorted(source.entities.items())
        ]

    def rules(self) -> list[tuple[Purpose, RetentionRule]]:
        """Every retention rule with its purpose, in purpose then file order."""
        return [
            (purpose, rule)
            for _, purpose in sorted(self.purposes.items())
            for rule in purpose.retention
        ]

    def portable_columns(self, purpose_id: str) -> dict[str, tuple[str, ...]]:
        """Per entity of the purpose, the columns the subject provided (Art. 20's scope)."""
        result = {}
        for qualified in self.purpose(purpose_id).entities:
            columns = tuple(self.entity(qualified).subject_provided_columns())
            if columns:
                result[qualified] = columns
        return result

    def rights(self, purpose_id: str) -> dict[str, RightDecision]:
        """Each right for the purpose, derived (or overridden) with the reason."""
        purpose = self.purpose(purpose_id)
        provided = sum(len(cols) for cols in self.portable_columns(purpose_id).values())
        return derive_rights(purpose, provided)
