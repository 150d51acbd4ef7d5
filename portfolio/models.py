"""Learning entries, their evidence and reflections, and sign-off."""

import secrets
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from core.identity import PortableIdentity
from core.storage import private_storage as private_files
from curriculum.models import Item
from portfolio.attested import AttestedSignOff  # noqa: F401 (a model of this app)
from portfolio.reading import ReflectionView, SupervisorLastViewed  # noqa: F401 (models of this app)

# Room for a long reflection or case write-up (about four pages), not for a pasted book.
TEXT_MAX_LENGTH = 10_000
# A CPD record older than this is a typing slip, not a memory.
OLDEST_ENTRY_YEARS = 50


def text_limit():
    return [MaxLengthValidator(TEXT_MAX_LENGTH)]


def check_text_length(field: str, value: str) -> None:
    """For text a service stores without a full_clean: the same limit, named by field."""
    try:
        MaxLengthValidator(TEXT_MAX_LENGTH)(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def validate_entry_date(value) -> None:
    """Learning that has happened, within a working life. A future date would let an entry
    count towards a badge — a credential — for learning that has not taken place."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            "An entry cannot be dated in the future. Use the day the learning happened "
            f"(today at the latest, {dateformat.format(today, 'j F Y')}).",
            code="future",
        )
    oldest = today.replace(month=1, day=1, year=today.year - OLDEST_ENTRY_YEARS)
    if value < oldest:
        raise ValidationError(
            f"That is before {dateformat.format(oldest, 'j F Y')}. Check the year.", code="too_old"
        )


class Kind(models.TextChoices):
    TEACHING_ATTENDED = "teaching_attended", "Teaching session attended"
    ELEARNING = "elearning", "E-learning module"
    CLINIC = "clinic", "Clinic"
    SPECIALTY_MEETING = "specialty_meeting", "Specialty meeting (e.g. radiology)"
    READING = "reading", "Reading (article, guideline)"
    SOCIAL_MEDIA = "social_media", "Social-media journal club or chat"
    CASE_DISCUSSION = "case_discussion", "Case discussion"
    PROCEDURE = "procedure", "Procedure"
    QUALITY_IMPROVEMENT = "quality_improvement", "Quality improvement or audit"
    TEACHING_DELIVERED = "teaching_delivered", "Teaching delivered"
    COURSE = "course", "Course or conference"
    SIMULATION = "simulation", "Simulation"
    REFLECTION = "reflection", "Reflection only"
    OTHER = "other", "Other"
    # A supervised learning event or other assessment (mini-CEX, CBD, DOPS, …): its form,
    # answers and assessor are the assessments app's, beside the entry.
    ASSESSMENT = "assessment", "Assessment (supervised learning event)"


# What a trainee logs by hand. An assessment entry is made and changed only through its
# assessment, which its assessor completes and locks.
LOGGABLE_KINDS = [(value, label) for value, label in Kind.choices if value != Kind.ASSESSMENT]


class Source(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    XAPI = "xapi", "xAPI"
    IMPORT = "import", "Import"
    # A reference manager's reading list; the external id is the reference's DOI
    # (portfolio.reading_lists.Reference.identity).
    READING_LIST = "reading", "Reading list"


class Status(models.TextChoices):
    DRAFT = "draft", "Not submitted"
    SUBMITTED = "submitted", "Awaiting sign-off"
    RETURNED = "returned", "Returned"
    SIGNED_OFF = "signed_off", "Signed off"
    # An assessment its assessor completed: supervisors see it, but nobody signed it off.
    ASSESSED = "assessed", "Assessment completed"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LearningEntryQuerySet(models.QuerySet):
    def for_trainee(self, trainee):
        return self.filter(trainee=trainee)

    def signed_off(self):
        return self.filter(status=Status.SIGNED_OFF)

    def awaiting_sign_off(self):
        return self.filter(status=Status.SUBMITTED)


class LearningEntry(PortableIdentity):
    """Something a trainee learned from, logged in their portfolio."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_entries"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    date = models.DateField(default=timezone.localdate, validators=[validate_entry_date])
    time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    cpd_credits = models.DecimalField(
        "CPD credits", max_digits=5, decimal_places=2, default=Decimal("0")
    )
    provider = models.CharField("provider or organiser", max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, validators=text_limit())
    tags = models.ManyToManyField(Tag, blank=True, related_name="entries")
    items = models.ManyToManyField(Item, through="EntryItem", blank=True, related_name="entries")

    # Reflection: private to the trainee unless they share it with their supervisors.
    reflection_what_happened = models.TextField(
        "what happened", blank=True, validators=text_limit()
    )
    reflection_learned = models.TextField("what I learned", blank=True, validators=text_limit())
    reflection_next_time = models.TextField(
        "what I will do differently", blank=True, validators=text_limit()
    )
    reflection_shared = models.BooleanField(
        "share my reflection with my supervisors", default=False
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    # The sending system's id, so the same completion pushed twice is one entry.
    external_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "source", "external_id"],
                condition=~Q(external_id=""),
                name="event_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(cpd_credits__gte=0), name="event_credits_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "-date", "-id"], name="event_trainee_date"),
            # With the id, coverage reads signed-off entries from the index alone.
            models.Index(fields=["trainee", "status", "id"], name="event_trainee_status"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:entry_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (Status.SUBMITTED, Status.SIGNED_OFF) or self.kind == Kind.ASSESSMENT

    @property
    def has_reflection(self) -> bool:
        return bool(
            self.reflection_what_happened or self.reflection_learned or self.reflection_next_time
        )


class EntrySearch(models.Model):
    """What full-text search reads on PostgreSQL: each entry's words as two vectors, written
    by the database itself (triggers, migration 0010) whenever the entry or its tags change,
    so every path that writes entries (services, imports, bulk seeding) keeps it true, and
    the vectors are never fetched with the entry. Empty on other databases, where search
    matches substrings instead."""

    entry = models.OneToOneField(
        LearningEntry, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Title (weight A); description, provider, location and tags (B).
    shared = SearchVectorField()
    # The same and the reflection (C): searched only by the entry's own trainee.
    own = SearchVectorField()

    class Meta:
        # With GIN indexes on both vectors, made on PostgreSQL by migration 0010.
        indexes = [models.Index(fields=["trainee"], name="entry_search_by_trainee")]

    def __str__(self):
        return f"Search words of entry {self.entry_id}"


class EntryItem(models.Model):
    """A curriculum item a learning entry is evidence for."""

    # No index of their own: the (entry, item) and (item, entry) indexes lead with each.
    entry = models.ForeignKey(LearningEntry, models.CASCADE, "mappings", db_index=False)
    item = models.ForeignKey(Item, models.PROTECT, "mappings", db_index=False)
    # The entry's trainee, copied: coverage and badge rules count one trainee's links per
    # item, and with the trainee here that reads only their rows through one index, however
    # many other trainees' links the table holds. Always the entry's own trainee (entries
    # never change hands; verify_audit checks it).
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "item"], name="event_item_unique"),
        ]
        indexes = [
            models.Index(fields=["item", "entry"], name="event_item_by_item"),
            models.Index(fields=["trainee", "item", "entry"], name="entry_item_by_trainee"),
        ]

    def __str__(self):
        return f"{self.entry_id} → {self.item_id}"

    def save(self, *args, **kwargs):
        if self.trainee_id is None:
            self.trainee_id = self.entry.trainee_id
        super().save(*args, **kwargs)


