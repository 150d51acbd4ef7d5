"""Telling people about assessments. An assessor without an account is emailed their
one-time link from the process that made it, once it commits: they have no account to
notify. People with accounts are notified in the transaction that made the change."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Assessment, Ticket
from core.site import absolute_url
from notifications.models import Kind
from notifications.services import notify


def send_ticket(ticket_id: int, token: str) -> None:
    ticket = Ticket.objects.select_related("assessment__trainee", "assessment__form").get(
        pk=ticket_id
    )
    context = {
        "ticket": ticket,
        "assessment": ticket.assessment,
        "url": absolute_url(reverse("assessments:ticket", args=[token])),
    }
    send_mail(
        subject=f"{ticket.assessment.trainee} asks you to complete a {ticket.assessment.form.name}",
        message=render_to_string("assessments/email/ticket.txt", context),
        from_email=None,
        recipient_list=[ticket.email],
    )


def notify_assessment_requested(assessment: Assessment) -> None:
    """The assessor with an account finds it in their queue, and is told."""
    if assessment.assessor is None:
        return
    path = reverse("assessments:complete", args=[assessment.pk])
    notify(
        recipient=assessment.assessor,
        kind=Kind.ASSESSMENT_REQUESTED,
        subject=f"{assessment.trainee} asks you to complete a {assessment.form.name}",
        body=render_to_string(
            "assessments/email/requested.txt",
            {"assessment": assessment, "url": absolute_url(path)},
        ),
        url=path,
        key=f"assessment-requested:{assessment.pk}:{assessment.requested_at:%Y%m%d%H%M%S%f}",
    )


def notify_assessment_completed(assessment: Assessment) -> None:
    path = reverse("assessments:detail", args=[assessment.pk])
    notify(
        recipient=assessment.trainee,
        kind=Kind.ASSESSMENT_COMPLETED,
        subject=f"{assessment.assessor_name} completed your {assessment.form.name}",
        body=render_to_string(
            "assessments/email/completed.txt",
            {"assessment": assessment, "url": absolute_url(path)},
        ),
        url=path,
        key=f"assessment-completed:{assessment.pk}",
    )
