"""The Record of Processing Activities (GDPR Art. 30), rendered from the policy.

First a language-resolved view is built from the policy (plain dataclasses, easy to test), then
it is rendered: Markdown and HTML with Jinja2 templates (HTML autoescaped), CSV with the csv
module. The CSV has **one row per retention rule**; a purpose without rules still gets one row
with the rule columns empty, so every purpose appears. Controller purposes form the Art. 30(1)
record, processor purposes the Art. 30(2) record.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import jinja2

from governance.policy.labels import labels
from governance.policy.models import Purpose, RetentionRule
from governance.policy.periods import period_in_words
from governance.policy.policy import Policy
from governance.policy.words import fill_period

FORMATS = ("md", "html", "csv")
_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RuleView:
    id: str
    entity: str
    anchor: str
    period_iso: str
    period: str
    in_words: str
    action: str
    order: str
    condition: str
    rests_on: str


@dataclass(frozen=True)
class RightView:
    right: str
    label: str
    allowed: bool
    why: str


@dataclass(frozen=True)
class ActivityView:
    id: str
    title: str
    description: str
    role: str
    is_processor: bool
    on_behalf_of: str
    legal_bases: tuple[str, ...]
    legal_basis_note: str
    data_subjects: tuple[str, ...]
    data_categories: tuple[str, ...]
    origin: tuple[str, ...]
    recipients: tuple[str, ...]
    rules: tuple[RuleView, ...]
    rights: tuple[RightView, ...]


@dataclass(frozen=True)
class RopaView:
    lang: str
    labels: dict[str, str]
    controller_name: str
    controller_address: str
    controller_email: str
    controller_phone: str
    dpo_email: str
    supervisory_authority: str
    supervisory_authority_contacts: tuple[str, ...]
    notice_version: str
    policy_version: str
    security_measures: tuple[str, ...]
    controller_activities: tuple[ActivityView, ...]
    processor_activities: tuple[ActivityView, ...]

    @property
    def activities(self) -> tuple[ActivityView, ...]:
        return self.controller_activities + self.processor_activities


def build_view(policy: Policy, lang: str) -> RopaView:
    """The record's content in ``lang`` ('lv' or 'en'), independent of the output format."""
    words = labels(lang)
    activities = [_activity(policy, purpose, lang, words) for purpose in policy.purposes.values()]
    contacts = policy.contacts
    authority = contacts.supervisory_authority
    return RopaView(
        lang=lang,
        labels=words,
        controller_name=contacts.controller.name,
        controller_address=contacts.controller.address.get(lang),
        controller_email=contacts.controller.email,
        controller_phone=contacts.controller.phone,
        dpo_email=contacts.data_protection_officer.email,
        supervisory_authority=authority.name.get(lang),
        supervisory_authority_contacts=(
            authority.address.get(lang),
            authority.email,
            authority.phone,
            authority.website,
        ),
        notice_version=policy.settings.notice_version,
        policy_version=policy.version,
        security_measures=tuple(m.get(lang) for m in policy.settings.security_measures),
        controller_activities=tuple(a for a in activities if not a.is_processor),
        processor_activities=tuple(a for a in activities if a.is_processor),
    )


def _activity(policy: Policy, purpose: Purpose, lang: str, words: dict[str, str]) -> ActivityView:
    subjects = tuple(s.get(lang) for s in purpose.data_subjects) or tuple(
        words[f"subjects.{origin}"] for origin in purpose.data_origin
    )
    overrides = purpose.rights_overrides.given()
    rights = tuple(
        RightView(
            right=right,
            label=words[f"right.{right}"],
            allowed=decision.allowed,
            why=(
                f"{words['why.override']}: {overrides[right].reason.get(lang)}"
                if decision.overridden and overrides[right].reason is not None
                else words[f"why.{decision.rule}"]
            ),
        )
        for right, decision in policy.rights(purpose.id).items()
    )
    return ActivityView(
        id=purpose.id,
        title=purpose.title.get(lang),
        description=purpose.description.get(lang),
        role=words[f"role.{purpose.role}"],
        is_processor=purpose.role == "processor",
        on_behalf_of=purpose.controller.description.get(lang) if purpose.controller else "",
        legal_bases=tuple(words[f"basis.{basis}"] for basis in purpose.legal_bases),
        legal_basis_note=purpose.legal_basis_note.get(lang) if purpose.legal_basis_note else "",
        data_subjects=subjects,
        data_categories=tuple(words[f"category.{c}"] for c in purpose.data_categories),
        origin=tuple(words[f"origin.{o}"] for o in purpose.data_origin),
        recipients=tuple(f"{r.name.get(lang)} ({r.basis.get(lang)})" for r in purpose.recipients),
        rules=tuple(_rule(policy, rule, lang, words) for rule in purpose.retention),
        rights=rights,
    )


