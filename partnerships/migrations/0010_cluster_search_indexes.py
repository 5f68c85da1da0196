"""Trigram indexes for the names of clusters that a partnership search reads (a member cluster's
name or acronym, ``partnerships.models._text_match``), on PostgreSQL only.

``icontains`` is ``UPPER(column) LIKE UPPER('%text%')``: without them every search of the
partnerships read the 50,000 clusters of the 1M-outcome set, twice (its ids, then its first page).
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnly

SEARCHED = ("name", "acronym")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0009_review_status"),
    ]

    operations = [
        # Kept when this migration is reversed: the outcomes' trigram indexes need it too.
        PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *(
            PostgreSQLOnly(
                f"CREATE INDEX partnerships_cluster_search_{column} ON partnerships_cluster "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)",
                f"DROP INDEX partnerships_cluster_search_{column}",
            )
            for column in SEARCHED
        ),
    ]
