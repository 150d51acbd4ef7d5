"""Writes for apps that register themselves."""

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from integrations.registration.models import RegisteredClient


@transaction.atomic
def record_registration(*, application, metadata: dict) -> RegisteredClient:
    """Keep what a self-registered app said about itself, and audit it. The app is the
    actor; no person is."""
    client = RegisteredClient.objects.create(
        application=application,
        scope=metadata["scope"],
        metadata=metadata,
        registered_at=timezone.now(),
    )
    audit.append(
        actor=None,
        action="register_oauth_app_dynamically",
        obj=application,
        payload={
            "client_id": application.client_id,
            "client_type": application.client_type,
            "redirect_uris": application.redirect_uris.split(),
            **metadata,
        },
    )
    return client
