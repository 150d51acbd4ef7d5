"""Every change to badge classes, awards and attendance goes through a function here."""

import calendar
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Role
from audit import services as audit
from badges import facts, rules
from badges.models import (
    Attendance,
    Award,
    BadgeClass,
    Issuer,
    PendingEvaluation,
    Progress,
    PublicProfile,
    TeachingProgramme,
    TeachingSession,
)
from core.hashing import sha256
from core.tasks import enqueue_after_commit
from curriculum.models import Item
from portfolio import evidence
from portfolio import services as portfolio_services
from portfolio.models import Kind


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- Awarding ------------------------------------------------------------------------------------


def award_badge(
    *, badge_class: BadgeClass, recipient, narrative: str = "", events=(), awarded_by=None
) -> Award:
    """Award a badge, or return the standing award if the trainee already holds it. Safe
    under retries and concurrent workers: the database allows one standing award."""
    with transaction.atomic():
        existing = (
            Award.objects.standing().filter(badge_class=badge_class, recipient=recipient).first()
        )
        if existing:
            return existing
        issued = timezone.now()
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    badge_class=badge_class,
                    recipient=recipient,
                    recipient_email=recipient.email,
                    issued_on=issued,
                    expires=add_months(issued, badge_class.valid_for_months)
                    if badge_class.valid_for_months
                    else None,
                    narrative=narrative,
                    awarded_by=awarded_by,
                )
        except IntegrityError:
            # Another worker awarded it a moment ago; theirs is the award.
            return Award.objects.standing().get(badge_class=badge_class, recipient=recipient)
        if events:
            award.events.set(events)
        audit.append(
            actor=awarded_by,
            action="award",
            obj=award,
            payload={
                "badge_class": badge_class.pk,
                "recipient": recipient.pk,
                "manual": awarded_by is not None,
            },
        )
    return award


@transaction.atomic
def revoke_award(*, award: Award, by, reason: str) -> Award:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the badge is revoked; the reason is published."})
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.revoked_at:
        raise ValidationError("This badge is already revoked.")
    award.revoked_at, award.revocation_reason = timezone.now(), reason
    award.save(update_fields=["revoked_at", "revocation_reason"])
    audit.append(actor=by, action="revoke", obj=award, payload={"reason_sha256": sha256(reason)})
    return award


def assess(*, trainee) -> list[tuple[BadgeClass, rules.Result]]:
    """Decide every rule-based badge the trainee does not hold, in evaluation order, as if
    each badge met were awarded on the spot (so badges stack within one run). Reads only:
    a fixed number of queries set by the badge classes, never by the trainee's history."""
    today = timezone.localdate()
    # Badges of the organisations the trainee belongs to; an issuer badges its own people.
    classes = {
        c.slug: c
        for c in BadgeClass.objects.filter(
            is_active=True,
            rule__isnull=False,
            issuer__organisation__in=Membership.objects.filter(user=trainee).values("organisation"),
        )
    }
    awards = list(
        Award.objects.filter(recipient=trainee).values_list("badge_class__slug", "revoked_at")
    )
    held = {slug for slug, revoked_at in awards if revoked_at is None}
    # A revocation sticks: a revoked badge is not awarded again by its rule, only by staff.
    revoked = {slug for slug, revoked_at in awards if revoked_at is not None}
    pending = {slug: c for slug, c in classes.items() if slug not in held | revoked}
    requests = set().union(*(rules.fact_requests(c.rule, today) for c in pending.values()))
    gathered = facts.gather(trainee, requests, today)

    decided = []
    for slug in rules.evaluation_order({s: c.rule for s, c in classes.items()}):
        if slug in pending:
            result = rules.evaluate(pending[slug].rule, gathered, held, today)
            decided.append((pending[slug], result))
            if result.met:
                held.add(slug)
    return decided


