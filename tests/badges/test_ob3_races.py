"""Signing an award's credential on first request is safe when requests race, and a
revocation racing the first request never leaves a signed credential unrevoked."""

import threading

import pytest
from django.db import connection

from badges.models import Award, BadgeClass, OpenBadgeCredential
from badges.ob3 import issuing, status_list
from badges.services import awarding

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    award = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )
    # As an award made before Waymark issued Open Badges 3.0.
    OpenBadgeCredential.objects.filter(award=award).delete()
    return award


def run_together(*actions):
    """Start every action at the same moment, each on its own database connection."""
    start = threading.Barrier(len(actions))
    results, errors = [None] * len(actions), []

    def run(position, action):
        try:
            start.wait()
            results[position] = action()
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_first_requests_sign_one_credential(award):
    def first_request():
        fresh = Award.objects.select_related("badge_class__issuer").get(pk=award.pk)
        return issuing.credential_for(fresh).pk

    results, errors = run_together(*[first_request] * 4)
    assert errors == []
    assert len(set(results)) == 1
    assert OpenBadgeCredential.objects.filter(award=award).count() == 1


def test_a_revocation_racing_the_first_request_leaves_no_unrevoked_credential(award, org_admin):
    def first_request():
        fresh = Award.objects.select_related("badge_class__issuer").get(pk=award.pk)
        try:
            return issuing.credential_for(fresh).pk
        except issuing.NotIssuable:
            return None

    def revoke():
        fresh = Award.objects.get(pk=award.pk)
        return awarding.revoke_award(award=fresh, actor=org_admin, reason="Awarded in error").pk

    _results, errors = run_together(first_request, revoke)
    assert errors == []
    credential = OpenBadgeCredential.objects.filter(award=award).first()
    if credential is not None:
        bits = bytes(credential.status_list.bits)
        assert status_list.bit(bits, credential.status_index) is True
