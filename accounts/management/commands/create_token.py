from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from accounts import selectors, services


class Command(BaseCommand):
    help = "Create a personal access token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Created on the command line")
        parser.add_argument(
            "--days", type=int, default=90, help="Days until the token expires; 0 for never."
        )

    def handle(self, *args, email, name, days, **options):
        user = selectors.active_user_with_email(email)
        if user is None:
            raise CommandError(f"No active user with the email address {email}.")
        # Whoever runs this holds the server, not the account: the token is made as the
        # system (actor=None), and the audit log says so rather than naming the user.
        token, secret = services.create_personal_access_token(
            user=user, name=name, expires_in=timedelta(days=days) if days else None, actor=None
        )
        expiry = token.expiry.strftime("%Y-%m-%d") if token.expiry else "never"
        self.stderr.write(
            f"Token “{name}” for {user.email}, expires {expiry}. It is shown only once:"
        )
        self.stdout.write(secret)
