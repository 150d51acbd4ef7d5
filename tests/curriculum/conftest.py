import pytest

from curriculum.models import Framework


@pytest.fixture
def no_frameworks(db):
    """The test database starts with the shipped frameworks loaded; some tests need to see
    them created."""
    Framework.objects.all().delete()
