"""Fixtures for xAPI intake: an e-learning provider with a key and secret, a trainee who
has connected it, and statements as providers send them."""

import base64
import uuid

import pytest
from django.core.cache import cache

from accounts.models import Organisation, Role
from integrations.xapi import services
from tests.conftest import member
from tests.factories import OrganisationFactory

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
MODULE = "http://adlnet.gov/expapi/activities/module"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provider(db):
    return OrganisationFactory(
        name="Ward Round Learning",
        slug="ward-round-learning",
        kind=Organisation.Kind.ELEARNING_PROVIDER,
    )


@pytest.fixture
def other_provider(db):
    return OrganisationFactory(
        name="Elsewhere LMS", slug="elsewhere-lms", kind=Organisation.Kind.ELEARNING_PROVIDER
    )


@pytest.fixture
def provider_admin(provider):
    return member(provider, Role.ADMIN, email="admin@wardround.example")


@pytest.fixture
def credentials(provider):
    """(key, secret) of a new credential of the provider."""
    credential, secret = services.create_credential(organisation=provider, actor=None)
    return credential.key, secret


def basic(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def lrs_headers(credentials):
    """What an xAPI client sends on every request to the statements resource."""
    return {**VERSION, **basic(*credentials)}


@pytest.fixture
def connected_trainee(trainee, provider):
    services.connect_provider(user=trainee, organisation=provider, actor=trainee)
    return trainee


def completion(email="trainee@example.org", *, id=None, name="Sepsis: recognise and act", **extra):
    """A completion of a module, as an e-learning provider sends it."""
    statement = {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": COMPLETED, "display": {"en-GB": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": "https://wardround.example/modules/sepsis-1",
            "definition": {
                "type": MODULE,
                "name": {"en-GB": name},
                "description": {"en-GB": "Spotting sepsis early on the ward."},
            },
        },
        "result": {"completion": True, "duration": "PT1H30M"},
        "timestamp": "2026-11-20T10:00:00+00:00",
        **extra,
    }
    statement["id"] = id or str(uuid.uuid4())
    return statement


def voiding(target_id: str, *, id=None):
    return {
        "id": id or str(uuid.uuid4()),
        "actor": {"mbox": "mailto:lms@wardround.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }
