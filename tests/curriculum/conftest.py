import pytest

from curriculum.models import Framework
from tests.curriculum.programme_pages import programme_on
from tests.factories import framework_with_tree


@pytest.fixture(autouse=True)
def today_held_still(frozen_today):
    """Programme tests compare the dates they send with those pages store and show."""
    return frozen_today


@pytest.fixture
def no_frameworks(db):
    """The test database starts with the shipped frameworks loaded; some tests need to see
    them created."""
    Framework.objects.all().delete()


@pytest.fixture
def programme(org_a):
    """A programme of organisation A on a framework of two roots with three children each."""
    return programme_on(org_a, framework_with_tree(2, 3), name="Foundation Year 1")
