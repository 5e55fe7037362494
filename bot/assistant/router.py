"""The offline router: a deterministic planner from a request in plain words to one tool call.

It is the product's planner when no language model is configured or reachable, so it must
decide from the text alone: no database, no tools, no network. It reads the request into
slots (partner, period, metric, filters …), scores intents by weighted keyword hits, and
returns one registered tool call with arguments named as in tools.registry — or a
clarifying question, help, or a refusal. It never performs or plans a write: approving,
rejecting or changing anything is refused with a pointer to the slash command.

Argument conventions (tests/data/router_cases.toml pins them down):
- partner: the canonical name when the mention picks one partner; the words as typed when
  they fit several ("brightwave") or none ("Zzyzx Holdings"), so the tool says so.
- period / quarter: the user's phrase, normalised ("past 2 weeks" -> "last 2 weeks",
  "between 1 and 15 Sep" -> "1-15 sep", "year to date" -> "ytd"); tools.periods resolves it.
  No period mentioned: no argument (the tool's default applies).
- metric: only when named. "sales" is revenue; "number of sales"/"how many sales" are
  conversions. n only when a number is given; order only "bottom"; grain only when said.
- compare_to: "vs last year"/"yoy" -> "last year"; "vs Q2" -> "q2"; "mom"/"vs previous" ->
  omitted (the tool's default is the previous period).
- Follow-ups ("and last month?", "what about Atlas?", "same for gold", "top 10 instead")
  reuse the previous turn's tool and arguments with the new slot replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.assistant.router_intents import (
    Signals,
    asks_for_help,
    how_many_target,
    is_greeting,
    is_write_request,
    score_intents,
)
from bot.assistant.router_lexicon import (
    APPLICATION_NOUNS,
    FOLLOW_UP_ANYWHERE,
    FOLLOW_UP_LEADS,
    KNOWN_WORDS,
    PARTNER_NOUNS,
    PRONOUNS,
)
from bot.assistant.router_names import (
    Mention,
    NameIndex,
    match_goal,
    subject_name,
    trailing_name,
    unknown_name,
)
from bot.assistant.router_replies import (
    FORMAT_OPTIONS,
    GREETING_TEXT,
    HELP_TEXT,
    INTENT_LABELS,
    NO_CONTEXT_OPTIONS,
    NO_CONTEXT_QUESTION,
    OUT_OF_SCOPE_TEXT,
    PURPOSE_OPTIONS,
    WRITE_TEXT,
    example,
    missing_partner_question,
)
from bot.assistant.router_slots import (
    Slots,
    read_breakdown,
    read_comparison,
    read_country,
    read_days,
    read_format,
    read_grain,
    read_metric,
    read_n,
    read_order,
    read_period,
    read_purpose,
    read_sort,
    read_status,
    read_tag_owner_key,
    read_terms_question,
    read_tier,
    read_type,
)
from bot.assistant.router_text import Doc, find_phrase, fold, tokenize


@dataclass(frozen=True)
class Vocabulary:
    """The names the router may recognise; loaded from the database by the caller."""

    partner_names: tuple[str, ...]
    tiers: tuple[str, ...] = ("Gold", "Silver", "Bronze")
    goal_names: tuple[str, ...] = ()
    application_names: tuple[str, ...] = ()


@dataclass
class TurnState:
    """What the previous turn called; kept with the conversation so follow-ups work."""

    tool: str | None
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class ToolCall:
    tool: str
    arguments: dict[str, Any]


@dataclass
class Clarify:
    question: str
    options: list[str]


@dataclass
class Help:
    text: str


@dataclass
class Refuse:
    text: str


Decision = ToolCall | Clarify | Help | Refuse

TOOL_FIELDS: dict[str, tuple[str, ...]] = {
    "find_partner": ("partner",),
    "list_partners": (
        "partner_type",
        "status",
        "tier",
        "country",
        "owner",
        "tag",
        "count",
        "n",
        "period",
        "sort",
        "by",
    ),
    "performance": ("partner", "tier", "partner_type", "period", "compare_to"),
    "leaderboard": ("metric", "period", "n", "order", "tier", "partner_type"),
    "performance_series": ("partner", "tier", "partner_type", "metric", "period", "grain"),
    "performance_breakdown": ("metric", "period", "compare_to", "by"),
    "compare_partners": ("partners", "period"),
    "goal_progress": ("goal", "partner", "tier", "period"),
    "pending_applications": ("n",),
    "application_detail": ("application",),
    "quiet_partners": ("days",),
    "reversal_anomalies": ("period",),
    "top_movers": ("metric", "period", "compare_to", "n"),
    "recruitment_priorities": ("n", "partner_type"),
    "qbr_summary": ("partner", "tier", "period"),
    "draft_outreach": ("partner", "purpose"),
    "draft_content": ("partner", "format"),
}
"""Each tool's fields, in the router's slot names (see _RENAMES for the tools' own names)."""

_RENAMES: dict[str, dict[str, str]] = {
    "find_partner": {"partner": "name"},
    "list_partners": {
        "partner_type": "type",
        "count": "count_only",
        "n": "limit",
        "period": "joined",
        "by": "group_by",
    },
    "pending_applications": {"n": "limit"},
    "qbr_summary": {"period": "quarter"},
}

_APPLICATION_WORDS = APPLICATION_NOUNS | {"applied", "apply", "applying"}

_SUBJECT = ("partner", "tier", "partner_type")
RELATIVE_PERIOD = re.compile(r"^(?:(?:day|week|month|quarter|year) )?before$")
"""A follow-up period relative to the previous turn's ('the quarter before')."""
_SUBJECT_TOOLS = frozenset(
    {"performance", "performance_series", "goal_progress", "qbr_summary", "find_partner",
     "draft_outreach", "draft_content"}
)  # fmt: skip
"""Tools about one subject: naming a new partner or tier replaces the old one."""

_FIND_LEADS = (
    ("who", "is"), ("tell", "me", "about"), ("tell", "me", "more", "about"), ("info", "on"),
    ("profile", "for"), ("profile", "of"), ("what", "do", "we", "know", "about"),
    ("look", "up"), ("details", "for"), ("details", "on"),
)  # fmt: skip


@dataclass
class Reading:
    """One request, read: its slots, intent scores and the cues for follow-ups."""

    doc: Doc
    slots: Slots
    scores: dict[str, int]
    mentions: list[Mention]
    unknown: Mention | None
    applicant: Mention | None
    pronoun: bool
    follow_marker: bool

    @property
    def best(self) -> tuple[str | None, int, int]:
        """The top intent, its score, and the runner-up's score."""
        ranked = sorted(self.scores.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] <= 0:
            return None, 0, 0
        return ranked[0][0], ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0

    def slot_args(self) -> dict[str, Any]:
        return self.slots.as_arguments()


@lru_cache(maxsize=16)
def _index(names: tuple[str, ...]) -> NameIndex:
    """Name indexes are rebuilt only when the vocabulary changes (it is passed per request)."""
    return NameIndex(names)


def _read(doc: Doc, vocab: Vocabulary) -> Reading:
    slots = Slots()
    read_tag_owner_key(doc, slots)
    applicants = _index(vocab.application_names).spot(doc)
    partners = _index(vocab.partner_names).spot(doc)
    # Words naming both a partner and an applicant go to whichever matched more of them,
    # and on a tie to the applicant only when the text speaks of an application.
    applicant = applicants[0] if applicants else None
    overlapping = [
        m for m in partners if applicant and m.start < applicant.stop and applicant.start < m.stop
    ]
    if applicant and overlapping:
        size = applicant.stop - applicant.start
        longer = any(m.stop - m.start > size for m in overlapping)
        tied = all(m.stop - m.start == size for m in overlapping)
        about_application = bool(_APPLICATION_WORDS & set(doc.keys_list()))
        if longer or (tied and not about_application):
            applicant = None
    partners = [
        m
        for m in partners
        if applicant is None or not (m.start < applicant.stop and applicant.start < m.stop)
    ]
    for m in (*partners, *([applicant] if applicant else [])):
        doc.claim(m.start, m.stop)
    if applicant is not None:
        slots.application = applicant.value
    read_comparison(doc, slots)
    slots.period = read_period(doc)
    terms = read_terms_question(doc, slots.period)
    unknown = None if partners or applicant else unknown_name(doc) or subject_name(doc)
    if unknown is not None:
        doc.claim(unknown.start, unknown.stop)

    intent_keys = doc.free_keys()
    slots.days = read_days(doc)
    slots.metric = read_metric(doc)
    slots.tier = read_tier(doc, vocab.tiers)
    slots.partner_type = read_type(doc)
    slots.status = read_status(doc)
    slots.country = read_country(doc)
    slots.n = read_n(doc)
    slots.order = read_order(doc)
    slots.grain = read_grain(doc)
    slots.by = read_breakdown(doc)
    slots.sort = read_sort(doc)
    slots.purpose = read_purpose(doc)
    slots.format = read_format(doc)
    target = how_many_target(doc)
    slots.count = target in {"partners", "unspecified"}

    named = [m.value for m in partners] + ([unknown.value] if unknown else [])
    slots.partners = list(dict.fromkeys(named))
    slots.partner = slots.partners[0] if slots.partners else None

    signals = Signals(
        terms_question=terms,
        named_partner=bool(slots.partners),
        named_application=slots.application is not None,
        how_many=target,
    )
    scores = score_intents(intent_keys, slots, signals)
    keys: list[str | None] = [t.key for t in doc.tokens]
    follow = any(find_phrase(keys[: len(p)], p) == 0 for p in FOLLOW_UP_LEADS) or any(
        find_phrase(keys, p) >= 0 for p in FOLLOW_UP_ANYWHERE
    )
    pronoun = any(k in PRONOUNS for k in doc.free_keys())
    return Reading(doc, slots, scores, partners, unknown, applicant, pronoun, follow)


def route(text: str, vocab: Vocabulary, previous: TurnState | None = None) -> Decision:
    """Plan one answer for `text`: a tool call, a clarifying question, help, or a refusal."""
    doc = tokenize(text)
    if is_write_request(doc):
        return Refuse(WRITE_TEXT)
    if is_greeting(doc):
        return Help(GREETING_TEXT if doc.tokens else HELP_TEXT)
    reading = _read(doc, vocab)
    return _decide(reading, vocab, previous)


def _decide(reading: Reading, vocab: Vocabulary, previous: TurnState | None) -> Decision:
    intent, score, runner_up = reading.best
    slots = reading.slots
    has_slots = bool(reading.slot_args())

    if asks_for_help(reading.doc) and score < 4 and not slots.partners:
        return Help(HELP_TEXT)

    prev_tool = previous.tool if previous is not None else None
    if prev_tool not in TOOL_FIELDS:
        prev_tool = None  # a turn that called nothing (or a tool since renamed) has no context
    if previous is not None and prev_tool is not None:
        follow = reading.follow_marker
        if intent is None and (has_slots or reading.pronoun or reading.follow_marker):
            return _merge(prev_tool, previous.arguments, reading, vocab)
        if intent == prev_tool and follow:
            return _merge(prev_tool, previous.arguments, reading, vocab)
        if intent == "leaderboard" and score <= 4 and follow and "n" in TOOL_FIELDS[prev_tool]:
            # "top 3 only" after a list of prospects or movers trims that list.
            return _merge(prev_tool, previous.arguments, reading, vocab)
        if (
            intent is not None
            and (reading.pronoun or reading.follow_marker)
            and not (slots.partners or slots.application)
        ):
            carried = _internal(prev_tool, previous.arguments)
            values = {**carried, **reading.slot_args()}
            if prev_tool == "qbr_summary" and intent == "draft_outreach":
                values.setdefault("purpose", "qbr_invite")
                if values["purpose"] == "recruit" and "invite" in reading.doc.keys_list():
                    values["purpose"] = "qbr_invite"
            return _build(intent, values, reading, vocab)

    if intent is None:
        return _fallback(reading, vocab)
    if score == runner_up:
        return _clarify_between(reading)
    if slots.application and intent in {"find_partner", "pending_applications"}:
        intent = "application_detail"
    if not slots.application and intent in {"find_partner", "pending_applications"}:
        # "the Kestrel application" names an application nobody knows: let the tool say so.
        typed = _application_subject(reading.doc)
        if typed is not None:
            return _build("application_detail", {"application": typed}, reading, vocab)
    if intent == "find_partner" and not slots.partners and reading.applicant:
        intent = "application_detail"
    return _build(intent, reading.slot_args(), reading, vocab)


def _fallback(reading: Reading, vocab: Vocabulary) -> Decision:
    """No intent keyword: decide from the slots alone."""
    slots = reading.slots
    numbers = slots.metric or slots.period or slots.compare_to or slots.compare_default
    if reading.follow_marker and not slots.partners and not numbers and not slots.tier:
        return Clarify(NO_CONTEXT_QUESTION, list(NO_CONTEXT_OPTIONS))
    if len(slots.partners) > 1:
        return _build("compare_partners", reading.slot_args(), reading, vocab)
    if slots.partners and slots.tier and not numbers:
        return _build("find_partner", reading.slot_args(), reading, vocab)  # "is helios gold?"
    if slots.partners and not numbers:
        name = slots.partners[0]
        return Clarify(
            f"Do you want revenue for {name}, or its profile?",
            [example("performance", name), example("find_partner", name)],
        )
    if numbers:
        return _build("performance", reading.slot_args(), reading, vocab)
    if slots.tier or slots.partner_type or slots.status or slots.country or slots.tag:
        return _build("list_partners", reading.slot_args(), reading, vocab)
    if slots.application:
        return _build("application_detail", reading.slot_args(), reading, vocab)
    return Refuse(OUT_OF_SCOPE_TEXT)


def _clarify_between(reading: Reading) -> Clarify:
    """Two intents scored the same: ask which, offering one request for each."""
    ranked = sorted(reading.scores.items(), key=lambda kv: -kv[1])
    top = [name for name, s in ranked if s == ranked[0][1]][:3]
    question = "Do you want " + ", or ".join(INTENT_LABELS[name] for name in top) + "?"
    slots = reading.slots
    return Clarify(question, [example(name, slots.partner, slots.partners) for name in top])


def _which_partner(tool: str, partners: list[str]) -> Clarify:
    names = partners[:3]
    return Clarify(
        "Which partner do you mean: " + " or ".join(names) + "?",
        [example(tool, name) for name in names],
    )


def _internal(tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A previous call's arguments in the router's slot names."""
    back = {v: k for k, v in _RENAMES.get(tool, {}).items()}
    return {back.get(k, k): v for k, v in arguments.items() if v is not None}


def _merge(tool: str, arguments: dict[str, Any], reading: Reading, vocab: Vocabulary) -> Decision:
    """The previous call again, with whatever this follow-up names replaced."""
    base = _internal(tool, arguments)
    new = reading.slot_args()
    fields = TOOL_FIELDS[tool]
    asked = {k for k in new if k not in {"days", "count"}}
    if asked and not all(k in fields for k in asked):
        # "revenue ytd?" after a profile: the same subject, but a question about numbers.
        names_subject = any(k in new for k in _SUBJECT)
        subject = {} if names_subject else {k: v for k, v in base.items() if k in _SUBJECT}
        if reading.slots.metric or reading.slots.period or reading.slots.compare_to:
            return _build("performance", {**subject, **new}, reading, vocab)
    if tool in _SUBJECT_TOOLS and any(k in new for k in _SUBJECT):
        base = {k: v for k, v in base.items() if k not in _SUBJECT}
    if tool == "leaderboard" and "n" in new and "order" not in new:
        base.pop("order", None)
    if RELATIVE_PERIOD.match(new.get("period", "")) and base.get("period"):
        new["period"] = f"{new['period']} {base['period']}"  # "quarter before last quarter"
    return _build(tool, {**base, **new}, reading, vocab)


def _build(tool: str, values: dict[str, Any], reading: Reading, vocab: Vocabulary) -> Decision:
    """The call for `tool` from slot values, or the question that a missing value needs."""
    slots = reading.slots
    if len(slots.partners) > 1 and tool == "performance":
        tool = "compare_partners"  # "how did northwind and helios do last month?"
    if (
        tool == "performance_breakdown"
        and not (slots.metric or slots.period)
        and slots.by in ("owner", "tier", "country")
        and PARTNER_NOUNS & set(reading.doc.keys_list())
    ):
        tool = "list_partners"  # "partners per manager" counts partners, it sums nothing
    if tool == "compare_partners":
        if len(slots.partners) > 1:
            values = {**values, "partners": list(slots.partners)}
        if len(values.get("partners", [])) < 2:
            return Clarify(
                "Which partners should I compare? Name two or more.",
                [example("compare_partners", partners=vocab.partner_names[:2])]
                if len(vocab.partner_names) > 1
                else ["List all partners"],
            )
    if len(slots.partners) > 1 and tool in _SUBJECT_TOOLS:
        return _which_partner(tool, slots.partners)
    values = dict(values)
    if "partner" in values:
        values.pop("partner_type", None)
        if tool != "goal_progress":
            values.pop("tier", None)
    if tool in {"find_partner", "application_detail"} and not (
        {"partner", "application"} & values.keys()
    ):
        typed = _typed_name(reading.doc)
        if typed is not None:
            values["partner" if tool == "find_partner" else "application"] = typed
    if tool == "goal_progress" and not ({"partner", "tier", "goal"} & values.keys()):
        keys = [k for k in reading.doc.free_keys() if k] + _slot_words(slots)
        partner_words = frozenset(fold(name.split()[0]) for name in vocab.partner_names if name)
        goal = match_goal(keys, vocab.goal_names, partner_words, {fold(t) for t in vocab.tiers})
        if goal:
            values["goal"] = goal
    if tool == "goal_progress" and "goal" in values:
        values.pop("period", None)  # the goal names its own period ("Q3 revenue")
    if tool == "list_partners" and values.get("by") not in (None, "owner", "tier", "country"):
        values.pop("by")  # type and status counts are in every list already
    if tool == "quiet_partners" and "days" not in values and slots.days:
        values["days"] = slots.days

    allowed = TOOL_FIELDS[tool]
    args = {k: v for k, v in values.items() if k in allowed}
    missing = _missing(tool, args, vocab)
    if missing is not None:
        return missing
    renames = _RENAMES.get(tool, {})
    return ToolCall(tool, {renames.get(k, k): v for k, v in args.items()})


_APPLICATION_AFTER = frozenset({"from", "by", "of", "for"})
_APPLICATION_SKIP = frozenset({"the", "a", "an", "status", "show", "me", "of", "what", "is", "s"})


def _application_subject(doc: Doc) -> str | None:
    """The name an application is called by, as typed: "the Kestrel application", "the
    application from Acme Media". Words the router knows are not a name."""
    keys = [t.key for t in doc.tokens]
    noun = next((i for i, k in enumerate(keys) if k in ("application", "applicant")), None)
    if noun is None:
        return None

    def is_name(i: int, *, capitalised_ok: bool = False) -> bool:
        key = keys[i]
        if not key or key in _APPLICATION_SKIP:
            return False
        return key not in KNOWN_WORDS or (capitalised_ok and doc.tokens[i].raw[:1].isupper())

    after = noun + 1
    if after < len(keys) and keys[after] in _APPLICATION_AFTER:
        stop = after + 1
        while stop < len(keys) and is_name(stop, capitalised_ok=True):
            stop += 1
        if stop > after + 1:
            return doc.raw_span(after + 1, stop)
    start = noun
    while start > 0 and is_name(start - 1):
        start -= 1
    return doc.raw_span(start, noun) if start < noun else None


def _typed_name(doc: Doc) -> str | None:
    """The words after "who is"/"tell me about" when they name nobody we know ("who is acme")."""
    keys: list[str | None] = [t.key for t in doc.tokens]
    for lead in sorted(_FIND_LEADS, key=len, reverse=True):
        at = find_phrase(keys, lead)
        if at >= 0:
            mention = trailing_name(doc, at + len(lead))
            return mention.typed if mention else None
    return None


def _slot_words(slots: Slots) -> list[str]:
    """Words claimed by slot readers that still help pick a goal ("q3", "revenue", "active")."""
    words: list[str] = []
    if slots.period:
        words.extend(slots.period.split())
    if slots.metric:
        words.append(slots.metric)
    if slots.status:
        words.append(slots.status)
    return words


def _missing(tool: str, args: dict[str, Any], vocab: Vocabulary) -> Clarify | None:
    """A question for a required value the request left out, or None."""
    if tool in {"draft_outreach", "draft_content", "find_partner"} and "partner" not in args:
        return Clarify(
            missing_partner_question(tool),
            [example(tool, name) for name in vocab.partner_names[:3]],
        )
    if tool == "draft_outreach" and "purpose" not in args:
        partner = args["partner"]
        return Clarify(
            f"What should the email to {partner} do?",
            [text.format(p=partner) for text in PURPOSE_OPTIONS.values()],
        )
    if tool == "draft_content" and "format" not in args:
        partner = args["partner"]
        return Clarify(
            f"What should I draft with {partner}?",
            [text.format(p=partner) for text in FORMAT_OPTIONS.values()],
        )
    if tool == "application_detail" and "application" not in args:
        return Clarify(
            "Which application? Give the applicant's name or the application key.",
            [example("pending_applications")],
        )
    return None


__all__ = [
    "Clarify",
    "Decision",
    "Help",
    "Refuse",
    "ToolCall",
    "TurnState",
    "Vocabulary",
    "route",
]
