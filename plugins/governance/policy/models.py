"""The policy's vocabulary as frozen pydantic models: one model per YAML shape.

The models check what one file can check on its own (required keys, unknown keys, allowed
values, the form of ids and periods). Checks that need several files (does the rule's entity
exist, is its anchor a date column) live in :mod:`governance.policy.lint`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from governance.policy.periods import Period, parse_period

CATEGORIES = (
    "identification",
    "contact",
    "national_id",
    "financial",
    "correspondence",
    "message_content",
    "cv",
    "video",
    "photo",
    "employment",
    "document",
    "technical",
)
IDENTIFIER_KINDS = ("email", "phone", "personas_kods", "name", "address", "iban")
COLUMN_TYPES = ("text", "integer", "decimal", "date", "datetime", "boolean")
LEGAL_BASES = (
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
    # A processor has no legal basis of its own: the controller's (the client's) applies.
    "controllers_basis",
)
#: The bases of GDPR Art. 6(1), which a controller purpose rests on.
CONTROLLER_BASES = LEGAL_BASES[:-1]
ROLES = ("controller", "processor")
#: Where the data comes from: the person, the client who orders a service, the tenderers in
#: the company's own procurements (their staff's CVs), or the processing itself (CCTV).
ORIGINS = ("subject", "client", "tenderer", "generated")
ORDERS = ("oldest_first", "newest_first")
RIGHTS = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "consent_withdrawal",
    "portability",
)

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
IdentifierKind = Literal[IDENTIFIER_KINDS]  # type: ignore[valid-type]
ColumnType = Literal[COLUMN_TYPES]  # type: ignore[valid-type]
LegalBasis = Literal[LEGAL_BASES]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
Origin = Literal[ORIGINS]  # type: ignore[valid-type]
Order = Literal[ORDERS]  # type: ignore[valid-type]

Identifier = Annotated[str, Field(strict=True, pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[str, Field(strict=True, min_length=1)]
Email = Annotated[str, Field(strict=True, pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
Phone = Annotated[str, Field(strict=True, pattern=r"^\+[0-9][0-9 ]{6,18}[0-9]$")]
Url = Annotated[str, Field(strict=True, pattern=r"^https?://[^\s]+$")]


class Frozen(BaseModel):
    """Base of every policy model: immutable, unknown keys rejected.

    Scalars are strict (``StrictStr``, ``StrictBool``...), so ``notice_version: 1.1`` (a float)
    or ``allowed: "no"`` (a string) is an error rather than silently converted; lists stay lists
    in YAML and become tuples here.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalText(Frozen):
    """A text in both languages of the notice: every text a person or the DPO reads is one."""

    lv: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.lv if lang == "lv" else self.en


# --- policy.yaml ---------------------------------------------------------------------------


class Controller(Frozen):
    """The controller as the notice names it, with the contacts it gives (its last section)."""

    name: Text
    #: How the notice refers to the controller after naming it once ("turpmāk – Mailmaster").
    short_name: Text | None = None
    address: LocalText
    email: Email
    phone: Phone
    #: Who owns the company (the notice's first paragraph), if the notice says so.
    owner: Text | None = None

    @property
    def called(self) -> str:
        return self.short_name or self.name


class DataProtectionOfficer(Frozen):
    """The data protection officer's contact as the notice gives it (an e-mail address)."""

    email: Email
    name: Text | None = None


class SupervisoryAuthority(Frozen):
    """Where a person may complain (GDPR Art. 77), with the contacts a letter must give.

    ``rests_on`` names the legal fact (``legal_facts.yaml``) the contacts were read from, with
    the day they were checked: contact details change and must be re-checked like the law.
    """

    name: LocalText
    address: LocalText
    email: Email
    phone: Phone
    website: Url
    rests_on: Identifier


