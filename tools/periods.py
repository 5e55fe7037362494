"""Periods: a request's words ("last quarter", "since March") resolved once into a DateRange.

The grammar is explicit (a table of patterns below); dateparser is used only to read a
single day that no pattern knows ("last monday", "3 days ago"), never to guess a range.

Conventions, so every answer means the same thing by the same words:
- Weeks are ISO weeks (Monday–Sunday). "last week" is the previous Monday–Sunday.
- "October", "Q3", "H2" without a year mean the most recent one that has started.
- "last 30 days", "past 2 weeks", "last 3 months" are rolling windows ending today
  (months: from the same day-of-month n months back, plus one day).
- "since March" starts on 1 March of the most recent March that has started.
- A period that includes today ends today and is `to_date` (rolling windows too, since
  today's figures are partial); one that has not started yet is an error, not an empty answer.
- Labels name calendar units ("October 2026", "Q3 2026", "H1 2026", "2025", "2026 YTD",
  "week of 16 Nov 2026") so `previous_period` and `same_period_last_year` can be calendar
  aware; other ranges are "last 30 days", "since 1 Mar 2026", "1–15 Sep 2026".
- A running unit is compared like-for-like: Q4 to 23 Nov against 1 Jul – 23 Aug.
- "Q1 to Q2", "jan to mar", "between March and May" run from the first unit's start to the
  second unit's end; a year given on either side applies to both ("jan to mar 2025").
- Misspelt month and unit words ("septmber", "last quater") are read as the word meant, but
  only tokens that are no word we know, and never into a different real word ("monthly").
- Figures stop where the data stops: `clip_to_data` ends a period on the last imported day
  and `like_for_like` cuts its comparison to the same stretch, each with a note saying so.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Literal, cast

from pydantic import BaseModel, model_validator
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tools.errors import PeriodError


class DateRange(BaseModel):
    """An inclusive range of days in the program's timezone, with the words it came from."""

    start: date
    end: date
    label: str
    to_date: bool = False
    """The period is still running: figures cover `start`..`end` (today), not the whole period."""

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.start > self.end:
            raise ValueError(f"period starts {self.start} after it ends {self.end}")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """How an answer states its period back: 'Q3 2026 (1 Jul – 30 Sep 2026)'."""
        span = _span(self.start, self.end)
        suffix = ", to date" if self.to_date else ""
        return f"{self.label} ({span}{suffix})"


