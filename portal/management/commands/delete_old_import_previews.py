"""Delete the import previews that were never confirmed, once older than IMPORT_PREVIEW_MAX_HOURS.

    manage.py delete_old_import_previews [--hours N] [--dry-run]

Each import deletes them too (core/imports.py); this is for a cron job, so that a file uploaded
for a preview and left there does not stay longer than the set time when nobody imports.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from portal.import_previews import DatabasePreviewStorage


class Command(BaseCommand):
    help = "Delete import previews never confirmed and older than IMPORT_PREVIEW_MAX_HOURS."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hours", type=float, help="Age in hours (default: IMPORT_PREVIEW_MAX_HOURS)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, hours=None, dry_run=False, **options) -> None:
        max_age = timedelta(hours=hours) if hours is not None else None
        names = DatabasePreviewStorage.delete_old(max_age, dry_run=dry_run)
        if options["verbosity"]:
            verb = "Would delete" if dry_run else "Deleted"
            self.stdout.write(f"{verb} {len(names)} old import preview(s).")
        if options["verbosity"] > 1:
            for name in names:
                self.stdout.write(f"  {name}")
