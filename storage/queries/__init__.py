"""Named query functions: the only SQL in the project. Tools call these, never `select`.

- `sums`: daily/weekly/monthly performance sums, per partner, per bucket, data bounds
- `names`: the names planners recognise in text
"""

from storage.queries.names import KnownNames, known_names
from storage.queries.sums import (
    SUM_NAMES,
    PartnerFilter,
    SumName,
    Totals,
    active_partner_count,
    converted_partners,
    count_partners,
    data_bounds,
    last_conversion_day,
    series,
    split_by_month,
    split_range,
    sums_by_partner,
    totals,
    totals_by_partner,
)

__all__ = [
    "SUM_NAMES",
    "KnownNames",
    "PartnerFilter",
    "SumName",
    "Totals",
    "active_partner_count",
    "converted_partners",
    "count_partners",
    "data_bounds",
    "known_names",
    "last_conversion_day",
    "series",
    "split_by_month",
    "split_range",
    "sums_by_partner",
    "totals",
    "totals_by_partner",
]
