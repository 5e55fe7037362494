"""PNG charts for answers that read better as a picture: a series over time, a ranking,
goal progress. Drawn only from the tool result's own figures, never recomputed.

matplotlib's pyplot keeps global state and wants a display; this module builds each
`Figure` on its own Agg canvas instead. Drawing shares font caches across threads, so one
lock serialises the draw itself (a chart takes a fraction of a second).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from io import BytesIO
from typing import Any

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FuncFormatter, PercentFormatter
from pydantic import ValidationError

from bot.assistant.answer import Answer
from bot.render.values import SYMBOLS, cell
from storage.models import GoalMetric
from tools.digest.content import GoalDigest
from tools.digest.sections import by_status
from tools.goals import GoalProgress, GoalProgressList
from tools.metrics import METRICS, Metric, Value, metric_cell
from tools.performance import Leaderboard, Series
from tools.report import Cell, Money, Percent

log = logging.getLogger("partnerops.charts")
SIZE = (8.0, 4.5)
"""Inches: wide enough for a desktop thread, still legible when a phone scales it down."""
DPI = 110
MAX_ALT_TEXT = 1000
MAX_BARS = 25
"""Bars in one ranking chart; more would be unreadable labels."""

_ACTUAL = "#1f6feb"
_EXPECTED = "#f0a500"
_TARGET = "#444444"
_DRAW = threading.Lock()
_FONT = "DejaVu Sans"
_FALLBACK_FONTS = (
    "Noto Sans CJK KR", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC",
    "Noto Sans KR", "Noto Sans JP", "Noto Sans SC", "Source Han Sans", "NanumGothic",
    "Malgun Gothic", "Apple SD Gothic Neo", "Hiragino Sans", "Yu Gothic", "Microsoft YaHei",
    "PingFang SC", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans Arabic",
    "Noto Sans Hebrew", "Noto Sans Thai", "Noto Sans Devanagari",
)  # fmt: skip
"""Fonts tried, when installed, for characters DejaVu Sans lacks (Korean, Japanese, …)."""


@dataclass
class Chart:
    """A rendered chart as Slack's files.upload takes it."""

    png: bytes
    filename: str
    title: str
    alt_text: str


def chart_for(answer: Answer) -> Chart | None:
    """A chart for a series, leaderboard or goal-progress answer; None for anything else,
    for errors and for results with too little to draw."""
    if not answer.calls or answer.result is None or answer.report.kind != "answer":
        return None
    build = _BUILDERS.get(str(answer.calls[0].get("tool")))
    if build is None:
        return None
    try:
        return build(answer.result, answer.report.title)
    except (ValidationError, ValueError, TypeError, KeyError):
        return None  # a result that is not the tool's shape: no chart rather than a crash


# --- series -----------------------------------------------------------------------------------


def _series_chart(result: dict[str, Any], title: str) -> Chart | None:
    series = Series.model_validate(result)
    points = [(day, value) for day, value in series.points if value is not None]
    if len(points) < 2:
        return None
    label = METRICS[series.metric].label
    keys = ", ".join(p.key for p in series.segment.partners)
    plain = f"{label} by {series.grain}" + (f" — {keys}" if keys else "")
    fig, ax = _figure(title, fallback=plain)
    days = [day for day, _ in points]
    values = [float(value) for _, value in points]
    ax.plot(days, values, marker="o", color=_ACTUAL, linewidth=2)  # type: ignore[arg-type]
    if min(values) >= 0:
        ax.set_ylim(bottom=0)  # a level read from zero; net negatives keep their own floor
    ax.xaxis.set_major_locator(AutoDateLocator(minticks=4, maxticks=8))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(FuncFormatter(_day_tick))
    ax.yaxis.set_major_formatter(_axis_formatter(series.metric, series.currency))
    ax.set_ylabel(label)
    ax.set_xlabel("Week of" if series.grain == "week" else "Day")
    ax.grid(axis="y", alpha=0.3)
    fig.autofmt_xdate(rotation=0, ha="center")

    def shown(value: Value) -> str:
        return cell(metric_cell(value, series.metric, series.currency))

    first, last = points[0], points[-1]
    high = max(points, key=lambda p: Decimal(p[1] or 0))
    low = min(points, key=lambda p: Decimal(p[1] or 0))
    bucket = "week of " if series.grain == "week" else ""
    alt = (
        f"Line chart of {_lower(label)} by {series.grain} for {series.segment.describe()}, "
        f"{series.period.describe()}: {shown(first[1])} ({bucket}{cell(first[0])}) to "
        f"{shown(last[1])} ({bucket}{cell(last[0])}); highest {shown(high[1])} "
        f"({bucket}{cell(high[0])}), lowest {shown(low[1])} ({bucket}{cell(low[0])}); "
        f"{_lower(label)} over the whole period {shown(series.total)}."
    )
    return _chart(fig, title, alt)


