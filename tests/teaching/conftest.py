from datetime import timedelta

import pytest
from django.utils import timezone

from teaching.models import TeachingProgramme, TeachingSession


@pytest.fixture
def session_of(db):
    """A session of the organisation's "fy-teaching" programme, by default started ten
    minutes ago (so check-in is open) with the code 123456."""

    def make(organisation, *, starts_at=None, code="123456", **fields):
        programme, _ = TeachingProgramme.objects.get_or_create(
            organisation=organisation, slug="fy-teaching", defaults={"name": "FY teaching"}
        )
        return TeachingSession.objects.create(
            programme=programme,
            title=fields.pop("title", "Sepsis"),
            starts_at=starts_at or timezone.now() - timedelta(minutes=10),
            check_in_code=code,
            **fields,
        )

    return make
