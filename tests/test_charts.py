"""Charts: PNGs drawn from the tool result's own figures, with alt text that states them."""

from __future__ import annotations

import struct
import warnings
from concurrent.futures import ThreadPoolExecutor
from copy import deepcopy
from dataclasses import replace

from sqlalchemy.orm import Session

from bot.assistant.answer import Answer, answer_offline
from bot.render.charts import DPI, MAX_ALT_TEXT, SIZE, Chart, chart_for
from bot.render.values import cell
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext
from tools.goals import GoalProgressList
from tools.report import Report

CTX = ToolContext(today=DEMO_TODAY)
PNG = b"\x89PNG\r\n\x1a\n"
LEADERBOARD = "top 5 partners by revenue last month"
SERIES = "revenue per week over the last 3 months"
GOALS = "are we on track for our goals?"


def _ask(session: Session, text: str) -> Answer:
    return answer_offline(session, CTX, text)


def _chart(result: Answer) -> Chart:
    chart = chart_for(result)
    assert chart is not None
    assert chart.png.startswith(PNG)
    assert chart.title == result.report.title
    assert chart.filename.endswith(".png") and "/" not in chart.filename
    assert 0 < len(chart.alt_text) <= MAX_ALT_TEXT
    return chart


def _size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _table_cells(result: Answer) -> list[list[str]]:
    table = result.report.sections[0].table
    assert table is not None
    return [[cell(v) for v in row] for row in table.rows]


def test_a_leaderboard_is_a_bar_chart_whose_alt_text_carries_the_ranking(
    demo_session: Session,
) -> None:
    result = _ask(demo_session, LEADERBOARD)
    chart = _chart(result)
    assert chart.filename == "top-5-partners-by-revenue.png"
    assert _size(chart.png) == (round(SIZE[0] * DPI), round(SIZE[1] * DPI))
    assert chart.alt_text.startswith("Bar chart of the top 5 partners by revenue")
    for rank, name, revenue, share in _table_cells(result):
        assert f"{rank}. {name} {revenue} ({share} of total)" in chart.alt_text
    assert "October 2026" in chart.alt_text


def test_a_series_is_a_line_chart_whose_alt_text_states_its_ends_and_total(
    demo_session: Session,
) -> None:
    result = _ask(demo_session, SERIES)
    chart = _chart(result)
    rows = _table_cells(result)
    assert chart.alt_text.startswith("Line chart of revenue by week")
    assert f"{rows[0][1]} (week of {rows[0][0]})" in chart.alt_text
    assert f"{rows[-1][1]} (week of {rows[-1][0]})" in chart.alt_text
    highest = max(rows, key=lambda r: int(r[1].strip("$").replace(",", "")))
    lowest = min(rows, key=lambda r: int(r[1].strip("$").replace(",", "")))
    assert f"highest {highest[1]} (week of {highest[0]})" in chart.alt_text
    assert f"lowest {lowest[1]} (week of {lowest[0]})" in chart.alt_text
    total = result.report.sections[1].facts[0].value
    assert cell(total) in chart.alt_text


def test_goal_progress_charts_actual_expected_and_target_per_goal(demo_session: Session) -> None:
    result = _ask(demo_session, GOALS)
    chart = _chart(result)
    rows = _table_cells(result)
    assert chart.alt_text.startswith(f"Bar chart of {len(rows)} goals")
    for goal, _period, actual, target, expected, attainment, status, _forecast in rows:
        shown = f"{goal}: {actual} of {target} ({attainment})"
        if expected != "n/a":
            shown += f", expected by now {expected}"
        assert f"{shown}, {status}" in chart.alt_text


def test_answers_without_a_chart_get_none(demo_session: Session) -> None:
    assert chart_for(_ask(demo_session, "northwind")) is None  # a clarifying question
    assert chart_for(_ask(demo_session, "how did we do last month?")) is None  # a summary
    assert chart_for(Answer(report=Report(title="Nope", kind="error"))) is None
    board = _ask(demo_session, LEADERBOARD)
    assert chart_for(replace(board, report=Report(title="Oops", kind="error"))) is None
    assert chart_for(replace(board, result={"not": "a leaderboard"})) is None


