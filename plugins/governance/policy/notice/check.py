"""Drift between a published notice and the running policy, both ways.

From the notice's side: a statement of the map whose quote is gone or changed, text of the
notice that no statement covers (a statement with no policy key), and a changed passage that no
longer says the period, basis or recipient the statement pinned. From the policy's side: a
value a statement pins that the policy no longer has (a period changed, a recipient gone), a
notice-facing value that nothing accounts for (not announced), a key a statement encodes that
the policy no longer has, and a notice-facing value changed since its notice version was
recorded without a version bump. Processing flagged for the notice's next version is listed,
not counted as drift.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from governance.policy.notice.model import Assertion, NoticeMap, Statement
from governance.policy.notice.published import PublishedNotice, bases_in, periods_in
from governance.policy.notice.values import covered, matches, notice_values, rule_of
from governance.policy.notice.versions import changed_since_recorded
from governance.policy.periods import parse_period
from governance.policy.policy import Policy

DRIFT_KINDS = (
    "statement_missing",
    "quote_differs",
    "unmapped_text",
    "value_disagrees",
    "unannounced_value",
    "dangling_key",
    "version_mismatch",
    "unrecorded_change",
)
INFO_KINDS = ("moved", "pending")


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    statement: str | None = None
    key: str | None = None
    line: int | None = None

    @property
    def is_drift(self) -> bool:
        return self.kind in DRIFT_KINDS

    def __str__(self) -> str:
        return f"{'DRIFT' if self.is_drift else 'note'} {self.kind}: {self.message}"


@dataclass
class CheckResult:
    notice_version: str
    statements: int
    located_exactly: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return any(f.is_drift for f in self.findings)

    def summary(self) -> dict:
        """Counts, statement ids and policy keys only: no quote, no contact, no value."""
        kinds = Counter(f.kind for f in self.findings)
        drifting = [f for f in self.findings if f.is_drift]
        return {
            "drift": self.drift,
            "notice_version": self.notice_version,
            "statements": self.statements,
            "located_exactly": self.located_exactly,
            "findings": dict(sorted(kinds.items())),
            "drift_statements": sorted({f.statement for f in drifting if f.statement}),
            "drift_keys": sorted({f.key for f in drifting if f.key}),
            "drift_lines": sorted({f.line for f in drifting if f.line}),
        }


def check_notice(policy: Policy, published: PublishedNotice) -> CheckResult:
    """Every drift between ``published`` and ``policy`` (whose notice map ties them)."""
    notice = _notice_map(policy)
    values = notice_values(policy)
    result = CheckResult(policy.settings.notice_version, len(notice.statements), 0)
    add = result.findings.append
    if notice.notice.version != policy.settings.notice_version:
        add(
            Finding(
                "version_mismatch",
                f"the notice map describes notice version {notice.notice.version} but "
                f"policy.yaml says notice_version {policy.settings.notice_version}",
                key="notice_version",
            )
        )
    spans: dict[int, list[tuple[int, int]]] = {}
    for statement in notice.statements:
        where = _where(notice, statement)
        found = published.find(statement.quote, near=statement.line)
        if found is None:
            add(
                Finding(
                    "statement_missing",
                    f"statement '{statement.id}' ({where}) is not in the published notice: "
                    f"\u201c{_clip(statement.quote)}\u201d",
                    statement=statement.id,
                    line=statement.line,
                )
            )
            _missing_values(statement, add)
            continue
        spans.setdefault(found.line, []).append((found.start, found.end))
        if found.exact:
            result.located_exactly += 1
            if found.line != statement.line:
                add(
                    Finding(
                        "moved",
                        f"statement '{statement.id}' ({where}) now stands on line {found.line}",
                        statement=statement.id,
                        line=found.line,
                    )
                )
        else:
            add(
                Finding(
                    "quote_differs",
                    f"statement '{statement.id}' ({where}) differs from the published notice, "
                    f"line {found.line}: the map quotes \u201c{_clip(statement.quote)}\u201d, "
                    f"the notice says \u201c{_clip(found.passage)}\u201d",
                    statement=statement.id,
                    line=found.line,
                )
            )
            _published_values(statement, where, found.passage, found.line, add)
        _policy_values(statement, where, values, add)
    for number, text in sorted(published.uncovered(spans).items()):
        add(
            Finding(
                "unmapped_text",
                f"line {number} of the published notice has text no statement maps to a "
                f"policy key: \u201c{_clip(text)}\u201d",
                line=number,
            )
        )
    _accounting(policy, notice, values, add)
    for key, (was, now) in changed_since_recorded(policy, values).items():
        add(
            Finding(
                "unrecorded_change",
                f"{key} changed since notice version {policy.settings.notice_version} was "
                f"recorded ({was} -> {now}); bump notice_version, publish the notice and run "
                "governance notice freeze",
                key=key,
            )
        )
    return result


def _notice_map(policy: Policy) -> NoticeMap:
    if policy.notice_map is None:
        from governance.errors import ConfigurationError

        raise ConfigurationError(
            "the policy has no notice map",
            field="notice/traceability.yaml",
            fix="add include/policy/notice/traceability.yaml (see include/policy/README.md)",
        )
    return policy.notice_map


def _where(notice: NoticeMap, statement: Statement) -> str:
    section = notice.section(statement.section)
    heading = section.heading if section else statement.section
    return f"\u201c{heading}\u201d, line {statement.line}"


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _what(key: str) -> str:
    if key.endswith(".period"):
        return "period"
    if ".legal_basis" in key or ".additional_legal_bases." in key:
        return "legal basis"
    if ".recipients." in key:
        return "recipient"
    return "value"


def _policy_values(statement: Statement, where: str, values: dict[str, str], add) -> None:
    """The values the statement pins, against the policy's."""
    for pattern in statement.encodes:
        if not any(matches(pattern, key) for key in values):
            add(
                Finding(
                    "dangling_key",
                    f"statement '{statement.id}' ({where}) encodes {pattern}, which the policy "
                    "no longer has",
                    statement=statement.id,
                    key=pattern,
                    line=statement.line,
                )
            )
    for assertion in statement.asserts:
        have = values.get(assertion.key)
        if have is None:
            add(
                Finding(
                    "value_disagrees",
                    f"{_what(assertion.key)} disagrees: statement '{statement.id}' ({where}) "
                    f"says \u201c{assertion.words}\u201d, the policy has no {assertion.key}",
                    statement=statement.id,
                    key=assertion.key,
                    line=statement.line,
                )
            )
        elif assertion.value is not None and have != assertion.value:
            add(
                Finding(
                    "value_disagrees",
                    f"{_what(assertion.key)} disagrees: statement '{statement.id}' ({where}) "
                    f"says \u201c{assertion.words}\u201d ({assertion.value}), the policy has "
                    f"{assertion.key} = {_clip(have, 60)}",
                    statement=statement.id,
                    key=assertion.key,
                    line=statement.line,
                )
            )


