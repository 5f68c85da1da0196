"""Outcomes in the admin: one list of all types, and one form per type.

The list (OutcomeAdmin) is where curators search and filter everything; each
row opens the typed form (MoUAdmin, RoadmapAdmin, ...) that shows only the
fields that type has, made from the type's definition (outcomes/types.py). New outcomes are added through the typed forms, usually
from a partnership's page ("Add MoU"), which fills in the partnership: this
module adds those buttons and the list of the partnership's outcomes to the
partnership's form, as the partnerships app does not know outcomes.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import reversion
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from core.admin_at_scale import CappedCountPaginator, IndexedYearListFilter, QuickRowsMixin
from core.curated_admin import (
    VERSION_FIELDSET,
    CuratedAdmin,
    ExcerptInline,
    RestoringVersionAdmin,
)
from core.imports import CuratedImportMixin
from core.translated import translation_fieldsets
from outcomes import suggestion_admin
from outcomes import types as outcome_types
from outcomes.admin_form import TypedOutcomeForm
from outcomes.models import Organisation, Outcome
from outcomes.resources import OutcomeResource
from partnerships.admin import PartnershipAdmin
from partnerships.admin_scope import PartnershipScopeMixin, sees_all_partnerships
from partnerships.models import Partnership

COMMON_FIELDS = ["partnership", "title", "description"]
PROVENANCE_FIELDSET = (
    _("Evidence, provenance and publication"),
    {"fields": ["evidence_url", "source", "source_page", "as_of", "is_published"]},
)


@admin.register(Organisation)
class OrganisationAdmin(RestoringVersionAdmin):
    """Coordinators add counterparts; they see public ones and their own, and change only those
    no other partnership's outcome names (OrganisationQuerySet)."""

    description = _(
        "The counterparts of MoUs: clusters, companies or public administrations, usually outside "
        "the EU. Renaming one renames it on every page that shows it."
    )

    list_display = ["name", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "country__name", "country__code"]
    autocomplete_search_fields = ["name"]
    autocomplete_fields = ["country"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if sees_all_partnerships(request.user):
            return queryset
        return queryset.seen_by_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is None or sees_all_partnerships(request.user):
            return super().has_change_permission(request, obj)
        return (
            super().has_change_permission(request, obj)
            and Organisation.objects.changeable_by_coordinator(request.user)
            .filter(pk=obj.pk)
            .exists()
        )

    def may_restore(self, request: HttpRequest, record) -> bool:
        # A deleted counterpart was named by no outcome (they protect it): its creator's, then.
        return sees_all_partnerships(request.user) or record.created_by_id == request.user.pk

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# The year filter's years come from the ends of the year index, not a DISTINCT of a million rows.
YEAR_FILTER = ("year", IndexedYearListFilter)


class OutcomeListAdminMixin(QuickRowsMixin):
    """The lists of outcomes, built to stay fast over a million of them (core/admin_at_scale.py):
    no full count, no date drill-down (the year filter does that from its index), and a search
    whose every arm has its index (OutcomeQuerySet.search)."""

    list_display = ["title", "type", "partnership", "country", "when", "is_published"]
    list_filter = ["type", "is_published", "level", YEAR_FILTER]
    list_select_related = ["partnership", "country"]
    # What OutcomeQuerySet.search looks in (get_search_results), for the admin to show its box.
    search_fields = [
        "title",
        "description",
        "partnership__name",
        "partnership__acronym",
        "counterpart__name",
        "city",
    ]
    search_help_text = _(
        "Words in the title, description or city, or the name of the counterpart or partnership "
        "(or its acronym)."
    )
    paginator = CappedCountPaginator
    show_full_result_count = False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # The dropped date drill-down's parameters (date__year=...) would reach the database
        # unchecked (a year no date can hold is a 500): a bookmark with them gets a 400.
        if lookup.startswith("date__"):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(
        self, request: HttpRequest, queryset, search_term
    ) -> tuple[QuerySet, bool]:
        # Each word through OutcomeQuerySet.search, whose arms are index conditions on the outcome's
        # own columns: Django's own search ORs lookups across joined tables, a scan of every row.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, "")
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            queryset = queryset.search(word)
        return queryset, may_have_duplicates

    @admin.display(description=_("date or year"), ordering="date")
    def when(self, obj) -> datetime.date | int | None:
        return obj.when


@admin.register(Outcome)
class OutcomeAdmin(CuratedImportMixin, PartnershipScopeMixin, OutcomeListAdminMixin, CuratedAdmin):
    """All outcomes in one list, and their bulk import; a row opens the form of its own type."""

    description = _(
        "Every result of every partnership, of all types; each opens in the form of its type. New "
        "outcomes are added from their partnership's page (“Add MoU”, …). Drafts are not public."
    )

    resource_classes = [OutcomeResource]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id, form_url="", extra_context=None
    ) -> HttpResponse:
        outcome = self.get_object(request, object_id)
        if outcome is not None:
            proxy = typed_model(outcome.type)
            url = reverse(f"admin:outcomes_{proxy._meta.model_name}_change", args=[outcome.pk])
            return HttpResponseRedirect(url)
        return super().change_view(request, object_id, form_url, extra_context)


