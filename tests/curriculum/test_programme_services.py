"""The programme services, whoever calls them: only the organisation's admins (or the system)
may change a programme, its enrolments and its requirements, and each change is in the audit
log, with ids and hashes rather than names."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from core.hashing import sha256
from curriculum import services
from curriculum.models import Enrolment, Programme, Requirement
from tests.curriculum.programme_pages import day, enrol_url, item, today
from tests.factories import EnrolmentFactory
from tests.helpers import audit_intact

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(programme, trainee, other_trainee):
    framework = programme.frameworks.get()
    return {
        "programme": programme,
        "framework": framework,
        "enrolment": EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-30)),
        "requirement": Requirement.objects.create(
            programme=programme, item=item(framework, "R1.1"), min_entries=2
        ),
        "other_trainee": other_trainee,
    }


# Each service with arguments that would change something, given an actor allowed to.
CALLS = {
    "create_programme": lambda r, actor: services.create_programme(
        actor=actor,
        organisation=r["programme"].organisation,
        name="Foundation Year 2",
        frameworks=[r["framework"]],
        start_date=today(),
    ),
    "update_programme": lambda r, actor: services.update_programme(
        actor=actor,
        programme=r["programme"],
        name="Renamed",
        frameworks=[r["framework"]],
        start_date=day(-60),
        end_date=day(300),
    ),
    "enrol_trainee": lambda r, actor: services.enrol_trainee(
        actor=actor, programme=r["programme"], trainee=r["other_trainee"], start_date=today()
    ),
    "end_enrolment": lambda r, actor: services.end_enrolment(
        actor=actor, enrolment=r["enrolment"], end_date=today()
    ),
    "set_requirement": lambda r, actor: services.set_requirement(
        actor=actor,
        programme=r["programme"],
        item=item(r["framework"], "R2.1"),
        min_entries=3,
        signed_off_required=False,
    ),
    "require_level": lambda r, actor: services.require_level(
        actor=actor,
        programme=r["programme"],
        level="roots",
        min_entries=1,
        signed_off_required=True,
    ),
    "remove_requirement": lambda r, actor: services.remove_requirement(
        actor=actor, requirement=r["requirement"]
    ),
}


def state():
    """Everything the programme services could change, and the length of the log."""
    return (
        sorted(Programme.objects.values_list("pk", "name", "start_date", "end_date")),
        sorted(Programme.objects.values_list("pk", "frameworks")),
        sorted(Enrolment.objects.values_list("pk", "trainee_id", "start_date", "end_date")),
        sorted(Requirement.objects.values_list("pk", "item_id", "min_entries")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
@pytest.mark.parametrize("service", CALLS)
def test_someone_not_an_admin_of_the_organisation_is_refused_by_every_programme_service(
    request, records, persona, service
):
    actor = request.getfixturevalue(persona)
    before = state()

    with pytest.raises(PermissionDenied):
        CALLS[service](records, actor)

    assert state() == before


@pytest.mark.parametrize("actor", ["org_admin", "the system"])
@pytest.mark.parametrize("service", CALLS)
def test_every_programme_change_is_logged_once_under_the_service_and_its_actor(
    request, records, service, actor
):
    person = None if actor == "the system" else request.getfixturevalue(actor)
    before = state()

    CALLS[service](records, person)

    assert state() != before
    entries = AuditEntry.objects.order_by("pk")[before[-1] :]
    assert [(e.action, e.actor_id) for e in entries] == [(service, person.pk if person else None)]
    audit_intact()


def test_a_programme_is_logged_with_ids_and_a_hash_of_its_name(org_a, org_admin, programme):
    framework = programme.frameworks.get()

    created = services.create_programme(
        actor=org_admin,
        organisation=org_a,
        name="Foundation Year 2",
        frameworks=[framework],
        start_date=day(1),
    )

    entry = AuditEntry.objects.get(action="create_programme")
    assert (entry.object_type, entry.object_id) == ("programme", str(created.pk))
    assert entry.payload == {
        "organisation": org_a.pk,
        "name_sha256": sha256("Foundation Year 2"),
        "frameworks": [framework.pk],
        "start_date": day(1).isoformat(),
        "end_date": None,
    }


def test_starting_and_ending_an_enrolment_logs_who_may_now_follow_whom(
    org_admin, other_trainee, programme
):
    enrolment = services.enrol_trainee(
        actor=org_admin, programme=programme, trainee=other_trainee, start_date=day(-2)
    )
    services.end_enrolment(actor=org_admin, enrolment=enrolment, end_date=day(5))

    entries = AuditEntry.objects.filter(object_type="enrolment", object_id=str(enrolment.pk))
    assert [(e.action, e.payload) for e in entries.order_by("pk")] == [
        (
            "enrol_trainee",
            {
                "programme": programme.pk,
                "trainee": other_trainee.pk,
                "start_date": day(-2).isoformat(),
                "end_date": None,
            },
        ),
        (
            "end_enrolment",
            {
                "programme": programme.pk,
                "trainee": other_trainee.pk,
                "start_date": day(-2).isoformat(),
                "end_date": day(5).isoformat(),
            },
        ),
    ]


def test_requirement_changes_name_the_items(org_admin, programme):
    framework = programme.frameworks.get()
    r21 = item(framework, "R2.1")

    requirement = services.set_requirement(
        actor=org_admin, programme=programme, item=r21, min_entries=3, signed_off_required=False
    )
    services.require_level(
        actor=org_admin, programme=programme, level="roots", min_entries=1, signed_off_required=True
    )
    requirement_id = requirement.pk
    services.remove_requirement(actor=org_admin, requirement=requirement)

    entries = {e.action: e for e in AuditEntry.objects.all()}
    assert entries["set_requirement"].payload == {
        "programme": programme.pk,
        "item": r21.pk,
        "min_entries": 3,
        "signed_off_required": False,
    }
    assert entries["require_level"].object_id == str(programme.pk)
    assert entries["require_level"].payload == {
        "level": "roots",
        "min_entries": 1,
        "signed_off_required": True,
        "items": sorted([item(framework, "R1").pk, item(framework, "R2").pk]),
    }
    assert entries["remove_requirement"].object_id == str(requirement_id)
    assert entries["remove_requirement"].payload["item"] == r21.pk


def test_requiring_a_level_already_required_logs_nothing(org_admin, programme):
    def require():
        return services.require_level(
            actor=org_admin,
            programme=programme,
            level="leaves",
            min_entries=1,
            signed_off_required=True,
        )

    require()
    before = AuditEntry.objects.count()

    assert require() == 0
    assert AuditEntry.objects.count() == before


def test_the_pages_act_as_the_signed_in_admin(client, org_admin, other_trainee, programme):
    client.force_login(org_admin)

    client.post(enrol_url(programme), {"trainee": other_trainee.pk, "start_date": today()})

    entry = AuditEntry.objects.get(action="enrol_trainee")
    assert entry.actor_id == org_admin.pk
