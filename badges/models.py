"""Issuers, badge classes and their rules, awards (Open Badges assertions), progress,
pending evaluations and public profiles."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, NullIf
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from core.validators import validate_web_address
from curriculum.models import Item
from portfolio.models import LearningEntry, private_storage


def new_salt() -> str:
    return secrets.token_hex(16)


class Issuer(models.Model):
    """An organisation's Open Badges issuer profile."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="issuer"
    )
    name = models.CharField(max_length=200)
    # Published in every Open Badges document the issuer signs off.
    url = models.URLField(
        help_text="The issuer's public website.", validators=[validate_web_address]
    )
    email = models.EmailField()
    description = models.TextField(blank=True)
    image = models.ImageField(upload_to="issuers/", blank=True)

    def __str__(self):
        return self.name


class BadgeClass(models.Model):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="badge_classes")
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used by other badges' rules to refer to this one."
    )
    name = models.CharField(max_length=200)
    description = models.TextField()
    # A validated, re-encoded PNG upload; without one Waymark draws an SVG from a template.
    image = models.ImageField(upload_to="badges/", blank=True)
    criteria = models.TextField("criteria narrative", help_text="What the earner did, in words.")
    rule = models.JSONField(
        null=True, blank=True, help_text="The machine rule; empty for badges awarded only by staff."
    )
    alignments = models.ManyToManyField(Item, blank=True, related_name="badge_classes")
    tags = models.JSONField(default=list, blank=True)
    valid_for_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Awards expire this many months after they are issued."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("badges:badge_class_detail", args=[self.pk])


class AwardQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(revoked_at__isnull=True)


class Award(models.Model):
    """A badge earned by a trainee: an Open Badges 2.0 assertion, hosted at a public URL."""

    # The public identifier in the assertion's URL: it reveals nothing about other awards.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="awards")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards"
    )
    # The recipient's email as it was when awarded, hashed with the salt in the assertion.
    recipient_email = models.EmailField()
    salt = models.CharField(max_length=32, default=new_salt)
    issued_on = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(null=True, blank=True)
    narrative = models.TextField(blank=True, help_text="Evidence narrative.")
    entries = models.ManyToManyField(LearningEntry, blank=True, related_name="awards")
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How the criteria were met, recorded as the badge is awarded and never changed after, so
    # that what the award says stays true whatever later happens to the entries: what the
    # rules counted (badges.evaluation.Result.achieved), or who awarded it by hand. Null for
    # awards made before Waymark recorded it. Put into words by badges.achievements.
    achieved = models.JSONField(null=True, blank=True, editable=False)
    public = models.BooleanField(default=False, help_text="The trainee shows this badge publicly.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # One standing award per trainee and badge class, whatever retries, redelivery or
            # concurrent workers do.
            models.UniqueConstraint(
                fields=["badge_class", "recipient"],
                condition=Q(revoked_at__isnull=True),
                name="one_standing_award",
            ),
        ]

    def __str__(self):
        return f"{self.badge_class} → {self.recipient}"

    def get_absolute_url(self):
        return reverse("badges:award_verify", args=[self.uid])

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()


