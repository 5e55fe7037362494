"""What in a request nobody read: unknown words to report, and whether it is another language.

The offline router reads English. A word it does not know is said back in a note rather
than ignored; a request mostly in another language gets a plain "I read English" instead
of an answer to the few words it could read. Word frequencies come from wordfreq, loaded
only when a request has words the router does not know.
"""

from __future__ import annotations

from functools import lru_cache

from bot.assistant.offline.lexicon import FILLER_WORDS, KNOWN_WORDS, PRONOUNS
from bot.assistant.offline.text import Doc, is_latin


def unread_words(doc: Doc) -> list[str]:
    """Words of the request that no reader claimed and the router does not know, as typed."""
    words = []
    for token, used in zip(doc.tokens, doc.used, strict=True):
        key = token.key
        if used or not key or key.isdigit() or key in KNOWN_WORDS or key in FILLER_WORDS:
            continue
        if key in PRONOUNS:
            continue
        if len(key) < 3 and is_latin(key):
            continue
        if is_latin(key) and len(key) >= 5 and _close_to_known(key):
            continue  # a typo of a keyword the scorer already read ("leaderbord")
        if _common_english(token.norm):
            continue  # plain English the question doesn't hinge on ("own", "guys")
        words.append(token.raw)
    return words


COMMON_ENGLISH_ZIPF = 3.0
"""Words at least this frequent in English (wordfreq's Zipf scale: 3 ≈ once per million
words) are ordinary English; rarer ones are names, typos or another language. wordfreq's
"small" lists hold exactly the words at or above it, and load in a few milliseconds."""


@lru_cache(maxsize=4096)
def _common_english(word: str) -> bool:
    from wordfreq import zipf_frequency  # loaded only when a request has unread words

    return zipf_frequency(word, "en", wordlist="small") >= COMMON_ENGLISH_ZIPF


@lru_cache(maxsize=4096)
def _close_to_known(key: str) -> bool:
    from rapidfuzz import fuzz, process

    return process.extractOne(key, KNOWN_WORDS, scorer=fuzz.ratio, score_cutoff=85) is not None


def other_language(doc: Doc, unread: list[str]) -> bool:
    """Another language: most words unknown, or most of the free words likelier in another
    language than in English ("quels partenaires ont le plus de conversions"), or a
    non-Latin text that names no partner ("先月のトップパートナー")."""
    if not unread:
        return False
    words = [t for t in doc.tokens if t.key and not t.key.isdigit()]
    if len(unread) >= 2 and len(unread) * 2 >= len(words):
        return True
    letters = sum(len(t.raw) for t in words)
    foreign_script = sum(len(w) for w in unread if not is_latin(w))
    if foreign_script >= 4 and foreign_script * 2 >= letters:
        return True
    free = [t.norm for t, used in zip(doc.tokens, doc.used, strict=True)
            if not used and t.norm.isalpha() and is_latin(t.norm)]  # fmt: skip
    foreign = [w for w in free if _likelier_elsewhere(w)]
    return len(foreign) >= 3 and len(foreign) * 5 >= len(words) * 2


_OTHER_LANGUAGES = ("fr", "de", "es", "it", "pt", "nl")
"""Languages whose everyday words are also short English-looking words ("le", "de", "ce")."""


@lru_cache(maxsize=4096)
def _likelier_elsewhere(word: str) -> bool:
    """Much more frequent in one of _OTHER_LANGUAGES than in English (wordfreq, Zipf)."""
    from wordfreq import zipf_frequency

    english = zipf_frequency(word, "en", wordlist="small")
    other = max(zipf_frequency(word, lang, wordlist="small") for lang in _OTHER_LANGUAGES)
    return other >= 3.0 and other >= english + 1.5
