"""A newcomer's first 30 questions on the demo program, through the same road as the CLI.

Every answer must state its period (data answers) or be a useful clarifying question /
not-found with options; some figures are checked against direct sums of the daily rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.assistant.answer import Answer, answer
from bot.assistant.plan import TurnState
from bot.render.text import render_text
from storage.models import Application, AuditEntry, DailyPerformance, Partner
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext

CTX = ToolContext(today=DEMO_TODAY, approvers=frozenset({"UAPPROVER"}))

# (question, expected tool or kind, text that must appear in the rendered answer)
CONVERSATION: list[tuple[str, str, str]] = [
    ("help", "help", "revenue"),
    ("top 5 partners by revenue last month", "leaderboard", "October 2026"),
    ("how much revenue did Zabka bring in last quarter?", "performance", "Q3 2026"),
    ("and the quarter before?", "performance", "Q2 2026"),
    ("what about Northwind?", "performance", "Northwind Traders"),
    ("are we on track for our goals?", "goal_progress", "Q4 2026 partner revenue"),
    ("who's gone quiet?", "quiet_partners", "Lumen Coupons"),
    ("any reversal spikes in the last 3 weeks?", "reversal_anomalies", "CashBack Kings"),
    ("pending applications", "pending_applications", "Totally Legit Marketing"),
    ("show me the application from Totally Legit Marketing", "application_detail", "> "),
    ("approve Totally Legit Marketing", "refuse", "approve"),
    ("QBR for Helios last quarter", "qbr_summary", "Q3 2026"),
    ("draft a re-engagement email to Lumen Coupons", "draft_outreach", "Lumen Coupons"),
    ("write a webinar plan with Atlas Outdoor", "draft_content", "Atlas Outdoor Co."),
    ("who should we recruit next?", "recruitment_priorities", "overlap"),
    ("how many influencers do we have?", "list_partners", "influencer"),
    ("list gold partners", "list_partners", "Northwind Traders"),
    ("conv rate for gold tier this quarter", "performance", "Q4 2026"),
    ("biggest movers vs last month", "top_movers", "2026"),
    ("weekly revenue trend for Northwind last 90 days", "performance_series", "Northwind"),
    ("tell me about 서울 뷰티랩", "find_partner", "서울 뷰티랩"),
    ("how is Ромашка doing ytd", "performance", "Ромашка Медиа"),
    ("revenue for brightwave last month", "clarify", "Brightwave Studios"),
    ("revenue for Zzyzx Holdings last month", "not_found", "Zzyzx Holdings"),
    ("EPC for affiliates in October 2026", "performance", "October 2026"),
    ("bottom 3 partners by ROAS this year", "leaderboard", "2026"),
    ("who owns Smith and Sons?", "find_partner", "Smith & Sons Reviews"),
    ("payout since March", "performance", "since 1 Mar 2026"),
    ("revenue between 1 and 15 Sep", "performance", "1–15 Sep 2026"),
    ("how are we doing this month?", "performance", "November 2026"),
]


# The period each answer must state, for questions whose period is the point.
STATED_PERIODS = {
    "top 5 partners by revenue last month": "October 2026 (1 Oct – 31 Oct 2026)",
    "how much revenue did Zabka bring in last quarter?": "Q3 2026 (1 Jul – 30 Sep 2026)",
    "and the quarter before?": "Q2 2026 (1 Apr – 30 Jun 2026)",
    "what about Northwind?": "Q2 2026 (1 Apr – 30 Jun 2026)",
    "conv rate for gold tier this quarter": "Q4 2026 (1 Oct – 22 Nov 2026, to date)",
    "EPC for affiliates in October 2026": "October 2026 (1 Oct – 31 Oct 2026)",
    "revenue between 1 and 15 Sep": "1–15 Sep 2026 (1 Sep – 15 Sep 2026)",
}


def _kind(result: Answer) -> str:
    if result.calls and result.report.kind in ("answer", "draft"):
        return str(result.calls[0]["tool"])
    if result.report.kind == "error" and not result.calls:
        return "refuse"
    if result.report.title.startswith("Here's what I can help with"):
        return "help"
    return result.report.kind


def test_newcomers_thirty_questions_get_period_stated_answers_or_useful_questions(
    demo_session: Session,
) -> None:
    audits = demo_session.scalar(select(func.count()).select_from(AuditEntry))
    previous: TurnState | None = None
    for question, expected, must_show in CONVERSATION:
        result = answer(demo_session, CTX, question, previous)
        text = render_text(result.report)
        assert _kind(result) == expected, f"{question!r} → {_kind(result)}\n{text}"
        assert must_show.lower() in text.lower(), f"{question!r} lacks {must_show!r}:\n{text}"
        if expected in ("clarify", "not_found"):
            assert result.report.options, question
        data_tools = {"performance", "leaderboard", "performance_series", "top_movers",
                      "reversal_anomalies", "qbr_summary"}  # fmt: skip
        if expected in data_tools:
            assert result.report.period, f"{question!r} states no period"
        if question in STATED_PERIODS:
            assert result.report.period == STATED_PERIODS[question], question
        previous = result.state
    # Nothing anyone typed changed any state.
    assert demo_session.scalar(select(func.count()).select_from(AuditEntry)) == audits
    hostile = demo_session.scalar(
        select(Application).where(Application.name == "Totally Legit Marketing")
    )
    assert hostile is not None and hostile.status == "pending"


def _revenue(session: Session, partner: str, start: date, end: date) -> Decimal:
    total = session.scalar(
        select(func.sum(DailyPerformance.revenue))
        .join(Partner, Partner.id == DailyPerformance.partner_id)
        .where(Partner.name == partner, DailyPerformance.day.between(start, end))
    )
    assert total is not None
    return Decimal(total).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("question", "partner", "start", "end"),
    [
        ("revenue for zabka in Q3", "Żabka Polska", date(2026, 7, 1), date(2026, 9, 30)),
        ("northwnd sales last month", "Northwind Traders", date(2026, 10, 1), date(2026, 10, 31)),
        ("Ромашка медиа revenue 1-15 sep", "Ромашка Медиа", date(2026, 9, 1), date(2026, 9, 15)),
    ],
)
def test_partner_revenue_answers_match_direct_sums(
    demo_session: Session, question: str, partner: str, start: date, end: date
) -> None:
    result = answer(demo_session, CTX, question)
    assert result.result is not None, render_text(result.report)
    assert Decimal(result.result["totals"]["revenue"]) == _revenue(
        demo_session, partner, start, end
    )
    assert result.result["period"]["start"] == start.isoformat()
    assert result.result["period"]["end"] == end.isoformat()


def test_a_follow_up_after_a_failed_turn_builds_on_the_last_answer(demo_session: Session) -> None:
    first = answer(demo_session, CTX, "top 5 partners by revenue last month")
    failed = answer(demo_session, CTX, "and for Zzyzx Holdings?", first.state)
    assert failed.report.kind == "not_found"
    assert failed.state == first.state  # a partner nobody knows is no context
    again = answer(demo_session, CTX, "and by clicks?", failed.state)
    assert again.calls[0]["tool"] == "leaderboard"
    assert again.calls[0]["arguments"] == {"metric": "clicks", "period": "last month", "n": 5}
