"""Text normalisation for the offline router: one token stream that every slot reader shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

FUZZY_MIN_LEN = 5
"""Keywords and names are typo-tolerant only on tokens at least this long."""

FUZZY_RATIO = 85.0

_TOKEN = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email
    r"|#\w+"  # tag
    r"|\d{4}-\d{2}-\d{2}"  # ISO date
    r"|\d{1,2}-\d{1,2}(?!\d)"  # day range "1-15"
    r"|\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)*"  # words, with apostrophes and hyphens
    r"|&"
    r"|%"  # "what % of revenue": read as the word "percent"
)

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "yu", "ya",
        ],
        strict=True,
    )
)  # fmt: skip


def fold(text: str) -> str:
    """Casefold and strip accents ("Żabka" -> "zabka") while keeping Hangul syllables whole."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def transliterate(text: str) -> str:
    """Latin spelling of Cyrillic letters, so "romashka" finds "Ромашка"."""
    return "".join(_CYRILLIC.get(ch, ch) for ch in text)


def is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


def _norm_token(raw: str) -> str:
    """One token's comparable form: folded, possessive dropped, hyphens and apostrophes joined."""
    token = fold(raw).replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    token = token.replace("'", "")
    if "-" in token and not any(ch.isdigit() for ch in token):
        token = token.replace("-", "")
    if token == "%":
        return "percent"
    return "and" if token == "&" else token


@dataclass
class Token:
    raw: str
    norm: str
    """Folded form used for names."""
    key: str
    """Folded form with number words as digits, used for slots and keywords."""
    start: int
    end: int


@dataclass
class Doc:
    """A request as tokens, with a mask of tokens already claimed by a slot."""

    text: str
    tokens: list[Token]
    used: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.used:
            self.used = [False] * len(self.tokens)

    def keys_list(self) -> list[str]:
        return [t.key for t in self.tokens]

    def free_keys(self) -> list[str | None]:
        """Token keys, with claimed tokens replaced by None."""
        return [None if u else t.key for t, u in zip(self.tokens, self.used, strict=True)]

    def claim(self, start: int, stop: int) -> None:
        for i in range(start, stop):
            self.used[i] = True

    def raw_span(self, start: int, stop: int) -> str:
        """The text as typed from token `start` to token `stop` (exclusive)."""
        return self.text[self.tokens[start].start : self.tokens[stop - 1].end]


_PERIOD_WORDS = (
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "month", "months", "quarter", "quarters", "week",
    "weeks", "year", "years", "today", "yesterday", "last", "previous", "since",
)  # fmt: skip
_NOT_TYPOS = frozenset(
    {"weak", "mont", "yeah", "dear", "wee", "lust", "last", "mayo", "juno", "past", "post",
     "most", "lost", "list", "least", "fast", "east", "cast", "vast", "rest", "test", "best",
     "march", "marches", "monthly", "weekly", "yearly", "quarterly", "weekend", "summer",
     "member", "remember", "number", "timber", "weeks", "months", "years", "quarters"}
)  # fmt: skip


@lru_cache(maxsize=4096)
def period_typo(word: str) -> str | None:
    """The month or unit word `word` misspells ("septmber", "mnth", "qurter"), or None.

    One edit for short words, two from seven letters, swapped letters counting as one, the
    first letter right; words that are English in their own right are never changed.
    """
    if len(word) < 4 or not word.isalpha() or word in _NOT_TYPOS or word in _PERIOD_WORDS:
        return None
    allowed = 1 if len(word) < 7 else 2
    best: list[str] = []
    for target in _PERIOD_WORDS:
        if target[0] != word[0] or abs(len(target) - len(word)) > allowed:
            continue
        if DamerauLevenshtein.distance(word, target) <= allowed:
            best.append(target)
    return best[0] if len(best) == 1 else None


def tokenize(text: str) -> Doc:
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        norm = _norm_token(m.group())
        if not norm:
            continue
        key = str(_NUMBER_WORDS[norm]) if norm in _NUMBER_WORDS else norm
        raw = m.group()
        if (raw.islower() or len(raw) >= 6) and (fixed := period_typo(key)) is not None:
            key = fixed  # a name like "Juno" (capitalised, short) is never read as "june"
        tokens.append(Token(raw=m.group(), norm=norm, key=key, start=m.start(), end=m.end()))
    return Doc(text=text, tokens=tokens)


def similar(a: str, b: str) -> bool:
    """Typo tolerance: equal, or both long enough and close by edit ratio."""
    if a == b:
        return True
    if len(a) < FUZZY_MIN_LEN or len(b) < FUZZY_MIN_LEN:
        return False
    return fuzz.ratio(a, b) >= FUZZY_RATIO


def find_phrase(
    keys: list[str | None], phrase: tuple[str, ...], exact_words: frozenset[str] = frozenset()
) -> int:
    """Index where `phrase` starts among the free tokens `keys`, or -1.

    A one-word phrase also matches a typo of itself, unless the token is itself a word in
    `exact_words` (so "trends" never stands in for "trend" when both are keywords).
    """
    n = len(phrase)
    for i in range(len(keys) - n + 1):
        window = keys[i : i + n]
        if tuple(window) == phrase:
            return i
    if n == 1:
        for i, key in enumerate(keys):
            if key is not None and key not in exact_words and similar(key, phrase[0]):
                return i
    return -1
