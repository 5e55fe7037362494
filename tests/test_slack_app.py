"""The Slack app end to end: signed Slack-shaped requests to a running `serve --http`
(waitress + Bolt, in-process), a fake Slack Web API recording every call the real
slack_sdk client makes, and the database underneath."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from storage import migrate
from storage.db import make_engine, session_factory
from storage.models import Application, AuditEntry, ConversationThread, SlackEvent
from tests.conftest import DEMO_TODAY
from tests.fakes.slack_api import FakeSlack
from tests.slack_app import APPROVER, MEMBER, RunningApp, blocks_text, running_app

CHANNEL = "CGENERAL01"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo program in one SQLite file (WAL checkpointed), copied per test."""
    from storage.demo import generate_demo

    path = tmp_path_factory.mktemp("slackdemo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with session_factory(engine)() as s:
        generate_demo(s, today=DEMO_TODAY, seed=7)
        s.commit()
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "program.db"
    shutil.copy(demo_file, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def app(demo_db: Engine, slack: FakeSlack) -> Iterator[RunningApp]:
    with running_app(demo_db, slack, today=DEMO_TODAY) as running:
        yield running


def _posts(slack: FakeSlack, **match: Any) -> list[Any]:
    return slack.calls_to("chat.postMessage", **match)


def _one_post(app: RunningApp, **match: Any) -> dict[str, Any]:
    app.wait_idle()
    posts = _posts(app.slack, **match)
    assert len(posts) == 1, [p.params for p in app.slack.calls]
    params: dict[str, Any] = posts[0].params
    return params


def _response(app: RunningApp, name: str = "r1") -> dict[str, Any]:
    app.wait_idle()
    responses = app.slack.responses(name)
    assert responses, [c.method for c in app.slack.calls]
    params: dict[str, Any] = responses[-1].params
    return params


def _mention(
    text: str,
    *,
    ts: str = "1764600000.000100",
    user: str = MEMBER,
    channel: str = CHANNEL,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT0001> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def _application(engine: Engine, key: str) -> Application:
    with Session(engine) as session:
        found = session.scalars(select(Application).where(Application.application_key == key))
        return found.one()


def _audits(engine: Engine) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


# --- Slack's rules --------------------------------------------------------------------


def test_url_verification_is_answered_with_the_challenge(app: RunningApp) -> None:
    body = json.dumps({"type": "url_verification", "token": "x", "challenge": "c-123"})
    response = app.send(body, "application/json")
    assert response.status == 200
    assert "c-123" in response.body_text


def test_a_bad_signature_is_refused_with_401_and_nothing_runs(app: RunningApp) -> None:
    from tests.fakes.slack_requests import event_body, post

    body, content_type = event_body(_mention("top partners"), team_id=app.slack.team_id)
    import time

    response = post(
        app.events_url, body, content_type=content_type, secret="wrong", timestamp=int(time.time())
    )
    app.wait_idle()
    assert response.status == 401
    assert _posts(app.slack) == []


def test_a_timestamp_older_than_five_minutes_is_refused_with_401(app: RunningApp) -> None:
    import time

    from tests.fakes.slack_requests import event_body, post
    from tests.slack_app import SECRET

    body, content_type = event_body(_mention("top partners"), team_id=app.slack.team_id)
    response = post(
        app.events_url,
        body,
        content_type=content_type,
        secret=SECRET,
        timestamp=int(time.time()) - 6 * 60,
    )
    app.wait_idle()
    assert response.status == 401
    assert _posts(app.slack) == []


def test_health_check_answers_for_a_load_balancer(app: RunningApp) -> None:
    import urllib.request

    with urllib.request.urlopen(app.url + "/healthz", timeout=5) as reply:
        assert reply.status == 200
        assert json.loads(reply.read()) == {"ok": True}


def test_a_retried_delivery_is_processed_once(app: RunningApp, demo_db: Engine) -> None:
    event = _mention("top 5 partners by revenue last month")
    first = app.event(event, event_id="Ev-retry-1")
    again = app.event(event, event_id="Ev-retry-1")
    from tests.fakes.slack_requests import event_body

    body, content_type = event_body(event, team_id=app.slack.team_id, event_id="Ev-retry-1")
    retried = app.send(
        body, content_type, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert (first.status, again.status, retried.status) == (200, 200, 200)
    _one_post(app)
    with Session(demo_db) as session:
        assert session.scalar(select(func.count()).select_from(SlackEvent)) == 1


# --- conversations --------------------------------------------------------------------


def test_a_mention_is_answered_in_its_thread_with_block_kit(app: RunningApp) -> None:
    app.event(_mention("top 5 partners by revenue last month", ts="1764600000.000200"))
    post = _one_post(app)
    assert post["channel"] == CHANNEL
    assert post["thread_ts"] == "1764600000.000200"
    assert post["text"]  # the notification / accessibility fallback
    blocks = post["blocks"]
    assert blocks[0]["type"] == "header"
    assert "Top 5 partners by revenue" in blocks[0]["text"]["text"]
    assert "October 2026" in blocks_text(blocks)
    assert "Northwind Traders" in blocks_text(blocks)


def test_a_thread_reply_continues_the_conversation_without_a_mention(app: RunningApp) -> None:
    app.event(_mention("how did Northwind do last month?", ts="1764600000.000300"))
    app.wait_idle()
    reply = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": MEMBER,
        "text": "and the quarter before?",
        "ts": "1764600001.000100",
        "thread_ts": "1764600000.000300",
    }
    app.event(reply)
    app.wait_idle()
    posts = _posts(app.slack, thread_ts="1764600000.000300")
    assert len(posts) == 2
    follow_up = blocks_text(posts[1].params["blocks"])
    assert "Northwind" in follow_up
    assert "Q3 2026" in follow_up


def test_channel_messages_not_addressed_to_the_bot_get_no_answer(app: RunningApp) -> None:
    for event in (
        {
            "type": "message",
            "channel": CHANNEL,
            "channel_type": "channel",
            "user": MEMBER,
            "text": "lunch anyone?",
            "ts": "1764600002.000100",
        },
        {
            "type": "message",
            "channel": CHANNEL,
            "channel_type": "channel",
            "user": MEMBER,
            "text": "in someone else's thread",
            "ts": "1764600002.000200",
            "thread_ts": "1764600002.000050",
        },
    ):
        app.event(event)
    app.wait_idle()
    assert _posts(app.slack) == []


def test_a_direct_message_is_answered(app: RunningApp) -> None:
    app.event(
        {
            "type": "message",
            "channel": "DMEMBER01",
            "channel_type": "im",
            "user": MEMBER,
            "text": "pending applications",
            "ts": "1764600003.000100",
        }
    )
    post = _one_post(app, channel="DMEMBER01")
    assert "app-001" in blocks_text(post["blocks"]) or "Verdant" in blocks_text(post["blocks"])


def test_the_assistant_greets_with_suggested_prompts(app: RunningApp) -> None:
    app.event(
        {
            "type": "assistant_thread_started",
            "assistant_thread": {
                "user_id": MEMBER,
                "channel_id": "DASSIST01",
                "thread_ts": "1764600004.000100",
                "context": {},
            },
            "event_ts": "1764600004.000200",
        }
    )
    app.wait_idle()
    greeting = app.slack.wait_for(
        "chat.postMessage", where=lambda c: c.params.get("channel") == "DASSIST01"
    )
    assert greeting[0].params["thread_ts"] == "1764600004.000100"
    prompts = app.slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert len(prompts[0].params["prompts"]) >= 3


def test_the_assistant_shows_thinking_then_answers_in_its_thread(app: RunningApp) -> None:
    app.event(
        {
            "type": "message",
            "channel": "DASSIST01",
            "channel_type": "im",
            "user": MEMBER,
            "text": "are we on track for our goals?",
            "ts": "1764600005.000200",
            "thread_ts": "1764600004.000100",
        }
    )
    app.wait_idle()
    status = app.slack.calls_to("assistant.threads.setStatus")
    assert status and status[0].params["status"] == "is thinking…"
    post = _one_post(app, channel="DASSIST01")
    assert post["thread_ts"] == "1764600004.000100"
    methods = [c.method for c in app.slack.calls]
    assert methods.index("assistant.threads.setStatus") < methods.index("chat.postMessage")
    assert app.slack.calls_to("assistant.threads.setTitle")


def test_a_trend_question_gets_a_chart_uploaded_into_the_thread(app: RunningApp) -> None:
    app.event(_mention("revenue per week over the last 3 months", ts="1764600006.000100"))
    app.wait_idle()
    complete = app.slack.wait_for("files.completeUploadExternal")
    params = complete[0].params
    assert params.get("thread_ts") == "1764600006.000100"
    assert params.get("channel_id") == CHANNEL
    assert app.slack.uploads
    png = next(iter(app.slack.uploads.values()))
    assert png.startswith(b"\x89PNG")
    (requested,) = app.slack.calls_to("files.getUploadURLExternal")
    assert "revenue by week" in requested.params["alt_txt"]


def test_text_never_decides_an_application(app: RunningApp, demo_db: Engine) -> None:
    app.event(_mention("approve app-001", user=APPROVER))
    post = _one_post(app)
    assert "/partners approve" in blocks_text(post["blocks"]) + post["text"]
    assert _application(demo_db, "app-001").status == "pending"
    assert _audits(demo_db) == []


# --- who may see program data -----------------------------------------------------------


def test_a_partner_user_in_a_shared_channel_gets_a_refusal_and_no_data(
    app: RunningApp, slack: FakeSlack
) -> None:
    slack.add_user("UPARTNER01", team_id="TPARTNER1")
    slack.add_channel("CSHARED001", is_ext_shared=True, is_shared=True)
    event = _mention(
        "top 5 partners by revenue last month", user="UPARTNER01", channel="CSHARED001"
    )
    event["user_team"] = "TPARTNER1"
    app.event(event, is_ext_shared_channel=True)
    app.wait_idle()
    assert _posts(app.slack) == []
    refusal = app.slack.calls_to("chat.postEphemeral")
    assert len(refusal) == 1
    assert refusal[0].params["user"] == "UPARTNER01"
    assert "Northwind" not in refusal[0].params["text"]
    assert "$" not in refusal[0].params["text"]


def test_our_own_member_in_a_shared_channel_is_refused_too(
    app: RunningApp, slack: FakeSlack
) -> None:
    slack.add_channel("CSHARED002", is_ext_shared=True, is_shared=True)
    app.event(_mention("top 5 partners by revenue last month", channel="CSHARED002"))
    app.wait_idle()
    assert _posts(app.slack) == []
    assert len(app.slack.calls_to("chat.postEphemeral")) == 1


def test_a_guest_is_refused(app: RunningApp, slack: FakeSlack) -> None:
    slack.add_user("UGUEST0001", is_restricted=True)
    app.event(_mention("top partners", user="UGUEST0001"))
    app.wait_idle()
    assert _posts(app.slack) == []
    assert app.slack.calls_to("chat.postEphemeral")


def test_an_explicitly_allowed_shared_channel_is_answered(
    demo_db: Engine, slack: FakeSlack
) -> None:
    slack.add_channel("CSHARED003", is_ext_shared=True, is_shared=True)
    with running_app(
        demo_db, slack, today=DEMO_TODAY, PARTNEROPS_ALLOWED_CHANNELS="CSHARED003"
    ) as app:
        app.event(_mention("top 5 partners by revenue last month", channel="CSHARED003"))
        post = _one_post(app)
        assert "Northwind" in blocks_text(post["blocks"])


# --- /partners -------------------------------------------------------------------------


def test_help_lists_every_subcommand_with_an_example(app: RunningApp) -> None:
    response = app.command("help")
    assert response.status == 200
    body = json.loads(response.body_text)
    shown = blocks_text(body["blocks"])
    for sub in ("pending", "approve", "reject", "qbr", "goals", "digest"):
        assert f"/partners {sub}" in shown


def test_a_question_command_is_acked_at_once_and_answered_privately(app: RunningApp) -> None:
    response = app.command("top 5 partners by revenue last month")
    assert response.status == 200
    reply = _response(app)
    assert reply["response_type"] == "ephemeral"
    shown = blocks_text(reply["blocks"])
    assert "Northwind Traders" in shown
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert any(b["action_id"] == "share_answer" for b in buttons)


def test_share_in_channel_posts_the_answer_for_everyone(app: RunningApp) -> None:
    app.command("top 5 partners by revenue last month")
    reply = _response(app)
    share = next(
        e
        for b in reply["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "share_answer"
    )
    app.action(
        {"action_id": "share_answer", "value": share["value"], "type": "button"},
        channel_id=CHANNEL,
        response_url=app.slack.response_url("r2"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": CHANNEL,
            "message_ts": "1764600007.000100",
        },
    )
    post = _one_post(app, channel=CHANNEL)
    assert "Northwind Traders" in blocks_text(post["blocks"])
    assert f"<@{MEMBER}> shared" in blocks_text(post["blocks"])


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("qbr Northwind Q3 2026", "Northwind"),
        ("goals", "goal"),
        ("digest list", "gets no weekly digest"),
    ],
)
def test_subcommands_answer_through_response_url(
    app: RunningApp, words: str, expected: str
) -> None:
    app.command(words)
    reply = _response(app)
    assert expected.lower() in (reply["text"] + blocks_text(reply.get("blocks", []))).lower()


def test_pending_shows_buttons_to_approvers_only(app: RunningApp) -> None:
    app.command("pending", user=APPROVER, name="approver")
    app.command("pending", user=MEMBER, name="member")
    approver = _response(app, "approver")
    member = _response(app, "member")

    def buttons(reply: dict[str, Any]) -> list[str]:
        return [
            e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
        ]

    assert any(a.startswith("application_approve") for a in buttons(approver))
    assert any(a.startswith("application_reject") for a in buttons(approver))
    assert not any(a.startswith("application_") for a in buttons(member))
    assert "Verdant Trails" in blocks_text(member["blocks"])


def test_approve_command_decides_and_audits_who_where_and_how(
    app: RunningApp, demo_db: Engine
) -> None:
    app.command("approve app-001 strong audience fit", user=APPROVER)
    reply = _response(app)
    assert reply["response_type"] == "in_channel"
    assert "Approved" in reply["text"]
    assert f"<@{APPROVER}>" in reply["text"]
    application = _application(demo_db, "app-001")
    assert (application.status, application.decided_by) == ("approved", APPROVER)
    (audit,) = _audits(demo_db)
    assert (audit.actor, audit.action, audit.source, audit.channel, audit.reason) == (
        APPROVER,
        "approve_application",
        "slack_command",
        CHANNEL,
        "strong audience fit",
    )


def test_reject_command_needs_a_reason(app: RunningApp, demo_db: Engine) -> None:
    app.command("reject app-002", user=APPROVER)
    reply = _response(app)
    assert "reason" in reply["text"].lower()
    assert _application(demo_db, "app-002").status == "pending"


def test_reject_command_by_applicant_name_with_a_reason(app: RunningApp, demo_db: Engine) -> None:
    app.command("reject Mina Park audience outside our markets", user=APPROVER)
    reply = _response(app)
    assert "Rejected" in reply["text"]
    application = _application(demo_db, "app-002")
    assert (application.status, application.decision_reason) == (
        "rejected",
        "audience outside our markets",
    )


def test_a_non_approver_is_refused_and_nothing_changes(app: RunningApp, demo_db: Engine) -> None:
    app.command("approve app-003", user=MEMBER)
    reply = _response(app)
    assert reply["response_type"] == "ephemeral"
    assert "Only approvers" in reply["text"]
    assert _application(demo_db, "app-003").status == "pending"
    assert _audits(demo_db) == []


def test_an_approver_by_user_group_may_decide(demo_db: Engine, slack: FakeSlack) -> None:
    slack.add_usergroup("SAPPROVERS", ["UGROUPED01"])
    with running_app(demo_db, slack, today=DEMO_TODAY, PARTNEROPS_APPROVERS="SAPPROVERS") as app:
        app.command("approve app-004", user="UGROUPED01")
        assert "Approved" in _response(app)["text"]
    assert _application(demo_db, "app-004").decided_by == "UGROUPED01"


# --- buttons and the modal ---------------------------------------------------------------


def _pending_buttons(app: RunningApp, user: str = APPROVER) -> list[dict[str, Any]]:
    app.command("pending", user=user, name="pending")
    reply = _response(app, "pending")
    return [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_approve_button_decides_and_updates_the_message(
    app: RunningApp, demo_db: Engine
) -> None:
    approve = next(
        b
        for b in _pending_buttons(app)
        if b["value"] == "app-005" and b["action_id"].startswith("application_approve")
    )
    app.action(
        approve,
        user=APPROVER,
        channel_id=CHANNEL,
        response_url=app.slack.response_url("clicked"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": CHANNEL,
            "message_ts": "1764600008.000100",
        },
    )
    updated = _response(app, "clicked")
    assert updated["replace_original"] is True
    shown = blocks_text(updated["blocks"])
    assert "Approved" in shown and f"<@{APPROVER}>" in shown
    assert "app-005" in shown
    assert _application(demo_db, "app-005").status == "approved"
    (audit,) = _audits(demo_db)
    assert audit.source == "slack_button"


def test_the_approve_button_on_a_channel_message_updates_it_in_place(
    app: RunningApp, demo_db: Engine
) -> None:
    approve = next(
        b
        for b in _pending_buttons(app)
        if b["value"] == "app-006" and b["action_id"].startswith("application_approve")
    )
    app.action(
        approve,
        user=APPROVER,
        channel_id=CHANNEL,
        response_url=app.slack.response_url("inplace"),
        container={"type": "message", "channel_id": CHANNEL, "message_ts": "1764600009.000100"},
        message={"ts": "1764600009.000100", "blocks": []},
    )
    app.wait_idle()
    (update,) = app.slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (CHANNEL, "1764600009.000100")
    assert "Approved" in blocks_text(update.params["blocks"])


def test_the_reject_button_opens_a_modal_and_its_reason_rejects(
    app: RunningApp, demo_db: Engine
) -> None:
    reject = next(
        b
        for b in _pending_buttons(app)
        if b["value"] == "app-007" and b["action_id"].startswith("application_reject")
    )
    app.action(
        reject,
        user=APPROVER,
        channel_id=CHANNEL,
        trigger_id="trig-1",
        response_url=app.slack.response_url("modal"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": CHANNEL,
            "message_ts": "1764600010.000100",
        },
    )
    app.wait_idle()
    (opened,) = app.slack.calls_to("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"] == "trig-1"
    assert _application(demo_db, "app-007").status == "pending"
    from bot.slack.application_blocks import REASON_BLOCK, REASON_INPUT

    submitted = dict(
        view,
        state={
            "values": {
                REASON_BLOCK: {
                    REASON_INPUT: {
                        "type": "plain_text_input",
                        "value": "agency already represents a competitor",
                    }
                }
            }
        },
        id="V123",
    )
    response = app.submit(submitted, user=APPROVER)
    assert response.status == 200
    updated = _response(app, "modal")
    assert "Rejected" in blocks_text(updated["blocks"])
    application = _application(demo_db, "app-007")
    assert (application.status, application.decision_reason) == (
        "rejected",
        "agency already represents a competitor",
    )
    (audit,) = _audits(demo_db)
    assert (audit.source, audit.channel) == ("slack_modal", CHANNEL)


def test_an_empty_reason_keeps_the_modal_open_with_an_error(app: RunningApp) -> None:
    from bot.slack.application_blocks import REASON_BLOCK, REASON_INPUT, reject_modal

    view = reject_modal("app-008", "LoopBack Referrals", private_metadata="{}")
    view = dict(view, state={"values": {REASON_BLOCK: {REASON_INPUT: {"value": "  "}}}})
    response = app.submit(view)
    assert response.status == 200
    assert json.loads(response.body_text)["response_action"] == "errors"


def test_a_non_approver_pressing_reject_gets_no_modal(app: RunningApp) -> None:
    app.action(
        {"action_id": "application_reject:app-008", "value": "app-008", "type": "button"},
        user=MEMBER,
        channel_id=CHANNEL,
        trigger_id="t",
        response_url=app.slack.response_url("nope"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": CHANNEL,
            "message_ts": "1",
        },
    )
    reply = _response(app, "nope")
    assert "Only approvers" in reply["text"]
    assert app.slack.calls_to("views.open") == []


def test_two_approvals_racing_end_in_one_decision(app: RunningApp, demo_db: Engine) -> None:
    second = "UAPPROVER2"
    with running_app(
        demo_db, app.slack, today=DEMO_TODAY, PARTNEROPS_APPROVERS=f"{APPROVER},{second}"
    ) as other:
        threads = [
            threading.Thread(
                target=app.command,
                args=("approve app-008",),
                kwargs={"user": APPROVER, "name": "a"},
            ),
            threading.Thread(
                target=other.command,
                args=("approve app-008",),
                kwargs={"user": second, "name": "b"},
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        other.wait_idle()
    app.wait_idle()
    texts = [_response(app, "a")["text"], _response(app, "b")["text"]]
    assert sum("Approved" in t for t in texts) == 1
    loser = next(t for t in texts if "Approved" not in t)
    winner = _application(demo_db, "app-008").decided_by
    assert f"already approved by <@{winner}> at" in loser
    assert len(_audits(demo_db)) == 1


def test_a_clarifying_option_button_runs_its_call_in_the_thread(app: RunningApp) -> None:
    app.event(_mention("compare them", ts="1764600011.000100"))
    question = _one_post(app)
    buttons = [e for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons and buttons[0]["action_id"].startswith("answer_option_")
    app.slack.reset()
    app.action(
        buttons[0],
        channel_id=CHANNEL,
        container={"type": "message", "channel_id": CHANNEL, "message_ts": "1764600011.000200"},
        message={"ts": "1764600011.000200", "thread_ts": "1764600011.000100"},
    )
    post = _one_post(app)
    assert post["thread_ts"] == "1764600011.000100"
    shown = blocks_text(post["blocks"])
    label = buttons[0]["text"]["text"]
    names = label.removeprefix("Compare ").split(" and ")
    assert all(name in shown for name in names), (label, shown[:300])


# --- data that tries to be markup ---------------------------------------------------------


def _mrkdwn_texts(value: Any) -> list[str]:
    """Every mrkdwn text object's text: the only place Slack reads markup (plain_text and
    rich_text are shown as written)."""
    if isinstance(value, list):
        return [t for item in value for t in _mrkdwn_texts(item)]
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            return [str(value.get("text"))]
        return [t for item in value.values() for t in _mrkdwn_texts(item)]
    return []


def test_an_application_full_of_slack_markup_never_pings_or_links(
    app: RunningApp, demo_db: Engine
) -> None:
    with Session(demo_db) as session:
        session.execute(
            text(
                "UPDATE applications SET name = :name, message = :message "
                "WHERE application_key = 'app-001'"
            ),
            {
                "name": "<!channel> Evil <@UAPPROVER1>",
                "message": "Hi <!here> click <https://evil.example|your bonus> &amp; <#C999>",
            },
        )
        session.commit()
    app.command("pending", user=APPROVER)
    app.event(_mention("show application app-001", ts="1764600019.000100"))
    reply = _response(app)
    post = _one_post(app)
    quotes = [
        element["text"]
        for block in reply["blocks"]
        if block["type"] == "rich_text"
        for part in block["elements"]
        for element in part["elements"]
    ]
    assert any("your bonus" in q for q in quotes)  # shown, as plain text Slack won't parse
    for message in (reply, post):
        mrkdwn = json.dumps(_mrkdwn_texts(message["blocks"]))
        for markup in ("<!channel>", "<!here>", "<https://evil", "<#C999>", "<@UAPPROVER1>"):
            assert markup not in mrkdwn
            assert markup not in message["text"]
    assert "&lt;!channel&gt; Evil" in json.dumps(post["blocks"])


# --- errors ---------------------------------------------------------------------------------


def test_an_error_inside_a_handler_becomes_a_message_with_an_error_id(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.slack.compute as compute

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(compute, "converse", broken)
    app.event(_mention("top partners", ts="1764600012.000100"))
    post = _one_post(app)
    assert post["thread_ts"] == "1764600012.000100"
    assert "error id" in post["text"]
    assert "Traceback" not in post["text"] and "boom" not in post["text"]


def test_web_api_rate_limits_are_retried(app: RunningApp, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": "0"}, times=1)
    app.event(_mention("top 5 partners by revenue last month", ts="1764600013.000100"))
    app.wait_idle()
    attempts = slack.calls_to("chat.postMessage")
    assert len(attempts) == 2
    assert [getattr(a, "failed", False) for a in attempts] == [True, False]


# --- Home tab ---------------------------------------------------------------------------------


def test_home_tab_is_published_per_user(app: RunningApp) -> None:
    app.event(
        {
            "type": "app_home_opened",
            "user": APPROVER,
            "channel": "DAPPROVER1",
            "tab": "home",
            "event_ts": "1764600014.000100",
        }
    )
    app.wait_idle()
    (published,) = app.slack.calls_to("views.publish")
    assert published.params["user_id"] == APPROVER
    view = published.params["view"]
    assert view["type"] == "home"
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert any(b["action_id"].startswith("application_approve") for b in buttons)


def test_conversations_are_kept_in_the_database(app: RunningApp, demo_db: Engine) -> None:
    app.event(_mention("how did Northwind do last month?", ts="1764600015.000100"))
    app.wait_idle()
    with Session(demo_db) as session:
        row = session.scalars(
            select(ConversationThread).where(ConversationThread.thread_ts == "1764600015.000100")
        ).one()
        assert row.channel_id == CHANNEL and len(row.history) == 1


def test_a_non_approver_pressing_approve_changes_nothing(app: RunningApp, demo_db: Engine) -> None:
    app.action(
        {"action_id": "application_approve:app-003", "value": "app-003", "type": "button"},
        user=MEMBER,
        channel_id=CHANNEL,
        response_url=app.slack.response_url("member-click"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": CHANNEL,
            "message_ts": "1764600016.000100",
        },
    )
    reply = _response(app, "member-click")
    assert "Only approvers" in reply["text"]
    assert reply.get("replace_original") is False
    assert _application(demo_db, "app-003").status == "pending"
    assert _audits(demo_db) == []


def test_a_partner_user_gets_no_data_from_the_slash_command(
    app: RunningApp, slack: FakeSlack
) -> None:
    slack.add_user("UPARTNER02", team_id="TPARTNER1")
    slack.add_channel("CSHARED004", is_ext_shared=True, is_shared=True)
    app.command(
        "top 5 partners by revenue last month",
        user="UPARTNER02",
        channel="CSHARED004",
        name="partner",
    )
    reply = _response(app, "partner")
    assert "only share it with members" in reply["text"]
    assert "Northwind" not in json.dumps(reply)
    member = app.command("pending", user=MEMBER, channel="CSHARED004", name="member-shared")
    assert member.status == 200
    assert "can't share program data here" in _response(app, "member-shared")["text"]


def test_pressing_approve_on_a_stale_list_shows_who_decided_first(
    app: RunningApp, demo_db: Engine
) -> None:
    app.command("approve app-004", user=APPROVER, name="first")
    assert "Approved" in _response(app, "first")["text"]
    app.action(
        {"action_id": "application_approve:app-004", "value": "app-004", "type": "button"},
        user=APPROVER,
        channel_id=CHANNEL,
        response_url=app.slack.response_url("stale"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": CHANNEL,
            "message_ts": "1764600017.000100",
        },
    )
    app.wait_idle()
    replies = [c.params for c in app.slack.responses("stale")]
    assert len(replies) == 1  # the list, refreshed, with who decided on top; no second copy
    shown = blocks_text(replies[0]["blocks"])
    assert f"already approved by <@{APPROVER}> at" in shown
    assert "app-004" not in blocks_text(replies[0]["blocks"][2:])  # no longer listed
    assert len(_audits(demo_db)) == 1


def test_a_response_url_that_fails_is_logged_with_an_error_id(
    app: RunningApp, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail("response_url:broken", status=404, times=2, body={"error": "expired_url"})
    with caplog.at_level("ERROR", logger="partnerops.slack"):
        app.command("top 5 partners by revenue last month", name="broken")
        app.wait_idle()
    assert "error_id=" in caplog.text
    assert "HTTP 404" in caplog.text


def test_share_in_a_channel_the_bot_has_not_joined_goes_through_response_url(
    app: RunningApp, slack: FakeSlack
) -> None:
    slack.add_channel("CNOTJOINED", is_member=False)
    app.command("top 5 partners by revenue last month", channel="CNOTJOINED", name="private")
    reply = _response(app, "private")
    share = next(
        e
        for b in reply["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "share_answer"
    )
    app.action(
        share,
        channel_id="CNOTJOINED",
        response_url=slack.response_url("shared"),
        container={
            "type": "message",
            "is_ephemeral": True,
            "channel_id": "CNOTJOINED",
            "message_ts": "1764600018.000100",
        },
    )
    app.wait_idle()
    posted, deleted = [c.params for c in slack.responses("shared")]
    assert posted["response_type"] == "in_channel"
    assert "Northwind Traders" in blocks_text(posted["blocks"])
    assert deleted.get("delete_original") is True


@pytest.mark.parametrize("typo", ["aprove app-001", "rejct app-002 no fit", "pendng"])
def test_a_misspelt_decision_subcommand_runs_nothing(
    app: RunningApp, demo_db: Engine, typo: str
) -> None:
    app.command(typo, user=APPROVER)
    reply = _response(app)
    assert reply["text"].startswith("Did you mean `/partners ")
    assert "Verdant" not in json.dumps(reply) and "@" not in reply["text"].split("`")[0]
    assert _audits(demo_db) == []


def test_two_keys_are_not_read_as_a_key_and_a_reason(app: RunningApp, demo_db: Engine) -> None:
    app.command("approve app-007 app-008", user=APPROVER)
    reply = _response(app)
    assert "one application at a time" in reply["text"]
    assert _application(demo_db, "app-007").status == "pending"


def test_pending_with_a_filter_that_matches_nothing_says_what_would(app: RunningApp) -> None:
    app.command("pending agencies from PL", user=APPROVER)
    reply = _response(app)
    shown = blocks_text(reply["blocks"])
    assert "No applications are waiting" not in shown
    assert "agency" in shown.lower() and "PL" in shown
