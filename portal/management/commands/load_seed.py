"""``python manage.py load_seed [--path P] [--dry-run]``: load the portal's seed data.

Reads data/seed/eu-cluster-internationalisation-2014.yaml unless ``--path`` names
another file, and creates or updates its records (see portal/seed.py). Safe
to run any number of times: once the data is loaded, a run changes nothing and
says so. ``--dry-run`` checks the whole file against the database and reports
what a load would do, then rolls everything back.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.seed import DEFAULT_SEED_PATH, SeedError, SeedReport, load_seed


class Command(BaseCommand):
    help = "Load the seed data from a YAML file; records already loaded are left as they are."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_SEED_PATH,
            help=f"The seed file (default: {DEFAULT_SEED_PATH}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and count everything, then roll back: nothing is written.",
        )

    def handle(self, *args, path: Path, dry_run: bool, verbosity: int, **options) -> None:
        try:
            report = load_seed(path=path, dry_run=dry_run)
        except SeedError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            self._print(report, verbosity)

    def _print(self, report: SeedReport, verbosity: int) -> None:
        if report.changed or verbosity >= 2:
            for model, counts in report.counts.items():
                self.stdout.write(
                    f"{model.capitalize() + ':':<14}{counts.created} created, "
                    f"{counts.updated} updated, {counts.unchanged} unchanged"
                )
        if not report.changed:
            self.stdout.write("Seed data already loaded: nothing changed.")
        elif report.dry_run:
            self.stdout.write(
                self.style.WARNING(
                    "Dry run: the changes above were rolled back; nothing was written."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Seed data loaded from {report.path}."))