def evaluate_awards(*, trainee) -> list[Award]:
    """Re-evaluate every rule-based badge for one trainee: award what is now earned and
    record progress towards the rest."""
    decided = assess(trainee=trainee)
    awarded = [
        award_badge(badge_class=badge_class, recipient=trainee, narrative=badge_class.criteria)
        for badge_class, result in decided
        if result.met
    ]
    Progress.objects.bulk_create(
        [
            Progress(
                trainee=trainee,
                badge_class=badge_class,
                current=result.current,
                target=result.target,
                label=result.label,
            )
            for badge_class, result in decided
        ],
        update_conflicts=True,
        unique_fields=["trainee", "badge_class"],
        update_fields=["current", "target", "label", "updated_at"],
    )
    return awarded


# --- Pending evaluations ----------------------------------------------------------------------


def request_evaluation(*, trainee_id: int) -> None:
    """Record, in the caller's transaction, that a trainee's awards need evaluating, and ask
    a worker to do it after commit. If the broker is down the row stays for the sweep."""
    PendingEvaluation.objects.update_or_create(
        trainee_id=trainee_id, defaults={"requested_at": timezone.now()}
    )
    from badges.tasks import evaluate_trainee

    enqueue_after_commit(evaluate_trainee, trainee_id)


def request_evaluation_of_members(*, organisation) -> None:
    """A badge class's rule changed: everyone in its organisation may now qualify. Pending
    rows for all of them, in this transaction, and one sweep after commit to work through
    them (a large organisation is not fanned out into a task per person here)."""
    from badges.tasks import run_pending_evaluations

    now = timezone.now()
    trainee_ids = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    PendingEvaluation.objects.bulk_create(
        [PendingEvaluation(trainee_id=pk, requested_at=now) for pk in trainee_ids],
        update_conflicts=True,
        unique_fields=["trainee"],
        update_fields=["requested_at"],
    )
    enqueue_after_commit(run_pending_evaluations, 0)


def run_evaluation(*, trainee_id: int) -> list[Award]:
    """Evaluate, then clear the pending row unless a newer change arrived meanwhile."""
    from accounts.models import User

    started = timezone.now()
    trainee = User.objects.filter(pk=trainee_id).first()
    if trainee is None:
        PendingEvaluation.objects.filter(trainee_id=trainee_id).delete()
        return []
    awarded = evaluate_awards(trainee=trainee)
    PendingEvaluation.objects.filter(trainee_id=trainee_id, requested_at__lte=started).delete()
    return awarded


# --- Attendance ----------------------------------------------------------------------------------

# A check-in code works from shortly before a session starts until a while after it ends.
CHECK_IN_OPENS = timedelta(minutes=15)
CHECK_IN_CLOSES = timedelta(minutes=30)


@transaction.atomic
def record_attendance(*, session, trainee, recorded_by, method: str):
    """Mark a trainee present. Attending logs the matching learning event in their
    portfolio (once, however often attendance is recorded)."""

    attendance, created = Attendance.objects.get_or_create(
        session=session, trainee=trainee, defaults={"recorded_by": recorded_by, "method": method}
    )
    if created:
        event, _ = portfolio_services.log_event(
            trainee=trainee,
            kind="teaching_attended",
            title=session.title,
            date=timezone.localtime(session.starts_at).date(),
            time=timezone.localtime(session.starts_at).time(),
            duration_minutes=session.duration_minutes,
            provider=session.programme.organisation.name,
            location=session.location,
            source="import",
            external_id=f"attendance-{session.pk}",
        )
        attendance.event = event
        attendance.save(update_fields=["event"])
        audit.append(actor=recorded_by, action="attend", obj=attendance, payload={"method": method})
    return attendance


def check_in(*, session, trainee, code: str):
    """A trainee checks in with the code shown during the session."""
    now = timezone.now()
    opens = session.starts_at - CHECK_IN_OPENS
    closes = session.starts_at + timedelta(minutes=session.duration_minutes) + CHECK_IN_CLOSES
    if not opens <= now <= closes:
        raise ValidationError({"code": "Check-in is open only during the session."})
    if code.strip() != session.check_in_code:
        raise ValidationError(
            {"code": "That is not this session's code. Check the code on the screen."}
        )
    return record_attendance(
        session=session, trainee=trainee, recorded_by=trainee, method="check_in"
    )


