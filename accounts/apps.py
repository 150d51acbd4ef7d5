from django.apps import AppConfig
from django.contrib import messages
from django.contrib.admin import apps as admin_apps
from django.utils.translation import ngettext


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset

        # A new password is how an owner takes an account back; the tokens an intruder
        # made while they had it must end with the old password.
        password_changed.connect(revoke_tokens_on_password_change, dispatch_uid="waymark-pw-change")
        password_reset.connect(revoke_tokens_on_password_reset, dispatch_uid="waymark-pw-reset")


def _revoke_tokens(request, user, how: str) -> None:
    from accounts import services

    revoked = services.revoke_tokens_after_password_change(user=user, how=how, actor=user)
    if revoked and request is not None:
        messages.warning(
            request,
            ngettext(
                "Your %(count)d API token was revoked with your old password; make a new "
                "one on your account page if you still need it.",
                "Your %(count)d API tokens were revoked with your old password; make new "
                "ones on your account page if you still need them.",
                revoked,
            )
            % {"count": revoked},
        )


def revoke_tokens_on_password_change(sender, request, user, **kwargs):
    _revoke_tokens(request, user, "change")


def revoke_tokens_on_password_reset(sender, request, user, **kwargs):
    _revoke_tokens(request, user, "reset")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, behind the same sign-in as everyone and a second factor. Named in
    INSTALLED_APPS in place of django.contrib.admin; never this module's default."""

    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
