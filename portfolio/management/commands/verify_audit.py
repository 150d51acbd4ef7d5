from django.core.management.base import BaseCommand, CommandError

from portfolio import audit, integrity


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain, and that every standing sign-off still matches "
        "the entry it signed. Exits non-zero naming the first problem."
    )

    def handle(self, *args, **options):
        verified, broken = audit.verify_chain()
        if broken:
            where = (
                f"audit entry #{broken.entry_id}" if broken.entry_id else "the end of the audit log"
            )
            raise CommandError(
                f"{verified} audit entries verified, then {where} failed: {broken.problem}."
            )
        self.stdout.write(f"{verified} audit entries verified: the chain is intact.")
        mismatch = next(integrity.altered_sign_offs(), None)
        if mismatch:
            raise CommandError(
                f"Entry #{mismatch.event_id} “{mismatch.title}” no longer matches what was signed "
                f"off (sign-off #{mismatch.sign_off_id}): it was changed outside Waymark."
            )
        self.stdout.write("Every standing sign-off matches its entry.")
