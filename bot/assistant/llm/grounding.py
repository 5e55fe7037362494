"""Whether a model's paragraph states only figures this turn's tools computed.

The LLM may frame tool results in a few words of its own, but a figure it invents or
mis-rounds would read as ours. So a paragraph is shown only when every figure in it (an
amount, count, percentage, multiple or date) matches a figure the tools returned, their
rendered answers showed, or the user typed ("top 5"); `ungrounded()` names the ones that
do not.

How figures compare:
- Magnitudes only: "a drop of 12%" matches -12 in the data; the currency is not checked.
- A figure matches a known value that rounds to it at the precision it is written with:
  "12%" matches 12.34 and 11.6, "12.3k" matches 12,345 and 12,251. ROUND_HALF_UP, and
  ROUND_HALF_EVEN as well (12.25 may read "12.2%"): both are honest roundings. Truncation
  is not accepted ("12k" for 12,900 is wrong), except after a hedge that says which way
  the figure was cut: "over 12k" matches 12,000..13,000, "almost 13k" 12,000..13,000.
- A percentage also matches a fraction (12.3% matches 0.123), since results store both.
- A value the rendered texts show is known only to the precision they show it with:
  "$12,346" in a text grounds "$12.3k" but not "$12,345.67".
- Ordinals ("3rd", "#2", "No. 2", "top 5") also match any rank 1..n of a list of n rows.
- A date matches a known date on the parts it names: "August 3" and "Q3" match a result
  holding "2026-08-03"; a bare year ("in 2026") matches any known date in that year.
- Written in en, pl, de, fr, es and ko: "12.345,67", "12 345,67" (also with U+00A0 or
  U+202F), "12'345.67", "1,2 mln", "12 tys.", "3 sierpnia 2026", "2026년 8월 3일",
  "1,234만", "3억". An ambiguous "1,234" or "1.234" matches if either reading does.

Not figures, and ignored: digits glued to words or identifiers (B2B, H2O, p95, GPT-4o,
P-0012, app-17, U0123ABC), runs of three or more dotted numbers (versions, "1.2.3"), URLs,
e-mail addresses, Slack mentions and channels, and times of day ("09:30", "5 pm").

Out of scope: spelled-out numbers ("five partners", "a dozen"), Roman numerals ("III kw."),
dates with two-digit years ("8/3/26") and the dotted German/Polish ordinal ("3. Platz",
read as the number 3).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

Kind = Literal["number", "percent", "multiple", "date"]
Bound = Literal["over", "under"]
DateKey = tuple[str | int, ...]


@dataclass(frozen=True)
class When:
    """A calendar reference with the parts it names: 'August 3' has no year, 'Q3' no month."""

    year: int | None = None
    half: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None

    def key(self) -> DateKey:
        """The parts named, tagged by which they are: ('ymd', 2026, 8, 3), ('q', 3)."""
        parts = (
            ("y", self.year),
            ("h", self.half),
            ("q", self.quarter),
            ("m", self.month),
            ("d", self.day),
        )
        named = [(tag, value) for tag, value in parts if value is not None]
        return ("".join(tag for tag, _ in named), *(value for _, value in named))

    def grounds(self) -> Iterator[DateKey]:
        """Every reference this known date makes true: 2026-08-03 grounds 'Q3', 'August'."""
        year, month, day = self.year, self.month, self.day
        quarter = self.quarter or (month and (month + 2) // 3)
        half = self.half or (quarter and (quarter + 1) // 2)
        if year:
            yield ("y", year)
        for tag, part in (("h", half), ("q", quarter), ("m", month)):
            if part:
                yield (tag, part)
                if year:
                    yield ("y" + tag, year, part)
        if month and day:
            yield ("md", month, day)
            if year:
                yield ("ymd", year, month, day)


@dataclass(frozen=True)
class Figure:
    """One figure as a paragraph writes it, with the magnitude and precision it states."""

    text: str
    value: Decimal
    decimals: int
    """Decimals shown, of the scaled value: '12.3k' is 12300 to -2 decimals (hundreds)."""
    kind: Kind
    start: int = 0
    """Where `text` starts in the paragraph."""
    scale: int = 0
    """The power of ten a suffix multiplied the written number by: 3 for 'k', 8 for '억'."""
    alternatives: tuple[tuple[Decimal, int], ...] = ()
    """Other readings (value, decimals) of an ambiguous separator: '1,234' is 1234 or 1.234."""
    ordinal: bool = False
    """A rank ('3rd', '#2', 'No. 2', 'top 5'): may also match a list position."""
    bound: Bound | None = None
    """'over 12k' / 'almost 13k': the figure was cut towards this side on purpose."""
    when: tuple[When, ...] = ()
    """A date's readings (two for an ambiguous '03/08/2026'); empty for other kinds."""

    @property
    def readings(self) -> tuple[tuple[Decimal, int], ...]:
        return ((self.value, self.decimals), *self.alternatives)


