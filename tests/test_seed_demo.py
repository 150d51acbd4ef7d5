"""seed_demo: the demo organisations, logins and F1 programme, idempotent, development only."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, Supervision, User
from curriculum import selectors
from curriculum.models import Enrolment, Programme, Requirement

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            Membership,
            Supervision,
            Programme,
            Enrolment,
            Requirement,
        )
    }


def test_seed_demo_creates_the_demo_world_and_prints_the_logins(capsys, settings):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for email in [
        "trainee1@waymark.example",
        "supervisor1@waymark.example",
        "admin@waymark.example",
    ]:
        assert email in out
    assert settings.DEMO_PASSWORD in out
    assert Organisation.objects.get(slug="st-elsewhere").name == "St Elsewhere NHS Foundation Trust"
    assert set(Organisation.objects.values_list("kind", flat=True)) >= {
        "nhs_trust",
        "deanery",
        "elearning_provider",
    }
    assert authenticate(email="trainee1@waymark.example", password=settings.DEMO_PASSWORD)
    assert Supervision.objects.active().count() == 4


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    before = row_counts()
    call_command("seed_demo")
    assert row_counts() == before


def test_demo_trainee_coverage_shows_13_fpcs_under_3_hlos():
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    programme = selectors.programmes_of_trainee(trainee).get()
    rows = selectors.coverage(trainee=trainee, programme=programme)
    assert [row.item.code for row in rows] == ["HLO1", "HLO2", "HLO3"]
    assert [len(row.children) for row in rows] == [5, 5, 3]
    assert all(child.requirement is not None for row in rows for child in row.children)


def test_seed_demo_refuses_outside_development(settings):
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="only runs in development mode"):
        call_command("seed_demo")
    assert not User.objects.exists()
