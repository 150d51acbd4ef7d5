"""Emails to assessors, sent from the process that made the request once it commits."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Assessment, Ticket
from core.site import absolute_url


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


def send_assessment_requested(assessment_id: int) -> None:
    assessment = Assessment.objects.select_related("trainee", "form", "assessor").get(
        pk=assessment_id
    )
    if assessment.assessor is None:
        return
    context = {
        "assessment": assessment,
        "url": absolute_url(reverse("assessments:complete", args=[assessment.pk])),
    }
    send_mail(
        subject=f"{assessment.trainee} asks you to complete a {assessment.form.name}",
        message=render_to_string("assessments/email/requested.txt", context),
        from_email=None,
        recipient_list=[assessment.assessor.email],
    )
