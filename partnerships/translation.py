"""The curated text entered per language (django-modeltranslation, docs/decisions.md): each field
below gets a column per other language of ``LANGUAGES`` (``name_fr``, ``name_de``). The original
column (``name``) keeps the English text, the source's, and every query reads it as before; a page
shows ``core.translated.translated(obj, "name")`` or ``localized("name")``: the reader's language,
falling back to the English, marked. (``name_en``, which modeltranslation requires, is a copy.)"""

from modeltranslation.translator import TranslationOptions, register

from core.translated import keep_original_attributes
from partnerships.models import Country, Partnership, Region, Sector


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Partnership)
class PartnershipTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Country)
class CountryTranslation(TranslationOptions):
    """The names CLDR gives through django-countries (``partnerships.countries.name_countries``),
    stored so that a list sorts and a search finds them in the database. ``country.name`` is the
    reader's language's (modeltranslation's attribute); queries still read the English column."""

    fields = ("name",)


keep_original_attributes(Sector, Region, Partnership)
