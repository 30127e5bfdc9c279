"""The privacy notice, generated from the policy: ``governance notice render``.

The notice keeps the published one's structure and headings (what data and to whom, sources,
retention, security, rights, contacts) and its terms, and says everything from the policy:
each purpose with its categories, basis, recipients and source; each retention rule in words
with its period; the rights as they apply per purpose and how to use them; the identification,
the answer period and its extension; the controller's, the DPO's and the supervisory
authority's contacts. A changed period or recipient in the policy changes the notice.

First a language-resolved list of blocks is built (easy to test), then Markdown or HTML is
rendered with Jinja2 (HTML autoescaped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from governance.policy.models import Purpose
from governance.policy.notice.values import identifier_kinds
from governance.policy.notice.vocabulary import BASES, CATEGORIES, CONTACT_KINDS, words
from governance.policy.policy import Policy
from governance.policy.words import fill_period, period_phrase

FORMATS = ("md", "html")
LANGUAGES = ("lv", "en")
RIGHT_ORDER = (
    "access",
    "rectification",
    "consent_withdrawal",
    "erasure",
    "restriction",
    "objection",
    "portability",
)
_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Block:
    """One piece of the notice: a heading, a paragraph, a list, or labelled fields."""

    kind: str  # h1 | h2 | h3 | p | ul | fields
    text: str = ""
    items: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class NoticeView:
    lang: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        """Every word of the notice, for tests and spelling checks."""
        parts = [self.title]
        for block in self.blocks:
            parts += [block.text, *block.items, *(f"{k}: {v}" for k, v in block.fields)]
        return "\n".join(p for p in parts if p)


def purpose_order(policy: Policy) -> list[Purpose]:
    """The purposes in the published notice's order (by the line that states each title),
    then any the notice does not name, by id."""
    first: dict[str, int] = {}
    if policy.notice_map is not None:
        for statement in policy.notice_map.statements:
            for pattern in statement.encodes:
                parts = pattern.split(".")
                if len(parts) == 3 and parts[0] == "purposes" and parts[2] == "title":
                    first.setdefault(parts[1], statement.line)
    return sorted(policy.purposes.values(), key=lambda p: (first.get(p.id, 10**9), p.id))


def build_notice(policy: Policy, lang: str) -> NoticeView:
    """The notice's content in ``lang``."""
    w = words(lang)
    c = policy.controller
    short = c.called

    def say(key: str, **values: str) -> str:
        return w[key].format(short=short, **values)

    def quoted(titles: list[str]) -> str:
        return ", ".join(f"{w['quote_open']}{t}{w['quote_close']}" for t in titles)

    purposes = purpose_order(policy)
    view = NoticeView(lang, say("title", name=c.name))
    add = view.blocks.append
    add(Block("p", say("intro", name=c.name)))
    if c.owner:
        add(Block("p", say("owner", owner=c.owner)))
    add(Block("p", say("updates")))

    # What data, why, on what basis, to whom
    add(Block("h2", say("h_data")))
    add(Block("p", say("data_intro")))
    for purpose in purposes:
        add(Block("h3", purpose.title.get(lang)))
        add(Block("fields", fields=_purpose_fields(policy, purpose, lang, say)))
    add(Block("p", say("not_passed_on")))

    # Sources
    add(Block("h2", say("h_sources")))
    for origin in ("subject", "client", "tenderer", "generated"):
        titles = [p.title.get(lang) for p in purposes if origin in p.data_origin]
        if titles:
            add(Block("h3", say(f"source.{origin}")))
            add(Block("p", say(f"source_lead.{origin}")))
            add(Block("ul", items=tuple(titles)))

    # Retention
    add(Block("h2", say("h_retention")))
    add(Block("p", say("retention_general")))
    periods = []
    for purpose in purposes:
        sentences = [fill_period(r.in_words, r.period, lang) for r in purpose.retention]
        if sentences:
            periods.append((purpose.title.get(lang), " ".join(sentences)))
    add(Block("fields", fields=tuple(periods)))
    add(Block("p", say("retention_longer")))
    actions = [a for a in ("delete", "archive", "anonymise") if any(
        r.action == a for p in purposes for r in p.retention
    )]  # fmt: skip
    ends = [w[f"end.{a}"] for a in actions]
    joined = ", ".join(ends[:-1]) + f" {w['or']} " + ends[-1] if len(ends) > 1 else ends[0]
    add(Block("p", say("retention_end", actions=joined)))

    # Security
    add(Block("h2", say("h_security")))
    add(Block("p", say("security")))
    add(Block("ul", items=tuple(m.get(lang) for m in policy.settings.security_measures)))

    # Rights
    add(Block("h2", say("h_rights")))
    add(Block("p", say("rights_how")))
    channels = {
        "in_person": say("channel.in_person", address=c.address.get(lang)),
        "signed_email": say("channel.signed_email", email=c.email),
    }
    add(Block("ul", items=tuple(channels[ch] for ch in policy.settings.requests.channels)))
    defaults = policy.defaults
    answer = period_phrase(defaults.response_period, lang, "gen")
    add(Block("p", say("rights_answer", period=answer)))
    add(
        Block(
            "p",
            say(
                "rights_extension",
                extension=period_phrase(defaults.max_extension, lang, "dat"),
                period=answer,
            ),
        )
    )
    processors = [p.title.get(lang) for p in purposes if p.role == "processor"]
    if processors:
        add(Block("p", say("rights_processor", purposes=quoted(processors))))
    own = [p for p in purposes if p.role == "controller"]

    def where(right: str, allowed: bool) -> list[str]:
        return [p.title.get(lang) for p in own if policy.rights(p.id)[right].allowed is allowed]

    # In the published notice's order; a right that applies to no purpose is not offered.
    for right in RIGHT_ORDER:
        if right in ("access", "rectification"):
            text = say(f"right_text.{right}")
        elif right in ("erasure", "restriction"):
            text = say(f"right_text.{right}")
            blocked = where(right, False)
            if blocked:
                text += " " + say("right_limit", purposes=quoted(blocked))
        else:
            titles = where(right, True)
            if not titles:
                continue
            text = say(f"right_text.{right}", purposes=quoted(titles))
        add(Block("h3", w[f"right.{right}"]))
        add(Block("p", text))
    authority = policy.settings.supervisory_authority
    add(Block("h3", w["h_complaint"]))
    add(Block("p", say("complaint", authority=authority.name.get(lang))))
    add(
        Block(
            "fields",
            fields=(
                (w["address"], authority.address.get(lang)),
                (w["email"], authority.email),
                (w["authority_phone"], authority.phone),
                (w["website"], authority.website),
            ),
        )
    )

    # Contacts
    add(Block("h2", say("h_contacts")))
    add(Block("p", say("contacts_intro")))
    add(Block("h3", say("controller_contacts")))
    add(
        Block(
            "fields",
            fields=(
                (w["address"], c.address.get(lang)),
                (w["email"], c.email),
                (w["phone"], c.phone),
            ),
        )
    )
    dpo = policy.settings.data_protection_officer
    add(Block("h3", w["dpo_contacts"]))
    dpo_fields = ((w["email"], dpo.email),)
    add(Block("fields", fields=dpo_fields))
    add(Block("p", say("version", version=policy.settings.notice_version)))
    return view


