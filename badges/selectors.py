"""Reads of badges, awards, progress and teaching, scoped to what the asking user may see.

Each page or endpoint has its selector here, doing the joins it needs, so that a page costs
the same number of queries however many awards or sessions there are."""

from datetime import timedelta

from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast, NullIf
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.selectors import organisations_administered_by, users_with_role
from badges.models import (
    Attendance,
    Award,
    BadgeClass,
    Issuer,
    Progress,
    PublicProfile,
    TeachingProgramme,
    TeachingSession,
)
from badges.services import check_in_window
from curriculum.models import Framework, Item

# --- A trainee's badges --------------------------------------------------------------------------


def awards_of(trainee) -> QuerySet[Award]:
    """Every award the trainee has earned, newest first, revoked ones included (the trainee
    should see that a badge was revoked, and why)."""
    return Award.objects.filter(recipient=trainee).select_related("badge_class__issuer")


def progress_of(trainee) -> QuerySet[Progress]:
    """Badges under way: progress towards active badge classes the trainee does not hold,
    closest to done first."""
    held = Award.objects.standing().filter(recipient=trainee).values("badge_class")
    return (
        Progress.objects.filter(trainee=trainee, badge_class__is_active=True)
        .exclude(badge_class__in=held)
        .select_related("badge_class__issuer")
        .annotate(
            # NullIf: a target of 0 (a rule asking for less than one credit) must not divide.
            share=Cast("current", FloatField()) / NullIf(Cast("target", FloatField()), 0.0)
        )
        .order_by(F("share").desc(nulls_last=True), "badge_class__name")
    )


def dashboard_badges(trainee) -> dict:
    """The dashboard card: the three latest standing awards and the closest badge under
    way. Two queries."""
    return {
        "latest": list(awards_of(trainee).standing()[:3]),
        "closest": progress_of(trainee).filter(current__gt=0).first(),
    }


def public_profile_of(trainee) -> PublicProfile | None:
    return PublicProfile.objects.filter(user=trainee).first()


def access_own_award(trainee, award_id: int) -> Award:
    try:
        return awards_of(trainee).get(pk=award_id)
    except Award.DoesNotExist:
        raise Http404("No such award.") from None


def award_public_url(award: Award, view_name: str) -> str | None:
    """The path of one of an award's public pages or documents (`award_verify`,
    `award_assertion`, ...), or None while that view is not installed. Those views take the
    award's public identifier, never its database id, so their URLs cannot be enumerated."""
    try:
        return reverse(view_name, args=[award.uid])
    except NoReverseMatch:
        return None


# --- Issuer administration -----------------------------------------------------------------------


def issuer_of(organisation: Organisation) -> Issuer | None:
    return Issuer.objects.filter(organisation=organisation).first()


def badge_classes_of(organisation: Organisation) -> QuerySet[BadgeClass]:
    return BadgeClass.objects.filter(issuer__organisation=organisation).select_related("issuer")


def badge_class_list(organisation: Organisation) -> QuerySet[BadgeClass]:
    """The organisation's badge classes, each with how many trainees hold it now."""
    return badge_classes_of(organisation).annotate(
        standing=Count("awards", filter=Q(awards__revoked_at__isnull=True))
    )


def access_badge_class_for_admin(organisation: Organisation, badge_class_id: int) -> BadgeClass:
    try:
        return badge_classes_of(organisation).prefetch_related("alignments").get(pk=badge_class_id)
    except BadgeClass.DoesNotExist:
        raise Http404("No such badge class.") from None


def awards_of_badge_class(badge_class: BadgeClass) -> QuerySet[Award]:
    return Award.objects.filter(badge_class=badge_class).select_related("recipient", "awarded_by")


def access_award_for_admin(organisation: Organisation, award_id: int) -> Award:
    try:
        return Award.objects.select_related("badge_class__issuer", "recipient").get(
            pk=award_id, badge_class__issuer__organisation=organisation
        )
    except Award.DoesNotExist:
        raise Http404("No such award.") from None


def alignable_items(organisation: Organisation, badge_class: BadgeClass | None = None):
    """Curriculum items a badge class can align to: those of the frameworks the
    organisation's programmes use, or of every framework if it runs no programme yet; and
    whatever the badge class is aligned to already, so that editing it drops nothing."""
    frameworks = Framework.objects.filter(programmes__organisation=organisation)
    if not frameworks.exists():
        frameworks = Framework.objects.all()
    wanted = Q(framework__in=frameworks.values("pk"))
    if badge_class is not None:
        wanted |= Q(pk__in=badge_class.alignments.values("pk"))
    return (
        Item.objects.filter(wanted)
        .select_related("framework")
        .order_by("framework__name", "framework__version", "position", "code")
    )


def holds_badge(trainee, badge_class: BadgeClass) -> bool:
    return Award.objects.standing().filter(recipient=trainee, badge_class=badge_class).exists()


def administered_issuers(user) -> QuerySet[Issuer]:
    return Issuer.objects.filter(organisation__in=organisations_administered_by(user))


def badge_classes_visible_to(user) -> QuerySet[BadgeClass]:
    """For the API: every active badge class (they are public), and, for organisation
    admins, their own inactive ones too."""
    visible = BadgeClass.objects.filter(is_active=True)
    if user.is_authenticated:
        visible = visible | BadgeClass.objects.filter(issuer__in=administered_issuers(user))
    return visible.select_related("issuer").prefetch_related("alignments").order_by("pk")


# --- Teaching programmes and attendance ----------------------------------------------------------


def teaching_programmes_of(organisation: Organisation) -> QuerySet[TeachingProgramme]:
    return TeachingProgramme.objects.filter(organisation=organisation).order_by("name")


def teaching_programme_list(organisation: Organisation) -> QuerySet[TeachingProgramme]:
    return teaching_programmes_of(organisation).annotate(session_count=Count("sessions"))


def trainees_not_yet_at(organisation: Organisation, session: TeachingSession):
    """The organisation's trainees who are not on the session's register yet."""
    return users_with_role(organisation, Role.TRAINEE).exclude(
        pk__in=session.attendances.values("trainee")
    )


def access_teaching_programme(organisation: Organisation, programme_id: int) -> TeachingProgramme:
    try:
        return teaching_programmes_of(organisation).get(pk=programme_id)
    except TeachingProgramme.DoesNotExist:
        raise Http404("No such teaching programme.") from None


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

    def is_open(session):
        opens, closes = check_in_window(session)
        return opens <= now <= closes

    candidates.sort(key=lambda s: (not is_open(s), abs(s.starts_at - now)))
    return candidates[0] if candidates else None


def access_public_profile(slug: str) -> PublicProfile:
    """An enabled public profile; a switched-off one does not exist to the public."""
    try:
        return PublicProfile.objects.select_related("user").get(slug=slug, enabled=True)
    except PublicProfile.DoesNotExist:
        raise Http404("No such profile.") from None


def public_awards_of(trainee):
    return (
        Award.objects.standing()
        .filter(recipient=trainee, public=True)
        .select_related("badge_class__issuer")
        .order_by("-issued_on")
    )
