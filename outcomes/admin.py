"""Outcomes in the admin: one list of all types, and one form per type.

The list (OutcomeAdmin) is where curators search and filter everything; each
row opens the typed form (MoUAdmin, RoadmapAdmin, ...) that shows only the
fields that type has. New outcomes are added through the typed forms, usually
from a partnership's page ("Add MoU"), which fills in the partnership: this
module adds those buttons and the list of the partnership's outcomes to the
partnership's form, as the partnerships app does not know outcomes.
"""

import datetime

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.curated_admin import VERSION_FIELDSET, CuratedAdmin, RestoringVersionAdmin
from core.imports import CuratedImportMixin
from outcomes.models import Exchange, Mission, MoU, Office, Organisation, Outcome, Roadmap
from outcomes.resources import OutcomeResource
from partnerships.admin import PartnershipAdmin
from partnerships.admin_scope import PartnershipScopeMixin, sees_all_partnerships
from partnerships.models import Partnership

COMMON_FIELDS = ["partnership", "title", "description"]
PROVENANCE_FIELDSET = (
    _("Evidence and publication"),
    {"fields": ["evidence_url", "source", "is_published"]},
)


@admin.register(Organisation)
class OrganisationAdmin(RestoringVersionAdmin):
    """Coordinators add counterparts; they see public ones and their own, and change only those
    no other partnership's outcome names (OrganisationQuerySet)."""

    list_display = ["name", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "country__name", "country__code"]
    autocomplete_fields = ["country"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_all_partnerships(request.user):
            return queryset
        return queryset.seen_by_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None or sees_all_partnerships(request.user):
            return super().has_change_permission(request, obj)
        return (
            super().has_change_permission(request, obj)
            and Organisation.objects.changeable_by_coordinator(request.user)
            .filter(pk=obj.pk)
            .exists()
        )

    def may_restore(self, request, record) -> bool:
        # A deleted counterpart was named by no outcome (they protect it): its creator's, then.
        return sees_all_partnerships(request.user) or record.created_by_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class OutcomeListAdminMixin:
    list_display = ["title", "type", "partnership", "country", "when", "is_published"]
    list_filter = ["type", "is_published", "level", "year"]
    list_select_related = ["partnership", "country"]
    search_fields = [
        "title",
        "description",
        "partnership__name",
        "partnership__acronym",
        "counterpart__name",
        "city",
    ]
    date_hierarchy = "date"

    @admin.display(description=_("date or year"), ordering="date")
    def when(self, obj):
        return obj.when


@admin.register(Outcome)
class OutcomeAdmin(CuratedImportMixin, PartnershipScopeMixin, OutcomeListAdminMixin, CuratedAdmin):
    """All outcomes in one list, and their bulk import; a row opens the form of its own type."""

    resource_classes = [OutcomeResource]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        outcome = self.get_object(request, object_id)
        if outcome is not None:
            proxy = TYPED_MODELS[outcome.type]
            url = reverse(f"admin:outcomes_{proxy._meta.model_name}_change", args=[outcome.pk])
            return HttpResponseRedirect(url)
        return super().change_view(request, object_id, form_url, extra_context)


class TypedOutcomeAdmin(PartnershipScopeMixin, OutcomeListAdminMixin, CuratedAdmin):
    """The form of one outcome type; subclasses list the fields the type has."""

    typed_fieldsets = []
    list_filter = ["is_published", "year"]
    autocomplete_fields = ["partnership", "country", "source"]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": COMMON_FIELDS}),
            *self.typed_fieldsets,
            PROVENANCE_FIELDSET,
            VERSION_FIELDSET,
        ]

    def belongs_here(self, record) -> bool:
        return super().belongs_here(record) and record.type == self.model.outcome_type

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Offer only the kinds that belong to this form's type.
        if db_field.name == "subtype":
            kinds = Outcome.SUBTYPES_BY_TYPE[self.model.outcome_type]
            kwargs["choices"] = [("", "---------"), *((kind.value, kind.label) for kind in kinds)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(MoU)
class MoUAdmin(TypedOutcomeAdmin):
    list_display = [
        "title",
        "partnership",
        "level",
        "counterpart",
        "country",
        "when",
        "is_published",
    ]
    list_filter = ["level", "venue", "is_published", "year"]
    list_select_related = ["partnership", "country", "counterpart"]
    autocomplete_fields = [*TypedOutcomeAdmin.autocomplete_fields, "counterpart", "co_signatories"]
    typed_fieldsets = [
        (
            _("The MoU"),
            {
                "fields": [
                    "level",
                    "counterpart",
                    "country",
                    "intra_eu",
                    "date",
                    "year",
                    "venue",
                    "city",
                ]
            },
        ),
        (
            _("Other partnerships bound by it"),
            {"fields": ["co_signatories"], "classes": ["collapse"]},
        ),
    ]

    def get_changeform_initial_data(self, request):
        # Most MoUs are entered on the day they are signed.
        return {"date": datetime.date.today(), **super().get_changeform_initial_data(request)}


@admin.register(Roadmap)
class RoadmapAdmin(TypedOutcomeAdmin):
    typed_fieldsets = [(_("The roadmap"), {"fields": ["subtype", "country", "date", "year"]})]


@admin.register(Office)
class OfficeAdmin(TypedOutcomeAdmin):
    typed_fieldsets = [
        (_("The office"), {"fields": ["subtype", "city", "country", "date", "year"]})
    ]


@admin.register(Mission)
class MissionAdmin(TypedOutcomeAdmin):
    typed_fieldsets = [
        (_("The mission"), {"fields": ["subtype", "direction", "city", "country", "date", "year"]})
    ]


@admin.register(Exchange)
class ExchangeAdmin(TypedOutcomeAdmin):
    typed_fieldsets = [
        (_("The exchange"), {"fields": ["subtype", "direction", "country", "city", "date", "year"]})
    ]


TYPED_MODELS = {model.outcome_type: model for model in (MoU, Roadmap, Office, Mission, Exchange)}


class OutcomeInline(admin.TabularInline):
    """The partnership's outcomes at a glance; each opens in its own typed form."""

    model = Outcome
    extra = 0
    fields = ["title", "type", "country", "date", "year", "is_published"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


admin.site.unregister(Partnership)


@admin.register(Partnership)
class PartnershipWithOutcomesAdmin(PartnershipAdmin):
    """The partnership's form, with its outcomes and an "Add MoU", "Add roadmap", ... button."""

    inlines = [*PartnershipAdmin.inlines, OutcomeInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "outcome_add_links": self._outcome_add_links(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _outcome_add_links(self, request):
        """An "Add MoU", "Add roadmap", ... button for each outcome type the user may add."""
        links = []
        for model in TYPED_MODELS.values():
            model_admin = self.admin_site.get_model_admin(model)
            if model_admin.has_add_permission(request):
                url = reverse(f"admin:outcomes_{model._meta.model_name}_add")
                links.append({"url": url, "label": model._meta.verbose_name})
        return links