def test_empty_or_one_point_results_get_no_chart(demo_session: Session) -> None:
    series = _ask(demo_session, SERIES)
    assert series.result is not None
    one = deepcopy(series.result)
    one["points"] = one["points"][:1]
    assert chart_for(replace(series, result=one)) is None
    board = _ask(demo_session, LEADERBOARD)
    assert board.result is not None
    empty = deepcopy(board.result)
    empty["entries"] = []
    assert chart_for(replace(board, result=empty)) is None
    goals = _ask(demo_session, GOALS)
    assert goals.result is not None
    assert chart_for(replace(goals, result={**goals.result, "goals": []})) is None


def test_money_in_names_is_drawn_as_written(demo_session: Session) -> None:
    board = _ask(demo_session, LEADERBOARD)
    assert board.result is not None
    dollars = deepcopy(board.result)
    dollars["entries"][0]["name"] = "$5 $ale$ partner"  # would start matplotlib math mode
    chart = _chart(replace(board, result=dollars))
    revenue = _table_cells(board)[0][2]
    assert f"1. $5 $ale$ partner {revenue} (" in chart.alt_text


def test_four_threads_render_at_once_and_agree_with_one(demo_session: Session) -> None:
    answers = [_ask(demo_session, q) for q in (LEADERBOARD, SERIES, GOALS, LEADERBOARD)]
    alone = [chart_for(a) for a in answers]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(chart_for, answers * 2))
    for i, chart in enumerate(together):
        expected = alone[i % len(answers)]
        assert chart is not None and expected is not None
        assert chart.png.startswith(PNG)
        assert chart.png == expected.png
        assert chart.alt_text == expected.alt_text


def test_a_daily_series_names_its_days(demo_session: Session) -> None:
    result = _ask(demo_session, "daily clicks last 30 days")
    assert result.calls[0]["arguments"]["grain"] == "day"
    chart = _chart(result)
    rows = _table_cells(result)
    assert chart.alt_text.startswith("Line chart of clicks by day")
    assert "week of" not in chart.alt_text
    assert f"{rows[0][1]} ({rows[0][0]}) to {rows[-1][1]} ({rows[-1][0]})" in chart.alt_text


def test_a_series_that_goes_below_zero_is_drawn_and_described(demo_session: Session) -> None:
    series = _ask(demo_session, SERIES)
    assert series.result is not None
    net = deepcopy(series.result)
    net["points"][1][1] = "-1250.5"  # reversals outweighing a week's revenue
    chart = _chart(replace(series, result=net))
    assert "lowest -$1,251 (week of" in chart.alt_text


def test_names_no_installed_font_can_draw_are_not_drawn_as_empty_boxes(
    demo_session: Session,
) -> None:
    """Korean names need a CJK font; without one the bar is labelled by the partner's key
    (matplotlib would warn of each missing glyph), and the alt text keeps the name."""
    board = _ask(demo_session, LEADERBOARD)
    assert board.result is not None
    named = deepcopy(board.result)
    named["entries"][0]["name"] = "서울 뷰티랩"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = _chart(replace(board, result=named, report=board.report))
    assert "1. 서울 뷰티랩 " in chart.alt_text


def test_goal_figures_read_in_the_lists_currency_as_the_table_does(
    demo_session: Session,
) -> None:
    goals = _ask(demo_session, GOALS)
    assert goals.result is not None
    euros = deepcopy(goals.result)
    euros["currency"] = "EUR"
    report = GoalProgressList.model_validate(euros).report()
    chart = _chart(replace(goals, result=euros, report=report))
    assert report.sections[0].table is not None
    money = [row for row in report.sections[0].table.rows if "revenue" in str(row[0])]
    assert money
    for row in money:
        assert f"{row[0]}: {cell(row[2])} of {cell(row[3])}" in chart.alt_text
        assert cell(row[2]).startswith("€")