def private_storage():
    """Evidence is never under MEDIA_URL: it is served only by a view that checks access."""
    return private_files


def evidence_path(instance, filename) -> str:
    # Random names: nothing about the trainee or the original name is in the path. Uploads
    # waiting to be processed have a folder of their own, never served.
    folder = "incoming" if instance.state == Evidence.State.PROCESSING else "evidence"
    return f"{folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def thumbnail_path(instance, filename) -> str:
    return f"thumbnails/{uuid.uuid4().hex}.webp"


class Evidence(PortableIdentity):
    """A file or a link attached to an entry. An uploaded image is stored first as it came
    (`processing`, never served), and a worker then re-encodes it and makes its thumbnail
    (`ready`), or refuses it (`refused`, with the reason, and its file gone)."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    class State(models.TextChoices):
        PROCESSING = "processing", "Being processed"
        READY = "ready", "Ready"
        REFUSED = "refused", "Refused"

    entry = models.ForeignKey(LearningEntry, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.READY)
    # Why Waymark refused the file, in words for the trainee.
    refusal = models.TextField(blank=True)
    # Times a worker has started processing the upload: one that kills its worker each time
    # is refused after a few, rather than taking workers down for ever.
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=evidence_path, blank=True, storage=private_storage)
    url = models.URLField(max_length=1000, blank=True)
    title = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_path, blank=True, storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A file has its file until it is refused, which removes it; a link is ready.
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(state="refused") & ~Q(file=""))
                | Q(kind="file", state="refused", file="")
                | (Q(kind="link", state="ready") & ~Q(url="")),
                name="evidence_file_until_refused_or_link",
            ),
        ]
        indexes = [
            # The sweep for uploads a broker outage held back reads only these few.
            models.Index(
                fields=["created_at"],
                condition=Q(state="processing"),
                name="evidence_processing",
            ),
        ]

    def __str__(self):
        return self.title or self.original_name or self.url


class SignOffRequest(PortableIdentity):
    """A trainee's request that a supervisor sign an entry off, and its outcome."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Waiting"
        APPROVED = "approved", "Signed off"
        RETURNED = "returned", "Returned"
        CANCELLED = "cancelled", "Cancelled"

    entry = models.ForeignKey(
        LearningEntry, on_delete=models.CASCADE, related_name="sign_off_requests"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_off_requests"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, validators=text_limit())
    # When the emails went out; null until then, so a periodic sweep can send any that a
    # broker outage held back.
    request_notified_at = models.DateTimeField(null=True, blank=True)
    decision_notified_at = models.DateTimeField(null=True, blank=True)
    # When its supervisor was last reminded that it waits: at most once a week.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request per entry: a double-submitted form cannot make two.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(outcome="open"), name="one_open_request_per_event"
            ),
        ]
        indexes = [models.Index(fields=["supervisor", "outcome"], name="request_queue")]

    def __str__(self):
        return f"Sign-off request for {self.entry_id} to {self.supervisor_id} ({self.outcome})"