class Defaults(Frozen):
    #: Rows per transaction where a sweep reads rows into Python to judge them (holds in
    #: force, rows hanging off them, archiving, anonymising): bounds memory and lock time.
    batch_size: Annotated[StrictInt, Field(gt=0)] = 1000
    #: Rows per transaction where a delete runs wholly in the database (nothing to judge):
    #: nothing travels to Python, so only lock time bounds it, and each commit rewrites the
    #: index pages it touched (on SQLite, 5,000-row commits ran at 0.42x a raw DELETE at a
    #: million rows, 20,000-row ones at 0.60x). None: ``batch_size``.
    bulk_batch_size: Annotated[StrictInt, Field(gt=0)] | None = None
    response_period: StrictStr = "P1M"
    max_extension: StrictStr = "P2M"
    #: How long a legal fact stays trusted after it was last checked against its source;
    #: ``governance lint`` refuses older ones (the law and contact details change).
    legal_fact_max_age: StrictStr = "P1Y"

    @field_validator("response_period", "max_extension", "legal_fact_max_age")
    @classmethod
    def _iso_period(cls, value: str) -> str:
        parse_period(value)
        return value


#: The notice's own list of security measures; ``security_measures`` in policy.yaml replaces it.
NOTICE_SECURITY_MEASURES = (
    LocalText(lv="ugunsmūri", en="firewalls"),
    LocalText(lv="antivīrusu programmas", en="antivirus software"),
    LocalText(lv="šifrēšana", en="encryption"),
    LocalText(
        lv="pasākumi tiek pastāvīgi pārskatīti un uzlaboti",
        en="measures are reviewed and improved continuously",
    ),
)


REQUEST_CHANNELS = ("in_person", "signed_email")


class Requests(Frozen):
    """How a person makes a request, as the notice says: in writing, in person at the
    controller's address with a passport or ID card, or by e-mail signed with a secure
    electronic signature and a time stamp; the person is identified before the answer."""

    channels: Annotated[tuple[Literal[REQUEST_CHANNELS], ...], Field(min_length=1)]  # type: ignore[valid-type]


class PolicySettings(Frozen):
    """``policy.yaml``: who the controller is, its contacts and the engine's defaults."""

    controller: Controller
    data_protection_officer: DataProtectionOfficer
    notice_version: Text
    supervisory_authority: SupervisoryAuthority
    requests: Requests = Requests(channels=REQUEST_CHANNELS)
    defaults: Defaults = Defaults()
    security_measures: tuple[LocalText, ...] = NOTICE_SECURITY_MEASURES


# --- legal_facts.yaml -----------------------------------------------------------------------


class LegalFact(Frozen):
    """One fact of law (or a public register) the policy rests on, with where and when it was
    read: the consolidated version's date and the day it was last checked."""

    source: LocalText
    section: LocalText | None = None
    says: LocalText
    url: Url
    #: The consolidated version (or page) that was read: the day it took effect or was updated.
    version: date
    checked: date
    #: Where the text was read when not on ``url`` itself (a secondary source names itself).
    read_in: tuple[Url, ...] = ()

    def citation(self, lang: str) -> str:
        """``Grāmatvedības likums, 28. pants`` / ``Accounting Law, Section 28``."""
        text = self.source.get(lang)
        return f"{text}, {self.section.get(lang)}" if self.section else text


class LegalFacts(Frozen):
    """``legal_facts.yaml``: every legal fact by id."""

    facts: Annotated[dict[Identifier, LegalFact], Field(min_length=1)]


# --- purposes/<id>.yaml ---------------------------------------------------------------------


class ProcessorController(Frozen):
    """For a processor purpose: on whose behalf the data is processed (Art. 30(2)(a))."""

    kind: Literal["client"]
    description: LocalText


class Recipient(Frozen):
    id: Identifier
    name: LocalText
    basis: LocalText


class RightOverride(Frozen):
    allowed: StrictBool
    reason: LocalText | None = None

    @model_validator(mode="after")
    def _needs_reason(self) -> RightOverride:
        if self.reason is None:
            raise ValueError(
                "a rights override needs a reason: add reason: {lv: ..., en: ...} saying why "
                "the derived rule does not apply"
            )
        return self


