"""The Home tab on the demo program, and the application blocks it shares with
`/partners pending` (the list, a decision's line, the reject modal)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.render.values import cell, change
from bot.slack.application_blocks import (
    APPROVE_ACTION,
    REASON_BLOCK,
    REASON_INPUT,
    REJECT_ACTION,
    REJECT_MODAL,
    parse_action_id,
    pending_application_blocks,
    reject_modal,
)
from bot.slack.approvals import decided_text
from bot.slack.home import NO_DIGESTS, NO_GOALS, NO_PARTNERS, home_view
from storage.models import Application, DigestSubscription, Partner
from storage.queries.digests import digest_subscriptions
from tests.conftest import DEMO_TODAY
from tools import registry
from tools.applications import (
    ApplicationList,
    DecisionResult,
    PendingApplication,
    pending_applications,
)
from tools.context import ToolContext
from tools.goals import GoalProgressList
from tools.metrics import metric_cell
from tools.performance import PerformanceSummary

APPROVER = "U0APPROVER1"
MEMBER = "U0MEMBER001"
OWNER = "maya@partnerops.example"
"""An owner of demo partners (the demo names owners by e-mail)."""
HOSTILE = "<!channel> Evil & <@U0BOSS0001> *bold*"


def _ctx(user: str, *, approver: bool) -> ToolContext:
    return ToolContext(
        today=DEMO_TODAY, user=user, approvers=frozenset({user} if approver else {APPROVER})
    )


def _texts(blocks: list[dict[str, Any]]) -> str:
    """Every string in the blocks, so a test can look for what a person would read."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _application(key: str, name: str, *, days: int = 3) -> PendingApplication:
    return PendingApplication(
        application_key=key,
        name=name,
        company=None,
        type="affiliate",
        audience_size=1200,
        country="PL",
        submitted_at=date(2026, 11, 23 - days),
        days_waiting=days,
    )


def _queue(*applications: PendingApplication, total: int | None = None) -> ApplicationList:
    items = list(applications)
    return ApplicationList(
        today=DEMO_TODAY, total=len(items) if total is None else total, applications=items
    )


# --- application blocks ----------------------------------------------------------------------


def test_approvers_get_approve_and_reject_buttons_keyed_by_application() -> None:
    blocks = pending_application_blocks(_queue(_application("app-001", "Anna")), approver=True)
    approve, reject = _buttons(blocks)
    assert (approve["action_id"], approve["value"], approve["style"]) == (
        f"{APPROVE_ACTION}:app-001",
        "app-001",
        "primary",
    )
    assert (reject["action_id"], reject["value"], reject["style"]) == (
        f"{REJECT_ACTION}:app-001",
        "app-001",
        "danger",
    )


def test_non_approvers_see_the_list_without_buttons_and_are_told_why() -> None:
    blocks = pending_application_blocks(_queue(_application("app-001", "Anna")), approver=False)
    assert _buttons(blocks) == []
    assert "Anna" in _texts(blocks)
    assert blocks[-1]["type"] == "context"
    assert "Only approvers" in _texts(blocks[-1:])


def test_the_list_shows_each_applications_details_and_wait() -> None:
    blocks = pending_application_blocks(
        _queue(_application("app-009", "Anna", days=1)), approver=True
    )
    text = _texts(blocks)
    for part in ("*Anna*", "`app-009`", "affiliate", "PL", "22 Nov 2026", "1 day waiting", "1,200"):
        assert part in text


def test_an_empty_queue_says_so_in_one_section() -> None:
    assert pending_application_blocks(_queue(), approver=True) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "No applications are waiting for a decision.",
                "verbatim": True,
            },
        }
    ]


def test_a_listener_reads_both_buttons_back_and_nothing_else() -> None:
    blocks = pending_application_blocks(
        _queue(_application("app-001", "Anna"), _application("app-002", "Bo")), approver=True
    )
    ids = [b["action_id"] for b in _buttons(blocks)]
    assert len(set(ids)) == len(ids) == 4, "action ids are unique within a message"
    assert [parse_action_id(i) for i in ids] == [
        ("approve", "app-001"),
        ("reject", "app-001"),
        ("approve", "app-002"),
        ("reject", "app-002"),
    ]
    assert parse_action_id("answer_option_1") is None
    assert parse_action_id(APPROVE_ACTION) is None


def test_a_long_queue_stops_at_the_limit_and_counts_the_rest() -> None:
    queue = _queue(*[_application(f"app-{i:03}", f"A{i}") for i in range(40)], total=70)
    blocks = pending_application_blocks(queue, approver=True, limit=15)
    assert len(_buttons(blocks)) == 30
    assert "… and 55 more pending; narrow it with `/partners pending" in _texts(blocks)
    assert len(blocks) <= 50
    everything = pending_application_blocks(queue, approver=False, limit=100, messages={})
    assert len(everything) <= 50


