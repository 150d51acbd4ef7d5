"""Reads of badges, awards and progress, scoped to what the asking user may see, and the
read side of evaluation: what a trainee's rules decide.

Each page or endpoint has its selector here, doing the joins it needs, so that a page costs
the same number of queries however many awards there are."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Membership, Organisation
from accounts.selectors import is_admin_of, organisations_administered_by
from badges import evaluation, facts, rules, trust
from badges.models import (
    Award,
    BadgeClass,
    Endorsement,
    ExternalBadge,
    Issuer,
    Progress,
    PublicProfile,
)
from core.access import get_or_404
from curriculum.models import Framework, Item
from portfolio.models import LearningEntry

# --- A trainee's badges --------------------------------------------------------------------------


def awards_of(trainee) -> QuerySet[Award]:
    """Every award the trainee has earned, newest first, revoked ones included (the trainee
    should see that a badge was revoked, and why). Without who awarded it: the trainee's
    pages and API do not show that, and the join is most of the query's cost."""
    return Award.objects.filter(recipient=trainee).select_related("badge_class__issuer")


def external_badges_of(trainee) -> QuerySet[ExternalBadge]:
    """The trainee's badges issued elsewhere (added to their backpack, sent by an app, or
    imported with a portfolio), newest first."""
    return ExternalBadge.objects.filter(trainee=trainee)


def access_own_external_badge(trainee, uid) -> ExternalBadge:
    return get_or_404(external_badges_of(trainee), "No such badge of yours.", uid=uid)


def public_external_badges_of(trainee) -> QuerySet[ExternalBadge]:
    return ExternalBadge.objects.filter(trainee=trainee, public=True).order_by("-issued_on")


def verified_emails(user) -> tuple[str, ...]:
    """The addresses a badge issued elsewhere may name as the trainee: those they verified,
    and the address they sign in with, which awards here are issued to. One query."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return tuple(dict.fromkeys(e.strip().lower() for e in (user.email, *verified) if e))


def progress_of(trainee) -> QuerySet[Progress]:
    """Badges under way: progress towards active badge classes the trainee does not hold,
    closest to done first. A revoked badge is not under way either: its rule does not award
    it again, and the trainee's page lists it as revoked, with the reason."""
    held = Award.objects.filter(recipient=trainee).values("badge_class")
    return (
        Progress.objects.filter(trainee=trainee, badge_class__is_active=True)
        .exclude(badge_class__in=held)
        .select_related("badge_class__issuer")
        .order_by(F("share").desc(nulls_last=True), "badge_class__name")
    )


def dashboard_badges(trainee) -> dict:
    """The dashboard card: the three latest standing awards and the closest badge under
    way. Two queries."""
    return {
        "latest": list(awards_of(trainee).standing()[:3]),
        "closest": progress_of(trainee).filter(current__gt=0).first(),
    }


def supervised_trainee_badges(trainee) -> dict:
    """What a supervisor sees of a trainee's badges: those standing (expired ones too,
    marked) and those under way. Two queries. Revoked awards and their reasons are between
    the trainee and the issuer."""
    return {
        "awards": list(awards_of(trainee).standing().order_by("-issued_on", "-pk")),
        "progress": list(progress_of(trainee).filter(current__gt=0)),
    }


def public_profile_of(trainee) -> PublicProfile | None:
    return PublicProfile.objects.filter(user=trainee).first()


def access_own_award(trainee, award_id) -> Award:
    return get_or_404(awards_of(trainee), "No such award of yours.", pk=award_id)


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
    """Everyone awarded the badge class, newest first, revoked awards included: the admins'
    list, on the page and in the API."""
    return Award.objects.filter(badge_class=badge_class).select_related(
        "recipient", "awarded_by", "badge_class__issuer"
    )


def access_award_for_admin(organisation: Organisation, award_id: int) -> Award:
    try:
        return Award.objects.select_related("badge_class__issuer", "recipient").get(
            pk=award_id, badge_class__issuer__organisation=organisation
        )
    except Award.DoesNotExist:
        raise Http404("No such award.") from None


def access_badge_class_to_award(user, badge_class_id) -> BadgeClass:
    """A badge class of an issuer whose organisation `user` administers, for the list of its
    awards and awarding it by hand; 404 for any other, as for the organisation's pages."""
    administered = Membership.objects.admins().filter(user=user).values("organisation")
    return get_or_404(
        BadgeClass.objects.select_related("issuer__organisation"),
        "No such badge class of an organisation you administer.",
        pk=badge_class_id,
        issuer__organisation__in=administered,
    )


