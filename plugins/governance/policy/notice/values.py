"""The policy's notice-facing values, one per dotted key: what the notice announces or must.

``purposes.video_surveillance.retention.recordings_30_days.period`` -> ``P30D``. Every value the
generated notice prints from the policy has a key here, so the traceability map can account for
it, the drift check can compare it with what the published notice states, and a fingerprint per
notice version can tell when one changed. Texts are their Latvian wording (the notice's
language); the English wording follows it in the same file.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping

from governance.policy.models import Purpose
from governance.policy.policy import Policy

#: The keys of each purpose whose values are sets (one key per member).
_SET_FIELDS = ("additional_legal_bases", "data_categories", "data_origin")


def notice_values(policy: Policy) -> dict[str, str]:
    """Every notice-facing value of ``policy`` by key, sorted by key."""
    settings = policy.settings
    c, dpo, sa = (
        settings.controller,
        settings.data_protection_officer,
        settings.supervisory_authority,
    )
    values: dict[str, str] = {
        "notice_version": settings.notice_version,
        "controller.name": c.name,
        "controller.address": c.address.lv,
        "controller.email": c.email,
        "controller.phone": c.phone,
        "data_protection_officer.email": dpo.email,
        "supervisory_authority.name": sa.name.lv,
        "supervisory_authority.address": sa.address.lv,
        "supervisory_authority.email": sa.email,
        "supervisory_authority.phone": sa.phone,
        "supervisory_authority.website": sa.website,
        "defaults.response_period": settings.defaults.response_period,
        "defaults.max_extension": settings.defaults.max_extension,
    }
    if c.short_name:
        values["controller.short_name"] = c.short_name
    if c.owner:
        values["controller.owner"] = c.owner
    if dpo.name:
        values["data_protection_officer.name"] = dpo.name
    for channel in settings.requests.channels:
        values[f"requests.channels.{channel}"] = channel
    for index, measure in enumerate(settings.security_measures, start=1):
        values[f"security_measures.{index}"] = measure.lv
    for purpose in policy.purposes.values():
        values.update(_purpose_values(policy, purpose))
    return dict(sorted(values.items()))


def _purpose_values(policy: Policy, purpose: Purpose) -> dict[str, str]:
    at = f"purposes.{purpose.id}"
    values = {
        f"{at}.title": purpose.title.lv,
        f"{at}.description": purpose.description.lv,
        f"{at}.role": purpose.role,
        f"{at}.legal_basis": purpose.legal_basis,
    }
    if purpose.legal_basis_note:
        values[f"{at}.legal_basis_note"] = purpose.legal_basis_note.lv
    if purpose.controller:
        values[f"{at}.controller"] = purpose.controller.description.lv
    for name in _SET_FIELDS:
        for member in getattr(purpose, name):
            values[f"{at}.{name}.{member}"] = member
    for kind in identifier_kinds(policy, purpose):
        values[f"{at}.identifiers.{kind}"] = kind
    for recipient in purpose.recipients:
        values[f"{at}.recipients.{recipient.id}"] = recipient.name.lv
    for rule in purpose.retention:
        here = f"{at}.retention.{rule.id}"
        values[f"{here}.period"] = rule.period
        values[f"{here}.anchor"] = rule.anchor
        values[f"{here}.action"] = rule.action
        values[f"{here}.in_words"] = rule.in_words.lv
        for column, wanted in rule.where.items():
            values[f"{here}.where.{column}"] = str(wanted)
    for right, decision in policy.rights(purpose.id).items():
        values[f"{at}.rights.{right}"] = "allowed" if decision.allowed else "not_allowed"
    return values


def identifier_kinds(policy: Policy, purpose: Purpose) -> list[str]:
    """The kinds of identifier (email, personas_kods...) the purpose's records hold."""
    kinds = {
        column.identifier
        for qualified in purpose.entities
        for column in policy.entity(qualified).columns.values()
        if column.identifier
    }
    return sorted(kinds)


def matches(pattern: str, key: str) -> bool:
    """``pattern`` covers ``key``: segment by segment (``*`` is one segment), and a pattern
    also covers every key below it."""
    want, have = pattern.split("."), key.split(".")
    if len(want) > len(have):
        return False
    return all(fnmatch.fnmatchcase(h, w) for w, h in zip(want, have, strict=False))


def covered(patterns: Iterable[str], keys: Iterable[str]) -> set[str]:
    """The keys that at least one of ``patterns`` covers."""
    patterns = list(patterns)
    return {key for key in keys if any(matches(p, key) for p in patterns)}


def rule_of(key: str) -> tuple[str, str] | None:
    """``purposes.P.retention.R...`` -> ``(P, R)``; None for any other key."""
    parts = key.split(".")
    if len(parts) >= 4 and parts[0] == "purposes" and parts[2] == "retention":
        return parts[1], parts[3]
    return None


def short(values: Mapping[str, str], limit: int = 60) -> dict[str, str]:
    """Values as a version record keeps them: long texts by a digest, the rest as they are."""
    import hashlib

    out = {}
    for key, value in values.items():
        if len(value) > limit:
            value = "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
        out[key] = value
    return out
