"""Curated text in the reader's language, and where it falls back to English, said so.

The apps register their curated fields with django-modeltranslation (``<app>/translation.py``),
which adds a column per language: ``name_fr``, ``name_de``, ... The original column (``name``) keeps
the English text, the source's, which everything that is not shown to a reader goes on reading:
filters' values, imports, history, the indexes. Here, the places that show a name (pages, the
exports and the API) read it in the reader's language:

- ``localized("name")`` is the expression for a query (``Coalesce(NULLIF(name_fr, ''), name)``);
- ``collated(expression)`` sorts it with the language's ICU collation on PostgreSQL;
- ``in_reader_language(text, english)`` is the HTML a page shows: the translation, or the English
  text in ``<span lang="en">`` with a small "(in English)" note (``fallback_note``);
- ``translated(obj, "name")`` is the same for a model instance (the ``translated`` template filter).

Only the columns and their admin fields are modeltranslation's; its implicit reading is turned off,
so that the code written before the translations reads what it read:

- ``EnglishColumns``, mixed into a translated model's QuerySet: modeltranslation would otherwise
  rewrite every ``filter(name=...)``, ``order_by("name")`` and ``values("name")`` to the active
  language's column, without the fallback and with a different plan per language;
- ``keep_original_attributes``: ``obj.name`` is the original column again, not the active
  language's (an ``update(name=...)`` would otherwise be read back from ``name_en``);
- ``EnglishOriginal``: ``name_en``, which modeltranslation requires, is saved as a copy of ``name``.
"""

from collections.abc import Callable
from functools import cache, lru_cache
from html import escape as html_escape

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import (
    get_language,
    get_supported_language_variant,
    gettext,
    override,
)

# The functions whose results hold words of the interface, kept per language (``kept_per_language``).
_KEPT_PER_LANGUAGE: list = []
# The settings that change what the interface's words are.
CATALOGUE_SETTINGS = {"LOCALE_PATHS", "LANGUAGES", "LANGUAGE_CODE", "USE_I18N"}


def kept_per_language(maxsize: int) -> Callable:
    """``functools.lru_cache`` for a function that makes text in a language (one of its arguments,
    for the key): words of the interface translated once per language instead of once per row.
    Forgotten when the catalogues may change (one of ``CATALOGUE_SETTINGS``, a test's), as Django
    forgets its own."""

    def keep(function: Callable) -> Callable:
        kept = lru_cache(maxsize=maxsize)(function)
        _KEPT_PER_LANGUAGE.append(kept)
        return kept

    return keep


def _forget_kept_per_language(*, setting, **kwargs) -> None:
    if setting in CATALOGUE_SETTINGS:
        for kept in _KEPT_PER_LANGUAGE:
            kept.cache_clear()


setting_changed.connect(_forget_kept_per_language, dispatch_uid="portal-kept-per-language")


def source_language() -> str:
    """The language of the original columns: the source's, and the fallback."""
    return settings.LANGUAGE_CODE


def reader_language() -> str:
    """The active language if the portal has it, else the source's (read per row of a table:
    Django's own lookup, cached until LANGUAGES changes)."""
    try:
        return get_supported_language_variant(get_language() or source_language())
    except LookupError:
        return source_language()


def localized(field: str, language: str | None = None) -> Expression:
    """``field`` (may span relations: ``sector__name``) in ``language`` (the reader's), falling
    back to the original, English column."""
    language = language or reader_language()
    if language == source_language():
        return F(field)
    return Coalesce(NullIf(F(f"{field}_{language}"), Value("")), F(field))


def in_any_language(lookup: str, value: object) -> Q:
    """``lookup`` ("title__icontains") on the original column or any translation's: one arm per
    column, each answered by its own index (a BitmapOr on PostgreSQL)."""
    field, _, operator = lookup.partition("__")
    condition = Q(**{lookup: value})
    for language, _name in settings.LANGUAGES:
        if language != source_language():
            condition |= Q(**{f"{field}_{language}__{operator}": value})
    return condition


@cache
def _icu_collations() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT collname FROM pg_collation WHERE collprovider = 'i'")
        return frozenset(row[0] for row in cursor.fetchall())


def collation(language: str | None = None) -> str | None:
    """The ICU collation of ``language`` on PostgreSQL ("fr-x-icu"), or None: SQLite, or a
    PostgreSQL built without ICU, sorts by its own order."""
    if connection.vendor != "postgresql":
        return None
    name = f"{language or reader_language()}-x-icu"
    return name if name in _icu_collations() else None


def collated(expression: Expression | str, language: str | None = None) -> Expression:
    """``expression`` sorted as the language sorts: "Écosse" between "Danemark" and "France".
    English keeps the database's own order, and so the indexes its sorts use."""
    expression = F(expression) if isinstance(expression, str) else expression
    if (language or reader_language()) == source_language():
        return expression
    name = collation(language)
    return Collate(expression, name) if name else expression


