"""Period words resolve to the same explicit DateRange every time, including at year edges."""

from __future__ import annotations

from datetime import date

import pytest

from tools.errors import PeriodError
from tools.periods import (
    DateRange,
    last_full_quarter,
    latest_with_data,
    parse_quarter,
    previous_period,
    quarter_of,
    resolve_comparison,
    resolve_period,
    same_period_last_year,
)

D = date
NOV23 = D(2026, 11, 23)  # a Monday in Q4
JAN05 = D(2026, 1, 5)  # a Monday in the first week of the year
MAR31 = D(2026, 3, 31)  # the last day of Q1
LEAP = D(2024, 2, 29)

CASES = [
    # today, words, start, end, label, to_date
    (NOV23, "today", NOV23, NOV23, "today", True),
    (NOV23, "yesterday", D(2026, 11, 22), D(2026, 11, 22), "yesterday", False),
    (NOV23, "this week", NOV23, NOV23, "week of 23 Nov 2026", True),
    (NOV23, "last week", D(2026, 11, 16), D(2026, 11, 22), "week of 16 Nov 2026", False),
    (NOV23, "this month", D(2026, 11, 1), NOV23, "November 2026", True),
    (NOV23, "MTD", D(2026, 11, 1), NOV23, "November 2026", True),
    (NOV23, "last month", D(2026, 10, 1), D(2026, 10, 31), "October 2026", False),
    (NOV23, "previous month", D(2026, 10, 1), D(2026, 10, 31), "October 2026", False),
    (NOV23, "this quarter", D(2026, 10, 1), NOV23, "Q4 2026", True),
    (NOV23, "QTD", D(2026, 10, 1), NOV23, "Q4 2026", True),
    (NOV23, "last quarter", D(2026, 7, 1), D(2026, 9, 30), "Q3 2026", False),
    (NOV23, "Q3", D(2026, 7, 1), D(2026, 9, 30), "Q3 2026", False),
    (NOV23, "Q3 2025", D(2025, 7, 1), D(2025, 9, 30), "Q3 2025", False),
    (NOV23, "q1 last year", D(2025, 1, 1), D(2025, 3, 31), "Q1 2025", False),
    (NOV23, "this year", D(2026, 1, 1), NOV23, "2026 YTD", True),
    (NOV23, "YTD", D(2026, 1, 1), NOV23, "2026 YTD", True),
    (NOV23, "last year", D(2025, 1, 1), D(2025, 12, 31), "2025", False),
    (NOV23, "2025", D(2025, 1, 1), D(2025, 12, 31), "2025", False),
    (NOV23, "last 7 days", D(2026, 11, 17), NOV23, "last 7 days", True),
    (NOV23, "last 30 days", D(2026, 10, 25), NOV23, "last 30 days", True),
    (NOV23, "over the last 90 days", D(2026, 8, 26), NOV23, "last 90 days", True),
    (NOV23, "past 2 weeks", D(2026, 11, 10), NOV23, "last 2 weeks", True),
    (NOV23, "the last 6 weeks", D(2026, 10, 13), NOV23, "last 6 weeks", True),
    (NOV23, "last 3 months", D(2026, 8, 24), NOV23, "last 3 months", True),
    (NOV23, "since March", D(2026, 3, 1), NOV23, "since 1 Mar 2026", True),
    (NOV23, "since 2026-09-15", D(2026, 9, 15), NOV23, "since 15 Sep 2026", True),
    (NOV23, "in October 2026", D(2026, 10, 1), D(2026, 10, 31), "October 2026", False),
    (NOV23, "October", D(2026, 10, 1), D(2026, 10, 31), "October 2026", False),
    (NOV23, "Oct", D(2026, 10, 1), D(2026, 10, 31), "October 2026", False),
    (NOV23, "during November", D(2026, 11, 1), NOV23, "November 2026", True),
    (NOV23, "December", D(2025, 12, 1), D(2025, 12, 31), "December 2025", False),
    (NOV23, "between 1 and 15 Sep", D(2026, 9, 1), D(2026, 9, 15), "1–15 Sep 2026", False),
    (NOV23, "1–15 Sep", D(2026, 9, 1), D(2026, 9, 15), "1–15 Sep 2026", False),
    (NOV23, "Sep 1 to Sep 15", D(2026, 9, 1), D(2026, 9, 15), "1–15 Sep 2026", False),
    (
        NOV23,
        "from 2026-09-01 to 2026-09-30",
        D(2026, 9, 1),
        D(2026, 9, 30),
        "September 2026",
        False,
    ),
    (NOV23, "1 Nov – 15 Dec", D(2026, 11, 1), NOV23, "1 Nov – 15 Dec 2026", True),
    (NOV23, "H1", D(2026, 1, 1), D(2026, 6, 30), "H1 2026", False),
    (NOV23, "H2 2025", D(2025, 7, 1), D(2025, 12, 31), "H2 2025", False),
    (NOV23, "week of 9 Nov", D(2026, 11, 9), D(2026, 11, 15), "week of 9 Nov 2026", False),
    (NOV23, "15 Sep", D(2026, 9, 15), D(2026, 9, 15), "15 Sep 2026", False),
    (NOV23, "July to September", D(2026, 7, 1), D(2026, 9, 30), "Q3 2026", False),
    (NOV23, "since the start of the year", D(2026, 1, 1), NOV23, "since 1 Jan 2026", True),
    (JAN05, "last week", D(2025, 12, 29), D(2026, 1, 4), "week of 29 Dec 2025", False),
    (JAN05, "this week", JAN05, JAN05, "week of 5 Jan 2026", True),
    (JAN05, "last month", D(2025, 12, 1), D(2025, 12, 31), "December 2025", False),
    (JAN05, "last quarter", D(2025, 10, 1), D(2025, 12, 31), "Q4 2025", False),
    (JAN05, "this year", D(2026, 1, 1), JAN05, "2026 YTD", True),
    (JAN05, "Q4", D(2025, 10, 1), D(2025, 12, 31), "Q4 2025", False),
    (JAN05, "since March", D(2025, 3, 1), JAN05, "since 1 Mar 2025", True),
    (JAN05, "20 Dec to 3 Jan", D(2025, 12, 20), D(2026, 1, 3), "20 Dec 2025 – 3 Jan 2026", False),
    (JAN05, "last 7 days", D(2025, 12, 30), JAN05, "last 7 days", True),
    (MAR31, "this quarter", D(2026, 1, 1), MAR31, "Q1 2026", True),
    (MAR31, "last quarter", D(2025, 10, 1), D(2025, 12, 31), "Q4 2025", False),
    (MAR31, "last month", D(2026, 2, 1), D(2026, 2, 28), "February 2026", False),
    (MAR31, "since March", D(2026, 3, 1), MAR31, "since 1 Mar 2026", True),
    (MAR31, "last 3 months", D(2026, 1, 1), MAR31, "last 3 months", True),
    (LEAP, "this month", D(2024, 2, 1), LEAP, "February 2024", True),
    (LEAP, "last 12 months", D(2023, 3, 1), LEAP, "last 12 months", True),
    (LEAP, "last year", D(2023, 1, 1), D(2023, 12, 31), "2023", False),
    (LEAP, "last week", D(2024, 2, 19), D(2024, 2, 25), "week of 19 Feb 2024", False),
]