# --- What trainees show publicly -----------------------------------------------------------------


@transaction.atomic
def set_award_public(*, award: Award, trainee, public: bool) -> Award:
    """Show or hide one badge on the trainee's public profile. Only its earner decides."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.recipient_id != trainee.pk:
        raise PermissionDenied("Only the person who earned a badge decides who sees it.")
    if public and award.revoked_at:
        raise ValidationError("A revoked badge cannot be shown on your public profile.")
    if award.public != public:
        award.public = public
        award.save(update_fields=["public"])
        audit.append(actor=trainee, action="award_public" if public else "award_hidden", obj=award)
    return award


@transaction.atomic
def set_public_profile(*, trainee, enabled: bool) -> PublicProfile:
    """Turn the trainee's public badge page on or off. It is off until they turn it on; the
    first call gives it its random address."""
    profile, _ = PublicProfile.objects.select_for_update().get_or_create(user=trainee)
    if profile.enabled != enabled:
        profile.enabled = enabled
        profile.save(update_fields=["enabled"])
        audit.append(
            actor=trainee, action="profile_public" if enabled else "profile_hidden", obj=profile
        )
    return profile


# --- Issuers and badge classes -------------------------------------------------------------------


@transaction.atomic
def update_issuer(
    *, organisation, actor, name: str, url: str, email: str, description: str = "", image=None
) -> Issuer:
    """Create or change the organisation's Open Badges issuer profile. A logo, if given,
    must be a PNG; it is re-encoded like a badge image."""
    png = badge_image_png(image) if image else None
    issuer = Issuer.objects.select_for_update().filter(organisation=organisation).first()
    created = issuer is None
    if created:
        issuer = Issuer(organisation=organisation)
    issuer.name, issuer.url, issuer.email, issuer.description = name, url, email, description
    issuer.full_clean(exclude=["organisation", "image"])
    if png is not None:
        issuer.image.save(f"{organisation.slug}.png", ContentFile(png), save=False)
    issuer.save()
    audit.append(
        actor=actor,
        action="issuer_create" if created else "issuer_update",
        obj=issuer,
        payload={"organisation": organisation.pk},
    )
    return issuer


# Badge images are shown small; anything bigger is a mistake, not a badge.
BADGE_IMAGE_MAX_BYTES = 2 * 1024 * 1024
BADGE_CLASS_FIELDS = frozenset(
    {"slug", "name", "description", "criteria", "rule", "tags", "valid_for_months", "is_active"}
)


def badge_image_png(upload) -> bytes:
    """A badge image upload as a freshly encoded PNG, judged by its content, never its name.
    SVG is refused with everything else that is not PNG: an SVG can carry script, and it
    would be served from Waymark's own origin."""
    if upload.size is not None and upload.size > BADGE_IMAGE_MAX_BYTES:
        raise ValidationError({"image": "A badge image can be at most 2 MB."})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if evidence.sniff(head) is not evidence.PNG:
        raise ValidationError(
            {"image": "A badge image must be a PNG file; SVG and other formats are refused."}
        )
    try:
        # The evidence checks: the whole file must parse, pixels are limited, and the image
        # is re-encoded, which drops metadata and anything hidden after the image data.
        checked = evidence.inspect_upload(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.message_dict.get("file", error.messages)}) from None
    return checked.content


