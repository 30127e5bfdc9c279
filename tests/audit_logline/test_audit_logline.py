"""Decision log lines: readable, one line, ordered, and free of identifiers."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.audit.logline import REDACTED, decision_line, log_decision
from governance.identity import old_format_check_digit


def test_plain_fields_in_the_order_given() -> None:
    line = decision_line(
        "retention.planned",
        rule="helpdesk.messages.after_answer",
        due=42,
        ratio=0.25,
        dry_run=True,
        approved=False,
        hold=None,
    )
    assert line == (
        "retention.planned rule=helpdesk.messages.after_answer due=42 ratio=0.25 "
        "dry_run=true approved=false hold=-"
    )


def test_order_is_the_callers_not_alphabetical() -> None:
    assert decision_line("e", z=1, a=2, m=3) == "e z=1 a=2 m=3"


def test_strings_with_spaces_or_quotes_are_quoted_on_one_line() -> None:
    line = decision_line("e", reason="consent withdrawn", note='say "hi"', multi="a\nb", empty="")
    assert line == 'e reason="consent withdrawn" note="say \\"hi\\"" multi="a\\nb" empty=""'
    assert "\n" not in line


def test_equals_sign_in_a_value_is_quoted() -> None:
    assert decision_line("e", expr="a=b") == 'e expr="a=b"'


@pytest.mark.parametrize(
    "value",
    [
        "janis.berzins@inbox.lv",
        "zvaniet +371 29123456",
        "29123456",
        "161175-19997",
        "kods 321234-56789",
        "LV80 BANK 0000 4351 9500 1",
    ],
)
def test_identifiers_are_redacted(value: str) -> None:
    line = decision_line("dsr.located", subject=value, source="helpdesk")
    assert line == f"dsr.located subject={REDACTED} source=helpdesk"


def test_integers_that_read_as_identifiers_are_redacted() -> None:
    assert decision_line("e", n=29123456, pk=16117519997, count=1200) == (
        f"e n={REDACTED} pk={REDACTED} count=1200"
    )


def test_nested_values_are_compact_json_with_leaves_redacted() -> None:
    line = decision_line(
        "dsr.plan",
        counts={"helpdesk.contacts": 2, "mailer.email_messages": 5},
        found=[{"email": "Anna@Inbox.lv", "rows": 3}, ("phone", "+371 29123456")],
        by_key={"janis@inbox.lv": 1},
    )
    assert line == (
        'dsr.plan counts={"helpdesk.contacts":2,"mailer.email_messages":5} '
        f'found=[{{"email":"{REDACTED}","rows":3}},["phone","{REDACTED}"]] '
        f'by_key={{"{REDACTED}":1}}'
    )
    counts = line.split(" ")[1].split("=", 1)[1]
    assert json.loads(counts) == {"helpdesk.contacts": 2, "mailer.email_messages": 5}


def test_json_with_spaces_is_quoted_as_a_whole() -> None:
    line = decision_line("e", detail={"reason": "legal hold"})
    assert line == 'e detail="{\\"reason\\":\\"legal hold\\"}"'
    assert json.loads(json.loads(line.split("=", 1)[1])) == {"reason": "legal hold"}


def test_other_values_render_as_text() -> None:
    assert decision_line("e", on=date(2024, 3, 15), inf=float("inf")) == "e on=2024-03-15 inf=inf"


def test_long_strings_are_cut_after_the_check() -> None:
    long_text = "x" * 500
    rendered = decision_line("e", text=long_text).split("=", 1)[1]
    assert len(rendered) == 200
    assert rendered.endswith("…")
    # An identifier beyond the cut still redacts the whole value.
    assert decision_line("e", text="x " * 300 + "a@b.lv") == f"e text={REDACTED}"


def test_event_and_field_names_cannot_smuggle_an_identifier() -> None:
    assert decision_line("a@b.lv") == REDACTED
    assert decision_line("e", **{"a b": 1}) == "e a_b=1"
    assert decision_line("e", event="x", logger="y") == "e event=x logger=y"


def test_log_decision_logs_at_info_and_returns_the_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("governance.test.logline")
    with caplog.at_level(logging.INFO, logger=logger.name):
        line = log_decision(logger, "dsr.closed", request=7, email="a@b.lv")
    assert line == f"dsr.closed request=7 email={REDACTED}"
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(logging.INFO, line)]
    assert "a@b.lv" not in caplog.text


def _old_code(born: date, serial: int) -> str:
    ten = born.strftime("%d%m%y") + str(born.year // 100 - 18) + f"{serial:03d}"
    return ten + str(old_format_check_digit(ten))


identifiers = st.one_of(
    st.builds(
        _old_code,
        st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
        st.integers(0, 999),
    ),
    st.builds(lambda n: f"+371 2{n:07d}", st.integers(0, 9_999_999)),
    st.builds(
        lambda local: f"{local}@inbox.lv", st.from_regex(r"[a-z][a-z0-9]{0,12}", fullmatch=True)
    ),
)
surroundings = st.text(alphabet="abcdefghijklmnopqrstuvwxyzāēīūšž ,.:", max_size=20)


@given(identifiers, surroundings, surroundings, st.booleans())
def test_no_identifier_survives(identifier: str, before: str, after: str, nested: bool) -> None:
    value = f"{before} {identifier} {after}"
    line = decision_line("e", note={"deep": [value]} if nested else value)
    assert identifier not in line
    assert REDACTED in line
