"""The Slack fakes hold up against the real clients: slack_sdk's WebClient, WebhookClient,
SignatureVerifier and builtin SocketModeClient, all over loopback."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient

from tests.conftest import needs_running_clock
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import (
    block_actions_body,
    command_body,
    event_body,
    sign,
    view_submission_body,
)
from tests.fakes.socket_mode import FakeSocketModeServer

TOKEN = "xoxb-test"
SIGNED_AT = 1764600000
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Top partners*"}}]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.url)


# --- Web API ----------------------------------------------------------------------------


def test_post_message_is_recorded_with_blocks_decoded_and_the_token(
    slack: FakeSlack, client: WebClient
) -> None:
    first = client.chat_postMessage(channel="C1", text="top", blocks=BLOCKS, thread_ts="1.2")
    second = client.chat_postMessage(channel="C1", text="again")
    (call,) = slack.calls_to("chat.postMessage", thread_ts="1.2")
    assert call.params["blocks"] == BLOCKS
    assert call.token == TOKEN
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    assert float(first["ts"]) < float(second["ts"])
    message = first["message"]
    assert (message["user"], message["bot_id"], message["thread_ts"]) == (
        "UBOT0001",
        "B0001",
        "1.2",
    )


def test_json_strings_in_a_form_body_are_recorded_decoded(
    slack: FakeSlack, client: WebClient
) -> None:
    client.api_call(
        "chat.postMessage",
        data={"channel": "C1", "text": "t", "blocks": json.dumps(BLOCKS), "unfurl_links": "0"},
    )
    (call,) = slack.calls_to("chat.postMessage")
    assert call.params["blocks"] == BLOCKS
    assert call.params["unfurl_links"] == "0"


def test_auth_test_describes_the_bot_and_no_token_is_not_authed(
    slack: FakeSlack, client: WebClient
) -> None:
    identity = client.auth_test()
    assert (identity["team_id"], identity["user_id"], identity["bot_id"]) == (
        "T0001",
        "UBOT0001",
        "B0001",
    )
    with pytest.raises(SlackApiError) as refused:
        WebClient(base_url=slack.url).auth_test()
    assert refused.value.response["error"] == "not_authed"


def test_history_and_replies_return_posted_messages_with_metadata(
    slack: FakeSlack, client: WebClient
) -> None:
    metadata = {"event_type": "digest_posted", "event_payload": {"slot": "2026-11"}}
    parent = client.chat_postMessage(channel="C1", text="digest", metadata=metadata)["ts"]
    client.chat_postMessage(channel="C1", text="later")
    client.chat_postMessage(channel="C1", text="in thread", thread_ts=parent)
    client.chat_postMessage(channel="C2", text="elsewhere")
    history = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [m["text"] for m in history] == ["later", "digest"]
    assert history[1]["metadata"] == metadata
    replies = client.conversations_replies(channel="C1", ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["digest", "in thread"]


def test_users_come_from_the_registry_or_default_to_members(
    slack: FakeSlack, client: WebClient
) -> None:
    slack.add_user("UPARTNER01", team_id="TPARTNER1", name="pat", is_restricted=True)
    partner = client.users_info(user="UPARTNER01")["user"]
    assert (partner["team_id"], partner["name"], partner["is_restricted"]) == (
        "TPARTNER1",
        "pat",
        True,
    )
    assert partner["tz"] == "Europe/Warsaw" and partner["tz_offset"] == 3600
    member = client.users_info(user="UNEVERADDED")["user"]
    assert (member["team_id"], member["is_restricted"], member["is_bot"]) == ("T0001", False, False)
    slack.strict_users = True
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="UNEVERADDED")
    assert missing.value.response["error"] == "user_not_found"


def test_conversations_info_knows_shared_channels_and_defaults_to_public_ones(
    slack: FakeSlack, client: WebClient
) -> None:
    slack.add_channel("CSHARED001", is_ext_shared=True, is_shared=True)
    shared = client.conversations_info(channel="CSHARED001")["channel"]
    assert (shared["is_ext_shared"], shared["is_shared"], shared["is_channel"]) == (
        True,
        True,
        True,
    )
    plain = client.conversations_info(channel="CGENERAL01")["channel"]
    assert (plain["is_ext_shared"], plain["is_private"], plain["is_im"]) == (False, False, False)
    assert client.conversations_info(channel="DMEMBER01")["channel"]["is_im"] is True


def test_usergroup_members_come_from_the_registry(slack: FakeSlack, client: WebClient) -> None:
    slack.add_usergroup("SAPPROVERS", ["U1", "U2"])
    assert client.usergroups_users_list(usergroup="SAPPROVERS")["users"] == ["U1", "U2"]
    with pytest.raises(SlackApiError) as missing:
        client.usergroups_users_list(usergroup="SNOPE")
    assert missing.value.response["error"] == "no_such_subteam"


def test_files_upload_v2_stores_the_bytes_and_records_the_completion(
    slack: FakeSlack, client: WebClient
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    done = client.files_upload_v2(
        content=png,
        filename="revenue.png",
        title="Revenue per week",
        alt_txt="Line chart of weekly revenue",
        channel="C1",
        thread_ts="1764600006.000100",
    )
    (file_id,) = slack.uploads
    assert slack.uploads[file_id] == png
    (asked,) = slack.calls_to("files.getUploadURLExternal")
    assert asked.params["alt_txt"] == "Line chart of weekly revenue"
    (complete,) = slack.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1"
    assert complete.params["thread_ts"] == "1764600006.000100"
    assert complete.params["files"][0]["id"] == file_id
    assert done["file"]["alt_txt"] == "Line chart of weekly revenue"
    assert done["file"]["size"] == len(png)


def test_a_multipart_upload_keeps_the_file_not_the_envelope(
    slack: FakeSlack, client: WebClient
) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\r\n\r\n"
    issued = client.files_getUploadURLExternal(filename="a.png", length=len(data))
    body = (
        b'--b1\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + data + b"\r\n--b1--\r\n"
    )
    request = urllib.request.Request(
        issued["upload_url"],
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=b1"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as reply:
        assert reply.read() == f"OK - {len(data)}".encode()
    assert slack.uploads == {issued["file_id"]: data}


def test_a_rate_limit_is_retried_by_the_sdk_handler(slack: FakeSlack) -> None:
    client = WebClient(
        token=TOKEN,
        base_url=slack.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": "0"})
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    attempts = slack.calls_to("chat.postMessage")
    assert [a.failed for a in attempts] == [True, False]
    assert attempts[0].response == {"ok": False, "error": "ratelimited"}
    assert len(slack.wait_for("chat.postMessage")) == 1  # scripted failures don't count


def test_an_override_answers_until_cleared(slack: FakeSlack, client: WebClient) -> None:
    slack.respond("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="hi")
    assert refused.value.response["error"] == "not_in_channel"
    slack.clear_overrides()
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_views_get_ids_and_other_methods_answer_ok(slack: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="t1", view={"type": "modal", "title": {}, "blocks": []})
    assert opened["view"]["id"].startswith("V")
    (call,) = slack.calls_to("views.open", trigger_id="t1")
    assert call.params["view"]["type"] == "modal"
    assert client.assistant_threads_setStatus(channel_id="D1", thread_ts="1.1", status="…")["ok"]
    assert client.api_call("team.info")["ok"] is True


def test_response_url_posts_are_recorded_by_name(slack: FakeSlack) -> None:
    reply = WebhookClient(slack.response_url("r1")).send(text="done", response_type="ephemeral")
    assert (reply.status_code, reply.body) == (200, "ok")
    (posted,) = slack.responses("r1")
    assert posted.params == {"text": "done", "response_type": "ephemeral"}
    assert slack.responses("other") == [] and slack.responses() == [posted]


def test_wait_for_names_the_calls_it_saw_when_it_times_out(
    slack: FakeSlack, client: WebClient
) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        slack.wait_for("chat.postMessage", timeout=0)  # no wait: a stopped clock still fails it


@needs_running_clock
def test_a_held_answer_is_released_when_the_fake_closes(
    slack: FakeSlack, client: WebClient
) -> None:
    slack.hold_after("chat.postMessage", 60)
    answered: list[Any] = []
    caller = threading.Thread(
        target=lambda: answered.append(client.chat_postMessage(channel="C1", text="x")["ok"])
    )
    caller.start()
    slack.wait_for("chat.postMessage", timeout=30)  # done (recorded) but not yet answered
    assert answered == []
    assert len(slack.messages("C1")) == 1
    slack.close()  # ends the hold
    caller.join(10)
    assert answered == [True]


def test_reset_forgets_calls_but_keeps_registries(slack: FakeSlack, client: WebClient) -> None:
    slack.add_user("UX", name="x")
    client.chat_postMessage(channel="C1", text="hi")
    slack.reset()
    assert slack.calls == []
    assert client.conversations_history(channel="C1")["messages"] == []
    assert client.users_info(user="UX")["user"]["name"] == "x"


# --- signed requests ----------------------------------------------------------------------


class _FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


@pytest.mark.parametrize(
    "body",
    [
        event_body({"type": "app_mention", "text": "hi", "ts": "1.1", "channel": "C1"})[0],
        command_body("help", user_id="U1", channel_id="C1", response_url="http://x/r")[0],
        block_actions_body({"action_id": "a", "value": "v"}, user_id="U1", channel_id="C1")[0],
        view_submission_body({"callback_id": "c"}, user_id="U1")[0],
    ],
    ids=["event", "command", "action", "view"],
)
def test_signed_bodies_verify_with_slack_sdk(body: str) -> None:
    headers = sign(body, "secret", SIGNED_AT, content_type="application/json")
    assert headers["Content-Type"] == "application/json"
    assert SignatureVerifier("secret", _FixedClock(SIGNED_AT + 30)).is_valid_request(body, headers)
    assert not SignatureVerifier("other", _FixedClock(SIGNED_AT)).is_valid_request(body, headers)
    stale = SignatureVerifier("secret", _FixedClock(SIGNED_AT + 600))
    assert not stale.is_valid_request(body, headers)


def test_event_ids_are_unique_unless_given() -> None:
    event = {"type": "app_mention", "ts": "1764600000.000100"}
    first, second = (json.loads(event_body(event)[0]) for _ in range(2))
    assert first["event_id"] != second["event_id"]
    assert first["event_time"] == 1764600000
    assert json.loads(event_body(event, event_id="Ev1")[0])["event_id"] == "Ev1"


# --- Socket Mode --------------------------------------------------------------------------


@needs_running_clock
def test_socket_mode_client_connects_receives_envelopes_and_acks(slack: FakeSlack) -> None:
    received: list[SocketModeRequest] = []

    def listener(client: Any, request: SocketModeRequest) -> None:
        received.append(request)
        payload = {"text": "pong"} if request.type == "slash_commands" else None
        client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))

    with FakeSocketModeServer() as server:
        slack.socket_url = server.url
        sockets = SocketModeClient(
            app_token="xapp-test", web_client=WebClient(token=TOKEN, base_url=slack.url)
        )
        sockets.socket_mode_request_listeners.append(listener)
        try:
            sockets.connect()
            server.wait_connected(10)
            (opened,) = slack.calls_to("apps.connections.open")
            assert opened.token == "xapp-test"

            body, _ = event_body({"type": "app_mention", "text": "hi", "ts": "1.1"})
            envelope = server.send_envelope("events_api", json.loads(body))
            assert server.wait_for_ack(envelope) == {"envelope_id": envelope}
            command = server.send_envelope(
                "slash_commands", {"command": "/partners"}, accepts_response_payload=True
            )
            assert server.wait_for_ack(command)["payload"] == {"text": "pong"}
            assert [r.type for r in received] == ["events_api", "slash_commands"]
            assert received[0].payload["event"]["text"] == "hi"
        finally:
            sockets.close()
