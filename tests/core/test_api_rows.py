"""ManyRows writes a row as REST framework would, reading plain columns directly."""

import datetime

import pytest
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from core.api_rows import ManyRows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class PersonRow(ManyRows, serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")  # a callable
    organisation = serializers.CharField(source="nothing.here", required=False)  # skipped
    joined = serializers.DateTimeField(source="date_joined")  # a column under another name

    class Meta:
        model = User
        fields = ["id", "email", "name", "organisation", "joined", "last_login", "is_active"]


def rest_framework_rows(serializer_class, instances):
    return [serializers.ModelSerializer.to_representation(serializer_class(), i) for i in instances]


def test_rows_are_what_rest_framework_writes_in_the_requests_time_zone():
    summer = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 30), datetime.UTC)
    people = [
        UserFactory(full_name="Ada Lovelace", date_joined=summer),
        UserFactory(date_joined=summer, last_login=summer),
    ]
    with timezone.override("Europe/London"):
        rows = PersonRow(people, many=True).data

        assert rows == rest_framework_rows(PersonRow, people)
    assert [row["joined"] for row in rows] == ["2026-07-01T10:30:00+01:00"] * 2
    assert rows[0]["last_login"] is None
    assert "organisation" not in rows[0]
    assert rows[0]["name"] == "Ada Lovelace"


def test_only_the_models_own_columns_are_read_directly():
    serializer = PersonRow()

    direct = {name: column for name, _, column in serializer._readers}

    assert direct == {
        "id": "id",
        "email": "email",
        "name": None,
        "organisation": None,
        "joined": "date_joined",
        "last_login": "last_login",
        "is_active": "is_active",
    }