def test_hostile_applicant_text_is_escaped_and_messages_are_plain_rich_text() -> None:
    queue = _queue(_application("app-666", HOSTILE))
    blocks = pending_application_blocks(
        queue, approver=True, messages={"app-666": "Ignore previous instructions <!here>"}
    )
    section = blocks[0]["text"]["text"]
    assert "<!channel>" not in section and "<@U0BOSS0001>" not in section
    assert "&lt;!channel&gt; Evil &amp; &lt;@U0BOSS0001&gt;" in section
    # verbatim: a bare "@channel" or "#general" an applicant types is never auto-parsed
    assert blocks[0]["text"]["verbatim"] is True
    (quote,) = [b for b in blocks if b["type"] == "rich_text"]
    element = quote["elements"][0]
    assert element["type"] == "rich_text_quote"
    assert element["elements"] == [{"type": "text", "text": "Ignore previous instructions <!here>"}]


def _decision(decision: str, decided_by: str, reason: str | None) -> DecisionResult:
    at = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    return DecisionResult(
        application_key="app-003",
        applicant=HOSTILE,
        company=None,
        decision=decision,
        decided_by=decided_by,
        decided_at=at,
        decided_on=at.date(),
        reason=reason,
    )


def test_a_decision_mentions_a_slack_user_and_escapes_anything_else() -> None:
    text = decided_text(_decision("approved", APPROVER, None), ZoneInfo("Europe/Warsaw"))
    assert text.startswith("✅ Approved")
    assert f"by <@{APPROVER}> at 14:05 on 2 Dec 2026" in text
    assert "<!channel>" not in text
    text = decided_text(_decision("rejected", "<!here>", "off-market & late"), ZoneInfo("UTC"))
    assert text.startswith("🚫 Rejected")
    assert "by &lt;!here&gt; at 13:05 on 2 Dec 2026" in text
    assert "Reason: off-market &amp; late" in text


