"""Country codes as EU documents write them, mapped to ISO 3166-1 alpha-2.

The list of countries and their English names come from django-countries;
this module adds what EU documents need on top: the aliases they use and the
current member states of the European Union.
"""

from django_countries import countries

# EU documents use their own short codes for three countries
# (Interinstitutional Style Guide, section 7.1).
ALIASES = {"UK": "GB", "EL": "GR", "ROK": "KR"}

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


def normalise_country_code(value: str) -> str | None:
    """Return the ISO alpha-2 code for ``value``, or None if it names no country.

    Accepts any case, surrounding spaces, the EU aliases (UK, EL, ROK) and the
    ISO alpha-3 and numeric forms django-countries knows.
    """
    code = (value or "").strip().upper()
    # Not ASCII: "¹" passes str.isdigit() and then breaks django-countries' int() (a 500 on any list).
    if not code or len(code) > 3 or not code.isascii():
        return None
    code = ALIASES.get(code, code)
    return countries.alpha2(code) or None


def create_country_rows(country_model) -> None:
    """One row per ISO country, named by django-countries; for the migration and for test set-up."""
    country_model.objects.bulk_create(
        [
            country_model(code=code, name=str(name), is_eu_member=code in EU_MEMBER_STATES)
            for code, name in countries
        ],
        ignore_conflicts=True,
    )