class Progress(models.Model):
    """How far a trainee has got towards a badge class ("3 of 5 teaching sessions")."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_progress"
    )
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="progress")
    current = models.PositiveIntegerField(default=0)
    target = models.PositiveIntegerField(default=1)
    label = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)
    # How near done, which lists order by: kept by the database, so that a page's query
    # names a column rather than building the division again. NullIf: a target of 0 (a
    # rule asking for less than one credit) must not divide.
    share = models.GeneratedField(
        expression=Cast("current", models.FloatField())
        / NullIf(Cast("target", models.FloatField()), 0.0),
        output_field=models.FloatField(null=True),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "badge_class"], name="one_progress_row"),
        ]

    def __str__(self):
        return f"{self.trainee}: {self.current} of {self.target} {self.label}"


class PendingEvaluation(models.Model):
    """A trainee whose awards must be re-evaluated. Written in the same transaction as the
    change that caused it, so a broker outage loses nothing: a periodic task runs any left."""

    trainee = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Evaluate {self.trainee_id} (since {self.requested_at:%H:%M:%S})"


def external_badge_path(instance, filename) -> str:
    extension = "svg" if filename.endswith(".svg") else "png"
    return f"external-badges/{uuid.uuid4().hex}.{extension}"


class ExternalBadge(models.Model):
    """A badge issued elsewhere: one that arrived with an imported portfolio (its original
    Open Badges assertion and baked image, kept as they came), one the trainee added to their
    backpack (an Open Badges 2.0 hosted assertion or an Open Badges 3.0 credential, with the
    image it came in, if any), or a credential a wallet sent through the Open Badges API.
    Those added or sent are verified on arrival and re-verified daily. Shown as issued
    elsewhere, never an award here; an `external_badge` rule counts those that verified and
    have not expired (badges.facts), so a badge class here can build on them."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_badges"
    )
    # The award's uid where it was issued: importing the same archive twice finds it.
    uid = models.UUIDField(unique=True, editable=False)
    badge_name = models.CharField(max_length=200)
    issuer_name = models.CharField(max_length=200)
    issued_on = models.DateTimeField()
    expires = models.DateTimeField(null=True, blank=True)
    # The Open Badges 2.0 assertion and baked image; a credential sent through the Open
    # Badges API has neither.
    assertion = models.JSONField(null=True, blank=True)
    image = models.FileField(upload_to=external_badge_path, storage=private_storage, blank=True)
    # The Open Badges 3.0 credential, where the issuing site had made one: its JSON-LD form
    # with the embedded proof, and the same credential as a VC-JWT. Kept byte for byte.
    credential = models.JSONField(null=True, blank=True)
    credential_jwt = models.TextField(blank=True)
    # The credential's own id, or the hosted assertion's address: adding the same one again
    # replaces it (upsert).
    credential_id = models.CharField(max_length=500, blank=True)
    # Who issued it and for what, as the badge names them (an Open Badges 2.0 issuer profile
    # and BadgeClass URL, or an Open Badges 3.0 issuer and achievement id): what a rule or a
    # trust's mandatory-training acceptance names it by.
    issuer_uri = models.CharField(max_length=500, blank=True, db_index=True)
    achievement_uri = models.CharField(max_length=500, blank=True)
    # The trainee shows it on their public profile, marked as issued elsewhere.
    public = models.BooleanField(default=False)
    # The Waymark site whose archive brought it, or the app that sent it.
    source = models.CharField(max_length=500)
    imported_at = models.DateTimeField(auto_now_add=True)
    # Checked on arrival and daily after (badges.ob3.verifying, badges.ob2_verifying): the
    # steps in words, whether none failed, and when. None where it was never checked.
    verified = models.BooleanField(null=True, blank=True)
    verification = models.JSONField(default=list, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "credential_id"],
                condition=~Q(credential_id=""),
                name="external_badge_one_per_credential",
            )
        ]

    def __str__(self):
        return f"{self.badge_name} (issued by {self.issuer_name} elsewhere)"

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def failure(self) -> str:
        """The first check that failed when it was last verified, in words."""
        failed = [s for s in self.verification if s.get("outcome") == "failed"]
        return f"{failed[0]['check']}: {failed[0]['detail']}" if failed else ""


def new_profile_slug() -> str:
    # Random, not the trainee's name: the address alone says nothing about whose it is.
    return secrets.token_hex(8)


class PublicProfile(models.Model):
    """A trainee's public page of the badges they choose to show. Off until they turn it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="public_profile"
    )
    enabled = models.BooleanField(default=False)
    slug = models.SlugField(max_length=32, unique=True, default=new_profile_slug)

    def __str__(self):
        return f"{self.user}'s public badges ({'on' if self.enabled else 'off'})"


# --- Open Badges 3.0 ------------------------------------------------------------------------------


class IssuerKey(models.Model):
    """An issuer's Ed25519 signing key. The private half is encrypted with a key from the
    environment (badges.ob3.keys); the public half is published in the issuer's profile for
    as long as any credential it signed may be verified: retired keys stay published."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="signing_keys")
    public_key_multibase = models.CharField(max_length=64, unique=True)
    encrypted_private_key = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a newer key took over: no new credential is signed with it.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"], condition=Q(retired_at__isnull=True), name="one_current_key"
            ),
        ]

    def __str__(self):
        state = f"retired {self.retired_at:%Y-%m-%d}" if self.retired_at else "current"
        return f"{self.issuer} key {self.public_key_multibase[:12]}… ({state})"


