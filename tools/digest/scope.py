"""Which partners a digest covers: the whole program, a tier, a partner type or an owner's book.

A subscription stores its scope as a kind and a value; `DigestScope.parse` reads what a
person types ("tier:Gold", "owner:<@U123>"), and `resolve_scope` checks it against the
database with the same resolver every tool uses, so "gold" is stored as "Gold" and an
unknown tier is refused with the known ones listed.
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast, get_args

from pydantic import BaseModel
from sqlalchemy.orm import Session

from tools.partners import TYPE_LABELS
from tools.segment import Segment, SegmentArgs, resolve_segment

ScopeKind = Literal["program", "tier", "type", "owner"]
KINDS: tuple[ScopeKind, ...] = get_args(ScopeKind)

FORMS = "program, tier:NAME (tier:Gold), type:TYPE (type:affiliate) or owner:WHO (owner:U123ABC)"
"""The scope forms, for error messages and help."""

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
"""A Slack user mention as a slash command carries it: <@U123> or <@U123|maya>."""


class DigestScope(BaseModel, frozen=True):
    kind: ScopeKind = "program"
    value: str = ""
    """"" for the program; a tier as stored ("Gold"), a partner type value ("affiliate"),
    or an owner as stored (an email, or a Slack user id "U123ABC")."""

    @classmethod
    def parse(cls, text: str | None) -> DigestScope:
        """'program' (or nothing), or KIND:VALUE; ValueError naming the forms otherwise."""
        words = (text or "").strip()
        if words.casefold() in ("", "program", "all"):
            return cls()
        kind, colon, value = words.partition(":")
        kind, value = kind.strip().casefold(), value.strip()
        if not colon or kind not in KINDS or kind == "program":
            raise ValueError(f"I can't read the scope “{words}”: use {FORMS}.")
        if not value:
            raise ValueError(f"The scope “{words}” names no {kind}: use {FORMS}.")
        if kind == "owner":
            mention = _MENTION.match(value)
            value = mention.group(1) if mention else value.lstrip("@")
        return cls(kind=cast(ScopeKind, kind), value=value)

    def __str__(self) -> str:
        return "program" if self.kind == "program" else f"{self.kind}:{self.value}"

    def describe(self) -> str:
        """How a digest names what it covers: 'the whole program', 'Gold tier'."""
        if self.kind == "tier":
            return f"{self.value} tier"
        if self.kind == "type":
            return f"{TYPE_LABELS.get(self.value, self.value)} partners"
        if self.kind == "owner":
            return f"partners owned by {self.value}"
        return "the whole program"

    def segment_arguments(self) -> dict[str, Any]:
        """The scope as segment arguments of any analytical tool ({'tiers': ['Gold']})."""
        field = {"tier": "tiers", "type": "types", "owner": "owners"}.get(self.kind)
        return {field: [self.value]} if field else {}


def scope_segment(session: Session, scope: DigestScope) -> Segment:
    """The Segment the digest covers, resolved as every tool resolves partner words."""
    return resolve_segment(session, SegmentArgs(**scope.segment_arguments())).segment


def resolve_scope(session: Session, scope: DigestScope) -> DigestScope:
    """`scope` spelled as the database stores it ('gold' → 'Gold'); NotFound, listing what
    exists, when there is no such tier, type or owner."""
    segment = scope_segment(session, scope)
    values = {"tier": segment.tiers, "type": segment.types, "owner": segment.owners}
    if scope.kind == "program":
        return DigestScope()
    (value,) = values[scope.kind]
    return DigestScope(kind=scope.kind, value=value)
