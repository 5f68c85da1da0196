"""The outcome's curated text entered per language (see partnerships/translation.py)."""

from django.apps import apps
from modeltranslation.translator import TranslationOptions, register, translator

from core.translated import keep_original_attributes
from outcomes.models import Outcome


@register(Outcome)
class OutcomeTranslation(TranslationOptions):
    fields = ("title", "description")


# Each outcome type's proxy (outcomes/types.py) reads the same columns; modeltranslation asks for
# each to be registered, with no fields of its own.
PROXIES = [
    model
    for model in apps.get_app_config("outcomes").get_models()
    if model._meta.proxy and issubclass(model, Outcome)
]
for model in PROXIES:
    translator.register(model, TranslationOptions, fields=())
keep_original_attributes(Outcome, *PROXIES)