class RightsOverrides(Frozen):
    access: RightOverride | None = None
    rectification: RightOverride | None = None
    erasure: RightOverride | None = None
    restriction: RightOverride | None = None
    objection: RightOverride | None = None
    consent_withdrawal: RightOverride | None = None
    portability: RightOverride | None = None

    def given(self) -> dict[str, RightOverride]:
        """The overrides written in the file, by right."""
        return {right: getattr(self, right) for right in RIGHTS if getattr(self, right)}


class RestsOn(Frozen):
    """What a retention rule rests on.

    ``notice``: a statement of the published notice (its id in ``notice/traceability.yaml``).
    ``statute``: a legal fact (its id in ``legal_facts.yaml``) that fixes the period.
    ``decided_by``: ``company`` (its own choice) or ``client`` (the controller's instruction,
    for a processor purpose), always with a ``reason`` in both languages.
    A statute may come with the notice (the notice says "the period the law prescribes", the
    fact gives the figure) or with a client's instruction (the client's statutory period); a
    notice statement and a decision exclude each other.
    """

    notice: Identifier | None = None
    statute: Identifier | None = None
    decided_by: Literal["company", "client"] | None = None
    reason: LocalText | None = None

    @model_validator(mode="after")
    def _grounds(self) -> RestsOn:
        if not (self.notice or self.statute or self.decided_by):
            raise ValueError(
                "rests_on needs a ground: notice (a statement id), statute (a legal fact id) "
                "or decided_by (company or client, with a reason) (found: none)"
            )
        if self.notice and self.decided_by:
            raise ValueError(
                "rests_on names both notice and decided_by (found: notice, decided_by); "
                "a period the notice states is not a decision: keep one"
            )
        if self.decided_by and self.reason is None:
            raise ValueError(
                f"rests_on with decided_by: {self.decided_by} needs a reason: "
                "{lv: ..., en: ...} saying why this period"
            )
        if self.reason is not None and not self.decided_by:
            raise ValueError("rests_on.reason goes with decided_by; remove it or add decided_by")
        return self


GENERALISATIONS = (
    "month",
    "year",
    "birth_year_from_personas_kods",
    "age_band_from_personas_kods",
    "postcode_region",
    "address_municipality",
    "keep",
)
Generalisation = Literal[GENERALISATIONS]  # type: ignore[valid-type]


class AnonymisationSpec(Frozen):
    """How a rule anonymises its entity: every column is dropped, pseudonymised, generalised,
    scrubbed, kept as the sensitive attribute, or kept as it is, and the result must be
    k-anonymous and l-diverse over the quasi-identifiers (the generalised columns)."""

    target_table: Identifier
    drop: tuple[Text, ...] = ()
    pseudonymise: dict[str, Identifier] = {}
    generalise: Annotated[dict[str, Generalisation], Field(min_length=1)]
    scrub: tuple[Text, ...] = ()
    sensitive: Text | None = None
    keep: tuple[Text, ...] = ()
    k: StrictInt = 5
    l: StrictInt = 2  # noqa: E741 (the l of l-diversity)

    @field_validator("k")
    @classmethod
    def _k_at_least_two(cls, value: int) -> int:
        if value < 2:
            raise ValueError("k must be at least 2 (k = 1 means a row may stand alone)")
        return value

    @field_validator("l")
    @classmethod
    def _l_positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("l must be at least 1")
        return value

    @model_validator(mode="after")
    def _l_needs_sensitive(self) -> AnonymisationSpec:
        if self.l > 1 and not self.sensitive:
            raise ValueError("l > 1 needs a sensitive column (sensitive: <column>)")
        return self

    def assigned(self) -> dict[str, str]:
        """Column -> its treatment; a column named twice appears under its last treatment."""
        out = {c: "drop" for c in self.drop}
        out.update({c: "pseudonymise" for c in self.pseudonymise})
        out.update({c: "generalise" for c in self.generalise})
        out.update({c: "scrub" for c in self.scrub})
        out.update({c: "keep" for c in self.keep})
        if self.sensitive:
            out[self.sensitive] = "sensitive"
        return out

    def output_columns(self) -> list[str]:
        """The exact column set of the anonymised table, in a stable order."""
        columns = list(self.pseudonymise.values()) + list(self.generalise)
        columns += [c for c in self.keep if c not in columns]
        columns += [c for c in self.scrub if c not in columns]
        if self.sensitive and self.sensitive not in columns:
            columns.append(self.sensitive)
        return columns

    @property
    def quasi_identifiers(self) -> list[str]:
        return list(self.generalise)


