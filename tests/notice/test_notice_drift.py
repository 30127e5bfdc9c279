"""The drift check: clean on the shipped policy and notice; a period, a basis or a recipient
changed on either side fails it, naming the statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.cli import main
from governance.policy import load_policy
from governance.policy.notice.check import check_notice
from governance.policy.notice.published import PublishedNotice

POLICY = Path(__file__).resolve().parents[2] / "include" / "policy"
PUBLISHED = POLICY / "notice" / "privacy-policy.lv.txt"

CCTV = "purposes/video_surveillance.yaml"
COMMS = "purposes/communication.yaml"
LOCKER = "purposes/parcel_locker.yaml"


def _drift(policy_dir, published=PUBLISHED):
    result = check_notice(load_policy(policy_dir), PublishedNotice.read(published))
    return [f for f in result.findings if f.is_drift], result


def test_the_shipped_notice_and_policy_agree(capsys):
    assert main(["notice", "check"]) == 0
    out = capsys.readouterr().out
    assert "OK: 0 drift finding(s)" in out
    assert "Privātuma politikas kvalitātes pārskats" in out  # the DPO's report comes with it


# --- the policy changes ------------------------------------------------------------------------


def test_a_changed_period_in_the_policy_names_the_statement(edit):
    root = edit(CCTV, "    period: P30D", "    period: P60D")
    drift, _ = _drift(root)
    (finding,) = [f for f in drift if f.kind == "value_disagrees"]
    assert finding.statement == "cctv_period"
    assert "period disagrees" in finding.message and "30 dienām" in finding.message
    assert "P60D" in finding.message
    # and the recorded notice version no longer matches: a bump is needed
    assert any(f.kind == "unrecorded_change" for f in drift)


def test_a_changed_basis_in_the_policy_names_the_statement(edit):
    root = edit(COMMS, "legal_basis: consent", "legal_basis: legitimate_interests")
    drift, _ = _drift(root)
    findings = [f for f in drift if f.kind == "value_disagrees"]
    assert [f.statement for f in findings] == ["communication_basis"]
    assert "legal basis disagrees" in findings[0].message
    assert "Datu subjekta piekrišana" in findings[0].message


def test_a_removed_recipient_in_the_policy_names_the_statement(edit):
    root = edit(
        LOCKER,
        "  - id: delivery_partner\n"
        '    name: {lv: "Sadarbības partneris, kas nodrošina sūtījuma piegādi", en: "The delivery '
        'partner that delivers the parcel"}\n'
        '    basis: {lv: "lai piegādātu konkrēto sūtījumu un ievietotu to mājas pakomātā (līguma '
        'izpilde)", en: "to deliver the parcel and place it in the home parcel locker '
        '(performing the contract)"}\n',
        "",
    )
    drift, _ = _drift(root)
    statements = {f.statement for f in drift if f.kind in ("value_disagrees", "dangling_key")}
    assert statements == {"recipients_delivery_partner"}
    assert any("recipient disagrees" in f.message for f in drift)


def test_an_added_recipient_is_a_value_the_notice_does_not_announce(edit):
    root = edit(
        COMMS,
        "recipients:\n",
        "recipients:\n  - id: advertising_agency\n"
        "    name: {lv: Reklāmas aģentūra, en: An advertising agency}\n"
        "    basis: {lv: reklāmas kampaņām, en: advertising campaigns}\n",
    )
    drift, _ = _drift(root)
    (finding,) = [f for f in drift if f.kind == "unannounced_value"]
    assert finding.key == "purposes.communication.recipients.advertising_agency"


def test_flagged_processing_is_listed_not_drift(edit):
    _, result = _drift(edit("policy.yaml", "max_extension: P2M", "max_extension: P2M"))
    pending = {
        f.message.split("(")[1].split(")")[0] for f in result.findings if f.kind == "pending"
    }
    assert pending == {
        "request_handling",
        "candidates_code_and_address",
        "event_registrations",
        "tenderers_as_source",
    }


# --- the published notice changes ---------------------------------------------------------------


def test_a_changed_period_in_the_notice_names_the_statement(notice_copy):
    published = notice_copy("ne ilgāk par 30 dienām", "ne ilgāk par 60 dienām")
    drift, _ = _drift(None, published)
    assert {f.statement for f in drift} == {"cctv_period"}
    period = next(f for f in drift if f.kind == "value_disagrees")
    assert "“60 dienām” (P60D)" in period.message and "P30D" in period.message
    assert any(f.kind == "quote_differs" and f.line == 142 for f in drift)


def test_a_period_in_words_in_the_notice_is_read(notice_copy):
    published = notice_copy(
        "sešus mēnešus pēc konkursa beigām", "divpadsmit mēnešus pēc konkursa beigām"
    )
    drift, _ = _drift(None, published)
    period = next(f for f in drift if f.kind == "value_disagrees")
    assert period.statement == "recruitment_period"
    assert "(P12M)" in period.message


def test_a_changed_basis_in_the_notice_names_the_statement(notice_copy):
    published = notice_copy("Datu subjekta piekrišana - persona", "Leģitīmā interese - persona")
    drift, _ = _drift(None, published)
    basis = next(f for f in drift if f.kind == "value_disagrees")
    assert basis.statement == "communication_basis"
    assert "reads as legitimate_interests" in basis.message


def test_a_removed_recipient_in_the_notice_names_the_statement(notice_copy):
    sentence = (
        " Mailmaster, lai spētu nodrošināt Jums pakalpojumus, kas tiek sniegti pamatojoties uz "
        "noslēgto līgumu par mājas pakomāta pakalpojuma izmantošanu Jūsu datus nodos sadarbības "
        "partnerim, kas nodrošina konkrētā sūtījuma piegādi un ievietošanu mājas pakomātā."
    )
    drift, _ = _drift(None, notice_copy(sentence, ""))
    assert {f.statement for f in drift} == {"recipients_delivery_partner"}
    assert {f.kind for f in drift} == {"statement_missing", "value_disagrees"}
    assert any("recipient no longer announced" in f.message for f in drift)


def test_new_text_in_the_notice_is_a_statement_with_no_policy_key(notice_copy):
    published = notice_copy(
        "Versija 1.1", "Mēs izmantojam sīkdatnes, lai uzlabotu vietni.\n\nVersija 1.1"
    )
    drift, _ = _drift(None, published)
    (finding,) = drift
    assert finding.kind == "unmapped_text" and "sīkdatnes" in finding.message
    assert finding.line == 214


@pytest.mark.parametrize(
    "old, new, statement",
    [
        ("ne ilgāk par 30 dienām", "ne ilgāk par 90 dienām", "cctv_period"),
        ("sešus mēnešus pēc konkursa beigām", "gadu pēc konkursa beigām", "recruitment_period"),
        ("E-pasts: gints.puskundzis@pasts.lv", "E-pasts: dpo@example.lv", "dpo_email"),
        ("viena mēneša laikā", "divu mēnešu laikā", "rights_answer"),
    ],
)
def test_the_cli_exits_non_zero_naming_the_statement(notice_copy, capsys, old, new, statement):
    published = notice_copy(old, new)
    assert main(["notice", "check", "--published", str(published)]) == 1
    out = capsys.readouterr().out
    assert f"statement '{statement}'" in out
    assert "DRIFT:" in out


def test_a_whitespace_reflow_is_not_drift(notice_copy):
    text = PUBLISHED.read_text(encoding="utf-8")
    reflowed = text.replace(
        "Videonovērošanas ieraksti tiek glabāti", "Videonovērošanas  ieraksti\u00a0tiek glabāti"
    )
    path = notice_copy()
    path.write_text(reflowed, encoding="utf-8")
    drift, _ = _drift(None, path)
    assert drift == []


def test_a_missing_published_file_names_the_field(tmp_path, capsys):
    assert main(["notice", "check", "--published", str(tmp_path / "none.txt")]) == 2
    err = capsys.readouterr().err
    assert "published notice is not there" in err
