"""A period is cut where the data stops, and its comparison is cut to the same stretch."""

from __future__ import annotations

from datetime import date

from tools.periods import (
    DateRange,
    clip_to_data,
    like_for_like,
    previous_period,
    resolve_comparison,
    resolve_period,
    same_period_last_year,
)

D = date
DEC01 = D(2026, 12, 1)


def _span(r: DateRange | None) -> tuple[date, date] | None:
    return None if r is None else (r.start, r.end)


def test_a_period_the_data_covers_is_unchanged_without_a_note() -> None:
    november = resolve_period("last month", DEC01)
    assert clip_to_data(november, D(2026, 11, 30)) == (november, None)
    assert clip_to_data(november, D(2026, 12, 15)) == (november, None)
    assert clip_to_data(november, None) == (november, None)


def test_a_period_past_the_data_ends_on_the_last_day_with_data() -> None:
    november = resolve_period("last month", DEC01)
    clipped, note = clip_to_data(november, D(2026, 11, 22))
    assert (clipped.start, clipped.end) == (D(2026, 11, 1), D(2026, 11, 22))
    assert (clipped.label, clipped.to_date) == ("November 2026", False)
    assert note == "Data runs through 22 Nov 2026; 23–30 Nov 2026 have no data yet."


def test_a_running_period_stays_to_date_when_todays_data_is_missing() -> None:
    ytd = resolve_period("this year", D(2026, 11, 23))
    clipped, note = clip_to_data(ytd, D(2026, 11, 22))
    assert (clipped.start, clipped.end, clipped.label, clipped.to_date) == (
        D(2026, 1, 1),
        D(2026, 11, 22),
        "2026 YTD",
        True,
    )
    assert note == "Data runs through 22 Nov 2026; 23 Nov 2026 has no data yet."


def test_a_period_that_starts_after_the_data_is_unchanged_with_a_note() -> None:
    december = resolve_period("this month", DEC01)
    assert clip_to_data(december, D(2026, 11, 30)) == (
        december,
        "No data yet for December 2026: data runs through 30 Nov 2026.",
    )


# --- a month boundary: today 1 Dec 2026 ------------------------------------------------------


def test_this_month_on_the_first_has_no_data_yet() -> None:
    december = resolve_period("this month", DEC01)
    compare = previous_period(december)
    period, comparison, note = like_for_like(december, compare, D(2026, 11, 30))
    assert (period, comparison) == (december, compare)
    assert note == "No data yet for December 2026: data runs through 30 Nov 2026."


def test_last_month_fully_covered_is_not_clipped() -> None:
    november = resolve_period("last month", DEC01)
    october = previous_period(november)
    assert like_for_like(november, october, D(2026, 11, 30)) == (november, october, None)


def test_last_month_cut_by_the_data_compares_the_same_days_of_the_month_before() -> None:
    november = resolve_period("last month", DEC01)
    period, comparison, note = like_for_like(november, previous_period(november), D(2026, 11, 22))
    assert _span(period) == (D(2026, 11, 1), D(2026, 11, 22))
    assert _span(comparison) == (D(2026, 10, 1), D(2026, 10, 22))
    assert comparison is not None and comparison.label == "October 2026"
    assert note == (
        "Both periods compare 1–22 Nov 2026 with 1–22 Oct 2026: "
        "data runs through 22 Nov 2026; 23–30 Nov 2026 have no data yet."
    )


def test_without_a_comparison_only_the_period_is_clipped() -> None:
    november = resolve_period("last month", DEC01)
    period, comparison, note = like_for_like(november, None, D(2026, 11, 22))
    assert _span(period) == (D(2026, 11, 1), D(2026, 11, 22)) and comparison is None
    assert note == "Data runs through 22 Nov 2026; 23–30 Nov 2026 have no data yet."


# --- a quarter boundary: today 1 Oct 2026, data through 29 Sep ----------------------------------


