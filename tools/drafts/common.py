"""What every draft shares: the Draft result, who it goes to and who signs it, and phrasing.

Phrasing helpers exist so templated sentences read as written by a person: a name that
ends in a period ("Atlas Outdoor Co.") is not followed by another, tags and types are
words ("co-marketing", "B2B brand partners"), and names that are ids or placeholders are
never used to greet or sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from string import Formatter, Template
from typing import Literal

from pydantic import BaseModel, Field

import prompts
from storage.models import Partner
from tools.countries import NAMES as COUNTRY_NAMES
from tools.drafts.vocabulary import (
    DEFAULT_TOPIC,
    METHOD_TAGS,
    NOUNS,
    REGION_TAGS,
    SEASONS,
    TOPIC_TAGS,
    TOPICS,
)
from tools.periods import DateRange
from tools.qbr import day_text
from tools.report import Cell, Fact, Line, Report, Section

Purpose = Literal["recruit", "reengage", "cobrand", "qbr_invite"]
ContentFormat = Literal["blog_outline", "webinar_plan", "social_posts", "cobranded_email"]

PURPOSES: tuple[Purpose, ...] = ("recruit", "reengage", "cobrand", "qbr_invite")
FORMATS: tuple[ContentFormat, ...] = (
    "blog_outline",
    "webinar_plan",
    "social_posts",
    "cobranded_email",
)
TEMPLATES: tuple[str, ...] = (
    *(f"outreach_{p}" for p in PURPOSES),
    *(f"content_{f}" for f in FORMATS),
)
"""Every drafting template in prompts/, by file name without extension."""

QUIET_DAYS = 30
"""A partner without a conversion for this long is quiet enough to re-engage."""

TEAM_SIGNATURE = "The partnerships team"
"""Who signs when no person's name is known."""

LABELS: dict[str, tuple[str, str]] = {
    "recruit": ("recruiting email", "a recruiting email"),
    "reengage": ("re-engagement email", "a re-engagement email"),
    "cobrand": ("co-branding pitch", "a co-branding pitch"),
    "qbr_invite": ("QBR invitation", "a QBR invitation"),
    "blog_outline": ("guest blog outline", "a guest blog outline"),
    "webinar_plan": ("joint webinar plan", "a joint webinar plan"),
    "social_posts": ("co-branded social posts", "co-branded social posts"),
    "cobranded_email": ("co-branded email", "a co-branded email"),
}
"""A purpose or format in words: the bare label and the label as it reads after a verb."""


def label(name: str) -> str:
    return LABELS[name][0] if name in LABELS else name.replace("_", " ")


def label_with_article(name: str) -> str:
    return LABELS[name][1] if name in LABELS else f"a {label(name)}"


