"""`partnerops digest …` as operators run it: subscribe / list / unsubscribe in-process,
and `run-due` as real processes racing, failing and killed mid-post, on both backends,
counting what reaches the fake Slack channel."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select

from bot.cli import main
from bot.settings import get_settings
from storage.db import session_scope
from storage.models import AuditEntry, DigestRun
from tests.conftest import needs_running_clock
from tests.digest_harness import (
    BOT_TOKEN,
    CHANNEL,
    FIRST_SLOT,
    LEASE,
    add_subscription,
    digests_in,
    run_due_process,
    settings_for,
)
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def cli_env(
    database_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.url)
    monkeypatch.setenv("PARTNEROPS_DIGEST_LEASE_SECONDS", str(int(LEASE.total_seconds())))
    monkeypatch.delenv("PARTNEROPS_ALLOWED_CHANNELS", raising=False)
    monkeypatch.chdir(str(tmp_path))
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_subscribe_list_unsubscribe(cli_env: str, db: Engine, slack: FakeSlack) -> None:
    made = invoke(
        "digest",
        "subscribe",
        CHANNEL,
        "--day",
        "mon",
        "--time",
        "09:00",
        "--timezone",
        "Europe/Warsaw",
        "--scope",
        "tier:gold",
    )
    assert made.exit_code == 0, made.output
    ident = made.stdout.strip()
    assert ident.isdigit()
    listed = invoke("digest", "list")
    assert (
        f"{ident}  {CHANNEL} · Gold tier · Mondays 09:00 Europe/Warsaw  [active]" in listed.output
    )
    assert "next: Mon" in listed.output
    gone = invoke("digest", "unsubscribe", ident)
    assert gone.exit_code == 0 and f"Unsubscribed {ident}" in gone.output
    assert "No channel is subscribed" in invoke("digest", "list").output
    with session_scope(db) as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["subscribe_digest", "unsubscribe_digest"]


def test_subscribe_refuses_a_shared_channel_and_bad_input(cli_env: str, slack: FakeSlack) -> None:
    slack.add_channel("CSHARED02", is_ext_shared=True)
    refused = invoke("digest", "subscribe", "CSHARED02")
    assert refused.exit_code == 1
    assert "PARTNEROPS_ALLOWED_CHANNELS" in refused.output
    assert invoke("digest", "subscribe", CHANNEL, "--day", "someday").exit_code == 2
    assert invoke("digest", "subscribe", CHANNEL, "--time", "25:00").exit_code == 2
    assert invoke("digest", "subscribe", CHANNEL, "--scope", "region:EU").exit_code == 2
    unknown = invoke("digest", "subscribe", CHANNEL, "--scope", "tier:Platinum")
    assert unknown.exit_code == 1 and "Gold" in unknown.output
    assert invoke("digest", "subscribe", "#general").exit_code == 2
    assert "No channel is subscribed" in invoke("digest", "list").output


def test_run_due_prints_what_it_posted_and_skipped(
    cli_env: str, db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    first = invoke("digest", "run-due", "--now", FIRST_SLOT.isoformat())
    assert first.exit_code == 0
    assert first.output.startswith("posted")
    assert "1 posted" in first.output
    again = invoke("digest", "run-due", "--now", (FIRST_SLOT + timedelta(minutes=1)).isoformat())
    assert again.output.startswith("skipped") and "already posted" in again.output
    assert len(digests_in(slack)) == 1
    assert invoke("digest", "run-due", "--now", "tomorrow").exit_code == 2


def test_dry_run_prints_a_digest_and_posts_nothing(cli_env: str, slack: FakeSlack) -> None:
    shown = invoke("digest", "--dry-run", "--scope", "tier:Gold", "--today", "2026-09-15")
    assert shown.exit_code == 0
    assert "Weekly goal digest" in shown.output and "Gold" in shown.output
    assert slack.calls_to("chat.postMessage") == []


@needs_running_clock
def test_run_due_processes_racing_post_each_digest_once(
    database_url: str, db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    add_subscription(db, scope="tier:Gold")
    settings = settings_for(database_url, slack)
    now = FIRST_SLOT + timedelta(minutes=1)
    processes = [run_due_process(settings, now) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert len(digests_in(slack)) == 2
    posted = sum(out.count("\nposted") + out.startswith("posted") for out, _ in outputs)
    assert posted == 2


@needs_running_clock
def test_a_pass_killed_after_slack_accepted_the_post_is_not_posted_again(
    database_url: str, db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    settings = settings_for(database_url, slack)
    slack.hold_after("chat.postMessage", 60)  # posted; the answer never reaches the pass
    doomed = run_due_process(settings, FIRST_SLOT)
    slack.wait_for("chat.postMessage", timeout=60)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    slack.hold_after("chat.postMessage", 0)
    assert len(digests_in(slack)) == 1
    with session_scope(db) as session:
        (run,) = session.scalars(select(DigestRun))
        assert run.status == "claimed"
    # Within the lease another pass leaves it alone; after it, it finds the message.
    within = run_due_process(settings, FIRST_SLOT + timedelta(minutes=1))
    assert within.communicate(timeout=60)[0].startswith("skipped")
    after = run_due_process(settings, FIRST_SLOT + LEASE + timedelta(minutes=1))
    out, err = after.communicate(timeout=60)
    assert after.returncode == 0, err
    assert out.startswith("recovered"), out
    assert len(digests_in(slack)) == 1
    with session_scope(db) as session:
        (run,) = session.scalars(select(DigestRun))
        assert (run.status, run.message_ts) == ("posted", digests_in(slack)[0]["ts"])


@needs_running_clock
def test_a_pass_killed_before_slack_saw_the_post_is_posted_once_by_the_next(
    database_url: str, db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    settings = settings_for(database_url, slack)
    slack.hold_after("conversations.info", 60)  # the pass has claimed; it never posts
    doomed = run_due_process(settings, FIRST_SLOT)
    slack.wait_for("conversations.info", timeout=60)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    slack.hold_after("conversations.info", 0)
    assert digests_in(slack) == []
    after = run_due_process(settings, FIRST_SLOT + LEASE + timedelta(minutes=1))
    out, err = after.communicate(timeout=60)
    assert out.startswith("posted"), (out, err)
    assert len(digests_in(slack)) == 1


def test_dry_run_with_an_unknown_scope_is_a_clear_error(cli_env: str) -> None:
    result = invoke("digest", "--dry-run", "--scope", "tier:Gld")
    assert result.exit_code == 1
    assert "There is no tier called “Gld”" in result.output and "Gold" in result.output
    assert "Traceback" not in result.output


def test_rescheduling_without_a_timezone_keeps_the_subscriptions_own(
    cli_env: str, slack: FakeSlack
) -> None:
    invoke("digest", "subscribe", CHANNEL, "--time", "09:00", "--timezone", "Europe/Warsaw")
    moved = invoke("digest", "subscribe", CHANNEL, "--day", "tue")
    assert moved.exit_code == 0
    assert "Tuesdays 09:00 Europe/Warsaw" in invoke("digest", "list").output


def test_list_as_of_a_replayed_morning_and_a_long_downtime_summarised(
    cli_env: str, db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    back = FIRST_SLOT + timedelta(days=70, hours=1)  # ten weeks down
    out = invoke("digest", "run-due", "--now", back.isoformat()).output
    assert out.count("\nmissed") + out.startswith("missed") == 4  # three listed, one summary
    assert "… and 7 older slots" in out
    assert "10 missed" in out and "1 posted" in out
    listed = invoke("digest", "list", "--now", back.isoformat()).output
    assert "next: Mon 22 Feb 2027 09:00 CET" in listed
