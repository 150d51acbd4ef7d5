"""Import a portable archive into an existing account, from the command line.

The account must exist: an archive names an email address, but whoever can write one can
name anybody, so the operator says whose account it goes into, and makes the account first
(sign-up or invitation) if needed."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exports.importer import import_portfolio
from exports.reading import ArchiveRefused


class Command(BaseCommand):
    help = "Import a Waymark portable archive (.zip) into the account with the given email."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path to the archive (.zip).")
        parser.add_argument("--email", required=True, help="The account to import into.")

    def handle(self, *args, archive, email, **options):
        trainee = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if trainee is None:
            raise CommandError(
                f"There is no account with the email {email}. Create it first; "
                "an import never creates accounts."
            )
        try:
            with open(archive, "rb") as archive_file:
                report = import_portfolio(actor=None, trainee=trainee, archive_file=archive_file)
        except OSError as error:
            raise CommandError(f"Cannot read {archive}: {error.strerror}.") from error
        except ArchiveRefused as refused:
            raise CommandError(
                "The archive was not imported; nothing was changed.\n"
                + "\n".join(f"- {problem}" for problem in refused.problems)
            ) from refused
        self.stdout.write(
            f"Imported into {trainee.email} from {report.exported_from}: "
            f"{report.entries_added} entries added ({report.entries_present} already here), "
            f"{report.evidence_files} evidence files, "
            f"{report.attested_sign_offs} sign-offs attested elsewhere, "
            f"{report.badges_added} badges issued elsewhere ({report.badges_present} already here)."
        )
        for note in report.notes:
            self.stdout.write(note)