def _span(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


EXAMPLES = (
    "“last 30 days”, “this month”, “last quarter”, “Q3 2026”, “October”, “since March”, "
    "“1–15 Sep” or “2026-09-01 to 2026-09-30”"
)

Kind = Literal["day", "week", "month", "quarter", "half", "year"]

# --- calendar units -------------------------------------------------------------------------


def _day_label(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    """`d` moved by whole months, the day clamped to the target month's length."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _shift_year(d: date, years: int = -1) -> date:
    """The same calendar day `years` away; 29 Feb becomes 28 Feb in a common year."""
    return _add_months(d, 12 * years)


def _unit_of(kind: Kind, d: date) -> tuple[date, date, str]:
    """The whole calendar unit of `kind` containing `d`: (start, end, label)."""
    if kind == "day":
        return d, d, _day_label(d)
    if kind == "week":
        monday = d - timedelta(days=d.weekday())
        return monday, monday + timedelta(days=6), f"week of {_day_label(monday)}"
    if kind == "month":
        return d.replace(day=1), _month_end(d.year, d.month), f"{d:%B %Y}"
    if kind == "quarter":
        q = (d.month - 1) // 3 + 1
        return date(d.year, 3 * q - 2, 1), _month_end(d.year, 3 * q), f"Q{q} {d.year}"
    if kind == "half":
        h = 1 if d.month <= 6 else 2
        return date(d.year, 6 * h - 5, 1), _month_end(d.year, 6 * h), f"H{h} {d.year}"
    return date(d.year, 1, 1), date(d.year, 12, 31), str(d.year)


def _unit(kind: Kind, d: date) -> DateRange:
    start, end, label = _unit_of(kind, d)
    return DateRange(start=start, end=end, label=label)


def quarter_of(d: date) -> DateRange:
    """The whole calendar quarter containing `d` (not clipped to any 'today')."""
    return _unit("quarter", d)


def last_full_quarter(today: date) -> DateRange:
    """The most recent quarter that has ended before `today` (the QBR default)."""
    return quarter_of(quarter_of(today).start - timedelta(days=1))


# --- resolution helpers ---------------------------------------------------------------------


def _finish(start: date, end: date, label: str, today: date) -> DateRange:
    """Refuse future periods; clip one that runs past today to today and mark it to date."""
    if start > today:
        raise PeriodError(f"{label} hasn't started yet — it starts on {_day_label(start)}.")
    if end >= today:
        return DateRange(start=start, end=today, label=label, to_date=True)
    return DateRange(start=start, end=end, label=label)


def _calendar(kind: Kind, d: date, today: date) -> DateRange:
    start, end, label = _unit_of(kind, d)
    if kind == "year" and start <= today <= end:
        label = f"{d.year} YTD"
    if kind == "day" and d == today:
        label = "today"
    return _finish(start, end, label, today)


MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9


def _month_number(name: str) -> int:
    """The month a name matched by _MONTH means ('sept', 'September', 'sep')."""
    return MONTHS[name[:3]]


_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR_WORDS = r"(\d{4}|'\d{2}|last year|this year|previous year|prior year|current year)"
_RANGE_SEP = r"(?:-|to|until|till|through|thru|and)"
_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_NUMBER = r"(\d+|" + "|".join(_NUMBERS) + ")"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _year_of(word: str | None, today: date) -> int | None:
    """'2025', "'25", 'last year', 'this year' as a year; None when no year was given."""
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    if word.startswith("'"):
        return 2000 + int(word[1:])
    return today.year - 1 if word.split()[0] in {"last", "previous", "prior"} else today.year


def _most_recent(month: int, day: int, today: date) -> int:
    """The year in which (month, day) last occurred on or before today."""
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise PeriodError(f"{day} {calendar.month_abbr[month]} {year} is not a date.") from None


_PART_FORMS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?$"), ("d", "m", "y")),
    (re.compile(rf"^(\d{{1,2}}){_ORD} {_MONTH}(?: (\d{{4}}))?$"), ("d", "mn", "y")),
    (re.compile(rf"^{_MONTH} (\d{{1,2}}){_ORD}(?: (\d{{4}}))?$"), ("mn", "d", "y")),
)


def _parts(text: str) -> tuple[int | None, int, int] | None:
    """A written day as (year or None, month, day) for the explicit forms we know."""
    for pattern, fields in _PART_FORMS:
        match = pattern.match(text)
        if match is None:
            continue
        values = dict(zip(fields, match.groups(), strict=True))
        month = _month_number(values["mn"]) if "mn" in values else int(values["m"])
        if not 1 <= month <= 12:
            raise PeriodError(f"“{text}” is not a date (I read dates day first: 15/09/2026).")
        year = int(values["y"]) if values.get("y") else None
        return year, month, int(values["d"])
    return None


def _single_date(text: str, today: date) -> date | None:
    """One day: explicit forms first, then dateparser for relative words; None if unreadable."""
    if text in {"today", "now"}:
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    parts = _parts(text)
    if parts is not None:
        year, month, day = parts
        if year is None:
            year = _most_recent(month, min(day, 28), today)
        return _date(year, month, day)
    if not any(c.isalpha() for c in text):
        return None
    if any(c.isdigit() for c in text) or "ago" in text or any(w in text for w in _WEEKDAYS):
        return _dateparser_day(text, today)
    return None


def _dateparser_day(text: str, today: date) -> date | None:
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return None if parsed is None else parsed.date()


def _unit_name(start: date, end: date, today: date) -> str | None:
    """The name of the one month, quarter, half or year `start`..`end` is exactly, if any."""
    for kind in ("month", "quarter", "half", "year"):
        unit_start, unit_end, label = _unit_of(kind, start)
        if (start, end) == (unit_start, unit_end):
            return f"{start.year} YTD" if kind == "year" and start.year == today.year else label
    return None


def _short_span(start: date, end: date) -> str:
    """'22 Nov 2026', '23–30 Nov 2026', '1 Nov – 15 Dec 2026'."""
    if start == end:
        return _day_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    return _span(start, end)


def _range_label(start: date, end: date, today: date) -> str:
    """Name an explicit range; a whole month, quarter, half or year gets that unit's name."""
    return _unit_name(start, end, today) or _short_span(start, end)


def _explicit_range(start: date, end: date, today: date) -> DateRange:
    if start > end:
        raise PeriodError(f"That period starts ({_day_label(start)}) after it ends.")
    return _finish(start, end, _range_label(start, end, today), today)


def _range_from_parts(
    left: tuple[int | None, int, int], right: tuple[int | None, int, int], today: date
) -> DateRange:
    """Two written days; a missing year is inferred so the range starts in the past."""
    (ly, lm, ld), (ry, rm, rd) = left, right
    if ly is None:
        if ry is None:
            ly = _most_recent(lm, min(ld, 28), today)
        else:
            ly = ry if (lm, ld) <= (rm, rd) else ry - 1
    if ry is None:
        ry = ly if (rm, rd) >= (lm, ld) else ly + 1
    return _explicit_range(_date(ly, lm, ld), _date(ry, rm, rd), today)


# --- the grammar ----------------------------------------------------------------------------

Handler = Callable[[re.Match[str], date], DateRange]
_TABLE: list[tuple[re.Pattern[str], Handler]] = []


def _rule(pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _TABLE.append((re.compile(f"^(?:{pattern})$"), handler))
        return handler

    return register


_UNITS: dict[str, Kind] = {
    "day": "day", "week": "week", "month": "month", "quarter": "quarter",
    "half": "half", "year": "year", "wtd": "week", "mtd": "month", "qtd": "quarter",
    "ytd": "year",
}  # fmt: skip
_PREVIOUS = r"(?:last|previous|prior)"


@_rule(r"today|yesterday")
def _today(m: re.Match[str], today: date) -> DateRange:
    if m.group(0) == "today":
        return _calendar("day", today, today)
    return DateRange(
        start=today - timedelta(days=1), end=today - timedelta(days=1), label="yesterday"
    )


@_rule(r"tomorrow|next (week|month|quarter|half|year)")
def _next(m: re.Match[str], today: date) -> DateRange:
    kind = _UNITS[m.group(1)] if m.group(1) else "day"
    after = _unit_of(kind, today)[1] + timedelta(days=1)
    return _calendar(kind, after, today)


@_rule(r"(?:this|current) (week|month|quarter|half|year)|wtd|mtd|qtd|ytd")
def _this(m: re.Match[str], today: date) -> DateRange:
    return _calendar(_UNITS[m.group(1) or m.group(0)], today, today)


@_rule(r"(?:start|beginning) (?:this |current )?(week|month|quarter|half|year)")
def _start_of(m: re.Match[str], today: date) -> DateRange:
    return _calendar(_UNITS[m.group(1)], today, today)


@_rule(rf"{_PREVIOUS} (week|month|quarter|half|year)")
def _last(m: re.Match[str], today: date) -> DateRange:
    kind = _UNITS[m.group(1)]
    return _calendar(kind, _unit_of(kind, today)[0] - timedelta(days=1), today)


@_rule(rf"(?:(?:last|past|previous|trailing|rolling) )?{_NUMBER} (day|week|month|quarter|year)s?")
def _rolling(m: re.Match[str], today: date) -> DateRange:
    count = _NUMBERS.get(m.group(1)) or int(m.group(1))
    unit = m.group(2)
    if count < 1:
        raise PeriodError(f"“{m.group(0)}” is an empty period. Try e.g. {EXAMPLES}.")
    label = f"last {count} {unit}" + ("s" if count != 1 else "")
    return _rolling_window(unit, count, today, label)


@_rule(r"past (week|month|quarter|year)")
def _past(m: re.Match[str], today: date) -> DateRange:
    return _rolling_window(m.group(1), 1, today, f"past {m.group(1)}")


def _rolling_window(unit: str, count: int, today: date, label: str) -> DateRange:
    try:
        if unit in {"day", "week"}:
            start = today - timedelta(days=count * (7 if unit == "week" else 1) - 1)
        else:
            months = count * {"month": 1, "quarter": 3, "year": 12}[unit]
            start = _add_months(today, -months) + timedelta(days=1)
    except (OverflowError, ValueError):
        raise PeriodError(f"“{label}” reaches too far back.") from None
    return DateRange(start=start, end=today, label=label, to_date=True)


@_rule(
    rf"(?:q|quarter ?)([1-4])(?: {_YEAR_WORDS})?|([1-4])(?:st|nd|rd|th) quarter(?: {_YEAR_WORDS})?"
)
def _quarter(m: re.Match[str], today: date) -> DateRange:
    q = int(m.group(1) or m.group(3))
    return _numbered("quarter", q, _year_of(m.group(2) or m.group(4), today), today)


@_rule(r"(\d{4}) q([1-4])")
def _year_quarter(m: re.Match[str], today: date) -> DateRange:
    return _numbered("quarter", int(m.group(2)), int(m.group(1)), today)


@_rule(rf"(?:h([12])|(first|1st|second|2nd) half)(?: {_YEAR_WORDS})?")
def _half(m: re.Match[str], today: date) -> DateRange:
    h = int(m.group(1)) if m.group(1) else (1 if m.group(2) in {"first", "1st"} else 2)
    return _numbered("half", h, _year_of(m.group(3), today), today)


@_rule(r"(\d{4}) h([12])")
def _year_half(m: re.Match[str], today: date) -> DateRange:
    return _numbered("half", int(m.group(2)), int(m.group(1)), today)


def _numbered(kind: Kind, n: int, year: int | None, today: date) -> DateRange:
    """Quarter or half `n` of `year`; without a year, the most recent one that has started."""
    months = 3 if kind == "quarter" else 6
    first_month = months * (n - 1) + 1
    if year is None:
        year = today.year if first_month <= today.month else today.year - 1
    return _calendar(kind, date(year, first_month, 1), today)


@_rule(rf"(last )?{_MONTH}(?: {_YEAR_WORDS})?")
def _month(m: re.Match[str], today: date) -> DateRange:
    month = _month_number(m.group(2))
    year = _year_of(m.group(3), today)
    if year is None:
        started = month < today.month if m.group(1) else month <= today.month
        year = today.year if started else today.year - 1
    return _calendar("month", date(year, month, 1), today)


@_rule(r"(\d{4})-(\d{1,2})")
def _iso_month(m: re.Match[str], today: date) -> DateRange:
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"“{m.group(0)}” has no month {month}. Try e.g. {EXAMPLES}.")
    return _calendar("month", date(int(m.group(1)), month, 1), today)


@_rule(r"(\d{4})(?: ytd)?|(?:ytd|year) (\d{4})")
def _year(m: re.Match[str], today: date) -> DateRange:
    year = int(m.group(1) or m.group(2))
    if not 1900 <= year <= 2999:
        raise PeriodError(f"{year} is outside the years I can answer for.")
    return _calendar("year", date(year, 1, 1), today)


@_rule(r"week (?:of|starting|beginning|commencing) (.+)")
def _week_of(m: re.Match[str], today: date) -> DateRange:
    day = _single_date(m.group(1), today)
    if day is None:
        raise PeriodError(f"I couldn't read the day in “{m.group(0)}”. Try “week of 16 Nov”.")
    return _calendar("week", day, today)


_DAY = rf"(\d{{1,2}}){_ORD}"
_OPT_YEAR = r"(?: (\d{4}))?"


@_rule(rf"(?:between |from )?{_DAY} ?{_RANGE_SEP} ?{_DAY} {_MONTH}{_OPT_YEAR}")
def _days_of_month(m: re.Match[str], today: date) -> DateRange:
    year = int(m.group(4)) if m.group(4) else None
    month = _month_number(m.group(3))
    return _range_from_parts((year, month, int(m.group(1))), (None, month, int(m.group(2))), today)


@_rule(rf"(?:between |from )?{_MONTH} {_DAY} ?{_RANGE_SEP} ?{_DAY}{_OPT_YEAR}")
def _month_days(m: re.Match[str], today: date) -> DateRange:
    year = int(m.group(4)) if m.group(4) else None
    month = _month_number(m.group(1))
    return _range_from_parts((year, month, int(m.group(2))), (None, month, int(m.group(3))), today)


_SEP = r"(?:-|to|until|till|through|thru)"


@_rule(rf"(?:between (.+?) (?:and|{_SEP})|from (.+?) {_SEP}) (.+)")
def _between(m: re.Match[str], today: date) -> DateRange:
    return _two_sided(m.group(1) or m.group(2), m.group(3), m.group(0), today)


@_rule(r"(?:since|from|starting|starting from|beginning|after) (.+)")
def _since(m: re.Match[str], today: date) -> DateRange:
    side = _side(m.group(1), today)
    if side is None:
        raise PeriodError(f"I couldn't read the start in “{m.group(0)}”. Try “since March”.")
    start = side.start if isinstance(side, DateRange) else side
    if m.group(0).startswith("after"):
        start = (_unit_end(side) if isinstance(side, DateRange) else side) + timedelta(days=1)
    if start > today:
        raise PeriodError(f"“{m.group(0)}” hasn't started yet — it starts on {_day_label(start)}.")
    return DateRange(start=start, end=today, label=f"since {_day_label(start)}", to_date=True)


@_rule(rf"(.+?) {_SEP} (.+)")
def _range(m: re.Match[str], today: date) -> DateRange:
    return _two_sided(m.group(1), m.group(2), m.group(0), today)


def _two_sided(left_text: str, right_text: str, whole: str, today: date) -> DateRange:
    """'X to Y' where each side is a day ('1 Sep', '2026-09-30') or a period ('July')."""
    left, right = _parts(left_text), _parts(right_text)
    if left is not None and right is not None:
        return _range_from_parts(left, right, today)
    left_unit, right_unit = _unit_side(left_text, today), _unit_side(right_text, today)
    if left_unit is not None and right_unit is not None:
        return _unit_range(left_unit, right_unit, today)
    first, last = _side(left_text, today), _side(right_text, today)
    if first is None or last is None:
        raise PeriodError(f"I couldn't read the dates in “{whole}”. Try e.g. {EXAMPLES}.")
    start = first.start if isinstance(first, DateRange) else first
    end = _unit_end(last) if isinstance(last, DateRange) else last
    return _explicit_range(start, end, today)


_UNIT_SIDE = re.compile(
    rf"^(?:{_MONTH}|q([1-4])|h([12]))(?: {_YEAR_WORDS})?$|^(\d{{4}}) (?:q([1-4])|h([12]))$"
)
_UnitSide = tuple[int, int, str, int | None]
"""One end of a range of units: (first month, length in months, name, year or None)."""


def _unit_side(text: str, today: date) -> _UnitSide | None:
    """A month, quarter or half as one end of 'X to Y', keeping whether a year was given."""
    match = _UNIT_SIDE.match(text)
    if match is None:
        return None
    month, quarter, half, year_words, year, quarter_of_year, half_of_year = match.groups()
    given = int(year) if year else _year_of(year_words, today)
    if month:
        number = _month_number(month)
        return number, 1, calendar.month_name[number], given
    if quarter or quarter_of_year:
        n = int(quarter or quarter_of_year)
        return 3 * n - 2, 3, f"Q{n}", given
    n = int(half or half_of_year)
    return 6 * n - 5, 6, f"H{n}", given


def _unit_range(left: _UnitSide, right: _UnitSide, today: date) -> DateRange:
    """'Q1 to Q2', 'Nov to Jan 2026': one side's year carries to the other, so a range
    without a year is the most recent that has started and the right side follows the left."""
    (left_month, _, left_name, left_year), (right_month, length, right_name, right_year) = (
        left,
        right,
    )
    if left_year is None:
        if right_year is None:
            left_year = today.year if left_month <= today.month else today.year - 1
        else:
            left_year = right_year if left_month <= right_month else right_year - 1
    if right_year is None:
        right_year = left_year if right_month >= left_month else left_year + 1
    start = date(left_year, left_month, 1)
    end = _month_end(right_year, right_month + length - 1)
    if start > end:
        raise PeriodError(f"That period starts ({_day_label(start)}) after it ends.")
    label = _unit_name(start, end, today)
    if label is None and left_year == right_year:
        label = f"{left_name}–{right_name} {right_year}"
    elif label is None:
        label = f"{left_name} {left_year} – {right_name} {right_year}"
    return _finish(start, end, label, today)


def _side(text: str, today: date) -> DateRange | date | None:
    """One end of a range: an explicit day, else a period rule ('Oct 2025'), else dateparser."""
    parts = _parts(text)
    if parts is not None or text in {"today", "now", "yesterday"}:
        return _single_date(text, today)
    for pattern, handler in _TABLE:
        match = pattern.match(text)
        if match is not None:
            return handler(match, today)
    return _single_date(text, today)


def _unit_end(r: DateRange) -> date:
    """Where a period ends as a whole, before any clipping to today."""
    kind = calendar_kind(r)
    return r.end if kind is None else _unit_of(kind, r.start)[1]


# --- the public resolvers -------------------------------------------------------------------

# Typos are corrected only into these words, and only from the same first letter: a
# misspelt month or unit changes the period, anything else is left for the grammar to refuse.
# "may" and "day" are left out: a 4-letter word one letter off them is more often a real word.
_TYPO_TARGETS = (
    *(calendar.month_name[n].lower() for n in range(1, 13) if n != 5),
    *("days", "week", "weeks", "month", "months", "quarter", "quarters", "half", "year"),
    *("years", "period", "periods", "previous"),
)  # fmt: skip
_TARGETS_BY_LETTER: dict[str, tuple[str, ...]] = {
    letter: tuple(t for t in _TYPO_TARGETS if t[0] == letter)
    for letter in {t[0] for t in _TYPO_TARGETS}
}
_GRAMMAR_WORDS = {
    "today", "yesterday", "tomorrow", "next", "this", "current", "start", "beginning", "last",
    "prior", "past", "trailing", "rolling", "first", "second", "starting", "commencing",
    "between", "from", "until", "till", "through", "thru", "since", "after", "before", "date",
    "during", "over", "within", "throughout", "across", "versus", "against", "compared", "with",
    "same", "time", "earlier", "none", "nothing", "comparison", "false", "preceding",
    "corresponding", "equivalent", "stretch", "dates", "ytd", "mtd", "qtd", "wtd", "sept",
}  # fmt: skip
_ORDINARY_WORDS = {
    "weekly", "monthly", "yearly", "quarterly", "daily", "summer", "winter", "spring", "autumn",
    "fall", "match", "marsh", "marc", "mouth", "mouths", "moth", "moths", "weak", "weed",
    "weeds", "weep", "weeps", "yeah", "yearn", "jury", "junk", "jane", "juno", "hall", "halt",
    "hale", "halo", "dads", "dams", "dais", "quartet", "quartets", "precious", "preview",
    "previews", "peril", "perils",
}  # fmt: skip
"""Real words a letter or two from a month or unit word, so they are never 'corrected'."""
_KNOWN_WORDS = {*_TYPO_TARGETS, *MONTHS, *_WEEKDAYS, *_NUMBERS, *_GRAMMAR_WORDS, *_ORDINARY_WORDS}


def _fix_typo(match: re.Match[str]) -> str:
    """The month or unit word a misspelt token means ('septmber', 'quater', 'yaer'), or the
    token itself: unknown words of 4+ letters only, one edit (two from 7 letters), one answer."""
    word = match.group(0)
    if len(word) < 4 or word in _KNOWN_WORDS or word.startswith(_TYPO_TARGETS):
        return word  # 'monthly', 'marches', 'yearn' are words built on a target, not typos
    edits = 1 if len(word) <= 6 else 2
    candidates = _TARGETS_BY_LETTER.get(word[0], ())
    found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
    if not found:
        return word
    best = min(score for _, score, _ in found)
    tied = [choice for choice, score, _ in found if score == best]
    if len({choice.removesuffix("s") for choice in tied}) > 1:
        return word  # 'jule': June or July? Better to ask than to guess.
    return min(tied, key=lambda choice: abs(len(choice) - len(word)))


_Replacement = str | Callable[[re.Match[str]], str]
_UNIT_WORD = rf"(?:{_MONTH}|q[1-4]|h[12])"
_SUBSTITUTIONS: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    (re.compile(r"[a-z]+"), _fix_typo),
    (re.compile(r"[–—−]|\.\."), " - "),
    (re.compile(rf"\b({_UNIT_WORD})-(?={_UNIT_WORD}\b)"), r"\1 - "),
    (re.compile(r"’|'s\b"), ""),
    (re.compile(r"[?!,;]|\.$|\.(?=\s)"), " "),
    (
        re.compile(r"\b(year|period)[- ](?:over|on)[- ]\1\b"),
        lambda m: "yoy" if m.group(1) == "year" else "pop",
    ),
    (re.compile(r"\b(week|month|quarter|year) to date\b"), lambda m: m.group(1)[0] + "td"),
    (re.compile(r"\b(so far|to date|until now|till now|up to now|up to today)$"), ""),
    (re.compile(r"\bmonth of\b"), ""),
    (re.compile(r"(?<!week) of\b"), " "),
    (re.compile(r"\b(in|on|at|during|for|over|within|throughout|across|the)\b"), " "),
    (re.compile(r"\byear (?=\d{4}\b)"), ""),
    (re.compile(r"\s+"), " "),
)


def _clean(text: str) -> str:
    """Lower-case, fix misspelt month and unit words, unify dashes, drop filler ('in', 'the')."""
    cleaned = text.casefold().strip()
    for pattern, replacement in _SUBSTITUTIONS:
        cleaned = pattern.sub(replacement, cleaned)
    return cleaned.strip()


def _resolve_clean(cleaned: str, today: date) -> DateRange | None:
    """The period cleaned words mean, or None when no rule and no single-day reading fits."""
    for pattern, handler in _TABLE:
        match = pattern.match(cleaned)
        if match is not None:
            return handler(match, today)
    day = _single_date(cleaned, today)
    return None if day is None else _calendar("day", day, today)


_ALL_TIME = re.compile(
    r"^(?:all[ -]?time|ever|of all time|since (?:we started|the start|the beginning|launch|"
    r"day one|inception))$"
)


def resolve_period(
    text: str | None,
    today: date,
    *,
    default: str = "last 30 days",
    data_from: date | None = None,
) -> DateRange:
    """The DateRange a phrase means as of `today` (the program-local date); PeriodError if none.

    "all time" / "ever" starts on the program's first day with data, `data_from`; a caller
    that cannot know it gets a PeriodError that says so, never a made-up start."""
    if text is None or not text.strip():
        text = default
    cleaned = _clean(text) or _clean(default)
    if _ALL_TIME.match(cleaned):
        if data_from is None or data_from > today:
            raise PeriodError(
                "“all time” starts on the first day with data, and there is none yet here; "
                f"try e.g. {EXAMPLES}."
            )
        return DateRange(start=data_from, end=today, label="all time", to_date=True)
    before = _BEFORE.match(cleaned)
    if before is not None:
        inner = resolve_period(before.group(2), today) if before.group(2) else None
        return _before(before.group(1), inner, today)
    period = _resolve_clean(cleaned, today)
    if period is None:
        raise PeriodError(f"I couldn't read the period “{text.strip()}”. Try e.g. {EXAMPLES}.")
    return period


_BEFORE = re.compile(r"^(?:the )?(day|week|month|quarter|half|year)? ?before(?: (.+))?$")
"""'quarter before last quarter', 'before q3': a follow-up's 'the quarter before (that)'."""


def _before(unit: str | None, inner: DateRange | None, today: date) -> DateRange:
    """The `unit` just before `inner` (or just before the current one): 'the month before'."""
    if inner is None:
        kind: Kind = cast(Kind, unit or "month")
        return _calendar(kind, _unit_of(kind, today)[0] - timedelta(days=1), today)
    if unit is None or unit == calendar_kind(inner):
        whole = inner
        if inner.to_date and (kind_of := calendar_kind(inner)) is not None:
            start, end, label = _unit_of(kind_of, inner.start)
            whole = DateRange(start=start, end=end, label=label)
        return previous_period(whole)
    kind = cast(Kind, unit)
    return _calendar(kind, inner.start - timedelta(days=1), today)


_KIND_LABELS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("week", re.compile(r"^week of \d{1,2} \w{3} \d{4}$")),
    ("month", re.compile(r"^(?:" + "|".join(calendar.month_name[1:]) + r") \d{4}$")),
    ("quarter", re.compile(r"^Q[1-4] \d{4}$")),
    ("half", re.compile(r"^H[12] \d{4}$")),
    ("year", re.compile(r"^\d{4}(?: YTD)?$")),
)


