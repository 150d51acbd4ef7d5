"""The forecast as pure arithmetic over counts and fixed dates: no database, no clock."""

from datetime import date
from decimal import Decimal

import pytest

from reviews.forecast import AT_RISK, MET, ON_TRACK, project, review_period_start, summary
from reviews.models import default_review_date

START, REVIEW = date(2026, 8, 1), date(2027, 7, 31)


def cbds(current, today, target=4, **kwargs):
    return project(
        label="Case-based discussion (CBD)",
        noun="CBDs",
        current=current,
        target=target,
        period_start=START,
        review_date=REVIEW,
        today=today,
        **kwargs,
    )


def test_the_example_of_the_issue_two_of_four_at_a_pace_that_gives_three():
    # 2 in the 212 days from 1 August to 28 February, and 153 days left: 2 + 1.44.
    forecast = cbds(2, date(2027, 2, 28))

    assert forecast.status == AT_RISK
    assert forecast.projected == 3 and forecast.missing == 1
    assert forecast.sentence == (
        "2 of 4 CBDs; at your pace since 1 August you will have 3 by 31 July: 1 more needed."
    )


def test_a_pace_that_reaches_the_target_is_on_track():
    # 2 in 122 days, and 243 days left: 2 + 3.98, and half an assessment is none.
    forecast = cbds(2, date(2026, 11, 30))

    assert forecast.status == ON_TRACK
    assert forecast.projected == 5
    assert forecast.sentence == (
        "2 of 4 CBDs; at your pace since 1 August you will have 5 by 31 July: "
        "on track, 2 more to go."
    )


def test_having_the_target_already_is_met():
    forecast = cbds(5, date(2026, 11, 30))

    assert forecast.status == MET and forecast.missing == 0
    assert forecast.sentence == "5 of 4 CBDs: met."


def test_none_yet_is_at_risk_with_all_of_it_missing():
    forecast = cbds(0, date(2026, 11, 30))

    assert forecast.status == AT_RISK and forecast.missing == 4
    assert forecast.sentence == (
        "0 of 4 CBDs; none since 1 August, so at your pace you will still have none by "
        "31 July: 4 more needed."
    )


def test_a_supervisor_reads_their_pace_rather_than_yours():
    forecast = cbds(2, date(2027, 2, 28), you=False)

    assert "at their pace since 1 August they will have 3 by 31 July" in forecast.sentence


def test_the_pace_is_the_average_since_the_period_began_today_included():
    forecast = cbds(1, date(2026, 8, 10))  # 10 days

    assert forecast.pace == Decimal("0.1")
    assert forecast.projected == 1 + int(Decimal("0.1") * 355)  # 355 days left: 36


def test_credits_are_projected_to_the_hundredth():
    forecast = project(
        label="CPD credits",
        noun="CPD credits",
        current=Decimal("12.5"),
        target=50,
        period_start=START,
        review_date=REVIEW,
        today=date(2027, 1, 31),  # 184 days gone, 181 left
        whole=False,
    )

    assert forecast.projected == Decimal("24.79")
    assert forecast.status == AT_RISK and forecast.missing == Decimal("25.21")
    assert forecast.sentence.endswith("you will have 24.79 by 31 July: 25.21 more needed.")
    assert forecast.sentence.startswith("12.5 of 50 CPD credits;")


def test_before_the_period_begins_there_is_no_pace():
    forecast = cbds(0, date(2026, 7, 20))

    assert forecast.pace is None and forecast.status == AT_RISK
    assert forecast.sentence == (
        "0 of 4 CBDs; the review period starts on 1 August: 4 needed by 31 July."
    )


def test_after_the_review_date_what_is_there_is_all_there_is():
    forecast = cbds(3, date(2027, 8, 15))

    assert forecast.projected == 3 and forecast.status == AT_RISK
    assert forecast.sentence == "3 of 4 CBDs by the review on 31 July: 1 short."


def test_the_projection_stops_at_the_most_there_can_be():
    # 10 of 13 curriculum requirements met in 122 days would be 29 at that pace.
    forecast = project(
        label="Curriculum requirements met",
        noun="curriculum requirements met",
        current=10,
        target=13,
        period_start=START,
        review_date=REVIEW,
        today=date(2026, 11, 30),
        ceiling=13,
    )
    assert forecast.projected == 13 and forecast.status == ON_TRACK


def test_on_the_review_day_itself_nothing_more_is_projected():
    assert cbds(3, REVIEW).projected == 3


def test_summary_counts_each_status():
    forecasts = [
        cbds(5, date(2026, 11, 30)),
        cbds(2, date(2026, 11, 30)),
        cbds(0, date(2026, 11, 30)),
    ]

    assert summary(forecasts) == {MET: 1, ON_TRACK: 1, AT_RISK: 1}


@pytest.mark.parametrize(
    ("enrolment_start", "review_date", "counted_from"),
    [
        (date(2026, 8, 1), date(2027, 7, 31), date(2026, 8, 1)),
        # A second year: the review counts its own year only.
        (date(2025, 8, 1), date(2027, 7, 31), date(2026, 8, 1)),
        # A review brought forward counts from the enrolment's start.
        (date(2026, 8, 1), date(2027, 6, 15), date(2026, 8, 1)),
        (date(2023, 3, 1), date(2024, 2, 29), date(2023, 3, 1)),
    ],
)
def test_the_review_period(enrolment_start, review_date, counted_from):
    assert review_period_start(enrolment_start, review_date) == counted_from


@pytest.mark.parametrize(
    ("start", "review"),
    [
        (date(2026, 8, 1), date(2027, 7, 31)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_the_default_review_falls_the_day_before_the_first_anniversary(start, review):
    class Enrolment:
        start_date = start

    assert default_review_date(Enrolment) == review
