"""Process-level tuning for the long-running surfaces (chat now, the Slack app later)."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Exempt everything loaded so far from garbage collection (`gc.freeze`).

    Answering a program-wide question allocates tens of thousands of short-lived objects,
    which sets off full collections; each one walks every module, SQLAlchemy construct and
    pydantic schema loaded at startup, ~60 ms at a time on a busy answer. Those live for the
    whole process, so they are collected once here and then left alone.
    """
    gc.collect()
    gc.freeze()
