"""The filters of /partnerships/ and /clusters/. Parameter names are a public contract: keep them."""

import django_filters
from django import forms

from outcomes.models import Outcome
from partnerships.models import Cluster, Country, Partnership, Region, Sector
from portal.filters import CountryCodesFilter, FacetedFilterSet, calls


def sector_choices():
    return list(Sector.objects.values_list("slug", "name"))


def region_choices():
    return list(Region.objects.values_list("slug", "name"))


def country_choices():
    return list(Country.objects.values_list("code", "name"))


def unknown(thing):
    return {"invalid_choice": f"“%(value)s” is not {thing} on this portal."}


class PartnershipFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method=calls("search"),
        max_length=200,
        help_text="Words in a partnership's name, acronym or description, or a member cluster's name.",
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Kind",
        choices=Partnership.Kind,
        widget=forms.CheckboxSelectMultiple,
        method=calls("of_kind"),
    )
    sector = django_filters.MultipleChoiceFilter(
        label="Sector",
        choices=sector_choices,
        widget=forms.CheckboxSelectMultiple,
        method=calls("in_sectors"),
        error_messages=unknown("a sector"),
    )
    target_country = CountryCodesFilter(
        label="Target country",
        choices=country_choices,
        widget=forms.CheckboxSelectMultiple,
        method=calls("targeting_country"),
        help_text="Directly, or through a region that contains it.",
    )
    target_region = django_filters.MultipleChoiceFilter(
        label="Target region",
        choices=region_choices,
        widget=forms.CheckboxSelectMultiple,
        method=calls("targeting_region"),
        error_messages=unknown("a region"),
    )
    member_country = CountryCodesFilter(
        label="Member country",
        choices=country_choices,
        widget=forms.CheckboxSelectMultiple,
        method=calls("with_member_country"),
    )
    outcome_type = django_filters.MultipleChoiceFilter(
        label="Has outcomes of type",
        choices=Outcome.Type,
        widget=forms.CheckboxSelectMultiple,
        method=calls("with_outcome_type"),
        error_messages=unknown("an outcome type"),
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=[
            ("name", "name"),
            ("kind", "kind"),
            ("partner_count", "partners"),
            ("country_count", "countries"),
        ],
        field_labels={
            "name": "Name",
            "kind": "Kind",
            "partner_count": "Number of partners",
            "country_count": "Number of countries",
        },
        empty_label=None,
        null_label=None,
    )

    facets = {
        "kind": "count_by_kind",
        "sector": "count_by_sector",
        "target_country": "count_by_target_country",
        "target_region": "count_by_target_region",
        "member_country": "count_by_member_country",
        "outcome_type": "count_by_outcome_type",
    }

    class Meta:
        model = Partnership
        fields = []


class ClusterFilter(FacetedFilterSet):
    q = django_filters.CharFilter(label="Search", method=calls("search"), max_length=200)
    country = CountryCodesFilter(
        label="Country",
        choices=country_choices,
        widget=forms.CheckboxSelectMultiple,
        method=calls("located_in"),
    )
    label = django_filters.MultipleChoiceFilter(
        label="Excellence label", choices=Cluster.Label, widget=forms.CheckboxSelectMultiple
    )
    sort = django_filters.OrderingFilter(
        label="Sort by", fields=[("name", "name"), ("country__name", "country")], empty_label=None
    )

    facets = {"country": "count_by_country", "label": "count_by_label"}

    class Meta:
        model = Cluster
        fields = []