# --- leaderboard ------------------------------------------------------------------------------


def _leaderboard_chart(result: dict[str, Any], title: str) -> Chart | None:
    board = Leaderboard.model_validate(result)
    entries = [e for e in board.entries if e.value is not None][:MAX_BARS]
    if len(entries) < 2:
        return None
    fig, ax = _figure(title, height=max(SIZE[1], 0.32 * len(entries) + 1.5))
    names = [_plain(f"{e.rank}. {_short(_drawn(e.name, e.partner_key))}") for e in entries]
    values = [float(e.value or 0) for e in entries]
    bars = ax.barh(names, values, color=_ACTUAL)
    ax.invert_yaxis()  # rank 1 at the top, as the table reads
    ax.xaxis.set_major_formatter(_axis_formatter(board.metric, board.currency))
    label = METRICS[board.metric].label
    ax.set_xlabel(label)
    ax.grid(axis="x", alpha=0.3)
    shown = [cell(metric_cell(e.value, board.metric, board.currency)) for e in entries]
    ax.bar_label(bars, labels=[_plain(t) for t in shown], padding=3, fontsize=9)
    ax.set_xlim(right=max(values) * 1.18 if max(values) > 0 else 1)
    ax.tick_params(axis="y", labelsize=9)
    parts = []
    for entry, figure in zip(entries, shown, strict=True):
        share = "" if entry.share is None else f" ({cell(_percent(entry.share))} of total)"
        parts.append(f"{entry.rank}. {entry.name} {figure}{share}")
    which = "top" if board.order == "top" else "bottom"
    alt = (
        f"Bar chart of the {which} {len(entries)} partners by {_lower(label)}, "
        f"{board.segment.describe()}, {board.period.describe()}: " + "; ".join(parts) + "."
    )
    return _chart(fig, title, alt)


# --- goals ------------------------------------------------------------------------------------


def _goals_chart(result: dict[str, Any], title: str) -> Chart | None:
    progress = GoalProgressList.model_validate(result)
    goals = [g for g in progress.goals if g.target > 0][:MAX_BARS]
    if not goals:
        return None
    fig, ax = _figure(title, height=max(SIZE[1], 0.6 * len(goals) + 1.6))
    currency = progress.currency

    def shown(value: Decimal, goal: GoalProgress) -> str:
        return _goal(value, goal, currency)

    names = [
        _plain(
            f"{_short(_drawn(g.name, g.goal_key))}\n"
            f"{shown(g.actual, g)} of {shown(g.target, g)} · {g.status}"
        )
        for g in goals
    ]
    actual = [float(g.actual / g.target * 100) for g in goals]
    ax.barh(names, actual, color=_ACTUAL, label="Actual", height=0.6)
    running = [(i, g) for i, g in enumerate(goals) if not g.finished]
    expected = [float(g.expected / g.target * 100) for _, g in running]
    if running:
        ax.scatter(
            expected,
            [names[i] for i, _ in running],
            marker="D",
            s=45,
            color=_EXPECTED,
            edgecolors="white",
            zorder=3,
            label="Expected by now",
        )
    ax.axvline(100, color=_TARGET, linestyle="--", linewidth=1.2, label="Target")
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel("Share of target")
    ax.set_xlim(0, max(110.0, *(a * 1.05 for a in actual + expected)))
    ax.tick_params(axis="y", labelsize=8.5)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    parts = []
    for g in goals:
        text = f"{g.name}: {shown(g.actual, g)} of {shown(g.target, g)}"
        if g.attainment is not None:
            text += f" ({cell(_percent(g.attainment))})"
        if not g.finished:
            text += f", expected by now {shown(g.expected, g)}"
        parts.append(f"{text}, {g.status}")
    alt = (
        f"Bar chart of {len(goals)} goals as a share of their targets, as of "
        f"{cell(progress.today)}: " + "; ".join(parts) + "."
    )
    return _chart(fig, title, alt)


def _goal(value: Decimal, goal: GoalProgress, currency: str) -> str:
    """A goal figure as the goal table shows it: money (in the list's currency) as money,
    counts as whole counts."""
    shown: Cell
    if goal.metric in (GoalMetric.REVENUE, GoalMetric.PAYOUT):
        shown = Money(amount=value, currency=currency)
    else:
        shown = int(value.to_integral_value(rounding=ROUND_HALF_UP))
    return cell(shown)


_BUILDERS: dict[str, Callable[[dict[str, Any], str], Chart | None]] = {
    "performance_series": _series_chart,
    "leaderboard": _leaderboard_chart,
    "goal_progress": _goals_chart,
}


