"""Name spotting: which partner, applicant or goal a request mentions, without a database.

Mentions are fuzzy-matched n-grams (1–4 tokens) against the vocabulary's names, their
leading words ("smith and sons", "golden gate") and their first word ("northwind"). A
mention that fits several names equally ("brightwave") is passed on as typed so the tool
asks "did you mean …"; a capitalised unknown name after "for/did/about…" is passed on as
typed so the tool says it couldn't find it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.assistant.offline.lexicon import KNOWN_WORDS, STOPWORDS, TIME_WORDS
from bot.assistant.offline.text import (
    FUZZY_MIN_LEN,
    FUZZY_RATIO,
    Doc,
    is_latin,
    tokenize,
    transliterate,
)

MULTI_WORD_RATIO = 88.0


@dataclass(frozen=True)
class Mention:
    start: int
    stop: int
    names: tuple[str, ...]
    """Canonical names the mention fits best (one, or several when ambiguous)."""
    typed: str

    @property
    def value(self) -> str:
        """What a tool should receive: the canonical name, or the text as typed if ambiguous."""
        return self.names[0] if len(self.names) == 1 else self.typed


def _name_tokens(name: str) -> list[str]:
    return [t.norm for t in tokenize(name).tokens]


class NameIndex:
    """Comparable forms of a list of names: full, leading words, first word, run together."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.multi: list[tuple[str, str]] = []
        """(key of two or more words, canonical name)."""
        self.single: list[tuple[str, str]] = []
        """(one-word key, canonical name)."""
        for name in names:
            tokens = _name_tokens(name)
            variants = [tokens]
            latin = [transliterate(t) for t in tokens]
            if latin != tokens:
                variants.append(latin)
            for words in variants:
                if not words:
                    continue
                self.single.append(("".join(words), name))
                for k in range(2, len(words) + 1):
                    self.multi.append((" ".join(words[:k]), name))
                for i, word in enumerate(words):
                    if word in KNOWN_WORDS:
                        continue
                    # First words name a partner alone ("northwind"); later words only when
                    # not Latin ("뷰티랩"), as English later words are often plain nouns.
                    first = i == 0 and (len(word) >= 3 or not is_latin(word))
                    if first or (not is_latin(word) and len(word) >= 2):
                        self.single.append((word, name))

    def _match_multi(self, text: str) -> tuple[float, set[str]]:
        best, names = 0.0, set()
        size = text.count(" ")
        for key, name in self.multi:
            if key.count(" ") != size:
                continue
            score = 100.0 if key == text else fuzz.ratio(text, key)
            if score < MULTI_WORD_RATIO:
                continue
            if score > best:
                best, names = score, {name}
            elif score == best:
                names.add(name)
        return best, names

    def _match_single(self, word: str) -> tuple[float, set[str]]:
        exact = {name for key, name in self.single if key == word}
        if exact:
            return 100.0, exact
        if word in KNOWN_WORDS or len(word) < FUZZY_MIN_LEN:
            return 0.0, set()
        best, names = 0.0, set()
        for key, name in self.single:
            if len(key) < FUZZY_MIN_LEN:
                continue
            score = fuzz.ratio(word, key)
            if score < FUZZY_RATIO:
                continue
            if score > best:
                best, names = score, {name}
            elif score == best:
                names.add(name)
        if best and _closest_known(word) >= best:
            return 0.0, set()
        return best, names

    def spot(self, doc: Doc) -> list[Mention]:
        """Non-overlapping mentions among free tokens, longest and closest first."""
        found: list[tuple[int, float, int, int, set[str]]] = []
        tokens = doc.tokens
        for n in range(4, 0, -1):
            for i in range(len(tokens) - n + 1):
                if any(doc.used[i : i + n]):
                    continue
                words = [t.norm for t in tokens[i : i + n]]
                if n > 1:
                    if words[0] in STOPWORDS or words[-1] in STOPWORDS:
                        continue
                    if all(w in KNOWN_WORDS for w in words):
                        continue
                    score, names = self._match_multi(" ".join(words))
                    run_together = "".join(words)
                    jnames = {name for key, name in self.single if key == run_together}
                    if jnames:
                        score, names = 100.0, jnames
                else:
                    score, names = self._match_single(words[0])
                    latin = transliterate(words[0])
                    if latin != words[0]:
                        lscore, lnames = self._match_single(latin)
                        if lscore > score:
                            score, names = lscore, lnames
                if names:
                    found.append((n, score, i, i + n, names))
        found.sort(key=lambda f: (-f[0], -f[1], f[2]))
        taken = [False] * len(tokens)
        mentions: list[Mention] = []
        for _, _, start, stop, names in found:
            if any(taken[start:stop]):
                continue
            for j in range(start, stop):
                taken[j] = True
            ordered = tuple(n for n in self.names if n in names)
            mentions.append(Mention(start, stop, ordered, doc.raw_span(start, stop)))
        mentions.sort(key=lambda m: m.start)
        return mentions


