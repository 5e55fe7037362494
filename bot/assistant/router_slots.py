"""Slot readers: periods, comparisons, metrics and filters pulled out of a request's tokens.

Each reader claims the tokens it used, so later readers (and partner spotting) never read
the same words twice. Periods are passed on as phrases for tools.periods to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.assistant.router_lexicon import (
    APPLICATION_NOUNS,
    BOTTOM_WORDS,
    BREAKDOWN_PHRASES,
    COUNTRIES,
    FORMAT_PHRASES,
    GRAIN_PHRASES,
    ISO_CODES,
    KNOWN_WORDS,
    METRIC_PHRASES,
    NEWEST_PHRASES,
    PARTNER_NOUNS,
    PROFILE_PHRASES,
    PURPOSE_PHRASES,
    RANK_WORDS,
    STATUS_WORDS,
    TERMS_QUESTIONS,
    TYPE_WORDS,
    Phrase,
)
from bot.assistant.router_text import Doc, find_phrase

_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_ISO = r"\d{4}-\d{2}-\d{2}"
_UNIT = {"d": "days", "w": "weeks", "wk": "weeks", "wks": "weeks", "m": "months"}
_PLACEHOLDER = "\x00"


@dataclass
class Slots:
    """Everything the router read from one request, in the router's own slot names."""

    partner: str | None = None
    partners: list[str] = field(default_factory=list)
    """Every distinct partner mentioned (canonical or as typed); more than one is ambiguous."""
    application: str | None = None
    tier: str | None = None
    partner_type: str | None = None
    status: str | None = None
    country: str | None = None
    owner: str | None = None
    tag: str | None = None
    period: str | None = None
    compare_to: str | None = None
    compare_default: bool = False
    """The text asked for the default comparison ("mom", "vs previous"): nothing to pass."""
    metric: str | None = None
    n: int | None = None
    order: str | None = None
    grain: str | None = None
    by: str | None = None
    """The dimension of a breakdown: type, tier, country, owner or status."""
    sort: str | None = None
    """'newest' when a list should be ordered by join date."""
    days: int | None = None
    purpose: str | None = None
    format: str | None = None
    count: bool = False
    goal: str | None = None

    def as_arguments(self) -> dict[str, Any]:
        """The slots a tool call could use, in the router's names (None and False left out)."""
        names = (
            "partner", "application", "tier", "partner_type", "status", "country", "owner",
            "tag", "period", "compare_to", "metric", "n", "order", "grain", "by", "sort",
            "days", "purpose", "format", "goal",
        )  # fmt: skip
        args: dict[str, Any] = {k: getattr(self, k) for k in names if getattr(self, k)}
        if self.count:
            args["count"] = True
        return args


# ------------------------------------------------------------------ helpers


def _joined(doc: Doc) -> tuple[str, list[int]]:
    """Free token keys joined by spaces, and each token's start offset in that string."""
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for token, used in zip(doc.tokens, doc.used, strict=True):
        part = _PLACEHOLDER if used else token.key
        starts.append(offset)
        parts.append(part)
        offset += len(part) + 1
    return " ".join(parts), starts


def _span(starts: list[int], m: re.Match[str]) -> tuple[int, int]:
    first = max(i for i, s in enumerate(starts) if s <= m.start())
    stop = first + 1
    while stop < len(starts) and starts[stop] < m.end():
        stop += 1
    return first, stop


def _best_match(
    doc: Doc, patterns: Iterable[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]]
) -> tuple[int, int, str | None] | None:
    """The longest (then earliest) match of any pattern, as a token span and its phrase."""
    text, starts = _joined(doc)
    best: tuple[int, int, re.Match[str], Callable[[re.Match[str]], str | None]] | None = None
    for pattern, build in patterns:
        for m in pattern.finditer(text):
            length = m.end() - m.start()
            if best is None or (length, -m.start()) > (best[1] - best[0], -best[0]):
                best = (m.start(), m.end(), m, build)
    if best is None:
        return None
    start, stop = _span(starts, best[2])
    return start, stop, best[3](best[2])