def test_q3_cut_by_the_data_compares_q2_to_the_same_month_and_day() -> None:
    today, through = D(2026, 10, 1), D(2026, 9, 29)
    q3 = resolve_period("last quarter", today)
    period, comparison, note = like_for_like(q3, previous_period(q3), through)
    assert (period.label, _span(period)) == ("Q3 2026", (D(2026, 7, 1), D(2026, 9, 29)))
    assert comparison is not None
    assert (comparison.label, _span(comparison)) == ("Q2 2026", (D(2026, 4, 1), D(2026, 6, 29)))
    assert note == (
        "Both periods compare 1 Jul – 29 Sep 2026 with 1 Apr – 29 Jun 2026: "
        "data runs through 29 Sep 2026; 30 Sep 2026 has no data yet."
    )


def test_q3_against_the_same_quarter_last_year_names_the_shared_days() -> None:
    today, through = D(2026, 10, 1), D(2026, 9, 29)
    q3 = resolve_period("Q3", today)
    compare = resolve_comparison("same quarter last year", q3, today)
    _, comparison, note = like_for_like(q3, compare, through)
    assert _span(comparison) == (D(2025, 7, 1), D(2025, 9, 29))
    assert note == (
        "Both periods compare 1 Jul – 29 Sep: data runs through 29 Sep 2026; "
        "30 Sep 2026 has no data yet."
    )


def test_this_quarter_on_its_first_day_has_no_data_yet() -> None:
    today = D(2026, 10, 1)
    q4 = resolve_period("this quarter", today)
    _, _, note = like_for_like(q4, previous_period(q4), D(2026, 9, 29))
    assert note == "No data yet for Q4 2026: data runs through 29 Sep 2026."


# --- a year boundary: today 1 Jan 2027 ---------------------------------------------------------

JAN01 = D(2027, 1, 1)


def test_this_year_on_new_years_day_has_no_data_yet() -> None:
    for words in ("this year", "ytd"):
        ytd = resolve_period(words, JAN01)
        compare = resolve_comparison("vs last year", ytd, JAN01)
        period, comparison, note = like_for_like(ytd, compare, D(2026, 12, 31))
        assert (period, comparison) == (ytd, compare)
        assert note == "No data yet for 2027 YTD: data runs through 31 Dec 2026."


def test_last_year_with_every_day_imported_is_whole() -> None:
    year = resolve_period("last year", JAN01)
    compare = resolve_comparison("vs last year", year, JAN01)
    assert like_for_like(year, compare, D(2026, 12, 31)) == (year, compare, None)


def test_last_year_missing_new_years_eve_compares_to_30_dec_both_years() -> None:
    year = resolve_period("last year", JAN01)
    period, comparison, note = like_for_like(year, previous_period(year), D(2026, 12, 30))
    assert (period.label, _span(period)) == ("2026", (D(2026, 1, 1), D(2026, 12, 30)))
    assert _span(comparison) == (D(2025, 1, 1), D(2025, 12, 30))
    assert note == (
        "Both periods compare 1 Jan – 30 Dec: data runs through 30 Dec 2026; "
        "31 Dec 2026 has no data yet."
    )


def test_ytd_against_last_year_compares_the_same_days_of_both_years() -> None:
    ytd = resolve_period("ytd", DEC01)
    compare = resolve_comparison("vs last year", ytd, DEC01)
    period, comparison, note = like_for_like(ytd, compare, D(2026, 11, 30))
    assert _span(period) == (D(2026, 1, 1), D(2026, 11, 30)) and period.to_date
    assert _span(comparison) == (D(2025, 1, 1), D(2025, 11, 30))
    assert note == (
        "Both periods compare 1 Jan – 30 Nov: data runs through 30 Nov 2026; "
        "1 Dec 2026 has no data yet."
    )