def calendar_kind(r: DateRange) -> Kind | None:
    """The calendar unit a range is (a day, week, month, quarter, half, year), or None."""
    for kind, pattern in _KIND_LABELS:
        if pattern.match(r.label) and _unit_of(kind, r.start)[0] == r.start:
            return kind
    if r.start == r.end and not r.label.startswith(("last", "past", "since")):
        return "day"
    return None


def latest_with_data(r: DateRange, data_through: date) -> DateRange | None:
    """For a calendar unit that starts after the last day with data — "this week" asked on a
    Monday morning, before today's rows exist — the unit of the same kind holding that last
    day ("week of 16 Nov"). None when `r` already reaches the data or is not a unit."""
    kind = calendar_kind(r)
    if kind is None or r.start <= data_through:
        return None
    start, end, label = _unit_of(kind, data_through)
    return DateRange(start=start, end=end, label=label)


def _unit_label(kind: Kind, start: date, *, partial: bool) -> str:
    label = _unit_of(kind, start)[2]
    return f"{label} YTD" if kind == "year" and partial else label


_UNIT_MONTHS: dict[Kind, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def previous_period(r: DateRange) -> DateRange:
    """The period to compare with: the previous week/month/quarter/half/year, or the same
    number of days just before. A partial (to-date) unit is compared like-for-like: the
    previous unit up to the same point (same months and days in), clipped to its end."""
    kind = calendar_kind(r)
    if kind is None:
        end = r.start - timedelta(days=1)
        start = end - timedelta(days=r.days - 1)
        label = _day_label(start) if r.days == 1 else f"previous {r.days} days"
        return DateRange(start=start, end=end, label=label)
    unit_end = _unit_of(kind, r.start)[1]
    start, prev_end, _ = _unit_of(kind, r.start - timedelta(days=1))
    partial = r.end < unit_end
    if not partial:
        return DateRange(start=start, end=prev_end, label=_unit_label(kind, start, partial=False))
    months = _UNIT_MONTHS.get(kind)
    same_point = start + (r.end - r.start) if months is None else _add_months(r.end, -months)
    end = min(same_point, prev_end)
    return DateRange(start=start, end=end, label=_unit_label(kind, start, partial=True))


def same_period_last_year(r: DateRange) -> DateRange:
    """The same stretch of the calendar one year earlier (weeks: 52 weeks earlier)."""
    kind = calendar_kind(r)
    if kind == "week":
        start, end = r.start - timedelta(weeks=52), r.end - timedelta(weeks=52)
        return DateRange(start=start, end=end, label=_unit_of("week", start)[2])
    start, end = _shift_year(r.start), _shift_year(r.end)
    if kind is None:
        return DateRange(start=start, end=end, label="same days last year")
    unit_start, unit_end, _ = _unit_of(kind, start)
    partial = r.end < _unit_of(kind, r.start)[1]
    end = min(end, unit_end) if partial else unit_end
    return DateRange(
        start=unit_start, end=end, label=_unit_label(kind, unit_start, partial=partial)
    )


_PREVIOUS_WORDS = {
    "", "previous", "prior", "previous period", "prior period", "pop", "period over period",
    "before", "period before", "preceding period", "last period",
}  # fmt: skip
_YEAR_AGO_WORDS = {
    "last year", "yoy", "year over year", "year-over-year", "same period last year",
    "a year ago", "year ago", "a year earlier", "previous year", "prior year", "ly",
}  # fmt: skip
_SAME_LAST_YEAR = re.compile(
    r"^(?:(?:same|corresponding|equivalent) "
    r"(?:day|week|month|quarter|half|year|time|period|stretch|dates?)s? (?:of )?)?"
    r"(?:last year|(?:a )?year ago|(?:a )?year earlier|year before|previous year|prior year)$"
)
"""'same month last year', 'the same period a year ago', 'same time last year', 'prior year'."""
_NO_COMPARISON = {"none", "no", "nothing", "no comparison", "off", "false", "n/a"}


def resolve_comparison(text: str | None, base: DateRange, today: date) -> DateRange | None:
    """The comparison range for `base`: previous period by default, a year earlier ('same month
    last year', 'vs prior year'), none, or a period in words. 'last month' when `base` is a
    month means the like-for-like previous one."""
    words = re.sub(r"^(?:vs|versus|against|compared (?:to|with)) ", "", _clean(text or ""))
    if words in _NO_COMPARISON:
        return None
    if words in _PREVIOUS_WORDS:
        return previous_period(base)
    if words in _YEAR_AGO_WORDS or _SAME_LAST_YEAR.match(words):
        return same_period_last_year(base)
    kind = calendar_kind(base)
    match = re.match(rf"^{_PREVIOUS} (week|month|quarter|half|year)$", words)
    if match is not None and kind is not None and _UNITS[match.group(1)] == kind:
        return previous_period(base)
    return resolve_period(words, today)


def parse_quarter(text: str | None, today: date) -> DateRange:
    """A quarter in words ('Q3', 'Q3 2025', 'last quarter'); empty means the last full quarter."""
    if text is None or not text.strip():
        return last_full_quarter(today)
    r = resolve_period(text, today)
    if calendar_kind(r) != "quarter":
        raise PeriodError(
            f"“{text.strip()}” is not a quarter. Try “Q3 2026”, “last quarter” or “this quarter”."
        )
    return r


# --- like for like against the data ---------------------------------------------------------


def _missing_days(after: date, end: date) -> str:
    """'23–30 Nov 2026 have no data yet' / '1 Dec 2026 has no data yet'."""
    start = after + timedelta(days=1)
    return f"{_short_span(start, end)} {'has' if start == end else 'have'} no data yet"


def clip_to_data(period: DateRange, data_through: date | None) -> tuple[DateRange, str | None]:
    """`period` ended on the last day with data, so a total never silently includes days not
    imported yet, with a note saying which days are missing. Unchanged (and no note) when the
    data covers it or there is no data at all; unchanged with a note when it starts after."""
    if data_through is None or period.end <= data_through:
        return period, None
    if period.start > data_through:
        return (
            period,
            f"No data yet for {period.label}: data runs through {_day_label(data_through)}.",
        )
    clipped = DateRange(
        start=period.start, end=data_through, label=period.label, to_date=period.to_date
    )
    note = (
        f"Data runs through {_day_label(data_through)}; {_missing_days(data_through, period.end)}."
    )
    return clipped, note


def _same_point(covered: DateRange, comparison: DateRange) -> date:
    """Where `comparison` reaches the point `covered` ends at: the same day of the month,
    month and day of the quarter or year, weekday of the week; else as many days in."""
    start, end = covered.start, covered.end
    kind = calendar_kind(covered)
    if kind in _UNIT_MONTHS and calendar_kind(comparison) == kind:
        month = _add_months(
            comparison.start, (end.year - start.year) * 12 + end.month - start.month
        )
        last_day = calendar.monthrange(month.year, month.month)[1]
        return month.replace(day=min(end.day, last_day))  # 29 Feb -> 28 Feb
    return comparison.start + (end - start)


def _stretch(period: DateRange, comparison: DateRange) -> str:
    """The days both sides cover: '1 Jan – 30 Nov' when they match but for the year."""
    ends = (period.start, period.end, comparison.start, comparison.end)
    if [(d.month, d.day) for d in ends[:2]] != [(d.month, d.day) for d in ends[2:]]:
        return f"{_short_span(period.start, period.end)} with {_short_span(*ends[2:])}"
    if period.start == period.end:
        return f"{period.start.day} {period.start:%b}"
    if period.start.month == period.end.month:
        return f"{period.start.day}–{period.end.day} {period.end:%b}"
    return f"{period.start.day} {period.start:%b} – {period.end.day} {period.end:%b}"


def like_for_like(
    period: DateRange, comparison: DateRange | None, data_through: date | None
) -> tuple[DateRange, DateRange | None, str | None]:
    """`period` clipped to the data and, when it is cut short (by the data or by today), the
    comparison cut to the same stretch, so a partial month is never set against a whole one.
    The note says which days both sides cover; a comparison never ends before it starts."""
    clipped, note = clip_to_data(period, data_through)
    cut = clipped.end < period.end
    no_data = data_through is not None and period.start > data_through
    if comparison is None or no_data or not (cut or period.to_date):
        return clipped, comparison, note
    point = _same_point(clipped, comparison)
    end = max(comparison.start, min(comparison.end, point))
    matched = DateRange(
        start=comparison.start, end=end, label=comparison.label, to_date=comparison.to_date
    )
    if data_through is None:
        reason = f"{period.label} is still running"
    else:
        reason = f"data runs through {_day_label(data_through)}"
    if cut:
        reason += f"; {_missing_days(clipped.end, period.end)}"
    return clipped, matched, f"Both periods compare {_stretch(clipped, matched)}: {reason}."
