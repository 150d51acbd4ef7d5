"""Organisation A's information-governance badge, accepted for CSTF-IG; trainees who hold
it; and badges issued elsewhere."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Award, BadgeClass, ExternalBadge, Issuer
from badges.services import awarding
from passport import services
from passport.models import Subject


@pytest.fixture(autouse=True)
def badge_key_encryption(settings):
    """A Fernet key of the test's own for issuers' signing keys, never the machine's file."""
    from cryptography.fernet import Fernet

    settings.BADGE_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def subject():
    return lambda code: Subject.objects.get(code=code)


@pytest.fixture
def ig_badge(org_a):
    issuer = Issuer.objects.create(
        organisation=org_a, name=org_a.name, url="https://a.example/", email="a@a.example"
    )
    return BadgeClass.objects.create(
        issuer=issuer,
        slug="ig",
        name="Information governance",
        description="IG",
        criteria="Do the IG module.",
        valid_for_months=12,
    )


@pytest.fixture
def accepts_ig(org_a, org_admin, ig_badge, subject):
    return services.accept(
        actor=org_admin, organisation=org_a, subject=subject("CSTF-IG"), badge_class=ig_badge
    )


@pytest.fixture
def award(org_admin):
    """award(badge_class, trainee, issued_days_ago=…): an award made by hand, issued then."""

    def award(badge_class, trainee, issued_days_ago=0, expires=None):
        made = awarding.award_badge(badge_class=badge_class, recipient=trainee, actor=org_admin)
        issued = timezone.now() - timedelta(days=issued_days_ago)
        Award.objects.filter(pk=made.pk).update(
            issued_on=issued, expires=expires if expires is not None else made.expires
        )
        made.refresh_from_db()
        return made

    return award


@pytest.fixture
def external_badge():
    def external_badge(trainee, *, verified=True, issued_days_ago=10, **fields):
        defaults = {
            "badge_name": "Fire safety",
            "issuer_name": "Learning Elsewhere",
            "issuer_uri": "https://learning.example/issuer",
            "achievement_uri": "https://learning.example/fire",
            "source": "https://wallet.example/",
        }
        return ExternalBadge.objects.create(
            trainee=trainee,
            uid=uuid.uuid4(),
            issued_on=timezone.now() - timedelta(days=issued_days_ago),
            verified=verified,
            **{**defaults, **fields},
        )

    return external_badge
