"""The program's domain as SQLAlchemy 2.x typed models; the schema itself is owned by Alembic."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MONEY = Numeric(16, 2)
"""Money columns: exact decimals; rounding happens only when rendering."""

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PartnerType(enum.StrEnum):
    AFFILIATE = "affiliate"
    INFLUENCER = "influencer"
    B2B_BRAND = "b2b_brand"
    CHANNEL = "channel"
    AGENCY = "agency"
    REFERRAL = "referral"
    CONTENT = "content"


class PartnerStatus(enum.StrEnum):
    PROSPECT = "prospect"
    APPLIED = "applied"
    APPROVED = "approved"
    ACTIVE = "active"
    PAUSED = "paused"
    REJECTED = "rejected"
    CHURNED = "churned"


class CommissionModel(enum.StrEnum):
    CPA = "cpa"
    REVSHARE = "revshare"
    CPI = "cpi"
    FLAT = "flat"
    HYBRID = "hybrid"


class GoalScope(enum.StrEnum):
    PROGRAM = "program"
    TIER = "tier"
    PARTNER = "partner"


class GoalMetric(enum.StrEnum):
    REVENUE = "revenue"
    CONVERSIONS = "conversions"
    LEADS = "leads"
    CLICKS = "clicks"
    PAYOUT = "payout"
    ACTIVE_PARTNERS = "active_partners"


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    tier: Mapped[str | None] = mapped_column(String(50), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    owner: Mapped[str | None] = mapped_column(String(200))
    exec_sponsor: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(500))
    joined_on: Mapped[date | None] = mapped_column(Date)
    commission_model: Mapped[str | None] = mapped_column(String(20))
    commission_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    audience_overlap_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    tags: Mapped[list[PartnerTag]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def tag_names(self) -> list[str]:
        return sorted(t.tag for t in self.tags)


class PartnerTag(Base):
    """One label on a partner; a table (not a delimited string) so tag filters use an index."""

    __tablename__ = "partner_tags"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    partner: Mapped[Partner] = relationship(back_populates="tags")


PERFORMANCE_SUMS = ("clicks", "leads", "conversions", "revenue", "payout", "reversals")
"""Carried in the performance tables' primary keys on PostgreSQL (INCLUDE, migration 0003)
so per-period sums are index-only scans; SQLite stores these tables in key order anyway."""


class DailyPerformance(Base):
    """One row per partner per day; the grain every metric is summed from.

    Keyed (day, partner_id) and, on SQLite, stored WITHOUT ROWID so a period's rows sit
    together on disk; per-partner reads use the (partner_id, day) index.
    """

    __tablename__ = "performance_daily"
    __table_args__ = (
        PrimaryKeyConstraint("day", "partner_id", postgresql_include=PERFORMANCE_SUMS),
        Index("ix_performance_daily_partner_day", "partner_id", "day"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    leads: Mapped[int] = mapped_column(BigInteger, default=0)
    conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    payout: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    reversals: Mapped[int] = mapped_column(BigInteger, default=0)


class _Rollup:
    """Sums of performance_daily per partner per bucket (month or ISO week), kept exact by
    database triggers (migration 0002) in the same statement as any insert, update or delete
    of a daily row, whatever wrote it. `storage.queries` reads whole months and weeks from
    the rollups and only the few days at a period's edges from the daily table.
    """

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    leads: Mapped[int] = mapped_column(BigInteger, default=0)
    conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    payout: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    reversals: Mapped[int] = mapped_column(BigInteger, default=0)


class MonthlyPerformance(_Rollup, Base):
    __tablename__ = "performance_monthly"
    __table_args__ = (
        PrimaryKeyConstraint("month", "partner_id", postgresql_include=PERFORMANCE_SUMS),
        Index("ix_performance_monthly_partner_month", "partner_id", "month"),
        {"sqlite_with_rowid": False},
    )

    month: Mapped[date] = mapped_column(Date, primary_key=True)


class WeeklyPerformance(_Rollup, Base):
    """Keyed by the ISO week's Monday."""

    __tablename__ = "performance_weekly"
    __table_args__ = (
        PrimaryKeyConstraint("week", "partner_id", postgresql_include=PERFORMANCE_SUMS),
        Index("ix_performance_weekly_partner_week", "partner_id", "week"),
        {"sqlite_with_rowid": False},
    )

    week: Mapped[date] = mapped_column(Date, primary_key=True)


class Goal(Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str | None] = mapped_column(String(50))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(30))
    target: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    partner: Mapped[Partner | None] = relationship(lazy="joined")
    checkpoints: Mapped[list[GoalCheckpoint]] = relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        order_by="GoalCheckpoint.due_on",
        lazy="selectin",
    )


class GoalCheckpoint(Base):
    __tablename__ = "goal_checkpoints"

    goal_id: Mapped[int] = mapped_column(
        ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True
    )
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    fraction: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    goal: Mapped[Goal] = relationship(back_populates="checkpoints")


class Application(Base):
    """An inbound partner application. `message` is the applicant's untrusted free text."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    type: Mapped[str] = mapped_column(String(20))
    company: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2))
    audience_size: Mapped[int | None] = mapped_column(BigInteger)
    message: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.PENDING, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))


class AuditEntry(Base):
    """Every write: who did what to which record, when, why, and the before/after state."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(30))
    """Where the write came from: "cli", "slack_command", "slack_button", "slack_modal", …"""
    channel: Mapped[str | None] = mapped_column(String(50))
    """The Slack channel it was made in, when it came from Slack."""


class DigestSubscription(Base):
    """A channel subscribed to the weekly goal-checkpoint digest for a scope.

    `scope` is the kind ("program", "tier", "type", "owner") and `scope_value` its value;
    the slot is `weekday` (0 = Monday) at `hour`:`minute` in `timezone`. A subscription is
    paused (not retried) when its channel is gone or may not receive program data, and
    carries its latest failure so `digest list` can show it.
    """

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("channel_id", "scope", "scope_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(50))
    scope: Mapped[str] = mapped_column(String(20), default=GoalScope.PROGRAM)
    scope_value: Mapped[str] = mapped_column(String(200), default="")
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday
    hour: Mapped[int] = mapped_column(Integer, default=9)
    minute: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When its current schedule began (subscribed, resubscribed or rescheduled): slots
    before it are not its to post or to count as missed. None reads as `created_at`."""
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_reason: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Failed attempts in a row; reset by a successful post."""
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DigestRun(Base):
    """One (subscription, slot): the unique key makes each digest exactly-once.

    status: "claimed" (held by `holder` until `lease_until`), "retry" (an attempt failed;
    the next is due at `next_attempt_at`), "posted", "missed" (its grace window passed
    unposted) or "abandoned" (its subscription was paused).
    """

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("subscription_id", "slot_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("digest_subscriptions.id", ondelete="CASCADE")
    )
    slot_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """The instant the digest was due (UTC)."""
    status: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_ts: Mapped[str | None] = mapped_column(String(50))
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """What the posted digest said (goal statuses), for the next one's "what changed"."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SlackEvent(Base):
    """An Events API delivery already taken: Slack retries and the same event reaching two
    instances are processed once because the second insert of its id fails."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    taken_by: Mapped[str] = mapped_column(String(100))


class ConversationThread(Base):
    """A conversation (Slack thread or CLI chat) and the slots its last turn used."""

    __tablename__ = "conversation_threads"
    __table_args__ = (UniqueConstraint("channel_id", "thread_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(50))
    thread_ts: Mapped[str] = mapped_column(String(50))
    user_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
