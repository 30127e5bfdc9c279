"""The DPO's quality report, and the daily check's body: a PII-free summary in the ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

from governance.daily import record_notice_check as record_check
from governance.policy import load_policy
from governance.policy.notice.daily import check_published
from governance.policy.notice.quality import quality_report

POLICY = Path(__file__).resolve().parents[2] / "include" / "policy"
PUBLISHED = POLICY / "notice" / "privacy-policy.lv.txt"


def test_the_quality_report_names_what_the_next_version_needs():
    report = quality_report(load_policy(), "lv")
    assert report.startswith("# Privātuma politikas kvalitātes pārskats (versija 1.1)")
    for words in (
        "Sīkdatnes",
        "personas kods un adrese",  # candidates' code and address the notice does not name
        "reģistrācijas saraksts ar e-pasta adresēm",
        "Datu subjektu pieprasījumu izpilde",
        "pretendenti",
        "„sabiebrības” jālabo uz „sabiedrības”",
        "pagarināt vēl par diviem mēnešiem",
    ):
        assert words in report, words
    # the periods the notice leaves out are stated, the two it gives are not repeated
    assert "glabājam divus gadus pēc atbildes sniegšanas" in report
    assert "30 dienas" not in report and "sešus mēnešus pēc konkursa" not in report


def test_the_english_report_is_english():
    report = quality_report(load_policy(), "en")
    assert report.startswith("# Privacy notice quality report (version 1.1)")
    assert "Cookies" in report and "Typo" in report
    assert "jālabo" not in report and "Sīkdatnes" not in report


def test_the_daily_body_returns_counts_and_ids_only(new_database):
    from governance.audit.ledger import Ledger
    from governance.store import open_store

    summary = check_published()
    assert summary["drift"] is False
    assert summary["findings"] == {"pending": 4}
    assert len(summary.pop("policy_version")) == 64  # a hash, not data
    text = json.dumps(summary, ensure_ascii=False)
    assert "@" not in text and not re.search(r"\+?\d{8,}", text.replace(" ", ""))
    assert "Mailmaster" not in text  # no quote, no name
    engine = open_store(new_database("store"))
    seq = record_check(engine, "test", check_published())
    (entry,) = [e for e in Ledger(engine).entries() if e.seq == seq]
    assert entry.event == "notice_check"
    assert entry.counts["findings_pending"] == 4
    assert entry.detail["drift"] is False and entry.detail["notice_version"] == "1.1"


def test_the_daily_body_reports_drift_of_a_changed_copy(tmp_path, new_database):
    from governance.store import open_store

    changed = tmp_path / "published.txt"
    text = PUBLISHED.read_text("utf-8").replace("ne ilgāk par 30 dienām", "ne ilgāk par 45 dienām")
    changed.write_text(text, "utf-8")
    summary = check_published(published=changed)
    assert summary["drift"] is True
    assert summary["drift_statements"] == ["cctv_period"]
    assert summary["drift_keys"] == [
        "purposes.video_surveillance.retention.recordings_30_days.period"
    ]
    record_check(open_store(new_database("store")), "test", summary)  # the ledger accepts it
