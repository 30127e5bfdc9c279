"""The real policy: complete, faithful to the notice where it speaks, lint-clean."""

from __future__ import annotations

from governance.cli import main
from governance.policy import lint_policy, load_policy
from governance.policy.ropa import render_ropa

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
    assert lint_policy() == []
    assert main(["lint"]) == 0
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
    assert "30 dienām" in cctv.rests_on.notice
    (candidates,) = policy.purpose("recruitment").retention
    assert (candidates.period, candidates.anchor) == ("P6M", "competition_end")
    assert "sešus mēnešus" in candidates.rests_on.notice


def test_every_rule_says_what_it_rests_on():
    for purpose, rule in load_policy().rules():
        rests = rule.rests_on
        given = [x for x in (rests.notice, rests.statute, rests.decided_by) if x]
        assert len(given) == 1, f"{purpose.id}.{rule.id}"
        if rests.decided_by:
            assert rests.reason, f"{purpose.id}.{rule.id}: a company decision needs its reason"


def test_rights_follow_the_legal_basis():
    policy = load_policy()
    procurement = policy.rights("procurement")
    assert not procurement["erasure"].allowed and not procurement["restriction"].allowed
    assert policy.rights("recruitment")["portability"].allowed
    assert policy.rights("parcel_locker")["portability"].allowed
    assert not policy.rights("video_surveillance")["portability"].allowed
    assert policy.rights("recruitment")["consent_withdrawal"].allowed
    assert not policy.rights("correspondence")["consent_withdrawal"].allowed


def test_ropa_lists_all_purposes_in_both_languages():
    policy = load_policy()
    for lang in ("lv", "en"):
        for fmt in ("md", "html", "csv"):
            text = render_ropa(policy, lang, fmt)
            for purpose in policy.purposes.values():
                title = getattr(purpose.title, lang)
                assert title in text or title.replace('"', '""') in text, (lang, fmt, purpose.id)
