"""Whole-database housekeeping used by the CLI: emptiness checks and a full reset."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import Base, Partner


def partner_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Partner)) or 0)


def clear_all(session: Session) -> None:
    """Delete every row of every table (children first); the schema stays. Caller commits."""
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(delete(table))
