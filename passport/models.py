"""The mandatory-training passport: the UK Core Skills Training Framework's subjects, and
what each organisation accepts as meeting each of them.

An organisation requires a subject when it accepts something for it. What it accepts is a
badge class issued on this Waymark (its own or another issuer's), or an achievement issued
elsewhere, named as the badge names it (an Open Badges 2.0 issuer profile and BadgeClass
URL, or an Open Badges 3.0 issuer and achievement id)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from badges.models import BadgeClass

# The passport's subjects: the CSTF's 11 subjects, UK-wide ("UK") and the one the UK list
# keeps for England (conflict resolution). Nation variants such as Wales's violence and
# aggression are shown only where an organisation requires them.
CORE_SCOPES = ("UK", "England")


class SubjectQuerySet(models.QuerySet):
    def core(self):
        return self.filter(scope__in=CORE_SCOPES)


class Subject(models.Model):
    """One statutory or mandatory training subject (passport/data/uk-cstf.json)."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # How long a completion counts, unless an organisation says otherwise; null where the
    # framework gives none.
    refresher_months = models.PositiveSmallIntegerField(null=True, blank=True)
    scope = models.CharField(max_length=40, help_text="Where the subject applies: UK, England…")
    order = models.PositiveSmallIntegerField(default=0)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self):
        return self.title

    @property
    def is_core(self) -> bool:
        return self.scope in CORE_SCOPES


class Acceptance(models.Model):
    """What an organisation accepts as meeting a subject: exactly one of a badge class on
    this Waymark, or an achievement issued elsewhere (issuer and achievement ids, and a name
    to show). A completion counts for `max_age_months` after it was issued, or the subject's
    refresher period when that is blank, and never past the credential's own expiry."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_acceptances"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="acceptances")
    badge_class = models.ForeignKey(
        BadgeClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_acceptances",
    )
    issuer_uri = models.CharField(max_length=500, blank=True)
    achievement_uri = models.CharField(max_length=500, blank=True)
    name = models.CharField(max_length=200, blank=True)
    max_age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["subject__order", "subject__code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(badge_class__isnull=False, issuer_uri="", achievement_uri="", name="")
                    | (
                        Q(badge_class__isnull=True)
                        & ~Q(issuer_uri="")
                        & ~Q(achievement_uri="")
                        & ~Q(name="")
                    )
                ),
                name="acceptance_names_one_credential",
            ),
            models.CheckConstraint(
                condition=Q(max_age_months__isnull=True) | Q(max_age_months__gte=1),
                name="acceptance_max_age_positive",
            ),
            models.UniqueConstraint(
                fields=["organisation", "subject", "badge_class"],
                condition=Q(badge_class__isnull=False),
                name="acceptance_badge_class_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "subject", "issuer_uri", "achievement_uri"],
                condition=Q(badge_class__isnull=True),
                name="acceptance_external_once",
            ),
        ]
        indexes = [
            models.Index(fields=["issuer_uri", "achievement_uri"], name="acceptance_external"),
        ]

    def __str__(self):
        return f"{self.organisation} accepts {self.label} for {self.subject}"

    @property
    def is_external(self) -> bool:
        return self.badge_class_id is None

    @property
    def label(self) -> str:
        return self.name if self.is_external else str(self.badge_class)

    @property
    def months(self) -> int | None:
        """How long a completion counts: the acceptance's own limit, else the subject's."""
        return self.max_age_months or self.subject.refresher_months
