"""What every edge needs before it can answer: settings, a session, and a ToolContext.

The CLI, the Slack app and the scheduler all start a request here, so "today", "now", the
acting user and the program's currency are resolved once, the same way, at the edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from bot.assistant.answer import ModelAnswerer
    from bot.settings import Settings
    from tools.context import ToolContext


class RuntimeSetupError(Exception):
    """Configuration or database trouble the person starting partnerops can fix."""


def load_settings() -> Settings:
    """Settings from the environment and `.env`; a bad value becomes a readable error."""
    from pydantic import ValidationError

    from bot.settings import get_settings

    try:
        return get_settings()
    except (ValidationError, ValueError) as error:
        raise RuntimeSetupError(f"configuration error: {error}") from None


def open_engine(settings: Settings, *, migrate: bool = True, notify: bool = True) -> Engine:
    """The configured database, its schema upgraded first when it is behind."""
    import sys

    from sqlalchemy.exc import OperationalError

    from storage import migrate as migrations
    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    if migrate:
        try:
            if migrations.is_behind(engine):
                if notify:
                    print("Upgrading the database schema…", file=sys.stderr)
                migrations.upgrade(engine)
        except OperationalError as error:
            raise RuntimeSetupError(
                f"cannot open the database at DATABASE_URL: {error.orig}"
            ) from None
    return engine


@contextmanager
def session_for(settings: Settings) -> Iterator[Session]:
    """One unit of work on the configured database: committed on success."""
    from storage.db import session_scope

    engine = open_engine(settings)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def build_context(
    settings: Settings,
    *,
    user: str | None = None,
    user_name: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
    user_groups: frozenset[str] = frozenset(),
) -> ToolContext:
    """The request's context. `today` defaults to `now`'s date in the program timezone;
    `now` defaults to the wall clock, or to noon of an injected `today`."""
    from tools.context import ToolContext

    tz = settings.tz
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    if today is None:
        now = now or datetime.now(tz)
        today = now.astimezone(tz).date()
    return ToolContext(
        today=today,
        now=now,
        tz=tz,
        currency=settings.currency,
        user=user,
        user_name=user_name or settings.sender_name,
        approvers=settings.approvers,
        user_groups=user_groups,
    )


def model_planner(settings: Settings, *, offline: bool = False) -> ModelAnswerer | None:
    """The LLM planner when a model is configured (OPENAI_API_KEY or OPENAI_BASE_URL) and not
    turned off; None means the offline router plans."""
    if offline or not settings.llm_configured:
        return None
    from bot.assistant.llm.planner import planner_for

    return planner_for(settings)


def configure_logging(level: str | None = None) -> None:
    """One log format for every edge; PARTNEROPS_LOG_LEVEL overrides `level`. HTTP client
    chatter stays at WARNING: a request's own log line carries what matters."""
    import logging
    import os

    chosen = (os.environ.get("PARTNEROPS_LOG_LEVEL") or level or "WARNING").upper()
    logging.basicConfig(
        level=getattr(logging, chosen, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpx2", "httpcore", "openai", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