class FigureSet:
    """The figures a turn's tools computed, indexed for rounding-aware look-ups.

    Values from results are exact; values read from rendered texts keep the decimals they
    were shown with, since a text's "12k" cannot ground a paragraph's "12,000". Magnitudes
    are kept sorted so a look-up is a bisection per reading, whatever the result's size.
    """

    def __init__(self) -> None:
        self._exact: list[Decimal] = []
        self._shown: dict[int, list[Decimal]] = {}
        self._dates: set[DateKey] = set()
        self._max_rank = 0
        self._sorted = True

    def matches(self, figure: Figure) -> bool:
        """Whether a known figure, rounded to the precision `figure` shows, equals it."""
        if figure.kind == "date":
            return any(when.key() in self._dates for when in figure.when)
        self._sort()
        for value, decimals in figure.readings:
            if self._near(value, decimals, figure.bound):
                return True
            fraction = value.scaleb(-2)  # 12.3% stored as 0.123
            if figure.kind == "percent" and self._near(fraction, decimals + 2, figure.bound):
                return True
        if figure.ordinal and figure.decimals == 0 and 1 <= figure.value <= self._max_rank:
            return True
        return _year_like(figure) and ("y", int(figure.value)) in self._dates

    def _add_exact(self, value: Decimal) -> None:
        if value.is_finite():
            self._exact.append(abs(value))
            self._sorted = False

    def _add_shown(self, figure: Figure) -> None:
        for when in figure.when:
            self._dates.update(when.grounds())
        if figure.kind == "date":
            return
        for value, decimals in figure.readings:
            self._shown.setdefault(decimals, []).append(value)
        self._sorted = False

    def _add_rows(self, count: int) -> None:
        self._add_exact(Decimal(count))
        self._max_rank = max(self._max_rank, count)

    def _add_date(self, when: When) -> None:
        self._dates.update(when.grounds())

    def _sort(self) -> None:
        if not self._sorted:
            self._exact.sort()
            for values in self._shown.values():
                values.sort()
            self._sorted = True

    def _near(self, value: Decimal, decimals: int, bound: Bound | None) -> bool:
        """A known value in one of the intervals that round (or are cut) to `value`."""
        unit = Decimal(1).scaleb(-decimals)
        half = unit / 2
        even = int(value.scaleb(decimals)) % 2 == 0  # half-even also keeps value + half
        intervals = [(value - half, value + half, even)]
        if bound == "over":
            intervals.append((value, value + unit, False))
        elif bound == "under":
            intervals.append((value - unit, value, True))
        return any(self._within(lo, hi, closed, decimals) for lo, hi, closed in intervals)

    def _within(self, lo: Decimal, hi: Decimal, closed: bool, decimals: int) -> bool:
        lists = [self._exact]
        lists += [values for shown, values in self._shown.items() if shown >= decimals]
        return any(_hit(values, lo, hi, closed) for values in lists)


def _hit(values: list[Decimal], lo: Decimal, hi: Decimal, closed: bool) -> bool:
    i = bisect_left(values, lo)
    return i < len(values) and (values[i] < hi or (closed and values[i] == hi))


def _year_like(figure: Figure) -> bool:
    """'2026' as a bare number reads as a year: a known date in that year grounds it."""
    return (
        figure.kind == "number"
        and len(figure.text) == 4
        and figure.text.isdigit()
        and 1900 <= figure.value < 2200
    )


def figures_in(text: str) -> list[Figure]:
    """The figures a paragraph states, in order; identifiers, URLs and times left out."""
    work = _mask(text, [*_NOT_FIGURES, _TIME])
    named = not _NAMES_BY_GROUP["mn"].isdisjoint(w.lower() for w in _WORD.findall(work))
    dates: list[Figure] = []
    for rule in _CALENDAR:
        if (rule.month_name and not named) or (rule.needs and rule.needs.isdisjoint(work)):
            continue  # the cheap test first: most labels hold no date at all
        spans: list[tuple[int, int]] = []
        for match in rule.pattern.finditer(work):
            if found := rule.read(text, match):
                dates += found
                spans.append(match.span())
        work = _mask(work, [], spans)
    figures = _inherit_years(work, sorted(dates, key=lambda f: f.start)) + _numbers(text, work)
    return sorted(figures, key=lambda f: f.start)


def known_figures(results: Iterable[object], texts: Iterable[str] = ()) -> FigureSet:
    """Everything this turn computed: JSON-ready tool results, their rendered answers and
    the user's question (numbers the user typed may be said back)."""
    known = FigureSet()
    for result in results:
        _add_json(known, result)
    for text in texts:
        for figure in figures_in(text):
            known._add_shown(figure)
    return known


