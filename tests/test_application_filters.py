"""Pending applications filtered by type, country and submitted period, on both backends.

Totals are checked against counts made in Python over the rows the test generated, never
against another query; a small hand-built queue pins the wording with literal figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from storage.models import Application, PartnerType
from tools import registry
from tools.applications import (
    ApplicationList,
    PendingApplicationsArgs,
    application_filter,
    pending_applications,
)
from tools.context import ToolContext
from tools.errors import PeriodError, ToolError

TODAY = date(2026, 11, 23)
CTX = ToolContext(today=TODAY)
TYPES = [t.value for t in PartnerType]
LAST_10_DAYS = "last 10 days (14 Nov – 23 Nov 2026, to date)"


@dataclass(frozen=True)
class Row:
    key: str
    type: str
    country: str | None
    submitted_at: date
    status: str = "pending"


def _add(session: Session, rows: list[Row]) -> list[Row]:
    """Insert `rows` in order (so ids follow the list) and commit."""
    for row in rows:
        session.add(
            Application(
                application_key=row.key,
                name=f"Applicant {row.key}",
                email=f"{row.key}@example.com",
                type=row.type,
                country=row.country,
                submitted_at=row.submitted_at,
                status=row.status,
            )
        )
        session.flush()
    session.commit()
    return rows


def _generated(seed: int = 20261123, count: int = 150) -> list[Row]:
    """Applications of every type, five countries (one stored lower-case, some unknown),
    submitted over the last 120 days, about a third of them already decided."""
    rng = random.Random(seed)
    countries = ["PL", "DE", "GB", "US", "pl", None]
    return [
        Row(
            key=f"app-{i:03d}",
            type=rng.choice(TYPES),
            country=rng.choice(countries),
            submitted_at=TODAY - timedelta(days=rng.randrange(0, 120)),
            status=rng.choices(["pending", "approved", "rejected"], weights=[6, 2, 1])[0],
        )
        for i in range(1, count + 1)
    ]


def _expected(
    rows: list[Row],
    types: set[str] | None = None,
    countries: set[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[str]:
    """Keys of the pending rows matching, oldest submission first (ties by insertion)."""
    matching = [
        (row.submitted_at, i, row.key)
        for i, row in enumerate(rows)
        if row.status == "pending"
        and (not types or row.type in types)
        and (not countries or (row.country or "").upper() in countries)
        and (start is None or row.submitted_at >= start)
        and (end is None or row.submitted_at <= end)
    ]
    return [key for _, _, key in sorted(matching)]


def _call(session: Session, **arguments: Any) -> ApplicationList:
    result = registry.call(session, CTX, "pending_applications", arguments)
    assert isinstance(result, ApplicationList)
    return result


@pytest.fixture
def generated(session: Session) -> list[Row]:
    return _add(session, _generated())


# (arguments, the same filter as an independent count's sets and bounds)
CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {}),
    ({"types": ["agency"]}, {"types": {"agency"}}),
    ({"types": ["agencies", "creators"]}, {"types": {"agency", "influencer"}}),
    ({"countries": ["PL"]}, {"countries": {"PL"}}),
    ({"countries": ["pl", "DE"]}, {"countries": {"PL", "DE"}}),
    (
        {"submitted": "last 10 days"},
        {"start": date(2026, 11, 14), "end": TODAY},
    ),
    (
        {"submitted": "October"},
        {"start": date(2026, 10, 1), "end": date(2026, 10, 31)},
    ),
    (
        {"types": ["affiliate", "b2b brands"], "countries": ["US", "GB"]},
        {"types": {"affiliate", "b2b_brand"}, "countries": {"US", "GB"}},
    ),
    (
        {"types": ["influencer"], "submitted": "since 1 Oct"},
        {"types": {"influencer"}, "start": date(2026, 10, 1), "end": TODAY},
    ),
    (
        {"types": ["agency", "channel", "referral"], "countries": ["PL"], "submitted": "Q4"},
        {
            "types": {"agency", "channel", "referral"},
            "countries": {"PL"},
            "start": date(2026, 10, 1),
            "end": TODAY,
        },
    ),
    (
        {"countries": ["PL", "DE", "GB"], "submitted": "last 60 days"},
        {"countries": {"PL", "DE", "GB"}, "start": date(2026, 9, 25), "end": TODAY},
    ),
]


@pytest.mark.parametrize(("arguments", "expected"), CASES)
def test_filtered_totals_and_rows_match_an_independent_count(
    session: Session, generated: list[Row], arguments: dict[str, Any], expected: dict[str, Any]
) -> None:
    keys = _expected(generated, **expected)

    result = _call(session, n=100, **arguments)

    assert result.total == len(keys)
    assert [a.application_key for a in result.applications] == keys[:100]
    assert all(a.days_waiting == (TODAY - a.submitted_at).days for a in result.applications)


def test_generated_cases_are_not_vacuous(generated: list[Row]) -> None:
    """Every filtered case keeps some pending applications and leaves some out."""
    queue = len(_expected(generated))
    assert queue > 60
    for arguments, expected in CASES[1:]:
        assert 0 < len(_expected(generated, **expected)) < queue, arguments


def test_filters_are_and_across_dimensions_and_or_within_one(
    session: Session, generated: list[Row]
) -> None:
    def total(**arguments: Any) -> int:
        return _call(session, **arguments).total

    agency, influencer = total(types=["agency"]), total(types=["influencer"])
    assert total(types=["agency", "influencer"]) == agency + influencer
    pl, de = total(countries=["PL"]), total(countries=["DE"])
    assert total(countries=["PL", "DE"]) == pl + de
    both = total(types=["agency"], countries=["PL"])
    assert both == len(_expected(generated, types={"agency"}, countries={"PL"}))
    assert both < min(agency, pl)


def test_total_counts_the_filter_not_the_queue(session: Session, generated: list[Row]) -> None:
    keys = _expected(generated, countries={"PL"})

    result = _call(session, n=3, countries=["PL"])

    assert result.total == len(keys) > 3
    assert [a.application_key for a in result.applications] == keys[:3]
    report = result.report()
    assert report.title == f"{len(keys)} pending applications from PL"
    assert f"Showing the 3 oldest of {len(keys)}." in report.notes


# --- a small queue with literal figures ----------------------------------------------------

QUEUE = [
    Row("app-001", "agency", "PL", date(2026, 11, 20)),
    Row("app-002", "agency", "PL", date(2026, 11, 15)),
    Row("app-003", "agency", "PL", date(2026, 11, 2)),
    Row("app-004", "agency", "DE", date(2026, 11, 18)),
    Row("app-005", "influencer", "PL", date(2026, 11, 21)),
    Row("app-006", "affiliate", "GB", date(2026, 10, 5)),
    Row("app-007", "referral", "US", date(2026, 11, 22)),
    Row("app-008", "agency", "PL", date(2026, 11, 19), status="approved"),
    Row("app-009", "agency", "PL", date(2026, 11, 16), status="rejected"),
]


@pytest.fixture
def queue(session: Session) -> list[Row]:
    return _add(session, QUEUE)


def test_title_and_scope_state_the_filter(session: Session, queue: list[Row]) -> None:
    result = _call(session, types=["agencies"], countries=["pl"], submitted="last 10 days")

    assert (result.total, [a.application_key for a in result.applications]) == (
        2,
        ["app-002", "app-001"],
    )
    report = result.report()
    assert report.title == (
        f"2 pending agency applications from PL, submitted in the {LAST_10_DAYS}"
    )
    assert report.scope == "agency applications from PL"
    assert report.period == "as of 23 Nov 2026"


@pytest.mark.parametrize(
    ("arguments", "title"),
    [
        ({"types": ["creators"]}, "1 pending influencer application"),
        ({"types": ["agency", "b2b"]}, "4 pending agency or B2B brand applications"),
        ({"countries": ["PL, DE", "gb"]}, "6 pending applications from PL, DE or GB"),
        ({"submitted": "submitted this month"}, (
            "6 pending applications submitted in November 2026 (1 Nov – 23 Nov 2026, to date)"
        )),
        ({"submitted": "since 1 Nov"}, (
            "6 pending applications submitted since 1 Nov 2026 (1 Nov – 23 Nov 2026, to date)"
        )),
        ({"types": "agency", "countries": "DE"}, "1 pending agency application from DE"),
        ({"submitted": "  "}, "7 pending applications"),
    ],
)  # fmt: skip
def test_filter_words_people_use(
    session: Session, queue: list[Row], arguments: dict[str, Any], title: str
) -> None:
    assert _call(session, **arguments).report().title == title


def test_empty_filter_says_which_condition_emptied_it(session: Session, queue: list[Row]) -> None:
    result = _call(session, types=["channel"], countries=["PL"], submitted="last 10 days")

    assert (result.total, result.applications, result.queue_total) == (0, [], 7)
    assert [(r.dropped, r.total) for r in result.relaxed] == [
        ("type", 3),
        ("country", 0),
        ("submitted", 0),
    ]
    report = result.report()
    assert report.title == (
        f"No pending channel applications from PL, submitted in the {LAST_10_DAYS}"
    )
    assert report.sections[0].text == (
        "None of the 7 pending applications matches every condition. "
        "Dropping “type channel” would leave some."
    )
    assert report.sections[1].bullets == [
        f"Without “type channel”: 3 pending applications from PL, submitted in the {LAST_10_DAYS}",
        f"Without “country PL”: 0 pending channel applications submitted in the {LAST_10_DAYS}",
        f"Without “submitted in the {LAST_10_DAYS}”: 0 pending channel applications from PL",
    ]


def test_empty_filter_names_every_condition_that_empties_it(
    session: Session, queue: list[Row]
) -> None:
    result = _call(session, types=["agency"], countries=["US"])

    assert [(r.dropped, r.total, r.description) for r in result.relaxed] == [
        ("type", 1, "application from US"),
        ("country", 4, "agency applications"),
    ]
    assert result.report().sections[0].text == (
        "None of the 7 pending applications matches every condition. "
        "Dropping “type agency” or “country US” would leave some."
    )


def test_empty_filter_when_no_single_condition_is_to_blame(
    session: Session, queue: list[Row]
) -> None:
    result = _call(session, types=["referral"], countries=["DE"], submitted="October")

    assert [r.total for r in result.relaxed] == [0, 0, 0]
    assert result.report().sections[0].text == (
        "None of the 7 pending applications matches every condition. "
        "Dropping any one condition still leaves none."
    )


def test_empty_single_condition_counts_the_whole_queue(session: Session, queue: list[Row]) -> None:
    result = _call(session, types=["content"])

    assert result.report().sections[1].bullets == ["Without “type content”: 7 pending applications"]


def test_filter_on_an_empty_queue_says_nothing_is_waiting(session: Session) -> None:
    _add(session, [Row("app-001", "agency", "PL", date(2026, 11, 20), status="approved")])

    result = _call(session, types=["agency"], countries=["PL"])

    assert (result.total, result.queue_total, result.relaxed) == (0, 0, [])
    report = result.report()
    assert report.title == "No pending agency applications from PL"
    assert [s.text for s in report.sections] == ["No applications are waiting for a decision."]


def test_unfiltered_list_keeps_its_whole_program_scope(session: Session, queue: list[Row]) -> None:
    report = pending_applications(session, today=TODAY, limit=20).report()

    assert report.title == "7 pending applications"
    assert report.scope == "whole program"


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"types": ["wizards"]}, ToolError, ["wizards", "affiliate", "b2b_brand", "content"]),
        ({"types": ["agency", "astronaut"]}, ToolError, ["astronaut", "referral"]),
        ({"countries": ["Poland"]}, ToolError, ["Poland", "two-letter", "PL"]),
        ({"countries": ["PL", "D3"]}, ToolError, ["D3", "two-letter"]),
        ({"countries": ["United Kingdom"]}, ToolError, ["“United Kingdom” is not a country"]),
        ({"submitted": "next month"}, PeriodError, ["December 2026", "hasn't started"]),
        ({"submitted": "whenever"}, PeriodError, ["whenever", "last 30 days"]),
    ],
)
def test_invalid_filter_words_get_a_readable_error(
    session: Session, queue: list[Row], arguments: dict[str, Any], error: type, words: list[str]
) -> None:
    with pytest.raises(error) as raised:
        _call(session, **arguments)
    assert isinstance(raised.value, ToolError)
    assert all(word in raised.value.message for word in words), raised.value.message


@pytest.mark.parametrize("n", [0, -1, 101])
def test_n_out_of_bounds_is_refused_by_the_argument_model(n: int) -> None:
    with pytest.raises(ValidationError):
        PendingApplicationsArgs.model_validate({"n": n})


def test_every_argument_is_described_for_planners() -> None:
    properties = PendingApplicationsArgs.model_json_schema()["properties"]
    assert set(properties) == {"n", "types", "countries", "submitted"}
    assert all(p.get("description") for p in properties.values())
    assert (properties["n"]["minimum"], properties["n"]["maximum"]) == (1, 100)
    detail = registry.get("application_detail").args.model_json_schema()["properties"]
    assert all(p.get("description") for p in detail.values())


def test_application_filter_dedupes_and_normalises() -> None:
    where = application_filter(
        today=TODAY, types=["agencies", "agency", "creators"], countries=["pl", "PL de"]
    )

    assert where.types == ("agency", "influencer")
    assert where.countries == ("PL", "DE")
    assert where.submitted is None


def test_a_submitted_period_says_how_many_matching_were_already_decided(
    session: Session, generated: list[Row]
) -> None:
    result = _call(session, types=["affiliate"], submitted="October")
    decided = [
        r
        for r in generated
        if r.status != "pending"
        and r.type == "affiliate"
        and date(2026, 10, 1) <= r.submitted_at <= date(2026, 10, 31)
    ]
    assert decided  # the generated queue has decided applications in October
    assert result.decided == len(decided)
    assert any(f"{len(decided)} more application" in n for n in result.report().notes)
    everything = [r for r in generated if r.status != "pending" and r.type == "affiliate"]
    assert _call(session, types=["affiliate"]).decided == len(everything)
