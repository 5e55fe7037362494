"""Slot readers: periods, comparisons, metrics and filters pulled out of a request's tokens.

Each reader claims the tokens it used, so later readers (and partner spotting) never read
the same words twice. Periods are passed on as phrases for tools.periods to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.assistant.offline.lexicon import (
    APPLICATION_NOUNS,
    BOTTOM_WORDS,
    BREAKDOWN_PHRASES,
    COMMISSION_PHRASES,
    COUNTRIES,
    EXTREME_UNITS,
    EXTREME_WORDS,
    FORMAT_PHRASES,
    GRAIN_PHRASES,
    ISO_CODES,
    KNOWN_WORDS,
    METRIC_PHRASES,
    NEWEST_PHRASES,
    OVERLAP_PHRASES,
    OWNED_NOUNS,
    OWNER_LEADS,
    PARTNER_NOUNS,
    PROFILE_PHRASES,
    PURPOSE_PHRASES,
    RANK_WORDS,
    REGION_PHRASES,
    STATUS_WORDS,
    TERMS_QUESTIONS,
    TYPE_WORDS,
    Phrase,
)
from bot.assistant.offline.text import Doc, find_phrase

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
    """Everything the router read from one request, under the registry's argument names."""

    partner: str | None = None
    partners: list[str] = field(default_factory=list)
    """Every distinct partner mentioned (canonical or as typed)."""
    application: str | None = None
    tiers: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    commission_models: list[str] = field(default_factory=list)
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
    """'newest' (join date) or 'overlap' (audience overlap) when a list is ordered."""
    days: int | None = None
    purpose: str | None = None
    format: str | None = None
    count: bool = False
    goal: str | None = None
    goal_statuses: list[str] = field(default_factory=list)
    """Goal statuses asked for ("which goals are behind?")."""
    unread_exclusion: str | None = None
    """An exclusion whose partners couldn't be read ("excluding those"): said back."""
    earlier_period: str | None = None
    """"in that period" with no earlier period in the conversation: said back."""
    metrics: list[str] = field(default_factory=list)
    """Every metric named; two with a share word ask for one metric over another."""
    mine: bool = False
    """"my partners" when the router doesn't know who is asking: said back, not guessed."""
    excluding: dict[str, list[str]] = field(default_factory=dict)
    """Segment values to leave out ("excluding affiliates" -> {"types": ["affiliate"]})."""
    region: str | None = None
    """A region named ("europe"): no tool filters by region, so it is always reported."""
    language: str | None = None
    """A language asked for ("in Polish"): the router writes English, so it is reported."""
    pop_unit: str | None = None
    """'week' for "week over week": the period, if none is named, is this week so far."""
    same_unit: str | None = None
    """'month' for "vs the same month last year": the period, if none is named, is that unit."""
    group: str | None = None
    """The dimension a "which tier / which partner type …" question ranks groups by."""
    joined: bool = False
    """The request is about joining ("who joined this year"): its period is a join date."""
    spans: dict[str, str] = field(default_factory=dict)
    """The words each slot was read from, as typed, for notes about what was not applied."""

    SEGMENT = ("tiers", "types", "statuses", "countries", "owners", "tags", "commission_models")

    def as_arguments(self) -> dict[str, Any]:
        """The slots a tool call could use, under the registry's names (empty ones left out)."""
        names = (
            "application", "period", "compare_to", "metric", "n", "order", "grain", "by",
            "sort", "days", "purpose", "format", "goal", "region", "language",
        )  # fmt: skip
        args: dict[str, Any] = {k: getattr(self, k) for k in names if getattr(self, k)}
        if self.partners:
            args["partners"] = list(self.partners)
        for key in self.SEGMENT:
            values = getattr(self, key)
            if values:
                args[key] = list(values)
        if self.goal_statuses:
            args["goal_statuses"] = list(self.goal_statuses)
        if self.excluding:
            args["excluding"] = {k: list(v) for k, v in self.excluding.items()}
        if self.mine:
            args["mine"] = True
        if self.earlier_period:
            args["earlier_period"] = self.earlier_period
        if self.unread_exclusion:
            args["unread_exclusion"] = self.unread_exclusion
        if self.count:
            args["count_only"] = True
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


