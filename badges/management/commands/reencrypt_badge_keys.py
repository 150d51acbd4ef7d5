from django.core.management.base import BaseCommand
from django.db import transaction

from badges.models import IssuerKey
from badges.ob3 import keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every issuer's Open Badges signing key with the first key in "
        "BADGE_KEY_ENCRYPTION_KEYS. Run after putting a new key first; then drop the old one."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            signing_keys = list(IssuerKey.objects.select_for_update())
            for key in signing_keys:
                key.encrypted_private_key = keys.reencrypt(key.encrypted_private_key)
            IssuerKey.objects.bulk_update(signing_keys, ["encrypted_private_key"])
        self.stdout.write(f"Re-encrypted {len(signing_keys)} signing keys.")
