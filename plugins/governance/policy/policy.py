"""The loaded policy: every file together, checked, with the lookups the engine needs.

Build one with :func:`governance.policy.load_policy`; a ``Policy`` only exists for a folder that
lints clean, so its lookups never meet a dangling reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from governance.errors import TerminalError
from governance.policy.models import (
    Controller,
    DataProtectionOfficer,
    Defaults,
    Entity,
    LegalFact,
    PolicySettings,
    Purpose,
    RetentionRule,
    Source,
    SupervisoryAuthority,
)
from governance.policy.notice.model import NoticeMap, NoticeVersions
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


@dataclass(frozen=True)
class Contacts:
    """Who a person can turn to, as the notice names them: the controller, its data protection
    officer and the supervisory authority (with its full contact details). What a letter, a
    package README, the notice and the Art. 30 record print."""

    controller: Controller
    data_protection_officer: DataProtectionOfficer
    supervisory_authority: SupervisoryAuthority

    def lines(self, lang: str) -> dict[str, list[str]]:
        """Each party's contact lines in ``lang``, ready to print one under the other."""
        c, dpo, sa = self.controller, self.data_protection_officer, self.supervisory_authority
        return {
            "controller": [c.name, c.address.get(lang), c.email, c.phone],
            "data_protection_officer": [p for p in (dpo.name, dpo.email) if p],
            "supervisory_authority": [
                sa.name.get(lang),
                sa.address.get(lang),
                sa.email,
                sa.phone,
                sa.website,
            ],
        }


@dataclass(frozen=True, eq=False)
class Policy:
    """The whole policy. ``version`` is the SHA-256 of its files (see ``policy_version``)."""

    directory: Path
    version: str
    settings: PolicySettings
    purposes: Mapping[str, Purpose]
    sources: Mapping[str, Source]
    legal_facts: Mapping[str, LegalFact] = field(default_factory=dict)
    notice_map: NoticeMap | None = None
    notice_versions: NoticeVersions | None = None

    @property
    def controller(self) -> Controller:
        return self.settings.controller

    @property
    def contacts(self) -> Contacts:
        """The controller's, the DPO's and the supervisory authority's contacts."""
        s = self.settings
        return Contacts(s.controller, s.data_protection_officer, s.supervisory_authority)

    def legal_fact(self, fact_id: str) -> LegalFact:
        try:
            return self.legal_facts[fact_id]
        except KeyError:
            known = ", ".join(sorted(self.legal_facts)) or "(none)"
            raise UnknownNameError(
                f"unknown legal fact {fact_id!r}; expected one of: {known}"
            ) from None

    def grounds_in_words(self, rule: RetentionRule, lang: str) -> str:
        """What ``rule`` rests on, as a person reads it: the statute's citation, the notice,
        or who decided and why; never an id."""
        rests = rule.rests_on
        parts = []
        if rests.notice:
            parts.append("privātuma politika" if lang == "lv" else "the privacy notice")
        if rests.statute:
            parts.append(self.legal_fact(rests.statute).citation(lang))
        if rests.decided_by and rests.reason is not None:
            parts.append(rests.reason.get(lang))
        return "; ".join(parts)

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
