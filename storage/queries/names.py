"""The names a planner may recognise in text, read in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Application, Goal, Partner, PartnerTag


@dataclass(frozen=True)
class KnownNames:
    """Names a planner can recognise in text: partners, tiers, goals, applicants."""

    partners: tuple[str, ...]
    tiers: tuple[str, ...]
    goals: tuple[str, ...]
    applicants: tuple[str, ...]
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def known_names(session: Session) -> KnownNames:
    partners = tuple(session.scalars(select(Partner.name).order_by(Partner.name)))
    tiers = tuple(
        t for t in session.scalars(select(Partner.tier).distinct().order_by(Partner.tier)) if t
    )
    goals = tuple(session.scalars(select(Goal.name).order_by(Goal.name)))
    applicants = tuple(session.scalars(select(Application.name).order_by(Application.name)))
    owners = tuple(
        o for o in session.scalars(select(Partner.owner).distinct().order_by(Partner.owner)) if o
    )
    tags = tuple(session.scalars(select(PartnerTag.tag).distinct().order_by(PartnerTag.tag)))
    return KnownNames(partners, tiers, goals, applicants, owners, tags)
