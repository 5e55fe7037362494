"""A realistic, deterministic demo program, so the assistant can be tried without real data.

Everything is derived from `random.Random` instances seeded from `seed` (and each partner's key),
so the same (seed, today, partners, days) always writes the same rows. Performance covers the
`days` days ending yesterday (`today` itself has no data yet, as in a real nightly import).
"""

from storage.demo.generate import MIN_DAYS, DemoSummary, generate_demo
from storage.demo.partners import MIN_PARTNERS

__all__ = ["MIN_DAYS", "MIN_PARTNERS", "DemoSummary", "generate_demo"]
