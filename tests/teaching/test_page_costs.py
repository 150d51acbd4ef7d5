"""The teaching pages cost a fixed number of queries however many sessions, trainees and
attendances there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from teaching import services
from tests.conftest import member
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def add_sessions(session_of, organisation, count):
    for n in range(count):
        session_of(organisation, title=f"Session {n}", starts_at=timezone.now() - timedelta(days=n))


def add_attending_trainees(organisation, session, admin, count):
    trainees = [member(organisation, Role.TRAINEE) for _ in range(count)]
    services.mark_register(session=session, trainees=trainees, actor=admin)


@pytest.mark.parametrize("page", ["programmes", "programme_detail"])
def test_programme_pages_cost_as_many_queries_for_30_sessions_as_for_3(
    client, org_a, org_admin, session_of, page
):
    first = session_of(org_a)
    args = [org_a.slug] if page == "programmes" else [org_a.slug, first.programme_id]
    url = reverse(f"teaching:{page}", args=args)
    client.force_login(org_admin)
    client.get(url)  # Sessions and caches settle on the first request.

    add_sessions(session_of, org_a, 2)
    with_3 = queries_for(client, url)
    add_sessions(session_of, org_a, 27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3


@pytest.mark.parametrize("page", ["session_detail", "register"])
def test_session_pages_cost_as_many_queries_for_30_attendances_as_for_3(
    client, org_a, org_admin, session_of, page
):
    session = session_of(org_a)
    url = reverse(f"teaching:{page}", args=[org_a.slug, session.pk])
    client.force_login(org_admin)
    client.get(url)

    add_attending_trainees(org_a, session, org_admin, 3)
    with_3 = queries_for(client, url)
    add_attending_trainees(org_a, session, org_admin, 27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3
