"""What an app said about itself when it registered through Dynamic Client Registration
(RFC 7591). The app itself is django-oauth-toolkit's Application."""

from django.db import models
from oauth2_provider.settings import oauth2_settings


class RegisteredClient(models.Model):
    """The metadata a self-registered app gave: the scopes it may ask for, and the pages
    (home, logo, terms, privacy policy) the consent page links to."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="registered_client",
    )
    scope = models.TextField(
        help_text="The scopes the app may ask for, space-separated; no others are granted."
    )
    metadata = models.JSONField(help_text="The client metadata as registered (RFC 7591).")
    registered_at = models.DateTimeField()

    def __str__(self):
        return f"{self.application} (registered itself)"
