"""The filters of /partnerships/ and /clusters/. Parameter names are a public contract: keep them.

The partnership list's "Has outcomes of type" filter belongs to the outcomes app, which adds it
(outcomes/filters.py): this app does not know outcomes."""

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from core import counts, data_cache
from core.filters import (
    CountryCodesFilter,
    FacetedFilterSet,
    SearchFilter,
    StableOrderingFilter,
    calls,
    facet,
)
from partnerships import search
from partnerships.models import (
    Cluster,
    ClusterQuerySet,
    Country,
    Partnership,
    PartnershipQuerySet,
    Region,
    Sector,
)
from partnerships.search import ReadSearch

# The options of every list's filters, read in one query once until the data changes.


def sector_choices() -> list[tuple[str, str]]:
    return filter_choices()["sector"]


def region_choices() -> list[tuple[str, str]]:
    return filter_choices()["region"]


def country_choices() -> list[tuple[str, str]]:
    return filter_choices()["country"]


def partnership_choices() -> list[tuple[str, str]]:
    # Apart: one option per partnership (10,000 of them, 0.7 MB cached) that only /outcomes/ needs.
    return data_cache.cached("partnership-choices", (), _read_partnership_choices, local=True)


def _read_partnership_choices():
    return list(Partnership.objects.published().order_by("name", "pk").values_list("slug", "name"))


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    return data_cache.cached("filter-choices", (), _read_filter_choices, local=True)


def _read_filter_choices():
    """(value, label) options per list, from one UNION ALL of (list, value, label) rows by label."""

    def options(name, queryset, value, label):
        return (
            queryset.order_by()
            .annotate(
                choice_list=Value(name),
                choice_value=Cast(value, CharField()),
                choice_label=Cast(label, CharField()),
            )
            .values_list("choice_list", "choice_value", "choice_label")
        )

    lists = [
        options("sector", Sector.objects.published(), "slug", "name"),
        options("region", Region.objects.published(), "slug", "name"),
        options("country", Country.objects.all(), "code", "name"),
    ]
    choices = {"sector": [], "region": [], "country": []}
    for name, value, label in counts.combined(lists, all=True).order_by("choice_label"):
        choices[name].append((value, label))
    return choices


class PartnershipFilter(FacetedFilterSet):
    q = SearchFilter(
        method="search",
        help_text=_(
            "Words in a partnership's name, acronym or description, or a member cluster's name; "
            "a country, region or sector finds the partnerships related to it."
        ),
    )
    kind = facet(
        _("Kind"),
        Partnership.Kind,
        PartnershipQuerySet.of_kind,
        tally=PartnershipQuerySet.tally_by_kind,
        what=_("a kind of partnership"),
    )
    sector = facet(
        _("Sector"),
        sector_choices,
        PartnershipQuerySet.in_sectors,
        tally=PartnershipQuerySet.tally_by_sector,
        what=_("a sector"),
    )
    works_with = facet(
        _("Works with"),
        country_choices,
        PartnershipQuerySet.working_with,
        tally=PartnershipQuerySet.tally_by_working_country,
        what=_("a country"),
        filter_class=CountryCodesFilter,
        help_text=_("Targets it, or has outcomes there (MoUs, offices, missions, exchanges…)."),
    )
    target_country = facet(
        _("Target country"),
        country_choices,
        PartnershipQuerySet.targeting_country,
        tally=PartnershipQuerySet.tally_by_target_country,
        what=_("a country"),
        filter_class=CountryCodesFilter,
        help_text=_("Directly, or through a region of which it is a third country."),
    )
    target_region = facet(
        _("Target region"),
        region_choices,
        PartnershipQuerySet.targeting_region,
        tally=PartnershipQuerySet.tally_by_target_region,
        what=_("a region"),
        help_text=_(
            "The region, one of its third countries, or a region sharing third countries with it."
        ),
    )
    member_country = facet(
        _("Member country"),
        country_choices,
        PartnershipQuerySet.with_member_country,
        tally=PartnershipQuerySet.tally_by_member_country,
        what=_("a country"),
        filter_class=CountryCodesFilter,
    )
    # outcome_type ("Has outcomes of type") is added here by the outcomes app (outcomes/filters.py).
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name"),
            ("kind", "kind"),
            ("partner_count", "partners"),
            ("country_count", "countries"),
        ],
        field_labels={
            "name": _("Name"),
            "kind": _("Kind"),
            "partner_count": _("Number of partners"),
            "country_count": _("Number of countries"),
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Partnership
        fields = []

    def search(self, queryset, name, text) -> QuerySet:
        return queryset.searching(self.read_search())

    def read_search(self) -> ReadSearch | None:
        """The valid search, read once per FilterSet (each facet's count filters by it again)."""
        if not hasattr(self, "_read_search"):
            self.is_valid()
            text = self.form.cleaned_data.get("q") if self.is_bound else ""
            self._read_search = read_search(text) if text else None
        return self._read_search

    def search_meanings(self) -> list[dict]:
        """What the search's words name, each as the filter to choose instead: its label, value
        and the URL of this page with that filter and the search without those words."""
        found = self.read_search()
        if found is None:
            return []
        offers = []
        for meaning in found.meanings:
            if meaning.filter not in self.filters or meaning.value in self.data.getlist(
                meaning.filter
            ):
                continue
            query = self.data.copy()
            query.pop("page", None)
            rest = [m.words for m in found.meanings if m is not meaning] + list(found.words)
            query.setlist("q", [" ".join(rest)] if rest else [])
            query.appendlist(meaning.filter, meaning.value)
            offers.append(
                {
                    "filter": _lower_first(str(self.filters[meaning.filter].label)),
                    "value": meaning.label,
                    "url": "?" + query.urlencode(),
                }
            )
        return offers


def read_search(text: str) -> ReadSearch:
    """The countries, regions and sectors a search names, by the filters' options."""
    choices = filter_choices()
    return search.read(text, search.vocabulary(choices), dict(choices["country"]))


class ClusterFilter(FacetedFilterSet):
    q = SearchFilter(method=calls(ClusterQuerySet.search))
    country = facet(
        _("Country"),
        country_choices,
        ClusterQuerySet.located_in,
        tally=ClusterQuerySet.tally_by_country,
        what=_("a country"),
        filter_class=CountryCodesFilter,
    )
    label = facet(
        _("Excellence label"),
        Cluster.Label,
        ClusterQuerySet.with_label,
        tally=ClusterQuerySet.tally_by_label,
        what=_("an excellence label"),
    )
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=[("name", "name"), ("country__name", "country")],
        empty_label=None,
    )

    class Meta:
        model = Cluster
        fields = []


def _lower_first(label: str) -> str:
    """ "Target country" inside a sentence: "Filter by target country: Brazil"."""
    return label[:1].lower() + label[1:]