# --- drawing ----------------------------------------------------------------------------------


def _figure(title: str, height: float = SIZE[1], fallback: str = "") -> tuple[Figure, Axes]:
    """A figure on its own Agg canvas (no pyplot), titled; names drawn in every installed
    font that can draw them. `fallback` is drawn when the title has characters none can."""
    fig = Figure(figsize=(SIZE[0], min(height, 12.0)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    fonts = _fonts()
    ax.set_title(
        _plain(_drawn(title, fallback or title)), fontsize=13, loc="left", fontfamily=fonts
    )
    ax.tick_params(labelfontfamily=fonts)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


@cache
def _installed_fonts() -> tuple[list[str], frozenset[int]]:
    """DejaVu Sans and the installed fallback fonts, and the characters they can draw."""
    paths = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    names: list[str] = []
    drawable: set[int] = set()
    for name in (_FONT, *_FALLBACK_FONTS):
        if name in paths:
            try:
                drawable.update(FT2Font(paths[name]).get_charmap())
            except (OSError, RuntimeError):
                continue  # an unreadable font file: draw without it
            names.append(name)
    return names, frozenset(drawable)


def _fonts() -> list[str]:
    return list(_installed_fonts()[0]) or [_FONT]


def _drawn(text: str, fallback: str) -> str:
    """`text` when the installed fonts can draw every character of it, else `fallback`
    (a partner's key rather than a row of empty boxes); the alt text keeps the name."""
    names, drawable = _installed_fonts()
    if not names:
        return text
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Mn"):
            continue
        if ord(char) not in drawable:
            return fallback
    return text


def _chart(fig: Figure, title: str, alt: str) -> Chart:
    buffer = BytesIO()
    with _DRAW:
        fig.savefig(buffer, format="png", dpi=DPI)
    alt = alt if len(alt) <= MAX_ALT_TEXT else alt[: MAX_ALT_TEXT - 1] + "…"
    return Chart(png=buffer.getvalue(), filename=f"{_slug(title)}.png", title=title, alt_text=alt)


def _axis_formatter(metric: Metric, currency: str) -> FuncFormatter:
    """Compact tick labels: '$250k', '1.2M', '3.5%', '4.2×'."""
    kind = METRICS[metric].kind
    symbol = SYMBOLS.get(currency.upper())

    def fmt(value: float, _: object) -> str:
        if kind == "percent":
            return f"{value * 100:.1f}%"
        if kind == "ratio":
            return f"{value:.1f}×"
        text = _compact(value)
        if kind != "money":
            return text
        return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"

    return FuncFormatter(fmt)


def _day_tick(value: float, _: object) -> str:
    day = num2date(value)  # type: ignore[no-untyped-call]
    return f"{day.day} {day:%b}"


def _compact(value: float) -> str:
    size = abs(value)
    for bound, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= bound:
            return f"{value / bound:.3g}{suffix}"
    return f"{value:,.0f}" if size >= 10 or value == 0 else f"{value:.2g}"


def _percent(value: Decimal) -> Cell:
    return Percent(value=value)


def _plain(text: str) -> str:
    """Text drawn as written: a "$" would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _lower(label: str) -> str:
    return label if label.isupper() else label.lower()


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
    return slug[:60].strip("-") or "chart"


DIGEST_BARS = 12
"""Goals in a digest's pacing chart: what a phone shows legibly (most behind first)."""


def digest_chart(digest: GoalDigest) -> Chart | None:
    """The digest's pacing chart: each running goal's actual and expected-by-now as a share
    of its target, drawn by the goal-progress chart; None without running goals. Past
    DIGEST_BARS goals it draws the ones needing attention first and its title says so."""
    running = by_status([g for g in digest.goals if not g.finished])
    if not running:
        return None
    title = f"Goal pacing — {digest.scope.describe()}"
    if len(running) > DIGEST_BARS:
        title += f" ({DIGEST_BARS} of {len(running)} goals, most behind first)"
    progress = GoalProgressList(
        today=digest.today,
        currency=digest.currency,
        filter_label=digest.scope.describe(),
        goals=running[:DIGEST_BARS],
    )
    try:
        return _drawn_goals(progress.model_dump_json(), title)
    except (ValidationError, ValueError, TypeError, KeyError):
        log.exception("digest chart could not be drawn")
        return None


@lru_cache(maxsize=16)
def _drawn_goals(progress: str, title: str) -> Chart | None:
    """The goals chart of exactly these figures, drawn once: a pass posting the same scope
    to several channels draws it once (a chart takes 0.1–0.3 s)."""
    return _goals_chart(json.loads(progress), title)
