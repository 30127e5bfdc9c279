"""The Art. 30 record: every purpose in every format and language; HTML escapes policy text."""

from __future__ import annotations

import csv
import io
import re

import pytest

from governance.policy import load_policy
from governance.policy.labels import LABELS, LANGUAGES
from governance.policy.ropa import FORMATS, build_view, render_ropa

TITLES = {
    "lv": ("Personāla atlase", "E-rēķinu sagatavošana un izsūtīšana"),
    "en": ("Recruitment", "E-invoice preparation and dispatch"),
}


def test_label_dictionaries_have_the_same_keys():
    assert set(LABELS["lv"]) == set(LABELS["en"])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_format_lists_every_purpose(policy_copy, lang: str, fmt: str):
    text = render_ropa(load_policy(policy_copy), lang, fmt)
    for title in TITLES[lang]:
        assert title in text
    for purpose_id in ("recruitment", "e_invoicing"):
        assert purpose_id in text
    assert LABELS[lang]["security_measures"] in text
    assert ("6 mēneši" if lang == "lv" else "6 months") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_record_splits_controller_and_processor_activities(policy_copy, lang: str):
    view = build_view(load_policy(policy_copy), lang)
    assert [a.id for a in view.controller_activities] == ["recruitment"]
    assert [a.id for a in view.processor_activities] == ["e_invoicing"]
    expected = (
        "the client who ordered the dispatch"
        if lang == "en"
        else "klients, kas pasūtījis izsūtīšanu"
    )
    assert view.processor_activities[0].on_behalf_of == expected


def test_retention_and_rights_are_stated_in_the_language(policy_copy):
    md = render_ropa(load_policy(policy_copy), "lv", "md")
    assert (
        "| `withdrawn_candidates` | Atsauktos pieteikumus glabājam 30 dienas. "
        "| `recruitment.candidates` | `applied_at` | 30 dienas (P30D)"
    ) in md
    assert "withdrawn = true" in md
    assert "tiesību akts: Grāmatvedības likums, 28. pants" in md
    assert "klienta (pārziņa) norādījums: Klients uzdod glabāt likumā noteikto laiku." in md
    assert "datu pārnesamība: jā" in md
    assert "lemj klients (pārzinis)" in md  # the processor purpose's rights
    assert "ugunsmūri" in md and "šifrēšana" in md


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_record_gives_every_contact(policy_copy, lang: str):
    """Controller, DPO and the supervisory authority with address, e-mail, phone and site."""
    for fmt in ("md", "html"):
        text = render_ropa(load_policy(policy_copy), lang, fmt)
        for contact in (
            "info@example.lv",
            "+371 60000000",
            "dpo@example.lv",
            "pasts@dvi.gov.lv",
            "+371 67223131",
            "https://www.dvi.gov.lv",
            "Elijas iela 17",
        ):
            assert contact in text, (lang, fmt, contact)
        assert ("Datu valsts inspekcija" if lang == "lv" else "Data State Inspectorate") in text


def test_data_subjects_fall_back_to_the_origin(policy_copy):
    view = build_view(load_policy(policy_copy), "en")
    by_id = {a.id: a for a in view.activities}
    assert by_id["recruitment"].data_subjects == ("Candidates for vacancies",)
    assert by_id["e_invoicing"].data_subjects == (LABELS["en"]["subjects.client"],)


def test_csv_has_one_row_per_rule_and_one_for_a_purpose_without_rules(edit):
    root = edit(
        "purposes/e_invoicing.yaml",
        "retention:\n",
        "retention: []\nx_removed:\n",
    )
    # drop the rule block that now hangs under x_removed
    path = root / "purposes" / "e_invoicing.yaml"
    path.write_text(path.read_text("utf-8").split("x_removed:")[0], "utf-8")
    rows = list(csv.reader(io.StringIO(render_ropa(load_policy(root), "en", "csv"))))
    header, body = rows[0], rows[1:]
    rule_col = header.index(LABELS["en"]["rule_id"])
    assert [(r[1], r[rule_col]) for r in body] == [
        ("recruitment", "candidates_after_competition"),
        ("recruitment", "withdrawn_candidates"),
        ("e_invoicing", ""),
    ]
    assert all(len(r) == len(header) for r in body)


def test_html_escapes_policy_text(edit):
    root = edit(
        "purposes/recruitment.yaml",
        "en: Selecting staff for published vacancies.",
        'en: "<script>alert(1)</script> & <b>staff</b>"',
    )
    html = render_ropa(load_policy(root), "en", "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;staff&lt;/b&gt;" in html


def test_markdown_table_cells_cannot_be_broken_by_a_pipe(edit):
    root = edit(
        "purposes/recruitment.yaml",
        'en: "Six months after the competition ends."',
        'en: "Six months | after the competition ends."',
    )
    md = render_ropa(load_policy(root), "en", "md")
    (row,) = [line for line in md.splitlines() if "candidates_after_competition" in line]
    assert "Six months \\| after" in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 9  # eight cells, nine unescaped pipes


def test_unknown_format_and_language_are_rejected(policy_copy):
    policy = load_policy(policy_copy)
    with pytest.raises(ValueError, match="expected one of: md, html, csv"):
        render_ropa(policy, "en", "pdf")
    with pytest.raises(ValueError, match="expected one of: lv, en"):
        render_ropa(policy, "de", "md")