def phrase_hits(doc: Doc, phrases: Iterable[Phrase]) -> list[tuple[int, Phrase]]:
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

_FEW = {"few": 3, "couple": 2, "several": 4}
THAT_PERIOD = "that period"
"""The period phrase for "in that period": the router puts the previous turn's there."""

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
        # "from Q1 to Q2", "jan to mar 2026", "between march and may": two whole units.
        re.compile(
            rf"\b(?:(?:from|between) )?(q[1-4]|h[12]|{_MON})(?: ({_YEAR}))? "
            rf"(?:to|and|through|thru|until|-) (q[1-4]|h[12]|{_MON})(?: ({_YEAR}))?\b"
        ),
        lambda m: f"{_g(m.group(1), m.group(2))} to {_g(m.group(3), m.group(4))}",
    ),
    (
        # "submitted after nov 10", "after 3 october": the day after that day onward
        re.compile(rf"\bafter (?:{_DAY} (?:of )?({_MON})|({_MON}) {_DAY})(?: ({_YEAR}))?\b"),
        lambda m: _g(
            f"after {m.group(1) or m.group(4)} {m.group(2) or m.group(3)}", m.group(5)
        ),
    ),
    (
        # "in that period", "over the same quarter": the conversation's period (router)
        re.compile(r"\b(?:that|the same|this same) (?:period|time|quarter|month|week|year)\b"),
        lambda m: THAT_PERIOD,
    ),
    (
        # "1 jul to 28 sep 2026", "jul 1 - sep 28": two days in different months
        re.compile(
            rf"\b(?:(?:from|between) )?{_DAY} ({_MON})(?: ({_YEAR}))? {_RANGE_SEP} "
            rf"{_DAY} ({_MON})(?: ({_YEAR}))?\b"
        ),
        lambda m: f"{_g(m.group(1), m.group(2), m.group(3))} to "
        f"{_g(m.group(4), m.group(5), m.group(6))}",
    ),
    (
        re.compile(
            rf"\b(?:(?:from|between) )?({_MON}) {_DAY}(?: ({_YEAR}))? (?:{_RANGE_SEP} )?"
            rf"({_MON}) {_DAY}(?: ({_YEAR}))?\b"
        ),
        lambda m: f"{_g(m.group(2), m.group(1), m.group(3))} to "
        f"{_g(m.group(5), m.group(4), m.group(6))}",
    ),
    (
        # "last december": the most recent one before this month
        re.compile(rf"\blast ({_MON})\b"),
        lambda m: f"last {m.group(1)}",
    ),
    (
        # "best quarter of the year": this year
        re.compile(r"\b(?:of|in) the (year|quarter|month)\b"),
        lambda m: f"this {m.group(1)}",
    ),
    (
        # "q2 last year", "march this year": a unit of a named year
        re.compile(rf"\b(q[1-4]|h[12]|{_MON}) (last|this|previous) year\b"),
        lambda m: f"{m.group(1)} {'this' if m.group(2) == 'this' else 'last'} year",
    ),
    (
        # "the past few weeks", "last couple of months": a stated number, so the answer's
        # period line shows what was read
        re.compile(
            r"\b(?:the )?(?:last|past|previous|recent) (few|couple(?: of)?|several) "
            r"(days|weeks|months)\b"
        ),
        lambda m: f"last {_FEW[m.group(1).split()[0]]} {m.group(2)}",
    ),
    (
        # "since the new year", "since the start of the quarter": the unit so far
        re.compile(
            r"\bsince (?:the )?(?:new year(?:s)?|(?:start|beginning) of (?:the |this )?"
            r"(year|quarter|month|week))\b"
        ),
        lambda m: {"quarter": "qtd", "month": "mtd", "week": "wtd"}.get(m.group(1) or "", "ytd"),
    ),
    (
        # "best month ever", "all-time high", "since we started"
        re.compile(
            r"\b(?:ever|all ?time|of all time|since (?:we started|the (?:start|beginning)(?! of)|"
            r"launch|day one|inception))\b"
        ),
        lambda m: "all time",
    ),
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
_BARE_MONTH_ALONE = ((re.compile(rf"\b(?!may\b)({_MON})\b"), lambda m: m.group(1)),)
"""A month named on its own ("october conversions for atlas"), read only when no fuller
period phrase is there; "may" alone is too often the verb."""