def _rule(policy: Policy, rule: RetentionRule, lang: str, words: dict[str, str]) -> RuleView:
    rests = rule.rests_on
    grounds = []
    if rests.notice:
        grounds.append(words["rests.notice"])
    if rests.statute:
        fact = policy.legal_fact(rests.statute)
        grounds.append(f"{words['rests.statute']}: {fact.citation(lang)} ({fact.says.get(lang)})")
    if rests.decided_by and rests.reason is not None:
        grounds.append(f"{words[f'rests.{rests.decided_by}']}: {rests.reason.get(lang)}")
    rests_on = "; ".join(grounds)
    condition = ", ".join(
        f"{column} = {_yaml_scalar(value)}" for column, value in rule.where.items()
    )
    return RuleView(
        id=rule.id,
        entity=rule.entity,
        anchor=rule.anchor,
        period_iso=rule.period,
        period=period_in_words(rule.period, lang),
        in_words=fill_period(rule.in_words, rule.period, lang),
        action=words[f"action.{rule.action}"],
        order=words[f"order.{rule.order}"],
        condition=condition,
        rests_on=rests_on,
    )


def _yaml_scalar(value: object) -> str:
    """A ``where`` value as it is written in the policy (true, null), not as Python prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks break the row."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _markdown_cell
    return env


def _csv(view: RopaView) -> str:
    w = view.labels
    header = [
        w["record"],
        w["purpose_id"],
        w["purpose"],
        w["role"],
        w["on_behalf_of"],
        w["legal_basis"],
        w["data_subjects"],
        w["data_categories"],
        w["recipients"],
        w["transfers"],
        w["rule_id"],
        w["in_words"],
        w["entity"],
        w["anchor"],
        w["period_iso"],
        w["period"],
        w["action"],
        w["condition"],
        w["rests_on"],
        w["rights_allowed"],
        w["rights_not_allowed"],
        w["security_measures"],
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for activity in view.activities:
        record = "30(2)" if activity.is_processor else "30(1)"
        common = [
            record,
            activity.id,
            activity.title,
            activity.role,
            activity.on_behalf_of,
            "; ".join(activity.legal_bases),
            "; ".join(activity.data_subjects),
            "; ".join(activity.data_categories),
            "; ".join(activity.recipients) or w["no_recipients"],
            w["no_transfers"],
        ]
        tail = [
            "; ".join(r.label for r in activity.rights if r.allowed),
            "; ".join(f"{r.label} ({r.why})" for r in activity.rights if not r.allowed),
            "; ".join(view.security_measures),
        ]
        rules = activity.rules or (None,)
        for rule in rules:
            middle = (
                [
                    rule.id,
                    rule.in_words,
                    rule.entity,
                    rule.anchor,
                    rule.period_iso,
                    rule.period,
                    rule.action,
                    rule.condition,
                    rule.rests_on,
                ]
                if rule
                else [""] * 9
            )
            writer.writerow(common + middle + tail)
    return out.getvalue()


def render_ropa(policy: Policy, lang: str, fmt: str) -> str:
    """The Art. 30 record of ``policy`` in ``lang`` ('lv'|'en') and ``fmt`` ('md'|'html'|'csv')."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    view = build_view(policy, lang)
    if fmt == "csv":
        return _csv(view)
    template = _environment(autoescape=fmt == "html").get_template(f"ropa.{fmt}.j2")
    return template.render(view=view, w=view.labels)
