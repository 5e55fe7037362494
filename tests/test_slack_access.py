"""Who may see program data through Slack: members of the installing workspace only, in
its own channels (or channels explicitly allowed), narrowed by the optional allow-lists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.slack.access import Asker, Policy, check
from bot.slack.people import Directory
from tests.fakes.slack_api import FakeSlack

HOME = "T0001"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(team_id=HOME) as fake:
        fake.add_user("UMEMBER001")
        fake.add_user("UPARTNER01", team_id="TPARTNER1")
        fake.add_user("UGUEST0001", is_restricted=True)
        fake.add_user("USINGLE001", is_ultra_restricted=True)
        fake.add_channel("CSHARED001", is_ext_shared=True, is_shared=True)
        fake.add_channel("CINTERNAL1")
        fake.add_usergroup("SPARTNERS", ["UMEMBER001"])
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.url)


def _allowed(client: WebClient, asker: Asker, **policy: frozenset[str]) -> bool:
    return check(client, Directory(), Policy(home_team=HOME, **policy), asker).allowed


@pytest.mark.parametrize(
    ("asker", "allowed"),
    [
        (Asker("UMEMBER001", "CINTERNAL1", HOME), True),
        (Asker("UMEMBER001", "DMEMBER001", HOME, direct=True), True),
        (Asker("UPARTNER01", "CINTERNAL1", "TPARTNER1"), False),
        (Asker("UPARTNER01", "CINTERNAL1", None), False),  # found by users.info
        (Asker("UMEMBER001", "CINTERNAL1", HOME, source_team="TPARTNER1"), False),
        (Asker("UGUEST0001", "CINTERNAL1", HOME), False),
        (Asker("USINGLE001", "CINTERNAL1", HOME), False),
        (Asker("UMEMBER001", "CSHARED001", HOME), False),  # found by conversations.info
        (Asker("UMEMBER001", "CANY000001", HOME, channel_shared=True), False),
    ],
)
def test_only_members_in_their_own_channels_see_data(
    client: WebClient, asker: Asker, allowed: bool
) -> None:
    assert _allowed(client, asker) is allowed


def test_a_listed_shared_channel_is_answered_for_members_not_for_partners(
    client: WebClient,
) -> None:
    channels = frozenset({"CSHARED001"})
    member = Asker("UMEMBER001", "CSHARED001", HOME)
    partner = Asker("UPARTNER01", "CSHARED001", "TPARTNER1")
    assert _allowed(client, member, allowed_channels=channels)
    assert not _allowed(client, partner, allowed_channels=channels)


def test_allowed_channels_narrow_answers_to_those_channels_and_dms(client: WebClient) -> None:
    channels = frozenset({"CINTERNAL1"})
    assert _allowed(client, Asker("UMEMBER001", "CINTERNAL1", HOME), allowed_channels=channels)
    assert not _allowed(client, Asker("UMEMBER001", "COTHER0001", HOME), allowed_channels=channels)
    dm = Asker("UMEMBER001", "DMEMBER001", HOME, direct=True)
    assert _allowed(client, dm, allowed_channels=channels)


def test_allowed_users_by_id_or_user_group(client: WebClient, slack: FakeSlack) -> None:
    slack.add_user("UOTHER0001")
    asker = Asker("UMEMBER001", "CINTERNAL1", HOME)
    other = Asker("UOTHER0001", "CINTERNAL1", HOME)
    assert _allowed(client, asker, allowed_users=frozenset({"SPARTNERS"}))
    assert not _allowed(client, other, allowed_users=frozenset({"SPARTNERS"}))
    assert _allowed(client, other, allowed_users=frozenset({"UOTHER0001"}))


def test_every_refusal_is_logged(client: WebClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="partnerops.slack.access"):
        _allowed(client, Asker("UGUEST0001", "CINTERNAL1", HOME))
    assert "UGUEST0001" in caplog.text and "guest" in caplog.text


def test_directory_reuses_answers_for_a_while(client: WebClient, slack: FakeSlack) -> None:
    now = [0.0]
    directory = Directory(seconds=300, clock=lambda: now[0])
    for _ in range(3):
        directory.person(client, "UMEMBER001")
    now[0] = 301
    directory.person(client, "UMEMBER001")
    assert len(slack.calls_to("users.info")) == 2
