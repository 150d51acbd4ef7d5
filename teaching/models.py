"""Teaching programmes, their sessions, and who attended: marked on the register by staff, or
checked in by the trainee with the code shown during the session."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation
from portfolio.models import LearningEntry

# A check-in code works from shortly before a session starts until a while after it ends.
CHECK_IN_OPENS = timedelta(minutes=15)
CHECK_IN_CLOSES = timedelta(minutes=30)
# How long a session may be, in minutes: from a short briefing to a full day's teaching.
SESSION_MINUTES = (5, 12 * 60)
# How far ahead a session may be planned; a start later than this is a typing slip.
SESSION_YEARS_AHEAD = 10


class TeachingProgramme(models.Model):
    """A series of teaching sessions an organisation runs, with attendance registers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teaching_programmes"
    )
    # Unique across Waymark: attendance badge rules refer to a programme by its slug alone.
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


def new_check_in_code() -> str:
    # Short enough to read off a slide; the session's time window limits guessing.
    return f"{secrets.randbelow(10**6):06d}"


class TeachingSession(models.Model):
    programme = models.ForeignKey(
        TeachingProgramme, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    mandatory = models.BooleanField(default=False)
    location = models.CharField(max_length=200, blank=True)
    check_in_code = models.CharField(max_length=6, default=new_check_in_code)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%d %b %Y})"

    @property
    def check_in_window(self) -> tuple[datetime, datetime]:
        """From when until when the session's check-in code works."""
        ends = self.starts_at + timedelta(minutes=self.duration_minutes)
        return self.starts_at - CHECK_IN_OPENS, ends + CHECK_IN_CLOSES

    def is_open_for_check_in(self, moment: datetime | None = None) -> bool:
        opens, closes = self.check_in_window
        return opens <= (moment or timezone.now()) <= closes


class Attendance(models.Model):
    class Method(models.TextChoices):
        REGISTER = "register", "Marked on the register"
        CHECK_IN = "check_in", "Checked in with the session code"

    session = models.ForeignKey(
        TeachingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # The learning entry attending logged in the trainee's portfolio.
    entry = models.OneToOneField(
        LearningEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendance"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="attend_once"),
        ]

    def __str__(self):
        return f"{self.trainee} at {self.session}"