def ungrounded(text: str, known: FigureSet) -> list[Figure]:
    """The figures in `text` that match nothing known; [] means the paragraph may be shown."""
    return [figure for figure in figures_in(text) if not known.matches(figure)]


# --- known figures from JSON ---------------------------------------------------------------

_NUMERIC_STRING = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_HAS_DIGIT = re.compile(r"\d")


def _add_json(known: FigureSet, value: object) -> None:
    seen: set[str] = set()  # keys and labels repeat on every row: read each once
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item not in seen:
                seen.add(item)
                _add_string(known, item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int | Decimal):
            known._add_exact(Decimal(item))
        elif isinstance(item, float):
            known._add_exact(Decimal(repr(item)))
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            known._add_rows(len(item))
            stack.extend(item)
        elif isinstance(item, date):
            known._add_date(When(year=item.year, month=item.month, day=item.day))


def _add_string(known: FigureSet, text: str) -> None:
    """'12.50' is an exact value; '2026-10-01' a date; a label's figures count as shown."""
    if not _HAS_DIGIT.search(text):
        return
    stripped = text.strip()
    if _NUMERIC_STRING.fullmatch(stripped):
        known._add_exact(Decimal(stripped))
        return
    if (glued := _BARE_ID.fullmatch(stripped)) and glued["head"].upper() not in _NOT_IDS:
        return  # 'P-0012', 'app-17': a key, not a figure (figures_in would say so, slower)
    if (iso := _ISO_DAY.fullmatch(stripped)) is not None:  # the commonest string: be quick
        when = _day(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        if when is not None:
            known._add_date(when)
            return
    for figure in figures_in(text):
        known._add_shown(figure)


# --- masking what is not a figure ------------------------------------------------------------

_MASK = "\ufffc"
_CURRENCY_CODES = (
    "USD", "EUR", "GBP", "PLN", "CHF", "KRW", "JPY",
    "INR", "SEK", "NOK", "DKK", "CZK", "CAD", "AUD",
)  # fmt: skip
_NOT_FIGURES = [
    # A Slack link's address, not its label: "<https://x|$312,000>" shows "$312,000".
    re.compile(r"(?i:(?<=<)(?:https?://|mailto:)[^<>|\s]*(?=[|>]))"),
    re.compile(r"(?i:\b(?:https?://|www\.)[^\s<>|]+)"),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Slack mentions and channels as Slack writes them: <@U123ABC>, <#C01ABC|general>,
    # <!here>, <!subteam^S123>; anything else in angle brackets is read like text.
    re.compile(r"<(?:@[UW][A-Z0-9]{2,}|#C[A-Z0-9]{2,}(?:\|[^<>]*)?|![a-z^A-Z0-9|]+)>"),
    # @user1 and #q3-results, never #2 or @312k (a figure after a sign is still a figure).
    re.compile(r"(?<![\w&])[@#](?![\d.,]+[kKmM]?\b)[\w.-]*[A-Za-z_][\w.-]*"),
]
_TIME = re.compile(
    r"(?<![\d:.,T])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])(?:\s?(?i:am|pm|a\.m\.|p\.m\.))?"
    r"|(?<![\w.,])\d{1,2}\s?(?i:am|pm|a\.m\.|p\.m\.)(?![A-Za-z])"
)


def _mask(
    text: str, patterns: Iterable[re.Pattern[str]], spans: Iterable[tuple[int, int]] = ()
) -> str:
    """`text` with these spans blanked out, keeping every offset where it was."""
    cut = list(spans)
    for pattern in patterns:
        cut += [match.span() for match in pattern.finditer(text)]
    if not cut:
        return text
    chars = list(text)
    for start, end in cut:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


# --- dates ---------------------------------------------------------------------------------

_FULL_MONTHS = {
    1: "january styczeń stycznia styczniu januar jänner janvier enero",
    2: "february luty lutego lutym februar février fevrier febrero",
    3: "march marzec marca marcu märz maerz mars marzo",
    4: "april kwiecień kwietnia kwietniu avril abril",
    5: "may maj maja maju mai mayo",
    6: "june czerwiec czerwca czerwcu juni juin junio",
    7: "july lipiec lipca lipcu juli juillet julio",
    8: "august sierpień sierpnia sierpniu août aout agosto",
    9: "september wrzesień września wrześniu septembre septiembre setiembre",
    10: "october październik października październiku oktober octobre octubre",
    11: "november listopad listopada listopadzie novembre noviembre",
    12: "december grudzień grudnia grudniu dezember décembre decembre diciembre",
}
_SHORT_MONTHS = {
    1: "jan sty janv ene",
    2: "feb lut fév févr fevr",
    3: "mar mär mrz",
    4: "apr kwi avr abr",
    5: "",
    6: "jun cze",
    7: "jul lip juil",
    8: "aug sie ago",
    9: "sep sept wrz",
    10: "oct paź okt",
    11: "nov lis",
    12: "dec gru dez déc dic",
}
_ENGLISH_MONTHS = (
    "january jan february feb march mar april apr may june jun july jul august aug "
    "september sep sept october oct november nov december dec"
)
_MONTHS = {
    name: month
    for table in (_FULL_MONTHS, _SHORT_MONTHS)
    for month, names in table.items()
    for name in names.split()
}


_BARE_ID = re.compile(r"(?P<head>[A-Za-z]{1,12})[-_]?\d[\w-]*")
_NOT_IDS = frozenset(
    {"Q", "H", "FY", "NO", "NR", "TOP", *_CURRENCY_CODES, *map(str.upper, _MONTHS)}
)
"""Letters that, before digits, make a figure rather than a key: 'Q3', 'FY26', 'USD12'."""
_NAMES_BY_GROUP = {
    "mn": frozenset(_MONTHS),
    "en": frozenset(_ENGLISH_MONTHS.split()),
    "full": frozenset(" ".join(_FULL_MONTHS.values()).split()) - {"may"},
}
"""Which month names a pattern's group accepts: a word is looked up, not matched by a
regex alternation of every name (ten times faster)."""
_ANY_MONTH = r"\b(?P<mn>[^\W\d_]{3,})\b\.?"
_EN_MONTH = r"\b(?P<en>[^\W\d_]{3,})\b\.?"
_BARE_MONTH = r"\b(?P<full>[^\W\d_]{3,})\b"
_WORD = re.compile(r"[^\W\d_]{3,}")
_YEAR = r"(?P<y>(?:19|20|21)\d{2})(?!\d|[.,]\d)"
_ORD = r"(?:st|nd|rd|th|er|\.)?"
_SEP = r"(?:\s*[–—~-]\s*|\s+(?:to|do|bis|au|al|until|till)\s+)"
_SEP_AT_END = re.compile(rf"\.?{_SEP}$")
_NOT_AMOUNT = r"(?!\d|[.,]\d|\s?[%×]|[kKmMxX](?![A-Za-z]))"

_ISO_DAY = re.compile(
    r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w-])"
)
_ISO_MONTH = re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})(?![\w-])")
_YMD_SLASHED = re.compile(
    r"(?<![\w./-])(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?![\w/]|\.\d)"
)
_KOREAN_DAY = re.compile(
    r"(?:(?P<y>\d{4})\s*년\s*)?(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"
    r"(?:\s*(?:~|–|-|부터)\s*(?:(?P<m2>\d{1,2})\s*월\s*)?(?P<d2>\d{1,2})\s*일)?"
)
_KOREAN_MONTH = re.compile(r"(?:(?P<y>\d{4})\s*년\s*)?(?<!\d)(?P<m>\d{1,2})\s*월")
_KOREAN_YEAR = re.compile(r"(?<!\d)(?P<y>\d{4})\s*년")
_DOTTED = re.compile(
    r"(?<![\w.,])(?:(?P<d0>\d{1,2})\.?(?:(?P<m0>\d{1,2})\.)?\s*[–—-]\s*)?"
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?![\w]|[.,]\d)"
)
_SLASHED = re.compile(r"(?<![\w./])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\w/])")
_DAY_MONTH = re.compile(
    rf"(?<![\w.,'’])(?:(?P<d0>\d{{1,2}}){_ORD}{_SEP})?(?P<d>\d{{1,2}}){_ORD}(?:\s+de)?\s+"
    rf"{_ANY_MONTH}(?:,?\s+(?:de\s+)?{_YEAR})?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"{_EN_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:\s*[–—-]\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?{_NOT_AMOUNT}(?:,?\s+{_YEAR})?",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"{_ANY_MONTH},?\s+{_YEAR}(?:\s*r\.)?")
_MONTH_ALONE = re.compile(_BARE_MONTH)
_MAY = re.compile(
    r"\b(?i:in|of|since|during|until|through|from|by|early|late|mid)[\s-]+(?P<mn>May)\b"
)
"""'May' alone is a verb as often as a month: only 'in May', 'since May' … count."""
_QUARTER = re.compile(
    r"(?<![\w])[Qq](?P<q>[1-4])(?:\s*['’](?P<yy>\d{2})|[\s/-]*(?P<y>(?:19|20|21)\d{2}))?(?!\w)"
    r"|(?<![\w])(?P<y2>(?:19|20|21)\d{2})\s*[-/ ]?\s*[Qq](?P<q2>[1-4])(?!\w)"
    r"|(?<![\w])(?P<q3>[1-4])Q\s?(?P<yy3>\d{2}(?!\d)|(?:19|20|21)\d{2})?(?!\w)"
    r"|(?<![\w.,])(?P<q4>[1-4])(?:\.|st|nd|rd|th)?\s*"
    r"(?i:quarter|quartal|kwartał\w*|kw\.|trimestre)(?!\w)"
    r"(?:\s+(?i:of\s+|de\s+|roku\s+)?(?P<y4>(?:19|20|21)\d{2}))?"
    r"|(?:(?P<y5>(?:19|20|21)\d{2})\s*년\s*)?(?P<q5>[1-4])\s*분기"
)
_HALF = re.compile(
    r"(?<![\w])[Hh](?P<h>[12])(?:\s*['’](?P<yy>\d{2})|[\s/-]*(?P<y>(?:19|20|21)\d{2}))?(?!\w)"
    r"|(?<![\w])(?P<y2>(?:19|20|21)\d{2})\s*[-/ ]?\s*[Hh](?P<h2>[12])(?!\w)"
    r"|(?<![\w])(?P<h3>[12])H\s?(?P<yy3>\d{2}(?!\d)|(?:19|20|21)\d{2})?(?!\w)"
)
_FISCAL_YEAR = re.compile(r"(?<![\w])FY\s?['’]?(?P<y>\d{4}|\d{2})(?!\w)")
_RANGE_GAP = re.compile(r"\s*(?:[–—~-]|to|do|bis|until|till|and|i|und|et|y)\s*", re.I)

Found = list[Figure]


def _day(year: int | None, month: int, day: int | None) -> When | None:
    """The date if it exists (a year-less 29 February is allowed)."""
    try:
        date(year or 2000, month, day or 1)
    except ValueError:
        return None
    return When(year=year, month=month, day=day)


def _date_figure(text: str, start: int, end: int, *whens: When) -> Figure:
    first = whens[0]
    part = first.day or first.month or first.quarter or first.half or first.year or 0
    return Figure(text[start:end], Decimal(part), 0, "date", start=start, when=whens)


def _month_of(match: re.Match[str]) -> int | None:
    """The month a match names, if its word is a month name its pattern accepts."""
    groups = match.groupdict()
    for group, names in _NAMES_BY_GROUP.items():
        if word := groups.get(group):
            return _MONTHS[word.lower()] if word.lower() in names else None
    month = int(match["m"])
    return month if 1 <= month <= 12 else None


def _name_start(match: re.Match[str]) -> int:
    named = [match.start(group) for group in _NAMES_BY_GROUP if match.groupdict().get(group)]
    return named[0] if named else match.start()


def _optional(value: str | None) -> int | None:
    return int(value) if value else None


def _read_day(text: str, match: re.Match[str]) -> Found:
    """One date, or two for a range written once: '1–31 Oct 2026', 'Oct 1–31, 2026'."""
    groups = match.groupdict()
    year, month = _optional(groups.get("y")), _month_of(match)
    main = None if month is None else _day(year, month, _optional(groups.get("d")))
    if main is None or month is None:
        return []
    if groups.get("d0"):
        first = _day(year, _optional(groups.get("m0")) or month, int(groups["d0"]))
        if first is None:
            return []
        head = _SEP_AT_END.sub("", text[match.start() : match.start("d")])
        return [
            _date_figure(text, match.start(), match.start() + len(head), first),
            _date_figure(text, match.start("d"), match.end(), main),
        ]
    if groups.get("d2"):
        second = _day(year, _optional(groups.get("m2")) or month, int(groups["d2"]))
        if second is None:
            return []
        return [
            _date_figure(text, match.start(), match.end("d"), main),
            _date_figure(text, match.start("d2"), match.end(), second),
        ]
    return [_date_figure(text, match.start(), match.end(), main)]


def _read_slashed(text: str, match: re.Match[str]) -> Found:
    """'03/08/2026' is 3 August in most of the world and 8 March in the US: keep both."""
    year, a, b = int(match["y"]), int(match["a"]), int(match["b"])
    readings = [when for when in (_day(year, b, a), _day(year, a, b)) if when is not None]
    if not readings:
        return []
    return [_date_figure(text, match.start(), match.end(), *dict.fromkeys(readings))]


def _read_year(text: str, match: re.Match[str]) -> Found:
    year = int(match["y"])
    if len(match["y"]) == 2:
        year += 2000
    return [_date_figure(text, match.start(), match.end(), When(year=year))]


def _read_period(text: str, match: re.Match[str]) -> Found:
    """'Q3 2026', "Q3'26", '2026 Q3', '3Q26', '3rd quarter', '3분기', 'H1 2026'."""
    groups = {name: value for name, value in match.groupdict().items() if value}
    year = next((int(v) for k, v in groups.items() if k.startswith("y") and len(v) == 4), None)
    short = next((int(v) for k, v in groups.items() if k.startswith("yy")), None)
    if year is None and short is not None:
        year = 2000 + short
    quarter = next((int(v) for k, v in groups.items() if k.startswith("q")), None)
    half = next((int(v) for k, v in groups.items() if k.startswith("h")), None)
    when = When(year=year, half=half, quarter=quarter)
    return [_date_figure(text, match.start(), match.end(), when)]


def _read_month(text: str, match: re.Match[str]) -> Found:
    groups = match.groupdict()
    month = _month_of(match)
    if month is None:
        return []
    when = When(year=_optional(groups.get("y")), month=month)
    return [_date_figure(text, _name_start(match), match.end(), when)]


@dataclass(frozen=True)
class _Rule:
    """One calendar pattern, tried in order; each masks what it read from the ones after."""

    pattern: re.Pattern[str]
    read: Callable[[str, re.Match[str]], Found]
    needs: frozenset[str] = frozenset()
    """Characters of which the text must hold one for the pattern to have a chance."""
    month_name: bool = False


_CALENDAR = [
    _Rule(_ISO_DAY, _read_day, frozenset("-")),
    _Rule(_ISO_MONTH, _read_month, frozenset("-")),
    _Rule(_YMD_SLASHED, _read_day, frozenset("/.")),
    _Rule(_KOREAN_DAY, _read_day, frozenset("월")),
    _Rule(_QUARTER, _read_period),
    _Rule(_KOREAN_MONTH, _read_month, frozenset("월")),
    _Rule(_KOREAN_YEAR, _read_year, frozenset("년")),
    _Rule(_DOTTED, _read_day, frozenset(".")),
    _Rule(_SLASHED, _read_slashed, frozenset("/")),
    _Rule(_DAY_MONTH, _read_day, month_name=True),
    _Rule(_MONTH_DAY, _read_day, month_name=True),
    _Rule(_MONTH_YEAR, _read_month, month_name=True),
    _Rule(_HALF, _read_period, frozenset("Hh")),
    _Rule(_FISCAL_YEAR, _read_year, frozenset("F")),
    _Rule(_MONTH_ALONE, _read_month, month_name=True),
    _Rule(_MAY, _read_month, month_name=True),
]


def _inherit_years(work: str, dates: Found) -> Found:
    """'1 Jul – 30 Sep 2026': a range's first end takes the year written once at its end."""
    out = list(dates)
    for i in range(len(out) - 1):
        first, second = out[i], out[i + 1]
        year = second.when[0].year
        gap = work[first.start + len(first.text) : second.start]
        if year and all(w.year is None for w in first.when) and _RANGE_GAP.fullmatch(gap):
            out[i] = replace(first, when=tuple(replace(w, year=year) for w in first.when))
    return out


# --- numbers -------------------------------------------------------------------------------

_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_WORD_END = f"(?![{_LATIN}\\d])"
_SPACES = " \u00a0\u202f\u2009"
_CORE = re.compile(
    r"(?<!\d)(?:"
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 12,345.67
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # 12.345,67
    rf"|\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?"  # 12 345,67 (also U+00A0, U+202F)
    r"|\d{1,3}(?:['’]\d{3})+(?:\.\d+)?"  # 12'345.67
    r"|\d+(?:[.,]\d+)?"
    r")(?!\d)"
)
_CODES = "|".join(_CURRENCY_CODES)
_LEAD = re.compile(
    rf"(?:(?<!\w)[-+−]\s?)?(?:(?:US|A|C|NZ|HK)?\$|[€£¥₩₹]|zł|\b(?:{_CODES}))?[{_SPACES}]?"
    r"(?:(?<!\w)[-+−])?$"
)
_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./")
_ALLOWED_BEFORE = re.compile(rf"(?:{_CODES})|(?i:top)-|[-./]+")
_NUMBER_SIGN = re.compile(r"(?:#|№|\b(?:No|no|Nr|nr)\.\s?|\b(?:Nr|nr)\s)$")
_RANK_WORD = re.compile(
    r"\b(?i:top|rank(?:ed)?|place[d]?|position|platz|rang|miejsc\w*|pozycj\w*|puesto|lugar)"
    r"(?:\s+|-)(?:#|No\.\s?)?$"
)
_OVER = re.compile(
    r"\b(?i:over|more\s+than|above|at\s+least|exceeding|upwards\s+of|north\s+of|ponad|"
    r"powyżej|przeszło|über|mehr\s+als|plus\s+de|más\s+de)\s+$"
)
_UNDER = re.compile(
    r"(?:\b(?i:under|less\s+than|below|almost|nearly|just\s+under|up\s+to|poniżej|prawie|"
    r"niemal|blisko|unter|fast|knapp|beinahe|presque|casi)|거의)\s+$"
)
_KOREAN_BOUND = re.compile(r"\s?(?:(?P<over>이상|초과|넘게|넘는)|(?P<under>미만|이하|가까이))")
_SCALE_WORDS = (
    ("k12", r"\s?조"),
    ("k8", r"\s?억"),
    ("k7", r"\s?천만"),
    ("k6", r"\s?백만"),
    ("k4", r"\s?만"),
    ("k3", r"\s?천"),
    ("s3", rf"[kK](?![{_LATIN}])"),
    ("s6", rf"[mM](?![{_LATIN}])"),
    ("s9", rf"B(?![{_LATIN}])"),
    ("w9", r"\s?(?i:bn|mld\.?|mrd\.?|billions?|milliarden?|miliard(?:y|ów|a)?|milliards?)"),
    ("w6", r"\s?(?i:mln\.?|mn|mio\.?|millions?|millionen|milion(?:y|ów|a)?|millones|millón)"),
    ("m6", r"\sM"),
    ("t3", r"\s?(?i:tys\.|tys|tysi[ąę]c\w*|tsd\.?|thousands?)"),
)
_SCALE = re.compile(
    "|".join(rf"(?P<{name}>{pattern}(?![{_LATIN}]))" for name, pattern in _SCALE_WORDS)
)
"""A scale after a number; the group's name says its power of ten, 'k…' for Korean."""
_PERCENT = re.compile(
    rf"\s?(?:%\s?p(?![{_LATIN}])|%|퍼센트\s?포인트|퍼센트|포인트|(?i:percentage\s+points?|percent|"
    r"per\s?cent|pct\.?|pp|p\.p\.|pts?|points?|prozentpunkte?|prozent|proc\.?|procent\w*|"
    r"punkt\w*\s+procentow\w*|punkt\w*|pkt\.?(?:\s?proc\.?)?|pour\s?cent|"
    r"points?\s+de\s+pourcentage|por\s?ciento|puntos?\s+porcentuales|puntos?)"
    rf"(?![{_LATIN}]))"
)
_MULTIPLE = re.compile(rf"\s?×|[xX]{_WORD_END}|\s?배|-?(?i:fach)(?![{_LATIN}])")
_ORDINAL = re.compile(rf"(?:st|nd|rd|th|er|re|ème|e|º|ª){_WORD_END}|\s?(?:위|번째|등)")
_KINDS: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (_PERCENT, "percent"),
    (_MULTIPLE, "multiple"),
    (_ORDINAL, "number"),
)
_CURRENCY_AFTER = re.compile(
    rf"[{_SPACES}]?(?:zł|(?:{_CODES})(?![A-Za-z])|[€$£₩]|원|円|kr(?![{_LATIN}])|Kč)"
)
_LIST_ITEM = re.compile(r"[.)]\s")
_VERSION_TAIL = re.compile(r"[\d.]*")
_SPAN_GAP = re.compile(r"\s*(?:[–—~-]|to|do|bis)\s*")
"""Between the ends of a range written with one unit: '1.2–1.5M', '12 to 15k'."""


@dataclass
class _Raw:
    """A number being read: its readings as written, before any suffix scales them."""

    start: int
    end: int
    readings: list[tuple[Decimal, int]]
    scale: int = 0
    kind: Kind = "number"
    ordinal: bool = False
    bound: Bound | None = None
    korean: bool = False
    suffixed: bool = False


def _numbers(text: str, work: str) -> Found:
    raws: list[_Raw] = []
    pos = 0
    while (match := _CORE.search(work, pos)) is not None:
        raw, pos = _read_number(work, match)
        if raw is not None:
            raws.append(raw)
    return [_figure(text, raw) for raw in _joined(work, raws)]


def _read_number(work: str, match: re.Match[str]) -> tuple[_Raw | None, int]:
    """The figure at `match`, or None for a part of an identifier or a version."""
    start, end = match.span()
    if work.startswith(".", end) and work[end + 1 : end + 2].isdigit():  # 1.2.3: a version
        tail = _VERSION_TAIL.match(work, end)
        return None, tail.end() if tail else end
    sign = _NUMBER_SIGN.search(work, max(0, start - 5), start)
    ordinal = bool(sign or _RANK_WORD.search(work, max(0, start - 20), start))
    if not ordinal and _glued_before(work, start):
        return None, end
    raw = _Raw(start=start, end=end, readings=_readings(match.group()), ordinal=ordinal)
    _read_suffixes(work, raw)
    if _glued_after(work, raw.end) or work.startswith("-party", raw.end):  # a 3rd-party tool
        return None, raw.end
    lead = _LEAD.search(work, max(0, start - 8), start)
    if sign is not None:
        raw.start = sign.start()
    elif lead is not None and lead.group().strip():
        raw.start = lead.start() + len(lead.group()) - len(lead.group().lstrip())
    hedge = work[max(0, raw.start - 20) : raw.start]
    raw.bound = raw.bound or ("over" if _OVER.search(hedge) else None)
    raw.bound = raw.bound or ("under" if _UNDER.search(hedge) else None)
    line = work[work.rfind("\n", 0, raw.start) + 1 : raw.start]
    if not line.strip(" \t*•>-") and _LIST_ITEM.match(work, raw.end):
        raw.ordinal = True  # "1. Acme …": a numbered list is a ranking
    return raw, raw.end


def _glued_before(work: str, start: int) -> bool:
    """'P-0012', 'app-17', 'GPT-4o', 'B2B', 'p95': digits that are part of a name."""
    i = start
    while i > 0 and (work[i - 1] in _TOKEN or _is_latin(work[i - 1])):
        i -= 1
    glued = work[i:start]
    return any(_is_latin(c) for c in glued) and not _ALLOWED_BEFORE.fullmatch(glued)


def _glued_after(work: str, end: int) -> bool:
    """'4o', '2abc', '2026_report': letters or digits straight after the figure."""
    after = work[end : end + 2]
    if not after:
        return False
    if after[0] == "_":
        return len(after) > 1 and (after[1].isalnum() and not _is_hangul(after[1]))
    return after[0].isdigit() or _is_latin(after[0])


def _is_latin(char: str) -> bool:
    return char.isalpha() and (char.isascii() or "\u00c0" <= char <= "\u024f")


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff"


def _read_suffixes(work: str, raw: _Raw) -> None:
    """Scale ('k', 'mln', '만'), then kind ('%', '×', 'th'), then a currency after it."""
    if (found := _SCALE.match(work, raw.end)) and found.lastgroup:
        raw.scale, raw.end, raw.suffixed = int(found.lastgroup[1:]), found.end(), True
        raw.korean = found.lastgroup.startswith("k")
    for pattern, kind in _KINDS:
        if raw.scale and pattern is _ORDINAL:
            break  # '12k' is never '12kth'
        if found := pattern.match(work, raw.end):
            raw.kind, raw.end, raw.suffixed = kind, found.end(), True
            raw.ordinal = raw.ordinal or pattern is _ORDINAL
            break
    if found := _KOREAN_BOUND.match(work, raw.end):
        raw.bound = "over" if found["over"] else "under"
    if found := _CURRENCY_AFTER.match(work, raw.end):
        raw.end = found.end()


def _readings(core: str) -> list[tuple[Decimal, int]]:
    """'12,345.67' one way; '1,234' as 1234 or 1.234; '1.234' as 1.234 or 1234."""
    if any(c in core for c in _SPACES + "'’"):
        kept = "".join(c for c in core if c not in _SPACES + "'’")
        return [_decimal(kept.replace(",", "."))]
    commas, dots = core.count(","), core.count(".")
    if commas and dots:
        point = "," if core.rfind(",") > core.rfind(".") else "."
        group = "." if point == "," else ","
        return [_decimal(core.replace(group, "").replace(point, "."))]
    if not commas and not dots:
        return [_decimal(core)]
    sep = "," if commas else "."
    if core.count(sep) > 1:
        return [_decimal(core.replace(sep, ""))]
    head, _, tail = core.partition(sep)
    fraction = _decimal(f"{head}.{tail}")
    if len(tail) != 3 or len(head) > 3 or head == "0":
        return [fraction]
    grouped = _decimal(head + tail)
    return [grouped, fraction] if sep == "," else [fraction, grouped]


def _decimal(digits: str) -> tuple[Decimal, int]:
    _, _, tail = digits.partition(".")
    return Decimal(digits), len(tail)


def _joined(work: str, raws: list[_Raw]) -> list[_Raw]:
    """'1억 2,345만' is one amount; in '10–12%' and '1.2–1.5M' the first end shares the
    second's unit."""
    out: list[_Raw] = []
    for raw in raws:
        prev = out[-1] if out else None
        gap = work[prev.end : raw.start] if prev else ""
        if prev and prev.korean and raw.korean and prev.scale > raw.scale and not gap.strip():
            (value, _), shift = prev.readings[0], prev.scale - raw.scale
            readings = [(value.scaleb(shift) + v, d) for v, d in raw.readings]
            out[-1] = replace(raw, start=prev.start, readings=readings)
            continue
        if prev and not prev.suffixed and raw.suffixed and _RANGE_GAP.fullmatch(gap):
            if raw.kind in ("percent", "multiple"):
                prev.kind = raw.kind
            if raw.scale and _SPAN_GAP.fullmatch(gap):
                prev.scale = raw.scale
        out.append(raw)
    return out


def _figure(text: str, raw: _Raw) -> Figure:
    scaled = [(value.scaleb(raw.scale), decimals - raw.scale) for value, decimals in raw.readings]
    (value, decimals), *alternatives = scaled
    return Figure(
        text=text[raw.start : raw.end].strip(),
        value=value,
        decimals=decimals,
        kind=raw.kind,
        start=raw.start,
        scale=raw.scale,
        alternatives=tuple(alternatives),
        ordinal=raw.ordinal,
        bound=raw.bound,
    )
