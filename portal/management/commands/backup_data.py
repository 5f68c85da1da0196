"""Dump every record of the portal, history included, to one file (gzip when it ends in .gz).

    manage.py backup_data backups/portal-2026-11-25.json.gz

Restore it with ``restore_data`` into an empty database (docs/operations.md).
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.backups import LEFT_OUT


class Command(BaseCommand):
    help = "Dump all the portal's data (with its history) to a file, for restore_data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The file to write; .gz, .bz2, .xz compress it.")

    def handle(self, *args, path, **options) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        call_command(
            "dumpdata",
            exclude=LEFT_OUT,
            natural_foreign=True,
            output=str(target),
            verbosity=0,
        )
        if options["verbosity"]:
            self.stdout.write(f"Backed up to {target} ({target.stat().st_size:,} bytes).")