def read_period(doc: Doc) -> str | None:
    """The period phrase in the request, normalised ("past 2 weeks" -> "last 2 weeks")."""
    found = _best_match(doc, PERIOD_PATTERNS) or _best_match(doc, _BARE_MONTH_ALONE)
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
_POP_UNITS = {"wow": "week", "week": "week", "mom": "month", "month": "month",
              "qoq": "quarter", "quarter": "quarter"}  # fmt: skip
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
            # "week over week": this week against the last, not a rolling 30 days
            slots.pop_unit = _POP_UNITS.get(phrase[0])
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
        leading = tail.free_keys()[: found[0]] if found is not None else []
        if found is not None and all(k in {"the", "same"} for k in leading):
            doc.claim(at, after + found[1])
            slots.compare_to = found[2]
            return


# ------------------------------------------------------------------ metrics and filters


def read_terms_question(doc: Doc, period: str | None, named: bool = False) -> bool:
    """A question about a partner's deal ("what's the commission for Lumen?"); its words are
    claimed so they are not read as the payout metric. Never when a period is named."""
    if period is not None:
        return False
    keys = doc.free_keys()
    asks_amount = {"much", "paid", "pay", "total", "payout", "payouts", "spend", "spent"}
    if (
        named
        and ("commission" in keys or "terms" in keys or "deal" in keys)
        and not (asks_amount & set(keys) or "commissions" in keys or {"by", "per"} & set(keys))
    ):
        # "whats zabka's commission": the deal, not what was paid
        at = next(i for i, k in enumerate(keys) if k in ("commission", "terms", "deal"))
        doc.claim(at, at + 1)
        return True
    for phrase in TERMS_QUESTIONS:
        at = find_phrase(doc.free_keys(), phrase)
        if at >= 0:
            doc.claim(at, at + len(phrase))
            return True
    return False


def read_metric(doc: Doc) -> str | None:
    """The first metric named, longest phrase first ("number of sales" before "sales")."""
    metrics = read_metrics(doc)
    return metrics[0] if metrics else None


def read_metrics(doc: Doc) -> list[str]:
    """Every metric named, in the order they appear ("payout as a share of revenue")."""
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
    return list(dict.fromkeys(metric for _, metric in sorted(found)))


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


def read_tiers(doc: Doc, tiers: Iterable[str]) -> list[str]:
    """Every tier named ("Gold and Silver partners")."""
    by_key = {t.casefold(): t for t in tiers}
    found: list[str] = []
    for i, key in enumerate(doc.free_keys()):
        if key is None:
            continue
        word = key.removesuffix("tier") if key.endswith("tier") and key != "tier" else key
        if word in by_key:
            doc.claim(i, i + 1)
            found.append(by_key[word])
    return list(dict.fromkeys(found))


def read_all(reader: Callable[[Doc], str | None], doc: Doc) -> list[str]:
    """Every value a single-value reader finds, reading until it finds no more."""
    found: list[str] = []
    while (value := reader(doc)) is not None:
        found.append(value)
    return list(dict.fromkeys(found))


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


_CONNECTORS = frozenset({"vs", "versus", "and", "or", "against"})


