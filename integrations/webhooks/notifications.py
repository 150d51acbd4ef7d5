"""The "your webhook was disabled" email, to the person who subscribed or to the
organisation's admins."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership
from core.site import absolute_url
from integrations.webhooks.models import Subscription


def send_disabled_notice(*, subscription_id: int) -> bool:
    subscription = (
        Subscription.objects.select_related("owner", "organisation")
        .filter(pk=subscription_id, disabled_at__isnull=False)
        .first()
    )
    if subscription is None:
        return False
    if subscription.owner_id:
        recipients = [subscription.owner.email]
    else:
        recipients = sorted(
            Membership.objects.admins()
            .filter(organisation=subscription.organisation_id)
            .values_list("user__email", flat=True)
        )
    if not recipients:
        return False
    page = absolute_url(reverse("integrations:webhook_detail", args=[subscription.pk]))
    send_mail(
        subject="Waymark stopped sending webhooks to " + subscription.url,
        message=render_to_string(
            "integrations/email/webhook_disabled.txt",
            {"subscription": subscription, "url": page},
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return True
