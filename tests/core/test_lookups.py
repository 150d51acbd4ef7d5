"""AnyOf: a filter by a list of ids, one parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.lookups import AnyOf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return UserFactory.create_batch(4)


def test_it_finds_what_in_finds(people):
    ids = [people[0].pk, people[2].pk, people[3].pk, 10**9]

    found = User.objects.filter(AnyOf("id", ids)).order_by("pk")

    assert list(found) == list(User.objects.filter(pk__in=ids).order_by("pk"))
    assert list(found) == [people[0], people[2], people[3]]


def test_it_follows_a_foreign_key_by_its_column(people):
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(AnyOf("user_id", [people[1].pk]))

    assert [a.email for a in addresses] == [people[1].email]


def test_no_ids_match_nothing_without_a_query(people):
    with CaptureQueriesContext(connection) as queries:
        assert list(User.objects.filter(AnyOf("id", []))) == []

    assert len(queries) == 0


@pytest.mark.needs_postgresql
def test_on_postgresql_the_ids_go_as_one_array_whatever_their_number(people):
    """The statement is the same for two ids as for fifty: one array parameter, not a
    placeholder (and a value to prepare and send) per id."""
    few = [people[0].pk, people[1].pk]
    many = [p.pk for p in people] + list(range(10**9, 10**9 + 46))
    statements = {}
    for ids in (few, many):
        found = User.objects.filter(AnyOf("id", ids)).values_list("pk", flat=True)
        sql, params = found.query.sql_with_params()
        statements[sql] = params
        assert params == (ids,)
        assert sorted(found) == sorted(pk for pk in ids if pk < 10**9)

    (sql,) = statements
    assert '"accounts_user"."id" = ANY(%s)' in sql