# The version of portfolio.content's formula that new sign-offs are hashed with.
SIGN_OFF_HASH_VERSION = 2


class SignOffQuerySet(models.QuerySet):
    def standing(self):
        """Sign-offs not withdrawn: an entry has at most one at a time."""
        return self.filter(withdrawal__isnull=True)


class SignOff(models.Model):
    """A supervisor's approval of an entry exactly as it then stood. Append-only: on
    PostgreSQL a trigger refuses UPDATE and DELETE (see migration 0002)."""

    entry = models.ForeignKey(LearningEntry, on_delete=models.PROTECT, related_name="sign_offs")
    request = models.OneToOneField(
        SignOffRequest, on_delete=models.PROTECT, related_name="sign_off"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs_received"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs_given"
    )
    # SHA-256 of the entry's canonical content at the moment of approval, computed with
    # version `hash_version` of portfolio.content's formula. Sign-offs given before versions
    # existed are version 1 (set by migration 0007 without touching their rows).
    content_hash = models.CharField(max_length=64)
    hash_version = models.PositiveSmallIntegerField(default=SIGN_OFF_HASH_VERSION)
    comment = models.TextField(blank=True, validators=text_limit())
    signed_at = models.DateTimeField(default=timezone.now)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=F("trainee")), name="sign_off_not_own_entry"
            ),
        ]

    def __str__(self):
        return f"Sign-off of {self.entry_id} by {self.supervisor_id} at {self.signed_at:%Y-%m-%d}"


class SignOffWithdrawal(models.Model):
    """The withdrawal of a sign-off; the sign-off row itself is never changed."""

    sign_off = models.OneToOneField(SignOff, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(validators=text_limit())
    withdrawn_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Withdrawal of sign-off {self.sign_off_id}"


def new_sign_off_token() -> str:
    """128 random bits, URL-safe: a link nobody can guess or enumerate."""
    return secrets.token_urlsafe(16)


class SignOffLink(models.Model):
    """The public address at which whoever holds it (an ARCP panel with a printed page) can
    check a sign-off. A row of its own because sign-offs are append-only: giving existing
    ones a link must insert, never update."""

    sign_off = models.OneToOneField(SignOff, on_delete=models.PROTECT, related_name="link")
    # Unique, hence indexed: the public page looks sign-offs up by it.
    token = models.CharField(max_length=43, unique=True, default=new_sign_off_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Public link of sign-off {self.sign_off_id}"

    def get_absolute_url(self):
        return reverse("portfolio:sign_off_check", args=[self.token])