@pytest.mark.parametrize(("today", "words", "start", "end", "label", "to_date"), CASES)
def test_period_words_resolve_to_explicit_ranges(
    today: date, words: str, start: date, end: date, label: str, to_date: bool
) -> None:
    got = resolve_period(words, today)
    assert (got.start, got.end, got.label, got.to_date) == (start, end, label, to_date)


def test_period_table_covers_enough_cases() -> None:
    assert len(CASES) >= 40


def test_missing_period_uses_the_default() -> None:
    assert resolve_period(None, NOV23) == resolve_period("last 30 days", NOV23)
    assert resolve_period("  ", NOV23, default="last quarter").label == "Q3 2026"


def test_periods_that_include_today_end_today_and_are_to_date() -> None:
    for words in ("today", "this week", "this month", "this quarter", "YTD", "since June"):
        got = resolve_period(words, NOV23)
        assert got.end == NOV23 and got.to_date, words


@pytest.mark.parametrize(
    "words", ["next month", "Q1 2027", "2027", "December 2026", "tomorrow", "since 2026-12-01"]
)
def test_future_periods_are_refused(words: str) -> None:
    with pytest.raises(PeriodError, match="hasn't started yet"):
        resolve_period(words, NOV23)


@pytest.mark.parametrize("words", ["banana", "the blue moon", "q5", "fy25", "99"])
def test_unreadable_periods_list_examples_that_work(words: str) -> None:
    with pytest.raises(PeriodError) as raised:
        resolve_period(words, NOV23)
    assert "last 30 days" in raised.value.message and "Q3 2026" in raised.value.message
    assert raised.value.kind == "error"


