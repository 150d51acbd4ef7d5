from django.apps import AppConfig


def evaluate_after_portfolio_change(sender, trainee_id, **kwargs):
    from badges.services import awarding

    awarding.request_evaluation(trainee_id=trainee_id)


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = "Badges"

    def ready(self):
        from badges import (
            checks,  # noqa: F401  (registers the deployment check)
            notices,
        )
        from badges.signals import award_event
        from portfolio.signals import portfolio_changed

        # Portfolio changes reach badges through this signal; portfolio never imports badges.
        portfolio_changed.connect(evaluate_after_portfolio_change, dispatch_uid="badges.evaluate")
        # The trainee hears of an award issued or revoked in the transaction that made it.
        award_event.connect(notices.on_award_event, dispatch_uid="badges.notify-trainee")