class Draft(BaseModel):
    """A draft for a person to edit and send, with every figure it cites."""

    kind: Literal["outreach", "content"]
    name: str
    """The purpose (outreach) or format (content)."""
    template: str
    partner_key: str
    partner_name: str
    to_name: str | None = None
    """The partner's contact, as a name a person reads; None when none is on file."""
    to_email: str | None = None
    """The contact's email address; None when none is on file (never invented)."""
    signed_by: str | None = None
    """The person the draft is signed by; None means the partnerships team."""
    subject: Line | None = None
    body: Line = Field(default_factory=lambda: Line(template=""))
    """The text to send: words as written, figures typed; `bot/render` turns it into text."""
    facts: list[Fact] = Field(default_factory=list)
    period: DateRange | None = None
    """The period the cited performance figures cover; None when only the profile is used."""
    as_of: date
    notes: list[str] = Field(default_factory=list)

    @property
    def to_line(self) -> str:
        """The recipient as a header line: 'Jordan Blake <jordan@…>', or what is missing."""
        if self.to_name and self.to_email:
            return f"{self.to_name} <{self.to_email}>"
        if self.to_name:
            return f"{self.to_name} (no contact email on file)"
        if self.to_email:
            return f"{self.to_email} (no contact name on file)"
        return f"No contact on file for {self.partner_name}"

    @property
    def from_line(self) -> str:
        return self.signed_by or TEAM_SIGNATURE

    def report(self) -> Report:
        sections: list[Section] = [
            Section(
                facts=[
                    Fact(label="To", value=self.to_line),
                    Fact(label="From", value=self.from_line),
                ]
            )
        ]
        if self.subject is not None and self.subject.template:
            sections.append(Section(title="Subject", lines=[self.subject]))
        sections.append(Section(title="Draft", lines=[self.body]))
        if self.facts:
            sections.append(Section(title="Figures used", facts=self.facts))
        else:
            sections.append(
                Section(
                    title="Figures used",
                    text="No performance figures; the draft uses the partner's profile only.",
                )
            )
        period = self.period.describe() if self.period else f"profile as of {day_text(self.as_of)}"
        return Report(
            title=f"Draft {label(self.name)} for {self.partner_name}",
            period=period,
            scope=self.partner_name,
            kind="draft",
            sections=sections,
            notes=[
                *self.notes,
                "Every figure comes from program data; edit the wording, keep the numbers.",
            ],
        )


# ---- names people read: contacts and senders ----

_SLACK_ID = re.compile(r"^<?@?[UWB][A-Z0-9]{6,}(\|[^>]*)?>?$")
_PLACEHOLDER = re.compile(
    r"[\[\]{}<>$#]|\b(your|sender|first|full|display)\s+name\b|\bname here\b|\bplaceholder\b"
    r"|\btbd\b|\btbc\b|\bx{2,}\b|\bunknown\b|\bn/a\b|\bnone\b|\bnull\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DISPLAY_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’.\-])*")
_HANDLE_PART = re.compile(r"[^\W\d_]{2,}")
_ROLE_WORDS = frozenset(
    {"admin", "affiliate", "affiliates", "bizdev", "contact", "hello", "help", "info", "mail",
     "marketing", "me", "noreply", "office", "partner", "partners", "partnerships", "reply",
     "sales", "support", "team", "test", "user", "bot"}
)  # fmt: skip
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})


def _name_from_handle(handle: str) -> str | None:
    """'maya.chen' -> 'Maya Chen'; None unless every part reads like a name ('u123' doesn't)."""
    parts = [p for p in re.split(r"[._\-]+", handle) if p]
    if not parts or len(parts) > 3:
        return None
    for part in parts:
        if not _HANDLE_PART.fullmatch(part) or part.casefold() in _ROLE_WORDS:
            return None
        if part.isascii() and not re.search(r"[aeiouy]", part, re.IGNORECASE):
            return None
    return " ".join(p[:1].upper() + p[1:].lower() for p in parts)


def person_name(text: str | None) -> str | None:
    """`text` as a person's name to greet or sign with, or None when it isn't one.

    Slack ids (U…/W…), placeholders ('[Your name]') and role addresses are refused; an email
    address or handle is read as a name only when its parts look like one ('maya.chen@…' ->
    'Maya Chen', 'u123@…' -> None).
    """
    if text is None:
        return None
    value = " ".join(text.split())
    if not value or _SLACK_ID.match(value) or _PLACEHOLDER.search(value):
        return None
    if "@" in value:
        return _name_from_handle(value.split("@", 1)[0].split("+", 1)[0])
    if " " not in value and re.search(r"[._]", value):
        return _name_from_handle(value)
    if not _DISPLAY_NAME.fullmatch(value) or value.casefold() in _ROLE_WORDS:
        return None
    if value == value.lower():
        return " ".join(w[:1].upper() + w[1:] for w in value.split())
    return value


def sender_name(sender: str | None, owner: str | None) -> str | None:
    """The name to sign with: the sender's, else the partner owner's when it reads as a name."""
    return person_name(sender) or person_name(owner)


