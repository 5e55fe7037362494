"""Work handed over after an ack waits for the acknowledgements in flight, bounded."""

from __future__ import annotations

import pytest

from bot.slack.ack_first import AckFirst
from bot.slack.work import Worker


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_work_starts_at_once_when_nothing_is_being_acknowledged() -> None:
    gate = AckFirst(quiet=0.005, patience=0.25, clock=FakeClock())
    assert gate.hold_for(100.0, deadline=100.25) is None


def test_work_waits_the_whole_patience_while_an_ack_is_in_flight() -> None:
    clock = FakeClock()
    gate = AckFirst(quiet=0.005, patience=0.25, clock=clock)
    with gate.acknowledging():
        assert gate.hold_for(100.0, deadline=100.25) == pytest.approx(0.25)


def test_work_waits_for_the_burst_to_settle_after_the_last_ack() -> None:
    clock = FakeClock()
    gate = AckFirst(quiet=0.005, patience=0.25, clock=clock)
    with gate.acknowledging():
        pass  # finished at 100.0
    assert gate.hold_for(100.002, deadline=100.25) == pytest.approx(0.003)
    assert gate.hold_for(100.005, deadline=100.25) is None


def test_work_is_never_held_past_its_patience() -> None:
    clock = FakeClock()
    gate = AckFirst(quiet=0.005, patience=0.25, clock=clock)
    with gate.acknowledging():
        assert gate.hold_for(100.20, deadline=100.25) == pytest.approx(0.05)
        assert gate.hold_for(100.25, deadline=100.25) is None


def test_time_spent_queued_counts_against_patience() -> None:
    clock = FakeClock()
    gate = AckFirst(quiet=0.005, patience=0.25, clock=clock)
    with gate.acknowledging():
        clock.now = 101.0  # the job was handed over at 100.0 and queued until now
        gate.wait_turn(since=100.0)  # returns at once: its patience is spent


def test_a_job_handed_over_during_an_ack_runs_after_it() -> None:
    worker = Worker(2)
    worker.gate = AckFirst(quiet=0.0, patience=60.0)
    seen: list[int] = []
    try:
        with worker.gate.acknowledging():
            job = worker.submit("a job", lambda: seen.append(worker.gate.in_flight))
        job.result(timeout=10)
    finally:
        worker.shutdown()
    assert seen == [0]
