"""Import or update a curriculum framework from a Waymark JSON, CSV or CASE 1.0 file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum import services
from curriculum.importers import ImportFailed


class Command(BaseCommand):
    help = (
        "Import a framework from a Waymark JSON file, a CSV file (code,title,parent_code,"
        "description; give --name and --version) or a 1EdTech CASE 1.0 package. Importing "
        "a file again updates the framework to match it."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the framework version here, replacing the base option that
        # prints Django's version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--slug", help="Stable name shared by every version.")
        parser.add_argument("--name", help="The framework's name (overrides the file's).")
        parser.add_argument("--version", help="The framework version (overrides the file's).")

    def handle(self, *args, file, slug, name, version, **options):
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"Cannot read {file}: {e.strerror}.") from None
        try:
            result = services.import_framework_file(
                actor=None, filename=file.name, data=data, slug=slug, name=name, version=version
            )
        except ImportFailed as e:
            problems = "\n".join(f"  - {error}" for error in e.errors)
            raise CommandError(f"Could not import {file}:\n{problems}") from None
        self.stdout.write(result.summary())
