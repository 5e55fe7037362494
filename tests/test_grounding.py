"""The grounding check: a model's paragraph is shown only if every figure in it is one the
tools computed this turn, after rounding; the test names the figure that gives it away."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.assistant.llm.grounding import (
    Figure,
    FigureSet,
    When,
    figures_in,
    known_figures,
    ungrounded,
)

D = Decimal

LEADERBOARD: dict[str, object] = {
    "metric": "revenue",
    "period": {"start": "2026-10-01", "end": "2026-10-31", "label": "October 2026"},
    "order": "top",
    "n": 5,
    "currency": "USD",
    "entries": [
        {
            "rank": 1,
            "partner_key": "P-0012",
            "name": "Smith & Sons Reviews",
            "value": "48213.50",
            "share": "31.42",
            "conversions": 412,
            "change_percent": "-12.34",
            "roas": "4.216",
        },
        {
            "rank": 2,
            "partner_key": "P-0007",
            "name": "Deal Hunters",
            "value": "36890.00",
            "share": "24.04",
            "conversions": 1187,
            "change_percent": "8.6",
            "conversion_rate": 0.0342,
        },
        {
            "rank": 3,
            "partner_key": "P-0031",
            "name": "Northwind Media",
            "value": "21345.67",
            "share": "13.91",
            "conversions": 254,
            "change_percent": "151.2",
        },
        {
            "rank": 4,
            "partner_key": "P-0044",
            "name": "Coupon Corner",
            "value": "18702.10",
            "share": "12.19",
            "conversions": 199,
            "change_percent": "0.4",
        },
        {
            "rank": 5,
            "partner_key": "P-0102",
            "name": "Long Tail Co",
            "value": "12251.00",
            "share": "7.98",
            "conversions": 96,
            "change_percent": "-3.05",
        },
    ],
    "total": "153450.27",
    "ranked": 37,
    "excluded": 2,
    "notes": [],
}
RENDERED = """Top 5 partners by revenue
October 2026 (1 Oct – 31 Oct 2026) · all partners
Rank  Partner               Revenue   Share
1     Smith & Sons Reviews  $48,214   31.4%
2     Deal Hunters          $36,890   24.0%
3     Northwind Media       $21,346   13.9%
4     Coupon Corner         $18,702   12.2%
5     Long Tail Co          $12,251    8.0%"""
QUESTION = "who were our top 5 partners by revenue last month?"
KNOWN = known_figures([LEADERBOARD], [RENDERED, QUESTION])

GROUNDED = [
    "Smith & Sons Reviews led October 2026 with $48,213.50 in revenue, 31.4% of the $153.5k "
    "total, even though it fell 12.3% on the previous month.",
    "Deal Hunters converted 1,187 times, more than any other top-5 partner, at a 3.4% "
    "conversion rate.",
    "The 3rd partner, Northwind Media (P-0031), more than doubled its revenue (+151.2%) to $21.3k.",
    "Figures cover 2026-10-01 to 2026-10-31; Smith & Sons Reviews stays #1 despite a −12.3% "
    "drop, with a ROAS of 4.22.",
    "Long Tail Co slipped 3.0% to $12,251 between Oct 1–31, 2026.",
    "W październiku 2026 r. liderem był Smith & Sons Reviews z przychodem 48 213,50 USD "
    "(31,4% całości), mimo spadku o 12,3%.",
    "Łącznie przychód wyniósł 153,5 tys. USD; w rankingu ujęto 37 partnerów, a 2 pominięto.",
    "Deal Hunters lag im Oktober mit 36.890,00 $ auf Platz 2 und wuchs um 8,6 %.",
    "2026년 10월 매출 1위는 Smith & Sons Reviews($48,213.50, 전체의 31.4%)이며 ROAS는 4.2배입니다.",
    "Coupon Corner는 10월 1일~31일 동안 199건의 전환으로 $18.7k를 기록했습니다.",
]
CAUGHT = [
    # paragraph, the one figure that must be caught
    ("Smith & Sons Reviews led with $48,213.50, but revenue fell 12.4% month on month.", "12.4%"),
    ("Deal Hunters converted 1,178 times in October 2026.", "1,178"),
    ("Northwind Media reached $22k, up 151.2%.", "$22k"),
    (
        "Between Oct 1 and Oct 30, 2026, the top 5 partners earned most of the revenue.",
        "Oct 30, 2026",
    ),
    ("In Q3, Smith & Sons Reviews led the program with 31.4% of revenue.", "Q3"),
    ("The 6th partner by revenue fell out of the top 5 this month.", "6th"),
    ("Smith & Sons Reviews odpowiada za 32% przychodu w październiku.", "32%"),
    ("W rankingu ujęto 38 partnerów, a 2 pominięto.", "38"),
    ("Deal Hunters wuchs um 8,6 % auf 36.980 $.", "36.980 $"),
    ("2026년 11월 3일 기준 ROAS는 4.2배입니다.", "2026년 11월 3일"),
]


@pytest.mark.parametrize("paragraph", GROUNDED)
def test_grounded_framing_paragraphs_pass(paragraph):
    assert ungrounded(paragraph, KNOWN) == []


@pytest.mark.parametrize(("paragraph", "culprit"), CAUGHT)
def test_invented_or_misrounded_figure_is_caught(paragraph, culprit):
    assert [figure.text for figure in ungrounded(paragraph, KNOWN)] == [culprit]


def _only(text: str) -> Figure:
    figures = figures_in(text)
    assert len(figures) == 1, figures
    return figures[0]


def _grounds(known: list[object] | object, paragraph: str, texts: tuple[str, ...] = ()) -> bool:
    results = known if isinstance(known, list) else [known]
    return ungrounded(paragraph, known_figures(results, texts)) == []


# --- numbers in many locales ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("revenue of 12,345.67 this month", "12345.67", 2),
        ("Umsatz von 12.345,67 im Quartal", "12345.67", 2),
        ("przychód 12 345,67 w tym kwartale", "12345.67", 2),
        ("chiffre d'affaires de 12\u00a0345,67 ce mois", "12345.67", 2),
        ("przychód 12\u202f345,67 zł", "12345.67", 2),
        ("Umsatz von CHF 12'345.67", "12345.67", 2),
        ("1,234,567 clicks", "1234567", 0),
        ("1.234.567,89 zł", "1234567.89", 2),
        ("12345 clicks", "12345", 0),
        ("ROAS of 4.2 on paid search", "4.2", 1),
        ("a 12,5 percent drop", "12.5", 1),
    ],
)
def test_numbers_read_in_each_locales_format(text, value, decimals):
    figure = _only(text)
    assert (figure.value, figure.decimals) == (D(value), decimals)


def test_ambiguous_thousands_separator_matches_either_reading():
    assert _grounds({"clicks": 1234}, "We logged 1,234 clicks.")
    assert _grounds({"roas": "1.234"}, "ROAS came in at 1,234.")
    assert _grounds({"clicks": 1234}, "Es gab 1.234 Klicks.")
    assert not _grounds({"clicks": 1243}, "We logged 1,234 clicks.")


@pytest.mark.parametrize("text", ["-12.5%", "−12.5%", "+12.5%", "a drop of 12.5%"])
def test_signs_are_dropped_and_magnitudes_compared(text):
    assert _only(text).value == D("12.5")
    assert _grounds(
        {"change_percent": "-12.5"},
        f"Revenue moved {text} vs September 2026.",
        ("vs September 2026",),
    )


def test_plus_sign_on_a_count():
    assert _grounds({"new_partners": 3}, "That is +3 partners since last week.")
    assert not _grounds({"new_partners": 3}, "That is +4 partners since last week.")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$1,234", "1234"),
        ("€1.234,50", "1234.50"),
        ("1 234 zł", "1234"),
        ("PLN 1,234", "1234"),
        ("₩1,234,567", "1234567"),
        ("CHF 1'234.50", "1234.50"),
        ("USD 12k", "12000"),
        ("−$1,234", "1234"),
        ("12.50 CHF", "12.50"),
    ],
)
def test_currency_marks_are_part_of_the_figure_but_not_checked(text, value):
    figure = _only(f"Payout was {text} last month.")
    assert figure.text == text
    assert figure.value == D(value)


def test_currency_itself_is_not_checked():
    assert _grounds({"amount": "1234", "currency": "USD"}, "Payout was €1,234.")


# --- k / M / tys. / mln / 만 / 억 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("12.3k", "12300", -2),
        ("12k", "12000", -3),
        ("1.2M", "1200000", -5),
        ("1.2m", "1200000", -5),
        ("1,2 mln", "1200000", -5),
        ("12 tys.", "12000", -3),
        ("3.4 bn", "3400000000", -8),
        ("$2B", "2000000000", -9),
        ("1,5 Mio. €", "1500000", -5),
        ("3억", "300000000", -8),
        ("1억 2,345만", "123450000", -4),
    ],
)
def test_scale_suffixes_multiply_and_set_the_precision(text, value, decimals):
    figure = _only(f"Revenue reached {text} last month.")
    assert (figure.value, figure.decimals) == (D(value), decimals)


@pytest.mark.parametrize(
    ("paragraph", "known", "expected"),
    [
        ("$12.3k", 12345, True),
        ("$12.3k", 12251, True),
        ("$12.3k", 12351, False),
        ("12k", 11600, True),
        ("12k", 13000, False),
        ("12k", 12900, False),  # truncated: not a rounding
        ("1.2M", 1249999, True),
        ("1.2M", 1250001, False),
        ("1,2 mln zł", "1180000.40", True),
        ("1,234만 원", 12341234, True),
        ("3억 원", 312000000, True),
        ("3억 원", 351000000, False),
    ],
)
def test_scaled_figure_matches_known_value_rounded_to_its_precision(paragraph, known, expected):
    assert _grounds({"revenue": known}, f"Revenue was {paragraph}.") is expected


def test_hedge_words_allow_the_cut_they_announce():
    assert _grounds({"revenue": 12900}, "Revenue was over $12k.")
    assert _grounds({"revenue": 12100}, "Revenue was almost $13k.")
    assert _grounds({"revenue": 12900}, "매출은 12k 이상입니다.")
    assert not _grounds({"revenue": 14200}, "Revenue was over $12k.")
    assert not _grounds({"revenue": 12900}, "Revenue was under $12k.")


# --- percentages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["12.3%", "12,3 %", "12,3\u202f%", "12.3 percent", "12.3 pp", "12.3 points", "12,3 p.p."],
)
def test_percent_forms(text):
    figure = _only(f"Conversion rate rose {text} last month.")
    assert (figure.kind, figure.value, figure.decimals) == ("percent", D("12.3"), 1)


@pytest.mark.parametrize("stored", [D("12.34"), 0.1234, "0.1234", "12.34"])
def test_percent_matches_a_value_stored_as_percent_or_as_fraction(stored):
    assert _grounds({"conversion_rate": stored}, "Conversion rate was 12.3%.")


@pytest.mark.parametrize(
    ("paragraph", "known", "expected"),
    [
        ("12%", "12.34", True),
        ("12%", "11.6", True),
        ("12%", "12.5", True),  # ROUND_HALF_EVEN keeps 12
        ("12%", "11.4", False),
        ("12.3%", "12.34", True),
        ("12.3%", "12.25", True),  # ROUND_HALF_UP
        ("12.2%", "12.25", True),  # ROUND_HALF_EVEN
        ("12.3%", "12.35", False),  # both round to 12.4
        ("12.3%", "12.4", False),
    ],
)
def test_percent_rounding(paragraph, known, expected):
    assert _grounds({"share": known}, f"Its share was {paragraph}.") is expected


def test_bare_number_is_not_matched_against_a_fraction():
    assert not _grounds({"conversion_rate": 0.123}, "The rate went up 12.3 on last month.")


# --- multiples ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["4.2×", "4.2x", "4,2x", "4.2 ×", "4.2배", "4,2-fach"])
def test_multiple_forms(text):
    figure = _only(f"ROAS reached {text} last month.")
    assert (figure.kind, figure.value) == ("multiple", D("4.2"))
    assert _grounds({"roas": "4.216"}, f"ROAS reached {text} in October 2026.", ("October 2026",))


def test_multiple_mis_rounded_is_caught():
    assert not _grounds({"roas": "4.26"}, "ROAS reached 4.2x.")


# --- dates ----------------------------------------------------------------------------------

AUG_3 = {"day": "2026-08-03"}


@pytest.mark.parametrize(
    "text",
    [
        "3 Aug 2026",
        "Aug 3, 2026",
        "August 3",
        "August 3rd",
        "2026-08-03",
        "03.08.2026",
        "3/8/2026",
        "3 sierpnia 2026",
        "3. August 2026",
        "3 août 2026",
        "3 de agosto de 2026",
        "2026년 8월 3일",
    ],
)
def test_date_forms_match_an_iso_date_in_the_results(text):
    figure = _only(f"Revenue peaked on {text}.")
    assert figure.kind == "date"
    assert _grounds(AUG_3, f"Revenue peaked on {text}.")


@pytest.mark.parametrize(
    "text", ["4 Aug 2026", "Aug 3, 2025", "August 4", "2026-08-04", "04.08.2026", "4 sierpnia"]
)
def test_a_wrong_day_is_caught(text):
    assert not _grounds(AUG_3, f"Revenue peaked on {text}.")


def test_datetime_strings_and_date_text_are_known_dates():
    assert _grounds({"computed_at": "2026-08-03T09:15:00+00:00"}, "As of 3 Aug 2026.")
    assert _grounds({}, "As of August 3.", ("Latest data: 3 Aug 2026",))


def test_range_ends_take_the_year_written_once():
    period = {"start": "2026-07-01", "end": "2026-09-30"}
    assert _grounds(period, "From 1 Jul – 30 Sep 2026 revenue grew.")
    assert _grounds(period, "Zwischen 01.07.–30.09.2026 wuchs der Umsatz.")
    assert _grounds(period, "7월 1일~9월 30일 매출이 늘었습니다.")
    assert not _grounds(period, "From 1 Jul – 30 Sep 2025 revenue grew.")


def test_year_quarter_and_month_references_need_a_known_date_or_label():
    october = {"period": {"start": "2026-10-01", "end": "2026-10-31"}}
    for reference in ["2026", "Q4", "Q4 2026", "October", "October 2026", "w październiku", "H2"]:
        assert _grounds(october, f"Revenue in {reference} was steady."), reference
    for reference in ["2025", "Q3", "Q4 2025", "September", "H1"]:
        assert not _grounds(october, f"Revenue in {reference} was steady."), reference


def test_quarter_from_a_period_label_in_the_texts():
    label = "Q3 2026 (1 Jul – 30 Sep 2026)"
    assert _grounds({}, "Q3 2026 was the best quarter; Q3 revenue grew.", (label,))
    assert _grounds({}, "3분기 매출이 늘었고 2026년 3분기는 최고였습니다.", (label,))
    assert not _grounds({}, "Q2 2026 was the best quarter.", (label,))


def test_may_is_a_month_only_in_a_date_phrase():
    assert figures_in("Revenue may rise next week.") == []
    assert _only("Revenue rose in May.").when == (When(month=5),)


def test_day_counts_are_numbers():
    figures = figures_in("In the last 30 days 14 partners were active.")
    assert [(f.kind, f.value) for f in figures] == [("number", D(30)), ("number", D(14))]
    assert _grounds(
        {"active": 14},
        "In the last 30 days 14 partners were active.",
        ("how many partners were active in the last 30 days?",),
    )


def test_times_of_day_are_not_figures():
    assert figures_in("The digest goes out at 09:30 and again at 5 pm.") == []


# --- known figures from the JSON ------------------------------------------------------------


def test_every_number_numeric_string_and_list_length_is_known():
    result = {
        "total": "153450.27",
        "count": 37,
        "ratio": 4.2,
        "amount": D("12.50"),
        "rows": [{"x": "a"}, {"x": "b"}, {"x": "c"}],
    }
    for paragraph in ["$153,450.27", "37 partners", "ROAS 4.2", "$12.50", "3 rows"]:
        assert _grounds(result, paragraph), paragraph


def test_ranks_of_a_list_are_known_only_as_ordinals():
    rows = {"entries": [{"name": n} for n in "abcde"]}
    for ordinal in ["1st", "2nd", "3rd", "4th", "#2", "No. 2", "top 3", "the 5th"]:
        assert _grounds(rows, f"Acme is {ordinal}."), ordinal
    assert not _grounds(rows, "Acme has 3 partners.")
    assert not _grounds(rows, "Acme is 6th.")


def test_booleans_are_not_figures():
    assert not _grounds({"active": True, "paused": False}, "1 partner is active, 0 paused.")


def test_numbers_the_user_typed_are_known():
    assert _grounds({}, "Here are your top 5 partners.", ("show me the top 5 partners",))


def test_rendered_text_grounds_only_to_the_precision_it_shows():
    assert _grounds({}, "Revenue was $12.3k.", ("Revenue $12,346",))
    assert not _grounds({}, "Revenue was $12,345.67.", ("Revenue $12,346",))
    assert not _grounds({}, "Revenue was $12,000.", ("Revenue $12k",))


def test_label_strings_inside_results_are_read():
    assert _grounds({"period": "Q3 2026 (1 Jul – 30 Sep 2026)"}, "In Q3 2026, as of 30 Sep.")


def test_figureset_matches_one_figure():
    known = known_figures([{"v": 12345}])
    assert isinstance(known, FigureSet)
    assert known.matches(_only("12.3k"))
    assert not known.matches(_only("12.4k"))


# --- what is not a figure -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "our B2B partners",
        "H2O Media",
        "p95 latency",
        "GPT-4o wrote this",
        "partner P-0012",
        "app-17 is paused",
        "see https://example.com/report/2026/10?top=5",
        "mail ops2@example.com",
        "ask <@U123ABC> in <#C0123|partners-2026>",
        "user U0123ABC",
        "tag @anna2 in #q3-results",
        "version 1.2.3 and v2.1",
        "INV-2026-001",
        "report_2026.csv",
        "five partners and a dozen deals",
    ],
)
def test_identifiers_and_words_with_digits_are_not_figures(text):
    assert figures_in(text) == []


def test_a_figure_next_to_an_identifier_is_still_read():
    figures = figures_in("P-0012 brought $1,234 (12%) via GPT-4o.")
    assert [f.text for f in figures] == ["$1,234", "12%"]


def test_compound_adjectives_keep_their_number():
    assert [f.value for f in figures_in("a 30-day window and a 3-month trend")] == [D(30), D(3)]


def test_figures_report_where_they_are():
    text = "Revenue hit $1.2M on 3 Aug 2026."
    figures = figures_in(text)
    assert [text[f.start : f.start + len(f.text)] for f in figures] == ["$1.2M", "3 Aug 2026"]


def test_a_ranged_figure_shares_its_unit():
    figures = figures_in("Shares ranged 10–12% and payouts $1.2–1.5M.")
    assert [(f.kind, f.value) for f in figures] == [
        ("percent", D(10)),
        ("percent", D(12)),
        ("number", D(1200000)),
        ("number", D(1500000)),
    ]


def test_keys_in_the_results_ground_no_number():
    result = {"partner_key": "P-0012", "app": "app-17", "owner": "U0123ABC"}
    for paragraph in ["12 partners", "17 apps", "123 users"]:
        assert not _grounds(result, paragraph), paragraph
    assert _grounds({"label": "Q3"}, "Q3 was strong.")


def test_date_objects_are_accepted_as_well_as_strings():
    assert _grounds({"day": date(2026, 8, 3)}, "Revenue peaked on 3 Aug 2026.")


def test_third_party_is_a_word_not_a_rank():
    assert figures_in("They switched to a 3rd-party tracker.") == []


def test_figure_records_scale_and_bound():
    figure = _only("Revenue was over $12.3k.")
    assert (figure.text, figure.scale, figure.bound) == ("$12.3k", 3, "over")
