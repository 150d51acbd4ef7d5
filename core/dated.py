"""Relationships that hold between two dates — a supervision, an enrolment, a programme's
run: when one is in force, when two overlap, and how one is ended. One definition each, so
that "active" means the same thing on every page."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone

END_BEFORE_START = "The end date cannot be before the start date."


def in_force_on(on: date | None = None) -> Q:
    """Started on or before the day (today by default) and not ended before it. The end date
    is the last day, inclusive; no end date means open-ended."""
    on = on or timezone.localdate()
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def not_ended(on: date | None = None) -> Q:
    """In force on the day or planned to start later."""
    on = on or timezone.localdate()
    return Q(end_date__isnull=True) | Q(end_date__gte=on)


def sharing_a_day_with(start_date: date, end_date: date | None) -> Q:
    """Any day in common with the period from start_date to end_date, including a period
    planned to start later: checking only the start day would let an open-ended one run over
    it."""
    overlap = not_ended(start_date)
    if end_date:
        overlap &= Q(start_date__lte=end_date)
    return overlap


class DatedQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        """In force on a day, today by default."""
        return self.filter(in_force_on(on))


def check_dates(start_date: date, end_date: date | None) -> None:
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": END_BEFORE_START})


def end_on(relationship, end_date: date, *, noun: str):
    """End a dated relationship (locked by the caller) on `end_date`, inclusive.

    An end may be brought forward, never pushed back: a later end could run over another
    relationship that follows this one, which was allowed only because they did not overlap.
    `noun` names it in messages ("supervision", "enrolment")."""
    if end_date < relationship.start_date:
        raise ValidationError({"end_date": END_BEFORE_START})
    current_end = relationship.end_date
    if current_end is not None and current_end < end_date:
        if current_end < timezone.localdate():
            raise ValidationError({"end_date": f"This {noun} has already ended."})
        raise ValidationError(
            {
                "end_date": f"This {noun} already ends on "
                f"{dateformat.format(current_end, 'j F Y')}. "
                "Choose that day or an earlier one."
            }
        )
    relationship.end_date = end_date
    relationship.save(update_fields=["end_date"])
    return relationship
