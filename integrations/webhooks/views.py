"""Pages for webhooks: a person's own and their organisations' subscriptions, a form to
add one (its secret shown on the answer alone), and each one's delivery log with its
actions. Another person's subscription is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_data, submitted
from integrations.webhooks import selectors, services
from integrations.webhooks.forms import SubscriptionForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request):
    user = request.user
    form = SubscriptionForm(form_data(request), user=user)
    created = submitted(form, lambda data: services.create_subscription(actor=user, **data))
    if created:
        subscription, secret = created
        return render(
            request,
            "integrations/webhook_secret.html",
            {"subscription": subscription, "secret": secret, "new": True},
        )
    return render(
        request,
        "integrations/webhooks.html",
        {"form": form, "subscriptions": selectors.subscriptions_visible_to(user)},
    )


@login_required
def webhook_detail(request, subscription_id):
    subscription = selectors.access_subscription(request.user, subscription_id)
    log = selectors.delivery_log(subscription)[: selectors.LOG_LENGTH]
    return render(
        request,
        "integrations/webhook_detail.html",
        {"subscription": subscription, "deliveries": log},
    )


@never_cache
@login_required
@require_POST
def webhook_rotate_secret(request, subscription_id):
    subscription = selectors.access_subscription(request.user, subscription_id)
    secret = services.rotate_secret(subscription=subscription, actor=request.user)
    return render(
        request,
        "integrations/webhook_secret.html",
        {"subscription": subscription, "secret": secret, "new": False},
    )


@login_required
@require_POST
def webhook_enable(request, subscription_id):
    subscription = selectors.access_subscription(request.user, subscription_id)
    services.enable_subscription(subscription=subscription, actor=request.user)
    messages.success(request, "The webhook is enabled: new messages will be delivered.")
    return redirect("integrations:webhook_detail", subscription.pk)


@login_required
@require_POST
def webhook_delete(request, subscription_id):
    subscription = selectors.access_subscription(request.user, subscription_id)
    services.delete_subscription(subscription=subscription, actor=request.user)
    messages.success(request, f"Waymark no longer sends webhooks to {subscription.url}.")
    return redirect("integrations:webhooks")


@login_required
@require_POST
def webhook_redeliver(request, subscription_id, delivery_id):
    subscription = selectors.access_subscription(request.user, subscription_id)
    delivery = selectors.access_delivery(subscription, delivery_id)
    services.redeliver(delivery=delivery, actor=request.user)
    messages.success(request, f"Message {delivery.message_id} will be sent again.")
    return redirect("integrations:webhook_detail", subscription.pk)