def access_award_to_revoke(user, award_id: int) -> Award:
    """An award of an issuer whose organisation `user` administers; 404 for any other, so
    the API does not tell whether an award id exists."""
    administered = Membership.objects.admins().filter(user=user).values("organisation")
    return get_or_404(
        Award.objects.select_related("badge_class__issuer", "recipient"),
        "No such award.",
        pk=award_id,
        badge_class__issuer__organisation__in=administered,
    )


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


def linkable_entries(trainee) -> QuerySet[LearningEntry]:
    """The entries a badge awarded by hand may link as evidence: the trainee's own,
    signed off."""
    return LearningEntry.objects.for_trainee(trainee).signed_off()


def administered_issuers(user) -> QuerySet[Issuer]:
    return Issuer.objects.filter(organisation__in=organisations_administered_by(user))


def access_issuers_for_admin(user) -> QuerySet[Issuer]:
    """The issuers of the organisations the user administers; someone who administers none
    may not create badge classes at all."""
    issuers = administered_issuers(user)
    if not issuers.exists():
        raise PermissionDenied("Only the admins of an organisation with an issuer can do this.")
    return issuers


def access_badge_class_to_change(user, badge_class_id) -> BadgeClass:
    """A badge class the user may see (404 otherwise) and change: only the admins of its
    issuing organisation may (403 for anyone else who sees it)."""
    try:
        badge_class = badge_classes_visible_to(user).get(pk=badge_class_id)
    except (BadgeClass.DoesNotExist, ValueError, TypeError):
        raise Http404("No such badge class.") from None
    if not is_admin_of(user, badge_class.issuer.organisation_id):
        raise PermissionDenied("Only the admins of the issuing organisation can change it.")
    return badge_class


def badge_classes_visible_to(user) -> QuerySet[BadgeClass]:
    """For the API: every active badge class (they are public), and, for organisation
    admins, their own inactive ones too."""
    visible = BadgeClass.objects.filter(is_active=True)
    if user.is_authenticated:
        visible = visible | BadgeClass.objects.filter(issuer__in=administered_issuers(user))
    # The standing endorsements, which its representation lists publicly.
    endorsements = Prefetch(
        "endorsements",
        queryset=Endorsement.objects.live()
        .select_related("endorser", *trust.related("endorser"))
        .order_by("created_at", "pk"),
        to_attr="live_endorsements",
    )
    return (
        visible.select_related("issuer").prefetch_related("alignments", endorsements).order_by("pk")
    )


# --- Public profiles ------------------------------------------------------------------------------


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
        .select_related("badge_class__issuer", *trust.related("badge_class__issuer"))
        .order_by("-issued_on")
    )


# --- Evaluation: what a trainee's rules decide ---------------------------------------------------


def assess(*, trainee) -> list[tuple[BadgeClass, evaluation.Result]]:
    """Decide every rule-based badge the trainee does not hold, in evaluation order, as if
    each badge met were awarded on the spot (so badges stack within one run). Reads only:
    a fixed number of queries set by the badge classes, never by the trainee's history."""
    today = timezone.localdate()
    # Badges of the organisations the trainee belongs to; an issuer badges its own people.
    # With their issuers, whom the notice of each award made names.
    classes = {
        c.slug: c
        for c in BadgeClass.objects.filter(
            is_active=True,
            rule__isnull=False,
            issuer__organisation__in=Membership.objects.filter(user=trainee).values("organisation"),
        ).select_related("issuer")
    }
    awards = list(
        Award.objects.filter(recipient=trainee).values_list(
            "badge_class__slug", "badge_class__name", "revoked_at"
        )
    )
    # Badges held, slug → name (a stacked badge's award names the badges it stood on).
    held = {slug: name for slug, name, revoked_at in awards if revoked_at is None}
    # A revocation sticks: a revoked badge is not awarded again by its rule, only by staff.
    revoked = {slug for slug, _name, revoked_at in awards if revoked_at is not None}
    pending = {slug: c for slug, c in classes.items() if slug not in held.keys() | revoked}
    requests = set().union(*(rules.fact_requests(c.rule, today) for c in pending.values()))
    gathered = facts.gather(trainee, requests, today)

    decided = []
    for slug in rules.evaluation_order({s: c.rule for s, c in classes.items()}):
        if slug in pending:
            result = evaluation.evaluate(pending[slug].rule, gathered, held, today)
            decided.append((pending[slug], result))
            if result.met:
                held[slug] = pending[slug].name
    return decided