def _phrase_hits(doc: Doc, phrases: Iterable[Phrase]) -> list[tuple[int, Phrase]]:
    """Where each phrase occurs among free tokens (typo-tolerant for long single words)."""
    keys = doc.free_keys()
    hits = []
    for phrase in phrases:
        at = find_phrase(keys, phrase, KNOWN_WORDS)
        if at >= 0:
            hits.append((at, phrase))
    return hits


# ------------------------------------------------------------------ periods


def _g(*groups: str | None) -> str:
    return " ".join(g for g in groups if g)


def _relative_n(m: re.Match[str]) -> str:
    unit = _UNIT.get(m.group(2), m.group(2))
    if not unit.endswith("s"):
        unit += "s"
    return f"last {m.group(1)} {unit}"


def _named_relative(m: re.Match[str]) -> str:
    which = {"past": "last", "previous": "last", "prior": "last", "current": "this"}.get(
        m.group(1), m.group(1)
    )
    unit = "quarter" if m.group(2) == "qtr" else m.group(2)
    return f"{which} {unit}"


def _to_date(m: re.Match[str]) -> str:
    return {"month": "mtd", "quarter": "qtd", "qtr": "qtd", "year": "ytd", "week": "wtd"}[
        m.group(1)
    ]


_RANGE_SEP = r"(?:to|and|until|till|through|thru|-)"

_NOT_AFTER_COMPARE = "".join(
    f"(?<!{marker} )(?<!{marker} the )" for marker in ("vs", "versus", "against", "to", "with")
)

PERIOD_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (
        # A follow-up's "the quarter before (that)": the router composes it with the previous
        # turn's period ("quarter before last quarter"), which tools.periods resolves.
        re.compile(
            rf"\b{_NOT_AFTER_COMPARE}(?:the )?(day|week|month|quarter|year) before"
            r"(?: (?:that|it|then))?\b"
        ),
        lambda m: f"{m.group(1)} before",
    ),
    (re.compile(r"\bbefore (?:that|then)\b"), lambda m: "before"),
    (
        re.compile(rf"\b(?:(?:from|between) )?({_ISO}) {_RANGE_SEP} ({_ISO})"),
        lambda m: f"{m.group(1)} to {m.group(2)}",
    ),
    (
        re.compile(
            rf"\b(?:(?:from|between) )?{_DAY} {_RANGE_SEP} {_DAY} (?:of )?({_MON})"
            rf"(?: ({_YEAR}))?"
        ),
        lambda m: _g(f"{m.group(1)}-{m.group(2)} {m.group(3)}", m.group(4)),
    ),
    (
        re.compile(rf"\b(\d{{1,2}})-(\d{{1,2}}) (?:of )?({_MON})(?: ({_YEAR}))?"),
        lambda m: _g(f"{m.group(1)}-{m.group(2)} {m.group(3)}", m.group(4)),
    ),
    (
        re.compile(
            rf"\b(?:(?:from|between) )?({_MON}) {_DAY} {_RANGE_SEP} (?:{_MON} )?{_DAY}"
            rf"(?: ({_YEAR}))?"
        ),
        lambda m: _g(f"{m.group(2)}-{m.group(3)} {m.group(1)}", m.group(4)),
    ),
    (
        re.compile(rf"\b({_MON}) (\d{{1,2}})-(\d{{1,2}})(?: ({_YEAR}))?"),
        lambda m: _g(f"{m.group(2)}-{m.group(3)} {m.group(1)}", m.group(4)),
    ),
    (
        re.compile(
            rf"\bsince ((?:last |this )?(?:week|month|quarter|year)|q[1-4](?: {_YEAR})?|"
            rf"{_MON}(?: \d{{1,2}})?(?: {_YEAR})?|\d{{1,2}}(?:st|nd|rd|th)? {_MON}(?: {_YEAR})?|"
            rf"{_ISO}|{_YEAR})\b"
        ),
        lambda m: f"since {m.group(1)}",
    ),
    (re.compile(r"\b(month|quarter|qtr|year|week) to date\b"), _to_date),
    (re.compile(r"\b(mtd|qtd|ytd|wtd)\b"), lambda m: m.group(1)),
    (
        re.compile(r"\b(?:this|the) (year|month|quarter|week) so far\b"),
        lambda m: _to_date(m),
    ),
    (re.compile(r"\bso far this (year|month|quarter|week)\b"), lambda m: _to_date(m)),
    (
        re.compile(
            r"\b(?:the )?(?:last|past|previous|trailing) (\d+) ?"
            r"(days?|weeks?|months?|d|w|wks?|m)\b"
        ),
        _relative_n,
    ),
    (
        re.compile(
            r"\b(?:the )?(last|past|previous|prior|this|current) (week|month|quarter|qtr|year)\b"
        ),
        _named_relative,
    ),
    (re.compile(r"\b(today|yesterday)\b"), lambda m: m.group(1)),
    (re.compile(rf"\b({_ISO})\b"), lambda m: m.group(1)),
    (re.compile(rf"\b(q[1-4])(?: ({_YEAR}))?\b"), lambda m: _g(m.group(1), m.group(2))),
    (re.compile(rf"\b(h[12])(?: ({_YEAR}))?\b"), lambda m: _g(m.group(1), m.group(2))),
    (
        re.compile(rf"\b(first|second) half(?: of)?(?: ({_YEAR}))?\b"),
        lambda m: _g("h1" if m.group(1) == "first" else "h2", m.group(2)),
    ),
    (re.compile(rf"\b({_MON}) ({_YEAR})\b"), lambda m: f"{m.group(1)} {m.group(2)}"),
    (
        re.compile(rf"\bweek (?:of|starting) {_DAY} ({_MON})(?: ({_YEAR}))?\b"),
        lambda m: _g(f"week of {m.group(1)} {m.group(2)}", m.group(3)),
    ),
    (
        re.compile(rf"\bweek (?:of|starting) ({_MON}) {_DAY}(?: ({_YEAR}))?\b"),
        lambda m: _g(f"week of {m.group(2)} {m.group(1)}", m.group(3)),
    ),
    (
        re.compile(rf"\b{_DAY} (?:of )?({_MON})(?: ({_YEAR}))?\b"),
        lambda m: _g(f"{m.group(1)} {m.group(2)}", m.group(3)),
    ),
    (
        re.compile(rf"\b({_MON}) {_DAY}(?: ({_YEAR}))?\b"),
        lambda m: _g(f"{m.group(2)} {m.group(1)}", m.group(3)),
    ),
    (
        re.compile(rf"\b(?:in|for|during|throughout|of|from|through|thru) ({_MON})\b"),
        lambda m: m.group(1),
    ),
    (re.compile(rf"\b(?:(?:in|for|during|of) )?({_YEAR})\b"), lambda m: m.group(1)),
)  # fmt: skip

