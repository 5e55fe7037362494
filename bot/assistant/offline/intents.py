"""Intent scoring for the offline router: weighted phrase hits, nudged by the slots found.

Also the two checks that come before any scoring: requests to change something (which the
router refuses, whatever else they say) and greetings / requests for help.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assistant.offline.lexicon import (
    ALWAYS_WRITE,
    APPLICATION_NOUNS,
    BREAKDOWN_PHRASES,
    CHANGE_VERBS,
    GREETING_WORDS,
    HELP_PHRASES,
    INTENT_PHRASES,
    KNOWN_WORDS,
    METRIC_PHRASES,
    PARTNER_NOUNS,
    POLITE_LEAD,
    STATE_OBJECTS,
    WRITE_VERBS,
)
from bot.assistant.offline.slots import Slots
from bot.assistant.offline.text import Doc, find_phrase

_METRIC_WORDS = frozenset(w for ps in METRIC_PHRASES.values() for p in ps for w in p) - {
    "of", "no", "how", "many", "number", "count",
}  # fmt: skip
"""Words that name a metric ("number of sales" names one, but "of" alone does not)."""
_NO_PARTNER_TOOLS = (
    "leaderboard", "pending_applications", "quiet_partners", "top_movers",
    "recruitment_priorities", "list_partners", "reversal_anomalies", "performance_breakdown",
)  # fmt: skip
"""Tools that cannot be about one partner; naming a partner makes them less likely."""
_FIGURE_TOOLS = (
    "performance", "leaderboard", "performance_series", "performance_breakdown", "top_movers",
    "goal_progress", "qbr_summary", "compare_partners", "quiet_partners", "reversal_anomalies",
    "draft_outreach", "draft_content", "find_partner", "recruitment_priorities",
)  # fmt: skip
_MORE_OR_LESS = frozenset({"higher", "lower", "bigger", "smaller", "raise", "bonus"})
_STATE_VALUES = frozenset(
    {"gold", "silver", "bronze", "platinum", "tier", "active", "paused", "pause", "inactive",
     "churned", "approved", "rejected", "owner", "manager"}
)  # fmt: skip
"""Words that make "make/turn/put X …" a change of a partner's record."""
_NOUN_DETERMINERS = frozenset({"the", "a", "an", "any", "biggest", "big", "no", "recent"})


def _clauses(doc: Doc) -> list[list[str]]:
    """Token keys split where the text has a sentence or clause break (. , ; ! ? newline)."""
    clauses: list[list[str]] = [[]]
    for i, token in enumerate(doc.tokens):
        if i and any(ch in ".,;!?:\n" for ch in doc.text[doc.tokens[i - 1].end : token.start]):
            clauses.append([])
        clauses[-1].append(token.key)
    return clauses


def is_write_request(doc: Doc) -> bool:
    """Approve/reject anywhere, or an imperative change ("pause cashback kings", "set …")."""
    keys = [t.key for t in doc.tokens]
    if any(k in ALWAYS_WRITE for k in keys):
        return True
    if "ignore" in keys and ("instructions" in keys or "previous" in keys):
        return True
    for clause in _clauses(doc):
        lead = next((i for i, k in enumerate(clause) if k not in POLITE_LEAD), None)
        if lead is None or clause[lead] not in WRITE_VERBS:
            continue
        following = clause[lead + 1] if lead + 1 < len(clause) else None
        if clause[lead] in {"update", "move"} and following in {"on", "for", None}:
            continue  # "update on northwind?", "move on, …" ask for nothing to change
        return True
    for clause in _clauses(doc):
        lead = next((i for i, k in enumerate(clause) if k not in POLITE_LEAD), None)
        if lead is None or clause[lead] not in {"make", "give", "turn", "put"}:
            continue
        rest = set(clause[lead + 1 :])
        to_them = lead + 1 < len(clause) and clause[lead + 1] not in {"me", "us"}
        if clause[lead] == "give" and to_them and rest & _MORE_OR_LESS and rest & STATE_OBJECTS:
            return True  # "give Helios a higher commission rate"
        if clause[lead] in {"make", "turn", "put"} and rest & _STATE_VALUES:
            return True  # "make Orbit a gold partner", "put Lumen on pause"
    for i, key in enumerate(keys):
        verb = key in CHANGE_VERBS and (i == 0 or keys[i - 1] not in _NOUN_DETERMINERS)
        if verb and any(k in STATE_OBJECTS for k in keys[i + 1 :]):
            return True
    return False


def is_greeting(doc: Doc) -> bool:
    """A bare "?", an emoji, or only greetings and thanks ("hey there 👋", "thanks!")."""
    return all(t.key in GREETING_WORDS for t in doc.tokens)


def asks_for_help(doc: Doc) -> bool:
    """Asks what the assistant can do ("help", "what kind of questions can I ask")."""
    keys: list[str | None] = [t.key for t in doc.tokens]
    return any(find_phrase(keys, phrase) >= 0 for phrase in HELP_PHRASES)


@dataclass
class Signals:
    """What besides keywords steers the choice of intent."""

    named_partner: bool
    """A partner (known, ambiguous or unknown-but-capitalised) is named."""
    named_application: bool
    how_many: str | None
    """"partners", "applications" or "metric": what a "how many …" question counts."""
    terms_question: bool = False
    """Asks about a partner's deal ("what's the commission for Lumen?"): its profile."""
    extreme: bool = False
    """Asks for the best/worst day, week or month of a metric."""
    share: bool = False
    """Asks for a part's share of a total."""
    attention: bool = False
    """Asks what needs attention."""
    overlap: bool = False
    """Asks to rank by audience overlap."""


