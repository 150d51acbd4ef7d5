"""Exports a trainee asked for: a PDF of their portfolio or the portable archive, rendered in
the background, kept for a while in private storage, then deleted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portfolio.models import private_storage


class ExportQuerySet(models.QuerySet):
    def of(self, owner):
        return self.filter(owner=owner)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class Export(models.Model):
    """One export, from the request to the finished file. Its status and progress are what
    the export page and the API show while a worker renders it."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF portfolio"
        ARCHIVE = "archive", "Portable archive"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    format = models.CharField(max_length=10, choices=Format.choices)
    # What the trainee chose to include (exports.filters.Filters as JSON); empty for an archive.
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # What the worker is doing now, in words for the trainee ("Laying out 41 pages").
    stage = models.CharField(max_length=200, blank=True)
    # Why it failed, in words for the trainee.
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="exports/", blank=True, storage=private_storage)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Times a worker has started making it: one whose worker is killed each time (a
    # portfolio too large for the time limit) fails after a few, rather than for ever.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the file is deleted; set when it is finished (EXPORT_RETENTION_DAYS later).
    expires_at = models.DateTimeField(null=True, blank=True)
    # When the "your export is ready" email went out; null until then, so a sweep can send
    # any that a broker outage held back.
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_percent"),
            # A finished export has its file; no other has one.
            models.CheckConstraint(
                condition=(Q(status="done") & ~Q(file="")) | (~Q(status="done") & Q(file="")),
                name="export_file_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_by_owner"),
            # The sweeps read only these few: exports not finished, and files to delete.
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=["queued", "running"]),
                name="export_unfinished",
            ),
            models.Index(
                fields=["expires_at"], condition=Q(expires_at__isnull=False), name="export_expiry"
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} of {self.owner_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename(self) -> str:
        extension = "pdf" if self.format == self.Format.PDF else "zip"
        return f"waymark-{self.format}-{self.created_at:%Y-%m-%d}-{self.pk}.{extension}"