_BARE_MONTH = ((re.compile(rf"\b({_MON})\b"), lambda m: m.group(1)),)


def read_period(doc: Doc) -> str | None:
    """The period phrase in the request, normalised ("past 2 weeks" -> "last 2 weeks")."""
    found = _best_match(doc, PERIOD_PATTERNS)
    if found is None:
        return None
    start, stop, phrase = found
    doc.claim(start, stop)
    return phrase


_COMPARE_MARKERS = (
    ("vs",), ("versus",), ("against",), ("compared", "to"), ("compared", "with"),
    ("compare", "to"), ("compare", "with"), ("relative", "to"), ("vs", "the"),
)  # fmt: skip
_DEFAULT_COMPARE = re.compile(
    r"^(?:the )?(?:(?:previous|prior|preceding)(?: (?:period|month|week|quarter|days?))?|"
    r"(?:month|week|quarter|period) before|before)\b"
)
_LAST_YEAR = re.compile(
    r"^(?:the )?(?:same (?:period|time|month|quarter|week) )?(?:last|previous|prior) year\b"
)
_YOY = (("yoy",), ("year", "over", "year"), ("year", "on", "year"), ("y", "y"))
_POP = (
    ("mom",), ("wow",), ("qoq",), ("pop",), ("month", "over", "month"),
    ("month", "on", "month"), ("week", "over", "week"), ("quarter", "over", "quarter"),
)  # fmt: skip


