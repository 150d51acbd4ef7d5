"""Reads of teaching programmes, sessions and registers, scoped to what the asking user may
see, and the access helpers that fetch and authorise in one call (404 for anything else)."""

from datetime import timedelta

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.selectors import organisations_administered_by, users_with_role
from teaching.models import Attendance, TeachingProgramme, TeachingSession

# --- An organisation's programmes and sessions (its admins) --------------------------------------


def teaching_programmes_of(organisation: Organisation) -> QuerySet[TeachingProgramme]:
    return TeachingProgramme.objects.filter(organisation=organisation).order_by("name")


def teaching_programme_list(organisation: Organisation) -> QuerySet[TeachingProgramme]:
    return teaching_programmes_of(organisation).annotate(session_count=Count("sessions"))


def access_teaching_programme(organisation: Organisation, programme_id: int) -> TeachingProgramme:
    try:
        return teaching_programmes_of(organisation).get(pk=programme_id)
    except TeachingProgramme.DoesNotExist:
        raise Http404("No such teaching programme.") from None


def programme_slugs_run_by(organisation_id: int, slugs) -> set[str]:
    """Which of these programme slugs the organisation runs (attendance badge rules name
    programmes by slug)."""
    return set(
        TeachingProgramme.objects.filter(organisation=organisation_id, slug__in=slugs).values_list(
            "slug", flat=True
        )
    )


def sessions_of(programme: TeachingProgramme) -> QuerySet[TeachingSession]:
    """The programme's sessions, latest first, each with how many attended."""
    return programme.sessions.annotate(attended=Count("attendances")).order_by("-starts_at")


def access_teaching_session(organisation: Organisation, session_id: int) -> TeachingSession:
    try:
        return TeachingSession.objects.select_related("programme__organisation").get(
            pk=session_id, programme__organisation=organisation
        )
    except TeachingSession.DoesNotExist:
        raise Http404("No such session.") from None


def attendances_at(session: TeachingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("trainee").order_by(
        "trainee__full_name", "trainee__email"
    )


def trainees_not_yet_at(organisation: Organisation, session: TeachingSession):
    """The organisation's trainees who are not on the session's register yet."""
    return users_with_role(organisation, Role.TRAINEE).exclude(
        pk__in=session.attendances.values("trainee")
    )


def trainees_of(organisation_id: int, people) -> set[int]:
    """The ids of those among `people` who are trainees of the organisation."""
    return set(
        users_with_role(organisation_id, Role.TRAINEE)
        .filter(pk__in=[person.pk for person in people])
        .values_list("pk", flat=True)
    )


# --- For the API: what an organisation admin may read --------------------------------------------


def teaching_programmes_visible_to(user) -> QuerySet[TeachingProgramme]:
    """The programmes of every organisation the user administers, each with its number of
    sessions; nobody else sees an organisation's teaching through the API."""
    return (
        TeachingProgramme.objects.filter(organisation__in=organisations_administered_by(user))
        .select_related("organisation")
        .annotate(session_count=Count("sessions"))
        .order_by("organisation__name", "name", "pk")
    )


def teaching_sessions_visible_to(user) -> QuerySet[TeachingSession]:
    """The sessions of the programmes the user may see, latest first, each with how many
    attended."""
    return (
        TeachingSession.objects.filter(
            programme__organisation__in=organisations_administered_by(user)
        )
        .select_related("programme__organisation")
        .annotate(attended=Count("attendances"))
        .order_by("-starts_at", "-pk")
    )


def access_teaching_session_for_admin(user, session_id) -> TeachingSession:
    """A session of an organisation the user administers; 404 for any other."""
    try:
        return teaching_sessions_visible_to(user).get(pk=session_id)
    except (TeachingSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


# --- Check-in (trainees) -------------------------------------------------------------------------


def check_in_session(trainee, code: str) -> TeachingSession | None:
    """The session a trainee means by a check-in code: one of the organisations where they
    are a trainee, with that code, starting within a day of now; an open one first, else
    the nearest in time, so that a late trainee hears that check-in has closed rather than
    that the code is wrong."""
    now = timezone.now()
    candidates = list(
        TeachingSession.objects.filter(
            check_in_code=code,
            programme__organisation__memberships__user=trainee,
            programme__organisation__memberships__role=Role.TRAINEE,
            starts_at__range=(now - timedelta(days=1), now + timedelta(days=1)),
        )
        .select_related("programme__organisation")
        .distinct()
    )
    candidates.sort(key=lambda s: (not s.is_open_for_check_in(now), abs(s.starts_at - now)))
    return candidates[0] if candidates else None
