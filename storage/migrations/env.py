"""Alembic environment: the engine comes from `storage.migrate`, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.models import Base

engine: Engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