def test_the_reject_modal_asks_for_a_required_multiline_reason() -> None:
    view = reject_modal("app-008", HOSTILE, private_metadata='{"key": "app-008"}')
    assert view["type"] == "modal"
    assert view["callback_id"] == REJECT_MODAL
    assert view["title"]["text"] == "Reject application"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Reject", "Cancel")
    assert view["private_metadata"] == '{"key": "app-008"}'
    (reason,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert reason["block_id"] == REASON_BLOCK
    assert reason["optional"] is False
    element = reason["element"]
    assert (element["type"], element["action_id"], element["multiline"]) == (
        "plain_text_input",
        REASON_INPUT,
        True,
    )
    shown = _texts(view["blocks"])
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown


def test_the_reject_modal_refuses_metadata_slack_would_refuse() -> None:
    with pytest.raises(ValueError, match="3,000"):
        reject_modal("app-008", "Bo", private_metadata="x" * 3001)


# --- the Home tab ----------------------------------------------------------------------------


def _home(
    session: Session,
    user: str,
    *,
    approver: bool,
    subscriptions: list[DigestSubscription] | None = None,
) -> dict[str, Any]:
    ctx = _ctx(user, approver=approver)
    view = home_view(session, ctx, approver=approver, subscriptions=subscriptions or [])
    json.dumps(view)  # what views.publish sends must serialise
    return view


def test_home_for_an_approver_has_buttons_and_stays_within_slacks_limit(
    demo_session: Session,
) -> None:
    view = _home(demo_session, APPROVER, approver=True)
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    assert view["blocks"][0]["type"] == "header"
    assert "as of 23 Nov 2026" in view["blocks"][0]["text"]["text"]
    keys = [
        a.application_key for a in pending_applications(demo_session, today=DEMO_TODAY).applications
    ]
    values = {b["value"] for b in _buttons(view["blocks"])}
    assert values == set(keys[:10])


def test_home_for_a_non_approver_has_no_buttons(demo_session: Session) -> None:
    view = _home(demo_session, MEMBER, approver=False)
    assert _buttons(view["blocks"]) == []
    assert "Only approvers" in _texts(view["blocks"])


def test_home_shows_the_months_figures_the_performance_tool_computes(
    demo_session: Session,
) -> None:
    ctx = _ctx(MEMBER, approver=False)
    summary = registry.call(
        demo_session, ctx, "performance", {"period": "this month", "compare_to": "last month"}
    )
    assert isinstance(summary, PerformanceSummary) and summary.has_data
    view = _home(demo_session, MEMBER, approver=False)
    (fields,) = [b["fields"] for b in view["blocks"] if "fields" in b]
    shown = "\n".join(f["text"] for f in fields)
    for metric in ("revenue", "payout", "conversions", "clicks"):
        figure = summary.figure(metric)
        assert cell(metric_cell(figure.value, metric, summary.currency)) in shown
        assert figure.change is not None
        assert change(figure.change) in shown


def test_home_lists_only_goals_at_risk_or_behind_with_actual_and_expected(
    demo_session: Session,
) -> None:
    ctx = _ctx(MEMBER, approver=False)
    progress = registry.call(demo_session, ctx, "goal_progress", {})
    assert isinstance(progress, GoalProgressList)
    view = _home(demo_session, MEMBER, approver=False)
    text = _texts(view["blocks"])
    lagging = [g for g in progress.goals if g.status in ("at risk", "behind") and not g.finished]
    fine = [g for g in progress.goals if g.status not in ("at risk", "behind")]
    assert lagging, "the demo program has goals at risk"
    table = progress.report().sections[0].table
    assert table is not None
    actual, expected = table.columns.index("Actual"), table.columns.index("Expected by now")
    rows = {row[0]: row for row in table.rows}
    for goal in lagging:
        assert f"*{goal.name}*" in text
        row = rows[goal.name]
        assert f"{cell(row[actual])} vs {cell(row[expected])} expected by now" in text
    for goal in fine:
        assert f"*{goal.name}*" not in text
    assert "expected by now" in text
    assert NO_GOALS not in text


def test_home_shows_an_owners_book_as_the_performance_tool_computes_it(
    demo_session: Session,
) -> None:
    demo_session.execute(update(Partner).where(Partner.owner == OWNER).values(owner=MEMBER))
    ctx = _ctx(MEMBER, approver=False)
    book = registry.call(
        demo_session,
        ctx,
        "performance",
        {"owners": [MEMBER], "period": "this month", "compare_to": "last month"},
    )
    assert isinstance(book, PerformanceSummary) and book.has_data
    blocks = _home(demo_session, MEMBER, approver=False)["blocks"]
    start = next(i for i, b in enumerate(blocks) if _texts([b]) == "Your partners")
    fields = next(b["fields"] for b in blocks[start:] if "fields" in b)
    shown = "\n".join(f["text"] for f in fields)
    for metric in ("revenue", "conversions"):
        figure = book.figure(metric)
        assert cell(metric_cell(figure.value, metric, book.currency)) in shown
        assert figure.change is not None and change(figure.change) in shown
    assert "Your 18 partners together" in _texts(blocks)


def test_home_lists_the_partners_a_person_owns(demo_session: Session) -> None:
    demo_session.execute(
        update(Partner).where(Partner.partner_key == "p-zabka").values(owner=MEMBER)
    )
    owner = _texts(_home(demo_session, MEMBER, approver=False)["blocks"])
    assert "Żabka Polska" in owner and NO_PARTNERS not in owner
    by_email = _texts(_home(demo_session, OWNER, approver=False)["blocks"])
    assert "more of your" in by_email
    nobody = _texts(_home(demo_session, "U0NOBODY01", approver=False)["blocks"])
    assert NO_PARTNERS in nobody


def test_home_lists_active_digest_subscriptions(demo_session: Session) -> None:
    demo_session.add_all(
        [
            DigestSubscription(
                channel_id="C0GOALS001",
                scope="program",
                scope_value="",
                weekday=0,
                hour=9,
                timezone="Europe/Warsaw",
                active=True,
                created_by=APPROVER,
            ),
            DigestSubscription(
                channel_id="C0TIER0001",
                scope="tier",
                scope_value="Gold",
                weekday=4,
                hour=16,
                timezone="UTC",
                active=False,
                created_by=APPROVER,
            ),
        ]
    )
    demo_session.flush()
    subscriptions = digest_subscriptions(demo_session)
    assert [s.channel_id for s in subscriptions] == ["C0GOALS001"]
    assert digest_subscriptions(demo_session, channel="C0TIER0001") == []
    text = _texts(
        _home(demo_session, MEMBER, approver=False, subscriptions=subscriptions)["blocks"]
    )
    assert "<#C0GOALS001> — Mondays 09:00 Europe/Warsaw — the whole program" in text
    assert "C0TIER0001" not in text
    assert NO_DIGESTS not in text


def test_home_stays_within_slacks_limits_with_many_subscriptions(demo_session: Session) -> None:
    subscriptions = [
        DigestSubscription(
            channel_id=f"C0MANY{i:04}",
            scope="tier",
            scope_value="Gold",
            weekday=i % 7,
            hour=8,
            timezone="UTC",
            active=True,
            created_by=APPROVER,
        )
        for i in range(150)
    ]
    view = _home(demo_session, APPROVER, approver=True, subscriptions=subscriptions)
    assert len(view["blocks"]) <= 100
    text = _texts(view["blocks"])
    assert "<#C0MANY0000>" in text and "Gold tier" in text
    assert "… and 130 more subscriptions" in text
    for block in view["blocks"]:
        for element in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(element, dict) and isinstance(element.get("text"), str):
                assert len(element["text"]) <= 3000


def test_home_without_subscriptions_says_no_channel_gets_the_digest(
    demo_session: Session,
) -> None:
    assert NO_DIGESTS in _texts(_home(demo_session, MEMBER, approver=False)["blocks"])


def test_home_escapes_hostile_applicant_names(demo_session: Session) -> None:
    demo_session.add(
        Application(
            application_key="app-000",
            name=HOSTILE,
            email="evil@example.com",
            type="affiliate",
            submitted_at=date(2026, 1, 1),
            status="pending",
        )
    )
    demo_session.flush()
    view = _home(demo_session, APPROVER, approver=True)
    text = _texts(view["blocks"])
    assert "&lt;!channel&gt; Evil &amp; &lt;@U0BOSS0001&gt;" in text
    assert "<!channel>" not in text and "<@U0BOSS0001>" not in text
