from django.core.management.base import BaseCommand, CommandError

from badges.models import Issuer
from badges.ob3 import issuing


class Command(BaseCommand):
    help = (
        "Give an issuer a new Open Badges 3.0 signing key. New credentials use it; the old "
        "key stays published, so every credential it signed still verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument("issuer_id", type=int)

    def handle(self, *args, issuer_id, **options):
        issuer = Issuer.objects.filter(pk=issuer_id).first()
        if issuer is None:
            raise CommandError(f"No issuer {issuer_id}.")
        key = issuing.rotate_issuer_key(issuer=issuer)
        self.stdout.write(f"{issuer} now signs with {key.public_key_multibase}.")
