"""The human-readable documents of an answer: the package's README and the response letter.

Both languages of the notice; HTML from Jinja2 with autoescaping. The documents say what Art. 15
asks (purposes, legal bases, categories, recipients, retention, origin, rights, the supervisory
authority) per purpose in which the subject's data was found, and what was done and kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import jinja2

from governance.dsr.texts import TEXTS, TYPE_NAMES
from governance.policy import Policy
from governance.policy.ropa import build_view

_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ t[title_key] }}</title>
<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.45}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
.warn{background:#fee;border:1px solid #c00;padding:.5rem}</style></head><body>
<h1>{{ t[title_key] }}</h1>
<p>{{ t.request }}: <code>{{ request_id }}</code> · {{ t.type }}: {{ type_name }} ·
{{ t.received }}: {{ received }} · {{ t.answered }}: {{ answered }}</p>
<p>{{ t.controller }}: {{ controller }}</p>
{% if intro %}<p>{{ intro }}</p>{% endif %}
{% if missing %}<p class="warn">{{ t.incomplete }}: {{ missing|join(", ") }}</p>{% endif %}
{% if outcome %}
<h2>{{ t.done }}</h2>
<table>{% for row in outcome %}<tr><td>{{ row.purpose }}</td><td>{{ row.what }}</td><td>{{ row.count }} {{ t.records }}</td><td>{{ row.why }}</td><td>{% if row.until %}{{ t.until }} {{ row.until }}{% endif %}</td></tr>{% endfor %}</table>
{% endif %}
{% if not activities %}<p>{{ t.nothing_found }}</p>{% endif %}
{% if activities %}<h2>{{ t.purposes }}</h2>{% endif %}
{% for a in activities %}
<h3>{{ a.title }}</h3>
<p>{{ a.description }}</p>
<ul>
<li>{{ t.legal_basis }}: {{ a.legal_bases|join("; ") }}{% if a.on_behalf_of %} ({{ a.role }}: {{ a.on_behalf_of }}){% endif %}</li>
<li>{{ t.categories }}: {{ a.data_categories|join(", ") }}</li>
<li>{{ t.recipients }}: {{ a.recipients|join("; ") if a.recipients else "—" }}</li>
<li>{{ t.origin }}: {{ a.origin|join(", ") }}</li>
<li>{{ t.retention }}: {% for r in a.rules %}{{ r.period }} ({{ r.anchor }}, {{ r.action }}; {{ r.rests_on }}){% if not loop.last %}; {% endif %}{% endfor %}</li>
</ul>
{% endfor %}
<h2>{{ t.rights }}</h2>
<p>{{ t.rights_text }}</p>
<p>{{ t.complaint }}: {{ authority }}.</p>
{% if checksums %}<p>{{ t.checksums }}</p>{% endif %}
</body></html>
"""


@dataclass(frozen=True)
class OutcomeLine:
    purpose: str
    decision: str
    count: int
    why: str
    until: date | None


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def render(
    policy: Policy,
    lang: str,
    *,
    request_id: str,
    request_type: str,
    received: date,
    answered: date,
    purposes: Iterable[str],
    kind: str,
    outcome: Sequence[OutcomeLine] = (),
    missing: Sequence[str] = (),
) -> str:
    """``kind`` is ``package`` (README of an access or portability package) or ``response``."""
    words = TEXTS[lang]
    view = build_view(policy, lang)
    wanted = set(purposes)
    activities = [a for a in view.activities if a.id in wanted]
    titles: Mapping[str, str] = {a.id: a.title for a in view.activities}
    intro = ""
    if kind == "package":
        intro = words["intro_portability" if request_type == "portability" else "intro_access"]
    rows = [
        {
            "purpose": titles.get(line.purpose, line.purpose),
            "what": words.get(f"decision.{line.decision}", line.decision),
            "count": line.count,
            "why": line.why,
            "until": line.until.isoformat() if line.until else "",
        }
        for line in outcome
    ]
    return (
        _environment()
        .from_string(_TEMPLATE)
        .render(
            lang=lang,
            t=words,
            title_key="package_title" if kind == "package" else "response_title",
            request_id=request_id,
            type_name=TYPE_NAMES[lang][request_type],
            received=received.isoformat(),
            answered=answered.isoformat(),
            controller=f"{policy.controller.name} ({policy.controller.email})",
            intro=intro,
            missing=list(missing),
            outcome=rows,
            activities=activities,
            authority=policy.settings.supervisory_authority.name.get(lang),
            checksums=kind == "package",
        )
    )