def read_comparison(doc: Doc, slots: Slots) -> None:
    """Fill compare_to from "vs last year", "yoy", "compared to september"; "mom" is default."""
    keys = doc.free_keys()
    for phrase in _YOY:
        at = find_phrase(keys, phrase)
        if at >= 0:
            doc.claim(at, at + len(phrase))
            slots.compare_to = "last year"
            return
    for phrase in _POP:
        at = find_phrase(keys, phrase)
        if at >= 0:
            doc.claim(at, at + len(phrase))
            slots.compare_default = True
            return
    markers: tuple[tuple[str, ...], ...] = _COMPARE_MARKERS
    if "compare" in keys or "comparing" in keys:
        # "compare northwind to last year": the partner's name sits between the two words.
        markers = (*markers, ("to",), ("with",))
    for marker in markers:
        at = find_phrase(keys, marker)
        if at < 0:
            continue
        after = at + len(marker)
        rest = " ".join(k or _PLACEHOLDER for k in keys[after:])
        m = _LAST_YEAR.match(rest) or _DEFAULT_COMPARE.match(rest)
        if m is not None:
            stop = after + len(m.group(0).split())
            doc.claim(at, stop)
            if m.re is _LAST_YEAR:
                slots.compare_to = "last year"
            else:
                slots.compare_default = True
            return
        tail = Doc(text=doc.text, tokens=doc.tokens[after:], used=doc.used[after:])
        found = _best_match(tail, (*PERIOD_PATTERNS, *_BARE_MONTH))
        if found is not None and found[0] <= 1:
            doc.claim(at, after + found[1])
            slots.compare_to = found[2]
            return


# ------------------------------------------------------------------ metrics and filters


def read_terms_question(doc: Doc, period: str | None) -> bool:
    """A question about a partner's deal ("what's the commission for Lumen?"); its words are
    claimed so they are not read as the payout metric. Never when a period is named."""
    if period is not None:
        return False
    for phrase in TERMS_QUESTIONS:
        at = find_phrase(doc.free_keys(), phrase)
        if at >= 0:
            doc.claim(at, at + len(phrase))
            return True
    return False


def read_metric(doc: Doc) -> str | None:
    """The first metric named, longest phrase first ("number of sales" before "sales")."""
    for phrase in PROFILE_PHRASES:
        at = find_phrase(doc.free_keys(), phrase)
        if at >= 0:
            doc.claim(at, at + len(phrase))
    candidates = [
        (phrase, metric) for metric, phrases in METRIC_PHRASES.items() for phrase in phrases
    ]
    candidates.sort(key=lambda c: -len(c[0]))
    found: list[tuple[int, str]] = []
    for phrase, metric in candidates:
        at = find_phrase(doc.free_keys(), phrase, KNOWN_WORDS)
        if at >= 0:
            doc.claim(at, at + len(phrase))
            found.append((at, metric))
    if not found:
        return None
    return min(found)[1]


def read_words(doc: Doc, table: dict[str, str], *, fuzzy: bool = False) -> str | None:
    """The first free token that `table` maps (types, statuses), claiming it."""
    for i, key in enumerate(doc.free_keys()):
        if key is None:
            continue
        if key in table:
            doc.claim(i, i + 1)
            return table[key]
    if fuzzy:
        for word, value in table.items():
            at = find_phrase(doc.free_keys(), (word,), KNOWN_WORDS)
            if at >= 0:
                doc.claim(at, at + 1)
                return value
    return None


def read_tier(doc: Doc, tiers: Iterable[str]) -> str | None:
    by_key = {t.casefold(): t for t in tiers}
    for i, key in enumerate(doc.free_keys()):
        if key is None:
            continue
        word = key.removesuffix("tier") if key.endswith("tier") and key != "tier" else key
        if word in by_key:
            doc.claim(i, i + 1)
            return by_key[word]
    return None


def read_country(doc: Doc) -> str | None:
    keys = doc.free_keys()
    for name in sorted(COUNTRIES, key=lambda n: -len(n.split())):
        phrase = tuple(name.split())
        at = find_phrase(keys, phrase, KNOWN_WORDS) if len(phrase) > 1 else -1
        if len(phrase) == 1:
            at = keys.index(name) if name in keys else -1
        if at >= 0:
            doc.claim(at, at + len(phrase))
            return COUNTRIES[name]
    for i, token in enumerate(doc.tokens):
        if not doc.used[i] and token.raw in ISO_CODES:
            doc.claim(i, i + 1)
            return token.raw
    return None


