"""Write a trainee's portable archive to a file, from the command line: for an operator
moving a portfolio between sites, or a trainee who cannot sign in any more. Written to the
trainee's audit chain, as someone else reading their whole portfolio should be."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import services as audit
from exports.archive import write_archive


class Command(BaseCommand):
    help = "Write the Waymark portable archive (.zip) of the account with the given email."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Where to write the archive (.zip).")
        parser.add_argument("--email", required=True, help="Whose portfolio to export.")

    def handle(self, *args, out, email, **options):
        trainee = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if trainee is None:
            raise CommandError(f"There is no account with the email {email}.")
        try:
            with open(out, "xb") as archive:
                write_archive(trainee=trainee, out=archive, progress=lambda percent, doing: None)
        except FileExistsError as error:
            raise CommandError(f"{out} exists already; choose another name.") from error
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from error
        with transaction.atomic():
            audit.append(
                actor=None,
                action="export.archive_by_command",
                obj=trainee,
                payload={"file": str(out)},
                chain=audit.user_chain(trainee.pk),
            )
        self.stdout.write(f"Wrote the portfolio of {trainee.email} to {out}.")
