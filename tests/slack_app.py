"""The Slack app under test: a real waitress server running the real Bolt App in-process,
talking to a FakeSlack Web API over loopback, on a database the test chooses.

Tests post Slack-shaped signed requests to `app.url` and assert on what FakeSlack
recorded and on the database.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import Engine

from bot.assistant.answer import ModelAnswerer
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.runtime import SlackRuntime, build_runtime
from bot.slack.server import make_http_server
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import (
    Response,
    block_actions_body,
    command_body,
    event_body,
    post,
    view_submission_body,
)

LISTENING = re.compile(r"listening on (http://[^/\s]+)/slack/events")
SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APPROVER = "UAPPROVER1"
MEMBER = "UMEMBER001"


def slack_settings(database_url: str, slack: FakeSlack, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "PARTNEROPS_APPROVERS": APPROVER,
        "PARTNEROPS_SLACK_WORKERS": 4,
        "PARTNEROPS_HTTP_THREADS": 8,
        "PARTNEROPS_ANSWER_PROCESSES": 0,
    }
    values.update(extra)
    return Settings(_env_file=None, **values)


@dataclass
class RunningApp:
    runtime: SlackRuntime
    url: str
    slack: FakeSlack
    responses: list[Response] = field(default_factory=list)

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"

    def send(self, body: str, content_type: str, **headers: str) -> Response:
        response = post(
            self.events_url,
            body,
            content_type=content_type,
            secret=SECRET,
            timestamp=int(time.time()),
            extra_headers=headers or None,
        )
        self.responses.append(response)
        return response

    def event(self, event: dict[str, Any], **kwargs: Any) -> Response:
        body, content_type = event_body(event, team_id=self.slack.team_id, **kwargs)
        return self.send(body, content_type)

    def command(
        self, text: str, *, user: str = MEMBER, channel: str = "CGENERAL01", name: str = "r1"
    ) -> Response:
        body, content_type = command_body(
            text,
            user_id=user,
            channel_id=channel,
            team_id=self.slack.team_id,
            response_url=self.slack.response_url(name),
        )
        return self.send(body, content_type)

    def action(self, action: dict[str, Any], *, user: str = MEMBER, **kwargs: Any) -> Response:
        body, content_type = block_actions_body(
            action, user_id=user, team_id=self.slack.team_id, **kwargs
        )
        return self.send(body, content_type)

    def submit(self, view: dict[str, Any], *, user: str = APPROVER) -> Response:
        body, content_type = view_submission_body(view, user_id=user, team_id=self.slack.team_id)
        return self.send(body, content_type)

    def wait_idle(self, timeout: float = 20.0) -> None:
        """Until every job handed to the worker has finished."""
        assert self.runtime.worker.drain(timeout), "work still running after the timeout"


@contextmanager
def running_app(
    engine: Engine,
    slack: FakeSlack,
    *,
    today: date | None,
    model: ModelAnswerer | None = None,
    **settings: Any,
) -> Iterator[RunningApp]:
    config = slack_settings(
        str(engine.url.render_as_string(hide_password=False)), slack, **settings
    )
    rt = build_runtime(config, engine, model=model, today=today)
    app = build_app(rt)
    server = make_http_server(app, rt, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield RunningApp(rt, f"http://127.0.0.1:{server.effective_port}", slack)
    finally:
        rt.worker.drain(20.0)
        server.close()
        thread.join(5)
        rt.close()


class Served:
    """One `partnerops serve --http --port 0` process."""

    def __init__(
        self, database_url: str, slack: FakeSlack, *, today: date | None = None, **extra: str
    ) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url,
            "PARTNEROPS_APPROVERS": APPROVER,
            "PARTNEROPS_LOG_LEVEL": "INFO",
            **extra,
        }
        env.pop("SLACK_APP_TOKEN", None)
        env.pop("OPENAI_API_KEY", None)
        env.pop("OPENAI_BASE_URL", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "serve",
                "--http",
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                *(["--today", today.isoformat()] if today else []),
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: list[str] = []
        self.url = self._wait_listening()
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _wait_listening(self) -> str:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            found = LISTENING.search(line)
            if found:
                return found.group(1)
        raise AssertionError("serve exited before listening:\n" + "".join(self.log))

    def _read_rest(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def clock(self) -> int:
        """The server's own time (its Date header): Slack signs with Slack's clock, and
        the server checks against its own."""
        with urllib.request.urlopen(self.url + "/healthz", timeout=5) as reply:
            assert reply.status == 200
            return int(parsedate_to_datetime(reply.headers["Date"]).timestamp())

    def send(self, body: str, content_type: str) -> Any:
        return post(
            self.url + "/slack/events",
            body,
            content_type=content_type,
            secret=SECRET,
            timestamp=self.clock(),
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """Every string in a message's blocks, for asserting on what a person would read."""
    return "\n".join(_strings(blocks))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("action_id", "block_id", "type", "style", "value"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
