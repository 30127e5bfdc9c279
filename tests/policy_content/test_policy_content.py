"""The real policy: complete, faithful to the notice where it speaks, lint-clean."""

from __future__ import annotations

from datetime import date

from governance.cli import main
from governance.policy import lint_policy, load_policy
from governance.policy.ropa import render_ropa

#: The policy's legal facts were checked on 1 Dec 2026; `governance lint` itself uses the real day.
TODAY = date(2026, 12, 1)

DIGEST_IDS = {
    "communication",
    "correspondence",
    "email_dispatch",
    "e_invoicing",
    "digital_archive",
    "parcel_locker",
    "sms_messaging",
    "procurement",
    "recruitment",
    "video_surveillance",
    "event_publicity",
}


def test_the_real_policy_lints_clean(capsys):
    assert lint_policy(today=TODAY) == []
    assert main(["lint", "--today", TODAY.isoformat()]) == 0
    assert "12 purposes, 12 sources" in capsys.readouterr().out


def test_all_eleven_purposes_with_both_titles_and_rules():
    policy = load_policy()
    # The notice's eleven, plus the product's own processing (handling the requests themselves).
    assert set(policy.purposes) == DIGEST_IDS | {"dsr_handling"}
    for purpose in policy.purposes.values():
        assert purpose.title.lv and purpose.title.en
        assert purpose.retention, f"{purpose.id} has no retention rule"
        if purpose.role == "processor":
            assert purpose.controller is not None


def test_periods_the_notice_states_are_encoded_exactly():
    policy = load_policy()
    (cctv,) = policy.purpose("video_surveillance").retention
    assert (cctv.period, cctv.anchor, cctv.action, cctv.order) == (
        "P30D",
        "recorded_at",
        "delete",
        "oldest_first",
    )
    assert "30 dienām" in policy.notice_map.statement(cctv.rests_on.notice).quote
    (candidates,) = policy.purpose("recruitment").retention
    assert (candidates.period, candidates.anchor) == ("P6M", "competition_end")
    assert "sešus mēnešus" in policy.notice_map.statement(candidates.rests_on.notice).quote


def test_every_rule_says_what_it_rests_on():
    policy = load_policy()
    for purpose, rule in policy.rules():
        rests, label = rule.rests_on, f"{purpose.id}.{rule.id}"
        assert rests.notice or rests.statute or rests.decided_by, label
        if rests.notice:
            assert policy.notice_map.statement(rests.notice) is not None, label
        if rests.statute:
            fact = policy.legal_fact(rests.statute)
            assert fact.section is not None and fact.url.startswith("https://"), label
        if rests.decided_by:
            assert rests.reason.lv and rests.reason.en, f"{label}: a decision needs its reason"
        # a processor keeps a client's data as the client instructs, never by its own decision
        if purpose.role == "processor":
            assert rests.decided_by != "company", label


def test_the_payroll_periods_follow_the_accounting_law_including_before_1999():
    policy = load_policy()
    rules = {rule.id: rule for rule in policy.purpose("digital_archive").retention}
    assert (rules["payroll"].period, rules["payroll"].where) == ("P10Y", {"doc_type": "payroll"})
    old = rules["payroll_before_1999"]
    assert (old.period, old.where) == ("P75Y", {"doc_type": "payroll_before_1999"})
    fact = policy.legal_fact(old.rests_on.statute)
    assert "75" in fact.says.lv and "1999" in fact.says.lv
    assert fact.section.lv == "28. pants"


def test_procurement_is_the_buyer_evaluating_tenderers():
    policy = load_policy()
    procurement = policy.purpose("procurement")
    assert procurement.data_origin == ("tenderer",)
    assert {r.id for r in procurement.recipients} == {"state_institutions"}
    assert "contact" not in procurement.data_categories
    experts = policy.entity("procurement.experts")
    assert not experts.subject_provided_columns()  # the tenderer sends them, not the person
    assert {c.identifier for c in experts.columns.values() if c.identifier} == {"name"}
    (rule,) = procurement.retention
    assert (rule.entity, rule.anchor) == ("procurement.tenders", "awarded_on")
    assert policy.legal_fact(rule.rests_on.statute).section.en == "Article 84(2)"
    columns = set(policy.entity("procurement.tenders").columns)
    assert {"tenderer_name", "awarded_on"} <= columns
    assert not columns & {"contracting_authority", "submitted_at"}


def test_no_real_company_is_named_as_a_client():
    policy = load_policy()
    named = [str(v) for _, rule in policy.rules() for v in rule.where.values()]
    assert named == ["invoice", "payroll", "payroll_before_1999", "contract", "correspondence",
                     "SIA Piemēra Sakari"]  # fmt: skip


def test_processor_purposes_rest_on_the_controllers_basis():
    for purpose in load_policy().purposes.values():
        assert (purpose.role == "processor") == (purpose.legal_basis == "controllers_basis")


def test_contacts_are_the_notices():
    contacts = load_policy().contacts
    assert contacts.controller.email == "mailmaster@mailmaster.lv"
    assert contacts.controller.phone == "+371 67509060"
    assert contacts.controller.address.lv.startswith("Ziemeļu iela 10, Lidosta")
    assert contacts.data_protection_officer.email == "gints.puskundzis@pasts.lv"
    authority = contacts.supervisory_authority
    assert (authority.email, authority.website) == ("pasts@dvi.gov.lv", "https://www.dvi.gov.lv")
    lines = contacts.lines("lv")
    assert lines["supervisory_authority"][0] == "Datu valsts inspekcija"


def test_rights_follow_the_legal_basis():
    policy = load_policy()
    procurement = policy.rights("procurement")
    assert not procurement["erasure"].allowed and not procurement["restriction"].allowed
    assert policy.rights("recruitment")["portability"].allowed
    assert policy.rights("parcel_locker")["portability"].allowed
    assert not policy.rights("video_surveillance")["portability"].allowed
    assert policy.rights("recruitment")["consent_withdrawal"].allowed
    # a processor decides no right: the client does (GDPR Art. 28(3)(e))
    assert policy.rights("correspondence")["consent_withdrawal"].rule == "controller_decides"


def test_ropa_lists_all_purposes_in_both_languages():
    policy = load_policy()
    for lang in ("lv", "en"):
        for fmt in ("md", "html", "csv"):
            text = render_ropa(policy, lang, fmt)
            for purpose in policy.purposes.values():
                title = getattr(purpose.title, lang)
                assert title in text or title.replace('"', '""') in text, (lang, fmt, purpose.id)
