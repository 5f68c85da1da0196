"""Restore a backup made by ``backup_data`` into an empty, migrated database.

    manage.py migrate && manage.py restore_data backups/portal-2026-11-25.json.gz

It refuses a database that already holds data rather than merge two histories, and restores
all or nothing: one transaction.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.backups import rows_in_the_way
from portal.roles import sync_roles


class Command(BaseCommand):
    help = "Restore a backup_data file into an empty, migrated database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A file written by backup_data.")

    def handle(self, *args, path, **options) -> None:
        if in_the_way := rows_in_the_way():
            raise CommandError(
                "The database is not empty, so nothing was restored. These tables hold rows: "
                + ", ".join(in_the_way)
                + ". Restore into a new database: create it, run migrate, then restore_data."
            )
        from django.contrib.auth.models import Group

        with transaction.atomic():
            # migrate made the roles afresh; the backup's groups, with their primary keys, replace them.
            Group.objects.all().delete()
            call_command("loaddata", path, verbosity=0)
            sync_roles()
        if options["verbosity"]:
            self.stdout.write(f"Restored {path}.")
