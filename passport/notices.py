"""Telling trainees that mandatory training in their passport is about to stop counting: 30
days and 7 days before the day a credential that meets a subject at one of their
organisations no longer counts there, once each per credential, subject and day.

Only the credential that meets the subject is told of: one a newer credential has already
replaced counts no longer matters. Where that day is an award's own expiry, badges.notices
tells of the award the same morning (beat runs it first); the passport does not tell the
same moment again unless it was not told."""

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from badges.notices import EXPIRY_NOTICES, expiry_key
from core.site import absolute_url
from notifications.models import Kind, Notification
from notifications.services import notify
from passport import selectors

CHUNK = 500


def _notice(days_left: int) -> timedelta | None:
    """The nearest of badges' notices (30 and 7 days ahead) that has come."""
    return min((n for n in EXPIRY_NOTICES if days_left <= n.days), default=None)


def training_key(ref: str, subject: str, deadline: date, notice: timedelta) -> str:
    return f"training-expiring:{ref}:{subject}:{deadline.isoformat()}:{notice.days}"


def _due(today: date) -> dict:
    """(trainee id, credential, subject code, deadline) → what to tell, for every credential
    meeting a subject whose last day comes within the longest notice."""
    horizon = today + max(EXPIRY_NOTICES)
    due = {}
    organisations = Organisation.objects.filter(training_acceptances__isnull=False).distinct()
    for organisation in organisations.order_by("pk"):
        trainees = selectors.trainees_of(organisation)
        for start in range(0, trainees.count(), CHUNK):
            grid = selectors.compliance_grid(
                organisation, trainees[start : start + CHUNK], today=today
            )
            for row in grid.rows:
                for subject, cell in zip(grid.subjects, row.cells, strict=True):
                    match = cell.match
                    if match is None or match.valid_until is None or match.valid_until > horizon:
                        continue
                    key = (row.trainee.pk, match.credential.ref, subject.code, match.valid_until)
                    told = due.setdefault(
                        key,
                        {"trainee": row.trainee, "match": match, "subject": subject, "at": []},
                    )
                    told["at"].append(organisation.name)
    return due


def notify_expiring_training(*, today: date | None = None) -> int:
    """Tell each trainee, once per notice, of each credential meeting a passport subject that
    stops counting within 30 days, and again within 7. Safe to run as often as beat likes."""
    today = today or timezone.localdate()
    plans = []
    for (_, ref, code, deadline), due in _due(today).items():
        notice = _notice((deadline - today).days)
        if notice is not None:
            plans.append((training_key(ref, code, deadline, notice), notice, due))
    keys = [key for key, _, _ in plans]
    keys += [
        expiry_key(due["match"].credential.award_id, notice)
        for _, notice, due in plans
        if due["match"].until_expiry and due["match"].credential.award_id
    ]
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    path = reverse("passport:mine")
    sent = 0
    for key, notice, due in plans:
        match = due["match"]
        award_id = match.credential.award_id
        if key in told or (match.until_expiry and expiry_key(award_id, notice) in told):
            continue
        deadline = match.valid_until
        subject = due["subject"]
        notify(
            recipient=due["trainee"],
            kind=Kind.TRAINING_EXPIRING,
            subject=f"Your {subject.title} training stops counting on "
            f"{deadline.day} {deadline:%B %Y}",
            body=render_to_string(
                "passport/email/expiring.txt",
                {
                    "trainee": due["trainee"],
                    "subject": subject,
                    "credential": match.credential,
                    "deadline": deadline,
                    "days": (deadline - today).days,
                    "organisations": sorted(set(due["at"])),
                    "url": absolute_url(path),
                },
            ),
            url=path,
            key=key,
        )
        sent += 1
    return sent
