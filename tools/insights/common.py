"""Pieces the insight modules share: the through-yesterday window, cut-offs that keep ties
and the active-partners default."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from storage.models import PartnerStatus
from tools.periods import DateRange
from tools.segment import Segment

HUNDRED = Decimal(100)


def through_yesterday(today: date, days: int, label: str) -> DateRange:
    """The `days` days ending yesterday: the last complete days of data."""
    return DateRange(start=today - timedelta(days=days), end=today - timedelta(days=1), label=label)


Ranked = TypeVar("Ranked", bound=tuple[Any, ...])


def with_ties(ordered: list[Ranked], n: int) -> list[Ranked]:
    """The first n of `ordered` (by their first item) plus any later entry tied with the n-th.

    The caller can then break ties by name after fetching names for just these few.
    """
    if len(ordered) <= n:
        return ordered
    cut = ordered[n - 1][0]
    return ordered[:n] + [c for c in ordered[n:] if c[0] == cut]


ACTIVE = PartnerStatus.ACTIVE.value


def active_by_default(segment: Segment) -> Segment:
    """The segment, limited to active partners unless it names partners or statuses itself.

    Going quiet or spiking is news about partners the program still runs; a churned partner
    that stopped converting is not.
    """
    if segment.partners or segment.statuses:
        return segment
    return segment.model_copy(update={"statuses": (ACTIVE,)})
