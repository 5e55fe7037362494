"""Conversation rows: one per (channel, thread), read plainly or locked for an append.

Several bot instances may append to one conversation at once, so an append never reads
then inserts: it inserts the row if missing (tolerating the unique key), then re-reads it
under a row lock and changes it in place. On PostgreSQL the lock is `SELECT … FOR UPDATE`;
SQLite has no row locks, but its INSERT has already taken the database's write lock, which
serialises writers the same way until the transaction ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Executable, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ConversationThread


def conversation_row(session: Session, *, channel: str, thread: str) -> ConversationThread | None:
    """The stored conversation, or None when nothing was recorded in it yet."""
    stmt = select(ConversationThread).where(
        ConversationThread.channel_id == channel, ConversationThread.thread_ts == thread
    )
    return session.scalars(stmt).one_or_none()


def lock_conversation(
    session: Session, *, channel: str, thread: str, user: str, at: datetime
) -> ConversationThread:
    """The conversation's row, created empty if missing, locked until the transaction ends.

    Change the returned row and flush; a concurrent appender waits for this commit and then
    sees the change, so no turn is lost and neither fails on the unique key. The row is
    re-read even if the session already holds it, so the caller never extends a stale copy.
    """
    _insert_missing(session, channel=channel, thread=thread, user=user, at=at)
    stmt = (
        select(ConversationThread)
        .where(ConversationThread.channel_id == channel, ConversationThread.thread_ts == thread)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(stmt).one()


def _insert_missing(
    session: Session, *, channel: str, thread: str, user: str, at: datetime
) -> None:
    """INSERT … ON CONFLICT DO NOTHING; every column given, so no default reads the clock."""
    row = {
        "channel_id": channel,
        "thread_ts": thread,
        "user_id": user,
        "state": {},
        "history": [],
        "created_at": at,
        "updated_at": at,
    }
    key = ["channel_id", "thread_ts"]
    stmt: Executable
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = (
            postgresql.insert(ConversationThread)
            .values(row)
            .on_conflict_do_nothing(index_elements=key)
        )
    elif dialect == "sqlite":
        stmt = (
            sqlite.insert(ConversationThread).values(row).on_conflict_do_nothing(index_elements=key)
        )
    else:
        raise NotImplementedError(f"conversations are kept on PostgreSQL or SQLite, not {dialect}")
    session.execute(stmt)
