"""Every change to teaching programmes, sessions and attendance goes through a function here.

Programmes, sessions and registers are the organisation's admins' to run; a trainee checks in
only themself, with the code shown during the session."""

from datetime import UTC, datetime, time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.selectors import is_admin_of
from audit import services as audit
from portfolio import services as portfolio_services
from portfolio.models import OLDEST_ENTRY_YEARS
from teaching import selectors
from teaching.models import (
    SESSION_MINUTES,
    SESSION_YEARS_AHEAD,
    Attendance,
    TeachingProgramme,
    TeachingSession,
)

# A code has a million values and a session is open for a couple of hours: without a limit a
# script could find the code without being there.
CHECK_IN_ATTEMPTS = 10
CHECK_IN_LOCKOUT_SECONDS = 15 * 60


def _refuse_unless_admin(actor, organisation_id: int) -> None:
    if not is_admin_of(actor, organisation_id):
        raise PermissionDenied("Only the organisation's admins run its teaching.")


@transaction.atomic
def create_teaching_programme(*, organisation, actor, name: str, slug: str) -> TeachingProgramme:
    _refuse_unless_admin(actor, organisation.pk)
    programme = TeachingProgramme(organisation=organisation, name=name, slug=slug)
    programme.full_clean(exclude=["organisation"], validate_unique=False)
    # Slugs are global: attendance rules name programmes by slug alone.
    if TeachingProgramme.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "Another teaching programme already uses this slug."})
    programme.save()
    audit.append(
        actor=actor,
        action="teaching_programme_create",
        obj=programme,
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return programme


@transaction.atomic
def create_teaching_session(
    *,
    programme: TeachingProgramme,
    actor,
    title: str,
    starts_at: datetime,
    duration_minutes: int = 60,
    mandatory: bool = False,
    location: str = "",
) -> TeachingSession:
    """A session of a programme, with a fresh check-in code."""
    _refuse_unless_admin(actor, programme.organisation_id)
    _check_start(starts_at)
    shortest, longest = SESSION_MINUTES
    if not shortest <= duration_minutes <= longest:
        raise ValidationError(
            {"duration_minutes": f"A session lasts from {shortest} to {longest} minutes."}
        )
    session = TeachingSession(
        programme=programme,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mandatory=mandatory,
        location=location,
    )
    session.full_clean(exclude=["programme"])
    session.save()
    audit.append(
        actor=actor,
        action="teaching_session_create",
        obj=session,
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return session


def _check_start(starts_at: datetime) -> None:
    """Within a working life before today, and a few years after. Attending logs an entry on
    the session's day, which may be no older than an entry; and a start in the far past or
    future is a typing slip, whose check-in window would not even be a date."""
    today = timezone.localdate()
    earliest = today.replace(month=1, day=1, year=today.year - OLDEST_ENTRY_YEARS)
    latest = today.replace(month=12, day=31, year=today.year + SESSION_YEARS_AHEAD)
    # Compared as instants, in UTC: turning a start near year 1 into local time could
    # itself fall off the calendar.
    if not (
        datetime.combine(earliest, time.min, tzinfo=UTC)
        <= starts_at
        <= datetime.combine(latest, time.max, tzinfo=UTC)
    ):
        raise ValidationError(
            {
                "starts_at": f"A session starts between {earliest:%Y} and {latest:%Y}. "
                "Check the year."
            }
        )


@transaction.atomic
def mark_register(*, session: TeachingSession, trainees, actor) -> list[Attendance]:
    """Mark the ticked trainees present, all or none. Each must be a trainee of the
    organisation running the session; anyone already recorded stays recorded once."""
    organisation_id = session.programme.organisation_id
    _refuse_unless_admin(actor, organisation_id)
    # Attending logs an entry, and an entry records learning that has happened.
    if session.starts_at > timezone.now():
        raise ValidationError({"trainees": "The register opens when the session starts."})
    trainees = list(trainees)
    members = selectors.trainees_of(organisation_id, trainees)
    outsiders = [str(t) for t in trainees if t.pk not in members]
    if outsiders:
        raise ValidationError(
            {"trainees": f"Not trainees of this organisation: {', '.join(outsiders)}."}
        )
    return [
        _record_attendance(
            session=session, trainee=trainee, recorded_by=actor, method=Attendance.Method.REGISTER
        )
        for trainee in trainees
    ]


def _code_as_digits(typed: str) -> str:
    """The code as typed, reduced to its digits. People copy codes with a space ("042 917");
    anything but six digits is refused before it counts as a guess."""
    code = "".join(typed.split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise ValidationError({"code": "Enter the 6 digits of the code, for example 042917."})
    return code


@transaction.atomic
def check_in(*, trainee, actor, code: str) -> Attendance:
    """The trainee checks in with the code shown during the session: the session is the one
    of their organisations running now with that code. Wrong codes, and codes tried outside
    the session, count towards a limit; past it, every code is refused for a while."""
    if actor is None or actor.pk != trainee.pk:
        raise PermissionDenied("Trainees check themselves in; staff mark the register.")
    code = _code_as_digits(code)
    failures = f"teaching:check-in-failures:{trainee.pk}"
    if cache.get(failures, 0) >= CHECK_IN_ATTEMPTS:
        raise ValidationError({"code": "Too many wrong codes. Wait 15 minutes, then try again."})
    try:
        session = selectors.check_in_session(trainee, code)
        if session is None:
            raise ValidationError(
                {
                    "code": "No session of your organisations running now has that code. "
                    "Check the code on the screen."
                }
            )
        if not session.is_open_for_check_in():
            raise ValidationError({"code": "Check-in is open only during the session."})
    except ValidationError:
        # The count lives outside the database, so the rollback of this transaction keeps it.
        cache.add(failures, 0, CHECK_IN_LOCKOUT_SECONDS)
        cache.incr(failures)
        raise
    cache.delete(failures)
    return _record_attendance(
        session=session, trainee=trainee, recorded_by=actor, method=Attendance.Method.CHECK_IN
    )


def _record_attendance(*, session, trainee, recorded_by, method: str) -> Attendance:
    """Mark a trainee present. Attending logs the matching learning entry in their
    portfolio (once, however often attendance is recorded)."""
    attendance, created = Attendance.objects.get_or_create(
        session=session, trainee=trainee, defaults={"recorded_by": recorded_by, "method": method}
    )
    if created:
        # Logged by the system, for the trainee: this service has already checked who may
        # record the attendance.
        entry, _ = portfolio_services.log_entry(
            actor=None,
            trainee=trainee,
            kind="teaching_attended",
            title=session.title,
            date=timezone.localdate(session.starts_at),
            time=timezone.localtime(session.starts_at).time(),
            duration_minutes=session.duration_minutes,
            provider=session.programme.organisation.name,
            location=session.location,
            source="import",
            external_id=f"attendance-{session.pk}",
        )
        attendance.entry = entry
        attendance.save(update_fields=["entry"])
        audit.append(
            actor=recorded_by,
            action="attend",
            obj=attendance,
            payload={"method": method},
            chain=audit.user_chain(attendance.trainee_id),
        )
    return attendance