def read_countries(doc: Doc) -> list[str]:
    """Every country named; a lower-case "us" counts next to another country ("us vs uk",
    "uk and us"), where it cannot be the pronoun."""
    found = read_all(read_country, doc)
    if found:
        keys = doc.free_keys()
        for i, key in enumerate(keys):
            near = {keys[j] for j in (i - 1, i + 1) if 0 <= j < len(keys)}
            if key == "us" and near & _CONNECTORS:
                doc.claim(i, i + 1)
                found.append("US")
    return list(dict.fromkeys(found))


_TAG_LEAD = (("tagged",), ("tag",), ("with", "tag"), ("labelled",), ("labeled",))


def read_tag_owner_key(doc: Doc, slots: Slots, tags: Iterable[str] = ()) -> None:
    """Tags (#coupon, "tagged coupon", "emea tagged partners", a tag the program uses
    followed by "partners"), owner emails and application keys, claimed first."""
    for i, token in enumerate(doc.tokens):
        if token.raw.startswith("#") and len(token.raw) > 1:
            slots.tags.append(token.norm.lstrip("#"))
            doc.claim(i, i + 1)
        elif "@" in token.raw:
            slots.owners.append(token.raw.casefold())
            doc.claim(i, i + 1)
        elif re.fullmatch(r"[A-Za-z]{2,12}[-_]\d+", token.raw):
            slots.application = token.raw
            doc.claim(i, i + 1)
    keys = doc.free_keys()
    known = {t.casefold() for t in tags}
    for i, token in enumerate(doc.tokens):
        raw = token.raw.casefold()
        if not doc.used[i] and raw.endswith("-tagged") and len(raw) > 7:
            slots.tags.append(raw.removesuffix("-tagged"))  # "emea-tagged partners"
            doc.claim(i, i + 1)
            return
    for lead in _TAG_LEAD:
        at = find_phrase(keys, lead)
        if at > 0 and keys[at - 1] in ("by", "per", "each"):
            continue  # "revenue by tag": a split, not a tag called "last"
        after = keys[at + len(lead)] if at >= 0 and at + len(lead) < len(keys) else None
        before = keys[at - 1] if at > 0 else None
        if at >= 0 and before is not None and (after is None or after in PARTNER_NOUNS):
            # "emea tagged partners": the tag comes first
            slots.tags.append(str(before))
            doc.claim(at - 1, at + len(lead))
            return
        if at >= 0 and after is not None:
            slots.tags.append(str(after))
            doc.claim(at, at + len(lead) + 1)
            return
    for i, key in enumerate(keys[:-1]):
        if key is not None and key in known and keys[i + 1] in PARTNER_NOUNS:
            slots.tags.append(key)  # "apac partners" when the program has an apac tag
            doc.claim(i, i + 1)


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


def read_first(
    doc: Doc, table: Iterable[tuple[str, tuple[Phrase, ...]]], *, claim: bool = False
) -> str | None:
    """The first label in priority order whose phrases occur (purposes, content formats);
    with `claim`, the longest phrase found is claimed (so a note can quote it)."""
    for label, phrases in table:
        hits = phrase_hits(doc, phrases)
        if hits:
            if claim:
                at, phrase = max(hits, key=lambda hit: len(hit[1]))
                doc.claim(at, at + len(phrase))
            return label
    return None


def read_grain(doc: Doc) -> str | None:
    return read_first(doc, GRAIN_PHRASES.items(), claim=True)


def read_sort(doc: Doc) -> str | None:
    return "newest" if phrase_hits(doc, NEWEST_PHRASES) else None


def read_breakdown(doc: Doc) -> str | None:
    return read_first(doc, BREAKDOWN_PHRASES.items(), claim=True)


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


@dataclass(frozen=True)
class Extreme:
    grain: str
    order: str
    n: int | None = None


_WHICH = frozenset({"which", "what"})
_MOST = {"most": "top", "highest": "top", "biggest": "top", "best": "top", "top": "top",
         "least": "bottom", "fewest": "bottom", "lowest": "bottom", "worst": "bottom"}  # fmt: skip


