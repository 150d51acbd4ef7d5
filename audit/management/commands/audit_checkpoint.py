from django.core.management.base import BaseCommand

from audit import services


class Command(BaseCommand):
    help = "Sign a checkpoint of every audit chain now (Celery beat also does, periodically)."

    def handle(self, *args, **options):
        checkpoint = services.sign_checkpoint()
        if checkpoint is None:
            self.stdout.write("Nothing was appended since the last checkpoint; none signed.")
            return
        self.stdout.write(
            f"Checkpoint #{checkpoint.number} signed: {checkpoint.entries} entries in "
            f"{checkpoint.chains} chains, root {checkpoint.root}."
        )
