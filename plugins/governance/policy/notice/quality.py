"""The DPO's short report on the published notice: what its next version should add or fix.

Three parts, from the notice map and the policy: processing the notice does not announce yet
(``next_version``), retention periods the policy keeps that the notice does not state (every
rule that rests on a decision rather than on the notice), and the other improvements the map
records (cookies, an outdated link, typos...), each with the notice's own words it concerns.
If a drift check ran, its outcome comes first. Latvian or English; Markdown.
"""

from __future__ import annotations

from governance.policy.notice.check import CheckResult
from governance.policy.notice.render import purpose_order
from governance.policy.policy import Policy
from governance.policy.words import fill_period

_WORDS = {
    "lv": {
        "title": "Privātuma politikas kvalitātes pārskats (versija {version})",
        "drift": "Publicētā privātuma politika un politika atšķiras: {count} novirzes "
        "(sk. governance notice check).",
        "no_drift": "Publicētā privātuma politika atbilst politikai: noviržu nav.",
        "h_pending": "Apstrāde, kas jānorāda nākamajā versijā",
        "h_periods": "Glabāšanas termiņi, ko privātuma politika nenorāda",
        "h_quality": "Citi uzlabojumi",
        "none": "Nav.",
        "about": "attiecas uz vārdiem",
        "open": "\u201e",
        "close": "\u201d",
    },
    "en": {
        "title": "Privacy notice quality report (version {version})",
        "drift": "The published notice and the policy differ: {count} drift finding(s) "
        "(see governance notice check).",
        "no_drift": "The published notice matches the policy: no drift.",
        "h_pending": "Processing the next version must announce",
        "h_periods": "Retention periods the notice does not state",
        "h_quality": "Other improvements",
        "none": "None.",
        "about": "concerns the words",
        "open": "\u201c",
        "close": "\u201d",
    },
}


def quality_report(policy: Policy, lang: str, result: CheckResult | None = None) -> str:
    """The report in ``lang`` ('lv'|'en') as Markdown."""
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}; expected one of: lv, en")
    w = _WORDS[lang]
    notice = policy.notice_map
    lines = [f"# {w['title'].format(version=policy.settings.notice_version)}", ""]
    if result is not None:
        drift = sum(1 for f in result.findings if f.is_drift)
        lines += [w["drift"].format(count=drift) if drift else w["no_drift"], ""]
    lines += [f"## {w['h_pending']}", ""]
    pending = notice.next_version if notice else ()
    lines += [f"- {item.says.get(lang)}" for item in pending] or [w["none"]]
    lines += ["", f"## {w['h_periods']}", ""]
    periods = []
    for purpose in purpose_order(policy):
        said = [
            fill_period(rule.in_words, rule.period, lang)
            for rule in purpose.retention
            if not rule.rests_on.notice
        ]
        if said:
            periods.append(f"- **{purpose.title.get(lang)}:** {' '.join(said)}")
    lines += periods or [w["none"]]
    lines += ["", f"## {w['h_quality']}", ""]
    items = notice.quality if notice else ()
    for item in items:
        about = f" ({w['about']} {w['open']}{item.quote}{w['close']})" if item.quote else ""
        lines.append(f"- **{item.topic.get(lang)}:** {item.says.get(lang)}{about}")
    if not items:
        lines.append(w["none"])
    return "\n".join(lines) + "\n"