def read_extreme(doc: Doc) -> Extreme | None:
    """An extreme period: "our weakest month", "top 3 weeks", "lowest revenue day" (an
    extreme word up to two words before day/week/month; a number between them is how many),
    or "which month had the most refunds". Only the extreme word and the unit are claimed,
    so a metric between them is still read as the metric."""
    keys = doc.free_keys()
    for i, key in enumerate(keys):
        if key not in EXTREME_WORDS:
            continue
        for j in (i + 1, i + 2):
            if j < len(keys) and keys[j] in EXTREME_UNITS:
                middle = keys[i + 1] if j == i + 2 else None
                n = int(middle) if middle is not None and middle.isdigit() else None
                doc.claim(i, i + 1)
                doc.claim(j, j + 1)
                if n is not None:
                    doc.claim(i + 1, i + 2)
                return Extreme(EXTREME_UNITS[str(keys[j])], EXTREME_WORDS[key], n)
    for i, key in enumerate(keys[:-1]):
        unit = keys[i + 1]
        if key in _WHICH and unit in EXTREME_UNITS:
            order = next((_MOST[k] for k in keys[i + 2 :] if k in _MOST), None)
            if order is not None:
                doc.claim(i, i + 2)
                return Extreme(EXTREME_UNITS[str(unit)], order)
    return None


_GROUP_WORDS: dict[tuple[str, ...], str] = {
    ("tier",): "tier", ("tiers",): "tier", ("partner", "type"): "type", ("type",): "type",
    ("partner", "types"): "type", ("types",): "type", ("country",): "country",
    ("countries",): "country", ("market",): "country", ("markets",): "country",
    ("manager",): "owner", ("managers",): "owner", ("partner", "manager"): "owner",
    ("partner", "managers"): "owner", ("account", "manager"): "owner",
    ("account", "managers"): "owner", ("owner",): "owner", ("owners",): "owner",
    ("tag",): "tag", ("tags",): "tag",
}  # fmt: skip
_PLURAL_GROUPS = frozenset(w for words in _GROUP_WORDS for w in words[-1:] if w.endswith("s"))
_GROUP_LEADS = frozenset({"which", "what", "rank", "ranking", "top", "bottom", "best", "worst"})


def read_group(doc: Doc) -> str | None:
    """The dimension in "which tier's revenue shrank", "rank partner managers by revenue",
    "top countries by clicks": the question ranks groups of partners, not partners. "which"
    takes the singular or plural, a ranking word the plural. The words are claimed."""
    keys = doc.free_keys()
    for i, key in enumerate(keys):
        if key not in _GROUP_LEADS:
            continue
        at = i + 2 if i + 1 < len(keys) and str(keys[i + 1]).isdigit() else i + 1  # "top 3 tags"
        for words, group in sorted(_GROUP_WORDS.items(), key=lambda kv: -len(kv[0])):
            if tuple(keys[at : at + len(words)]) != words:
                continue
            if key in ("which", "what") or words[-1] in _PLURAL_GROUPS:
                doc.claim(at if key not in ("which", "what") else i, at + len(words))
                return group
    return None


LANGUAGES = frozenset(
    {
        "english", "polish", "german", "french", "spanish", "italian", "dutch", "portuguese",
        "korean", "japanese", "chinese", "mandarin", "swedish", "norwegian", "danish",
        "finnish", "czech", "greek", "turkish", "ukrainian", "romanian", "hungarian",
        "russian", "arabic", "hindi", "hebrew", "vietnamese", "thai", "indonesian",
    }
)  # fmt: skip
_LANGUAGE_LEADS = frozenset({"in", "into"})


def read_language(doc: Doc) -> str | None:
    """A language asked for ("draft it in Polish", "translate into Korean"), read before
    countries so that "in Polish" is never read as partners in Poland. English, the
    language every answer is in, is claimed and not reported."""
    keys = doc.free_keys()
    for i in range(len(keys) - 1):
        if keys[i] in _LANGUAGE_LEADS and keys[i + 1] in LANGUAGES:
            doc.claim(i, i + 2)
            language = keys[i + 1]
            return None if language == "english" else language
    return None


