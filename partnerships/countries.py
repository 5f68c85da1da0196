"""The portal's countries: one row per ISO 3166-1 country, and which are EU member states.

The list of countries and their English names come from django-countries; the
codes EU documents write (UK, EL, ROK) are read by core/country_codes.py.
"""

from django.conf import settings
from django.utils.translation import override
from django_countries import countries

# The 27 member states since 1 February 2020. A change of membership is a data
# migration that updates Country.is_eu_member and its dates (EU_MEMBERSHIP below), so history
# stays in the log.
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


# When each country joined the EU (and left it): the history behind is_eu_member, so that a page can
# say that the United Kingdom was a member when a 2014 source was written. From the EU's own list
# of accessions (european-union.europa.eu, "EU countries"); the founders' date is the Treaty of
# Rome's entry into force.
EU_MEMBERSHIP = {
    **dict.fromkeys(["BE", "DE", "FR", "IT", "LU", "NL"], ("1958-01-01", None)),
    **dict.fromkeys(["DK", "IE"], ("1973-01-01", None)),
    "GB": ("1973-01-01", "2020-01-31"),
    "GR": ("1981-01-01", None),
    **dict.fromkeys(["ES", "PT"], ("1986-01-01", None)),
    **dict.fromkeys(["AT", "FI", "SE"], ("1995-01-01", None)),
    **dict.fromkeys(
        ["CY", "CZ", "EE", "HU", "LV", "LT", "MT", "PL", "SK", "SI"], ("2004-05-01", None)
    ),
    **dict.fromkeys(["BG", "RO"], ("2007-01-01", None)),
    "HR": ("2013-07-01", None),
}


def set_membership_dates(country_model) -> None:
    """Fill in the membership dates of EU_MEMBERSHIP; for the migration and for test set-up."""
    for code, (since, until) in EU_MEMBERSHIP.items():
        country_model.objects.filter(code=code).update(eu_member_since=since, eu_member_until=until)


def create_country_rows(country_model) -> None:
    """One row per ISO country, named by django-countries; for the migration and for test set-up."""
    # The migration that creates the rows (0002) comes before the one that adds the dates (0007).
    dated = any(field.name == "eu_member_since" for field in country_model._meta.get_fields())

    def row(code, name):
        since, until = EU_MEMBERSHIP.get(code, (None, None)) if dated else (None, None)
        dates = {"eu_member_since": since, "eu_member_until": until} if dated else {}
        return country_model(
            code=code, name=str(name), is_eu_member=code in EU_MEMBER_STATES, **dates
        )

    country_model.objects.bulk_create(
        [row(code, name) for code, name in countries], ignore_conflicts=True
    )
    if any(field.name == f"name_{settings.LANGUAGE_CODE}" for field in country_model._meta.fields):
        name_countries(country_model)


def name_countries(country_model) -> None:
    """Each country's name in every language of LANGUAGES, from django-countries (CLDR): its
    English one in ``name_en`` too, a copy of ``name``. For the migration that adds the columns, one
    that adds a language, and test set-up; one UPDATE per country."""
    languages = [code for code, _ in settings.LANGUAGES]
    names = {}
    for language in languages:
        with override(language):
            for code, name in countries:
                names.setdefault(code, {})[f"name_{language}"] = str(name)
    for code, english in country_model.objects.values_list("code", "name"):
        values = {**names.get(code, {}), f"name_{settings.LANGUAGE_CODE}": english}
        country_model.objects.filter(code=code).update(**values)
