"""Named query functions: the only SQL in the project. Tools call these, never `select`.

- `sums`: daily/weekly/monthly performance sums, per partner, per bucket, data bounds
- `names`: the names planners recognise in text
- `segment`: a partner segment as SQL conditions (the only place that translation lives)
- `buckets`: sums per calendar month, for ranking months
- `rankings`: partners ranked by a metric or its change, in one statement
- `activity`: last conversions, partner rows and the recruitment pool, for insights
- `partners`: partner rows for name resolution, profiles, lists and counts per group
- `applications`: the application queue, filtered, and the one-decision claim
- `goals`: goals selected by partner or tier
- `qbr`: the goals and people a QBR shows
- `conversations`: a conversation's row, read plainly or locked (created if missing) to append
"""

from storage.queries.buckets import month_sums
from storage.queries.names import KnownNames, known_names
from storage.queries.segment import (
    PartnerSegment,
    count_in_segment,
    partner_ids_in,
    partner_refs,
    segment_conditions,
)
from storage.queries.sums import (
    SUM_NAMES,
    GroupColumn,
    GroupSums,
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
    sums_by_group,
    sums_by_partner,
    totals,
    totals_by_partner,
)

__all__ = [
    "SUM_NAMES",
    "GroupColumn",
    "GroupSums",
    "KnownNames",
    "PartnerSegment",
    "SumName",
    "Totals",
    "active_partner_count",
    "converted_partners",
    "count_in_segment",
    "count_partners",
    "data_bounds",
    "known_names",
    "last_conversion_day",
    "month_sums",
    "partner_ids_in",
    "partner_refs",
    "segment_conditions",
    "series",
    "split_by_month",
    "split_range",
    "sums_by_group",
    "sums_by_partner",
    "totals",
    "totals_by_partner",
]
