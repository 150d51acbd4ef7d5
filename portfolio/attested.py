"""Sign-off requests made at another Waymark, and their outcomes, as that site's portable
archive attested them. They arrive with an imported portfolio and are kept apart from
sign-offs given here: nobody here signed them, so badge rules, which count standing local
sign-offs (badges.facts.has_standing_sign_off), never count them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.identity import PortableIdentity


class AttestedSignOffQuerySet(models.QuerySet):
    def standing(self):
        """Approved elsewhere and not withdrawn there."""
        return self.filter(outcome="approved", withdrawn_at__isnull=True)


class AttestedSignOff(PortableIdentity):
    """One sign-off request made at another site (`uid` is its uid there), its outcome and,
    if approved, the sign-off as given there: supervisor, date, content hash and comment.
    Locked: written once by the import that brought it, never edited here."""

    entry = models.ForeignKey(
        "portfolio.LearningEntry", on_delete=models.CASCADE, related_name="attested_sign_offs"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The Waymark site that issued it, as its archive named itself (SITE_URL there).
    site = models.URLField(max_length=500)
    supervisor_name = models.CharField(max_length=200)
    supervisor_gmc_number = models.CharField("supervisor's GMC number", max_length=7, blank=True)
    requested_at = models.DateTimeField()
    outcome = models.CharField(max_length=20)
    decided_at = models.DateTimeField(null=True, blank=True)
    request_comment = models.TextField(blank=True)
    # The sign-off itself, for an approved request.
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    hash_version = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = AttestedSignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="approved", signed_at__isnull=False)
                | (~Q(outcome="approved") & Q(signed_at__isnull=True)),
                name="attested_sign_off_dated_when_approved",
            ),
        ]

    def __str__(self):
        return f"Sign-off request for {self.entry_id} at {self.site} ({self.outcome})"

    @property
    def is_standing(self) -> bool:
        return self.outcome == "approved" and self.withdrawn_at is None