def _closest_known(word: str) -> float:
    """How close a (possibly misspelt) word is to router vocabulary ("revnue" -> revenue)."""
    best = 0.0
    for known in KNOWN_WORDS:
        if len(known) >= FUZZY_MIN_LEN:
            best = max(best, fuzz.ratio(word, known))
    return best if best >= FUZZY_RATIO else 0.0


_NAME_TRIGGERS = frozenset(
    {"for", "did", "does", "about", "from", "to", "with", "is", "on", "at", "of", "called"}
)


def _is_name_word(raw: str, norm: str) -> bool:
    return raw[:1].isupper() and norm not in KNOWN_WORDS and norm != "i"


_LOWERCASE_TRIGGERS = frozenset({"for", "from", "did", "does", "with"})


def _is_unknown_word(norm: str) -> bool:
    """A lowercase word that is no vocabulary, nor a misspelling of it ("acme", not "revnue")."""
    return (
        len(norm) >= 3 and norm.isalpha() and norm not in KNOWN_WORDS and not _closest_known(norm)
    )


def unknown_name(doc: Doc) -> Mention | None:
    """A name nobody knows after "for/did/about…" ("how did Zzyzx Holdings do").

    Capitalised words count after any of the triggers; lowercase ones ("revenue for acme")
    only after "for/from/did/does/with" and only when they are no router vocabulary.
    """
    tokens = doc.tokens
    for i in range(len(tokens) - 1):
        if tokens[i].norm not in _NAME_TRIGGERS or doc.used[i + 1]:
            continue
        start = i + 1
        if not _is_name_word(tokens[start].raw, tokens[start].norm):
            if tokens[i].norm in _LOWERCASE_TRIGGERS and _is_unknown_word(tokens[start].norm):
                stop = start + 1
                while (
                    stop < len(tokens)
                    and not doc.used[stop]
                    and _is_unknown_word(tokens[stop].norm)
                ):
                    stop += 1
                return Mention(start, stop, (), doc.raw_span(start, stop))
            continue
        stop = start + 1
        while stop < len(tokens) and not doc.used[stop]:
            raw = tokens[stop].raw
            if raw == "&" or (raw[:1].isupper() and tokens[stop].norm not in TIME_WORDS):
                stop += 1
            else:
                break
        while stop - 1 > start and _trailing_generic(tokens[stop - 1].raw, tokens[stop - 1].norm):
            stop -= 1
        return Mention(start, stop, (), doc.raw_span(start, stop))
    return None


COMPANY_WORDS = frozenset(
    {"media", "partners", "group", "co", "inc", "ltd", "llc", "gmbh", "studios", "studio",
     "network", "agency", "labs", "reviews", "deals", "digital", "company", "holdings"}
)  # fmt: skip
"""Words that end company names ("Zenith Media"): kept when typed capitalised."""


def _trailing_generic(raw: str, norm: str) -> bool:
    """A last word to drop from an unknown name: vocabulary, unless a capitalised company word."""
    if norm in COMPANY_WORDS and raw[:1].isupper():
        return False
    return norm in KNOWN_WORDS | {"and"}