def read_region(doc: Doc) -> str | None:
    """A region ("in europe", "EMEA partners"), claimed with a leading "in" so a note can
    quote it; tools filter by country only."""
    hits = phrase_hits(doc, REGION_PHRASES)
    if not hits:
        return None
    at, phrase = min(hits)
    keys = doc.free_keys()
    start = at - 1 if at > 0 and keys[at - 1] in ("in", "across", "from") else at
    doc.claim(start, at + len(phrase))
    return " ".join(phrase)


_GOAL_STATUS_PHRASES: tuple[tuple[Phrase, tuple[str, ...]], ...] = (
    (("off", "track"), ("at risk", "behind")),
    (("at", "risk"), ("at risk",)),
    (("on", "track"), ("on track",)),
    (("not", "started"), ("not started",)),
    (("behind",), ("behind",)),
    (("ahead",), ("ahead",)),
    (("missed",), ("missed",)),
    (("achieved",), ("achieved",)),
    (("slipping",), ("at risk", "behind")),
)
_WHICH_WORDS = frozenset({"which", "what", "any", "list", "show"})


def read_goal_statuses(doc: Doc) -> list[str]:
    """Goal statuses a question filters by ("which goals are behind?", "any goals at risk"):
    only with a which/any/list word and a goal word, so "are we on track for our goals?"
    stays a question about every goal."""
    keys = doc.free_keys()
    present = {k for k in keys if k}
    if not (present & _WHICH_WORDS and present & {"goal", "goals", "target", "targets"}):
        return []
    found: list[str] = []
    for phrase, statuses in _GOAL_STATUS_PHRASES:
        at = find_phrase(doc.free_keys(), phrase)
        if at >= 0:
            doc.claim(at, at + len(phrase))
            found.extend(statuses)
    return list(dict.fromkeys(found))


_NEGATIONS = (
    ("excluding",), ("exclude",), ("except",), ("excl",), ("outside",), ("not",), ("other", "than"),
    ("apart", "from"), ("without",), ("besides",), ("minus",), ("but", "not"), ("arent",),
    ("isnt",), ("are", "not"), ("is", "not"), ("everything", "but"), ("everyone", "but"),
    ("all", "but"), ("anything", "but"),
)  # fmt: skip
_NEGATION_SKIP = frozenset({"the", "in", "from", "of", "for", "our", "any"})


def read_negated(doc: Doc, segment_words: Iterable[str]) -> tuple[int, int] | None:
    """Where a segment is excluded ("excluding affiliates", "outside the US", "non-gold
    partners", "except leo's"): the token span, claimed, so its values become `excluding`
    and are never read as the segment asked for."""
    words = {w.casefold() for w in segment_words}
    keys = doc.free_keys()
    for i, key in enumerate(keys):
        if key and key.startswith("non") and key[3:] in words:  # "non-gold" -> "nongold"
            doc.claim(i, i + 1)
            return i, i + 1
    for lead in _NEGATIONS:
        at = find_phrase(keys, lead)
        if at < 0:
            continue
        stop = at + len(lead)
        while stop < len(keys) and keys[stop] in _NEGATION_SKIP:
            stop += 1
        first = stop
        while (
            stop < len(keys)
            and keys[stop] is not None
            and (
                keys[stop] in words
                or str(keys[stop]).removesuffix("s") in words
                or (keys[stop] == "by" and keys[stop - 1] in ("managed", "owned"))
                or (  # "not in the US or UK", "excluding affiliates and agencies"
                    keys[stop] in ("or", "and", "nor")
                    and stop + 1 < len(keys)
                    and keys[stop + 1] is not None
                    and (keys[stop + 1] in words or keys[stop + 1] in _NEGATION_SKIP)
                )
                or (keys[stop] in _NEGATION_SKIP and stop > first)
            )
        ):
            if keys[stop] in ("tagged", "tag") and stop + 1 < len(keys) and keys[stop + 1]:
                stop += 1  # "not tagged emea": the tag, whatever word it is
            stop += 1
        while stop > first and keys[stop - 1] in _NEGATION_SKIP | {"or", "and", "nor"}:
            stop -= 1  # "excluding affiliates for last month": not the "for"
        if stop > first:
            doc.claim(at, stop)
            return at, stop
    return None