@pytest.mark.parametrize("words", ["31 Feb", "2026-13-01", "from 2026-09-15 to 2026-09-01"])
def test_impossible_dates_are_refused(words: str) -> None:
    with pytest.raises(PeriodError):
        resolve_period(words, NOV23)


def test_describe_states_the_dates_back() -> None:
    assert resolve_period("Q3", NOV23).describe() == "Q3 2026 (1 Jul – 30 Sep 2026)"
    assert resolve_period("QTD", NOV23).describe() == "Q4 2026 (1 Oct – 23 Nov 2026, to date)"


PREVIOUS = [
    # today, words, previous start, previous end, previous label
    (NOV23, "last month", D(2026, 9, 1), D(2026, 9, 30), "September 2026"),
    (NOV23, "this quarter", D(2026, 7, 1), D(2026, 8, 23), "Q3 2026"),
    (NOV23, "this month", D(2026, 10, 1), D(2026, 10, 23), "October 2026"),
    (NOV23, "last quarter", D(2026, 4, 1), D(2026, 6, 30), "Q2 2026"),
    (NOV23, "2025", D(2024, 1, 1), D(2024, 12, 31), "2024"),
    (NOV23, "YTD", D(2025, 1, 1), D(2025, 11, 23), "2025 YTD"),
    (NOV23, "last 30 days", D(2026, 9, 25), D(2026, 10, 24), "previous 30 days"),
    (NOV23, "1–15 Sep", D(2026, 8, 17), D(2026, 8, 31), "previous 15 days"),
    (NOV23, "last week", D(2026, 11, 9), D(2026, 11, 15), "week of 9 Nov 2026"),
    (NOV23, "yesterday", D(2026, 11, 21), D(2026, 11, 21), "21 Nov 2026"),
    (JAN05, "last month", D(2025, 11, 1), D(2025, 11, 30), "November 2025"),
    (JAN05, "this quarter", D(2025, 10, 1), D(2025, 10, 5), "Q4 2025"),
    (MAR31, "this quarter", D(2025, 10, 1), D(2025, 12, 31), "Q4 2025"),
    (LEAP, "this year", D(2023, 1, 1), D(2023, 2, 28), "2023 YTD"),
]


@pytest.mark.parametrize(("today", "words", "start", "end", "label"), PREVIOUS)
def test_previous_period_is_calendar_aware_and_like_for_like(
    today: date, words: str, start: date, end: date, label: str
) -> None:
    got = previous_period(resolve_period(words, today))
    assert (got.start, got.end, got.label, got.to_date) == (start, end, label, False)


def test_previous_period_of_a_rolling_window_has_the_same_length_just_before() -> None:
    base = resolve_period("since 2026-09-15", NOV23)
    got = previous_period(base)
    assert got.days == base.days
    assert (got.end - base.start).days == -1


