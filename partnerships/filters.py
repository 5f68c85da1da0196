"""The filters of /partnerships/ and /clusters/. Parameter names are a public contract: keep them."""

import django_filters

from outcomes.models import Outcome
from partnerships.models import Cluster, Country, Partnership, Region, Sector
from portal import freshness
from portal.filters import (
    CountryCodesFilter,
    FacetedFilterSet,
    StableOrderingFilter,
    calls,
    facet,
)

# The options of every list's filters, read once until the data changes.


def sector_choices():
    return freshness.cached(
        "sector-choices", (), lambda: list(Sector.objects.values_list("slug", "name"))
    )


def region_choices():
    return freshness.cached(
        "region-choices", (), lambda: list(Region.objects.values_list("slug", "name"))
    )


def country_choices():
    return freshness.cached(
        "country-choices", (), lambda: list(Country.objects.values_list("code", "name"))
    )


class PartnershipFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method=calls("search"),
        max_length=200,
        help_text="Words in a partnership's name, acronym or description, or a member cluster's name.",
    )
    kind = facet("Kind", Partnership.Kind, "of_kind", what="a kind of partnership")
    sector = facet("Sector", sector_choices, "in_sectors", what="a sector")
    target_country = facet(
        "Target country",
        country_choices,
        "targeting_country",
        what="a country",
        filter_class=CountryCodesFilter,
        help_text="Directly, or through a region that contains it.",
    )
    target_region = facet("Target region", region_choices, "targeting_region", what="a region")
    member_country = facet(
        "Member country",
        country_choices,
        "with_member_country",
        what="a country",
        filter_class=CountryCodesFilter,
    )
    outcome_type = facet(
        "Has outcomes of type", Outcome.Type, "with_outcome_type", what="an outcome type"
    )
    sort = StableOrderingFilter(
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
    country = facet(
        "Country", country_choices, "located_in", what="a country", filter_class=CountryCodesFilter
    )
    label = facet("Excellence label", Cluster.Label, "with_label", what="an excellence label")
    sort = StableOrderingFilter(
        label="Sort by", fields=[("name", "name"), ("country__name", "country")], empty_label=None
    )

    facets = {"country": "count_by_country", "label": "count_by_label"}

    class Meta:
        model = Cluster
        fields = []