def first_name(name: str) -> str:
    """The given name to greet with: 'Dr. Jane Smith' -> 'Jane'."""
    words = name.split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in _TITLES:
        words = words[1:]
    return words[0]


def contact_email(text: str | None) -> str | None:
    value = (text or "").strip()
    return value if _EMAIL.match(value) else None


# ---- figures inside a draft's sentences ----
# A draft's sentences are Lines: the words are written here, the figures stay typed (Money,
# Percent, a count) and `bot/render` formats them as it formats every table, so a PLN draft
# reads "zł 1,234" like the program's tables do.

Words = str | Line
"""A piece of a draft: plain words, or a Line when it states figures."""


def say(*parts: str | Line | Cell) -> Line:
    """A sentence from words and figures in order: `say("sent ", clicks, " clicks")`."""
    return Line.join(parts)


def days(n: int) -> Line:
    """A day count inside a sentence: '1 day', '53 days'."""
    return say(n, " day" if n == 1 else " days")


def days_words(n: int) -> str:
    """A day count inside a note (notes are plain words): '53 days'."""
    return f"{n} day" if n == 1 else f"{n} days"


# ---- phrasing ----


def sentence(text: Words) -> Line:
    """`text` ending in one full stop: 'follows Atlas Outdoor Co.' gets no second period.

    A Line that ends in a figure gets one: figures never end in a full stop."""
    words = text if isinstance(text, Line) else Line.join([text])
    template = words.template.rstrip()
    if not template.endswith((".", "!", "?", "…")):
        template += "."
    return Line(template=template, values=words.values)


def join_words(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} {items[-1]}"