def rule_problems(rule, *, issuer: Issuer, slug: str, pk: int | None = None) -> list[str]:
    """Everything wrong with a badge class's rule, in words: the schema first, then names of
    badges, entry kinds, curriculum items and teaching programmes that do not exist, then
    badges that would require each other."""
    if rule is None:
        return []
    try:
        rules.validate(rule)
    except rules.RuleError as error:
        return error.problems
    problems = []
    # Every other badge class: a class whose slug is changing is left out under its old one.
    elsewhere = BadgeClass.objects.exclude(slug=slug).exclude(pk=pk)
    others = dict(elsewhere.exclude(rule__isnull=True).values_list("slug", "rule"))
    known = set(elsewhere.values_list("slug", flat=True))
    for wanted in sorted(rules.badges_referenced(rule)):
        if wanted == slug:
            problems.append(f"the rule asks for this badge itself ({wanted!r}).")
        elif wanted not in known:
            problems.append(f"the rule asks for badge {wanted!r}, but no badge class has it.")
    parts = list(rules.walk(rule))
    for kind in sorted({kind for part in parts for kind in part.get("kinds", ())}):
        if kind not in Kind.values:
            problems.append(
                f"the rule counts entries of kind {kind!r}, which is not a kind of entry "
                f"(the kinds are {', '.join(Kind.values)})."
            )
    refs = {ref for part in parts for ref in part.get("items", ())}
    refs |= {part["item"] for part in parts if part["type"] == "coverage"}
    for ref in sorted(refs):
        framework, version, code = ref.split("/", 2)
        found = Item.objects.filter(
            framework__slug=framework, framework__version=version, code=code
        ).exists()
        if not found:
            problems.append(f"the rule refers to curriculum item {ref!r}, which does not exist.")
    programmes = sorted({part["programme"] for part in parts if part["type"] == "attendance"})
    runs = set(
        TeachingProgramme.objects.filter(
            organisation=issuer.organisation_id, slug__in=programmes
        ).values_list("slug", flat=True)
    )
    for programme in programmes:
        if programme not in runs:
            problems.append(
                f"the rule refers to teaching programme {programme!r}, which "
                f"{issuer.organisation} does not run."
            )
    if not problems:
        try:
            rules.evaluation_order({**others, slug: rule})
        except rules.RuleError as error:
            problems.extend(error.problems)
    return problems