def how_many_target(doc: Doc) -> str | None:
    """What "how many …" / "number of …" counts: partners, applications or a metric."""
    keys = [t.key for t in doc.tokens]
    for i in range(len(keys) - 1):
        if (keys[i], keys[i + 1]) not in {("how", "many"), ("number", "of"), ("count", "of")}:
            continue
        window = keys[i + 2 : i + 6]
        if any(key in APPLICATION_NOUNS for key in window):
            return "applications"  # "how many affiliate applications": not affiliates
        for key in window:
            if key in _METRIC_WORDS:
                return "metric"
            if key in PARTNER_NOUNS:
                return "partners"
        return "unspecified"
    return None


_SLOT_PHRASES = frozenset(p for phrases in BREAKDOWN_PHRASES.values() for p in phrases)


def own_score(keys: list[str | None], intent: str) -> int:
    """How strongly the words themselves ask for `intent`, leaving out phrases that only
    name a slot ("by tier") and the nudges filters give: "now by tier" or "and in France?"
    after a question is that question again with a new slot, not a new question."""
    local = list(keys)
    score = 0
    for phrase, weight in sorted(
        INTENT_PHRASES.get(intent, {}).items(), key=lambda kv: -len(kv[0])
    ):
        if phrase in _SLOT_PHRASES:
            continue
        at = find_phrase(local, phrase, KNOWN_WORDS)
        if at >= 0:
            score += weight
            for j in range(at, at + len(phrase)):
                local[j] = None
    return score


def score_intents(keys: list[str | None], slots: Slots, signals: Signals) -> dict[str, int]:
    """Each intent's score: its phrase hits (longest first, each word used once) plus nudges."""
    scores: dict[str, int] = dict.fromkeys(("best_period", "metric_share", "needs_attention"), 0)
    for intent, table in INTENT_PHRASES.items():
        local = list(keys)
        score = strongest = 0
        for phrase in sorted(table, key=len, reverse=True):
            at = find_phrase(local, phrase, KNOWN_WORDS)
            if at >= 0:
                score += table[phrase]
                strongest = max(strongest, table[phrase])
                for j in range(at, at + len(phrase)):
                    local[j] = None
        # "write"/"draft" alone ("write me a poem") is not a request for a partner draft.
        weak_draft = intent in {"draft_outreach", "draft_content"} and strongest < 3
        scores[intent] = 0 if weak_draft else score

    present = {k for k in keys if k}
    if "invite" in present and present & {"qbr", "qbrs", "quarterly", "review"}:
        scores["draft_outreach"] += 6
    if signals.named_partner:
        for intent in ("find_partner", "draft_outreach", "draft_content", "qbr_summary"):
            if scores[intent]:
                scores[intent] += 2
        for intent in _NO_PARTNER_TOOLS:
            scores[intent] = max(0, scores[intent] - 3)
    if signals.named_application:
        scores["application_detail"] += 8
    if signals.terms_question:
        scores["find_partner"] += 6
    # A comparison needs two partners ("compare revenue to last year" is performance); with
    # two, a performance question is one ("how did northwind and atlas do?").
    if len(slots.partners) > 1:
        scores["compare_partners"] += 4 + scores["performance"]
        scores["performance"] = 0
    elif slots.partners or slots.metric or slots.period or slots.compare_to:
        scores["compare_partners"] = 0  # one subject compared over time, not partners
    # With nothing named ("compare partners") the phrase stands and the router asks which.
    if slots.metric:
        for intent in (
            "performance", "leaderboard", "performance_series", "top_movers",
            "performance_breakdown",
        ):  # fmt: skip
            if scores[intent]:
                scores[intent] += 1
    ranked = bool(present & {"top", "bottom", "best", "worst", "highest", "lowest"})
    figures = bool(present & {"doing", "performing", "perform", "trending", "going", "did"})
    if (scores["list_partners"] or not signals.named_partner) and not (ranked or figures):
        # "top revshare partners tagged loyalty" ranks that segment; filters alone list it.
        filters = [slots.statuses, slots.countries, slots.tags, slots.owners,
                   slots.commission_models]  # fmt: skip
        scores["list_partners"] += 3 * sum(1 for f in filters if f)
    asks_figures = slots.metric or (slots.period and not slots.joined)
    if asks_figures and signals.how_many != "partners" and scores["list_partners"] > 2:
        # "revenue of Silver content partners in France last quarter" asks for figures; a
        # list has none, and its period would be read as a join date.
        scores["list_partners"] = 2
        if not any(scores[i] for i in _FIGURE_TOOLS):
            scores["performance"] += 3
    if scores["top_movers"] >= 6 and slots.by:
        scores["top_movers"] += 2  # "whose book shrank most", "movers by owner": movers of groups
    if signals.extreme:
        scores["best_period"] += 12
    if signals.share:
        scores["metric_share"] += 9
    if signals.attention:
        scores["needs_attention"] += 9
    if signals.overlap:
        scores["list_partners"] += 6
    if signals.how_many == "partners":
        scores["list_partners"] += 8
    elif signals.how_many == "applications":
        scores["pending_applications"] += 8
    elif signals.how_many == "metric" and not any(
        scores[i] for i in ("leaderboard", "performance_series", "top_movers")
    ):
        scores["performance"] += 3
    return scores
