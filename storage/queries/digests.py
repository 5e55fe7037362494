"""Digest subscriptions, read: which channels get the weekly goal digest."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import DigestSubscription


def digest_subscriptions(
    session: Session, *, channel: str | None = None
) -> list[DigestSubscription]:
    """Active subscriptions (of one channel, or all), by channel then id."""
    query = select(DigestSubscription).where(DigestSubscription.active.is_(True))
    if channel is not None:
        query = query.where(DigestSubscription.channel_id == channel)
    return list(
        session.scalars(query.order_by(DigestSubscription.channel_id, DigestSubscription.id))
    )
