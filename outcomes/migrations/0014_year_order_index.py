from django.db import migrations, models

from core.migration_operations import index_on_postgresql

YEAR_ORDER = models.Index(
    models.F("year"),
    models.F("date").desc(nulls_last=True),
    models.F("title"),
    models.F("id"),
    name="outcomes_year_order",
)


class Migration(migrations.Migration):
    """The year index becomes the year's outcomes in the list's order (outcomes.models)."""

    dependencies = [("outcomes", "0013_updated_published_index")]

    operations = [
        index_on_postgresql("outcomes", "outcome", YEAR_ORDER),
        migrations.RemoveIndex(model_name="outcome", name="outcomes_year"),
    ]
