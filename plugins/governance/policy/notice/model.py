"""The notice map as data: ``notice/traceability.yaml`` and ``notice/versions.yaml``.

The traceability map ties the published privacy notice to the policy in both directions. Each
*statement* quotes the notice verbatim (Latvian, as published) with its section and line, and
names the policy keys it encodes; *asserts* pin the values it states (a period, a basis, a
recipient) so a change on either side is caught. Values the notice does not state rest on a
*ground* (a legal fact or a company decision with its reason) or are *pending*: processing the
notice does not announce yet, flagged for its next version. *Quality* items are what the DPO
should improve in that version beyond the policy's values (cookies, typos, an outdated link).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr, model_validator

from governance.policy.models import Frozen, Identifier, LocalText, Text

#: A policy key or a pattern of keys: dotted segments, ``*`` standing for one segment; a
#: pattern also matches every key below it (``purposes.cctv`` matches ``purposes.cctv.title``).
KeyPattern = Annotated[str, Field(strict=True, pattern=r"^[a-z*][a-z0-9_*]*(\.[a-z0-9_*]+)*$")]


class NoticeFile(Frozen):
    """Which published notice the map describes."""

    file: Text
    version: Text
    language: Literal["lv"] = "lv"


class Section(Frozen):
    id: Identifier
    heading: Text


class Assertion(Frozen):
    """A value a statement states: ``words`` of its quote say that ``key`` is ``value``.

    Without ``value`` the statement only says the key exists (a recipient, a category).
    """

    key: KeyPattern
    value: StrictStr | None = None
    words: Text


class Statement(Frozen):
    id: Identifier
    section: Identifier
    line: Annotated[StrictInt, Field(ge=1)]
    quote: Text
    en: Text
    encodes: tuple[KeyPattern, ...] = ()
    asserts: tuple[Assertion, ...] = ()
    #: Why the statement encodes no policy key (a heading, an introduction).
    note: LocalText | None = None

    @model_validator(mode="after")
    def _encodes_or_says_why(self) -> Statement:
        if not self.encodes and self.note is None:
            raise ValueError(
                f"statement '{self.id}' encodes no policy key; name the keys in encodes or say "
                "why in note: {lv: ..., en: ...}"
            )
        if "\n" in self.quote:
            raise ValueError(f"statement '{self.id}': a quote stays within one line of the notice")
        for assertion in self.asserts:
            if assertion.words not in self.quote:
                raise ValueError(
                    f"statement '{self.id}': asserted words '{assertion.words}' are not in its "
                    "quote; quote the words that state the value"
                )
        return self


class Ground(Frozen):
    """Notice-facing values no statement states: they rest on a legal fact or a decision."""

    keys: Annotated[tuple[KeyPattern, ...], Field(min_length=1)]
    statute: Identifier | None = None
    decided_by: Literal["company"] | None = None
    reason: LocalText | None = None

    @model_validator(mode="after")
    def _one_ground(self) -> Ground:
        if bool(self.statute) == bool(self.decided_by):
            raise ValueError(
                "a ground needs exactly one of statute (a legal fact id) or decided_by: company"
            )
        if self.decided_by and self.reason is None:
            raise ValueError("a ground decided by the company needs reason: {lv: ..., en: ...}")
        return self


class Pending(Frozen):
    """Processing the published notice does not announce: its next version must (or the
    processing stops). Listed in the notice-quality report; not drift while it is listed."""

    id: Identifier
    keys: Annotated[tuple[KeyPattern, ...], Field(min_length=1)]
    says: LocalText


class QualityItem(Frozen):
    """Something the notice's next version should do better that is not a policy value."""

    id: Identifier
    topic: LocalText
    says: LocalText
    #: Verbatim words of the published notice the item is about, if any (checked like quotes).
    quote: Text | None = None


class NoticeMap(Frozen):
    """``notice/traceability.yaml``."""

    notice: NoticeFile
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]
    statements: Annotated[tuple[Statement, ...], Field(min_length=1)]
    grounds: tuple[Ground, ...] = ()
    next_version: tuple[Pending, ...] = ()
    quality: tuple[QualityItem, ...] = ()

    def statement(self, statement_id: str) -> Statement | None:
        return next((s for s in self.statements if s.id == statement_id), None)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


class RecordedVersion(Frozen):
    """The notice-facing values as they were when a notice version was recorded."""

    recorded: date
    fingerprint: Annotated[str, Field(strict=True, pattern=r"^[0-9a-f]{64}$")]
    values: dict[StrictStr, StrictStr]


class NoticeVersions(Frozen):
    """``notice/versions.yaml``: written by ``governance notice freeze``, one entry a version."""

    versions: dict[StrictStr, RecordedVersion] = {}
