from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.curated_admin import CuratedAdmin, CuratedInline, RestoringVersionAdmin
from core.imports import CuratedImportMixin
from partnerships.admin_scope import COORDINATORS, PartnershipScopeMixin, sees_all_partnerships
from partnerships.models import (
    Cluster,
    Country,
    MemberCountry,
    Membership,
    Partnership,
    Region,
    Sector,
    Source,
    TargetMarket,
)
from partnerships.resources import ClusterResource, PartnershipResource


@admin.register(Source)
class SourceAdmin(RestoringVersionAdmin):
    description = _(
        "The documents the portal's facts come from: each record names its source, page and "
        "date, and the public page cites them."
    )
    list_display = ["title", "author", "date"]
    search_fields = ["title", "author", "publisher"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Sector)
class SectorAdmin(RestoringVersionAdmin):
    description = _(
        "The sectors partnerships work in. A sector is listed on the public site once a "
        "published partnership names it."
    )
    list_display = ["name", "slug", "partnership_count"]
    # Named: Django leaves Meta.ordering out of the count's GROUP BY, and the autocomplete pages it.
    ordering = ["name"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(partnership_total=Count("partnerships"))

    @admin.display(description=_("partnerships"), ordering="partnership_total")
    def partnership_count(self, obj) -> int:
        return obj.partnership_total


@admin.register(Country)
class CountryAdmin(RestoringVersionAdmin):
    """Countries come from ISO 3166-1; curators only give the dates of EU membership."""

    description = _(
        "Every country of ISO 3166-1. Only the dates of EU membership are edited here: they decide "
        "which countries are third countries."
    )

    list_display = ["name", "code", "is_eu_member"]
    # Their names in other languages come from CLDR (partnerships/countries.py), not curators.
    translations_in_form = False
    list_filter = ["is_eu_member"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "eu_member_since", "eu_member_until", "is_eu_member"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # The flag follows the dates (Country.clean).
        return ["code", "name", "is_eu_member"] if obj else ["is_eu_member"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(RestoringVersionAdmin):
    description = _(
        "Named groups of countries that partnerships target, such as North Africa. Targeting a "
        "region targets its third countries."
    )
    list_display = ["name", "slug", "country_list"]
    search_fields = ["name", "countries__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["countries"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("countries")

    @admin.display(description=_("countries"))
    def country_list(self, obj) -> str:
        return ", ".join(country.code for country in obj.countries.all())


def _theirs(request: HttpRequest, cluster: Cluster) -> bool:
    """A coordinator's own cluster: one they added, or a member of a partnership they coordinate."""
    return (
        cluster.created_by_id == request.user.pk
        or Membership.objects.filter(
            cluster_id=cluster.pk, partnership__coordinators=request.user
        ).exists()
    )


@admin.register(Cluster)
class ClusterAdmin(CuratedImportMixin, CuratedAdmin):
    """Coordinators see published clusters and their own drafts, and change only those of their partnerships or their own."""

    description = _(
        "The clusters named as members of partnerships. A new cluster is a draft until an editor "
        "publishes it; only then is it named on public pages."
    )

    resource_classes = [ClusterResource]
    list_display = ["name", "acronym", "country", "cross_border_country", "label", "is_published"]
    list_filter = ["is_published", "label"]
    list_select_related = ["country", "cross_border_country"]
    search_fields = ["name", "acronym", "city"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "cross_border_country", "source"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if sees_all_partnerships(request.user):
            return queryset
        return queryset.filter(Q(is_published=True) | Q(created_by=request.user)).distinct()

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is None or sees_all_partnerships(request.user):
            return super().has_change_permission(request, obj)
        return _theirs(request, obj) and super().has_change_permission(request, obj)

    def may_restore(self, request: HttpRequest, record) -> bool:
        return sees_all_partnerships(request.user) or _theirs(request, record)

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class MemberCountryInline(CuratedInline):
    model = MemberCountry
    related = ["country", "cross_border_country"]
    fields = ["position", "country", "cross_border_country"]
    autocomplete_fields = ["country", "cross_border_country"]


class MembershipFormSet(forms.BaseInlineFormSet):
    """Named members within the declared partner count: the database's trigger rule, as a form error."""

    def clean(self) -> None:
        super().clean()
        declared = self.instance.partner_count
        named = sum(
            1
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        )
        if declared is not None and named > declared:
            raise forms.ValidationError(
                _(
                    "%(named)s named member clusters, but the partnership declares %(declared)s "
                    "partners. Raise the declared partner count or remove members."
                ),
                params={"named": named, "declared": declared},
            )


class MembershipInline(CuratedInline):
    model = Membership
    formset = MembershipFormSet
    related = ["partnership", "cluster"]
    autocomplete_fields = ["cluster"]


class TargetMarketInline(CuratedInline):
    model = TargetMarket
    related = ["country", "region"]
    fields = ["position", "country", "region", "tentative"]
    autocomplete_fields = ["country", "region"]


@admin.register(Partnership)
class PartnershipAdmin(CuratedImportMixin, CuratedAdmin):
    description = _(
        "The European Strategic Cluster Partnerships and internationalisation projects. A draft is "
        "seen only here; once an editor publishes it, its page and its published outcomes are public."
    )
    resource_classes = [PartnershipResource]
    list_display = [
        "display_name",
        "kind",
        "sector_list",
        "partner_count",
        "country_count",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "funding", "sectors"]
    search_fields = ["name", "acronym", "description", "memberships__cluster__name"]
    # A keystroke's answer names a partnership: no join through members and their DISTINCT.
    autocomplete_search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sectors", "related_partnership", "source"]
    # The outcomes app adds its own inline and buttons to this form (outcomes/admin.py).
    inlines = [MemberCountryInline, MembershipInline, TargetMarketInline]
    # The profile's fields in the order its public page shows them; an empty one is left off the
    # page. The coordinating cluster is the member whose role is coordinator (the inline below).
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "sectors", "description"]}),
        (_("Contact"), {"fields": ["website", "contact_email"]}),
        (
            _("Programme and dates"),
            {"fields": ["programme", "strand", "call", "funding", "start_date", "end_date"]},
        ),
        (_("Declared membership"), {"fields": ["partner_count", "country_count"]}),
        (_("Provenance"), {"fields": ["source", "source_page", "as_of"]}),
        (_("Curation"), {"fields": ["coordinators", "related_partnership", "is_published"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).prefetch_related("sectors")
        if sees_all_partnerships(request.user):
            return queryset
        return queryset.filter(coordinators=request.user)

    def choices_for(self, request: HttpRequest, db_field) -> QuerySet:
        # Co-signing names another partnership on a public MoU: any published one, or their own.
        if db_field.name == "co_signatories" and not sees_all_partnerships(request.user):
            return Partnership.objects.co_signable_by(request.user)
        return super().choices_for(request, db_field)

    def formfield_for_manytomany(
        self, db_field, request: HttpRequest, **kwargs
    ) -> forms.Field | None:
        if db_field.name == "coordinators":
            kwargs["queryset"] = (
                get_user_model().objects.filter(groups__name=COORDINATORS).order_by("username")
            )
            # A list of checkboxes: few coordinators per portal, and each box has its own label.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("partnership"), ordering="name")
    def display_name(self, obj) -> str:
        return obj.display_name

    @admin.display(description=_("sectors"))
    def sector_list(self, obj) -> str:
        return ", ".join(sector.name for sector in obj.sectors.all())


@admin.register(Membership)
class MembershipAdmin(PartnershipScopeMixin, RestoringVersionAdmin):
    """Members one by one: how coordinators, who cannot change the partnership itself, add them."""

    description = _(
        "Which cluster is a named member of which partnership, and its role. A member is named "
        "publicly once both its partnership and its cluster are published."
    )

    list_display = ["cluster", "partnership", "role"]
    list_filter = ["role"]
    list_select_related = ["cluster", "partnership"]
    search_fields = ["cluster__name", "partnership__name", "partnership__acronym"]
    autocomplete_fields = ["partnership", "cluster"]
