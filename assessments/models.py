"""Assessment forms (as data), assessments, and the one-time links (tickets) by which an
assessor without an account completes one."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from core.identity import PortableIdentity
from portfolio.models import LearningEntry, text_limit


class AssessmentType(models.TextChoices):
    MINI_CEX = "mini_cex", "Mini-CEX"
    CBD = "cbd", "Case-based discussion (CBD)"
    DOPS = "dops", "DOPS"
    DCT = "dct", "Developing the clinical teacher (DCT)"
    LEADER = "leader", "Clinical leadership (LEADER)"
    TAB = "tab", "Team assessment of behaviour (TAB)"


class AssessmentFormQuerySet(models.QuerySet):
    def offered_to(self, organisations):
        """Waymark's forms and the forms of the given organisations."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation__in=organisations))


class AssessmentForm(models.Model):
    """A form as data: its questions (see assessments.schema). Waymark's own forms have no
    organisation; an organisation's form extends one of them with questions of its own,
    asked after the base form's, and the base form's later changes reach it."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="extensions"
    )
    code = models.SlugField(max_length=50)
    assessment_type = models.CharField(max_length=20, choices=AssessmentType.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list)
    # Where the form's name and purpose come from.
    source = models.TextField(blank=True)

    objects = AssessmentFormQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(organisation__isnull=True), name="base_form_code"
            ),
            models.UniqueConstraint(fields=["organisation", "code"], name="organisation_form_code"),
            # Only organisations extend, and they extend Waymark's forms.
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, base__isnull=True)
                | Q(organisation__isnull=False, base__isnull=False),
                name="organisation_forms_extend_a_base",
            ),
        ]

    def __str__(self):
        return self.name

    def all_questions(self) -> list[dict]:
        """The base form's questions, then this form's own."""
        inherited = self.base.questions if self.base_id else []
        return [*inherited, *self.questions]


class AssessmentQuerySet(models.QuerySet):
    def for_trainee(self, trainee):
        return self.filter(trainee=trainee)

    def completed(self):
        return self.filter(state=Assessment.State.COMPLETED)


GMC_NUMBER = RegexValidator(r"^\d{7}$", "A GMC number is 7 digits, for example 1234567.")


class Assessment(PortableIdentity):
    """A supervised learning event: the trainee's case and reflection (on the entry) and the
    assessor's answers, given once and then locked."""

    class State(models.TextChoices):
        DRAFT = "draft", "Not sent"
        REQUESTED = "requested", "Waiting for the assessor"
        COMPLETED = "completed", "Completed"

    entry = models.OneToOneField(LearningEntry, on_delete=models.PROTECT, related_name="assessment")
    # The entry's trainee, copied, so assessments are scoped without a join.
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    form = models.ForeignKey(AssessmentForm, on_delete=models.PROTECT, related_name="assessments")
    # The form's type, copied: badge rules count assessments by type.
    assessment_type = models.CharField(max_length=20, choices=AssessmentType.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Answers by question key; the trainee's before sending, the assessor's on completion.
    answers = models.JSONField(default=dict, blank=True)

    # The assessor who has an account (asked in their queue) …
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments_to_complete",
    )
    # … and the details every assessor gives on completion.
    assessor_name = models.CharField(max_length=200, blank=True)
    assessor_email = models.EmailField(blank=True)
    assessor_role = models.CharField(max_length=200, blank=True)
    assessor_gmc_number = models.CharField(
        "GMC number", max_length=7, blank=True, validators=[GMC_NUMBER]
    )
    assessor_comment = models.TextField(blank=True, validators=text_limit())
    # Completed through a one-time link by someone who did not sign in.
    by_ticket = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(assessor=models.F("trainee")), name="assessment_not_by_trainee"
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(completed_at__isnull=False),
                name="completed_assessment_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "state"], name="assessment_by_trainee"),
            models.Index(fields=["assessor", "state"], name="assessment_queue"),
        ]

    def __str__(self):
        return f"{self.get_assessment_type_display()}: {self.entry.title}"

    def get_absolute_url(self):
        return reverse("assessments:detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.COMPLETED


class TicketQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Ticket(models.Model):
    """A one-time link, emailed to an assessor without an account, bound to one assessment.
    Only the SHA-256 of its token is kept: the database cannot give the link away."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="tickets")
    name = models.CharField("assessor's name", max_length=200)
    email = models.EmailField("assessor's email")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One link out per assessment at a time: a new one needs the last revoked.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_ticket_per_assessment",
            ),
        ]

    def __str__(self):
        return f"Ticket {self.pk} for assessment {self.assessment_id}"

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
