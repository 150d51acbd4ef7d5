from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.models import Organisation
from core.site import absolute_url
from integrations.xapi import services


class Command(BaseCommand):
    help = (
        "Create an xAPI key and secret for an e-learning provider and print them; the "
        "secret is printed this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", metavar="ORG_SLUG", help="The provider's slug.")

    def handle(self, *args, organisation, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with the slug {organisation}.")
        try:
            # As the system (actor=None), through the integrations page's service.
            credential, secret = services.create_credential(organisation=org, actor=None)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"endpoint: {absolute_url(reverse('xapi:about').removesuffix('about'))}")
        self.stdout.write(f"key: {credential.key}")
        self.stdout.write(f"secret: {secret}")
        self.stdout.write("Copy the secret now: it is stored only hashed.")
