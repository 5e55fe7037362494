"""Subscribing a channel to the weekly digest, unsubscribing, and listing: one set of rules
for the CLI and `/partners digest`, every change audited.

A channel has one subscription per scope: subscribing again to the same scope moves it to
the new day and time (and lifts a pause) instead of adding a second digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.digests.slots import Schedule, as_utc, describe_instant, parse_timezone
from storage.models import DigestRun, DigestSubscription
from storage.queries import digests as q
from tools.digest.scope import DigestScope, resolve_scope
from tools.errors import NotFound

Change = Literal["subscribed", "rescheduled", "resumed", "unchanged"]


@dataclass(frozen=True)
class Subscribed:
    subscription: DigestSubscription
    change: Change


@dataclass(frozen=True)
class Status:
    """How a subscription is doing, for `digest list` and the Home tab."""

    subscription: DigestSubscription
    state: str
    """"active", "paused: …" or "failing: …"."""
    last: str | None
    """The latest recorded slot and what became of it."""
    next_due: datetime | None


def schedule_of(sub: DigestSubscription) -> Schedule:
    return Schedule(sub.weekday, sub.hour, sub.minute or 0, parse_timezone(sub.timezone))


def scope_of(sub: DigestSubscription) -> DigestScope:
    return DigestScope(kind=sub.scope, value=sub.scope_value or "")


def scope_label(sub: DigestSubscription) -> str:
    return str(scope_of(sub))


def active_since(sub: DigestSubscription) -> datetime:
    return as_utc(sub.active_since or sub.created_at)


def subscribe(
    session: Session,
    *,
    channel: str,
    schedule: Schedule,
    scope: DigestScope,
    actor: str,
    source: str,
    now: datetime,
    where: str | None = None,
    keep_timezone: bool = False,
) -> Subscribed:
    """Subscribe `channel` (or reschedule its subscription to `scope`). `where` is the
    channel the request was made in, for the audit. `keep_timezone`: the timezone was not
    given, so a rescheduled subscription keeps its own."""
    now = as_utc(now)
    scope = resolve_scope(session, scope)
    existing = q.find_subscription(session, channel=channel, scope=scope.kind, value=scope.value)
    if keep_timezone and existing is not None:
        schedule = Schedule(
            schedule.weekday, schedule.hour, schedule.minute, parse_timezone(existing.timezone)
        )
    wanted = {
        "weekday": schedule.weekday,
        "hour": schedule.hour,
        "minute": schedule.minute,
        "timezone": schedule.tz.key,
    }
    row = q.find_subscription(session, channel=channel, scope=scope.kind, value=scope.value)
    if row is None:
        row = q.add_subscription(
            session,
            DigestSubscription(
                channel_id=channel,
                scope=scope.kind,
                scope_value=scope.value,
                active=True,
                created_by=actor,
                created_at=now,
                active_since=now,
                failures=0,
                **wanted,
            ),
        )
        _audit(session, row, "subscribe_digest", None, now, actor, source, where)
        return Subscribed(row, "subscribed")
    before = _state(row)
    if (
        row.active
        and row.paused_at is None
        and all(getattr(row, k) == v for k, v in wanted.items())
    ):
        return Subscribed(row, "unchanged")
    change: Change = "rescheduled" if row.active and row.paused_at is None else "resumed"
    if not row.active:
        change = "subscribed"
    for key, value in wanted.items():
        setattr(row, key, value)
    q.abandon_open_runs(session, row.id, now=now)  # the old schedule's retries end here
    row.active, row.active_since = True, now
    row.paused_at = row.paused_reason = None
    row.failures, row.last_error, row.last_error_at = 0, None, None
    session.flush()
    _audit(session, row, "subscribe_digest", before, now, actor, source, where)
    return Subscribed(row, change)


def unsubscribe(
    session: Session,
    subscription_id: int,
    *,
    actor: str,
    source: str,
    now: datetime,
    channel: str | None = None,
) -> DigestSubscription:
    """Stop a subscription (kept, inactive, with its history). From Slack, `channel`
    limits it to that channel's subscriptions."""
    now = as_utc(now)
    row = q.subscription(session, subscription_id)
    if row is None or not row.active or (channel is not None and row.channel_id != channel):
        where = " in this channel" if channel else ""
        raise NotFound(f"There is no digest subscription {subscription_id}{where}.")
    before = _state(row)
    row.active = False
    session.flush()
    q.abandon_open_runs(session, row.id, now=now)
    _audit(session, row, "unsubscribe_digest", before, now, actor, source, channel)
    return row


def statuses(session: Session, *, now: datetime, channel: str | None = None) -> list[Status]:
    rows = q.digest_subscriptions(session, channel=channel)
    latest = q.latest_runs(session, [r.id for r in rows])
    return [_status(row, latest.get(row.id), now) for row in rows]


def _status(row: DigestSubscription, run: DigestRun | None, now: datetime) -> Status:
    schedule = schedule_of(row)
    if row.paused_at is not None:
        state = f"paused: {row.paused_reason or 'paused'}"
        next_due = None
    else:
        state = "active"
        if row.failures:
            state = f"failing: {row.failures} failed attempt(s) in a row, last: {row.last_error}"
        next_due = schedule.next_after(max(as_utc(now), active_since(row)))
        if run is not None and run.status in ("claimed", "retry"):
            next_due = as_utc(run.slot_at)  # due and not posted yet: still the next one
    last = None
    if run is not None:
        due = describe_instant(as_utc(run.slot_at), schedule.tz)
        last = f"{due}: {run.status}" + (" (late)" if run.late and run.status == "posted" else "")
        if run.status == "retry" and run.error:
            last += f" — {run.error}"
    return Status(row, state, last, next_due)


def describe(row: DigestSubscription) -> str:
    """'#C123 · Gold tier · Mondays 09:00 Europe/Warsaw'."""
    return f"{row.channel_id} · {scope_of(row).describe()} · {schedule_of(row).describe()}"


def _state(row: DigestSubscription) -> dict[str, Any]:
    return {
        "channel": row.channel_id,
        "scope": str(scope_of(row)),
        "weekday": row.weekday,
        "hour": row.hour,
        "minute": row.minute,
        "timezone": row.timezone,
        "active": row.active,
        "paused": row.paused_reason,
    }


def _audit(
    session: Session,
    row: DigestSubscription,
    action: str,
    before: dict[str, Any] | None,
    now: datetime,
    actor: str,
    source: str,
    where: str | None,
) -> None:
    q.audit(
        session,
        at=now,
        actor=actor,
        action=action,
        subscription=row,
        before=before,
        after=_state(row),
        source=source,
        channel=where,
    )
