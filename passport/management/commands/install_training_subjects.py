from django.core.management.base import BaseCommand

from passport.models import Subject
from passport.subjects import install


class Command(BaseCommand):
    help = "Create or bring up to date the mandatory-training subjects (UK CSTF) from its file."

    def handle(self, *args, **options):
        count = install(Subject)
        self.stdout.write(self.style.SUCCESS(f"{count} mandatory-training subjects installed."))
