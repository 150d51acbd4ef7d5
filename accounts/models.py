"""People, the organisations they belong to, and who supervises whom."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from knox.models import AbstractAuthToken

from core.dated import DatedQuerySet

# GMC reference numbers are seven digits; other regulators' numbers (NMC, HCPC) can be
# added as the user base grows, each with its own validator.
gmc_number_validator = RegexValidator(
    r"^\d{7}$", "A GMC number is exactly 7 digits, for example 7123456."
)


HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    registration_number = models.CharField(
        "GMC number",
        max_length=7,
        blank=True,
        validators=[gmc_number_validator],
        help_text="Optional. Your 7-digit General Medical Council reference number.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="user_registration_number_unique",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        """The first name, skipping a title: "Dr Asha Patel" is greeted as Asha."""
        words = self.full_name.split()
        while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
            words = words[1:]
        return words[0] if words else self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        DEANERY = "deanery", "Deanery"
        MEDICAL_SCHOOL = "medical_school", "Medical school"
        ROYAL_COLLEGE = "royal_college", "Royal college"
        UNIVERSITY = "university", "University"
        ELEARNING_PROVIDER = "elearning_provider", "E-learning provider"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Organisation admin"


class MembershipQuerySet(models.QuerySet):
    def admins(self):
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    """One role a user holds in an organisation; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class Supervision(models.Model):
    class Kind(models.TextChoices):
        EDUCATIONAL = "educational", "Educational supervisor"
        CLINICAL = "clinical", "Clinical supervisor"

    supervisor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="supervisions_given"
    )
    trainee = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="supervisions_received"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supervisions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(
        null=True, blank=True, help_text="The last day of the supervision; blank while open-ended."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("trainee")), name="supervision_not_self"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="supervision_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.supervisor} supervises {self.trainee} ({self.get_kind_display()})"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation to join an organisation in a role, sent to an email address.

    The link in the email is a signed token naming this row, so nothing secret is stored
    and the email can be re-sent by a background task at any time.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Null until the email has gone out; a periodic task re-sends any left unsent because
    # the broker was down when the invitation was made.
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organisation} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class PersonalAccessToken(AbstractAuthToken):
    """An API token a user made for another system. Only a digest is stored."""

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Mobile app'.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
