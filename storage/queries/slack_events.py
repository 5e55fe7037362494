"""Events API deliveries taken: one row per event id, so a delivery is processed once.

Slack redelivers an event it did not see acknowledged in time (`X-Slack-Retry-Num`), and
behind a load balancer two instances can receive the same event. Whoever inserts the id
first processes it; everyone else sees False. Old ids are pruned: Slack retries within
minutes, so a day is ample.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import SlackEvent

KEEP_EVENTS_FOR = timedelta(days=1)


def take_event(session: Session, event_id: str, *, at: datetime, taken_by: str) -> bool:
    """Record `event_id` as taken; False when someone already took it. Commits: the claim
    must be visible to every other instance before the event is processed."""
    session.add(SlackEvent(event_id=event_id, received_at=at, taken_by=taken_by))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def prune_events(session: Session, *, before: datetime) -> int:
    """Forget ids received before `before`; returns how many were removed."""
    result = session.execute(delete(SlackEvent).where(SlackEvent.received_at < before))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