LAST_YEAR = [
    (NOV23, "this quarter", D(2025, 10, 1), D(2025, 11, 23), "Q4 2025"),
    (NOV23, "October", D(2025, 10, 1), D(2025, 10, 31), "October 2025"),
    (NOV23, "last 30 days", D(2025, 10, 25), D(2025, 11, 23), "same days last year"),
    (NOV23, "last week", D(2025, 11, 17), D(2025, 11, 23), "week of 17 Nov 2025"),
    (LEAP, "this month", D(2023, 2, 1), D(2023, 2, 28), "February 2023"),
    (LEAP, "today", D(2023, 2, 28), D(2023, 2, 28), "28 Feb 2023"),
]


@pytest.mark.parametrize(("today", "words", "start", "end", "label"), LAST_YEAR)
def test_same_period_last_year(today: date, words: str, start: date, end: date, label: str) -> None:
    got = same_period_last_year(resolve_period(words, today))
    assert (got.start, got.end, got.label) == (start, end, label)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (None, "Q3 2026 (1 Jul – 23 Aug 2026)"),
        ("previous period", "Q3 2026 (1 Jul – 23 Aug 2026)"),
        ("prior", "Q3 2026 (1 Jul – 23 Aug 2026)"),
        ("last quarter", "Q3 2026 (1 Jul – 23 Aug 2026)"),
        ("last year", "Q4 2025 (1 Oct – 23 Nov 2025)"),
        ("YoY", "Q4 2025 (1 Oct – 23 Nov 2025)"),
        ("Q2", "Q2 2026 (1 Apr – 30 Jun 2026)"),
        ("last month", "October 2026 (1 Oct – 31 Oct 2026)"),
    ],
)
def test_comparison_words_resolve_against_the_base(words: str | None, expected: str) -> None:
    base = resolve_period("this quarter", NOV23)
    got = resolve_comparison(words, base, NOV23)
    assert got is not None and got.describe() == expected


def test_comparison_none_means_no_comparison() -> None:
    base = resolve_period("last 30 days", NOV23)
    assert resolve_comparison("none", base, NOV23) is None


def test_quarter_helpers() -> None:
    assert quarter_of(D(2026, 2, 10)) == DateRange(
        start=D(2026, 1, 1), end=D(2026, 3, 31), label="Q1 2026"
    )
    assert last_full_quarter(JAN05).label == "Q4 2025"
    assert last_full_quarter(MAR31).label == "Q4 2025"
    assert last_full_quarter(NOV23).label == "Q3 2026"


@pytest.mark.parametrize(
    ("words", "label"),
    [
        (None, "Q3 2026"),
        ("Q3 2025", "Q3 2025"),
        ("q1 last year", "Q1 2025"),
        ("2025 Q4", "Q4 2025"),
    ],
)
def test_parse_quarter_reads_quarters(words: str | None, label: str) -> None:
    assert parse_quarter(words, NOV23).label == label


def test_parse_quarter_refuses_other_periods() -> None:
    with pytest.raises(PeriodError, match="not a quarter"):
        parse_quarter("October", NOV23)


