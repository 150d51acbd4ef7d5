"""Reads for the passport: a trainee's own passport, and an organisation's acceptances and
compliance grid for its admins. Each turns rows into passport.standing's plain data and asks
it; each costs a fixed number of queries however many members, awards and badges there are.

A trainee's organisations, for the passport, are those where they hold the trainee role:
the same people an organisation's compliance grid lists."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from badges.models import Award, BadgeClass, ExternalBadge
from core.access import get_or_404
from passport import standing
from passport.models import Acceptance, Subject
from passport.standing import Accepted, Credential, SubjectStanding

# A membership this recent is new: the passport shows first what it already covers there.
NEW_MEMBERSHIP = timedelta(days=30)


def badge_class_target(badge_class_id: int) -> tuple:
    return ("badge_class", badge_class_id)


def external_target(issuer_uri: str, achievement_uri: str) -> tuple:
    return ("external", issuer_uri, achievement_uri)


def target_of(acceptance: Acceptance) -> tuple:
    if acceptance.badge_class_id is not None:
        return badge_class_target(acceptance.badge_class_id)
    return external_target(acceptance.issuer_uri, acceptance.achievement_uri)


def accepted(acceptances) -> list[Accepted]:
    return [
        Accepted(a.organisation_id, a.subject.code, target_of(a), a.months) for a in acceptances
    ]


# --- Acceptances ----------------------------------------------------------------------------


def acceptances_of(organisations) -> QuerySet[Acceptance]:
    """The acceptances of an organisation (or of several), with their subjects and badge
    classes."""
    if isinstance(organisations, Organisation):
        organisations = [organisations]
    return (
        Acceptance.objects.filter(organisation__in=organisations)
        .select_related("subject", "badge_class__issuer", "organisation")
        .order_by("subject__order", "subject__code", "pk")
    )


def access_acceptance(organisation: Organisation, acceptance_id) -> Acceptance:
    return get_or_404(acceptances_of(organisation), "No such acceptance.", pk=acceptance_id)


def acceptable_badge_classes() -> QuerySet[BadgeClass]:
    """The badge classes an organisation may accept: every active one on this Waymark,
    whoever issues it (they are public)."""
    return (
        BadgeClass.objects.filter(is_active=True)
        .select_related("issuer")
        .order_by("issuer__name", "name", "pk")
    )


def subjects() -> QuerySet[Subject]:
    return Subject.objects.order_by("order", "code")


def required_subjects(acceptances) -> list[Subject]:
    """The subjects an organisation requires: those it accepts something for, in order."""
    found = {a.subject_id: a.subject for a in acceptances}
    return sorted(found.values(), key=lambda s: (s.order, s.code))


# --- Credentials ----------------------------------------------------------------------------


def _day(moment) -> date:
    return timezone.localdate(moment)


def credentials_of(trainee_ids, accepted_rows: list[Accepted]) -> dict[int, list[Credential]]:
    """The credentials of each trainee that some acceptance names: standing awards of the
    accepted badge classes, and verified badges issued elsewhere of the accepted achievements.
    Two queries, whoever and however many."""
    badge_class_ids = {a.target[1] for a in accepted_rows if a.target[0] == "badge_class"}
    external = {a.target for a in accepted_rows if a.target[0] == "external"}
    found = {pk: [] for pk in trainee_ids}
    if badge_class_ids:
        awards = (
            Award.objects.standing()
            .filter(recipient__in=trainee_ids, badge_class__in=badge_class_ids)
            .select_related("badge_class__issuer")
        )
        for award in awards:
            found[award.recipient_id].append(
                Credential(
                    ref=f"award:{award.pk}",
                    target=badge_class_target(award.badge_class_id),
                    name=award.badge_class.name,
                    issuer=award.badge_class.issuer.name,
                    issued_on=_day(award.issued_on),
                    expires=_day(award.expires) if award.expires else None,
                    url=award.get_absolute_url(),
                )
            )
    if external:
        badges = ExternalBadge.objects.filter(
            trainee__in=trainee_ids,
            verified=True,
            issuer_uri__in={t[1] for t in external},
            achievement_uri__in={t[2] for t in external},
        ).only(
            "trainee",
            "badge_name",
            "issuer_name",
            "issued_on",
            "expires",
            "issuer_uri",
            "achievement_uri",
        )
        for badge in badges:
            target = external_target(badge.issuer_uri, badge.achievement_uri)
            if target in external:
                found[badge.trainee_id].append(
                    Credential(
                        ref=f"external:{badge.pk}",
                        target=target,
                        name=badge.badge_name,
                        issuer=badge.issuer_name,
                        issued_on=_day(badge.issued_on),
                        expires=_day(badge.expires) if badge.expires else None,
                    )
                )
    return found


# --- A trainee's passport -------------------------------------------------------------------


@dataclass
class Row:
    subject: Subject
    standing: SubjectStanding
    # Where it is accepted (general passport): the organisations, by name.
    organisations: list[Organisation]
    # What the organisation accepts for the subject (an organisation's section), by name.
    accepts: list[str] = field(default_factory=list)


@dataclass
class Section:
    organisation: Organisation
    joined: date
    is_new: bool
    rows: list[Row]

    @property
    def required(self) -> int:
        return len(self.rows)

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.standing.met)

    @property
    def met(self) -> list[Row]:
        return [row for row in self.rows if row.standing.met]

    @property
    def outstanding(self) -> list[Row]:
        return [row for row in self.rows if not row.standing.met]


@dataclass
class Passport:
    today: date
    rows: list[Row]
    sections: list[Section]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.standing.met)


def trainee_memberships(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, role=Role.TRAINEE)
        .select_related("organisation")
        .order_by("-created_at", "organisation__name")
    )


def passport_of(user, *, today: date) -> Passport:
    """The user's passport: every core CSTF subject (and any other an organisation of theirs
    requires), met or not across all their organisations; then, per organisation, what it
    requires and what of that they have. New memberships first. Five queries."""
    memberships = list(trainee_memberships(user))
    organisations = {m.organisation_id: m.organisation for m in memberships}
    acceptances = list(acceptances_of(list(organisations)))
    rows = accepted(acceptances)
    credentials = credentials_of([user.pk], rows)[user.pk]
    all_subjects = list(subjects())
    required_anywhere = {a.subject_id for a in acceptances}
    shown = [s for s in all_subjects if s.is_core or s.pk in required_anywhere]
    general = standing.general_standing([s.code for s in shown], rows, credentials, today)
    passport_rows = [
        Row(subject, found, [organisations[pk] for pk in found.organisations])
        for subject, found in zip(shown, general, strict=True)
    ]
    sections = []
    for membership in memberships:
        own = [a for a in acceptances if a.organisation_id == membership.organisation_id]
        required = required_subjects(own)
        found = standing.organisation_standing(
            [s.code for s in required], accepted(own), credentials, today
        )
        joined = _day(membership.created_at)
        sections.append(
            Section(
                organisation=membership.organisation,
                joined=joined,
                is_new=today - joined <= NEW_MEMBERSHIP,
                rows=[
                    Row(s, f, [], [a.label for a in own if a.subject_id == s.pk])
                    for s, f in zip(required, found, strict=True)
                ],
            )
        )
    # New memberships first, the latest first (the memberships' own order), then the rest.
    sections.sort(key=lambda s: not s.is_new)
    return Passport(today, passport_rows, sections)


# --- An organisation's compliance grid --------------------------------------------------------


def trainees_of(organisation: Organisation) -> QuerySet[User]:
    """The organisation's trainees, whom its compliance grid lists."""
    return (
        User.objects.filter(
            Q(memberships__organisation=organisation) & Q(memberships__role=Role.TRAINEE)
        )
        .distinct()
        .order_by("full_name", "email", "pk")
    )


@dataclass
class GridRow:
    trainee: User
    cells: list[SubjectStanding]

    @property
    def covered(self) -> int:
        return sum(1 for cell in self.cells if cell.met)


@dataclass
class Grid:
    subjects: list[Subject]
    rows: list[GridRow]


def compliance_grid(organisation: Organisation, trainees, *, today: date) -> Grid:
    """`trainees` (a page of trainees_of) × the subjects the organisation requires. Two
    queries for the acceptances and credentials, besides the trainees themselves."""
    acceptances = list(acceptances_of(organisation))
    required = required_subjects(acceptances)
    rows = accepted(acceptances)
    trainees = list(trainees)
    credentials = credentials_of([t.pk for t in trainees], rows)
    codes = [s.code for s in required]
    return Grid(
        required,
        [
            GridRow(t, standing.organisation_standing(codes, rows, credentials[t.pk], today))
            for t in trainees
        ],
    )