def _save_badge_class(badge_class: BadgeClass, *, alignments, image) -> None:
    """Check every field at once, so a form shows all its errors together, then save."""
    errors, png = {}, None
    if image is not None:
        try:
            png = badge_image_png(image)
        except ValidationError as error:
            errors.update(error.message_dict)
    badge_class.tags = list(dict.fromkeys(t.strip() for t in badge_class.tags or [] if t.strip()))
    try:
        badge_class.full_clean(exclude=["issuer", "image"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "slug" not in errors:
        taken = BadgeClass.objects.filter(slug=badge_class.slug).exclude(pk=badge_class.pk)
        if taken.exists():
            errors["slug"] = ["Another badge class already uses this slug."]
        elif problems := rule_problems(
            badge_class.rule, issuer=badge_class.issuer, slug=badge_class.slug, pk=badge_class.pk
        ):
            errors["rule"] = problems
    if errors:
        raise ValidationError(errors)
    if png is not None:
        badge_class.image.save(f"{badge_class.slug}.png", ContentFile(png), save=False)
    badge_class.save()
    if alignments is not None:
        badge_class.alignments.set(alignments)


@transaction.atomic
def create_badge_class(
    *,
    issuer: Issuer,
    actor,
    slug: str,
    name: str,
    description: str,
    criteria: str,
    rule: dict | None = None,
    alignments=(),
    tags=(),
    valid_for_months: int | None = None,
    is_active: bool = True,
    image=None,
) -> BadgeClass:
    """A new badge class. `image`, if given, is an upload, kept only if it is a PNG
    (badge_image_png); the rule must pass rule_problems."""
    badge_class = BadgeClass(
        issuer=issuer,
        slug=slug,
        name=name,
        description=description,
        criteria=criteria,
        rule=rule,
        tags=list(tags),
        valid_for_months=valid_for_months,
        is_active=is_active,
    )
    _save_badge_class(badge_class, alignments=list(alignments), image=image)
    audit.append(
        actor=actor,
        action="badge_class_create",
        obj=badge_class,
        payload={"issuer": issuer.pk, "slug": slug, "rule": rule},
    )
    if rule:
        request_evaluation_of_members(organisation=issuer.organisation)
    return badge_class


@transaction.atomic
def update_badge_class(
    *, badge_class: BadgeClass, actor, alignments=None, image=None, **changes
) -> BadgeClass:
    """Change some of a badge class's fields (BADGE_CLASS_FIELDS), its alignments or its
    image; what is not passed stays as it is. A slug that other badges' rules name cannot
    change: those rules would silently stop matching."""
    unknown = set(changes) - BADGE_CLASS_FIELDS
    if unknown:
        raise TypeError(f"update_badge_class() cannot change {', '.join(sorted(unknown))}")
    badge_class = (
        BadgeClass.objects.select_related("issuer__organisation")
        .select_for_update(of=("self",))
        .get(pk=badge_class.pk)
    )
    old_slug = badge_class.slug
    if changes.get("slug", old_slug) != old_slug:
        dependants = sorted(
            slug
            for slug, rule in BadgeClass.objects.exclude(rule__isnull=True)
            .exclude(pk=badge_class.pk)
            .values_list("slug", "rule")
            if old_slug in rules.badges_referenced(rule)
        )
        if dependants:
            raise ValidationError(
                {
                    "slug": f"The rules of {', '.join(dependants)} refer to {old_slug!r}; "
                    "change those rules before changing this slug."
                }
            )
    changed = sorted(f for f, value in changes.items() if getattr(badge_class, f) != value)
    for field, value in changes.items():
        setattr(badge_class, field, value)
    _save_badge_class(badge_class, alignments=alignments, image=image)
    changed += [name for name, given in (("alignments", alignments), ("image", image)) if given]
    audit.append(
        actor=actor,
        action="badge_class_update",
        obj=badge_class,
        payload={"fields": changed, "rule": badge_class.rule},
    )
    if badge_class.rule and {"rule", "is_active"} & set(changed):
        request_evaluation_of_members(organisation=badge_class.issuer.organisation)
    return badge_class


# --- Teaching programmes and registers -----------------------------------------------------------


@transaction.atomic
def create_teaching_programme(*, organisation, actor, name: str, slug: str) -> TeachingProgramme:
    programme = TeachingProgramme(organisation=organisation, name=name, slug=slug)
    programme.full_clean(exclude=["organisation"], validate_unique=False)
    # Slugs are global: attendance rules name programmes by slug alone.
    if TeachingProgramme.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "Another teaching programme already uses this slug."})
    programme.save()
    audit.append(actor=actor, action="teaching_programme_create", obj=programme)
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
    audit.append(actor=actor, action="teaching_session_create", obj=session)
    return session


def check_in_window(session: TeachingSession) -> tuple[datetime, datetime]:
    """From when until when a session's check-in code works: the window check_in applies."""
    ends = session.starts_at + timedelta(minutes=session.duration_minutes)
    return session.starts_at - CHECK_IN_OPENS, ends + CHECK_IN_CLOSES


@transaction.atomic
def mark_register(*, session: TeachingSession, trainees, recorded_by) -> list[Attendance]:
    """Mark the ticked trainees present, all or none. Each must be a trainee of the
    organisation running the session; anyone already recorded stays recorded once."""
    trainees = list(trainees)
    members = set(
        Membership.objects.filter(
            organisation_id=session.programme.organisation_id,
            role=Role.TRAINEE,
            user__in=[t.pk for t in trainees],
        ).values_list("user_id", flat=True)
    )
    outsiders = [str(t) for t in trainees if t.pk not in members]
    if outsiders:
        raise ValidationError(
            {"trainees": f"Not trainees of this organisation: {', '.join(outsiders)}."}
        )
    return [
        record_attendance(
            session=session,
            trainee=trainee,
            recorded_by=recorded_by,
            method=Attendance.Method.REGISTER,
        )
        for trainee in trainees
    ]
