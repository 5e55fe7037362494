"""One pass: post every digest whose slot is due and not yet posted, exactly once.

For each subscription the pass looks at its slots up to `now` (the pass's only clock):
the latest slot inside the grace window is claimed and posted (marked late when it is
posted well after it was due); every older unposted slot is recorded as missed, never
posted, so downtime never ends in a burst of stale digests.

Exactly once. A claim is a unique row per (subscription, slot), inserted before posting,
with a holder and a lease. Another pass skips a held slot until the lease expires, then
takes it over; a failed attempt is released for a later pass after a backoff. Because a
pass can die after Slack accepted the message but before recording it, the message
carries its (subscription, slot) as metadata, and a pass that takes over a slot first
looks for that message in the channel and records it instead of posting again.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.digests.compose import Compose, ComposedDigest
from bot.digests.posting import (
    ChannelRefused,
    ChannelUnavailable,
    DigestKey,
    Poster,
    PostFailed,
)
from bot.digests.slots import Schedule, as_utc, describe_instant
from bot.digests.subscriptions import active_since, schedule_of, scope_label
from storage.db import session_scope
from storage.models import DigestRun, DigestSubscription
from storage.queries import digests as q
from tools.errors import ToolError

log = logging.getLogger("partnerops.digests")

OutcomeKind = Literal["posted", "recovered", "skipped", "failed", "paused", "missed", "not due"]

Record = Callable[[Session, DigestSubscription, str, ComposedDigest, datetime], None]
"""Keeps what a posted digest said as its thread's conversation (replies are questions)."""


@dataclass(frozen=True)
class PassConfig:
    lease: timedelta = timedelta(minutes=2)
    """How long a claim is held before another pass may take it over."""
    grace: timedelta = timedelta(hours=4)
    """How late a slot may still be posted (marked late); older slots are missed."""
    late_after: timedelta = timedelta(minutes=15)
    """Posted later than this after its slot, a digest says it is late."""
    retry_first: timedelta = timedelta(minutes=1)
    retry_most: timedelta = timedelta(minutes=30)
    alert_after: int = 3
    """Failed attempts in a row after which the log calls it an error, not a warning."""

    def backoff(self, attempts: int) -> timedelta:
        """After the first failed attempt the next pass retries; after the n-th, 1, 2, 4 …
        minutes later, at most `retry_most`."""
        if attempts <= 1:
            return timedelta(0)
        delay: timedelta = self.retry_first * (2 ** (attempts - 2))
        return min(delay, self.retry_most)


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    subscription_id: int
    channel: str
    scope: str
    slot_at: datetime | None
    detail: str = ""
    message_ts: str | None = None


@dataclass
class PassReport:
    now: datetime
    holder: str
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, *kinds: OutcomeKind) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in kinds]

    @property
    def posted(self) -> list[Outcome]:
        return self.of("posted", "recovered")

    @property
    def failed(self) -> list[Outcome]:
        return self.of("failed")


