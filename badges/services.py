"""Every change to badge classes, awards and attendance goes through a function here."""

import calendar
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from badges import facts, rules
from badges.models import Attendance, Award, BadgeClass, PendingEvaluation, Progress
from config.tasks import enqueue_after_commit
from portfolio import audit
from portfolio import services as portfolio_services


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
    audit.append(
        actor=by, action="revoke", obj=award, payload={"reason_sha256": audit.sha256(reason)}
    )
    return award


def evaluate_awards(*, trainee) -> list[Award]:
    """Re-evaluate every rule-based badge for one trainee, awarding what is now earned and
    recording progress. Badges that depend on other badges are decided after them, in the
    same run. The number of queries depends on the badge classes, never on the history."""
    today = timezone.localdate()
    classes = {c.slug: c for c in BadgeClass.objects.filter(is_active=True, rule__isnull=False)}
    held = set(
        Award.objects.standing()
        .filter(recipient=trainee)
        .values_list("badge_class__slug", flat=True)
    )
    pending = {slug: c for slug, c in classes.items() if slug not in held}
    requests = set().union(*(rules.fact_requests(c.rule, today) for c in pending.values()))
    gathered = facts.gather(trainee, requests, today)

    awarded, progress = [], []
    for slug in rules.evaluation_order({s: c.rule for s, c in classes.items()}):
        if slug not in pending:
            continue
        badge_class = pending[slug]
        result = rules.evaluate(badge_class.rule, gathered, held, today)
        progress.append(
            Progress(
                trainee=trainee,
                badge_class=badge_class,
                current=result.current,
                target=result.target,
                label=result.label,
            )
        )
        if result.met:
            awarded.append(
                award_badge(
                    badge_class=badge_class, recipient=trainee, narrative=badge_class.criteria
                )
            )
            held.add(slug)
    Progress.objects.bulk_create(
        progress,
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
