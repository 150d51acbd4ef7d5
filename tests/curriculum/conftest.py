import pytest
from django.utils import timezone

from curriculum.models import Framework
from tests.curriculum.programme_pages import programme_on
from tests.factories import framework_with_tree


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """Today, held still for the length of a test. Tests compare the dates they send with the
    dates pages store and show; a test running over midnight would otherwise compare
    yesterday's dates with today's."""
    held, real = timezone.localdate(), timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: held if value is None else real(value, timezone),
    )
    return held


@pytest.fixture
def no_frameworks(db):
    """The test database starts with the shipped frameworks loaded; some tests need to see
    them created."""
    Framework.objects.all().delete()


@pytest.fixture
def programme(org_a):
    """A programme of organisation A on a framework of two roots with three children each."""
    return programme_on(org_a, framework_with_tree(2, 3), name="Foundation Year 1")
