"""Endorsing and withdrawing: only the endorser's admins, never itself or its own badge
classes, one standing endorsement per target, signed once as it is made, and audited."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from badges.models import BadgeClass, Endorsement
from badges.ob3 import status_list
from badges.services import endorsements
from core.errors import StateConflict
from tests.badges.endorsing import CLAIM, college, endorse, endorsed_class, trust_issuer

pytestmark = pytest.mark.django_db

__all__ = ["college", "endorsed_class", "trust_issuer"]


def test_an_admin_of_the_endorsing_organisation_endorses_a_badge_class(
    college, endorsed_class, org_b_admin
):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    assert endorsement.badge_class == endorsed_class and endorsement.issuer is None
    assert endorsement.claim == CLAIM and endorsement.created_by == org_b_admin
    assert endorsement.is_live
    credential = endorsement.credential
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert endorsement.credential_jwt.count(".") == 2
    assert endorsement.key.issuer == college
    assert endorsement.status_list.issuer == college
    endorsement.status_list.refresh_from_db()
    assert endorsement.status_list.places_taken == 1
    entry = AuditEntry.objects.get(action="endorse")
    assert entry.object_id == str(endorsement.pk) and entry.actor_id == org_b_admin.pk
    assert entry.chain.endswith(str(college.organisation_id))
    assert entry.payload["claim"] == CLAIM


def test_an_issuer_is_endorsed_too(college, trust_issuer, org_b_admin):
    endorsement = endorse(org_b_admin, college, trust_issuer)
    assert endorsement.issuer == trust_issuer and endorsement.badge_class is None


@pytest.mark.parametrize("who", ["org_admin", "trainee", "org_b_supervisor"])
def test_only_admins_of_the_endorsing_organisation_endorse(
    who, request, college, endorsed_class, org_b
):
    from accounts.models import Role
    from tests.conftest import member

    if who == "org_b_supervisor":
        actor = member(org_b, Role.SUPERVISOR, email="supervisor.b@example.org")
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        endorse(actor, college, endorsed_class)
    assert not Endorsement.objects.exists()


def test_an_issuer_cannot_endorse_itself(college, org_b_admin):
    with pytest.raises(ValidationError) as refused:
        endorse(org_b_admin, college, college)
    assert refused.value.message_dict == {"target": ["An issuer cannot endorse itself."]}


def test_an_issuer_cannot_endorse_its_own_badge_classes(trust_issuer, endorsed_class, org_admin):
    with pytest.raises(ValidationError) as refused:
        endorse(org_admin, trust_issuer, endorsed_class)
    assert refused.value.message_dict == {
        "target": ["An issuer cannot endorse its own badge classes."]
    }


def test_the_database_refuses_an_issuer_endorsing_itself(college, endorsed_class, org_b_admin):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.filter(pk=endorsement.pk).update(badge_class=None, issuer=college)


def test_the_database_refuses_two_targets(college, endorsed_class, trust_issuer, org_b_admin):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.filter(pk=endorsement.pk).update(issuer=trust_issuer)


def test_an_inactive_badge_class_is_not_endorsed(college, endorsed_class, org_b_admin):
    BadgeClass.objects.filter(pk=endorsed_class.pk).update(is_active=False)
    endorsed_class.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        endorse(org_b_admin, college, endorsed_class)
    assert "not active" in refused.value.message_dict["target"][0]


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ("   ", "Say what you endorse, in words: the claim is published."),
        ("x" * 1001, "A claim can be at most 1000 characters (1001 now)."),
    ],
)
def test_the_claim_is_required_and_bounded(claim, message, college, endorsed_class, org_b_admin):
    with pytest.raises(ValidationError) as refused:
        endorse(org_b_admin, college, endorsed_class, claim=claim)
    assert refused.value.message_dict == {"claim": [message]}


def test_one_standing_endorsement_per_target(college, endorsed_class, org_b_admin):
    endorse(org_b_admin, college, endorsed_class)
    with pytest.raises(ValidationError) as refused:
        endorse(org_b_admin, college, endorsed_class, claim="Again.")
    assert refused.value.message_dict["target"][0].startswith(
        "Royal College of Elsewhere already endorses “Journal club host”."
    )
    assert Endorsement.objects.count() == 1


def test_the_database_holds_one_standing_endorsement_per_target(
    college, endorsed_class, org_b_admin
):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    copy = Endorsement.objects.get(pk=endorsement.pk)
    copy.pk, copy.uid = None, uuid.uuid4()
    copy.status_index = (endorsement.status_index + 1) % 131072
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_withdrawing_sets_the_status_bit_and_is_audited(college, endorsed_class, org_b_admin):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    withdrawn = endorsements.withdraw_endorsement(
        actor=org_b_admin, endorsement=endorsement, reason="The outcomes changed."
    )
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == org_b_admin
    assert withdrawn.withdrawal_reason == "The outcomes changed."
    endorsement.status_list.refresh_from_db()
    assert status_list.bit(bytes(endorsement.status_list.bits), endorsement.status_index)
    assert AuditEntry.objects.filter(action="endorsement_withdraw").count() == 1


def test_a_withdrawn_endorsement_leaves_room_for_a_new_one(college, endorsed_class, org_b_admin):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason="Old.")
    again = endorse(org_b_admin, college, endorsed_class, claim="Meets the 2027 outcomes.")
    assert again.is_live and again.status_index != endorsement.status_index


def test_withdrawing_needs_a_reason_an_admin_and_a_standing_endorsement(
    college, endorsed_class, org_b_admin, org_admin
):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    with pytest.raises(PermissionDenied):
        endorsements.withdraw_endorsement(actor=org_admin, endorsement=endorsement, reason="No.")
    with pytest.raises(ValidationError) as refused:
        endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason="Old.")
    with pytest.raises(StateConflict):
        endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason="Old.")


def test_award_credentials_and_endorsements_never_share_a_status_bit(
    college, trust_issuer, org_b_admin, monkeypatch
):
    endorsement = endorse(org_b_admin, college, trust_issuer)
    picks = iter([endorsement.status_index, endorsement.status_index, 7])
    monkeypatch.setattr(status_list, "random_index", lambda: next(picks))
    from badges.ob3 import issuing

    place, index = issuing.status_place(college)
    assert place == endorsement.status_list and index == 7


def test_the_count_of_places_taken_starts_from_the_holders_already_in_each_list(
    college, endorsed_class, org_b_admin, badge_classes, enrolled_trainee, org_admin
):
    """The migration that added StatusList.places_taken counts the credentials and
    endorsements each list already held."""
    import importlib

    from django.apps import apps

    from badges.models import OpenBadgeCredential, StatusList
    from badges.ob3 import issuing
    from badges.services import awarding

    endorse(org_b_admin, college, endorsed_class)
    for slug in ("journal-club-host", "journal-club-regular"):
        issuing.credential_for(
            awarding.award_badge(
                badge_class=BadgeClass.objects.get(slug=slug),
                recipient=enrolled_trainee,
                actor=org_admin,
            )
        )
    StatusList.objects.update(places_taken=0)
    migration = importlib.import_module("badges.migrations.0016_statuslist_places_taken")
    migration.count_places(apps, None)
    counted = dict(StatusList.objects.values_list("pk", "places_taken"))
    held = {
        place: OpenBadgeCredential.objects.filter(status_list=place).count()
        + Endorsement.objects.filter(status_list=place).count()
        for place in counted
    }
    assert counted == held and sorted(counted.values()) == [1, 2]