def holder_name() -> str:
    """Who holds a claim: host, process and a per-pass token (two passes in one process
    are different holders)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DigestPass:
    """One pass over every subscription; construct per pass with the pass's clock."""

    def __init__(
        self,
        engine: Engine,
        poster: Poster,
        *,
        now: datetime,
        compose: Compose,
        record: Record | None = None,
        config: PassConfig | None = None,
        holder: str | None = None,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("a pass's clock must be timezone-aware")
        self.engine = engine
        self.poster = poster
        self.now = as_utc(now)
        self._started = time.monotonic()
        self.compose = compose
        self.record = record
        self.config = config or PassConfig()
        self.report = PassReport(now=self.now, holder=holder or holder_name())

    @property
    def holder(self) -> str:
        return self.report.holder

    def clock(self) -> datetime:
        """The pass's clock for leases: `now`, moving on as the pass runs, so a long pass
        never claims with a lease that has already run out in real time."""
        return self.now + timedelta(seconds=time.monotonic() - self._started)

    def run(self) -> PassReport:
        with session_scope(self.engine) as session:
            subscriptions = [
                (s.id, s.channel_id, scope_label(s))
                for s in q.digest_subscriptions(session, include_paused=False)
            ]
        for subscription_id, channel, scope in subscriptions:
            try:
                self._subscription(subscription_id)
            except Exception:  # one broken subscription never stops the others
                error_id = uuid.uuid4().hex[:8]
                log.exception("digest %s: unexpected error [%s]", subscription_id, error_id)
                self._add("failed", subscription_id, channel, scope, None, f"error {error_id}")
        return self.report

    # --- one subscription ---------------------------------------------------------------------

    def _subscription(self, subscription_id: int) -> None:
        with session_scope(self.engine) as session:
            sub = q.subscription(session, subscription_id)
            if sub is None or not sub.active or sub.paused_at is not None:
                return
            schedule = schedule_of(sub)
            channel, scope = sub.channel_id, scope_label(sub)
            start = since = active_since(sub)
            recorded = q.latest_slot_recorded(session, sub.id)
        if recorded is not None and since <= as_utc(recorded) <= self.now:
            # Slots before the newest recorded one were settled when it was recorded; the
            # newest itself may still be held or waiting for a retry.
            since = as_utc(recorded) - timedelta(microseconds=1)
        slots = schedule.between(since, self.now)
        if not slots:
            upcoming = schedule.next_after(max(self.now, start))
            due = describe_instant(upcoming, schedule.tz)
            self._add("not due", subscription_id, channel, scope, upcoming, f"next digest {due}")
            return
        *older, latest = slots
        for slot in older:
            self._miss(subscription_id, channel, scope, slot, schedule)
        if self.now - latest > self.config.grace:
            self._miss(subscription_id, channel, scope, latest, schedule)
            return
        claim = self._claim(subscription_id, latest, schedule)
        if isinstance(claim, str):
            self._add("skipped", subscription_id, channel, scope, latest, claim)
            return
        self._post(subscription_id, channel, scope, latest, schedule, claim)

    def _miss(
        self, subscription_id: int, channel: str, scope: str, slot: datetime, schedule: Schedule
    ) -> None:
        """Record an unposted slot past its grace window as missed (once)."""
        with session_scope(self.engine) as session:
            run = q.run_for(session, subscription_id, slot)
            if run is None:
                changed = q.insert_run(
                    session,
                    subscription_id=subscription_id,
                    slot_at=slot,
                    status=q.MISSED,
                    now=self.now,
                    error="not posted within its grace window",
                )
            elif run.status in q.FINAL:
                return
            elif run.status == q.CLAIMED and as_utc(run.lease_until or slot) > self.clock():
                return  # someone is posting it right now
            else:
                found = self._already_posted(run, channel, slot)
                if found is not None:
                    if q.mark_missed(session, run, now=self.now, posted_ts=found):
                        detail = "an earlier pass had posted it; recorded, not posted again"
                        self._add("recovered", subscription_id, channel, scope, slot, detail, found)
                    return
                changed = q.mark_missed(session, run, now=self.now)
        if changed:
            due = describe_instant(slot, schedule.tz)
            log.warning("digest %s for %s: missed the slot due %s", subscription_id, channel, due)
            self._add("missed", subscription_id, channel, scope, slot, f"was due {due}")

    def _already_posted(self, run: DigestRun, channel: str, slot: datetime) -> str | None:
        """A slot some pass attempted may be in the channel already (it died after posting)."""
        if run.attempts == 0:
            return None
        try:
            return self.poster.find_posted(channel, DigestKey(run.subscription_id, slot))
        except (PostFailed, ChannelUnavailable, ChannelRefused):
            return None

    def _claim(self, subscription_id: int, slot: datetime, schedule: Schedule) -> q.Claim | str:
        """This pass's claim on the slot, or why it is not this pass's to post."""
        late = self.now - slot > self.config.late_after
        lease_until = self.clock() + self.config.lease
        with session_scope(self.engine) as session:
            if q.insert_run(
                session,
                subscription_id=subscription_id,
                slot_at=slot,
                status=q.CLAIMED,
                now=self.now,
                holder=self.holder,
                lease_until=lease_until,
                late=late,
            ):
                run = q.run_for(session, subscription_id, slot)
                assert run is not None
                return q.Claim(run.id, run.attempts, took_over=False, late=late)
            run = q.run_for(session, subscription_id, slot)
            if run is None:  # pragma: no cover - the insert conflicted with this row
                return "another pass claimed it just now"
            skip = self._why_not(run, schedule)
            if skip is not None:
                return skip
            seen = run.attempts  # the UPDATE below refreshes `run` in the session
            if not q.take_over(
                session, run, holder=self.holder, lease_until=lease_until, now=self.now, late=late
            ):
                return "another pass claimed it just now"
            return q.Claim(run.id, seen + 1, took_over=True, late=late)

    def _why_not(self, run: DigestRun, schedule: Schedule) -> str | None:
        """Why a recorded slot is not this pass's to post, or None when it may take it over."""
        if run.status == q.POSTED:
            due = describe_instant(as_utc(run.slot_at), schedule.tz)
            return f"the digest due {due} is already posted"
        if run.status in (q.MISSED, q.ABANDONED):
            return f"already recorded as {run.status}"
        if run.status == q.CLAIMED and as_utc(run.lease_until or self.now) > self.clock():
            until = describe_instant(as_utc(run.lease_until or self.now), schedule.tz)
            return f"being posted by {run.holder} (its claim holds until {until})"
        if run.status == q.RETRY and run.next_attempt_at is not None:
            retry_at = as_utc(run.next_attempt_at)
            if retry_at > self.now:
                return (
                    f"waiting to retry after {describe_instant(retry_at, schedule.tz)} "
                    f"(attempt {run.attempts} failed: {run.error})"
                )
        return None

    def _post(
        self,
        subscription_id: int,
        channel: str,
        scope: str,
        slot: datetime,
        schedule: Schedule,
        claim: q.Claim,
    ) -> None:
        key = DigestKey(subscription_id, slot)
        try:
            if claim.took_over:
                found = self.poster.find_posted(channel, key)
                if found is not None:
                    self._finish_posted(claim, subscription_id, found, snapshot=None)
                    self._add(
                        "recovered",
                        subscription_id,
                        channel,
                        scope,
                        slot,
                        "an earlier pass had posted it; recorded, not posted again",
                        found,
                    )
                    return
            self.poster.check_channel(channel)
            with session_scope(self.engine) as session:
                sub = q.subscription(session, subscription_id)
                assert sub is not None
                previous = q.previous_snapshot(session, subscription_id, before=slot)
                composed = self.compose(session, sub, schedule.local_day(slot), previous)
            if claim.late:
                composed = composed.late(describe_instant(slot, schedule.tz))
            if not self._renew(claim):
                self._add(
                    "skipped",
                    subscription_id,
                    channel,
                    scope,
                    slot,
                    "its claim ran out and another pass took it over",
                )
                return
            ts = self.poster.post(channel, composed.message, key)
        except PostFailed as error:
            wait = timedelta(seconds=error.retry_after or 0)
            self._retry(claim, subscription_id, channel, scope, slot, schedule, str(error), wait)
            return
        except (ChannelUnavailable, ChannelRefused) as error:
            self._pause(claim, subscription_id, channel, scope, slot, str(error))
            return
        except ToolError as error:  # its scope no longer exists ("no tier called Bronze")
            self._pause(claim, subscription_id, channel, scope, slot, f"its scope: {error}")
            return
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("digest %s: could not be built [%s]", subscription_id, error_id)
            self._retry(
                claim, subscription_id, channel, scope, slot, schedule, f"internal error {error_id}"
            )
            return
        self._finish_posted(claim, subscription_id, ts, snapshot=composed.snapshot)
        if composed.chart is not None:
            try:
                self.poster.attach_chart(channel, ts, composed.chart)
            except Exception:  # the digest is posted; a missing picture is only logged
                log.exception("digest %s: chart upload failed", subscription_id)
        if self.record is not None:
            try:
                with session_scope(self.engine) as session:
                    sub = q.subscription(session, subscription_id)
                    assert sub is not None
                    self.record(session, sub, ts, composed, self.now)
            except Exception:  # the digest is posted; replies just start a fresh conversation
                log.exception("digest %s: could not keep its thread's context", subscription_id)
        due = describe_instant(slot, schedule.tz)
        detail = f"late: was due {due}" if claim.late else f"due {due}"
        log.info("digest %s posted to %s (%s)", subscription_id, channel, detail)
        self._add("posted", subscription_id, channel, scope, slot, detail, ts)

    def _renew(self, claim: q.Claim) -> bool:
        """Extend the lease just before posting; False when the claim is no longer ours."""
        with session_scope(self.engine) as session:
            return q.renew(session, claim, lease_until=self.clock() + self.config.lease)

    def _finish_posted(
        self, claim: q.Claim, subscription_id: int, ts: str, *, snapshot: dict[str, Any] | None
    ) -> None:
        with session_scope(self.engine) as session:
            finished = q.finish(
                session,
                claim,
                status=q.POSTED,
                now=self.now,
                posted_at=self.now,
                message_ts=ts,
                snapshot=snapshot,
                error=None,
            )
            if finished:
                q.record_success(session, subscription_id)
        if not finished:
            # Our lease ran out mid-post and another pass took over: it looks in the
            # channel first, finds this message and records it.
            log.warning(
                "digest %s: posted as %s after its claim was taken over", subscription_id, ts
            )

    def _retry(
        self,
        claim: q.Claim,
        subscription_id: int,
        channel: str,
        scope: str,
        slot: datetime,
        schedule: Schedule,
        error: str,
        wait: timedelta = timedelta(0),
    ) -> None:
        retry_at = self.now + max(self.config.backoff(claim.attempts), wait)
        with session_scope(self.engine) as session:
            q.finish(
                session,
                claim,
                status=q.RETRY,
                now=self.now,
                error=error,
                next_attempt_at=retry_at,
                holder=None,
            )
            failures = q.record_failure(session, subscription_id, error=error, at=self.now)
        level = logging.ERROR if failures >= self.config.alert_after else logging.WARNING
        log.log(
            level,
            "digest %s to %s failed (attempt %s, %s in a row): %s",
            subscription_id,
            channel,
            claim.attempts,
            failures,
            error,
        )
        detail = (
            f"{error} (attempt {claim.attempts}; next try after "
            f"{describe_instant(retry_at, schedule.tz)})"
        )
        self._add("failed", subscription_id, channel, scope, slot, detail)

    def _pause(
        self,
        claim: q.Claim,
        subscription_id: int,
        channel: str,
        scope: str,
        slot: datetime,
        reason: str,
    ) -> None:
        with session_scope(self.engine) as session:
            q.finish(session, claim, status=q.ABANDONED, now=self.now, error=reason, holder=None)
            first = q.pause(session, subscription_id, reason=reason, at=self.now)
        if first:
            log.error("digest %s to %s paused: %s", subscription_id, channel, reason)
            self._add("paused", subscription_id, channel, scope, slot, reason)

    def _add(
        self,
        kind: OutcomeKind,
        subscription_id: int,
        channel: str,
        scope: str,
        slot: datetime | None,
        detail: str,
        ts: str | None = None,
    ) -> None:
        self.report.outcomes.append(
            Outcome(kind, subscription_id, channel, scope, slot, detail, ts)
        )