def possessive(name: str) -> str:
    """'Northwind's', but 'Lumen Coupons''."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def article(phrase: str) -> str:
    """'a' or 'an' for the phrase that follows: 'an affiliate', 'a B2B brand', 'an SEO agency'."""
    word = phrase.split()[0] if phrase.split() else phrase
    if word.isupper() and len(word) <= 5:
        return "an" if word[:1] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def tag_words(tag: str) -> str:
    """A tag as it reads in a sentence: 'co-marketing', 'the outdoors', 'SEO', 'home decor'."""
    key = tag.strip().lstrip("#").casefold()
    if key in METHOD_TAGS:
        return METHOD_TAGS[key]
    if key in TOPIC_TAGS:
        return TOPIC_TAGS[key]
    return " ".join(re.sub(r"_+", " ", tag.strip().lstrip("#")).split())


def _is_region(tag: str) -> bool:
    return tag.strip().casefold() in REGION_TAGS


def tags_phrase(tags: list[str]) -> str | None:
    """Tags in words ('co-marketing and the outdoors'); region tags such as 'emea' left out."""
    words = list(dict.fromkeys(tag_words(t) for t in tags if t.strip() and not _is_region(t)))
    return join_words(words[:3]) or None


def topical_tags(tags: list[str]) -> list[str]:
    """Tags about what the audience cares about, not how or where the partner works."""
    return [
        t
        for t in tags
        if t.strip() and not _is_region(t) and t.strip().casefold() not in METHOD_TAGS
    ]


def tidy(text: Line) -> Line:
    """Rendered template text with stray spaces, doubled periods and blank runs removed."""
    lines = [line.strip() for line in text.template.strip().splitlines()]
    body = "\n".join(lines)
    body = re.sub(r"(?<=\w)\.\.(?=\s|$)", ".", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return _only_used(body, text)


def _only_used(template: str, source: Line) -> Line:
    """A Line with `template` and the values of `source` it still names."""
    names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    return Line(template=template, values={k: v for k, v in source.values.items() if k in names})


_PLACEHOLDER_PATTERN = Template.pattern


def fill(template: str, **values: Words) -> Line:
    """A prompt template's `$name` placeholders filled with words or Lines; a missing value
    is an error, as in `prompts.render`."""
    parts: list[Words] = []
    text = prompts.load(template)
    at = 0
    for found in _PLACEHOLDER_PATTERN.finditer(text):
        parts.append(text[at : found.start()])
        at = found.end()
        if found.group("escaped") is not None:
            parts.append("$")
            continue
        name = found.group("named") or found.group("braced")
        if name is None:
            raise ValueError(f"invalid placeholder in prompt {template!r} at {found.start()}")
        if name not in values:
            raise KeyError(name)
        parts.append(values[name])
    parts.append(text[at:])
    return Line.join(parts)


def render(template: str, **values: Words) -> tuple[Line | None, Line]:
    """Fill a template; a first line 'Subject: …' becomes the subject."""
    text = tidy(fill(template, **values))
    first, _, rest = text.template.partition("\n")
    if not first.startswith("Subject:"):
        return None, _only_used(text.template.strip() + "\n", text)
    subject = _only_used(first.removeprefix("Subject:").strip(), text)
    return subject, _only_used(rest.strip() + "\n", text)


# ---- who the draft is for, and who it is from ----


@dataclass(frozen=True)
class Who:
    partner: Partner
    greeting: str
    signoff: str
    signed_by: str | None
    signed_as: Literal["sender", "owner", "team"]
    to_name: str | None
    to_email: str | None
    noun: str
    plural: str
    country: str | None
    tags: str | None
    """Every non-region tag in words ('co-marketing and the outdoors')."""
    topic: str
    """What content is about: topical tags in words ('beauty'), else a phrase for the type."""
    topic_tags: list[str]
    season: tuple[str, str, str]


def who(partner: Partner, today: date, sender: str | None) -> Who:
    """Everything a template needs to address, describe and sign for `partner`."""
    noun, plural = NOUNS.get(partner.type, ("partner", "partners"))
    topical = topical_tags(partner.tag_names)
    from_sender = person_name(sender)
    signer = from_sender or person_name(partner.owner)
    contact = person_name(partner.contact_name)
    return Who(
        partner=partner,
        greeting=f"Hi {first_name(contact)}," if contact else f"Hi {partner.name} team,",
        signoff=f"Best,\n{signer or TEAM_SIGNATURE}",
        signed_by=signer,
        signed_as="sender" if from_sender else "owner" if signer else "team",
        to_name=contact,
        to_email=contact_email(partner.contact_email),
        noun=noun,
        plural=plural,
        country=country(partner.country),
        tags=tags_phrase(partner.tag_names),
        topic=tags_phrase(topical) or TOPICS.get(partner.type, DEFAULT_TOPIC),
        topic_tags=topical,
        season=SEASONS[(today + timedelta(days=30)).month],
    )


def country(code: str | None) -> str | None:
    """A country code as it reads after 'in': 'the UK', 'Poland'."""
    if not code:
        return None
    return COUNTRY_NAMES.get(code.upper(), code.upper())


def new_draft(w: Who, kind: Literal["outreach", "content"], name: str, today: date) -> Draft:
    """An empty draft addressed to the partner's contact and signed for the sender."""
    p = w.partner
    draft = Draft(
        kind=kind,
        name=name,
        template=f"{kind}_{name}",
        partner_key=p.partner_key,
        partner_name=p.name,
        to_name=w.to_name,
        to_email=w.to_email,
        signed_by=w.signed_by,
        as_of=today,
    )
    if w.to_email is None:
        draft.notes.append(
            f"There is no contact email on file for {p.name}; add the recipient before sending."
        )
    if kind == "outreach" and w.signed_as == "owner":
        draft.notes.append(
            f"Signed as {w.signed_by}, who manages {p.name}; change the sign-off if someone "
            "else sends it."
        )
    elif kind == "outreach" and w.signed_as == "team":
        draft.notes.append(
            "No sender name is known, so the draft is signed by the partnerships team; add "
            "your name before sending."
        )
    return draft