class RetentionRule(Frozen):
    id: Identifier
    entity: Text
    anchor: Text
    period: StrictStr
    #: The rule as a person reads it, with ``{period}`` where the period goes (in the
    #: accusative: "Kandidātu dokumentus glabājam {period} pēc konkursa beigām."), so the
    #: notice and the letters never show column names and a changed period flows into them.
    in_words: LocalText
    action: Identifier  # a name in governance.retention.actions; the linter checks it
    order: Order = "oldest_first"
    where: dict[str, Any] = {}
    rests_on: RestsOn
    anonymise: AnonymisationSpec | None = None

    @field_validator("period")
    @classmethod
    def _iso_period(cls, value: str) -> str:
        parse_period(value)
        return value

    @field_validator("where")
    @classmethod
    def _scalars(cls, value: dict[str, Any]) -> dict[str, Any]:
        for column, wanted in value.items():
            if not isinstance(wanted, str | int | float | bool | type(None)):
                raise ValueError(
                    f"where.{column} must be a single value (text, number, true/false or null)"
                )
        return value

    @property
    def parsed_period(self) -> Period:
        return parse_period(self.period)


class Purpose(Frozen):
    """``purposes/<id>.yaml``: one processing purpose of the notice."""

    id: Identifier
    title: LocalText
    description: LocalText
    legal_basis: LegalBasis
    additional_legal_bases: tuple[LegalBasis, ...] = ()
    #: How the basis applies here, in both languages (shown with the basis in the notice and
    #: the Art. 30 record); where it comes from is in notice/traceability.yaml.
    legal_basis_note: LocalText | None = None
    role: Role
    controller: ProcessorController | None = None
    data_categories: Annotated[tuple[Category, ...], Field(min_length=1)]
    data_subjects: tuple[LocalText, ...] = ()
    data_origin: Annotated[tuple[Origin, ...], Field(min_length=1)]
    recipients: tuple[Recipient, ...] = ()
    entities: tuple[Text, ...] = ()
    schedule: StrictStr | None = "@daily"
    rights_overrides: RightsOverrides = RightsOverrides()
    retention: tuple[RetentionRule, ...] = ()

    @property
    def legal_bases(self) -> tuple[str, ...]:
        """The main basis first, then the additional ones."""
        return (self.legal_basis, *self.additional_legal_bases)


# --- sources/<system>.yaml ------------------------------------------------------------------


class Column(Frozen):
    category: Category
    identifier: IdentifierKind | None = None
    provided_by_subject: StrictBool = False
    free_text: StrictBool = False
    file: StrictBool = False
    type: ColumnType = "text"


class Link(Frozen):
    """``{column: c, to: entity.column}``: this entity's ``c`` references another column."""

    column: Text
    to: Annotated[str, Field(strict=True, pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){1,2}$")]


class Entity(Frozen):
    table: Text
    primary_key: Text
    #: The one purpose the entity's records are processed for (rights, rules and letters
    #: follow it).
    purpose: Identifier
    columns: Annotated[dict[str, Column], Field(min_length=1)]
    links: tuple[Link, ...] = ()

    def identifier_columns(self) -> dict[str, Column]:
        return {name: col for name, col in self.columns.items() if col.identifier}

    def subject_provided_columns(self) -> dict[str, Column]:
        return {name: col for name, col in self.columns.items() if col.provided_by_subject}


class Source(Frozen):
    """``sources/<system>.yaml``: one system of the data map."""

    system: Identifier
    title: Text
    kind: Literal["sql"]
    conn_id: Text
    files_conn_id: Text | None = None
    files_root: Text | None = None
    entities: Annotated[dict[str, Entity], Field(min_length=1)]
