"""The portal's countries: one row per ISO 3166-1 country, and which are EU member states.

The list of countries and their English names come from django-countries; the
codes EU documents write (UK, EL, ROK) are read by core/country_codes.py.
"""

from django_countries import countries

# The 27 member states since 1 February 2020. A change of membership is a data
# migration that updates Country.is_eu_member, so history stays in the log.
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


def create_country_rows(country_model) -> None:
    """One row per ISO country, named by django-countries; for the migration and for test set-up."""
    country_model.objects.bulk_create(
        [
            country_model(code=code, name=str(name), is_eu_member=code in EU_MEMBER_STATES)
            for code, name in countries
        ],
        ignore_conflicts=True,
    )
