"""What an answer covers: the whole program, a tier, a partner type, or one partner."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Scope(BaseModel):
    kind: Literal["program", "tier", "type", "partner"] = "program"
    value: str | None = None
    """Tier name, partner type, or partner_key; None for the program."""
    label: str = "whole program"

    @classmethod
    def program(cls) -> Scope:
        return cls()

    @classmethod
    def tier(cls, tier: str) -> Scope:
        return cls(kind="tier", value=tier, label=f"{tier} tier")

    @classmethod
    def partner_type(cls, partner_type: str) -> Scope:
        return cls(kind="type", value=partner_type, label=f"{partner_type} partners")

    @classmethod
    def partner(cls, partner_key: str, name: str) -> Scope:
        return cls(kind="partner", value=partner_key, label=name)
