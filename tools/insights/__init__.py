"""Insights a partner manager acts on: who went quiet (`quiet`), reversal spikes
(`reversals`), movers by partner or by group (`movers`), who to recruit (`recruitment`).

Every figure is computed from the performance sums; the thresholds and weights that turn
figures into flags and scores are each module's constants, stated back in each report so a
reader can check the rule. Each module registers its own tool.
"""

from tools.insights.movers import MAX_MOVERS, Mover, MoverBy, MoverOrder, TopMovers, top_movers
from tools.insights.quiet import (
    QUIET_DEFAULT_DAYS,
    QUIET_MAX_DAYS,
    QUIET_PRIOR_DAYS,
    QuietPartner,
    QuietPartners,
    quiet_partners,
)
from tools.insights.recruitment import (
    RECRUIT_LOOKBACK_DAYS,
    RECRUIT_STATUSES,
    RecruitCandidate,
    RecruitmentPriorities,
    recruitment_priorities,
)
from tools.insights.reversals import (
    ANOMALY_BASELINE_DAYS,
    ANOMALY_BASELINE_MULTIPLE,
    ANOMALY_MIN_CONVERSIONS,
    ANOMALY_PROGRAM_MULTIPLE,
    REVERSAL_WATCH,
    ReversalAnomalies,
    ReversalCheck,
    reversal_anomalies,
)

__all__ = [
    "ANOMALY_BASELINE_DAYS",
    "ANOMALY_BASELINE_MULTIPLE",
    "ANOMALY_MIN_CONVERSIONS",
    "ANOMALY_PROGRAM_MULTIPLE",
    "MAX_MOVERS",
    "QUIET_DEFAULT_DAYS",
    "QUIET_MAX_DAYS",
    "QUIET_PRIOR_DAYS",
    "RECRUIT_LOOKBACK_DAYS",
    "RECRUIT_STATUSES",
    "REVERSAL_WATCH",
    "Mover",
    "MoverBy",
    "MoverOrder",
    "QuietPartner",
    "QuietPartners",
    "RecruitCandidate",
    "RecruitmentPriorities",
    "ReversalAnomalies",
    "ReversalCheck",
    "TopMovers",
    "quiet_partners",
    "recruitment_priorities",
    "reversal_anomalies",
    "top_movers",
]
