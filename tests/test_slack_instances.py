"""The Slack app as operators run it: `partnerops serve --http` processes (one or two on
one database, SQLite file or PostgreSQL) and Socket Mode against a local WebSocket server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from storage.db import make_engine, session_factory
from storage.models import SlackEvent
from tests.conftest import DEMO_TODAY, needs_running_clock
from tests.factories import load_program
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import command_body, event_body
from tests.slack_app import MEMBER, Served, slack_settings


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@needs_running_clock
def test_serve_http_answers_a_slash_command_and_reports_health(
    database_url: str, slack: FakeSlack
) -> None:
    served = Served(database_url, slack, today=DEMO_TODAY)
    try:
        body, content_type = command_body(
            "help",
            user_id=MEMBER,
            channel_id="CGENERAL01",
            team_id=slack.team_id,
            response_url=slack.response_url("help"),
        )
        response = served.send(body, content_type)
        assert response.status == 200
        assert "/partners pending" in response.body_text
        body, content_type = command_body(
            "pending",
            user_id=MEMBER,
            channel_id="CGENERAL01",
            team_id=slack.team_id,
            response_url=slack.response_url("pending"),
        )
        assert served.send(body, content_type).status == 200
        reply = slack.wait_for("response_url:pending", timeout=20)[0].params
        assert reply["response_type"] == "ephemeral"
    finally:
        served.stop()


@needs_running_clock
def test_the_same_event_reaching_two_instances_is_answered_once(
    database_url: str, slack: FakeSlack
) -> None:
    first = Served(database_url, slack, today=DEMO_TODAY)
    second = Served(database_url, slack, today=DEMO_TODAY)
    try:
        event = {
            "type": "app_mention",
            "user": MEMBER,
            "text": "<@UBOT0001> help",
            "ts": "1764600100.000100",
            "channel": "CGENERAL01",
        }
        body, content_type = event_body(event, team_id=slack.team_id, event_id="Ev-both")
        replies: list[Any] = []
        threads = [
            threading.Thread(target=lambda s=s: replies.append(s.send(body, content_type)))
            for s in (first, second)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status for r in replies] == [200, 200]
        slack.wait_for("chat.postMessage", timeout=20)
        # Give the slower instance its chance to (wrongly) answer too: a second mention
        # answered means both instances are idle and past the first one.
        other = dict(event, ts="1764600100.000200")
        body2, _ = event_body(other, team_id=slack.team_id, event_id="Ev-next")
        first.send(body2, content_type)
        second.send(body2, content_type)
        slack.wait_for("chat.postMessage", count=2, timeout=20)
        posts = slack.calls_to("chat.postMessage")
        assert sorted(p.params["thread_ts"] for p in posts) == [
            "1764600100.000100",
            "1764600100.000200",
        ]
    finally:
        first.stop()
        second.stop()
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SlackEvent)) == 2
    engine.dispose()


@needs_running_clock
def test_socket_mode_end_to_end(sqlite_engine: Engine, slack: FakeSlack) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app
    from bot.slack.runtime import build_runtime
    from tests.fakes.socket_mode import FakeSocketModeServer

    with session_factory(sqlite_engine)() as session:
        load_program(session)
        session.commit()
    with FakeSocketModeServer() as socket_server:
        slack.socket_url = socket_server.url
        settings = slack_settings(
            str(sqlite_engine.url), slack, SLACK_APP_TOKEN="xapp-test", SLACK_SIGNING_SECRET=None
        )
        rt = build_runtime(settings, sqlite_engine, today=DEMO_TODAY)
        app = build_app(rt, socket_mode=True)
        handler = SocketModeHandler(app, "xapp-test", web_client=rt.client)
        handler.connect()  # type: ignore[no-untyped-call]
        try:
            socket_server.wait_connected(10)
            event = {
                "type": "app_mention",
                "user": MEMBER,
                "text": "<@UBOT0001> help",
                "ts": "1764600200.000100",
                "channel": "CGENERAL01",
            }
            body, _ = event_body(event, team_id=slack.team_id, event_id="Ev-socket")
            envelope = socket_server.send_envelope("events_api", json.loads(body))
            socket_server.wait_for_ack(envelope, timeout=10)
            (posted,) = slack.wait_for("chat.postMessage", timeout=20)
            assert posted.params["thread_ts"] == "1764600200.000100"

            command = {
                "command": "/partners",
                "text": "help",
                "user_id": MEMBER,
                "channel_id": "CGENERAL01",
                "team_id": slack.team_id,
                "response_url": slack.response_url("sock"),
                "trigger_id": "t",
            }
            envelope = socket_server.send_envelope(
                "slash_commands", command, accepts_response_payload=True
            )
            ack = socket_server.wait_for_ack(envelope, timeout=10)
            assert "/partners pending" in json.dumps(ack.get("payload", {}))
        finally:
            handler.close()  # type: ignore[no-untyped-call]
            rt.worker.drain(10)
            rt.close()
