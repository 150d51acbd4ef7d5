from django.core.management.base import BaseCommand, CommandError

from accounts import selectors, services
from accounts.models import Organisation


class Command(BaseCommand):
    help = (
        "Make a person an admin of an organisation, keeping their other roles: how an "
        "organisation gets its first admin. Later admins are added on the members page."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The organisation's slug.")
        parser.add_argument("email")

    def handle(self, *args, organisation, email, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with the slug {organisation}.")
        user = selectors.active_user_with_email(email)
        if user is None:
            raise CommandError(f"No active user with the email address {email}.")
        # Whoever runs this holds the server; the change is made as the system (actor=None),
        # through the same service and rules as the members page, and is audited as such.
        services.add_organisation_admin(organisation=org, user=user, actor=None)
        self.stdout.write(f"{user.email} is an admin of {org.name}.")
