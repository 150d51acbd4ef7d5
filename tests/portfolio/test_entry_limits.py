"""An entry records learning that has happened: no future dates, no implausibly old ones, and
text of a sensible length — refused with a message by the field, on pages and in the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio import services
from portfolio.models import TEXT_MAX_LENGTH, LearningEntry, Status
from tests.helpers import assert_inline_error

pytestmark = pytest.mark.django_db


def fields(**overrides):
    return {"kind": "teaching_attended", "title": "Sepsis teaching", **overrides}


def test_today_is_the_latest_date_an_entry_can_have(enrolled_trainee, frozen_today):
    entry, _ = services.log_entry(actor=enrolled_trainee, **fields(date=frozen_today))
    assert entry.date == frozen_today


def test_the_service_refuses_a_future_date_by_the_field(enrolled_trainee, frozen_today):
    with pytest.raises(ValidationError) as refused:
        services.log_entry(actor=enrolled_trainee, **fields(date=frozen_today + timedelta(days=1)))
    assert "cannot be dated in the future" in refused.value.message_dict["date"][0]
    assert not LearningEntry.objects.exists()


def test_an_implausibly_old_date_is_refused(enrolled_trainee, frozen_today):
    with pytest.raises(ValidationError) as refused:
        services.log_entry(
            actor=enrolled_trainee, **fields(date=frozen_today.replace(year=frozen_today.year - 60))
        )
    assert "Check the year" in refused.value.message_dict["date"][0]


def test_an_entry_cannot_be_moved_into_the_future(log, enrolled_trainee, frozen_today):
    entry = log(date=frozen_today)
    with pytest.raises(ValidationError) as refused:
        services.update_entry(
            entry=entry, actor=enrolled_trainee, date=frozen_today + timedelta(days=400)
        )
    assert "date" in refused.value.message_dict
    entry.refresh_from_db()
    assert entry.date == frozen_today


def test_the_quick_log_shows_the_date_error_by_the_field(client, enrolled_trainee, frozen_today):
    client.force_login(enrolled_trainee)
    tomorrow = (frozen_today + timedelta(days=1)).isoformat()
    response = client.post(reverse("portfolio:entry_create"), fields(date=tomorrow))
    assert response.status_code == 200
    assert_inline_error(response, "date", "An entry cannot be dated in the future.")
    assert not LearningEntry.objects.exists()


def test_text_longer_than_the_limit_is_refused_by_the_field(enrolled_trainee, frozen_today):
    with pytest.raises(ValidationError) as refused:
        services.log_entry(
            actor=enrolled_trainee,
            **fields(date=frozen_today, description="x" * (TEXT_MAX_LENGTH + 1)),
        )
    assert "description" in refused.value.message_dict
    entry, _ = services.log_entry(
        actor=enrolled_trainee, **fields(date=frozen_today, description="x" * TEXT_MAX_LENGTH)
    )
    assert len(entry.description) == TEXT_MAX_LENGTH


def test_a_sign_off_comment_has_the_same_limit(log, enrolled_trainee, supervisor):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    with pytest.raises(ValidationError) as refused:
        services.approve(entry=entry, actor=supervisor, comment="x" * (TEXT_MAX_LENGTH + 1))
    assert "comment" in refused.value.message_dict
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED
