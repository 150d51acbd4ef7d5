"""Endorsements: one issuer's claim, in its own words, about another issuer or one of its
badge classes ("meets the CSTF learning outcomes for Information Governance"). Published
as an Open Badges 2.0 Endorsement and, signed once with the endorser's key, as an Open
Badges 3.0 EndorsementCredential. Imported by badges.models, where Django finds it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from badges.models import BadgeClass, Issuer, IssuerKey, StatusList

CLAIM_MAX_LENGTH = 1000


class EndorsementQuerySet(models.QuerySet):
    def live(self):
        return self.filter(withdrawn_at__isnull=True)


class Endorsement(models.Model):
    # The public identifier in the endorsement's URLs: it reveals nothing about others.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endorser = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="endorsements_given"
    )
    # What is endorsed: an issuer, or one badge class; never both (a check constraint).
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, null=True, blank=True, related_name="endorsements"
    )
    badge_class = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, null=True, blank=True, related_name="endorsements"
    )
    claim = models.CharField(
        max_length=CLAIM_MAX_LENGTH, help_text="What the endorser says, in words. Published."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    # The Open Badges 3.0 EndorsementCredential, signed once as the endorsement is made and
    # served as stored: its embedded proof, and the same credential as a VC-JWT. Withdrawal
    # is the status list's to say, at the bit the credential names.
    credential = models.JSONField()
    credential_jwt = models.TextField()
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="endorsements")
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="endorsements"
    )
    status_index = models.PositiveIntegerField()

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issuer__isnull=False, badge_class__isnull=True)
                | Q(issuer__isnull=True, badge_class__isnull=False),
                name="endorsement_has_one_target",
            ),
            # Its own badge classes are refused by the service: a check cannot join.
            models.CheckConstraint(
                condition=Q(issuer__isnull=True) | ~Q(issuer=F("endorser")),
                name="endorsement_not_of_itself",
            ),
            models.UniqueConstraint(
                fields=["endorser", "issuer"],
                condition=Q(withdrawn_at__isnull=True, issuer__isnull=False),
                name="one_live_endorsement_of_an_issuer",
            ),
            models.UniqueConstraint(
                fields=["endorser", "badge_class"],
                condition=Q(withdrawn_at__isnull=True, badge_class__isnull=False),
                name="one_live_endorsement_of_a_badge_class",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_endorsement_per_status_bit"
            ),
            models.CheckConstraint(
                condition=Q(status_index__lt=StatusList.SIZE),
                name="endorsement_status_index_within_list",
            ),
        ]

    def __str__(self):
        return f"{self.endorser} endorses {self.target}"

    @property
    def target(self) -> Issuer | BadgeClass:
        return self.badge_class if self.badge_class_id else self.issuer

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None
