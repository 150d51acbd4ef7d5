from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import selectors
from accounts.models import Organisation
from integrations import services

GRANTS = {
    "authorization-code": services.AUTHORIZATION_CODE,
    "client-credentials": services.CLIENT_CREDENTIALS,
}


class Command(BaseCommand):
    help = (
        "Register an OAuth 2.0 app and print its client id, and its secret once for a "
        "confidential client."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="The owner's email address.")
        parser.add_argument("--name", required=True, help="What people see on the consent page.")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help="Where people are sent back after consenting; may be repeated.",
        )
        parser.add_argument(
            "--public", action="store_true", help="A client that cannot keep a secret."
        )
        parser.add_argument("--grant", choices=sorted(GRANTS), default="authorization-code")
        parser.add_argument("--organisation", help="The slug of the organisation that owns it.")

    def handle(self, *args, owner, name, redirect_uris, public, grant, organisation, **options):
        user = selectors.active_user_with_email(owner)
        if user is None:
            raise CommandError(f"No active user with the email address {owner}.")
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with the slug {organisation}.")
        try:
            # Run by whoever holds the server, as the system (actor=None), through the
            # same service as the developer apps page, and audited as such.
            application, secret = services.register_application(
                owner=user,
                name=name,
                redirect_uris=" ".join(redirect_uris),
                public=public,
                grant=GRANTS[grant],
                organisation=org,
                actor=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"client_id: {application.client_id}")
        if secret:
            self.stdout.write(f"client_secret: {secret}")
            self.stdout.write("The secret is shown this once; Waymark stores only its hash.")
