"""Curriculum frameworks and their item trees, programmes built on them, and what each
programme requires trainees to evidence."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from accounts.models import Organisation
from core.dated import DatedQuerySet
from core.identity import PortableIdentity


def training_year_start(day):
    """UK postgraduate training years start in August; 1 August is the convention used for
    programmes and for badge windows."""
    return day.replace(year=day.year if day.month >= 8 else day.year - 1, month=8, day=1)


class Framework(models.Model):
    """One version of a published competency framework. A new version is a new row;
    items keep their codes across versions so evidence can be compared between them."""

    slug = models.SlugField(max_length=80, help_text="Stable name shared by every version.")
    version = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    publisher = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    source = models.TextField(blank=True, help_text="Where the content was taken from.")
    licence = models.TextField(blank=True)
    notes = models.JSONField(default=list, blank=True)
    # Identifier of the framework in the document it came from (CASE CFDocument
    # identifier), so a re-import finds this row.
    external_id = models.CharField(max_length=200, blank=True)
    # SHA-256 of the imported file, so importing an unchanged file is recognised at once.
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_unique_version"),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"

    def get_absolute_url(self):
        return reverse("curriculum:framework_detail", args=[self.slug, self.version])


class ItemQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)


class Item(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=80)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    # Fields a source carries beyond the common ones (short titles, refresher periods, IRIs).
    extra = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=200, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="item_code_unique_in_framework"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="item_not_own_parent"),
        ]
        indexes = [models.Index(fields=["framework", "parent", "position"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse(
            "curriculum:item_detail", args=[self.framework.slug, self.framework.version, self.code]
        )


class Programme(models.Model):
    """A training programme an organisation runs, on one or more frameworks."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    frameworks = models.ManyToManyField(Framework, related_name="programmes")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programme_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class Enrolment(PortableIdentity):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "programme", "start_date"], name="enrolment_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.trainee} in {self.programme}"


class Requirement(models.Model):
    """What a programme asks trainees to evidence against one item."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requirements")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="requirements")
    min_entries = models.PositiveIntegerField(default=1)
    signed_off_required = models.BooleanField(
        default=True, help_text="Only entries a supervisor has signed off count."
    )

    class Meta:
        ordering = ["item__position", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "item"], name="requirement_unique_item"),
            models.CheckConstraint(condition=Q(min_entries__gte=1), name="requirement_needs_one"),
        ]

    def __str__(self):
        return f"{self.programme}: {self.min_entries} × {self.item.code}"
