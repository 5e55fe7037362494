"""The digest pass against the fake Slack Web API, on SQLite and PostgreSQL, with an
injected clock: posted once per slot however many passes race, through crashes, Slack
failures, removed channels and downtime."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from bot.assistant.conversation import ConversationKey, load_conversation
from bot.digests.run import DigestPass
from bot.digests.subscriptions import statuses
from storage.db import session_scope
from storage.models import AuditEntry, DigestRun, DigestSubscription, Partner
from storage.queries.digests import Claim
from tests.digest_harness import (
    CHANNEL,
    FIRST_SLOT,
    LEASE,
    add_subscription,
    digests_in,
    run_pass,
)
from tests.fakes.slack_api import FakeSlack


def runs(engine: Engine) -> list[DigestRun]:
    with session_scope(engine) as session:
        return list(session.scalars(select(DigestRun).order_by(DigestRun.slot_at)))


def subscription_row(engine: Engine, subscription_id: int) -> DigestSubscription:
    with session_scope(engine) as session:
        row = session.get(DigestSubscription, subscription_id)
        assert row is not None
        return row


def test_a_due_digest_is_posted_once_with_its_metadata(db: Engine, slack: FakeSlack) -> None:
    sid = add_subscription(db)
    report = run_pass(db, slack, FIRST_SLOT + timedelta(minutes=1))
    assert [o.kind for o in report.outcomes] == ["posted"]
    (message,) = digests_in(slack)
    assert message["metadata"]["event_payload"] == {
        "subscription_id": sid,
        "slot": FIRST_SLOT.isoformat(),
    }
    assert message["text"] and message["blocks"]
    (run,) = runs(db)
    assert (run.status, run.message_ts, run.late) == ("posted", message["ts"], False)
    assert run.snapshot is not None
    # The same morning again: nothing new reaches the channel.
    again = run_pass(db, slack, FIRST_SLOT + timedelta(minutes=2))
    assert [o.kind for o in again.outcomes] == ["skipped"]
    assert "already posted" in again.outcomes[0].detail
    assert len(digests_in(slack)) == 1


def test_before_its_slot_nothing_is_posted_and_the_next_slot_is_named(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    report = run_pass(db, slack, FIRST_SLOT - timedelta(minutes=1))
    (outcome,) = report.outcomes
    assert outcome.kind == "not due"
    assert "Mon 7 Dec 2026 09:00 CET" in outcome.detail
    assert digests_in(slack) == []


def test_a_reply_in_the_digests_thread_continues_from_its_scope(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db, scope="tier:Gold")
    run_pass(db, slack, FIRST_SLOT)
    (message,) = digests_in(slack)
    with session_scope(db) as session:
        conversation = load_conversation(session, ConversationKey(CHANNEL, message["ts"]))
    assert conversation.previous is not None
    assert conversation.previous.arguments == {"tiers": ["Gold"]}


def test_passes_racing_in_threads_post_each_slot_once(db: Engine, slack: FakeSlack) -> None:
    add_subscription(db)
    add_subscription(db, scope="tier:Gold")
    reports = []
    barrier = threading.Barrier(6)

    def one() -> None:
        barrier.wait()
        reports.append(run_pass(db, slack, FIRST_SLOT + timedelta(seconds=30)))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(reports) == 6
    assert len(digests_in(slack)) == 2
    posted = [o for r in reports for o in r.posted]
    assert sorted(o.subscription_id for o in posted) == sorted({o.subscription_id for o in posted})
    assert {r.status for r in runs(db)} == {"posted"}


def test_slack_500_then_healthy_is_posted_once(db: Engine, slack: FakeSlack) -> None:
    sid = add_subscription(db)
    slack.fail("chat.postMessage", status=500)
    first = run_pass(db, slack, FIRST_SLOT)
    assert [o.kind for o in first.outcomes] == ["failed"]
    assert "500" in first.outcomes[0].detail
    (run,) = runs(db)
    assert (run.status, run.attempts, run.error) == (
        "retry",
        1,
        "Slack error 500 (internal_error)",
    )
    assert subscription_row(db, sid).failures == 1
    later = run_pass(db, slack, FIRST_SLOT + timedelta(seconds=30))
    assert [o.kind for o in later.outcomes] == ["posted"]
    assert len(digests_in(slack)) == 1
    (run,) = runs(db)
    assert (run.status, run.attempts) == ("posted", 2)
    assert subscription_row(db, sid).failures == 0


def test_failures_back_off_one_two_four_minutes(db: Engine, slack: FakeSlack) -> None:
    add_subscription(db)
    slack.fail("chat.postMessage", status=503, times=3)
    now = FIRST_SLOT
    assert run_pass(db, slack, now).outcomes[0].kind == "failed"  # attempt 1: retry next pass
    assert run_pass(db, slack, now).outcomes[0].kind == "failed"  # attempt 2: then wait 1 min
    waiting = run_pass(db, slack, now + timedelta(seconds=59))
    assert [o.kind for o in waiting.outcomes] == ["skipped"]
    assert "waiting to retry" in waiting.outcomes[0].detail
    assert run_pass(db, slack, now + timedelta(minutes=1)).outcomes[0].kind == "failed"
    assert run_pass(db, slack, now + timedelta(minutes=2)).outcomes[0].kind == "skipped"
    assert run_pass(db, slack, now + timedelta(minutes=3)).outcomes[0].kind == "posted"
    assert len(digests_in(slack)) == 1


def test_repeated_failures_show_in_the_subscription_list(db: Engine, slack: FakeSlack) -> None:
    add_subscription(db)
    slack.fail("chat.postMessage", status=503, times=10)
    now = FIRST_SLOT
    for _ in range(3):
        report = run_pass(db, slack, now)
        assert [o.kind for o in report.outcomes] == ["failed"]
        now += timedelta(minutes=30)
    with session_scope(db) as session:
        (status,) = statuses(session, now=now)
    assert status.state.startswith("failing: 3 failed attempt(s) in a row")
    assert "503" in status.state
    assert digests_in(slack) == []


def test_a_channel_the_bot_was_removed_from_pauses_the_subscription_once(
    db: Engine, slack: FakeSlack
) -> None:
    sid = add_subscription(db)
    slack.add_channel(CHANNEL, name="partnerships", is_member=False)
    first = run_pass(db, slack, FIRST_SLOT)
    assert [o.kind for o in first.outcomes] == ["paused"]
    assert "not in the channel" in first.outcomes[0].detail
    row = subscription_row(db, sid)
    assert row.paused_at is not None
    # Not retried: the next passes, and next week's, don't touch it.
    calls = len(slack.calls_to("chat.postMessage"))
    assert run_pass(db, slack, FIRST_SLOT + timedelta(minutes=5)).outcomes == []
    assert run_pass(db, slack, FIRST_SLOT + timedelta(days=7)).outcomes == []
    assert len(slack.calls_to("chat.postMessage")) == calls
    with session_scope(db) as session:
        (status,) = statuses(session, now=FIRST_SLOT + timedelta(days=7))
    assert status.state.startswith("paused: the bot is not in the channel")


def test_a_channel_shared_with_another_organisation_gets_no_digest_unless_allowed(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    add_subscription(db, channel="CSHARED02")
    slack.add_channel("CSHARED02", name="acme-partners", is_ext_shared=True)
    report = run_pass(db, slack, FIRST_SLOT)
    kinds = {o.channel: o.kind for o in report.outcomes}
    assert kinds == {CHANNEL: "posted", "CSHARED02": "paused"}
    assert digests_in(slack, "CSHARED02") == []


def test_an_explicitly_allowed_shared_channel_gets_its_digest(db: Engine, slack: FakeSlack) -> None:
    add_subscription(db, channel="CSHARED02")
    slack.add_channel("CSHARED02", name="acme-partners", is_ext_shared=True)
    report = run_pass(db, slack, FIRST_SLOT, allowed_channels=frozenset({"CSHARED02"}))
    assert [o.kind for o in report.outcomes] == ["posted"]
    assert len(digests_in(slack, "CSHARED02")) == 1


def test_after_downtime_a_slot_in_its_grace_window_is_posted_once_marked_late(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    report = run_pass(db, slack, FIRST_SLOT + timedelta(hours=2, minutes=30))
    assert [o.kind for o in report.outcomes] == ["posted"]
    assert "late" in report.outcomes[0].detail
    (message,) = digests_in(slack)
    lead = message["blocks"][0]
    assert "Late: this digest was due Mon 7 Dec 2026 09:00 CET" in str(lead)
    (run,) = runs(db)
    assert run.late is True
    assert len(digests_in(slack)) == 1


def test_after_long_downtime_older_slots_are_missed_not_a_burst(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    # Down for three weeks; back an hour after the fourth Monday's slot.
    back = FIRST_SLOT + timedelta(days=21, hours=1)
    report = run_pass(db, slack, back)
    kinds = sorted(o.kind for o in report.outcomes)
    assert kinds == ["missed", "missed", "missed", "posted"]
    assert len(digests_in(slack)) == 1
    assert [r.status for r in runs(db)] == ["missed", "missed", "missed", "posted"]
    # Later passes neither post nor report them again.
    assert [o.kind for o in run_pass(db, slack, back + timedelta(minutes=5)).outcomes] == [
        "skipped"
    ]


def test_a_slot_past_its_grace_window_is_missed(db: Engine, slack: FakeSlack) -> None:
    add_subscription(db)
    report = run_pass(db, slack, FIRST_SLOT + timedelta(hours=5))
    assert [o.kind for o in report.outcomes] == ["missed"]
    assert digests_in(slack) == []
    assert [r.status for r in runs(db)] == ["missed"]


def test_a_failed_slot_that_outlives_its_grace_window_is_missed(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    slack.fail("chat.postMessage", status=500)
    run_pass(db, slack, FIRST_SLOT)
    report = run_pass(db, slack, FIRST_SLOT + timedelta(hours=6))
    assert [o.kind for o in report.outcomes] == ["missed"]
    (run,) = runs(db)
    assert run.status == "missed" and "500" in (run.error or "")


def test_a_claim_held_by_a_live_pass_is_skipped_and_an_expired_one_taken_over(
    db: Engine, slack: FakeSlack
) -> None:
    """A pass died holding the claim before Slack saw anything: within the lease others
    leave it; after, one takes it over, finds nothing in the channel and posts."""
    add_subscription(db)
    slack.fail("conversations.info", status=500)  # the first pass stops before posting…
    run_pass(db, slack, FIRST_SLOT, holder="dead-pass")
    with session_scope(db) as session:  # …and, as if it had died, still holds its claim
        run = session.scalars(select(DigestRun)).one()
        run.status, run.holder = "claimed", "dead-pass"
        run.lease_until, run.next_attempt_at = FIRST_SLOT + LEASE, None
    held = run_pass(db, slack, FIRST_SLOT + timedelta(minutes=1))
    assert [o.kind for o in held.outcomes] == ["skipped"]
    assert "dead-pass" in held.outcomes[0].detail
    taken = run_pass(db, slack, FIRST_SLOT + LEASE + timedelta(seconds=1))
    assert [o.kind for o in taken.outcomes] == ["posted"]
    assert slack.calls_to("conversations.history", channel=CHANNEL)
    assert len(digests_in(slack)) == 1


def test_a_digest_posted_by_a_pass_that_died_before_recording_it_is_not_posted_again(
    db: Engine, slack: FakeSlack
) -> None:
    sid = add_subscription(db)
    run_pass(db, slack, FIRST_SLOT)
    (posted,) = digests_in(slack)
    with session_scope(db) as session:  # forget the record, as if the pass died after Slack
        run = session.scalars(select(DigestRun)).one()
        run.status, run.holder, run.message_ts = "claimed", "dead-pass", None
        run.lease_until = FIRST_SLOT + LEASE
    slack.add_message(CHANNEL, text="unrelated chatter")
    report = run_pass(db, slack, FIRST_SLOT + LEASE + timedelta(minutes=1))
    assert [o.kind for o in report.outcomes] == ["recovered"]
    assert len(digests_in(slack)) == 1
    (run,) = runs(db)
    assert (run.status, run.message_ts, run.subscription_id) == ("posted", posted["ts"], sid)


def test_subscribing_is_audited_and_resubscribing_moves_the_slot(db: Engine) -> None:
    first = add_subscription(db)
    again = add_subscription(db, weekday=4, hour=16, minute=30)
    assert again == first
    with session_scope(db) as session:
        row = session.get(DigestSubscription, first)
        assert row is not None
        assert (row.weekday, row.hour, row.minute) == (4, 16, 30)
        audit = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [a.action for a in audit] == ["subscribe_digest", "subscribe_digest"]
    assert audit[1].before is not None and audit[1].before["weekday"] == 0
    assert audit[1].after is not None and audit[1].after["minute"] == 30


def test_a_rate_limit_is_retried_after_slack_says(db: Engine, slack: FakeSlack) -> None:
    add_subscription(db)
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": "300"})
    first = run_pass(db, slack, FIRST_SLOT)
    assert [o.kind for o in first.outcomes] == ["failed"]
    assert "rate limited by Slack (retry after 300 s)" in first.outcomes[0].detail
    early = run_pass(db, slack, FIRST_SLOT + timedelta(minutes=4))
    assert [o.kind for o in early.outcomes] == ["skipped"]
    late = run_pass(db, slack, FIRST_SLOT + timedelta(minutes=5))
    assert [o.kind for o in late.outcomes] == ["posted"]
    assert len(digests_in(slack)) == 1


def test_a_posted_digest_past_its_grace_window_is_found_not_marked_missed(
    db: Engine, slack: FakeSlack
) -> None:
    add_subscription(db)
    run_pass(db, slack, FIRST_SLOT)
    (posted,) = digests_in(slack)
    with session_scope(db) as session:  # the pass died after Slack accepted the post
        run = session.scalars(select(DigestRun)).one()
        run.status, run.holder, run.message_ts = "claimed", "dead-pass", None
        run.lease_until = FIRST_SLOT + LEASE
    report = run_pass(db, slack, FIRST_SLOT + timedelta(hours=6))
    assert [o.kind for o in report.outcomes] == ["recovered"]
    (run,) = runs(db)
    assert (run.status, run.message_ts) == ("posted", posted["ts"])
    assert len(digests_in(slack)) == 1


def test_a_claim_taken_over_while_composing_is_not_posted_twice(
    db: Engine, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass whose claim was taken over before it posted stops instead of posting."""
    add_subscription(db)
    renew = DigestPass._renew

    def taken_over(self: DigestPass, claim: Claim) -> bool:
        with session_scope(db) as session:
            row = session.scalars(select(DigestRun)).one()
            row.attempts += 1  # another pass took the claim over meanwhile
        return renew(self, claim)

    monkeypatch.setattr(DigestPass, "_renew", taken_over)
    report = run_pass(db, slack, FIRST_SLOT)
    assert [o.kind for o in report.outcomes] == ["skipped"]
    assert "took it over" in report.outcomes[0].detail
    assert digests_in(slack) == []


def test_a_scope_that_no_longer_exists_pauses_with_the_reason(db: Engine, slack: FakeSlack) -> None:
    sid = add_subscription(db, scope="tier:Gold")
    with session_scope(db) as session:  # every Gold partner moves to another tier
        for partner in session.scalars(select(Partner).where(Partner.tier == "Gold")):
            partner.tier = "Silver"
    report = run_pass(db, slack, FIRST_SLOT)
    assert [o.kind for o in report.outcomes] == ["paused"]
    assert "no tier called" in report.outcomes[0].detail
    assert subscription_row(db, sid).paused_at is not None
    assert digests_in(slack) == []
