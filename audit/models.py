"""The tamper-evident audit log: an append-only chain of entries, each hashed with the one
before it."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One link of the hash chain. `hash` is SHA-256 over `prev_hash` and the canonical JSON
    of this entry's fields; changing or removing any entry breaks every link after it.
    Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0001)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=50)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_by_object")]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row that points at the end of the chain. Appends lock it, so concurrent
    writers queue up instead of forking the chain."""

    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Audit chain of {self.length} entries"
