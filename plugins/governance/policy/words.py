"""Periods in words, in the case a sentence needs: "glabājam sešus mēnešus" (accusative),
"viena mēneša laikā" (genitive), "par diviem mēnešiem" (dative).

Latvian numerals agree with their noun in gender and case; the nouns here are ``gads`` and
``mēnesis`` (masculine), ``diena`` and ``nedēļa`` (feminine). One to ten are written as words,
larger numbers as digits; a number ending in 1 (but not 11) takes the singular ("21 dienu").
Written by hand: no maintained library inflects Latvian numerals (checked PyPI and Debian).
"""

from __future__ import annotations

from governance.policy.models import LocalText
from governance.policy.periods import Period, parse_period

CASES = ("nom", "acc", "gen", "dat")

#: noun -> (gender, {case: (singular, plural)})
_NOUNS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "years": (
        "m",
        {
            "nom": ("gads", "gadi"),
            "acc": ("gadu", "gadus"),
            "gen": ("gada", "gadu"),
            "dat": ("gadam", "gadiem"),
        },
    ),
    "months": (
        "m",
        {
            "nom": ("mēnesis", "mēneši"),
            "acc": ("mēnesi", "mēnešus"),
            "gen": ("mēneša", "mēnešu"),
            "dat": ("mēnesim", "mēnešiem"),
        },
    ),
    "weeks": (
        "f",
        {
            "nom": ("nedēļa", "nedēļas"),
            "acc": ("nedēļu", "nedēļas"),
            "gen": ("nedēļas", "nedēļu"),
            "dat": ("nedēļai", "nedēļām"),
        },
    ),
    "days": (
        "f",
        {
            "nom": ("diena", "dienas"),
            "acc": ("dienu", "dienas"),
            "gen": ("dienas", "dienu"),
            "dat": ("dienai", "dienām"),
        },
    ),
}

#: number -> {case: (masculine, feminine)}
_NUMBERS: dict[int, dict[str, tuple[str, str]]] = {
    1: {
        "nom": ("viens", "viena"),
        "acc": ("vienu", "vienu"),
        "gen": ("viena", "vienas"),
        "dat": ("vienam", "vienai"),
    },
    2: {
        "nom": ("divi", "divas"),
        "acc": ("divus", "divas"),
        "gen": ("divu", "divu"),
        "dat": ("diviem", "divām"),
    },
    3: {
        "nom": ("trīs", "trīs"),
        "acc": ("trīs", "trīs"),
        "gen": ("triju", "triju"),
        "dat": ("trim", "trim"),
    },
}
_REGULAR = {4: "četr", 5: "piec", 6: "seš", 7: "septiņ", 8: "astoņ", 9: "deviņ"}
for _n, _stem in _REGULAR.items():
    _NUMBERS[_n] = {
        "nom": (_stem + "i", _stem + "as"),
        "acc": (_stem + "us", _stem + "as"),
        "gen": (_stem + "u", _stem + "u"),
        "dat": (_stem + "iem", _stem + "ām"),
    }
_NUMBERS[10] = {case: ("desmit", "desmit") for case in CASES}

_EN_NUMBERS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}
_EN_UNITS = {"years": "year", "months": "month", "weeks": "week", "days": "day"}


def _lv_count(value: int, unit: str, case: str) -> str:
    gender, forms = _NOUNS[unit]
    singular = value % 10 == 1 and value % 100 != 11
    noun = forms[case][0 if singular else 1]
    words = _NUMBERS.get(value)
    number = words[case][0 if gender == "m" else 1] if words else str(value)
    return f"{number} {noun}"


def _en_count(value: int, unit: str) -> str:
    number = _EN_NUMBERS.get(value, str(value))
    return f"{number} {_EN_UNITS[unit]}{'' if value == 1 else 's'}"


def period_phrase(period: Period | str, lang: str, case: str = "acc") -> str:
    """``P6M`` -> ``sešus mēnešus`` (lv, accusative) / ``six months`` (en); ``P1Y6M`` ->
    ``vienu gadu un sešus mēnešus`` / ``one year and six months``."""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; expected one of: {', '.join(CASES)}")
    if lang not in ("lv", "en"):
        raise ValueError(f"unknown language {lang!r}; expected one of: lv, en")
    parsed = period if isinstance(period, Period) else parse_period(period)
    parts = [
        _lv_count(getattr(parsed, unit), unit, case)
        if lang == "lv"
        else _en_count(getattr(parsed, unit), unit)
        for unit in ("years", "months", "weeks", "days")
        if getattr(parsed, unit)
    ]
    joiner = " un " if lang == "lv" else " and "
    return joiner.join(parts) if parts else ("0 dienu" if lang == "lv" else "0 days")


def fill_period(text: LocalText, period: Period | str, lang: str) -> str:
    """A rule's ``in_words`` in ``lang`` with its period in place (accusative in Latvian)."""
    return text.get(lang).replace("{period}", period_phrase(period, lang, "acc"))