def test_a_to_date_period_cuts_a_whole_comparison_even_when_the_data_is_current() -> None:
    today = D(2026, 11, 30)
    ytd = resolve_period("ytd", today)
    whole_2025 = resolve_period("2025", today)
    period, comparison, note = like_for_like(ytd, whole_2025, today)
    assert period == ytd
    assert _span(comparison) == (D(2025, 1, 1), D(2025, 11, 30))
    assert note == "Both periods compare 1 Jan – 30 Nov: data runs through 30 Nov 2026."
    _, _, no_data_date = like_for_like(ytd, whole_2025, None)
    assert no_data_date == "Both periods compare 1 Jan – 30 Nov: 2026 YTD is still running."


# --- leap years ----------------------------------------------------------------------------------


def test_29_feb_is_compared_with_28_feb_a_year_earlier() -> None:
    today = D(2024, 3, 1)
    ytd = resolve_period("this year", today)
    period, comparison, note = like_for_like(
        ytd, resolve_comparison("last year", ytd, today), D(2024, 2, 29)
    )
    assert _span(period) == (D(2024, 1, 1), D(2024, 2, 29))
    assert _span(comparison) == (D(2023, 1, 1), D(2023, 2, 28))
    assert note is not None and note.startswith(
        "Both periods compare 1 Jan – 29 Feb 2024 with 1 Jan – 28 Feb 2023:"
    )


def test_a_leap_february_cut_on_the_28th_compares_all_of_a_common_february() -> None:
    today = D(2024, 3, 1)
    february = resolve_period("last month", today)
    period, comparison, note = like_for_like(
        february, same_period_last_year(february), D(2024, 2, 28)
    )
    assert _span(period) == (D(2024, 2, 1), D(2024, 2, 28))
    assert _span(comparison) == (D(2023, 2, 1), D(2023, 2, 28))
    assert note == (
        "Both periods compare 1–28 Feb: data runs through 28 Feb 2024; 29 Feb 2024 has no data yet."
    )


def test_a_common_year_to_28_feb_leaves_out_29_feb_of_the_leap_year() -> None:
    today = D(2025, 3, 1)
    ytd = resolve_period("ytd", today)
    _, comparison, _ = like_for_like(ytd, resolve_period("2024", today), D(2025, 2, 28))
    assert _span(comparison) == (D(2024, 1, 1), D(2024, 2, 28))


# --- weeks and rolling windows -------------------------------------------------------------------


def test_a_week_cut_by_the_data_compares_the_same_weekdays() -> None:
    wednesday = D(2026, 11, 25)
    week = resolve_period("this week", wednesday)
    _, previous, _ = like_for_like(week, previous_period(week), D(2026, 11, 24))
    _, year_ago, _ = like_for_like(week, same_period_last_year(week), D(2026, 11, 24))
    assert _span(previous) == (D(2026, 11, 16), D(2026, 11, 17))  # Monday–Tuesday
    assert _span(year_ago) == (D(2025, 11, 24), D(2025, 11, 25))  # Monday–Tuesday


def test_a_rolling_window_compares_as_many_days_from_the_comparisons_start() -> None:
    today = D(2026, 11, 23)
    window = resolve_period("last 30 days", today)
    period, comparison, _ = like_for_like(window, previous_period(window), D(2026, 11, 22))
    assert period.days == 29 and comparison is not None and comparison.days == 29
    assert _span(comparison) == (D(2026, 9, 25), D(2026, 10, 23))


def test_a_comparison_is_never_lengthened_nor_cut_before_it_starts() -> None:
    today = D(2026, 11, 23)
    quarter = resolve_period("this quarter", today)
    october = resolve_period("October", today)
    _, comparison, _ = like_for_like(quarter, october, D(2026, 11, 22))
    assert comparison == october  # shorter than the stretch: left as it is
    one_day = DateRange(start=D(2026, 1, 5), end=D(2026, 1, 5), label="5 Jan 2026")
    _, comparison, _ = like_for_like(resolve_period("last 7 days", today), one_day, today)
    assert _span(comparison) == (D(2026, 1, 5), D(2026, 1, 5))
