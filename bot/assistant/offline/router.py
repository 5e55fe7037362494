"""The offline router: a deterministic planner from a request in plain words to one tool call.

It is the product's planner when no language model is configured or reachable, so it must
decide from the text alone: no database, no tools, no network. It reads the request into
slots (partner, period, metric, filters …), scores intents by weighted keyword hits, and
returns one registered tool call with arguments named as in tools.registry — or a
clarifying question, help, or a refusal. It never performs or plans a write: approving,
rejecting or changing anything is refused with a pointer to the slash command.

Arguments are named as the registry's argument models name them (tools/registry.py is the
contract both planners share): the segment fields (partners, types, tiers, statuses,
countries, owners, tags, commission_models — lists), period, compare_to, metric, n,
order, grain, by … The router maps what it read onto the chosen tool's model; whatever
the model has no field for is returned as `unplaced`, and the answer says it was not
applied. Nothing the router recognised is dropped in silence.
- partners: the canonical name when the mention picks one partner; the words as typed when
  they fit several ("brightwave") or none ("Zzyzx Holdings"), so the tool says so.
- period: the user's phrase, normalised ("past 2 weeks" -> "last 2 weeks"); tools.periods
  resolves it. No period mentioned: no argument (the tool's default applies).
- Follow-ups ("and last month?", "what about Atlas?", "same for gold", "top 10 instead")
  reuse the previous turn's tool and arguments with the new slot replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from bot.assistant.offline.intents import (
    Signals,
    asks_for_help,
    how_many_target,
    is_greeting,
    is_write_request,
    own_score,
    score_intents,
)
from bot.assistant.offline.lexicon import (
    APPLICATION_NOUNS,
    ATTENTION_PHRASES,
    CHANGE_WORDS,
    COUNTRIES,
    FILLER_WORDS,
    FOLLOW_UP_ANYWHERE,
    FOLLOW_UP_LEADS,
    JOIN_WORDS,
    KNOWN_WORDS,
    PARTNER_NOUNS,
    PRONOUNS,
    SHARE_PHRASES,
    STATUS_WORDS,
    TYPE_WORDS,
)
from bot.assistant.offline.names import (
    Mention,
    NameIndex,
    match_goal,
    subject_name,
    trailing_name,
    unknown_name,
)
from bot.assistant.offline.replies import (
    FORMAT_OPTIONS,
    GREETING_TEXT,
    HELP_TEXT,
    INTENT_LABELS,
    NO_CONTEXT_OPTIONS,
    NO_CONTEXT_QUESTION,
    OTHER_LANGUAGE_TEXT,
    OUT_OF_SCOPE_TEXT,
    PURPOSE_OPTIONS,
    WRITE_TEXT,
    describe_call,
    example,
    missing_partner_question,
    unplaced_reason,
)
from bot.assistant.offline.slots import (
    THAT_PERIOD,
    Slots,
    phrase_hits,
    read_all,
    read_breakdown,
    read_commission_model,
    read_comparison,
    read_countries,
    read_days,
    read_extreme,
    read_format,
    read_goal_statuses,
    read_grain,
    read_group,
    read_language,
    read_metrics,
    read_my,
    read_n,
    read_negated,
    read_order,
    read_overlap,
    read_owners,
    read_period,
    read_purpose,
    read_region,
    read_sort,
    read_status,
    read_tag_owner_key,
    read_terms_question,
    read_tiers,
    read_type,
)
from bot.assistant.offline.text import Doc, Token, find_phrase, fold, tokenize
from bot.assistant.offline.unread import other_language, unread_words
from bot.assistant.plan import (
    Clarify,
    Decision,
    Help,
    Option,
    Refuse,
    ToolCall,
    TurnState,
    Unplaced,
    Vocabulary,
)
from tools.countries import NAMES

_T = TypeVar("_T")


def tool_fields(tool: str) -> frozenset[str]:
    """The argument names `tool`'s registry model takes (the router's only tool table)."""
    return _fields(tool)


@lru_cache(maxsize=64)
def _fields(tool: str) -> frozenset[str]:
    from tools import registry

    try:
        return frozenset(registry.get(tool).args.model_fields)
    except Exception:  # an unknown tool (a renamed one in an old conversation) takes nothing
        return frozenset()


ONE_PARTNER_TOOLS = frozenset({"find_partner", "draft_outreach", "draft_content"})
"""Tools about exactly one partner: their argument is `partner`, a single name."""

_APPLICATION_WORDS = APPLICATION_NOUNS | {"applied", "apply", "applying"}

_SUBJECT = ("partners", "partner", "tiers", "types")
RELATIVE_PERIOD = re.compile(r"^(?:(?:day|week|month|quarter|year) )?before$")
"""A follow-up period relative to the previous turn's ('the quarter before')."""
_SUBJECT_TOOLS = frozenset(
    {"performance", "performance_series", "goal_progress", "qbr_summary", "find_partner",
     "draft_outreach", "draft_content", "best_period", "metric_share"}
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
    intent_keys: list[str | None] = field(default_factory=list)
    """The tokens intents were scored on (before filters and metrics were claimed)."""

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
    take = _Taker(doc, slots)
    # Exclusions first: "not tagged emea", "excluding my book" must never be read as the
    # tag or the book asked for.
    negated = take("excluding", lambda: read_negated(doc, _segment_words(vocab)))
    if negated is not None:
        slots.excluding.update(_excluded_values(doc, negated, vocab))
        said = {t.key for t in doc.tokens[negated[0] : negated[1]]}
        known = bool(vocab.me and vocab.me in slots.excluding.get("owners", []))
        if said & {"my", "me", "mine"} and not known:
            slots.mine = True  # "excluding my book" from someone who isn't known here
            slots.spans["mine"] = doc.raw_span(*negated)
        elif not slots.excluding:
            slots.unread_exclusion = doc.raw_span(*negated)
    take("tags", lambda: read_tag_owner_key(doc, slots, vocab.tags))
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
    left_out = _excluded_mentions(doc, partners)
    if left_out:
        # "Q1 revenue excluding Northwind": everyone but Northwind, never Northwind alone
        partners = [m for m in partners if m not in left_out]
        slots.excluding["partners"] = [m.value for m in left_out]
        first = min(m.start for m in left_out)
        lead = first - 1
        while lead > 0 and doc.tokens[lead].key in _NEGATION_WORDS | {"for", "everyone"}:
            lead -= 1
        doc.claim(lead + 1, first)
        slots.spans["excluding"] = doc.raw_span(lead + 1, max(m.stop for m in left_out))
    take("compare_to", lambda: read_comparison(doc, slots))
    slots.period = take("period", lambda: read_period(doc))
    _unit_range_comparison(doc, slots)
    _same_unit_last_year(doc, slots)
    terms = read_terms_question(doc, slots.period, named=bool(partners))
    slots.goal_statuses = take("goal_statuses", lambda: read_goal_statuses(doc))
    extreme = take("extreme", lambda: read_extreme(doc))
    attention = bool(phrase_hits(doc, ATTENTION_PHRASES))
    overlap = take("sort", lambda: read_overlap(doc))
    slots.owners += take("owners", lambda: read_owners(doc, vocab.owners))
    if take("mine", lambda: read_my(doc)):
        if vocab.me and vocab.me.casefold() in {o.casefold() for o in vocab.owners}:
            slots.owners.append(vocab.me)  # "my partners", asked by a manager with a book
        else:
            slots.mine = True  # reported: who "my" is isn't known here
    unknown = None if partners or applicant else unknown_name(doc) or subject_name(doc)
    if unknown is not None:
        doc.claim(unknown.start, unknown.stop)

    intent_keys = doc.free_keys()
    slots.group = take("by", lambda: read_group(doc))
    slots.by = take("by", lambda: read_breakdown(doc))
    slots.days = read_days(doc)
    slots.commission_models = take(
        "commission_models", lambda: read_all(read_commission_model, doc)
    )
    share = bool(phrase_hits(doc, SHARE_PHRASES))  # after "revenue share partners" is a deal
    slots.metrics = take("metric", lambda: read_metrics(doc))
    slots.metric = slots.metrics[0] if slots.metrics else None
    slots.tiers = take("tiers", lambda: read_tiers(doc, vocab.tiers))
    slots.types = take("types", lambda: read_all(read_type, doc))
    slots.statuses = take("statuses", lambda: read_all(read_status, doc))
    slots.region = take("region", lambda: read_region(doc))
    if slots.region and slots.region in {t.casefold() for t in vocab.tags}:
        # The program tags partners by region ("emea"): that tag is the filter asked for.
        slots.tags.append(slots.region)
        slots.spans.setdefault("tags", slots.spans.pop("region", slots.region))
        slots.region = None
    slots.language = take("language", lambda: read_language(doc))
    slots.countries = take("countries", lambda: read_countries(doc))
    slots.n = take("n", lambda: read_n(doc))
    slots.order = take("order", lambda: read_order(doc))
    slots.grain = take("grain", lambda: read_grain(doc))
    slots.sort = "overlap" if overlap else read_sort(doc)
    slots.purpose = read_purpose(doc)
    slots.format = read_format(doc)
    if extreme is not None:
        slots.grain, slots.order = extreme.grain, extreme.order
        slots.n = extreme.n or slots.n
    target = how_many_target(doc)
    wants_names = bool({"who", "list", "names", "name", "which"} & set(doc.keys_list()))
    # "how many … and who owns them": the count and the names, so a list, not a count only
    slots.count = target in {"partners", "unspecified"} and not wants_names
    slots.joined = bool(JOIN_WORDS & {k for k in doc.keys_list() if k})

    named = [m.value for m in partners] + ([unknown.value] if unknown else [])
    slots.partners = list(dict.fromkeys(named))
    slots.partner = slots.partners[0] if slots.partners else None
    for m in partners:
        slots.spans.setdefault("partners", doc.raw_span(m.start, m.stop))

    signals = Signals(
        terms_question=terms,
        named_partner=bool(slots.partners),
        named_application=slots.application is not None,
        how_many=target,
        extreme=extreme is not None,
        share=share,
        attention=attention,
        overlap=overlap,
    )
    scores = score_intents(intent_keys, slots, signals)
    keys: list[str | None] = [t.key for t in doc.tokens]
    follow = any(find_phrase(keys[: len(p)], p) == 0 for p in FOLLOW_UP_LEADS) or any(
        find_phrase(keys, p) >= 0 for p in FOLLOW_UP_ANYWHERE
    )
    pronoun = any(k in PRONOUNS for k in doc.free_keys())
    return Reading(doc, slots, scores, partners, unknown, applicant, pronoun, follow, intent_keys)


_COUNTRY_CODES = frozenset(code.casefold() for code in NAMES) - {
    "in", "it", "no", "at", "be", "is", "id", "me", "my", "to", "so", "am", "an", "as", "or",
}  # fmt: skip
"""Two-letter codes read inside an exclusion ("outside the US and GB")."""


@lru_cache(maxsize=16)
def _segment_words_for(
    tiers: tuple[str, ...], owners: tuple[str, ...], tags: tuple[str, ...]
) -> frozenset[str]:
    names = {o.casefold().split("@")[0].split(".")[0].split(" ")[0] for o in owners}
    return frozenset(
        {*TYPE_WORDS, *STATUS_WORDS, *(t.casefold() for t in tiers), *COUNTRIES, "us",
         *_COUNTRY_CODES,
         *names, *(t.casefold() for t in tags), "partners", "partner", "my", "me", "mine",
         "book", "tagged", "managed", "owned"}
    )  # fmt: skip


def _segment_words(vocab: Vocabulary) -> frozenset[str]:
    """Words that name a segment value: types, statuses, tiers, countries, managers, tags,
    the asking person's own book."""
    return _segment_words_for(vocab.tiers, vocab.owners, vocab.tags)


_NEGATION_WORDS = frozenset(
    {"excluding", "exclude", "except", "excl", "without", "besides", "minus", "but", "not",
     "than", "other", "apart", "from", "arent", "isnt"}
)  # fmt: skip
_LEAD_FILLER = frozenset({"the", "in", "of", "for", "our", "any", "are", "is", "outside"})
_NEGATION_LEADS = frozenset({"excluding", "exclude", "except", "excl", "without", "besides",
                             "minus", "arent", "isnt"})  # fmt: skip


def _excluded_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Partners named after a negation ("excluding Northwind and Helios", "everyone but
    Northwind", "other than Helios"): left out, not asked about."""
    out: list[Mention] = []
    previous_out: Mention | None = None
    for m in sorted(mentions, key=lambda m: m.start):
        before = [t.key for t in doc.tokens[max(0, m.start - 2) : m.start]]
        lead = before[-1] if before else None
        pair = tuple(before[-2:])
        negated = lead in _NEGATION_LEADS or pair in {("but", "not"), ("other", "than"),
                                                      ("apart", "from")} or (
            lead == "but" and "everyone" in before)  # fmt: skip
        joined = previous_out is not None and all(
            t.key in {"and", "or", "nor"} for t in doc.tokens[previous_out.stop : m.start]
        )
        if negated or joined:
            out.append(m)
            previous_out = m
        else:
            previous_out = None
    return out


def _excluded_values(doc: Doc, span: tuple[int, int], vocab: Vocabulary) -> dict[str, list[str]]:
    """The segment values named inside an exclusion ("excluding affiliates and agencies")."""
    start, stop = span
    while start < stop and doc.tokens[start].key in _NEGATION_WORDS | _LEAD_FILLER:
        start += 1  # parse what is left out, not the words that say so
    tokens = [
        t if not t.key.startswith("non") or len(t.key) <= 3 else _without_non(t)
        for t in doc.tokens[start:stop]
    ]
    inner = Doc(text=doc.text, tokens=tokens)
    keys = set(inner.keys_list())
    mine = [vocab.me] if vocab.me and keys & {"my", "me", "mine"} else []
    tagged = Slots()
    read_tag_owner_key(inner, tagged, vocab.tags)
    known_tags = {t.casefold() for t in vocab.tags}
    values = {
        "owners": [*mine, *read_owners(inner, vocab.owners)],
        "tags": tagged.tags or [k for k in inner.free_keys() if k in known_tags],
        "tiers": read_tiers(inner, vocab.tiers),
        "types": read_all(read_type, inner),
        "statuses": read_all(read_status, inner),
        "countries": read_countries(inner) or _us(inner),
    }
    return {key: found for key, found in values.items() if found}


def _without_non(token: Token) -> Token:
    """'non-gold' read as 'gold' inside its exclusion."""
    return Token(raw=token.raw, norm=token.norm[3:], key=token.key[3:], start=token.start,
                 end=token.end)  # fmt: skip


def _us(doc: Doc) -> list[str]:
    """'outside the US' typed in lower case: inside an exclusion "us" is the country."""
    return ["US"] if "us" in doc.keys_list() else []


class _Taker:
    """Runs a slot reader and records the words it claimed, as typed, under the slot's name."""

    def __init__(self, doc: Doc, slots: Slots) -> None:
        self.doc = doc
        self.slots = slots

    def __call__(self, key: str, read: Callable[[], _T]) -> _T:
        before = list(self.doc.used)
        value = read()
        newly = [i for i, (was, now) in enumerate(zip(before, self.doc.used, strict=True))
                 if now and not was]  # fmt: skip
        if newly:
            self.slots.spans.setdefault(key, self.doc.raw_span(min(newly), max(newly) + 1))
        return value


_UNIT_RANGE = re.compile(
    r"^((?:q[1-4]|h[12]|[a-z]+)(?: \d{4})?) to ((?:q[1-4]|h[12]|[a-z]+)(?: \d{4})?)$"
)


def _unit_range_comparison(doc: Doc, slots: Slots) -> None:
    """'Revenue from Q1 to Q2' with a change word ('grew', 'change') compares Q2 with Q1;
    without one it is a single range (tools.periods reads 'q1 to q2')."""
    if slots.period is None or slots.compare_to is not None:
        return
    m = _UNIT_RANGE.match(slots.period)
    if m is None:
        return
    if CHANGE_WORDS & {k for k in doc.keys_list() if k}:
        earlier, later = m.group(1), m.group(2)
        year = re.search(r" (\d{4})$", later)
        if year and not re.search(r"\d{4}$", earlier):
            earlier = f"{earlier} {year.group(1)}"  # "from H1 to H2 2025": both in 2025
        slots.period, slots.compare_to = later, earlier


_SAME_UNIT_LAST_YEAR = re.compile(r"\bsame (month|quarter|week) (?:as |of )?(?:last|a) year\b")


def _same_unit_last_year(doc: Doc, slots: Slots) -> None:
    """'vs the same month last year': a comparison a year back, and, when neither this
    request nor the conversation names a period, that unit so far ('this month')."""
    m = _SAME_UNIT_LAST_YEAR.search(" ".join(doc.keys_list()))
    if m is not None:
        slots.compare_to = "last year"
        slots.same_unit = m.group(1)


def route(text: str, vocab: Vocabulary, previous: TurnState | None = None) -> Decision:
    """Plan one answer for `text`: a tool call, a clarifying question, help, or a refusal."""
    doc = tokenize(text)
    if is_write_request(doc):
        return Refuse(WRITE_TEXT)
    if is_greeting(doc):
        return Help(GREETING_TEXT if doc.tokens else HELP_TEXT)
    reading = _read(doc, vocab)
    decision = _decide(reading, vocab, previous)
    foreign = unread_words(reading.doc)
    if isinstance(decision, ToolCall):
        typed = " ".join(str(v).casefold() for v in decision.arguments.values())
        foreign = [w for w in foreign if w.casefold() not in typed]
    if other_language(reading.doc, foreign):
        return _other_language(reading, decision, vocab)
    if isinstance(decision, ToolCall) and not _TIME_ARGUMENTS & (
        set(decision.arguments) - {"period"}
    ):
        period = _unread_period(reading.doc)
        if period and "period" not in decision.arguments:
            decision.unplaced.append(
                Unplaced(period, "I couldn't read that as a period", key="period")
            )
        elif period:
            decision.unplaced.append(
                Unplaced(period, f"the answer covers {decision.arguments['period']}", key="period")
            )
        foreign = [w for w in foreign if w not in period.split()]
    if isinstance(decision, ToolCall) and foreign:
        decision.unplaced.append(
            Unplaced(", ".join(foreign), "I don't know those words in a question about the program")
            if len(foreign) > 1
            else Unplaced(foreign[0], "I don't know that word in a question about the program")
        )
    return decision


def _other_language(reading: Reading, decision: Decision, vocab: Vocabulary) -> Decision:
    """Offline, only English is read: say so, and offer the closest question we can read."""
    options: list[Option] = []
    slots = reading.slots
    if not isinstance(decision, ToolCall) and (slots.metric or slots.period or slots.n):
        # What could be read (a number, a metric word, a period) still makes a question.
        guess = _call(
            "leaderboard" if slots.n else "performance", reading.slot_args(), reading, vocab
        )
        decision = guess if isinstance(guess, ToolCall) else decision
    if isinstance(decision, ToolCall):
        options.append(Option(describe_call(decision.tool, decision.arguments), decision))
    elif reading.slots.partners:
        name = reading.slots.partners[0]
        label = example("performance", name)
        options.append(Option(label, route_option(label, vocab)))
    return Clarify(OTHER_LANGUAGE_TEXT, options or [Option(o) for o in NO_CONTEXT_OPTIONS])


_ROUTING_OPTION: ContextVar[bool] = ContextVar("routing_option", default=False)
"""Set while an option's own words are routed, so its options are not routed in turn (a
context variable: Slack handlers route on several threads at once)."""


def route_option(text: str, vocab: Vocabulary) -> ToolCall | None:
    """The call an option's words make, so a button can run it without re-reading text."""
    if _ROUTING_OPTION.get():
        return None
    token = _ROUTING_OPTION.set(True)
    try:
        decision = _decide(_read(tokenize(text), vocab), vocab, None)
    finally:
        _ROUTING_OPTION.reset(token)
    return decision if isinstance(decision, ToolCall) else None


def _options(labels: list[str], vocab: Vocabulary) -> list[Option]:
    return [Option(label, route_option(label, vocab)) for label in labels]


def _decide(reading: Reading, vocab: Vocabulary, previous: TurnState | None) -> Decision:
    intent, score, runner_up = reading.best
    slots = reading.slots
    has_slots = bool(reading.slot_args())

    if asks_for_help(reading.doc) and score < 4 and not slots.partners:
        return Help(HELP_TEXT)
    if slots.period == THAT_PERIOD:
        # "how did Northwind do in that period?": the period the conversation was about
        earlier = previous.arguments.get("period") if previous is not None else None
        slots.period = str(earlier) if earlier else None
        if earlier is None:
            slots.earlier_period = slots.spans.pop("period", THAT_PERIOD)
    if intent == "metric_share" and len(slots.metrics) >= 2:
        return _ratio_of_metrics(reading, vocab)

    if "both" in reading.doc.keys_list() and len(slots.partners) < 2:
        carried = previous.arguments.get("partners", []) if previous is not None else []
        if len(carried) < 2:
            return Clarify(
                "Which two partners do you mean by “both”? Name them, e.g. “Northwind and Helios”.",
                [],
            )
    prev_tool = previous.tool if previous is not None else None
    if prev_tool is not None and not _fields(prev_tool):
        prev_tool = None  # a turn that called nothing (or a tool since renamed) has no context
    if previous is not None and prev_tool is not None:
        earlier = list(previous.arguments.get("partners") or [])
        comparing = bool(_VERSUS & set(reading.doc.keys_list())) and not slots.compare_to
        if comparing and len(slots.partners) == 1 and earlier and earlier != slots.partners:
            # "compare it with Redwood Offers": the partner before, and the one named now
            carried = {k: v for k, v in previous.arguments.items() if k in ("period", "metric")}
            values = {**carried, **reading.slot_args()}
            values["partners"] = list(dict.fromkeys([*earlier, *slots.partners]))
            slots.partners = values["partners"]
            return _call("compare_partners", values, reading, vocab)
    if previous is not None and prev_tool is not None and _refines(reading, intent, prev_tool):
        return _merge(prev_tool, previous.arguments, reading, vocab)
    if previous is not None and prev_tool is not None:
        follow = reading.follow_marker
        if intent is None and (has_slots or reading.pronoun or reading.follow_marker):
            return _merge(prev_tool, previous.arguments, reading, vocab)
        if intent == prev_tool and follow:
            return _merge(prev_tool, previous.arguments, reading, vocab)
        if intent == "leaderboard" and score <= 4 and follow and "n" in _fields(prev_tool):
            # "top 3 only" after a list of prospects or movers trims that list.
            return _merge(prev_tool, previous.arguments, reading, vocab)
        if (
            intent is not None
            and (reading.pronoun or reading.follow_marker)
            and not (slots.partners or slots.application)
        ):
            carried = dict(previous.arguments)
            if "partner" in carried:
                carried["partners"] = [carried.pop("partner")]
            values = {**carried, **reading.slot_args()}
            if prev_tool == "qbr_summary" and intent == "draft_outreach":
                values.setdefault("purpose", "qbr_invite")
                if values["purpose"] == "recruit" and "invite" in reading.doc.keys_list():
                    values["purpose"] = "qbr_invite"
            return _call(intent, values, reading, vocab)

    if intent is None:
        return _fallback(reading, vocab)
    if score == runner_up:
        return _clarify_between(reading, vocab)
    if slots.application and intent in {"find_partner", "pending_applications"}:
        intent = "application_detail"
    if not slots.application and intent in {"find_partner", "pending_applications"}:
        # "the Kestrel application" names an application nobody knows: let the tool say so.
        typed = _application_subject(reading.doc)
        if typed is not None:
            return _call("application_detail", {"application": typed}, reading, vocab)
    if intent == "find_partner" and not slots.partners and reading.applicant:
        intent = "application_detail"
    return _call(intent, reading.slot_args(), reading, vocab)


REFINING_SCORE = 5
"""A follow-up whose own words ask for another tool less strongly than this (a bare "top",
"list") only changes the previous call's slots."""


def _refines(reading: Reading, intent: str | None, prev_tool: str) -> bool:
    """ "and in France?", "now by tier", "top 5 only", "the ones from last week?": a
    follow-up that only sets slots the previous tool takes is that call again, whatever
    tool its filter words alone would suggest."""
    if not reading.follow_marker or intent in (None, prev_tool):
        return False
    asked = {k for k in reading.slot_args() if k not in _IGNORABLE}
    if not asked:
        return False
    if not asked <= _takes(prev_tool):
        return False
    if intent in _SIGNALLED:
        return False  # "and what share of revenue is that?" asks for a share, by its words
    return own_score(reading.intent_keys, intent) < REFINING_SCORE


_SIGNALLED = frozenset({"metric_share", "best_period", "needs_attention"})
"""Intents recognised by a reader (share, extreme, attention) rather than phrase weights."""


def _takes(tool: str) -> frozenset[str]:
    """The slots `tool` can use: its argument names, plus the slots `_call` renames for it
    (named partners become a one-partner tool's `partner`; a period, the applications'
    submission period)."""
    extra = {"partners", "period"} if tool == "pending_applications" else {"partners"}
    return _fields(tool) | extra


_RATIO_OF: dict[frozenset[str], tuple[str, str]] = {
    frozenset({"payout", "revenue"}): ("roas", "revenue ÷ payout (ROAS)"),
    frozenset({"payout", "clicks"}): ("epc", "payout ÷ clicks (EPC)"),
    frozenset({"conversions", "clicks"}): ("conversion_rate", "conversions ÷ clicks"),
    frozenset({"revenue", "conversions"}): ("aov", "revenue ÷ conversions (AOV)"),
    frozenset({"reversals", "conversions"}): ("reversal_rate", "reversals ÷ conversions"),
}


def _ratio_of_metrics(reading: Reading, vocab: Vocabulary) -> Decision:
    """ "payout as a % of revenue": one metric over another is not a share of a segment.
    Where a ratio metric is that quotient (or its inverse), offer it; otherwise say so."""
    slots = reading.slots
    first, second = slots.metrics[:2]
    known = _RATIO_OF.get(frozenset({first, second}))
    words = f"{first.replace('_', ' ')} as a share of {second.replace('_', ' ')}"
    if known is None:
        return Clarify(f"I don't compute {words}; I can show each of them.", [])
    metric, meaning = known
    values = {**reading.slot_args(), "metric": metric}
    values.pop("count_only", None)
    tool = "performance_breakdown" if slots.by else "performance"
    call = _call(tool, values, reading, vocab)
    label = describe_call(tool, values) if isinstance(call, ToolCall) else meaning
    options = [Option(label, call)] if isinstance(call, ToolCall) else []
    return Clarify(
        f"I don't compute {words} directly; {meaning} is the same comparison, shown as "
        f"its own metric.",
        options,
    )


def _fallback(reading: Reading, vocab: Vocabulary) -> Decision:
    """No intent keyword: decide from the slots alone."""
    slots = reading.slots
    numbers = slots.metric or slots.period or slots.compare_to or slots.compare_default
    segment = any(getattr(slots, key) for key in Slots.SEGMENT) or bool(
        slots.excluding or slots.mine
    )
    if reading.follow_marker and not slots.partners and not numbers and not slots.tiers:
        return Clarify(NO_CONTEXT_QUESTION, _options(list(NO_CONTEXT_OPTIONS), vocab))
    if len(slots.partners) > 1 and not slots.metric:
        return _call("compare_partners", reading.slot_args(), reading, vocab)
    if slots.partners and slots.tiers and not numbers:
        return _call("find_partner", reading.slot_args(), reading, vocab)  # "is helios gold?"
    if slots.partners and not numbers:
        name = slots.partners[0]
        return Clarify(
            f"Do you want revenue for {name}, or its profile?",
            _options([example("performance", name), example("find_partner", name)], vocab),
        )
    if numbers and not (slots.metric or segment) and _stray_words(reading.doc):
        # Only a period was read, and the rest is words about something else ("what is
        # the weather today?"): not a question about the program's performance.
        return Refuse(OUT_OF_SCOPE_TEXT)
    if numbers:
        return _call("performance", reading.slot_args(), reading, vocab)
    if segment:
        return _call("list_partners", reading.slot_args(), reading, vocab)
    if slots.application:
        return _call("application_detail", reading.slot_args(), reading, vocab)
    if _DRAFT_VERBS & set(reading.doc.keys_list()) and reading.pronoun:
        # "draft something for them" with nothing before it: for whom?
        return _missing("draft_outreach", {}, vocab) or Refuse(OUT_OF_SCOPE_TEXT)
    return Refuse(OUT_OF_SCOPE_TEXT)


_DRAFT_VERBS = frozenset({"draft", "write", "email", "mail", "message"})


_PERIOD_WORDS = frozenset(
    {"day", "days", "week", "weeks", "month", "months", "quarter", "quarters", "year", "years",
     "next", "tomorrow", "upcoming", "coming", "fortnight", "weekend"}
)  # fmt: skip


_TIME_ARGUMENTS = frozenset({"days", "weeks", "since", "window", "compare_to", "quiet_days"})
"""Arguments that read a duration themselves ("quiet for 3 weeks")."""
_PERIOD_UNITS = _PERIOD_WORDS - {"next", "tomorrow", "upcoming", "coming"}


def _unread_period(doc: Doc) -> str:
    """Period words nobody read ("next month", "week 45", "Q5"), as typed; "" when none.
    Said back, so a period the reader couldn't place is never silently replaced."""
    words: list[str] = []
    tokens = list(zip(doc.tokens, doc.used, strict=True))
    for i, (token, used) in enumerate(tokens):
        if used or not token.key:
            continue
        key = token.key
        quarterish = len(key) == 2 and key[0] in "qhw" and key[1].isdigit()
        near_period = any(
            0 <= j < len(tokens) and not tokens[j][1] and tokens[j][0].key in _PERIOD_WORDS
            for j in (i - 1, i + 1)
        )
        if key in _PERIOD_WORDS or quarterish or (key.isdigit() and near_period):
            words.append(token.raw)
    if not any(w.casefold() in _PERIOD_UNITS or len(w) == 2 for w in words):
        return ""
    return " ".join(words)


def _stray_words(doc: Doc) -> list[str]:
    """Unread words the router has no meaning for, common English included."""
    return [
        token.raw
        for token, used in zip(doc.tokens, doc.used, strict=True)
        if not used
        and token.key.isalpha()
        and len(token.key) >= 3
        and token.key not in KNOWN_WORDS
        and token.key not in FILLER_WORDS
        and token.key not in PRONOUNS
        and token.key not in _HOW_IT_WENT
    ]


_HOW_IT_WENT = frozenset(
    {"happen", "happened", "happening", "went", "go", "going", "look", "looks", "looking",
     "score", "scores", "result", "results", "update", "recap", "overview", "summary",
     "picture", "story", "things", "stuff", "numbers", "figures", "stats", "data"}
)  # fmt: skip
"""Words that ask how a period went: with only a period read, still a performance question."""


def _clarify_between(reading: Reading, vocab: Vocabulary) -> Clarify:
    """Two intents scored the same: ask which, offering one request for each."""
    ranked = sorted(reading.scores.items(), key=lambda kv: -kv[1])
    top = [name for name, s in ranked if s == ranked[0][1]][:3]
    question = "Do you want " + ", or ".join(INTENT_LABELS[name] for name in top) + "?"
    slots = reading.slots
    labels = [example(name, slots.partner, slots.partners) for name in top]
    return Clarify(question, _options(labels, vocab))


def _which_partner(tool: str, partners: list[str], vocab: Vocabulary) -> Clarify:
    names = partners[:3]
    return Clarify(
        "Which partner do you mean: " + " or ".join(names) + "?",
        _options([example(tool, name) for name in names], vocab),
    )


def _merge(tool: str, arguments: dict[str, Any], reading: Reading, vocab: Vocabulary) -> Decision:
    """The previous call again, with whatever this follow-up names replaced."""
    base = {k: v for k, v in arguments.items() if v not in (None, [], "")}
    if "partner" in base and tool in ONE_PARTNER_TOOLS:
        base["partners"] = [base.pop("partner")]
    new = reading.slot_args()
    fields = _takes(tool)
    asked = {k for k in new if k not in _IGNORABLE}
    if tool in ("leaderboard", "top_movers") and len(reading.slots.partners) == 1:
        # "what about Coral Circle?" after a ranking: that partner's figures, not a ranking of one
        carried = {k: v for k, v in base.items() if k in ("period", "metric", "compare_to")}
        return _call("performance", {**carried, **new}, reading, vocab)
    if tool == "compare_partners" and reading.slots.metric and not reading.slots.partners:
        # "which one has the better EPC?" ranks the compared partners by that metric.
        compared = list(base.get("partners", []))
        values = {**base, **new, "partners": compared, "n": max(2, len(compared))}
        return _call("leaderboard", values, reading, vocab)
    if asked and not all(k in fields for k in asked) and tool in _NO_FIGURE_TOOLS:
        # "revenue ytd?" after a profile: the same subject, but a question about numbers.
        # After a figures tool the call stays, and what it can't take is said in a note.
        names_subject = any(k in new for k in _SUBJECT)
        subject = {} if names_subject else {k: v for k, v in base.items() if k in _SUBJECT}
        if reading.slots.metric or reading.slots.period or reading.slots.compare_to:
            return _call("performance", {**subject, **new}, reading, vocab)
    if tool in _SUBJECT_TOOLS and any(k in new for k in _SUBJECT):
        base = {k: v for k, v in base.items() if k not in _SUBJECT}
    if tool == "leaderboard" and "n" in new and "order" not in new:
        base.pop("order", None)
    if RELATIVE_PERIOD.match(new.get("period", "")):
        anchor = base.get("period") or ("last quarter" if tool == "qbr_summary" else None)
        if anchor:
            new["period"] = f"{new['period']} {anchor}"  # "quarter before last quarter"
    return _call(tool, {**base, **new}, reading, vocab)


_NO_FIGURE_TOOLS = frozenset(
    {"find_partner", "list_partners", "application_detail", "pending_applications",
     "draft_outreach", "draft_content"}
)  # fmt: skip
"""Tools that show no figures: a follow-up asking for a metric or a period moves on to the
same subject's performance."""

_IGNORABLE = frozenset({"days", "count_only", "purpose", "format", "sort"})
"""Slots read from words that also serve another slot ("last 3 weeks" is a period and a
day count; "quiet" a purpose and a question): used only where the tool takes them."""


def _call(tool: str, values: dict[str, Any], reading: Reading, vocab: Vocabulary) -> Decision:
    """The call for `tool` from the query's values, mapped onto the tool's argument model;
    what the model has no field for comes back as `unplaced`, never dropped in silence."""
    tool, values = _choose_tool(tool, dict(values), reading)
    question = _needs_partners(tool, values, reading, vocab)
    if question is not None:
        return question
    values = _fill(tool, values, reading, vocab)
    if "by_tag" in values:
        tags = [t for t in vocab.tags][:3]
        labels = [f"Revenue of partners tagged {t} last month" for t in tags] or ["Partners by tag"]
        return Clarify(
            "Figures aren't split by tag: a partner can carry several tags, so the groups "
            "would overlap. Ask for one tag's partners, or count partners per tag.",
            _options([*labels, "Partners by tag"] if tags else labels, vocab),
        )
    _drop_inherent(tool, values, reading.slots)
    fields = _fields(tool)
    args: dict[str, Any] = {}
    unplaced: list[Unplaced] = []
    said = set(reading.slot_args()) | {"goal", "joined", "submitted", "application", "by_tag"}
    for key, value in values.items():
        if key in fields:
            args[key] = value
        elif key in said and key not in _IGNORABLE:
            # Carried from the previous turn and not taken here: not something asked now.
            slots = reading.slots
            unplaced.append(Unplaced(_said(slots, key, value), unplaced_reason(tool, key), key=key))
    missing = _missing(tool, args, vocab)
    if missing is not None:
        return missing
    return ToolCall(tool, args, unplaced)


def _choose_tool(tool: str, values: dict[str, Any], reading: Reading) -> tuple[str, dict[str, Any]]:
    """The tool the words' shape calls for when the intent's keywords named a neighbour:
    two partners compared, groups ranked or set side by side, a share split by group."""
    slots = reading.slots
    words = set(reading.doc.keys_list())
    if len(slots.partners) > 1 and tool == "performance":
        tool = "compare_partners"  # "how did northwind and helios do last month?"
    if (
        tool == "performance_breakdown"
        and not (slots.metric or slots.period)
        and slots.by in ("owner", "tier", "country", "commission_model", "tag")
        and PARTNER_NOUNS & words
    ):
        tool = "list_partners"  # "partners per manager" counts partners, it sums nothing
    several = next((d for d in _GROUP_OF if len(values.get(d) or []) >= 2), None)
    versus = bool(_VERSUS & words) or slots.group is not None
    if several and versus and not slots.partners and tool in _SIDE_BY_SIDE:
        # "gold vs silver last month, which tier did better?": the groups side by side
        tool, values = "performance_breakdown", _groups(values, _GROUP_OF[several])
    if tool == "metric_share" and slots.by:
        tool = "performance_breakdown"  # "q2 revenue share by tier": the split has shares
    if tool == "performance_breakdown" and words & APPLICATION_NOUNS:
        tool = "pending_applications"  # "applications by type": the queue, said as such
    if tool == "top_movers" and not (slots.by or slots.group) and words & {"partners", "partner"}:
        values.pop("by", None)  # "which of those partners dropped most?" ranks partners
    if slots.group and not slots.by and tool == "top_movers":
        values = {**values, "by": slots.group}  # "which tier's revenue shrank most"
    if slots.group and not slots.by and tool == "leaderboard":
        tool, values = "performance_breakdown", _groups(values, slots.group)
    return tool, values


def _groups(values: dict[str, Any], by: str) -> dict[str, Any]:
    """A ranking of groups as a breakdown: every group is shown, so no count or order."""
    return {**{k: v for k, v in values.items() if k not in ("n", "order")}, "by": by}


def _needs_partners(
    tool: str, values: dict[str, Any], reading: Reading, vocab: Vocabulary
) -> Clarify | None:
    """A comparison needs two partners, a one-partner tool (or a QBR) exactly one."""
    slots = reading.slots
    if tool == "compare_partners":
        if len(slots.partners) > 1:
            values["partners"] = list(slots.partners)
        if len(values.get("partners", [])) < 2:
            labels = (
                [example("compare_partners", partners=vocab.partner_names[:2])]
                if len(vocab.partner_names) > 1
                else ["List all partners"]
            )
            return Clarify(
                "Which partners should I compare? Name two or more.", _options(labels, vocab)
            )
    if len(slots.partners) > 1 and tool in ONE_PARTNER_TOOLS | {"qbr_summary"}:
        return _which_partner(tool, slots.partners, vocab)  # one QBR is about one partner
    return None


def _fill(tool: str, values: dict[str, Any], reading: Reading, vocab: Vocabulary) -> dict[str, Any]:
    """Values moved to the argument the tool calls them by: the one partner of a profile,
    a join date, a submission period, a goal picked by its name's words, a look-back."""
    slots = reading.slots
    values = dict(values)
    if tool in ONE_PARTNER_TOOLS and values.get("partners"):
        values["partner"] = values.pop("partners")[0]
    if tool in {"find_partner", "application_detail"} and not (
        {"partner", "application"} & values.keys()
    ):
        typed = _typed_name(reading.doc)
        if typed is not None:
            values["partner" if tool == "find_partner" else "application"] = typed
    if tool == "goal_progress" and not ({"partners", "tiers", "goal"} & values.keys()):
        keys = [k for k in reading.doc.free_keys() if k] + _slot_words(slots)
        partner_words = frozenset(fold(name.split()[0]) for name in vocab.partner_names if name)
        goal = match_goal(keys, vocab.goal_names, partner_words, {fold(t) for t in vocab.tiers})
        if goal:
            values["goal"] = goal
    if tool == "list_partners" and values.get("by") in ("type", "status"):
        values.pop("by")  # type and status counts are in every list already
    if tool == "list_partners" and "period" in values and slots.joined:
        values["joined"] = values.pop("period")  # "who joined this year"
    if tool == "pending_applications" and "period" in values:
        values["submitted"] = values.pop("period")  # "applications from the last 10 days"
    if tool == "quiet_partners" and "days" not in values and slots.days:
        values["days"] = slots.days
    if slots.same_unit and "period" not in values and "period" in _fields(tool):
        values["period"] = f"this {slots.same_unit}"  # "vs the same month last year"
    if slots.pop_unit and "period" not in values and "period" in _fields(tool):
        values["period"] = f"this {slots.pop_unit}"  # "revenue week over week"
    unit = re.fullmatch(r"last (week|month|quarter)", str(values.get("compare_to", "")))
    if unit and "period" not in values and "period" in _fields(tool) and tool != "qbr_summary":
        # "dropped most vs last month": this month so far against last month's same days,
        # never a rolling 30 days that overlaps last month
        values["period"] = f"this {unit.group(1)}"
    if values.get("by") == "tag" and tool != "list_partners":
        # A partner carries several tags, so sums per tag would overlap: said, not split.
        values["by_tag"] = values.pop("by")
        slots.spans.setdefault("by_tag", slots.spans.get("by", "by tag"))
    return values


_INHERENT_METRICS: dict[str, frozenset[str]] = {
    "reversal_anomalies": frozenset({"reversals", "reversal_rate"}),
    "quiet_partners": frozenset({"conversions", "revenue"}),
}
"""Metrics a tool is about by definition: "reversal spikes" names reversals, "no sales"
conversions; saying the tool didn't apply them would be noise."""
_INHERENT_STATUSES: dict[str, frozenset[str]] = {
    "pending_applications": frozenset({"applied"}),
    "application_detail": frozenset({"applied"}),
    "recruitment_priorities": frozenset({"prospect"}),
}


def _drop_inherent(tool: str, values: dict[str, Any], slots: Slots) -> None:
    """Remove values the chosen tool answers by its nature, so they aren't called unplaced."""
    if values.get("metric") in _INHERENT_METRICS.get(tool, frozenset()):
        values.pop("metric")
    statuses = values.get("statuses")
    if statuses and set(statuses) <= _INHERENT_STATUSES.get(tool, frozenset()):
        values.pop("statuses")
    if tool == "goal_progress" and values.get("goal"):
        # "the q3 revenue goal", "active partners goal": words that picked the goal by its
        # name are placed in `goal`, not filters the tool should apply again.
        name = fold(str(values["goal"]))
        for key in ("metric", "statuses", "period", "tiers"):
            said = fold(slots.spans.get(key, ""))
            if key in values and said and all(word in name for word in said.split()):
                values.pop(key)
    if tool == "quiet_partners" and slots.days and "period" in values:
        values.pop("period")  # "quiet in the last 30 days" is the look-back, read as days


_GROUP_OF = {
    "tiers": "tier", "types": "type", "countries": "country", "owners": "owner",
    "statuses": "status", "commission_models": "commission_model",
}  # fmt: skip
"""A segment dimension and the breakdown that shows its values side by side."""
_VERSUS = frozenset({"vs", "versus", "compare", "compared", "comparing", "against"})
_SIDE_BY_SIDE = frozenset({"compare_partners", "find_partner", "leaderboard", "performance"})


def _said(slots: Slots, key: str, value: Any) -> str:
    """The words a slot came from, as typed, or its value when it was carried over."""
    if key in slots.spans:
        return slots.spans[key]
    if key == "count_only":
        return "how many"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


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
    words.extend(slots.statuses)
    return words


def _missing(tool: str, args: dict[str, Any], vocab: Vocabulary) -> Clarify | None:
    """A question for a required value the request left out, or None."""
    if tool in {"draft_outreach", "draft_content", "find_partner"} and "partner" not in args:
        return Clarify(
            missing_partner_question(tool),
            _options([example(tool, name) for name in vocab.partner_names[:3]], vocab),
        )
    if tool == "draft_outreach" and "purpose" not in args:
        partner = args["partner"]
        return Clarify(
            f"What should the email to {partner} do?",
            _options([text.format(p=partner) for text in PURPOSE_OPTIONS.values()], vocab),
        )
    if tool == "draft_content" and "format" not in args:
        partner = args["partner"]
        return Clarify(
            f"What should I draft with {partner}?",
            _options([text.format(p=partner) for text in FORMAT_OPTIONS.values()], vocab),
        )
    if tool == "application_detail" and "application" not in args:
        return Clarify(
            "Which application? Give the applicant's name or the application key.",
            _options([example("pending_applications")], vocab),
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