_SUBJECT_FRAMES = (
    (("how", "did"), frozenset({"do", "perform", "go", "get"})),
    (("how", "does"), frozenset({"look", "perform", "compare"})),
    (("how", "is"), frozenset({"doing", "performing", "going", "looking", "trending"})),
    (("how", "are"), frozenset({"doing", "performing", "going", "looking", "trending"})),
    (("how", "has"), frozenset({"done", "performed", "been"})),
)


def subject_name(doc: Doc) -> Mention | None:
    """The unknown words in "how did <X> do" / "how is <X> doing", as typed ("seoul beauty lab")."""
    keys = [t.key for t in doc.tokens]
    for lead, verbs in _SUBJECT_FRAMES:
        for i in range(len(keys) - len(lead)):
            if tuple(keys[i : i + len(lead)]) != lead:
                continue
            start = i + len(lead)
            stop = next((j for j in range(start, len(keys)) if keys[j] in verbs), None)
            if stop is None or stop == start or any(doc.used[start:stop]):
                continue
            while start < stop and keys[start] in STOPWORDS:
                start += 1
            if start == stop or any(keys[j] in KNOWN_WORDS for j in range(start, stop)):
                continue
            return Mention(start, stop, (), doc.raw_span(start, stop))
    return None


def trailing_name(doc: Doc, after: int) -> Mention | None:
    """Whatever follows a "who is"/"tell me about" lead, as typed, when it is not vocabulary."""
    words = [
        i
        for i in range(after, len(doc.tokens))
        if not doc.used[i] and doc.tokens[i].norm not in STOPWORDS
    ]
    if not words:
        return None
    start, stop = words[0], words[-1] + 1
    if all(doc.tokens[i].norm in KNOWN_WORDS for i in words):
        return None
    return Mention(start, stop, (), doc.raw_span(start, stop))


# ------------------------------------------------------------------ goals

_GOAL_FILLER = frozenset({"goal", "goals", "target", "targets", "our", "the"})
_GOAL_WORDS = frozenset({"revenue", "conversions", "leads", "clicks", "payout", "active"})
"""Words that pick a goal when the vocabulary has no goal names to match against."""


def _quarter_rank(tokens: list[str]) -> tuple[int, int]:
    year = next((int(t) for t in tokens if t.isdigit() and len(t) == 4), 0)
    quarter = next((int(t[1]) for t in tokens if len(t) == 2 and t[0] == "q" and t[1].isdigit()), 0)
    return year, quarter


def match_goal(
    keys: list[str], goal_names: tuple[str, ...], partner_words: frozenset[str], tiers: set[str]
) -> str | None:
    """The goal a request names: one goal's name, or the shared lead ("Q3 2026") of several.

    Without a quarter in the text only the latest quarter's goals count; among several,
    program-wide goals (no partner or tier in their name) win.
    """
    if not goal_names:
        fragment = [k for k in keys if k in _GOAL_WORDS or (len(k) == 2 and k[0] == "q")]
        return " ".join(fragment) or None
    tokenised = {name: _name_tokens(name) for name in goal_names}
    vocabulary = {w for words in tokenised.values() for w in words} - _GOAL_FILLER
    wanted = [k for k in keys if k in vocabulary]
    if "active" not in wanted:
        # "Maya's partners' goals": "partners" is who, not the "active partners" goal.
        wanted = [k for k in wanted if k not in ("partner", "partners")]
    if not wanted:
        return None
    periodic = {w for w in wanted if w.isdigit() or (len(w) == 2 and w[0] == "q")}
    candidates = [n for n, words in tokenised.items() if set(wanted) <= set(words)]
    if not candidates:
        return None
    if not periodic:
        latest = max(_quarter_rank(tokenised[n]) for n in candidates)
        candidates = [n for n in candidates if _quarter_rank(tokenised[n]) == latest]
    if set(wanted) - periodic and len(candidates) > 1:
        program = [n for n in candidates if not set(tokenised[n]) & (partner_words | tiers)]
        candidates = program or candidates
    if len(candidates) == 1:
        return candidates[0]
    lead: list[str] = []
    split = [name.split() for name in candidates]
    for column in zip(*split, strict=False):
        if len({w.casefold() for w in column}) != 1:
            break
        lead.append(column[0])
    return " ".join(lead) or None