def read_overlap(doc: Doc) -> bool:
    """Asks to rank partners by audience overlap ("highest audience overlap")."""
    hits = phrase_hits(doc, OVERLAP_PHRASES)
    if not hits:
        return False
    at, phrase = min(hits)
    doc.claim(at, at + len(phrase))
    return True


def read_commission_model(doc: Doc) -> str | None:
    """ "on CPA", "revshare partners", "flat fee deals" (claimed, so "cpa" is not payout)."""
    keys = doc.free_keys()
    found = []
    for at, phrase in phrase_hits(doc, [p for p, _ in COMMISSION_PHRASES]):
        after = keys[at + len(phrase)] if at + len(phrase) < len(keys) else None
        before = keys[at - 1] if at > 0 else None
        if "share" in phrase and not (before == "on" or after in _DEAL_WORDS | PARTNER_NOUNS):
            continue  # "q2 revenue share by tier" is a share of revenue, not a deal
        found.append((at, phrase, after))
    if not found:
        return None
    at, phrase, after = min(found)
    stop = at + len(phrase) + (after in _DEAL_WORDS)  # "on cpa commission": one phrase
    doc.claim(at, stop)
    return dict(COMMISSION_PHRASES)[phrase]


_DEAL_WORDS = frozenset({"commission", "commissions", "deal", "deals", "model", "terms"})


_MY_NOUNS = OWNED_NOUNS | frozenset(TYPE_WORDS) | {"book", "accounts", "portfolio"}


def read_my(doc: Doc) -> bool:
    """The asking person's own partners: "my partners", "my active affiliates", "my book",
    "how many partners do I manage", "which partners do I own"."""
    keys = doc.free_keys()
    for i, key in enumerate(keys[:-1]):
        if key in ("my", "mine") and any(k in _MY_NOUNS for k in keys[i + 1 : i + 4]):
            doc.claim(i, i + 1)
            return True
    about_partners = any(k in _MY_NOUNS for k in keys)
    for i, key in enumerate(keys[:-1]):
        owning = keys[i + 1] in {"have", "manage", "own", "run", "handle"}
        if key == "i" and owning and about_partners:
            doc.claim(i, i + 2)
            return True
    return False


def read_owners(doc: Doc, owners: Iterable[str]) -> list[str]:
    """Partner managers named in words: "Maya's partners", "owned by leo", "managed by Sam".

    A name that is also router vocabulary counts only next to an ownership word (owned,
    managed, book, portfolio, a possessive).
    """
    locals_: dict[str, str] = {}
    for owner in owners:
        base = owner.casefold().split("@")[0]
        for local in {base, base.split(".")[0], base.split(" ")[0]}:
            if local and local.isalpha() and len(local) >= 3:
                locals_.setdefault(local, owner)
    found: list[str] = []
    keys = doc.free_keys()
    for i, key in enumerate(keys):
        if key is None or key not in locals_:
            continue
        raw = doc.tokens[i].raw
        before = keys[i - 1] if i > 0 else None
        after = keys[i + 1] if i + 1 < len(keys) else None
        possessive = raw.endswith(("'s", "’s"))
        led = before in OWNER_LEADS
        # A manager's name that is no other word of the router ("leo gold partners",
        # "priya b2b brand revenue") is that manager: partner names were spotted first.
        plain = key not in KNOWN_WORDS
        if possessive or led or plain or (after in OWNED_NOUNS and raw[:1].isupper()):
            start = i - 1 if led else i
            doc.claim(start, i + 1)
            found.append(key)
    return list(dict.fromkeys(found))
