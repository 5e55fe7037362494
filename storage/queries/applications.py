"""Partner applications: the pending queue and its filters, lookups, and the decision claim.

The filter arguments of `pending_applications` and `count_pending` combine with AND across
dimensions and OR within one: types=("agency", "influencer"), countries=("PL",) means an
agency or influencer application from PL. An empty collection or None leaves a dimension
out. Countries compare case-insensitively; submitted dates are inclusive.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.orm import Session

from storage.models import Application, ApplicationStatus, Partner


def _pending_conditions(
    types: Collection[str],
    countries: Collection[str],
    submitted_from: date | None,
    submitted_to: date | None,
) -> list[ColumnElement[bool]]:
    conditions = [Application.status == ApplicationStatus.PENDING.value]
    if types:
        conditions.append(Application.type.in_(sorted(set(types))))
    if countries:
        codes = sorted({c.upper() for c in countries})
        conditions.append(func.upper(Application.country).in_(codes))
    if submitted_from is not None:
        conditions.append(Application.submitted_at >= submitted_from)
    if submitted_to is not None:
        conditions.append(Application.submitted_at <= submitted_to)
    return conditions


def pending_applications(
    session: Session,
    *,
    types: Collection[str] = (),
    countries: Collection[str] = (),
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    limit: int,
) -> list[Application]:
    """The first `limit` pending applications matching the filter, oldest submission first."""
    if limit <= 0:
        return []
    conditions = _pending_conditions(types, countries, submitted_from, submitted_to)
    stmt = (
        select(Application)
        .where(*conditions)
        .order_by(Application.submitted_at, Application.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def count_pending(
    session: Session,
    *,
    types: Collection[str] = (),
    countries: Collection[str] = (),
    submitted_from: date | None = None,
    submitted_to: date | None = None,
) -> int:
    """How many pending applications match the filter."""
    conditions = _pending_conditions(types, countries, submitted_from, submitted_to)
    stmt = select(func.count()).select_from(Application).where(*conditions)
    return int(session.execute(stmt).scalar_one())


def count_decided(
    session: Session,
    *,
    types: Collection[str] = (),
    countries: Collection[str] = (),
    submitted_from: date | None = None,
    submitted_to: date | None = None,
) -> int:
    """How many already decided (approved or rejected) applications match the same filter."""
    conditions = _pending_conditions(types, countries, submitted_from, submitted_to)[1:]
    stmt = (
        select(func.count())
        .select_from(Application)
        .where(Application.status != ApplicationStatus.PENDING.value, *conditions)
    )
    return int(session.execute(stmt).scalar_one())


def application_by_key(session: Session, key: str) -> Application | None:
    """The application with exactly this key, else the only one whose key matches ignoring case."""
    exact = session.scalar(select(Application).where(Application.application_key == key))
    if exact is not None:
        return exact
    folded = list(
        session.scalars(
            select(Application)
            .where(func.lower(Application.application_key) == key.lower())
            .limit(2)
        )
    )
    return folded[0] if len(folded) == 1 else None


def all_applications(session: Session) -> list[Application]:
    """Every application, in the order they were recorded (for name matching)."""
    return list(session.scalars(select(Application).order_by(Application.id)))


def claim_decision(
    session: Session,
    application_id: int,
    status: ApplicationStatus,
    actor: str,
    at: datetime,
    reason: str | None,
) -> bool:
    """Record a decision only if the application is still pending; False when it no longer is.

    One conditional UPDATE, so of two deciders racing on the same application exactly one
    changes the row and the other sees False. The session's loaded copy is not updated:
    refresh it afterwards.
    """
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(Application)
            .where(
                Application.id == application_id,
                Application.status == ApplicationStatus.PENDING.value,
            )
            .values(status=status.value, decided_by=actor, decided_at=at, decision_reason=reason)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def partner_key_of(session: Session, partner_id: int) -> str | None:
    """The partner_key of the partner with this id, None if it is gone."""
    return session.scalar(select(Partner.partner_key).where(Partner.id == partner_id))


def matching_partner(session: Session, *, email: str, website: str | None) -> Partner | None:
    """An existing partner that is this applicant: same contact email, else same website.

    Emails compare ignoring case and surrounding spaces; websites ignoring scheme, `www.`
    and a trailing slash. The earliest recorded partner wins a tie.
    """
    address = email.strip().lower()
    if address:
        by_email = session.scalar(
            select(Partner)
            .where(func.lower(Partner.contact_email) == address)
            .order_by(Partner.id)
            .limit(1)
        )
        if by_email is not None:
            return by_email
    site = _site(website)
    if site:
        with_site = select(Partner).where(Partner.website.is_not(None)).order_by(Partner.id)
        for partner in session.scalars(with_site):
            if _site(partner.website) == site:
                return partner
    return None


def _site(url: str | None) -> str:
    """A website reduced to host and path, so `https://www.x.com/` equals `x.com`."""
    if not url:
        return ""
    site = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower())
    site = site.removeprefix("www.")
    return site.rstrip("/")


def partner_keys_starting_with(session: Session, prefix: str) -> set[str]:
    """Every partner_key that begins with `prefix` (taken literally, no wildcards)."""
    stmt = select(Partner.partner_key).where(
        Partner.partner_key.startswith(prefix, autoescape=True)
    )
    return set(session.scalars(stmt))


def application_messages(session: Session, keys: Collection[str]) -> dict[str, str]:
    """The applicants' own messages (untrusted text) for these application keys."""
    if not keys:
        return {}
    rows = session.execute(
        select(Application.application_key, Application.message).where(
            Application.application_key.in_(sorted(set(keys))), Application.message.is_not(None)
        )
    )
    return {key: message for key, message in rows if message}
