"""Periods in Latvian words: the case a sentence needs, and what the drift check reads back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from governance.policy.notice.published import bases_in, periods_in
from governance.policy.periods import Period
from governance.policy.words import period_phrase

UNITS = ("years", "months", "weeks", "days")


def test_the_notices_own_phrases():
    assert period_phrase("P6M", "lv") == "sešus mēnešus"
    assert period_phrase("P30D", "lv") == "30 dienas"
    assert period_phrase("P1M", "lv", "gen") == "viena mēneša"
    assert period_phrase("P2M", "lv", "dat") == "diviem mēnešiem"
    assert period_phrase("P75Y", "lv") == "75 gadus"
    assert period_phrase("P21D", "lv") == "21 dienu"  # ends in 1: singular
    assert period_phrase("P11D", "lv") == "11 dienas"  # but not 11
    assert period_phrase("P1Y6M", "en") == "one year and six months"
    assert [p for _, p in periods_in("ne ilgāk par 30 dienām")] == [Period(days=30)]
    assert [p for _, p in periods_in("sešus mēnešus pēc konkursa")] == [Period(months=6)]
    assert [p for _, p in periods_in("viena mēneša laikā")] == [Period(months=1)]


@given(
    value=st.integers(min_value=1, max_value=200),
    unit=st.sampled_from(UNITS),
    case=st.sampled_from(("nom", "acc", "gen", "dat")),
)
def test_every_period_in_words_reads_back_as_itself(value, unit, case):
    period = Period(**{unit: value})
    phrase = period_phrase(period, "lv", case)
    assert [p for _, p in periods_in(phrase)] == [period]
    number, noun = phrase.rsplit(" ", 1)
    singular = value % 10 == 1 and value % 100 != 11
    singulars = {"gads", "gadu", "gada", "gadam", "mēnesis", "mēnesi", "mēneša", "mēnesim",
                 "nedēļa", "nedēļu", "nedēļas", "nedēļai", "diena", "dienu", "dienas", "dienai"}  # fmt: skip
    if singular:
        assert noun in singulars
    elif case in ("acc", "dat"):
        assert noun.endswith(("us", "as", "iem", "ām", "ēm"))


def test_bases_are_read_from_the_notices_words():
    assert bases_in("Datu subjekta piekrišana - persona") == ["consent"]
    assert bases_in("Leģitīmā interese – sabiebrības informēšana") == ["legitimate_interests"]
    assert bases_in("Normatīvā regulējuma prasības, piemēram, Publisko iepirkumu likums") == [
        "legal_obligation"
    ]
    assert "vital_interests" in bases_in("darbinieku un apmeklētāju vitālo interešu aizsardzība")
