"""xAPI intake: an e-learning provider's credentials for the statements resource, the
providers each trainee has allowed to send learning into their portfolio, and the
statements received from them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CredentialQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class XapiCredential(models.Model):
    """A key and secret an e-learning provider's systems send as HTTP Basic. The secret is
    shown once and stored only as a keyed hash."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="xapi_credentials"
    )
    key = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    def __str__(self):
        return f"xAPI key {self.key} of {self.organisation}"


class ProviderConnectionQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)


class ProviderConnection(models.Model):
    """A trainee's consent to an e-learning provider sending completions into their
    portfolio. Statements are matched to the trainee by a verified email address, or by
    the account the trainee says they hold at the provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_connections"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="provider_connections"
    )
    account_home_page = models.URLField(
        "account home page",
        blank=True,
        help_text="The provider's address that your account name belongs to, if it uses one.",
    )
    account_name = models.CharField(
        "account name at the provider",
        max_length=200,
        blank=True,
        help_text="Your user name or id at the provider, if it does not know you by email.",
    )
    connected_at = models.DateTimeField()

    objects = ProviderConnectionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="provider_connection_unique"
            ),
            # Two trainees claiming the same account at a provider would let one receive
            # the other's completions.
            models.UniqueConstraint(
                fields=["organisation", "account_home_page", "account_name"],
                condition=~Q(account_name=""),
                name="provider_connection_unique_account",
            ),
        ]

    def __str__(self):
        return f"{self.user} allows {self.organisation}"


class Statement(models.Model):
    """An xAPI statement as received, kept so that it can be read back and so that an id
    sent again with other content is refused (409)."""

    statement_id = models.UUIDField()
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="xapi_statements"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="xapi_statements",
    )
    raw = models.JSONField()
    stored_at = models.DateTimeField()
    entry = models.ForeignKey(
        "portfolio.LearningEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="xapi_statements",
    )
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "statement_id"], name="xapi_statement_unique_id"
            )
        ]

    def __str__(self):
        return f"Statement {self.statement_id} from {self.provider}"
