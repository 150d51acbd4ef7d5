"""Third-party apps' standing with Waymark: which organisation owns an app, and which
people have connected which apps. The apps and their tokens themselves are
django-oauth-toolkit's models."""

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings


class OrganisationApp(models.Model):
    """An app registered by an organisation's admin for the organisation's own
    integrations, rather than by a person for themself."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_app",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="oauth_apps"
    )

    def __str__(self):
        return f"{self.application} for {self.organisation}"


class ConnectionQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)


class Connection(models.Model):
    """A person's consent to an app acting for them: made when the app first redeems an
    authorization, ended when the person revokes it (which ends its tokens too)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_connections"
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    scope = models.TextField(help_text="The scopes last granted, space-separated.")
    connected_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="connection_unique_app")
        ]

    def __str__(self):
        return f"{self.application} for {self.user}"


# Apps that registered themselves (RFC 7591) keep their metadata in a module of its own.
from integrations.registration.models import RegisteredClient  # noqa: E402, F401

# Webhooks keep their models in a module of their own; imported here so that Django finds
# them as the app's.
from integrations.webhooks.models import Delivery, DeliveryAttempt, Subscription  # noqa: E402, F401

# xAPI intake's models, in a module of their own.
from integrations.xapi.models import (  # noqa: E402, F401
    ProviderConnection,
    Statement,
    XapiCredential,
)