def empty_status_bits() -> bytes:
    return bytes(StatusList.SIZE // 8)


class StatusList(models.Model):
    """One issuer's W3C Bitstring Status List for revocation: bit n is 1 when the credential
    at index n is revoked. The bits are stored uncompressed; the published credential
    GZIP-compresses them."""

    # The specification's minimum, so that a list does not narrow down whose credential it is.
    SIZE = 131_072

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists")
    bits = models.BinaryField(default=empty_status_bits)
    # How many credentials and endorsements hold a place here: kept, so that choosing a
    # place never counts a list's tens of thousands of holders.
    places_taken = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.issuer} revocation list {self.pk}"


class OpenBadgeCredential(models.Model):
    """An award as an Open Badges 3.0 credential, signed once and stored: a stored signed
    credential is what a wallet holds, so it is never re-signed on request."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="credential")
    document = models.JSONField(help_text="The credential with its embedded Data Integrity proof.")
    jwt = models.TextField(help_text="The same credential as a VC-JWT (compact JWS).")
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="credentials"
    )
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # A random index per credential, never shared within a list.
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_credential_per_status_bit"
            ),
            models.CheckConstraint(
                condition=Q(status_index__lt=131_072), name="status_index_within_list"
            ),
        ]

    def __str__(self):
        return f"Open Badges 3.0 credential for {self.award}"


# --- Issuers' trust: a verified domain, a recognised body -----------------------------------------


def new_verification_token() -> str:
    return secrets.token_urlsafe(32)


class IssuerDomainVerification(models.Model):
    """An issuer's proof that it controls the domain of its web address: a token that only
    someone who runs the domain could publish there (badges.services.issuer_domains)."""

    class Method(models.TextChoices):
        WELL_KNOWN = "well_known", "the file at /.well-known/waymark-issuer.txt"
        DNS = "dns", "a DNS TXT record"

    issuer = models.OneToOneField(
        Issuer, on_delete=models.CASCADE, related_name="domain_verification"
    )
    token = models.CharField(max_length=64, unique=True, default=new_verification_token)
    # The host of the issuer's web address this record is about; a new host starts over.
    domain = models.CharField(max_length=253, blank=True)
    # Since when the domain has been proven without a break; null while it is not.
    verified_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    # An admin's "Check now": limits how often they can make Waymark fetch from a host,
    # and marks the issuer as waiting, so the daily sweep checks it again too.
    check_requested_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_result = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True, method="")
                | (Q(verified_at__isnull=False) & ~Q(method="") & ~Q(domain="")),
                name="verified_domain_has_method",
            ),
        ]

    def __str__(self):
        state = f"verified {self.verified_at:%Y-%m-%d}" if self.verified_at else "not verified"
        return f"{self.issuer}: {self.domain or 'no domain'} ({state})"


class IssuerRecognition(models.Model):
    """Site staff's mark that an issuer is the body it says it is (a trust, a deanery, a
    royal college), with the evidence they relied on, which is published beside it."""

    class Kind(models.TextChoices):
        TRUST = "trust", "an NHS trust or health board"
        DEANERY = "deanery", "a deanery or postgraduate school"
        ROYAL_COLLEGE = "royal_college", "a royal college or faculty"
        UNIVERSITY = "university", "a university"
        OTHER = "other", "a recognised body"

    issuer = models.OneToOneField(Issuer, on_delete=models.CASCADE, related_name="recognition")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    evidence = models.TextField(help_text="What the mark relies on. Shown publicly.")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.issuer}: {self.get_kind_display()}"


# Endorsements live in a module of their own; imported here so that Django finds the model.
from badges.endorsement_models import Endorsement  # noqa: E402, F401
