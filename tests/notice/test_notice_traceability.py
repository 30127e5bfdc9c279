"""The notice map against the published notice and the policy: every quote verbatim at its line,
every line of the notice mapped, every notice-facing value accounted for, TRACEABILITY.md fresh."""

from __future__ import annotations

from pathlib import Path

from governance.policy import load_policy
from governance.policy.notice.check import check_notice
from governance.policy.notice.published import PublishedNotice, normalise
from governance.policy.notice.traceability import render_traceability
from governance.policy.notice.values import covered, notice_values, rule_of

POLICY = Path(__file__).resolve().parents[2] / "include" / "policy"
PUBLISHED = POLICY / "notice" / "privacy-policy.lv.txt"


def _lines() -> dict[int, str]:
    raw = PUBLISHED.read_text(encoding="utf-8").split("\n")
    return {n: normalise(line) for n, line in enumerate(raw, start=1)}


def test_the_policy_keeps_the_published_notice_as_published():
    seeds = [d / "shared" / "seed" / PUBLISHED.name for d in POLICY.parents]
    for seed in (s for s in seeds if s.is_file()):  # the team's copy, where one is beside us
        assert PUBLISHED.read_bytes() == seed.read_bytes()
    assert "Versija 1.1" in PUBLISHED.read_text(encoding="utf-8")


def test_every_quote_is_verbatim_at_its_line():
    notice = load_policy().notice_map
    lines = _lines()
    for statement in notice.statements:
        assert statement.quote == normalise(statement.quote), statement.id
        assert statement.quote in lines[statement.line], (statement.id, statement.line)
    for item in notice.quality:
        if item.quote:
            assert any(item.quote in line for line in lines.values()), item.id


def test_every_line_of_the_notice_is_mapped_and_nothing_drifts():
    result = check_notice(load_policy(), PublishedNotice.read(PUBLISHED))
    drift = [str(f) for f in result.findings if f.is_drift]
    assert drift == []
    assert result.located_exactly == result.statements == len(load_policy().notice_map.statements)


def test_no_notice_facing_value_is_unaccounted_for():
    policy = load_policy()
    notice = policy.notice_map
    keys = list(notice_values(policy))
    accounted = covered([p for s in notice.statements for p in s.encodes], keys)
    accounted |= covered([p for g in notice.grounds for p in g.keys], keys)
    accounted |= covered([p for i in notice.next_version for p in i.keys], keys)
    accounted |= {k for k in keys if rule_of(k)}  # a rule's own rests_on
    assert sorted(set(keys) - accounted) == []


def test_the_values_the_notice_states_are_the_policys():
    """Each pinned value (periods, bases, recipients, contacts) is the policy's value."""
    policy = load_policy()
    values = notice_values(policy)
    pinned = [(s.id, a) for s in policy.notice_map.statements for a in s.asserts]
    assert len(pinned) >= 40
    for statement_id, assertion in pinned:
        assert assertion.key in values, statement_id
        if assertion.value is not None:
            assert values[assertion.key] == assertion.value, statement_id


def test_the_notices_two_periods_are_pinned():
    notice = load_policy().notice_map
    pins = {(a.key, a.value) for s in notice.statements for a in s.asserts}
    assert ("purposes.video_surveillance.retention.recordings_30_days.period", "P30D") in pins
    assert ("purposes.recruitment.retention.candidates_after_competition.period", "P6M") in pins


def test_traceability_md_is_generated_from_the_map():
    expected = render_traceability(load_policy())
    assert (POLICY / "TRACEABILITY.md").read_text(encoding="utf-8") == expected, (
        "include/policy/TRACEABILITY.md is stale: run governance notice trace "
        "--out include/policy/TRACEABILITY.md"
    )


def test_traceability_md_quotes_only_the_notice():
    """Every quote in TRACEABILITY.md's statement tables is verbatim notice text."""
    text = (POLICY / "TRACEABILITY.md").read_text(encoding="utf-8")
    lines = _lines()
    rows = [
        r for r in text.splitlines() if r.startswith("| ") and r.split("|")[1].strip().isdigit()
    ]
    assert len(rows) == len(load_policy().notice_map.statements)
    for row in rows:
        number, quote = int(row.split("|")[1]), row.split("|")[2].strip()
        assert quote.startswith("\u201c") and quote.endswith("\u201d"), row
        assert quote[1:-1].replace("\\|", "|") in lines[number], row
