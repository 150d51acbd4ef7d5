"""Who looked at what: when a supervisor last opened a trainee's portfolio page (so that the
page can show what changed since), and who read a shared reflection. Models of portfolio's,
registered through portfolio.models, which imports them; kept in a module of their own so that
models.py stays readable in one sitting."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SupervisorLastViewed(models.Model):
    """The latest time `supervisor` opened `trainee`'s portfolio page: one row per pair,
    moved forward on every visit. Not an audit record: nothing is granted or changed by
    looking."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Also the index the page reads the row through.
            models.UniqueConstraint(
                fields=["supervisor", "trainee"], name="one_last_view_per_supervision_pair"
            ),
        ]

    def __str__(self):
        return f"{self.supervisor_id} last viewed {self.trainee_id}'s portfolio at {self.viewed_at}"


class ReflectionView(models.Model):
    """Someone other than the trainee read a shared reflection."""

    entry = models.ForeignKey(
        "portfolio.LearningEntry", on_delete=models.CASCADE, related_name="reflection_views"
    )
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.viewer_id} read the reflection of {self.entry_id}"
