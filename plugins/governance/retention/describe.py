"""What a ``retention__<purpose>`` DAG says about itself (its ``doc_md``), from the policy
alone: the purpose, its legal basis and role, its schedule, and every rule with what it rests on.
"""

from __future__ import annotations

from governance.policy import Purpose
from governance.policy.periods import period_in_words


def purpose_doc(purpose: Purpose) -> str:
    """Markdown: the purpose's title, legal basis, role, schedule and a table of its rules."""
    lines = [
        f"# Retention: {purpose.title.en}",
        f"*{purpose.title.lv}*",
        "",
        f"- **Legal basis:** {purpose.legal_basis}"
        + (
            f" (+ {', '.join(purpose.additional_legal_bases)})"
            if purpose.additional_legal_bases
            else ""
        ),
        f"- **Role:** {purpose.role}"
        + (f" (controller: {purpose.controller.description.en})" if purpose.controller else ""),
        f"- **Schedule:** `{purpose.schedule}`",
        "",
        "| rule | records | kept for | from | then | rests on |",
        "|---|---|---|---|---|---|",
    ]
    for rule in purpose.retention:
        rests = rule.rests_on
        basis = (
            rests.notice
            and f"notice: {rests.notice}"
            or rests.statute
            or f"{rests.decided_by}: {rests.reason.en}"
        )
        where = "".join(f" ({k}={v})" for k, v in rule.where.items())
        lines.append(
            f"| `{rule.id}` | `{rule.entity}`{where} | {period_in_words(rule.period)} | "
            f"`{rule.anchor}` | {rule.action} | {basis} |"
        )
    lines += ["", "Trigger with `dry_run: true` to see the plan without changing anything."]
    return "\n".join(lines)
