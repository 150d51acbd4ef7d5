"""The API refuses what the pages refuse: future dates and over-long text, by the field."""

from datetime import timedelta

import pytest

from tests.api.conftest import assert_error
from tests.portfolio.api.conftest import ENTRIES

pytestmark = pytest.mark.django_db


def fields(**overrides):
    return {"kind": "teaching_attended", "title": "Sepsis teaching", **overrides}


def test_the_api_refuses_a_future_date_by_the_field(api_as, trainee, frozen_today):
    tomorrow = (frozen_today + timedelta(days=1)).isoformat()
    error = assert_error(
        api_as(trainee).post(ENTRIES, fields(date=tomorrow), format="json"), 400, "invalid"
    )
    assert "cannot be dated in the future" in error["fields"]["date"][0]


def test_a_200000_character_description_is_refused_in_the_api(api_as, trainee, frozen_today):
    error = assert_error(
        api_as(trainee).post(
            ENTRIES,
            fields(date=frozen_today.isoformat(), description="x" * 200_000),
            format="json",
        ),
        400,
        "invalid",
    )
    assert "description" in error["fields"]
