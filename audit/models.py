"""The tamper-evident audit log: append-only hash chains, one per trainee or organisation
(and one for the site), and signed checkpoints that anchor every chain outside the database."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One link of a hash chain. `hash` is SHA-256 over `prev_hash` and the canonical JSON
    of this entry's fields; changing or removing any entry breaks every link after it in its
    chain. Append-only: on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE."""

    # Whose history this is: "user:<id>" for a trainee's portfolio, "organisation:<id>",
    # or "site". Chains are independent, so unrelated writers never wait on each other.
    chain = models.CharField(max_length=60, default="site")
    # Position in the chain, from 1.
    seq = models.PositiveBigIntegerField()
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
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_position"),
        ]

    def __str__(self):
        return (
            f"#{self.pk} {self.chain}/{self.seq} {self.action} {self.object_type}:{self.object_id}"
        )


class AuditHead(models.Model):
    """The end of one chain. Appends lock their chain's row, so concurrent writers to the
    same chain queue up instead of forking it; writers to other chains do not wait. On
    PostgreSQL a trigger lets a head move only forward, onto an entry that exists."""

    chain = models.CharField(max_length=60, unique=True)
    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Audit chain {self.chain} of {self.length} entries"


class Checkpoint(models.Model):
    """A signed statement of every chain's length and head at one moment, as a Merkle root.
    The signing key lives outside the database, so whoever can rewrite the database still
    cannot sign a history that leaves out what a checkpoint covered. Each checkpoint also
    names the one before it. Append-only like the entries."""

    number = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    chains = models.PositiveIntegerField()
    entries = models.PositiveBigIntegerField()
    # RFC 6962 Merkle tree root over the chain heads, ordered by chain name.
    root = models.CharField(max_length=64)
    # SHA-256 of the previous checkpoint's signed statement; "" for the first.
    previous = models.CharField(max_length=64, blank=True)
    # Every chain's [length, head hash] at `at`, so verify_audit can say which chain lost what.
    # Bound to the signature through `root`; not published, as it lists who has a chain.
    heads = models.JSONField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)  # base64url Ed25519 over the statement

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Audit checkpoint #{self.number} of {self.entries} entries"