def _published_values(statement: Statement, where: str, passage: str, line: int, add) -> None:
    """A changed passage: does it still say what the statement pinned?"""
    for assertion in statement.asserts:
        if assertion.words in passage:
            continue
        add(
            Finding(
                "value_disagrees",
                f"{_what(assertion.key)} disagrees: statement '{statement.id}' ({where}) no "
                f"longer says \u201c{assertion.words}\u201d"
                + _reads_as(assertion, passage)
                + f"; the policy has {assertion.key}"
                + (f" = {assertion.value}" if assertion.value else ""),
                statement=statement.id,
                key=assertion.key,
                line=line,
            )
        )


def _reads_as(assertion: Assertion, passage: str) -> str:
    kind = _what(assertion.key)
    if kind == "period":
        expected = parse_period(assertion.value) if assertion.value else None
        stated = [(words, p) for words, p in periods_in(passage) if p != expected]
        if stated:
            return "; it says " + ", ".join(f"\u201c{w}\u201d ({p})" for w, p in stated)
    if kind == "legal basis":
        bases = [b for b in bases_in(passage) if b != assertion.value]
        if bases:
            return f"; it reads as {', '.join(bases)}"
    return f"; it says \u201c{_clip(passage, 100)}\u201d"


def _missing_values(statement: Statement, add) -> None:
    for assertion in statement.asserts:
        add(
            Finding(
                "value_disagrees",
                f"{_what(assertion.key)} no longer announced: statement '{statement.id}' "
                f"(\u201c{assertion.words}\u201d) is gone from the published notice but the "
                f"policy still has {assertion.key}",
                statement=statement.id,
                key=assertion.key,
                line=statement.line,
            )
        )


def _accounting(policy: Policy, notice: NoticeMap, values: dict[str, str], add) -> None:
    """Every notice-facing value rests on a statement, a rule's ground, a ground, or is
    flagged for the notice's next version."""
    keys = list(values)
    patterns = [p for s in notice.statements for p in s.encodes]
    patterns += [a.key for s in notice.statements for a in s.asserts]
    patterns += [p for g in notice.grounds for p in g.keys]
    accounted = covered(patterns, keys)
    accounted |= {k for k in keys if rule_of(k) is not None}  # every rule has its rests_on
    for item in notice.next_version:
        flagged = covered(item.keys, keys)
        if flagged:
            add(
                Finding(
                    "pending",
                    f"for the notice's next version ({item.id}): {item.says.en}",
                    key=item.keys[0],
                )
            )
        accounted |= flagged
    for key in keys:
        if key not in accounted:
            add(
                Finding(
                    "unannounced_value",
                    f"{_what(key)} not announced: the notice states nothing for {key} "
                    f"({_clip(values[key], 60)}) and no ground or next-version item accounts "
                    "for it",
                    key=key,
                )
            )
