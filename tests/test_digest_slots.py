"""Weekly slots in the subscription's timezone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.digests.slots import (
    Schedule,
    describe_instant,
    parse_instant,
    parse_time,
    parse_timezone,
    parse_weekday,
)

WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")


def monday_nine(tz: ZoneInfo = WARSAW) -> Schedule:
    return Schedule(weekday=0, hour=9, minute=0, tz=tz)


def test_latest_slot_is_the_most_recent_one_at_or_before_now() -> None:
    schedule = monday_nine()
    # Monday 7 Dec 2026, 09:00 in Warsaw is 08:00 UTC (CET, +01:00).
    due = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert schedule.latest(due) == due
    assert schedule.latest(due + timedelta(minutes=5)) == due
    assert schedule.latest(due - timedelta(seconds=1)) == due - timedelta(days=7)
    assert schedule.latest(datetime(2026, 12, 10, 12, tzinfo=UTC)) == due


def test_slots_stay_at_nine_local_through_both_daylight_saving_changes() -> None:
    schedule = monday_nine()
    # Warsaw moves to CEST on 28 Mar 2027 and back to CET on 31 Oct 2027.
    slots = schedule.between(datetime(2027, 3, 20, tzinfo=UTC), datetime(2027, 11, 3, tzinfo=UTC))
    assert all(s.astimezone(WARSAW).hour == 9 for s in slots)
    assert all(s.astimezone(WARSAW).weekday() == 0 for s in slots)
    utc_hours = {s.date().isoformat(): s.hour for s in slots}
    assert utc_hours["2027-03-22"] == 8  # CET
    assert utc_hours["2027-03-29"] == 7  # CEST: 09:00 local is an hour earlier in UTC
    assert utc_hours["2027-10-25"] == 7
    assert utc_hours["2027-11-01"] == 8  # back to CET
    gaps = {b - a for a, b in pairwise(slots)}
    assert gaps == {timedelta(days=7), timedelta(days=7, hours=-1), timedelta(days=7, hours=1)}


def test_a_slot_in_the_skipped_hour_lands_just_after_the_gap() -> None:
    # Sunday 28 Mar 2027, 02:30 does not exist in Warsaw (02:00 → 03:00).
    schedule = Schedule(weekday=6, hour=2, minute=30, tz=WARSAW)
    slot = schedule.latest(datetime(2027, 3, 28, 12, tzinfo=UTC))
    assert slot == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert slot.astimezone(WARSAW).hour == 3


def test_a_slot_in_the_repeated_hour_is_its_first_occurrence() -> None:
    # Sunday 7 Nov 2027, 01:30 happens twice in New York; the first is EDT (-04:00).
    schedule = Schedule(weekday=6, hour=1, minute=30, tz=NEW_YORK)
    slot = schedule.latest(datetime(2027, 11, 7, 12, tzinfo=UTC))
    assert slot == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_slots_in_different_timezones_are_different_instants() -> None:
    now = datetime(2026, 12, 7, 20, tzinfo=UTC)
    assert monday_nine(WARSAW).latest(now) == datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert monday_nine(NEW_YORK).latest(now) == datetime(2026, 12, 7, 14, tzinfo=UTC)
    tokyo = Schedule(weekday=0, hour=9, minute=0, tz=ZoneInfo("Asia/Tokyo"))
    # 09:00 Monday in Tokyo is Sunday 24:00 UTC.
    assert tokyo.latest(now) == datetime(2026, 12, 7, 0, tzinfo=UTC)


def test_between_is_oldest_first_and_excludes_its_start() -> None:
    schedule = monday_nine()
    first = datetime(2026, 12, 7, 8, tzinfo=UTC)
    slots = schedule.between(first, first + timedelta(days=21))
    assert slots == [first + timedelta(days=7 * n) for n in (1, 2, 3)]
    assert schedule.between(first, first) == []


def test_next_after_is_the_following_slot() -> None:
    schedule = monday_nine()
    due = datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert schedule.next_after(due) == due + timedelta(days=7)
    assert schedule.next_after(due - timedelta(minutes=1)) == due


def test_the_local_day_is_the_digests_today() -> None:
    tokyo = Schedule(weekday=0, hour=9, minute=0, tz=ZoneInfo("Asia/Tokyo"))
    slot = datetime(2026, 12, 7, 0, tzinfo=UTC)
    assert tokyo.local_day(slot).isoformat() == "2026-12-07"
    assert describe_instant(slot, ZoneInfo("Asia/Tokyo")) == "Mon 7 Dec 2026 09:00 JST"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("mon", 0), ("Monday", 0), ("TUE", 1), ("wednesday", 2), ("sun", 6)],
)
def test_weekdays(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["mo", "funday", ""])
def test_bad_weekdays_say_what_works(text: str) -> None:
    with pytest.raises(ValueError, match="mon, tue"):
        parse_weekday(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", (9, 0)),
        ("9", (9, 0)),
        ("16:30", (16, 30)),
        ("9:15am", (9, 15)),
        ("5pm", (17, 0)),
        ("12am", (0, 0)),
        ("12pm", (12, 0)),
    ],
)
def test_times(text: str, expected: tuple[int, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "13pm", "noon", ""])
def test_bad_times_say_what_works(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time(text)


def test_timezones_and_instants() -> None:
    assert parse_timezone("Europe/Warsaw") == WARSAW
    with pytest.raises(ValueError, match="IANA"):
        parse_timezone("Mars/Olympus")
    assert parse_instant("2026-12-07T09:05:00+01:00") == datetime(2026, 12, 7, 8, 5, tzinfo=UTC)
    assert parse_instant("2026-12-07T08:05") == datetime(2026, 12, 7, 8, 5, tzinfo=UTC)
    assert parse_instant("2026-12-07T08:05:00Z") == datetime(2026, 12, 7, 8, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="ISO"):
        parse_instant("next monday")


def test_a_schedule_refuses_impossible_slots() -> None:
    with pytest.raises(ValueError):
        Schedule(weekday=7, hour=9, minute=0, tz=WARSAW)
