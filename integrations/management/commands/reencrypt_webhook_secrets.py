from django.core.management.base import BaseCommand
from django.db import transaction

from badges.ob3 import keys
from integrations.webhooks.models import Subscription


class Command(BaseCommand):
    help = (
        "Re-encrypt every webhook's signing secrets with the first key in "
        "BADGE_KEY_ENCRYPTION_KEYS. Run with reencrypt_badge_keys, before dropping an old key."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            subscriptions = list(Subscription.objects.select_for_update())
            for subscription in subscriptions:
                subscription.secret_encrypted = keys.reencrypt(subscription.secret_encrypted)
                if subscription.previous_secret_encrypted:
                    subscription.previous_secret_encrypted = keys.reencrypt(
                        subscription.previous_secret_encrypted
                    )
            Subscription.objects.bulk_update(
                subscriptions, ["secret_encrypted", "previous_secret_encrypted"]
            )
        self.stdout.write(f"Re-encrypted the secrets of {len(subscriptions)} webhooks.")
