"""Notifications made through `notify`, as every app makes them."""

import pytest

from notifications.models import Kind
from notifications.services import notify


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """Notify someone and run what follows the commit (the email task), as in life."""

    def tell(recipient, kind=Kind.EXPORT_READY, *, subject="Your PDF portfolio is ready", **kw):
        fields = {"body": f"{subject}.\n\nWaymark", "url": "/exports/", **kw}
        with django_capture_on_commit_callbacks(execute=True):
            return notify(recipient=recipient, kind=kind, subject=subject, **fields)

    return tell


@pytest.fixture(autouse=True)
def badge_key_encryption(settings):
    """A Fernet key of the test's own for issuers' signing keys, never the machine's file."""
    from cryptography.fernet import Fernet

    settings.BADGE_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
