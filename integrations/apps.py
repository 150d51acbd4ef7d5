from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset
        from oauth2_provider.signals import app_authorized

        from integrations import receivers

        # The token endpoint announces each token it issues; a new grant is recorded as a
        # connection and audited there.
        app_authorized.connect(receivers.record_grant, dispatch_uid="waymark-oauth-grant")
        # A new password ends what apps were given under the old one, as it does for
        # personal access tokens (accounts does the same for those).
        password_changed.connect(
            receivers.revoke_on_password_change, dispatch_uid="waymark-oauth-pw-change"
        )
        password_reset.connect(
            receivers.revoke_on_password_reset, dispatch_uid="waymark-oauth-pw-reset"
        )
