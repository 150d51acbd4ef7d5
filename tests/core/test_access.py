"""An id from outside that cannot be an id is "not found", never a server error."""

import pytest
from django.http import Http404

from accounts.models import User
from core.access import get_or_404

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("given", ["null,null", "1.5", "", None, "' OR 1=1"])
def test_an_id_that_cannot_be_one_is_not_found(given, trainee):
    with pytest.raises(Http404, match="No such person"):
        get_or_404(User.objects.all(), "No such person.", pk=given)


def test_the_object_comes_back_when_it_is_there(trainee):
    assert get_or_404(User.objects.all(), pk=str(trainee.pk)) == trainee