def _purpose_fields(
    policy: Policy, purpose: Purpose, lang: str, say
) -> tuple[tuple[str, str], ...]:
    w = words(lang)
    kinds = identifier_kinds(policy, purpose)
    categories = []
    for category in purpose.data_categories:
        if category == "technical":
            continue
        label = CATEGORIES[lang][category]
        if category == "contact":
            held = [CONTACT_KINDS[lang][k] for k in ("address", "phone", "email") if k in kinds]
            if held:  # name the contact details the purpose's records really hold
                label = label.split(" (")[0] + f" ({', '.join(held)})"
        categories.append(label)
    category_text = _sentence(", ".join(categories)) if categories else ""
    labels = [BASES[lang][b] for b in purpose.legal_bases]
    provisions = "; ".join(provision for _, provision in labels)
    basis = purpose.legal_basis_note.get(lang) if purpose.legal_basis_note else "; ".join(
        label for label, _ in labels
    )  # fmt: skip
    basis = f"{basis.rstrip('.')} ({provisions})."
    recipients = (
        "; ".join(f"{r.name.get(lang)} – {r.basis.get(lang)}" for r in purpose.recipients)
        or w["no_recipients"]
    )
    origin = "; ".join(w[f"origin.{o}"] for o in purpose.data_origin)
    fields = [
        (w["f_purpose"], purpose.description.get(lang)),
        (w["f_categories"], category_text),
        (w["f_basis"], basis),
    ]
    if purpose.controller is not None:
        fields.append((w["f_controller"], _sentence(purpose.controller.description.get(lang))))
    fields += [(w["f_recipients"], _sentence(recipients)), (w["f_source"], _sentence(origin))]
    return tuple(fields)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _environment(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_notice(policy: Policy, lang: str, fmt: str) -> str:
    """The notice of ``policy`` in ``lang`` ('lv'|'en') and ``fmt`` ('md'|'html')."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    view = build_notice(policy, lang)
    template = _environment(autoescape=fmt == "html").get_template(f"notice.{fmt}.j2")
    return template.render(view=view, page_title=words(lang)["page_title"])