def in_language(field: str, language: str | None = None) -> str:
    """The column of ``field`` (may span relations) in ``language`` (the reader's), to read beside
    the English one: ``sector__name_fr``; the English one itself in English."""
    language = language or reader_language()
    return field if language == source_language() else f"{field}_{language}"


def fallback_note() -> str:
    return gettext("(in English)")


def in_reader_language(
    text: str | None, english: str, *, note: bool = True, language: str | None = None
) -> SafeString:
    """``text`` (the translation) escaped, or the English text marked as such: ``lang="en"``, and
    the "(in English)" note unless ``note`` is false (a list's cell, where the table says it once).
    ``language``: the reader's, when the caller has it (a table's rows)."""
    if text or (language or reader_language()) == source_language():
        return SafeString(escaped(text or english))
    if not english:
        return SafeString("")
    # Written as format_html() writes it, without its lazy wrappers: a table calls this per row.
    marked = f'<span lang="{escaped(source_language())}">{escaped(english)}</span>'
    if not note:
        return SafeString(marked)
    return SafeString(
        f'{marked} <small class="text-body-secondary fallback-note">{escaped(fallback_note())}</small>'
    )


def escaped(value: object) -> str:
    """As ``conditional_escape`` (and ``{{ value }}``): markup kept, anything else escaped, without
    the lazy-string wrappers Django's functions carry, which cost most of a table row written in
    Python."""
    return value.__html__() if hasattr(value, "__html__") else html_escape(str(value))


def in_reader_language_list(names: list[tuple[str | None, str]]) -> SafeString:
    """(translation, English) pairs as one comma-separated cell: the English ones marked, with one
    note for the cell."""
    parts = [in_reader_language(text, english, note=False) for text, english in names]
    if any(not text for text, _english in names) and reader_language() != source_language():
        parts[-1] = format_html(
            '{} <small class="text-body-secondary fallback-note">{}</small>',
            parts[-1],
            fallback_note(),
        )
    return SafeString(", ".join(parts))


def translation_of(obj: object, field: str, language: str | None = None) -> str | None:
    """The value of ``field`` entered in ``language`` (the reader's), or None."""
    language = language or reader_language()
    if language == source_language():
        return original(obj, field)
    return getattr(obj, f"{field}_{language}", None) or None


def original(obj: object, field: str) -> str:
    """The original column's value, English."""
    return getattr(obj, field) or ""


def translated(obj: object, field: str, *, note: bool = True) -> SafeString:
    """``obj``'s ``field`` in the reader's language, the English fallback marked."""
    return in_reader_language(translation_of(obj, field), original(obj, field), note=note)


class EnglishColumns:
    """Mixed into a translated model's QuerySet (before ``models.QuerySet``): queries name the
    original, English columns, as written; ``localized()`` asks for the reader's language."""

    def _post_init(self) -> None:
        self._rewrite = False
        self._populate = None

    def _rewrite_applied_operations(self) -> None:
        pass


class EnglishOriginal:
    """Mixed into a translated model: its English column (``name_en``, which modeltranslation
    requires) is saved as a copy of the original column, the one everything reads."""

    def save(self, *args, **kwargs) -> None:
        from modeltranslation.translator import translator

        # The concrete model's: a proxy made after start-up (an outcome type) is not registered.
        for field in translator.get_options_for_model(type(self)._meta.concrete_model).fields:
            setattr(self, f"{field}_{source_language()}", self.__dict__.get(field))
        # A model that keeps modeltranslation's attribute (Country) saves the English one.
        with override(source_language()):
            return super().save(*args, **kwargs)


def keep_original_attributes(*models) -> None:
    """After modeltranslation's registration: ``obj.name`` reads the original (English) column
    again, as before, instead of the active language's; a page asks ``translated(obj, "name")``."""
    from django.db.models.query_utils import DeferredAttribute
    from modeltranslation.translator import translator

    for model in models:
        for field in translator.get_options_for_model(model).all_fields:
            setattr(model, field, DeferredAttribute(model._meta.get_field(field)))


def translation_fieldsets(model) -> tuple[set[str], list[tuple[str, dict]]]:
    """The per-language columns of ``model`` (none for a model without translations), and the
    admin's group of fields for each language but English: "In French: name, description". The
    English columns are the original fields of the form; their copies (``name_en``) are shown nowhere."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        fields = translator.get_options_for_model(model._meta.concrete_model).all_fields
    except NotRegistered:
        return set(), []
    hidden = {translation.name for translations in fields.values() for translation in translations}
    fields = [field.name for field in model._meta.fields if field.name in fields]
    groups = [
        (
            gettext("In %(language)s") % {"language": _language_names()[language]},
            {
                "fields": [f"{field}_{language}" for field in fields],
                "description": gettext(
                    "Leave a field empty where there is no translation: the page shows the English "
                    "text, marked as such."
                ),
            },
        )
        for language, _name in settings.LANGUAGES
        if language != source_language()
    ]
    return hidden, groups


def _language_names() -> dict[str, str]:
    from django.utils.translation import get_language_info

    return {code: get_language_info(code)["name_translated"] for code, _name in settings.LANGUAGES}
