"""Digest subscriptions and digest runs: the claim that makes a weekly digest exactly-once.

A run row per (subscription, slot) is unique, so whoever inserts it first holds the slot.
Every claim (the first, or taking over an expired lease or a failed attempt) adds one to
`attempts` in a single conditional UPDATE that names the attempts it saw, so two passes
racing to take over the same row cannot both win: the second matches no row. A holder
finishes (posted, retry, abandoned) only while `attempts` is still its own, so a pass
whose lease was taken over cannot overwrite its successor.

Instants are stored in UTC; SQLite hands them back naive, so callers compare through
`as_utc`. Writes flush; the caller's unit of work commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import AuditEntry, DigestRun, DigestSubscription

CLAIMED = "claimed"
RETRY = "retry"
POSTED = "posted"
MISSED = "missed"
ABANDONED = "abandoned"
FINAL = (POSTED, MISSED, ABANDONED)


@dataclass(frozen=True)
class Claim:
    """A slot this pass holds: finish it with the same `attempts`."""

    run_id: int
    attempts: int
    took_over: bool
    """The slot had been claimed before (a pass died or an attempt failed): it may already
    be in the channel, so look before posting."""
    late: bool = False
    """Posted well after its slot: the digest says so."""


# --- subscriptions ----------------------------------------------------------------------------


def digest_subscriptions(
    session: Session, *, channel: str | None = None, include_paused: bool = True
) -> list[DigestSubscription]:
    """Active subscriptions (of one channel, or all), by channel then id."""
    query = select(DigestSubscription).where(DigestSubscription.active.is_(True))
    if channel is not None:
        query = query.where(DigestSubscription.channel_id == channel)
    if not include_paused:
        query = query.where(DigestSubscription.paused_at.is_(None))
    return list(
        session.scalars(query.order_by(DigestSubscription.channel_id, DigestSubscription.id))
    )


def subscription(session: Session, subscription_id: int) -> DigestSubscription | None:
    return session.get(DigestSubscription, subscription_id)


def find_subscription(
    session: Session, *, channel: str, scope: str, value: str
) -> DigestSubscription | None:
    """The channel's subscription to this scope, active or not."""
    return session.scalars(
        select(DigestSubscription).where(
            DigestSubscription.channel_id == channel,
            DigestSubscription.scope == scope,
            DigestSubscription.scope_value == value,
        )
    ).one_or_none()


def add_subscription(session: Session, row: DigestSubscription) -> DigestSubscription:
    session.add(row)
    session.flush()
    return row


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subscription: DigestSubscription,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str,
    channel: str | None,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            entity_type="digest_subscription",
            entity_key=str(subscription.id),
            before=before,
            after=after,
            source=source,
            channel=channel,
        )
    )
    session.flush()


def record_failure(session: Session, subscription_id: int, *, error: str, at: datetime) -> int:
    """Count one more failed attempt in a row; returns the count."""
    row = session.get(DigestSubscription, subscription_id, populate_existing=True)
    if row is None:
        return 0
    row.failures = (row.failures or 0) + 1
    row.last_error, row.last_error_at = error, at
    session.flush()
    return row.failures


def record_success(session: Session, subscription_id: int) -> None:
    session.execute(
        update(DigestSubscription)
        .where(DigestSubscription.id == subscription_id)
        .values(failures=0, last_error=None, last_error_at=None)
    )


def pause(session: Session, subscription_id: int, *, reason: str, at: datetime) -> bool:
    """Pause an unpaused subscription; False when it was paused already (report once)."""
    result = session.execute(
        update(DigestSubscription)
        .where(DigestSubscription.id == subscription_id, DigestSubscription.paused_at.is_(None))
        .values(paused_at=at, paused_reason=reason, last_error=reason, last_error_at=at)
    )
    return _changed(result)


# --- runs -------------------------------------------------------------------------------------


def run_for(session: Session, subscription_id: int, slot_at: datetime) -> DigestRun | None:
    return session.scalars(
        select(DigestRun)
        .where(DigestRun.subscription_id == subscription_id, DigestRun.slot_at == slot_at)
        .execution_options(populate_existing=True)
    ).one_or_none()


def latest_runs(session: Session, subscription_ids: list[int]) -> dict[int, DigestRun]:
    """Each subscription's most recent run (by slot)."""
    if not subscription_ids:
        return {}
    newest = (
        select(DigestRun.subscription_id, func.max(DigestRun.slot_at).label("slot_at"))
        .where(DigestRun.subscription_id.in_(subscription_ids))
        .group_by(DigestRun.subscription_id)
        .subquery()
    )
    rows = session.scalars(
        select(DigestRun).join(
            newest,
            (DigestRun.subscription_id == newest.c.subscription_id)
            & (DigestRun.slot_at == newest.c.slot_at),
        )
    )
    return {row.subscription_id: row for row in rows}


