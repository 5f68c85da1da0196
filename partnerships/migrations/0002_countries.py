"""Create one Country row for every ISO 3166-1 country django-countries knows."""

from django.db import migrations


def create_countries(apps, schema_editor):
    from partnerships.countries import create_country_rows

    create_country_rows(apps.get_model("partnerships", "Country"))


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(create_countries, migrations.RunPython.noop)]