@pytest.mark.parametrize(
    ("words", "start", "end", "label"),
    [
        ("quarter before last quarter", date(2026, 4, 1), date(2026, 6, 30), "Q2 2026"),
        ("before q3", date(2026, 4, 1), date(2026, 6, 30), "Q2 2026"),
        ("month before last quarter", date(2026, 6, 1), date(2026, 6, 30), "June 2026"),
        ("quarter before this quarter", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        ("month before october 2026", date(2026, 9, 1), date(2026, 9, 30), "September 2026"),
        ("week before last week", date(2026, 11, 9), date(2026, 11, 15), "week of 9 Nov 2026"),
        ("year before 2025", date(2024, 1, 1), date(2024, 12, 31), "2024"),
        ("quarter before", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        ("quarter before quarter before last quarter", date(2026, 1, 1), date(2026, 3, 31),
         "Q1 2026"),
    ],
)  # fmt: skip
def test_the_unit_before_a_period_steps_back_on_the_calendar(
    words: str, start: date, end: date, label: str
) -> None:
    period = resolve_period(words, NOV23)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert not period.to_date


def test_the_quarter_before_january_is_last_years_q4() -> None:
    period = resolve_period("quarter before q1", date(2026, 1, 5))
    assert (period.start, period.end, period.label) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        "Q4 2025",
    )


def test_latest_with_data_steps_back_only_for_units_past_the_data() -> None:
    monday = date(2026, 11, 23)
    sunday = date(2026, 11, 22)
    this_week = resolve_period("this week", monday)
    last_week = latest_with_data(this_week, sunday)
    assert last_week is not None
    assert (last_week.start, last_week.end, last_week.label) == (
        date(2026, 11, 16),
        sunday,
        "week of 16 Nov 2026",
    )
    month = latest_with_data(resolve_period("this month", date(2026, 12, 1)), date(2026, 11, 30))
    assert month is not None and month.label == "November 2026"
    assert latest_with_data(resolve_period("this month", monday), sunday) is None  # has data
    assert latest_with_data(resolve_period("last 7 days", monday), date(2026, 11, 1)) is None


TYPOS = [
    # words, label, start, end — as of NOV23
    ("septmber", "September 2026", D(2026, 9, 1), D(2026, 9, 30)),  # a letter dropped
    ("setpember", "September 2026", D(2026, 9, 1), D(2026, 9, 30)),  # letters swapped
    ("octobr", "October 2026", D(2026, 10, 1), D(2026, 10, 31)),
    ("novmber", "November 2026", D(2026, 11, 1), NOV23),
    ("fbruary 2026", "February 2026", D(2026, 2, 1), D(2026, 2, 28)),
    ("Feburary 2025", "February 2025", D(2025, 2, 1), D(2025, 2, 28)),
    ("1 to 15 septmber", "1–15 Sep 2026", D(2026, 9, 1), D(2026, 9, 15)),
    ("last mnth", "October 2026", D(2026, 10, 1), D(2026, 10, 31)),  # unit words
    ("last quater", "Q3 2026", D(2026, 7, 1), D(2026, 9, 30)),
    ("this yaer", "2026 YTD", D(2026, 1, 1), NOV23),
    ("past 2 weeeks", "last 2 weeks", D(2026, 11, 10), NOV23),  # a letter doubled
    ("last 3 mnths", "last 3 months", D(2026, 8, 24), NOV23),
    ("quarter before last quatrer", "Q2 2026", D(2026, 4, 1), D(2026, 6, 30)),
]


@pytest.mark.parametrize(("words", "label", "start", "end"), TYPOS)
def test_misspelt_months_and_units_read_as_the_word_meant(
    words: str, label: str, start: date, end: date
) -> None:
    got = resolve_period(words, NOV23)
    assert (got.label, got.start, got.end) == (label, start, end)


@pytest.mark.parametrize(
    "words", ["summer", "monthly", "weekly", "quarterly", "marches", "mon", "sun", "jule"]
)
def test_real_words_and_ambiguous_typos_are_not_corrected(words: str) -> None:
    # "summer" is not September, "monthly" not month; "jule" could be June or July.
    with pytest.raises(PeriodError, match="couldn't read"):
        resolve_period(words, NOV23)


@pytest.mark.parametrize(
    ("words", "label"),
    [("may", "May 2026"), ("march on", "March 2026"), ("sept", "September 2026")],
)
def test_month_words_that_are_also_ordinary_words_keep_their_meaning(
    words: str, label: str
) -> None:
    assert resolve_period(words, NOV23).label == label


UNIT_RANGES = [
    # today, words, start, end, label, to_date
    (NOV23, "from q1 to q2", D(2026, 1, 1), D(2026, 6, 30), "H1 2026", False),
    (NOV23, "q1 to q2 2026", D(2026, 1, 1), D(2026, 6, 30), "H1 2026", False),
    (NOV23, "Q1 to Q2 2025", D(2025, 1, 1), D(2025, 6, 30), "H1 2025", False),
    (NOV23, "jan to mar", D(2026, 1, 1), D(2026, 3, 31), "Q1 2026", False),
    (NOV23, "jan-mar 2025", D(2025, 1, 1), D(2025, 3, 31), "Q1 2025", False),
    (NOV23, "jan 2025 to mar", D(2025, 1, 1), D(2025, 3, 31), "Q1 2025", False),
    (NOV23, "from september to november", D(2026, 9, 1), NOV23, "September–November 2026", True),
    (NOV23, "between march and may", D(2026, 3, 1), D(2026, 5, 31), "March–May 2026", False),
    (NOV23, "march to may 2025", D(2025, 3, 1), D(2025, 5, 31), "March–May 2025", False),
    (NOV23, "between q2 and q3", D(2026, 4, 1), D(2026, 9, 30), "Q2–Q3 2026", False),
    (NOV23, "from septmber to novmber", D(2026, 9, 1), NOV23, "September–November 2026", True),
    (NOV23, "dec to feb", D(2025, 12, 1), D(2026, 2, 28), "December 2025 – February 2026", False),
    (NOV23, "q4 2025 to q1", D(2025, 10, 1), D(2026, 3, 31), "Q4 2025 – Q1 2026", False),
    (D(2026, 2, 10), "jan to mar", D(2026, 1, 1), D(2026, 2, 10), "Q1 2026", True),
]


@pytest.mark.parametrize(("today", "words", "start", "end", "label", "to_date"), UNIT_RANGES)
def test_a_range_of_two_units_runs_from_the_first_start_to_the_second_end(
    today: date, words: str, start: date, end: date, label: str, to_date: bool
) -> None:
    got = resolve_period(words, today)
    assert (got.start, got.end, got.label, got.to_date) == (start, end, label, to_date)


def test_a_range_of_units_that_runs_backwards_is_refused() -> None:
    with pytest.raises(PeriodError, match="after it ends"):
        resolve_period("q3 2026 to q1 2026", NOV23)


@pytest.mark.parametrize(
    "words",
    [
        "same month last year",
        "same quarter last year",
        "same week last year",
        "same time last year",
        "the same period a year ago",
        "same period of the prior year",
        "prior year",
        "vs last year",
        "vs. the same month last year",
        "year over year",
        "year-over-year",
        "same mnth last yaer",
        "same quater last year",
    ],
)
def test_year_ago_comparison_phrases_mean_the_same_period_last_year(words: str) -> None:
    for base_words in ("this quarter", "last month", "last week", "this month"):
        base = resolve_period(base_words, NOV23)
        assert resolve_comparison(words, base, NOV23) == same_period_last_year(base), base_words


@pytest.mark.parametrize(
    ("base_words", "words", "start", "end", "label"),
    [
        ("last month", "previous month", D(2026, 9, 1), D(2026, 9, 30), "September 2026"),
        ("this month", "previous month", D(2026, 10, 1), D(2026, 10, 23), "October 2026"),
        ("last quarter", "previous quarter", D(2026, 4, 1), D(2026, 6, 30), "Q2 2026"),
        ("this quarter", "previous quater", D(2026, 7, 1), D(2026, 8, 23), "Q3 2026"),
        ("last week", "previous week", D(2026, 11, 9), D(2026, 11, 15), "week of 9 Nov 2026"),
        ("this week", "last week", D(2026, 11, 16), D(2026, 11, 16), "week of 16 Nov 2026"),
    ],
)
def test_previous_unit_of_the_same_kind_is_the_like_for_like_previous_period(
    base_words: str, words: str, start: date, end: date, label: str
) -> None:
    got = resolve_comparison(words, resolve_period(base_words, NOV23), NOV23)
    assert got is not None and (got.start, got.end, got.label) == (start, end, label)


def test_all_time_starts_on_the_first_day_with_data() -> None:
    today = date(2026, 11, 23)
    for words in ("all time", "ever", "since we started", "all-time"):
        period = resolve_period(words, today, data_from=date(2024, 11, 23))
        assert (period.start, period.end, period.label) == (
            date(2024, 11, 23),
            today,
            "all time",
        ), words
        assert period.to_date


def test_all_time_without_knowing_the_data_says_so() -> None:
    with pytest.raises(PeriodError, match="first day with data"):
        resolve_period("all time", date(2026, 11, 23))