def latest_slot_recorded(session: Session, subscription_id: int) -> datetime | None:
    return session.scalar(
        select(func.max(DigestRun.slot_at)).where(DigestRun.subscription_id == subscription_id)
    )


def previous_snapshot(
    session: Session, subscription_id: int, *, before: datetime
) -> dict[str, Any] | None:
    """What the last digest posted before `before` said (for "what changed")."""
    return session.scalar(
        select(DigestRun.snapshot)
        .where(
            DigestRun.subscription_id == subscription_id,
            DigestRun.status == POSTED,
            DigestRun.slot_at < before,
            DigestRun.snapshot.is_not(None),
        )
        .order_by(DigestRun.slot_at.desc())
        .limit(1)
    )


def insert_run(
    session: Session,
    *,
    subscription_id: int,
    slot_at: datetime,
    status: str,
    now: datetime,
    holder: str | None = None,
    lease_until: datetime | None = None,
    late: bool = False,
    error: str | None = None,
) -> bool:
    """INSERT the slot's row unless it exists; True when this call inserted it."""
    values = {
        "subscription_id": subscription_id,
        "slot_at": slot_at,
        "status": status,
        "holder": holder,
        "lease_until": lease_until,
        "attempts": 1 if status == CLAIMED else 0,
        "late": late,
        "error": error,
        "created_at": now,
        "updated_at": now,
    }
    inserted = session.execute(_insert_ignoring_conflict(session, values).returning(DigestRun.id))
    return inserted.first() is not None


def take_over(
    session: Session,
    run: DigestRun,
    *,
    holder: str,
    lease_until: datetime,
    now: datetime,
    late: bool,
) -> bool:
    """Claim a row that was claimed before, if it is still as `run` shows it (`run` is
    refreshed by the UPDATE, so read what it showed before calling)."""
    result = session.execute(
        update(DigestRun)
        .where(
            DigestRun.id == run.id,
            DigestRun.status == run.status,
            DigestRun.attempts == run.attempts,
        )
        .values(
            status=CLAIMED,
            holder=holder,
            lease_until=lease_until,
            attempts=run.attempts + 1,
            next_attempt_at=None,
            late=late,
            updated_at=now,
        )
    )
    return _changed(result)


def finish(session: Session, claim: Claim, *, status: str, now: datetime, **values: Any) -> bool:
    """Move a held claim to `status` with `values`; False when the claim was taken over."""
    result = session.execute(
        update(DigestRun)
        .where(
            DigestRun.id == claim.run_id,
            DigestRun.status == CLAIMED,
            DigestRun.attempts == claim.attempts,
        )
        .values(status=status, lease_until=None, updated_at=now, **values)
    )
    return _changed(result)


def renew(session: Session, claim: Claim, *, lease_until: datetime) -> bool:
    """Extend a held claim's lease; False when it was taken over meanwhile."""
    result = session.execute(
        update(DigestRun)
        .where(
            DigestRun.id == claim.run_id,
            DigestRun.status == CLAIMED,
            DigestRun.attempts == claim.attempts,
        )
        .values(lease_until=lease_until)
    )
    return _changed(result)


def mark_missed(
    session: Session, run: DigestRun, *, now: datetime, posted_ts: str | None = None
) -> bool:
    """A claim or retry whose grace window has passed: missed, keeping its last error; or
    posted, when its message was found in the channel (`posted_ts`)."""
    values: dict[str, Any] = {"status": MISSED}
    if posted_ts is not None:
        values = {"status": POSTED, "message_ts": posted_ts, "posted_at": now}
    result = session.execute(
        update(DigestRun)
        .where(
            DigestRun.id == run.id,
            DigestRun.status == run.status,
            DigestRun.attempts == run.attempts,
        )
        .values(lease_until=None, next_attempt_at=None, updated_at=now, **values)
    )
    return _changed(result)


def abandon_open_runs(session: Session, subscription_id: int, *, now: datetime) -> None:
    """A paused or removed subscription's unfinished slots will not be posted."""
    session.execute(
        update(DigestRun)
        .where(DigestRun.subscription_id == subscription_id, DigestRun.status == RETRY)
        .values(status=ABANDONED, next_attempt_at=None, updated_at=now)
    )


def _insert_ignoring_conflict(
    session: Session, values: dict[str, Any]
) -> postgresql.Insert | sqlite.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(DigestRun).values(**values).on_conflict_do_nothing()
    return sqlite.insert(DigestRun).values(**values).on_conflict_do_nothing()


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))
