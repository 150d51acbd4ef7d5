import json
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = (
        "Verify the audit log: the signed checkpoints, every chain link by link, that each "
        "chain still holds what the latest checkpoint signed, then every app's own integrity "
        "check (such as standing sign-offs still matching the entries they signed). Exits "
        "non-zero naming the first problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="A published checkpoint kept outside the database (the JSON of "
            "/audit/checkpoints/<n>/), to prove the log was not rolled back past it.",
        )

    def handle(self, *args, checkpoint=None, **options):
        held = self._held(checkpoint) if checkpoint else None
        report = chain.verify(held=held)
        if report.problem:
            raise CommandError(
                f"{report.entries} audit entries verified, then: {report.problem.sentence}."
            )
        chains = f"{report.chains} chain{'' if report.chains == 1 else 's'}"
        self.stdout.write(
            f"{report.entries} audit entries in {chains} verified: the chains are intact."
        )
        if report.latest:
            self.stdout.write(
                f"Every chain holds what checkpoint #{report.latest.number} signed "
                f"({report.checkpoints} checkpoint{'' if report.checkpoints == 1 else 's'} "
                "verified)."
            )
        else:
            self.stdout.write(
                "No checkpoint has been signed yet: nothing outside the database vouches for "
                "the chains (run audit_checkpoint)."
            )
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

    def _held(self, path) -> dict:
        try:
            return json.loads(Path(path).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read a checkpoint from {path}: {error}") from error
