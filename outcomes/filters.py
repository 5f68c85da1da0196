"""The filters of /outcomes/. Parameter names are a public contract: keep them."""

import django_filters
from django import forms

from outcomes.models import Outcome
from partnerships.filters import (
    country_choices,
    partnership_choices,
    sector_choices,
    year_choices,
)
from portal.filters import (
    CountryCodesFilter,
    FacetedFilterSet,
    StableOrderingFilter,
    calls,
    facet,
)


class YearsField(forms.MultipleChoiceField):
    """Years as typed in a URL: any whole year is valid, whether or not it has outcomes."""

    def valid_value(self, value):
        return str(value).isascii() and str(value).isdigit() and len(str(value)) == 4

    def clean(self, value):
        return [int(year) for year in super().clean(value)]


class YearsFilter(django_filters.MultipleChoiceFilter):
    field_class = YearsField


class OutcomeFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method=calls("search"),
        max_length=200,
        help_text="Words in the title, description, city, counterpart or partnership.",
    )
    type = facet("Type", Outcome.Type, "of_type", what="an outcome type")
    level = facet("MoU level", Outcome.Level, "of_level", what="an MoU level")
    country = facet(
        "Country",
        country_choices,
        "with_country",
        what="a country",
        filter_class=CountryCodesFilter,
    )
    partnership = facet("Partnership", partnership_choices, "of_partnerships", what="a partnership")
    sector = facet("Sector", sector_choices, "in_sectors", what="a sector")
    year = facet(
        "Year",
        year_choices,
        "in_years",
        what="a year",
        message="“%(value)s” is not a year. Use four digits, e.g. 2013.",
        filter_class=YearsFilter,
    )
    sort = StableOrderingFilter(
        label="Sort by",
        fields=[
            ("date", "date"),
            ("title", "title"),
            ("partnership__name", "partnership"),
            ("country__name", "country"),
            ("type", "type"),
        ],
        field_labels={
            "date": "Date",
            "title": "Title",
            "partnership__name": "Partnership",
            "country__name": "Country",
            "type": "Type",
        },
        empty_label=None,
    )

    facet_option_limits = {"partnership": 30}
    facets = {
        "type": "tally_by_type",
        "level": "tally_by_level",
        "country": "tally_by_country",
        "partnership": "tally_by_partnership",
        "sector": "tally_by_sector",
        "year": "tally_by_year",
    }

    class Meta:
        model = Outcome
        fields = []