_TAG_LEAD = (("tagged",), ("tag",), ("with", "tag"), ("labelled",), ("labeled",))


def read_tag_owner_key(doc: Doc, slots: Slots) -> None:
    """Tags (#coupon, "tagged coupon"), owner emails and application keys, claimed first."""
    for i, token in enumerate(doc.tokens):
        if token.raw.startswith("#") and len(token.raw) > 1:
            slots.tag = token.norm.lstrip("#")
            doc.claim(i, i + 1)
        elif "@" in token.raw:
            slots.owner = token.raw.casefold()
            doc.claim(i, i + 1)
        elif re.fullmatch(r"[A-Za-z]{2,12}[-_]\d+", token.raw):
            slots.application = token.raw
            doc.claim(i, i + 1)
    keys = doc.free_keys()
    for lead in _TAG_LEAD:
        at = find_phrase(keys, lead)
        if at >= 0 and at + len(lead) < len(keys) and keys[at + len(lead)] is not None:
            slots.tag = keys[at + len(lead)]
            doc.claim(at, at + len(lead) + 1)
            return


def read_n(doc: Doc) -> int | None:
    """A count the user asked for: "top 10", "bottom 3", "list 5 …", "3 agencies"."""
    keys = doc.free_keys()
    for i, key in enumerate(keys):
        if key is None or not key.isdigit():
            continue
        value = int(key)
        if not 1 <= value <= 500:
            continue
        end = doc.tokens[i].end
        if doc.text[end : end + 1] == "%":
            continue
        before = keys[i - 1] if i > 0 else None
        after = [k for k in keys[i + 1 : i + 3] if k]
        if after and after[0] in {"days", "day", "weeks", "week", "months", "month", "d"}:
            continue
        if (
            before in RANK_WORDS
            or before in {"list", "show", "me", "give", "get", "newest", "latest"}
            or any(k in PARTNER_NOUNS or k in APPLICATION_NOUNS for k in after)
            or (after and after[0] in {"movers", "pending", "by", "instead", "prospects"})
            or (after and after[0] in {"newest", "latest", "new", "most"})
        ):
            doc.claim(i, i + 1)
            return value
    return None


_DAYS = re.compile(r"\b(\d+|a|an) ?(days?|d|weeks?|wks?|w|fortnights?|months?)\b")


def read_days(doc: Doc) -> int | None:
    """A look-back length in days, for "gone quiet in 3 weeks" (reads claimed tokens too)."""
    text = " ".join(doc.keys_list())
    m = _DAYS.search(text)
    if m is None:
        return None
    count = 1 if m.group(1) in {"a", "an"} else int(m.group(1))
    unit = m.group(2)
    if unit.startswith("d"):
        return count
    if unit.startswith("w"):
        return count * 7
    if unit.startswith("f"):
        return count * 14
    return count * 30


def read_first(doc: Doc, table: Iterable[tuple[str, tuple[Phrase, ...]]]) -> str | None:
    """The first label in priority order whose phrases occur (purposes, content formats)."""
    for label, phrases in table:
        if _phrase_hits(doc, phrases):
            return label
    return None


def read_grain(doc: Doc) -> str | None:
    return read_first(doc, GRAIN_PHRASES.items())


def read_sort(doc: Doc) -> str | None:
    return "newest" if _phrase_hits(doc, NEWEST_PHRASES) else None


def read_breakdown(doc: Doc) -> str | None:
    return read_first(doc, BREAKDOWN_PHRASES.items())


def read_order(doc: Doc) -> str | None:
    keys = {k for k in doc.free_keys() if k}
    return "bottom" if keys & BOTTOM_WORDS else None


def read_purpose(doc: Doc) -> str | None:
    return read_first(doc, PURPOSE_PHRASES)


def read_format(doc: Doc) -> str | None:
    return read_first(doc, FORMAT_PHRASES)


def read_type(doc: Doc) -> str | None:
    return read_words(doc, TYPE_WORDS, fuzzy=True)


def read_status(doc: Doc) -> str | None:
    return read_words(doc, STATUS_WORDS)
