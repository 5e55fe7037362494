"""Metrics, performance summaries, leaderboards and series agree with sums over the raw rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, Partner
from storage.queries import Totals
from tests.factories import (
    ALL,
    DAYS,
    JULY,
    JUNE,
    NAMES,
    ROWS,
    START,
    expected_metrics,
    keys_where,
    load_program,
    sums,
)
from tools import registry
from tools.context import ToolContext
from tools.errors import NotFound, PartnerNotFound, ToolError
from tools.metrics import METRIC_NAMES, METRICS, Metric, change, metric_cell, metric_value
from tools.partners import parse_partner_type
from tools.performance import (
    MAX_LEADERBOARD,
    Leaderboard,
    LeaderboardArgs,
    PerformanceArgs,
    PerformanceSeriesArgs,
    PerformanceSummary,
    Series,
    leaderboard,
    performance,
    performance_series,
    run_leaderboard,
    run_performance,
    run_performance_series,
)
from tools.periods import DateRange
from tools.report import Money, Percent, Ratio
from tools.segment import Segment, SegmentArgs, resolve_segment

PROGRAM = Segment()
GOLD = Segment(tiers=("Gold",))


# --- metrics ------------------------------------------------------------------------------


def test_metric_value_divides_sums_and_gives_none_for_zero_denominators() -> None:
    totals = Totals(
        clicks=200, leads=40, conversions=8, reversals=2, revenue=Decimal("960.00"),
        payout=Decimal("96.00"),
    )  # fmt: skip
    assert metric_value(totals, "conversion_rate") == Decimal("0.04")
    assert metric_value(totals, "epc") == Decimal("0.48")
    assert metric_value(totals, "aov") == Decimal(120)
    assert metric_value(totals, "roas") == Decimal(10)
    assert metric_value(totals, "reversal_rate") == Decimal("0.25")
    empty = Totals()
    for metric in ("conversion_rate", "epc", "aov", "roas", "reversal_rate"):
        assert metric_value(empty, metric) is None
    assert metric_value(empty, "revenue") == Decimal(0)
    assert metric_value(empty, "clicks") == 0


def test_metric_cell_types_follow_the_metric_kind() -> None:
    assert metric_cell(Decimal("5.5"), "revenue", "EUR") == Money(
        amount=Decimal("5.5"), currency="EUR"
    )
    assert metric_cell(Decimal("0.25"), "epc") == Money(amount=Decimal("0.25"))
    assert metric_cell(Decimal("0.125"), "conversion_rate") == Percent(value=Decimal("12.5"))
    assert metric_cell(Decimal("4.2"), "roas") == Ratio(value=Decimal("4.2"))
    assert metric_cell(12, "clicks") == 12
    assert metric_cell(None, "aov") is None
    assert set(METRICS) == set(METRIC_NAMES) and len(METRIC_NAMES) == 11


def test_change_gives_absolute_and_percent_and_none_without_a_base() -> None:
    up = change(Decimal(150), Decimal(100), metric="revenue", against="June 2026")
    assert up is not None
    assert up.absolute == Money(amount=Decimal(50)) and up.percent == Decimal(50)
    assert up.against == "June 2026"
    assert up.previous == Money(amount=Decimal(100))  # both sides, not only the change
    rate = change(Decimal("0.05"), Decimal("0.04"), metric="conversion_rate", against="x")
    assert rate is not None and rate.absolute == Percent(value=Decimal("1.00"))
    assert rate.percent == Decimal(25)
    from_zero = change(7, 0, metric="clicks", against="x")
    assert from_zero is not None and from_zero.absolute == 7 and from_zero.percent is None
    assert change(None, Decimal(1), metric="aov", against="x") is None
    assert change(Decimal(1), None, metric="aov", against="x") is None


# --- performance summary --------------------------------------------------------------------


def test_performance_matches_independent_sums_and_changes(session: Session) -> None:
    load_program(session)
    summary = performance(session, segment=PROGRAM, period=JULY, compare=JUNE)
    now = expected_metrics(sums(ROWS, JULY.start, JULY.end, ALL))
    before = expected_metrics(sums(ROWS, JUNE.start, JUNE.end, ALL))
    assert summary.has_data and summary.comparison_has_data
    assert summary.partners_with_data == len(ALL) - 1  # eta has no rows
    for metric in METRIC_NAMES:
        figure = summary.figure(metric)
        assert figure.value == now[metric], metric
        assert figure.previous == before[metric], metric
        assert figure.change is not None
        current, previous = now[metric], before[metric]
        assert isinstance(current, int | Decimal) and isinstance(previous, int | Decimal)
        delta = Decimal(current) - Decimal(previous)
        assert figure.change.percent == delta / Decimal(previous) * 100, metric
        absolute = figure.change.absolute
        if METRICS[metric].kind == "percent":
            assert isinstance(absolute, Percent) and absolute.value == delta * 100
        elif METRICS[metric].kind == "money":
            assert isinstance(absolute, Money) and absolute.amount == delta
        elif METRICS[metric].kind == "ratio":
            assert isinstance(absolute, Ratio) and absolute.value == delta
        else:
            assert absolute == delta


def test_performance_for_tier_type_and_partner_match_their_rows(session: Session) -> None:
    partners = load_program(session)
    cases = [
        (GOLD, keys_where(tier="Gold")),
        (Segment(types=("affiliate",)), keys_where(ptype="affiliate")),
        (
            Segment(tiers=("Silver",), types=("affiliate",)),
            keys_where(tier="Silver", ptype="affiliate"),
        ),
        (Segment(tiers=("Gold", "Bronze")), keys_where(tier="Gold") | keys_where(tier="Bronze")),
        (Segment.of(partners["delta"]), {"delta"}),
        (Segment.of(partners["delta"], partners["gamma"]), {"delta", "gamma"}),
    ]
    for segment, keys in cases:
        summary = performance(session, segment=segment, period=JULY, compare=None)
        expected = expected_metrics(sums(ROWS, JULY.start, JULY.end, keys))
        label = segment.describe()
        assert {m: summary.figure(m).value for m in METRIC_NAMES} == expected, label
        assert summary.comparison is None
        assert all(f.change is None for f in summary.figures)


def test_performance_says_clearly_when_the_scope_has_no_data(session: Session) -> None:
    partners = load_program(session)
    summary = performance(session, segment=Segment.of(partners["eta"]), period=JULY, compare=JUNE)
    assert not summary.has_data and not summary.comparison_has_data
    report = summary.report()
    assert (
        report.sections[0].text == "Eta Empty had no performance data in " + JULY.describe() + "."
    )
    assert not any(s.facts for s in report.sections)


def test_performance_report_states_period_scope_and_comparison(session: Session) -> None:
    load_program(session)
    report = performance(session, segment=GOLD, period=JULY, compare=JUNE, currency="EUR").report()
    assert report.period == "July 2026 (1 Jul – 31 Jul 2026)"
    assert report.scope == "Gold partners"
    assert report.title == "Performance — Gold partners"
    facts = {f.label: f for s in report.sections for f in s.facts}
    assert len(facts) == 11
    revenue = facts["Revenue"]
    assert isinstance(revenue.value, Money) and revenue.value.currency == "EUR"
    assert revenue.change is not None and revenue.change.against == "June 2026"
    june = sums(ROWS, JUNE.start, JUNE.end, keys_where(tier="Gold"))["revenue"]
    assert revenue.change.previous == Money(amount=june, currency="EUR")
    assert any("June 2026 (1 Jun – 30 Jun 2026)" in note for note in report.notes)


def test_performance_summary_serialises_to_json(session: Session) -> None:
    load_program(session)
    dumped = performance(session, segment=PROGRAM, period=JULY, compare=JUNE).model_dump(
        mode="json"
    )
    assert dumped["totals"]["clicks"] == sums(ROWS, JULY.start, JULY.end, ALL)["clicks"]


def test_an_unknown_partner_is_not_found_before_any_figure(session: Session) -> None:
    load_program(session)
    with pytest.raises(PartnerNotFound):
        resolve_segment(session, SegmentArgs(partners=["Zzyzx Holdings"]))
    with pytest.raises(PartnerNotFound):
        run_performance(session, CTX, PerformanceArgs(partners=["Zzyzx Holdings"]))


# --- leaderboard ----------------------------------------------------------------------------


def _ranking(
    metric: str, keys: set[str], order: str, span: tuple[date, date] = (JULY.start, JULY.end)
) -> list[tuple[str, Any]]:
    names = NAMES
    values = []
    for key in keys:
        s = sums(ROWS, span[0], span[1], {key})
        if s["rows"] == 0:
            continue
        values.append((names[key], expected_metrics(s)[metric]))
    sign = -1 if order == "top" else 1
    return sorted(values, key=lambda nv: (sign * Decimal(nv[1]), nv[0].casefold()))


def test_leaderboard_orders_partners_by_revenue_with_shares(session: Session) -> None:
    load_program(session)
    total = sums(ROWS, JULY.start, JULY.end, ALL)["revenue"]
    assert isinstance(total, Decimal)
    orders: tuple[Literal["top", "bottom"], ...] = ("top", "bottom")
    for order in orders:
        board = leaderboard(session, metric="revenue", period=JULY, n=3, order=order)
        expected = _ranking("revenue", ALL, order)[:3]
        assert [(e.name, e.value) for e in board.entries] == expected
        assert [e.rank for e in board.entries] == [1, 2, 3]
        assert board.total == total
        for entry in board.entries:
            assert entry.share == Decimal(entry.value or 0) / total * 100
        assert board.ranked == len(ALL) - 1
        table = board.report().sections[0].table
        assert table is not None and table.columns == ["Rank", "Partner", "Revenue", "Share"]
        assert table.rows[0][1] == expected[0][0]


def test_leaderboard_keeps_names_exactly_as_stored(session: Session) -> None:
    load_program(session)
    board = leaderboard(session, metric="clicks", period=JULY, n=10)
    assert "Épsilon Edu & Co" in [e.name for e in board.entries]


def test_ratio_leaderboards_rank_only_partners_with_a_meaningful_denominator(
    session: Session,
) -> None:
    load_program(session)
    theta = sums(ROWS, JULY.start, JULY.end, {"theta"})
    zeta = sums(ROWS, JULY.start, JULY.end, {"zeta"})
    assert theta["clicks"] >= 100 > theta["conversions"]
    assert zeta["clicks"] < 100 and zeta["payout"] == 0
    cases: list[tuple[Metric, set[str]]] = [
        ("conversion_rate", {"zeta"}),
        ("epc", {"zeta"}),
        ("aov", {"zeta", "theta"}),
        ("reversal_rate", {"zeta", "theta"}),
        ("roas", {"zeta"}),
    ]
    for metric, excluded in cases:
        board = leaderboard(session, metric=metric, period=JULY, n=10)
        keys = ALL - excluded - {"eta"}
        assert [(e.name, e.value) for e in board.entries] == _ranking(metric, keys, "top")
        assert board.excluded == len(excluded), metric
        assert all(e.share is None and e.basis is not None for e in board.entries)
        assert any("left out" in note for note in board.notes)


def test_leaderboard_breaks_ties_by_name(session: Session) -> None:
    partners = [
        Partner(partner_key=k, name=n, type="affiliate", status="active")
        for k, n in (("b", "beta"), ("a", "Alpha"), ("c", "Charlie"))
    ]
    session.add_all(partners)
    session.flush()
    for p in partners:
        session.add(DailyPerformance(partner_id=p.id, day=JULY.start, clicks=10, leads=0,
                                     conversions=1, reversals=0, revenue=Decimal("50.00"),
                                     payout=Decimal("5.00")))  # fmt: skip
    session.commit()
    top = leaderboard(session, metric="revenue", period=JULY, n=3)
    bottom = leaderboard(session, metric="revenue", period=JULY, n=3, order="bottom")
    assert [e.name for e in top.entries] == ["Alpha", "beta", "Charlie"]
    assert [e.name for e in bottom.entries] == ["Alpha", "beta", "Charlie"]
    # The cut falls inside the tie: the name decides who makes the list.
    assert [e.name for e in leaderboard(session, period=JULY, n=2).entries] == ["Alpha", "beta"]
    with pytest.raises(ToolError, match="at least 1"):
        leaderboard(session, period=JULY, n=0)


def test_leaderboard_filters_by_tier_and_type(session: Session) -> None:
    partners = load_program(session)
    segment = resolve_segment(session, SegmentArgs(tiers=["silver"], types=["affiliates"])).segment
    board = leaderboard(session, metric="conversions", period=JULY, n=10, segment=segment)
    keys = keys_where(tier="Silver", ptype="affiliate")
    assert [(e.name, e.value) for e in board.entries] == _ranking("conversions", keys, "top")
    assert board.total == sums(ROWS, JULY.start, JULY.end, keys)["conversions"]
    assert board.report().scope == "Silver affiliate partners"
    pair = Segment.of(partners["alpha"], partners["zeta"])
    two = leaderboard(session, metric="clicks", period=JULY, n=10, segment=pair)
    assert [(e.name, e.value) for e in two.entries] == _ranking("clicks", {"alpha", "zeta"}, "top")


def test_leaderboard_over_an_empty_period_says_nobody_to_rank(session: Session) -> None:
    load_program(session)
    empty = DateRange(start=date(2027, 1, 1), end=date(2027, 1, 31), label="January 2027")
    board = leaderboard(session, metric="revenue", period=empty)
    assert board.entries == [] and board.total == Decimal(0)
    assert "No partners to rank" in (board.report().sections[0].text or "")


# --- series ---------------------------------------------------------------------------------


def test_weekly_series_sums_equal_the_period_totals(session: Session) -> None:
    load_program(session)
    period = DateRange(start=date(2026, 6, 3), end=date(2026, 9, 20), label="summer")
    for metric in ("revenue", "conversions", "clicks"):
        series = performance_series(
            session, segment=PROGRAM, metric=metric, period=period, grain="week"
        )
        expected = sums(ROWS, period.start, period.end, ALL)[metric]
        assert sum((Decimal(v or 0) for _d, v in series.points), Decimal(0)) == expected
        assert series.total == expected
    # weeks are Monday-keyed, the first one clipped to the period's start
    assert series.points[0][0] == period.start
    assert all(d.weekday() == 0 for d, _v in series.points[1:])
    assert len(series.points) == 16


def test_daily_series_matches_each_days_rows_including_ratios(session: Session) -> None:
    load_program(session)
    period = DateRange(start=date(2026, 7, 1), end=date(2026, 7, 10), label="early July")
    keys = keys_where(tier="Gold")
    series = performance_series(session, segment=GOLD, metric="aov", period=period, grain="day")
    assert len(series.points) == 10
    for day, value in series.points:
        assert value == expected_metrics(sums(ROWS, day, day, keys))["aov"]
    table = series.report().sections[0].table
    assert table is not None and table.columns == ["Day", "AOV"] and len(table.rows) == 10


def test_weekly_series_includes_empty_weeks_for_a_quiet_partner(session: Session) -> None:
    partners = load_program(session)
    eta = Segment.of(partners["eta"])
    series = performance_series(session, segment=eta, metric="revenue", period=JULY)
    assert len(series.points) == 5
    assert all(v == Decimal(0) for _d, v in series.points)


# --- adapters' word resolution -------------------------------------------------------------


def test_tier_words_match_known_tiers_case_insensitively(session: Session) -> None:
    load_program(session)

    def tiers(*words: str) -> tuple[str, ...]:
        return resolve_segment(session, SegmentArgs(tiers=list(words))).segment.tiers

    assert tiers("gold") == ("Gold",)
    assert tiers("SILVER tier") == ("Silver",)
    assert tiers("gold", "Bronze", "Gold") == ("Gold", "Bronze")
    with pytest.raises(NotFound) as error:
        tiers("Platinum")
    assert all(tier in error.value.message for tier in ("Gold", "Silver", "Bronze"))


def test_partner_type_words_map_to_the_enum_values() -> None:
    assert parse_partner_type("Affiliates") == "affiliate"
    assert parse_partner_type("b2b brand") == "b2b_brand"
    assert parse_partner_type("Agencies") == "agency"
    assert parse_partner_type("channel partners") == "channel"
    with pytest.raises(NotFound) as error:
        parse_partner_type("wizards")
    assert "influencer" in error.value.message


# --- registry adapters ----------------------------------------------------------------------

CTX = ToolContext(today=date(2026, 8, 1), currency="EUR")


def test_performance_adapter_lets_partners_beat_other_dimensions_and_says_so(
    session: Session,
) -> None:
    partners = load_program(session)
    args = PerformanceArgs(partners=["delta deals"], tiers=["Gold"], period="July 2026")
    summary = run_performance(session, CTX, args)
    assert isinstance(summary, PerformanceSummary)
    assert summary.segment == Segment.of(partners["delta"])
    assert summary.period.start == JULY.start and summary.period.end == JULY.end
    assert summary.comparison is not None and summary.comparison.start == JUNE.start
    assert summary.figure("revenue").value == sums(ROWS, JULY.start, JULY.end, {"delta"})["revenue"]
    assert summary.currency == "EUR"
    note = (
        "Delta Deals is not among Gold partners, so that filter was not applied: "
        "this covers Delta Deals."
    )
    assert summary.notes == [note]
    assert summary.report().notes[0] == note
    # A named partner inside the other dimensions needs no note.
    inside = run_performance(
        session, CTX, PerformanceArgs(partners=["alpha"], tiers=["gold"], period="July 2026")
    )
    assert isinstance(inside, PerformanceSummary)
    assert inside.segment == Segment.of(partners["alpha"]) and inside.notes == []


def test_performance_adapter_combines_dimensions(session: Session) -> None:
    load_program(session)
    by_both = run_performance(
        session, CTX, PerformanceArgs(tiers=["gold"], types=["affiliate"], period="July 2026")
    )
    assert isinstance(by_both, PerformanceSummary)
    assert by_both.segment == Segment(tiers=("Gold",), types=("affiliate",))
    assert by_both.report().scope == "Gold affiliate partners"
    keys = keys_where(tier="Gold", ptype="affiliate")
    assert by_both.totals.revenue == sums(ROWS, JULY.start, JULY.end, keys)["revenue"]
    assert by_both.partners_with_data == len(keys)
    by_type = run_performance(session, CTX, PerformanceArgs(types="Affiliates", compare_to="none"))
    assert isinstance(by_type, PerformanceSummary)
    assert by_type.segment == Segment(types=("affiliate",)) and by_type.comparison is None
    assert by_type.period.label == "last 30 days"
    assert by_type.report().scope == "affiliate partners"
    program = run_performance(session, CTX, PerformanceArgs(period="July 2026"))
    assert isinstance(program, PerformanceSummary)
    assert program.segment.is_program and program.report().scope == "whole program"


def test_performance_adapter_names_known_tiers_for_an_unknown_one(session: Session) -> None:
    load_program(session)
    with pytest.raises(NotFound) as error:
        run_performance(session, CTX, PerformanceArgs(tiers=["Platinum"]))
    assert error.value.options == ["Bronze", "Gold", "Silver"]


def test_leaderboard_and_series_adapters_resolve_words(session: Session) -> None:
    partners = load_program(session)
    board = run_leaderboard(
        session,
        CTX,
        LeaderboardArgs(metric="clicks", period="July 2026", n=MAX_LEADERBOARD, tiers="silver"),
    )
    assert isinstance(board, Leaderboard)
    assert board.report().scope == "Silver partners" and board.n == MAX_LEADERBOARD
    assert [(e.name, e.value) for e in board.entries] == _ranking(
        "clicks", keys_where(tier="Silver"), "top"
    )
    series = run_performance_series(session, CTX, PerformanceSeriesArgs(partners=["gamma"]))
    assert isinstance(series, Series)
    assert series.period.label == "last 90 days" and series.grain == "week"
    assert series.segment == Segment.of(partners["gamma"])
    assert series.report().scope == "Gamma Creators"
    assert series.total == sums(ROWS, series.period.start, series.period.end, {"gamma"})["revenue"]


def test_adapters_carry_the_segment_notes_into_their_reports(session: Session) -> None:
    load_program(session)
    note = "Gamma Creators is not among affiliate partners"
    board = run_leaderboard(
        session, CTX, LeaderboardArgs(partners=["gamma"], types=["affiliate"], period="July 2026")
    )
    assert isinstance(board, Leaderboard)
    assert board.notes[0].startswith(note) and board.report().notes[0].startswith(note)
    assert [e.name for e in board.entries] == [NAMES["gamma"]]
    series = run_performance_series(
        session, CTX, PerformanceSeriesArgs(partners=["gamma"], types=["affiliate"])
    )
    assert isinstance(series, Series)
    assert series.report().notes[0].startswith(note)


def test_leaderboard_size_is_bounded_by_the_argument_model_not_clamped(session: Session) -> None:
    with pytest.raises(ValidationError):
        LeaderboardArgs(n=MAX_LEADERBOARD + 1)
    with pytest.raises(ValidationError):
        LeaderboardArgs(n=0)
    with pytest.raises(ToolError, match="n: must be at most 50"):
        registry.call(session, CTX, "leaderboard", {"n": 500})


def test_series_leaves_out_buckets_after_the_last_day_of_data(session: Session) -> None:
    load_program(session)
    last_day = START + timedelta(days=DAYS - 1)  # Monday 28 Sep 2026
    period = DateRange(start=date(2026, 9, 1), end=date(2026, 10, 15), label="autumn")
    series = performance_series(session, segment=PROGRAM, metric="clicks", period=period)
    assert series.data_through == last_day
    assert [d for d, _v in series.points] == [
        date(2026, 9, 1), date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 21), last_day,
    ]  # fmt: skip
    assert series.total == sums(ROWS, period.start, period.end, ALL)["clicks"]
    assert any("Data runs through 28 Sep 2026" in note for note in series.report().notes)


def test_a_unit_with_no_data_yet_answers_with_the_latest_one_and_says_so(
    session: Session,
) -> None:
    load_program(session)
    last_day = START + timedelta(days=DAYS - 1)  # Monday 28 Sep 2026
    october_first = ToolContext(today=date(2026, 10, 1))
    summary = run_performance(session, october_first, PerformanceArgs(period="this month"))
    assert isinstance(summary, PerformanceSummary)
    # September, ended on the last day with data; August cut to the same stretch.
    assert (summary.period.start, summary.period.end) == (date(2026, 9, 1), last_day)
    assert summary.period.label == "September 2026"
    assert summary.comparison is not None and summary.comparison.label == "August 2026"
    assert summary.comparison.end == date(2026, 8, 28)
    assert summary.totals.revenue == sums(ROWS, date(2026, 9, 1), last_day, ALL)["revenue"]
    august = sums(ROWS, date(2026, 8, 1), date(2026, 8, 28), ALL)["revenue"]
    assert summary.figure("revenue").previous == august
    notes = summary.report().notes
    assert notes[0].startswith("No data yet for October 2026")
    assert "data runs through 28 Sep 2026, so this shows September 2026" in notes[0]
    assert notes[1].startswith("Both periods compare 1–28 Sep 2026 with 1–28 Aug 2026")

    board = run_leaderboard(session, october_first, LeaderboardArgs(period="yesterday", n=3))
    assert isinstance(board, Leaderboard)
    assert (board.period.start, board.period.end) == (last_day, last_day)
    assert [(e.name, e.value) for e in board.entries] == _ranking(
        "revenue", ALL, "top", (last_day, last_day)
    )[:3]
    assert board.notes[0].startswith("No data yet for yesterday (30 Sep 2026)")

    # A period inside the data is answered as asked, without a note.
    asked = run_performance(session, october_first, PerformanceArgs(period="August 2026"))
    assert isinstance(asked, PerformanceSummary)
    assert (asked.period.start, asked.period.end) == (date(2026, 8, 1), date(2026, 8, 31))
    assert asked.period.label == "August 2026" and asked.notes == []


def test_all_time_runs_from_the_first_day_with_data_without_a_comparison(
    session: Session,
) -> None:
    load_program(session)
    last_day = START + timedelta(days=DAYS - 1)
    ctx = ToolContext(today=last_day + timedelta(days=1))
    summary = run_performance(session, ctx, PerformanceArgs(period="all time"))
    assert isinstance(summary, PerformanceSummary)
    assert (summary.period.start, summary.period.end) == (START, last_day)
    assert summary.comparison is None
    assert summary.totals.revenue == sums(ROWS, START, last_day, ALL)["revenue"]


def test_a_period_starting_before_the_data_says_so_and_a_partial_comparison_is_flagged(
    session: Session,
) -> None:
    load_program(session)
    ctx = ToolContext(today=START + timedelta(days=DAYS))
    summary = run_performance(
        session, ctx, PerformanceArgs(period=f"{START.year}", compare_to="none")
    )
    assert isinstance(summary, PerformanceSummary)
    notes = summary.report().notes
    assert any(n.startswith(f"Data starts on {START.day} {START:%b %Y}") for n in notes)
    first, last = START + timedelta(days=10), START + timedelta(days=39)
    # 30 days whose previous 30 days begin 20 days before the data
    partial = run_performance(session, ctx, PerformanceArgs(period=f"{first} to {last}"))
    assert isinstance(partial, PerformanceSummary)
    assert partial.comparison is not None and partial.comparison.start < START
    assert any("only partly covered by the data" in n for n in partial.report().notes)


def test_overlapping_periods_are_said_to_overlap(session: Session) -> None:
    load_program(session)
    ctx = ToolContext(today=date(2026, 8, 20))  # the last 30 days reach back into July
    summary = run_performance(
        session, ctx, PerformanceArgs(period="last 30 days", compare_to="last month")
    )
    assert isinstance(summary, PerformanceSummary)
    assert summary.comparison is not None
    assert summary.comparison.start <= summary.period.end
    assert summary.period.start <= summary.comparison.end
    assert any("overlap" in n for n in summary.report().notes)
    separate = run_performance(session, ctx, PerformanceArgs(period="last month"))
    assert isinstance(separate, PerformanceSummary)
    assert not any("overlap" in n for n in separate.report().notes)
