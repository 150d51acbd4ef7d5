from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain, then every app's own integrity check (such as "
        "standing sign-offs still matching the entries they signed). Exits non-zero naming "
        "the first problem."
    )

    def handle(self, *args, **options):
        verified, broken = chain.verify_chain()
        if broken:
            where = (
                f"audit entry #{broken.entry_id}" if broken.entry_id else "the end of the audit log"
            )
            raise CommandError(
                f"{verified} audit entries verified, then {where} failed: {broken.problem}."
            )
        self.stdout.write(f"{verified} audit entries verified: the chain is intact.")
        # Apps above audit vouch for their own records (see audit.integrity).
        for config in apps.get_app_configs():
            checks = getattr(config, "integrity_checks", None)
            if checks is None:
                continue
            for check in checks():
                problem = check.first_problem()
                if problem:
                    raise CommandError(problem)
                self.stdout.write(check.passed)
