"""The recogniser set: every recogniser's own examples, the labelled corpus's targets, and the
canonical reading of spaces, dashes and invisible characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.identity import corpus
from governance.identity.recognisers import MODULES, People, person_name, recognise
from governance.identity.text import (
    DASHES,
    INVISIBLES,
    canonical,
    control_characters,
    mixed_script_words,
    original_span,
)

_FAMILY = {
    "address": {"address", "postcode"},
    "personas_kods": {"personas_kods", "invalid_personas_kods"},
}
_CASES = [
    (module, text, part)
    for module in (*MODULES, person_name)
    for text, part in module.EXAMPLES.found
]
_CLEAN = [
    (module, text) for module in (*MODULES, person_name) for text in module.EXAMPLES.not_found
]


def _people(module):
    return People(**person_name.EXAMPLE_PEOPLE) if module is person_name else None


def _kinds(module) -> set[str]:
    kinds = _FAMILY.get(module.KIND, {module.KIND})
    return kinds | ({"address"} if module is person_name else set())


@pytest.mark.parametrize(
    ("module", "text", "part"),
    _CASES,
    ids=[f"{m.__name__.rsplit('.', 1)[1]}:{t[:30]}" for m, t, _ in _CASES],
)
def test_each_recogniser_finds_its_examples(module, text, part):
    start = text.index(part)
    spans = recognise(text, _people(module))
    assert any(
        (s.start, s.end) == (start, start + len(part)) and s.kind in _kinds(module) for s in spans
    ), spans


@pytest.mark.parametrize(
    ("module", "text"), _CLEAN, ids=[f"{m.__name__.rsplit('.', 1)[1]}:{t[:30]}" for m, t in _CLEAN]
)
def test_each_recogniser_leaves_its_counter_examples(module, text):
    assert not [s for s in recognise(text, _people(module)) if s.kind in _kinds(module)]


def test_invalid_check_digit_on_a_real_date_is_reported_as_such_and_invoices_survive():
    assert [s.kind for s in recognise("kods 161175-19998")] == ["invalid_personas_kods"]
    assert [s.kind for s in recognise("kods 161175-19997")] == ["personas_kods"]
    assert recognise("Rēķins Nr. 202311-00042, datums 20231115, summa 1 234,56 EUR") == []


def test_the_corpus_meets_the_targets():
    snippets = corpus.generate()
    assert len(snippets) >= 500
    assert {s.lang for s in snippets} == {"lv", "en"}
    scores = corpus.evaluate(snippets)
    for kind in corpus.IDENTIFIER_KINDS:
        assert scores[kind].tp >= 100, kind  # each kind is really in the corpus
        assert scores[kind].recall >= 0.99, (kind, scores[kind])
        assert scores[kind].precision >= 0.95, (kind, scores[kind])
    assert scores["name"].recall >= 0.95, scores["name"]
    assert scores["name"].precision >= 0.95, scores["name"]


def test_unknown_names_are_found_with_high_precision():
    """Without the persons' names (a typed reason, a log value), only the lexicon and the
    surname's shape: what it finds must be names."""
    scores = corpus.evaluate(corpus.generate(), with_people=False)
    assert scores["name"].precision >= 0.95, scores["name"]
    assert scores["name"].recall >= 0.5, scores["name"]


def test_the_corpus_is_deterministic_by_seed():
    assert [s.text for s in corpus.generate(50, 3)] == [s.text for s in corpus.generate(50, 3)]
    assert [s.text for s in corpus.generate(50, 3)] != [s.text for s in corpus.generate(50, 4)]


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("Jānis", {"gen": "Jāņa", "dat": "Jānim", "acc": "Jāni"}),
        ("Bērziņš", {"gen": "Bērziņa", "dat": "Bērziņam", "acc": "Bērziņu", "voc": "Bērziņ"}),
        ("Anna", {"gen": "Annas", "dat": "Annai", "acc": "Annu"}),
        ("Ilze", {"gen": "Ilzes", "dat": "Ilzei", "acc": "Ilzi"}),
        ("Lācis", {"gen": "Lāča"}),
        ("Juris", {"gen": "Jura"}),
    ],
)
def test_known_names_are_found_in_every_case_form(word, forms):
    declined = corpus.decline(word)
    people = People([f"Kārlis {word}" if word[0] != "K" else word])
    for case, form in forms.items():
        assert declined[case] == form
        assert any(s.kind == "name" for s in recognise(f"Tas ir {form} iesniegums", people)), form


spaces = st.sampled_from(sorted({"\u00a0", "\u202f", "\u2009", "\t", "\n", " "}))
dashes = st.sampled_from(sorted(DASHES))
invisibles = st.sampled_from(sorted(INVISIBLES))


@given(st.text(max_size=20), invisibles, spaces, dashes, st.text(max_size=20))
def test_canonical_offsets_map_back_onto_the_text(before, invisible, space, dash, after):
    text = f"{before}2912{invisible}{space}3456{dash}x{after}"
    canon, offsets = canonical(text)
    at = canon.index("2912 3456-x", len(canonical(before)[0]) if before else 0)
    start, end = original_span(offsets, at, at + len("2912 3456"))
    assert text[start:end].startswith("2912") and text[start:end].endswith("3456")


@given(spaces, dashes, invisibles)
def test_phones_and_codes_are_found_whatever_space_dash_or_invisible_separates_them(
    space, dash, invisible
):
    text = f"tālr. 2912{space}3456, kods 161175{dash}{invisible}19997."
    kinds = [s.kind for s in recognise(text)]
    assert kinds == ["phone", "personas_kods"], (repr(text), kinds)


def test_control_characters_and_mixed_scripts():
    assert control_characters("janis\x00@inbox.lv")
    assert not control_characters("janis@inbox.lv\t\n")
    assert mixed_script_words("Brīvībаs iela 1")  # a Cyrillic а inside a Latin word
    assert not mixed_script_words("Иван Петров, Brīvības iela 1")


@given(
    st.datetimes(),
    st.sampled_from(["manual", "scheduled", "asset_triggered"]),
    st.uuids(),
)
def test_run_ids_timestamps_and_uuids_are_not_personal_data(moment, kind, request_id):
    """What the ledger and logs carry all day (Airflow run ids, ISO timestamps with
    microseconds, request ids) must never be refused or redacted as personal data."""
    from governance.identity import contains_identifier

    for text in (f"{kind}__{moment.isoformat()}+00:00", moment.isoformat(), str(request_id)):
        assert not contains_identifier(text), text
