"""``python manage.py generate_demo_data --partnerships N [--seed S] [--force]``: synthetic data at scale.

Writes N partnerships, 5·N clusters and 100·N outcomes (see portal/demo_data.py),
the same for the same seed, in one transaction. Refuses a database that holds data
that is not demo data unless ``--force``; an earlier demo data set is replaced.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from portal.demo_data import DemoDataRefused, generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic data set: N partnerships, 5·N clusters, 100·N outcomes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--partnerships", type=int, required=True, help="How many partnerships."
        )
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1).")
        parser.add_argument("--clusters", type=int, help="How many clusters (default 5·N).")
        parser.add_argument("--outcomes", type=int, help="How many outcomes (default 100·N).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add demo data even where the database holds other data.",
        )

    def handle(self, *args, verbosity: int, **options) -> None:
        started = time.monotonic()
        try:
            report = generate(
                partnerships=options["partnerships"],
                seed=options["seed"],
                clusters=options["clusters"],
                outcomes=options["outcomes"],
                force=options["force"],
            )
        except (DemoDataRefused, ValueError) as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            if report.replaced_previous:
                self.stdout.write("The earlier demo data set was replaced.")
            for table, n in report.counts.items():
                self.stdout.write(f"{table:<36}{n:>12,}")
            self.stdout.write(
                self.style.SUCCESS(f"Demo data written in {time.monotonic() - started:.1f} s.")
            )
