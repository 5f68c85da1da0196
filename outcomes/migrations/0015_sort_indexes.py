"""An index for each sort of the outcome list that reads the outcomes' own columns (date, title,
type), with the id that breaks ties: a page of a sorted list is read along it (outcomes.models)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0014_year_order_index")]

    operations = [
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(models.F(column), models.F("id"), name=f"outcomes_sort_{column}"),
        )
        for column in ("date", "title", "type")
    ]
