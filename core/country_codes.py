"""Country codes as EU documents write them, mapped to ISO 3166-1 alpha-2."""

from django.utils.translation import get_language
from django_countries import countries

# EU documents use their own short codes for three countries
# (Interinstitutional Style Guide, section 7.1).
ALIASES = {"UK": "GB", "EL": "GR", "ROK": "KR"}


def normalise_country_code(value: str) -> str | None:
    """Return the ISO alpha-2 code for ``value``, or None if it names no country.

    Accepts any case, surrounding spaces, the EU aliases (UK, EL, ROK), the
    ISO alpha-3 and numeric forms django-countries knows, and a country's name in
    the page's language or English (``brazil``), as a visitor types it in a URL.
    """
    code = (value or "").strip().upper()
    if len(code) > 3 and len(code) <= 60:
        return _by_name(value.strip())
    # Not ASCII: "¹" passes str.isdigit() and then breaks django-countries' int() (a 500 on any list).
    if not code or len(code) > 3 or not code.isascii():
        return None
    code = ALIASES.get(code, code)
    return countries.alpha2(code) or None


def _by_name(name: str) -> str | None:
    for language in dict.fromkeys((get_language() or "en", "en")):
        if code := countries.by_name(name, language=language):
            return code
    return None
