"""What the endorsement tests share: a royal college (organisation B's issuer) that endorses
the trust's (organisation A's) issuer and badge classes. Imported by name into each test
module, as pytest finds fixtures there."""

import pytest

from badges.models import BadgeClass, Issuer
from badges.services import endorsements

CLAIM = "Meets the CSTF learning outcomes for Information Governance."


@pytest.fixture
def college(org_b):
    """The endorser: organisation B's issuer."""
    return Issuer.objects.create(
        organisation=org_b,
        name="Royal College of Elsewhere",
        url="https://college.example/",
        email="badges@college.example",
    )


@pytest.fixture
def trust_issuer(badge_classes):
    """The endorsed issuer: organisation A's, with the demo badge classes."""
    return Issuer.objects.get(organisation__slug="org-a")


@pytest.fixture
def endorsed_class(badge_classes):
    return BadgeClass.objects.get(slug="journal-club-host")


def endorse(actor, endorser, target, claim=CLAIM):
    return endorsements.endorse(actor=actor, endorser=endorser, target=target, claim=claim)


def another_endorser(name: str):
    """One more issuer, in an organisation of its own, and that organisation's admin."""
    from accounts.models import Role
    from tests.conftest import member
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(name=name)
    admin = member(organisation, Role.ADMIN)
    issuer = Issuer.objects.create(
        organisation=organisation, name=name, url="https://other.example/", email="b@other.example"
    )
    return issuer, admin
