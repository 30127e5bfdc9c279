"""The linter: reject a policy that cannot be carried out, naming file, line and the fix.

Two passes. First every file is parsed (YAML syntax, duplicate keys) and validated against its
model (unknown keys, missing keys, allowed values, ISO periods). Then the files are checked
against each other: rules against the data map, entities against purposes, links against
columns, grounds against the legal facts and the notice map. All problems are collected;
nothing stops at the first. When a file fails the first pass, references *into* it are not
checked, so one typo does not cascade into a dozen reports.

Every text value is also searched for internal notes ("verify ...", TODO): they must not reach a
person. Whether a legal fact is still fresh depends on the day, so it is a separate check
(:func:`stale_legal_facts`) that ``governance lint`` runs and loading the policy does not: a
fact past its age fails the daily lint, not every sweep.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from croniter import croniter
from pydantic import BaseModel, ValidationError

from governance.policy.models import LegalFacts, Purpose, Source
from governance.policy.models import PolicySettings as Settings
from governance.policy.notice.model import NoticeMap, NoticeVersions
from governance.policy.periods import add_period
from governance.policy.problems import Problem
from governance.policy.version import policy_files
from governance.policy.yaml_lines import KeyPath, LoadedYaml, YamlSyntaxError, load_yaml_with_lines

SCHEDULE_PRESETS = (
    "@once",
    "@continuous",
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
    "@quarterly",
    "@yearly",
)
DATE_TYPES = ("date", "datetime")

#: Words for values that must come from a fixed list, by the key that holds them.
_VALUE_NAMES = {
    "category": "category",
    "data_categories": "category",
    "identifier": "identifier kind",
    "type": "column type",
    "legal_basis": "legal basis",
    "additional_legal_bases": "legal basis",
    "role": "role",
    "data_origin": "data origin",
    "action": "action",
    "order": "order",
    "kind": "kind",
    "decided_by": "decided_by value",
}

_PATTERN_FORMS = {
    "^[a-z][a-z0-9_]*$": "an id of lower-case letters, digits and _ starting with a letter",
    r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$": "an e-mail address such as info@example.lv",
    r"^\+[0-9][0-9 ]{6,18}[0-9]$": "a phone number in international form such as +371 67000000",
    r"^https?://[^\s]+$": "a web address starting with https://",
    r"^[a-z*][a-z0-9_*]*(\.[a-z0-9_*]+)*$": "a policy key such as purposes.recruitment.title "
    "(* for one segment)",
}

#: Words of an internal note that must never reach a person (a letter, the notice, the record).
INTERNAL_NOTE = re.compile(r"\b(verify|TODO|FIXME|TBD|XXX)\b", re.IGNORECASE)

#: The optional files besides policy.yaml, purposes/ and sources/, and the model of each.
LEGAL_FACTS_FILE = "legal_facts.yaml"
NOTICE_MAP_FILE = "notice/traceability.yaml"
NOTICE_VERSIONS_FILE = "notice/versions.yaml"


@dataclass
class CheckedPolicy:
    """What the linter could validate, and every problem it found."""

    settings: Settings | None = None
    purposes: dict[str, Purpose] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    legal_facts: LegalFacts | None = None
    notice_map: NoticeMap | None = None
    notice_versions: NoticeVersions | None = None
    problems: list[Problem] = field(default_factory=list)


def executable_actions() -> tuple[str, ...]:
    """Actions the retention engine can carry out: the names of its registry."""
    from governance.retention.actions import names  # names only: no action module is imported

    return names()


def check_policy(directory: Path) -> CheckedPolicy:
    """Lint the folder; return the valid models and the sorted problems."""
    linter = _Linter(directory)
    linter.run()
    linter.result.problems.sort()
    return linter.result


def stale_legal_facts(directory: Path, checked: CheckedPolicy, today: date) -> list[Problem]:
    """Legal facts last checked longer ago than ``defaults.legal_fact_max_age`` (default P1Y)."""
    if checked.legal_facts is None:
        return []
    max_age = checked.settings.defaults.legal_fact_max_age if checked.settings else "P1Y"
    path = directory / LEGAL_FACTS_FILE
    try:
        lines = load_yaml_with_lines(path.read_text(encoding="utf-8"))
    except (OSError, YamlSyntaxError):
        lines = None
    problems = []
    for fact_id, fact in sorted(checked.legal_facts.facts.items()):
        if add_period(fact.checked, max_age) < today:
            line = lines.line_of(("facts", fact_id, "checked")) if lines else 1
            problems.append(
                Problem(
                    str(path),
                    line,
                    f"legal fact '{fact_id}' was last checked on {fact.checked.isoformat()}, "
                    f"longer ago than {max_age} (defaults.legal_fact_max_age); read the current "
                    f"text at {fact.url} and update version and checked",
                )
            )
    return problems


class _Linter:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.result = CheckedPolicy()
        self.loaded: dict[str, LoadedYaml] = {}
        self.broken_purposes: set[str] = set()
        self.broken_sources: set[str] = set()
        self.broken_facts = False
        self.broken_notice = False

    # --- reporting ----------------------------------------------------------------------

    def report(self, rel: str, where: KeyPath | int, message: str) -> None:
        if isinstance(where, int):
            line = where
        else:
            loaded = self.loaded.get(rel)
            line = loaded.line_of(where) if loaded else 1
        self.result.problems.append(Problem(str(self.directory / rel), line, message))

    # --- pass 1: files ------------------------------------------------------------------

    def run(self) -> None:
        if not self.directory.is_dir():
            self.report(".", 1, f"policy folder {self.directory} does not exist")
            return
        purpose_files: list[tuple[str, str]] = []
        source_files: list[tuple[str, str]] = []
        settings_seen = False
        for path in policy_files(self.directory):
            rel = path.relative_to(self.directory).as_posix()
            parts = rel.split("/")
            if path.suffix == ".yml":
                self.report(
                    rel, 1, "policy files end in .yaml; rename this .yml file (it is ignored)"
                )
            elif rel == "policy.yaml":
                settings_seen = True
                model = self.validate(rel, path, Settings)
                self.result.settings = model if isinstance(model, Settings) else None
            elif rel == LEGAL_FACTS_FILE:
                model = self.validate(rel, path, LegalFacts)
                self.result.legal_facts = model if isinstance(model, LegalFacts) else None
                self.broken_facts = model is None
            elif rel == NOTICE_MAP_FILE:
                model = self.validate(rel, path, NoticeMap)
                self.result.notice_map = model if isinstance(model, NoticeMap) else None
                self.broken_notice = model is None
            elif rel == NOTICE_VERSIONS_FILE:
                model = self.validate(rel, path, NoticeVersions)
                self.result.notice_versions = model if isinstance(model, NoticeVersions) else None
            elif len(parts) == 2 and parts[0] == "purposes":
                purpose_files.append((rel, path.stem))
            elif len(parts) == 2 and parts[0] == "sources":
                source_files.append((rel, path.stem))
            else:
                self.report(
                    rel,
                    1,
                    "unexpected YAML file; expected policy.yaml, purposes/<id>.yaml, "
                    f"sources/<system>.yaml, {LEGAL_FACTS_FILE}, {NOTICE_MAP_FILE} "
                    f"or {NOTICE_VERSIONS_FILE}",
                )
        if not settings_seen:
            self.report(
                "policy.yaml",
                1,
                "missing policy.yaml; expected controller, notice_version and "
                "supervisory_authority (see include/policy/README.md)",
            )
        for rel, stem in purpose_files:
            model = self.validate(rel, self.directory / rel, Purpose)
            if isinstance(model, Purpose):
                self.result.purposes[stem] = model
            else:
                self.broken_purposes.add(stem)
        for rel, stem in source_files:
            model = self.validate(rel, self.directory / rel, Source)
            if isinstance(model, Source):
                self.result.sources[stem] = model
            else:
                self.broken_sources.add(stem)
        if not purpose_files:
            self.report("purposes", 1, "no purpose files; expected purposes/<id>.yaml")
        if not source_files:
            self.report("sources", 1, "no data-map files; expected sources/<system>.yaml")
        self.check_names()
        for stem, purpose in sorted(self.result.purposes.items()):
            self.check_purpose(f"purposes/{stem}.yaml", purpose)
        for stem, source in sorted(self.result.sources.items()):
            self.check_source(f"sources/{stem}.yaml", stem, source)
        self.check_grounds()
        self.check_notes()

    def validate(self, rel: str, path: Path, model: type[BaseModel]) -> BaseModel | None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.report(rel, 1, "not UTF-8 text; save the file as UTF-8")
            return None
        try:
            loaded = load_yaml_with_lines(text)
        except YamlSyntaxError as exc:
            self.report(rel, exc.line, exc.message)
            return None
        self.loaded[rel] = loaded
        for key_path, line, first in loaded.duplicates:
            self.report(
                rel,
                line,
                f"duplicate key '{_dotted(key_path)}' (first at line {first}); "
                "remove one, the later would silently win",
            )
        if not isinstance(loaded.data, dict):
            found = "an empty file" if loaded.data is None else f"a {type(loaded.data).__name__}"
            keys = ", ".join(name for name, f in model.model_fields.items() if f.is_required())
            self.report(rel, 1, f"expected a mapping with keys {keys}; found {found}")
            return None
        try:
            return model.model_validate(loaded.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                line_path = loc[:-1] if error["type"] == "missing" else loc
                self.report(rel, line_path, _describe(model, error))
            return None

    # --- pass 2: across files ------------------------------------------------------------

    def check_names(self) -> None:
        for stem, purpose in self.result.purposes.items():
            if purpose.id != stem:
                self.report(
                    f"purposes/{stem}.yaml",
                    ("id",),
                    f"purpose id '{purpose.id}' does not match the file name; "
                    f"expected id: {stem} (or rename the file to {purpose.id}.yaml)",
                )
        for stem, source in self.result.sources.items():
            if source.system != stem:
                self.report(
                    f"sources/{stem}.yaml",
                    ("system",),
                    f"system '{source.system}' does not match the file name; "
                    f"expected system: {stem} (or rename the file to {source.system}.yaml)",
                )

    def resolve_entity(self, qualified: str) -> tuple[str, Any] | None:
        """``(system, Entity)``, or ``None`` when its system failed pass 1; raises _Unknown."""
        system, _, name = qualified.partition(".")
        if not name or "." in name:
            raise _Unknown(f"'{qualified}' is not <system>.<entity>")
        if system in self.broken_sources:
            return None
        source = self.result.sources.get(system)
        if source is None:
            known = ", ".join(sorted(self.result.sources | dict.fromkeys(self.broken_sources)))
            raise _Unknown(
                f"unknown entity '{qualified}': no sources/{system}.yaml; "
                f"expected <system>.<entity> with system one of: {known or '(none)'}"
            )
        if name not in source.entities:
            raise _Unknown(
                f"unknown entity '{qualified}': sources/{system}.yaml has no entity '{name}'; "
                f"expected one of: {', '.join(sorted(source.entities))}"
            )
        return system, source.entities[name]

    def check_purpose(self, rel: str, purpose: Purpose) -> None:
        pid = rel.removeprefix("purposes/").removesuffix(".yaml")
        if purpose.role == "processor" and purpose.controller is None:
            self.report(
                rel,
                ("role",),
                "a processor purpose needs controller: {kind: client, description: ...} "
                "naming on whose behalf the data is processed (GDPR Art. 30(2))",
            )
        if purpose.role == "controller" and purpose.controller is not None:
            self.report(
                rel,
                ("controller",),
                "controller is only for role: processor; remove it or set role: processor",
            )
        if purpose.role == "processor" and purpose.legal_basis != "controllers_basis":
            self.report(
                rel,
                ("legal_basis",),
                f"a processor has no legal basis of its own (found: {purpose.legal_basis}); "
                "the client's basis applies: set legal_basis: controllers_basis and say how in "
                "legal_basis_note",
            )
        if purpose.role == "controller" and purpose.legal_basis == "controllers_basis":
            self.report(
                rel,
                ("legal_basis",),
                "controllers_basis is for processor purposes; a controller purpose needs its own "
                "basis of GDPR Art. 6(1): consent, contract, legal_obligation, vital_interests, "
                "public_task or legitimate_interests",
            )
        if "controllers_basis" in purpose.additional_legal_bases:
            self.report(
                rel,
                ("additional_legal_bases",),
                "controllers_basis cannot be an additional basis; it is a processor's only one",
            )
        if purpose.schedule is not None and not _valid_schedule(purpose.schedule):
            self.report(
                rel,
                ("schedule",),
                f"schedule '{purpose.schedule}' is neither a preset nor a cron expression; "
                f"expected one of {', '.join(SCHEDULE_PRESETS)} or five cron fields "
                "such as '0 3 * * *'",
            )
        for index, qualified in enumerate(purpose.entities):
            try:
                found = self.resolve_entity(qualified)
            except _Unknown as exc:
                self.report(rel, ("entities", index), f"purpose lists {exc}")
                continue
            if found is not None and found[1].purpose != pid and self._lists(found[1], qualified):
                self.report(
                    rel,
                    ("entities", index),
                    f"entity '{qualified}' serves purpose '{found[1].purpose}', not '{pid}'; "
                    f"set purpose: {pid} in sources/{found[0]}.yaml or remove it here",
                )
        first_line: dict[str, int] = {}
        loaded = self.loaded[rel]
        for index, rule in enumerate(purpose.retention):
            here = ("retention", index)
            line = loaded.line_of((*here, "id"))
            if rule.id in first_line:
                self.report(
                    rel,
                    line,
                    f"duplicate rule id '{rule.id}' (first at line {first_line[rule.id]}); "
                    "rule ids must be unique within a purpose",
                )
            else:
                first_line[rule.id] = line
            self.check_rule(rel, here, purpose, rule)

    def _lists(self, entity: Any, qualified: str) -> bool:
        """Whether the entity's own purpose lists it (else its data map reports the mismatch)."""
        own = self.result.purposes.get(entity.purpose)
        return own is not None and qualified in own.entities

    def check_anonymisation(
        self, rel: str, here: KeyPath, rule: Any, entity: Any, where_file: str
    ) -> None:
        """An anonymising rule says what happens to every column, and only to real ones."""
        spec = rule.anonymise
        if rule.action != "anonymise":
            if spec is not None:
                self.report(
                    rel,
                    (*here, "anonymise"),
                    f"rule '{rule.id}' has an anonymise block but its action is "
                    f"'{rule.action}'; set action: anonymise or remove the block",
                )
            return
        if spec is None:
            self.report(
                rel,
                (*here, "action"),
                f"rule '{rule.id}': action anonymise needs an anonymise block (target_table, "
                "drop, pseudonymise, generalise, scrub, sensitive, keep, k, l)",
            )
            return
        named: dict[str, int] = {}
        for column in [*spec.drop, *spec.pseudonymise, *spec.generalise, *spec.scrub, *spec.keep]:
            named[column] = named.get(column, 0) + 1
        if spec.sensitive:
            named[spec.sensitive] = named.get(spec.sensitive, 0) + 1
        for column, times in named.items():
            if column not in entity.columns:
                self.report(
                    rel,
                    (*here, "anonymise"),
                    f"rule '{rule.id}': anonymise names column '{column}', which does not exist "
                    f"in entity '{rule.entity}' ({where_file}); expected one of: "
                    f"{', '.join(entity.columns)}",
                )
            elif times > 1:
                self.report(
                    rel,
                    (*here, "anonymise"),
                    f"rule '{rule.id}': anonymise names column '{column}' more than once; "
                    "each column gets exactly one treatment",
                )
        for column, spec_column in entity.columns.items():
            if column not in named:
                self.report(
                    rel,
                    (*here, "anonymise"),
                    f"rule '{rule.id}': column '{column}' of '{rule.entity}' has no treatment; "
                    "add it to drop, pseudonymise, generalise, scrub, keep or sensitive "
                    "(nothing is kept by default)",
                )
            elif spec_column.identifier and column in spec.keep:
                self.report(
                    rel,
                    (*here, "anonymise", "keep"),
                    f"rule '{rule.id}': column '{column}' holds an identifier "
                    f"({spec_column.identifier}) and cannot be kept; drop, pseudonymise or "
                    "generalise it",
                )

    def check_rests_on(self, rel: str, here: KeyPath, purpose: Purpose, rule: Any) -> None:
        """The rule's grounds exist, and fit the purpose's role."""
        rests = rule.rests_on
        if rests.statute:
            self.check_fact(rel, (*here, "rests_on", "statute"), rests.statute)
        if rests.notice:
            notice = self.result.notice_map
            if notice is None and not self.broken_notice:
                self.report(
                    rel,
                    (*here, "rests_on", "notice"),
                    f"rule '{rule.id}' rests on notice statement '{rests.notice}' but the policy "
                    f"has no {NOTICE_MAP_FILE}; add the statement there",
                )
            elif notice is not None and notice.statement(rests.notice) is None:
                self.report(
                    rel,
                    (*here, "rests_on", "notice"),
                    f"rule '{rule.id}' rests on unknown notice statement '{rests.notice}'; "
                    f"expected a statement id of {NOTICE_MAP_FILE}",
                )
        if purpose.role == "processor" and rests.decided_by == "company":
            self.report(
                rel,
                (*here, "rests_on", "decided_by"),
                f"rule '{rule.id}': a processor keeps a client's data as the client instructs; "
                "use decided_by: client (the contract's period) with its reason",
            )
        if purpose.role == "controller" and rests.decided_by == "client":
            self.report(
                rel,
                (*here, "rests_on", "decided_by"),
                f"rule '{rule.id}': decided_by: client is for processor purposes; a controller "
                "decides itself (decided_by: company)",
            )
        for lang in ("lv", "en"):
            if "{period}" not in rule.in_words.get(lang):
                self.report(
                    rel,
                    (*here, "in_words", lang),
                    f"rule '{rule.id}': in_words.{lang} has no {{period}}; write where the "
                    "period goes, so a changed period reaches the notice and the letters",
                )

    def check_fact(self, rel: str, where: KeyPath, fact_id: str) -> None:
        facts = self.result.legal_facts
        if facts is None and self.broken_facts:
            return
        if facts is None:
            self.report(
                rel,
                where,
                f"legal fact '{fact_id}' is named but the policy has no {LEGAL_FACTS_FILE}; "
                "add the fact there (source, section, says, url, version, checked)",
            )
        elif fact_id not in facts.facts:
            self.report(
                rel,
                where,
                f"unknown legal fact '{fact_id}'; expected one of {LEGAL_FACTS_FILE}: "
                + ", ".join(sorted(facts.facts)),
            )

    def check_grounds(self) -> None:
        """Contacts and notice grounds that name a legal fact name an existing one."""
        settings = self.result.settings
        if settings is not None:
            self.check_fact(
                "policy.yaml",
                ("supervisory_authority", "rests_on"),
                settings.supervisory_authority.rests_on,
            )
        notice = self.result.notice_map
        if notice is None:
            return
        sections = {s.id for s in notice.sections}
        seen: dict[str, int] = {}
        for index, statement in enumerate(notice.statements):
            where = ("statements", index)
            if statement.id in seen:
                self.report(
                    NOTICE_MAP_FILE,
                    (*where, "id"),
                    f"duplicate statement id '{statement.id}' (first at statement "
                    f"{seen[statement.id] + 1}); statement ids are unique",
                )
            seen.setdefault(statement.id, index)
            if statement.section not in sections:
                self.report(
                    NOTICE_MAP_FILE,
                    (*where, "section"),
                    f"statement '{statement.id}' names unknown section '{statement.section}'; "
                    f"expected one of: {', '.join(sorted(sections))}",
                )
        for index, ground in enumerate(notice.grounds):
            if ground.statute:
                self.check_fact(NOTICE_MAP_FILE, ("grounds", index, "statute"), ground.statute)

    def check_notes(self) -> None:
        """No internal note ("verify ...", TODO) in any text value of any policy file."""
        for rel, loaded in sorted(self.loaded.items()):
            for key_path, text in _texts(loaded.data, ()):
                match = INTERNAL_NOTE.search(text)
                if match:
                    self.report(
                        rel,
                        key_path,
                        f"{_dotted(key_path)}: internal note '{match.group(0)}' in a text a "
                        "person or the DPO reads; resolve it (cite the law in "
                        f"{LEGAL_FACTS_FILE}) or move it to a YAML comment",
                    )

    def check_rule(self, rel: str, here: KeyPath, purpose: Purpose, rule: Any) -> None:
        self.check_rests_on(rel, here, purpose, rule)
        if rule.action not in executable_actions():
            self.report(
                rel,
                (*here, "action"),
                f"rule '{rule.id}': unknown action '{rule.action}'; expected one of: "
                + ", ".join(executable_actions()),
            )
        try:
            found = self.resolve_entity(rule.entity)
        except _Unknown as exc:
            self.report(rel, (*here, "entity"), f"rule '{rule.id}' names {exc}")
            return
        if found is None:
            return
        system, entity = found
        if rule.entity not in purpose.entities:
            self.report(
                rel,
                (*here, "entity"),
                f"rule '{rule.id}' works on '{rule.entity}', which is not in this purpose's "
                "entities; add it to entities or fix the rule",
            )
        dated = [name for name, col in entity.columns.items() if col.type in DATE_TYPES]
        where_file = f"sources/{system}.yaml"
        column = entity.columns.get(rule.anchor)
        if column is None:
            self.report(
                rel,
                (*here, "anchor"),
                f"rule '{rule.id}': anchor column '{rule.anchor}' does not exist in entity "
                f"'{rule.entity}' ({where_file}); expected one of its date/datetime columns: "
                f"{', '.join(dated) or '(none declared)'}",
            )
        elif column.type not in DATE_TYPES:
            self.report(
                rel,
                (*here, "anchor"),
                f"rule '{rule.id}': anchor column '{rule.anchor}' of entity '{rule.entity}' has "
                f"type {column.type}; expected date or datetime (declare type: date or "
                f"type: datetime in {where_file}, or anchor on one of: "
                f"{', '.join(dated) or '(none declared)'})",
            )
        self.check_anonymisation(rel, here, rule, entity, where_file)
        for name in rule.where:
            if name not in entity.columns:
                self.report(
                    rel,
                    (*here, "where", name),
                    f"rule '{rule.id}': where column '{name}' does not exist in entity "
                    f"'{rule.entity}' ({where_file}); expected one of: "
                    f"{', '.join(entity.columns)}",
                )

    def check_source(self, rel: str, system: str, source: Source) -> None:
        known_purposes = sorted(self.result.purposes | dict.fromkeys(self.broken_purposes))
        for name, entity in source.entities.items():
            here = ("entities", name)
            qualified = f"{system}.{name}"
            pid = entity.purpose
            if pid not in self.broken_purposes:
                purpose = self.result.purposes.get(pid)
                if purpose is None:
                    self.report(
                        rel,
                        (*here, "purpose"),
                        f"entity '{qualified}' names unknown purpose '{pid}'; expected one of: "
                        f"{', '.join(known_purposes) or '(none)'}",
                    )
                elif qualified not in purpose.entities:
                    self.report(
                        rel,
                        (*here, "purpose"),
                        f"purpose '{pid}' does not list entity '{qualified}' in its entities; "
                        f"add it there in purposes/{pid}.yaml or serve another purpose here",
                    )
            if entity.primary_key not in entity.columns:
                self.report(
                    rel,
                    (*here, "primary_key"),
                    f"primary key '{entity.primary_key}' is not a column of '{qualified}'; "
                    f"expected one of: {', '.join(entity.columns)}",
                )
            for col_name, column in entity.columns.items():
                if column.file and not source.files_root:
                    self.report(
                        rel,
                        (*here, "columns", col_name, "file"),
                        f"column '{col_name}' holds file paths but the system has no files_root; "
                        "add files_root (and files_conn_id) at the top of the file",
                    )
            for index, link in enumerate(entity.links):
                if link.column not in entity.columns:
                    self.report(
                        rel,
                        (*here, "links", index, "column"),
                        f"link column '{link.column}' is not a column of '{qualified}'; "
                        f"expected one of: {', '.join(entity.columns)}",
                    )
                message = self.link_target_problem(system, link.to)
                if message:
                    self.report(rel, (*here, "links", index, "to"), message)

    def link_target_problem(self, system: str, target: str) -> str | None:
        parts = target.split(".")
        to_system = system if len(parts) == 2 else parts[0]
        entity_name, column = parts[-2], parts[-1]
        if to_system in self.broken_sources:
            return None
        source = self.result.sources.get(to_system)
        if source is None:
            return (
                f"link to '{target}': no sources/{to_system}.yaml; expected entity.column "
                "in this system or system.entity.column"
            )
        entity = source.entities.get(entity_name)
        if entity is None:
            return (
                f"link to '{target}': sources/{to_system}.yaml has no entity '{entity_name}'; "
                f"expected one of: {', '.join(sorted(source.entities))}"
            )
        if column not in entity.columns:
            return (
                f"link to '{target}': entity '{to_system}.{entity_name}' has no column "
                f"'{column}'; expected one of: {', '.join(entity.columns)}"
            )
        return None


