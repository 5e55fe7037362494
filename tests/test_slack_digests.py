"""`/partners digest …` over signed HTTP to the running app, and a reply in a posted
digest's thread answered with the digest's scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage.models import AuditEntry, DigestSubscription
from tests.conftest import DEMO_TODAY
from tests.fakes.slack_api import FakeSlack
from tests.slack_app import MEMBER, RunningApp, blocks_text, running_app
from tests.test_slack_app import demo_db, demo_file  # noqa: F401 - fixtures

CHANNEL = "CGENERAL01"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_channel(CHANNEL, name="general")
        yield fake


@pytest.fixture
def app(demo_db: Engine, slack: FakeSlack) -> Iterator[RunningApp]:  # noqa: F811
    with running_app(demo_db, slack, today=DEMO_TODAY) as running:
        yield running


def reply(app: RunningApp, name: str) -> dict[str, Any]:
    app.wait_idle()
    responses = app.slack.responses(name)
    assert responses, [c.method for c in app.slack.calls]
    params: dict[str, Any] = responses[-1].params
    return params


def said(params: dict[str, Any]) -> str:
    return str(params.get("text", "")) + "\n" + blocks_text(params.get("blocks", []))


def subscriptions(engine: Engine) -> list[DigestSubscription]:
    with Session(engine) as session:
        return list(session.scalars(select(DigestSubscription).where(DigestSubscription.active)))


def test_subscribe_list_and_unsubscribe_in_the_channel(app: RunningApp, demo_db: Engine) -> None:  # noqa: F811
    app.command("digest subscribe fri 16:30 Europe/Warsaw tier:gold", name="r1")
    made = reply(app, "r1")
    assert made["response_type"] == "in_channel"
    assert f"<@{MEMBER}> subscribed" in made["text"]
    assert "Fridays 16:30 Europe/Warsaw" in made["text"] and "Gold tier" in made["text"]
    (row,) = subscriptions(demo_db)
    assert (row.channel_id, row.scope, row.scope_value) == (CHANNEL, "tier", "Gold")
    assert (row.weekday, row.hour, row.minute, row.timezone) == (4, 16, 30, "Europe/Warsaw")
    app.command("digest list", name="r2")
    listed = said(reply(app, "r2"))
    assert f"{row.id}" in listed and "Gold tier" in listed and "next:" in listed
    app.command("digest unsubscribe", name="r3")
    assert "stopped the weekly digest" in said(reply(app, "r3"))
    assert subscriptions(demo_db) == []
    with Session(demo_db) as session:
        audit = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.entity_type == "digest_subscription")
            )
        )
    assert [(a.action, a.actor, a.source, a.channel) for a in audit] == [
        ("subscribe_digest", MEMBER, "slack_command", CHANNEL),
        ("unsubscribe_digest", MEMBER, "slack_command", CHANNEL),
    ]


def test_a_shared_channel_cannot_subscribe(app: RunningApp, demo_db: Engine) -> None:  # noqa: F811
    app.slack.add_channel("CSHARED003", is_ext_shared=True)
    app.command("digest subscribe", channel="CSHARED003", name="r1")
    assert "can't share program data" in said(reply(app, "r1"))
    assert subscriptions(demo_db) == []


def test_bad_subscription_words_change_nothing(app: RunningApp, demo_db: Engine) -> None:  # noqa: F811
    app.command("digest subscribe someday 25:00", name="r1")
    assert "Nothing was changed" in said(reply(app, "r1"))
    app.command("digest subscribe tier:Platinum", name="r2")
    assert "Nothing was changed" in said(reply(app, "r2"))
    assert subscriptions(demo_db) == []


def test_digest_now_posts_it_and_a_thread_reply_keeps_its_scope(app: RunningApp) -> None:
    app.command("digest now tier:Gold", name="r1")
    assert "Posted the digest for Gold tier" in said(reply(app, "r1"))
    (post,) = app.slack.calls_to("chat.postMessage", channel=CHANNEL)
    shown = blocks_text(post.params["blocks"])
    assert "Weekly goal digest" in shown and "Gold" in shown
    digest_ts = post.response["ts"]
    app.event(
        {
            "type": "message",
            "channel": CHANNEL,
            "channel_type": "channel",
            "user": MEMBER,
            "text": "which goals are behind?",
            "ts": "1764700000.000100",
            "thread_ts": digest_ts,
        }
    )
    app.wait_idle()
    answers = app.slack.calls_to("chat.postMessage", thread_ts=digest_ts)
    assert answers, [c.method for c in app.slack.calls]
    answer = blocks_text(answers[-1].params["blocks"])
    assert "Gold" in answer