class TypedOutcomeAdmin(PartnershipScopeMixin, OutcomeListAdminMixin, CuratedAdmin):
    """The form of one outcome type, with the fields its definition lists (outcomes/types.py)."""

    outcome_type: outcome_types.OutcomeType
    form = TypedOutcomeForm
    change_form_template = "admin/outcomes/typed_change_form.html"
    list_filter = ["is_published", YEAR_FILTER]
    autocomplete_fields = ["partnership", "country", "source"]

    @property
    def description(self) -> str:
        return self.outcome_type.description

    def get_form(
        self, request: HttpRequest, obj=None, change=False, **kwargs
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        # Duplicates are looked for, and linked, among the records this curator may open.
        return type(
            form.__name__,
            (form,),
            {"outcome_type": self.outcome_type, "in_scope": self.get_queryset(request)},
        )

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        request.saved_anyway = form.saved_anyway()
        super().save_model(request, obj, form, change)
        if not change:
            suggestion_admin.mark_converted(request, obj)

    def log_addition(self, request: HttpRequest, obj, message) -> LogEntry:
        entry = super().log_addition(request, obj, message)
        self._note_saved_anyway(request, entry)
        return entry

    def log_change(self, request: HttpRequest, obj, message) -> LogEntry:
        entry = super().log_change(request, obj, message)
        self._note_saved_anyway(request, entry)
        return entry

    @staticmethod
    def _note_saved_anyway(request: HttpRequest, entry) -> None:
        note = getattr(request, "saved_anyway", "")
        if note and reversion.is_active():
            reversion.set_comment(f"{entry.get_change_message()} {note}")

    def get_fieldsets(
        self, request: HttpRequest, obj=None
    ) -> list[tuple[str | None, dict[str, Any]]]:
        return [
            (None, {"fields": COMMON_FIELDS}),
            *self.outcome_type.fieldsets,
            # The title and description in French and German (core/translated.py).
            *translation_fieldsets(self.model)[1],
            PROVENANCE_FIELDSET,
            VERSION_FIELDSET,
        ]

    def belongs_here(self, record) -> bool:
        return super().belongs_here(record) and record.type == self.model.outcome_type

    def formfield_for_choice_field(
        self, db_field, request: HttpRequest, **kwargs
    ) -> forms.Field | None:
        # Offer only the kinds that belong to this form's type.
        if db_field.name == "subtype":
            kwargs["choices"] = [("", "---------"), *self.outcome_type.subtypes]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_list_display(self, request: HttpRequest) -> Sequence[str | Callable[..., Any]]:
        return self.outcome_type.list_display or super().get_list_display(request)

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        if not self.outcome_type.list_filter:
            return super().get_list_filter(request)
        return [YEAR_FILTER if name == "year" else name for name in self.outcome_type.list_filter]

    def get_list_select_related(self, request: HttpRequest) -> list[str]:
        # The related records the list's columns show, read in its one query.
        related = [
            name
            for name in self.get_list_display(request)
            if name in _OUTCOME_FIELDS and Outcome._meta.get_field(name).many_to_one
        ]
        return list(dict.fromkeys([*super().get_list_select_related(request), *related]))

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        # Every related record the form names is picked by searching: there are thousands.
        related = [
            name for name in self.outcome_type.fields if Outcome._meta.get_field(name).is_relation
        ]
        return list(dict.fromkeys([*super().get_autocomplete_fields(request), *related]))


_OUTCOME_FIELDS = {field.name for field in Outcome._meta.get_fields()}


def typed_model(value: str) -> type[Outcome]:
    """The proxy model of the outcome type ``value``."""
    return apps.get_model("outcomes", outcome_types.OUTCOME_TYPES[value].model_name)


def _register_typed_admin(kind: outcome_types.OutcomeType):
    model_admin = type(f"{kind.model_name}Admin", (TypedOutcomeAdmin,), {"outcome_type": kind})
    model = typed_model(kind.value)
    admin.site.register(model, model_admin)

    def undo() -> None:
        admin.site.unregister(model)
        if reversion.is_registered(model):
            reversion.unregister(model)

    return undo


outcome_types.for_each_type(_register_typed_admin)


class OutcomeInline(ExcerptInline):
    """The partnership's first outcomes at a glance, with a link to all of them; each opens in its
    own typed form."""

    model = Outcome
    fields = ["title", "type", "country", "date", "year", "is_published"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # In the order of the outcomes' list the link opens; countries in the same query.
        return super().get_queryset(request).select_related("country")


admin.site.unregister(Partnership)


@admin.register(Partnership)
class PartnershipWithOutcomesAdmin(PartnershipAdmin):
    """The partnership's form, with its outcomes and an "Add MoU", "Add roadmap", ... button."""

    inlines = [*PartnershipAdmin.inlines, OutcomeInline]

    def change_view(
        self, request: HttpRequest, object_id, form_url="", extra_context=None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "outcome_add_links": self._outcome_add_links(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _outcome_add_links(self, request: HttpRequest):
        """An "Add MoU", "Add roadmap", ... button for each outcome type the user may add."""
        links = []
        for model in map(typed_model, outcome_types.OUTCOME_TYPES):
            model_admin = self.admin_site.get_model_admin(model)
            if model_admin.has_add_permission(request):
                url = reverse(f"admin:outcomes_{model._meta.model_name}_add")
                links.append({"url": url, "label": model._meta.verbose_name})
        return links