class _Unknown(Exception):
    """Internal: a reference that does not resolve; the message says what was expected."""


def _texts(value: Any, path: KeyPath):
    """Every string value in a YAML document with its key path (keys themselves excluded)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def _valid_schedule(schedule: str) -> bool:
    """A preset, or five cron fields that croniter (what Airflow's cron timetables use) parses:
    ``foo bar baz qux quux`` and ``61 3 * * *`` are not schedules."""
    if schedule.startswith("@"):
        return schedule in SCHEDULE_PRESETS
    return len(schedule.split()) == 5 and croniter.is_valid(schedule)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(root: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (for listing its allowed keys)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part) if isinstance(part, str) else None
            if info is None:
                return None
            current = info.annotation
            continue
        origin, args = typing.get_origin(current), typing.get_args(current)
        if origin in (list, tuple) and args:
            current = args[0]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` down to the type that validates the value."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _describe(model: type[BaseModel], error: Any) -> str:
    """A pydantic error as a sentence that says what was expected."""
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    key = next((part for part in reversed(loc) if isinstance(part, str)), "")
    prefix = f"{_dotted(loc)}: " if loc else ""
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else "see include/policy/README.md"
        return f"unknown key '{_dotted(loc)}'; expected one of: {allowed}"
    if kind == "missing":
        where = f" in {_dotted(loc[:-1])}" if loc[:-1] else ""
        return f"missing required key '{loc[-1]}'{where}"
    if kind == "literal_error":
        what = _VALUE_NAMES.get(key, "value")
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{prefix}unknown {what} {value!r}; expected one of: {expected}"
    if kind in ("value_error", "assertion_error"):
        return f"{prefix}{ctx.get('error', error['msg'])}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        form = _PATTERN_FORMS.get(pattern, "entity.column or system.entity.column")
        return f"{prefix}{value!r} has the wrong form; expected {form}"
    if kind in ("too_short", "string_too_short"):
        return f"{prefix}must not be empty"
    expected = {
        "string_type": "text (quote it if YAML reads it as a number, date or true/false)",
        "bool_type": "true or false",
        "int_type": "a whole number",
        "dict_type": "a mapping (key: value)",
        "model_type": "a mapping (key: value)",
        "model_attributes_type": "a mapping (key: value)",
        "list_type": "a list",
        "tuple_type": "a list",
    }.get(kind)
    if kind == "greater_than":
        return f"{prefix}expected a number greater than {ctx.get('gt')}"
    if expected:
        return f"{prefix}expected {expected}; found {type(value).__name__}"
    return f"{prefix}{error['msg']}"
