"""The entry page as its trainee sees it: who has read a shared reflection, and what the
delete confirmation says when the entry cannot be deleted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio import services
from portfolio.models import ReflectionView, Status
from tests.conftest import member

pytestmark = pytest.mark.django_db


def test_who_has_read_it_lists_each_reader_once_at_their_latest_visit(
    client, log, enrolled_trainee, supervisor, org_a
):
    entry = log(reflection_learned="Ask for help early.", reflection_shared=True)
    other = member(org_a, "supervisor", email="second@example.org")
    start = timezone.now() - timedelta(days=10)
    for day in range(5):
        ReflectionView.objects.create(
            entry=entry, viewer=supervisor, viewed_at=start + timedelta(days=day)
        )
    ReflectionView.objects.create(entry=entry, viewer=other, viewed_at=start)
    client.force_login(enrolled_trainee)

    response = client.get(reverse("portfolio:entry_detail", args=[entry.pk]))

    readers = [(v.viewer, v.viewed_at) for v in response.context["reflection_views"]]
    assert readers == [(supervisor, start + timedelta(days=4)), (other, start)]
    assert "Who has read it (2)" in response.text


@pytest.mark.parametrize(
    ("status", "reason"),
    [(Status.SIGNED_OFF, "is signed off"), (Status.SUBMITTED, "waiting for sign-off")],
)
def test_the_delete_page_of_an_entry_that_cannot_be_deleted_says_why(
    client, log, enrolled_trainee, supervisor, status, reason
):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    if status == Status.SIGNED_OFF:
        services.approve(entry=entry, actor=supervisor)
    client.force_login(enrolled_trainee)

    page = client.get(reverse("portfolio:entry_delete", args=[entry.pk])).text

    assert "cannot be deleted" in page and reason in page
    assert "deleted for good" not in page
    assert "Delete entry</button>" not in page


def test_the_delete_page_of_a_draft_offers_to_delete_it(client, log, enrolled_trainee):
    entry = log()
    client.force_login(enrolled_trainee)

    page = client.get(reverse("portfolio:entry_delete", args=[entry.pk])).text

    assert "deleted for good" in page and "Delete entry</button>" in page
