"""Create one Country row for every ISO 3166-1 country django-countries knows."""

from django.db import migrations


def create_countries(apps, schema_editor):
    from django_countries import countries

    from partnerships.countries import EU_MEMBER_STATES

    Country = apps.get_model("partnerships", "Country")
    Country.objects.bulk_create(
        [Country(code=code, name=str(name), is_eu_member=code in EU_MEMBER_STATES) for code, name in countries],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(create_countries, migrations.RunPython.noop)]
