"""What integrations does when the toolkit issues a token or a person changes password."""

from django.contrib import messages
from django.utils.translation import ngettext

from integrations import services


def record_grant(sender, request, token, **kwargs):
    """A token issued for a person from an authorization code is a new grant; tokens from
    a refresh only continue one, and client-credentials tokens are no person's."""
    if token.user_id is None or request.POST.get("grant_type") != "authorization_code":
        return
    services.record_grant(user=token.user, application=token.application, scope=token.scope)


def _revoke(request, user, how: str) -> None:
    ended = services.revoke_app_tokens_after_password_change(user=user, how=how, actor=user)
    if ended and request is not None:
        messages.warning(
            request,
            ngettext(
                "%(count)d connected app lost its access with your old password; "
                "connect it again if you still use it.",
                "%(count)d connected apps lost their access with your old password; "
                "connect them again if you still use them.",
                ended,
            )
            % {"count": ended},
        )


def revoke_on_password_change(sender, request, user, **kwargs):
    _revoke(request, user, "change")


def revoke_on_password_reset(sender, request, user, **kwargs):
    _revoke(request, user, "reset")
