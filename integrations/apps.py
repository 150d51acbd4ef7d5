from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset
        from oauth2_provider.signals import app_authorized

        from badges.signals import award_event
        from exports.signals import export_ready
        from integrations import receivers
        from integrations.webhooks import outbox
        from portfolio.signals import entry_event

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
        # Webhooks: each domain event is written to the outbox inside the transaction that
        # made the change, and delivered after it commits.
        entry_event.connect(outbox.on_entry_event, dispatch_uid="waymark-webhooks-entry")
        award_event.connect(outbox.on_award_event, dispatch_uid="waymark-webhooks-award")
        export_ready.connect(outbox.on_export_ready, dispatch_uid="waymark-webhooks-export")
