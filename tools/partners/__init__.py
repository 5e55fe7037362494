"""Partners: finding one by what a person typed (`names`), the words for types, statuses
and commission models (`words`), a partner's profile (`profile`) and lists (`listing`).

Only the light modules are imported here, so `tools.segment` can use name resolution
without importing the list tool that is built on segments.
"""

from tools.partners.names import known_tiers, normalize_name, partner_names, resolve_partner
from tools.partners.words import (
    COMMISSION_LABELS,
    PIPELINE,
    PIPELINE_STATUSES,
    TYPE_LABELS,
    parse_commission_model,
    parse_partner_status,
    parse_partner_type,
)

__all__ = [
    "COMMISSION_LABELS",
    "PIPELINE",
    "PIPELINE_STATUSES",
    "TYPE_LABELS",
    "known_tiers",
    "normalize_name",
    "parse_commission_model",
    "parse_partner_status",
    "parse_partner_type",
    "partner_names",
    "resolve_partner",
]
