"""Trigram indexes for the outcomes' text search (OutcomeQuerySet.search), on PostgreSQL only.

``icontains`` is ``UPPER(column) LIKE UPPER('%text%')`` in Django's SQL: a GIN trigram index on
``UPPER(column)`` answers it, where a B-tree cannot. Without them a search read all million
outcomes, once for the count and once per facet (4 s each). SQLite has no such index and needs none
at its sizes. pg_trgm is a trusted extension: the database's owner may create it.
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnly

SEARCHED = ("title", "description", "city")


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0004_feed_index"),
    ]

    operations = [
        # Kept when this migration is undone: the partnerships' trigram indexes need it too
        # (TrigramExtension's reverse dropped it, and failed while they were there).
        PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *(
            PostgreSQLOnly(
                f"CREATE INDEX outcomes_search_{column} ON outcomes_outcome "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)",
                f"DROP INDEX outcomes_search_{column}",
            )
            for column in SEARCHED
        ),
    ]
