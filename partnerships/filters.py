"""The filters of /partnerships/ and /clusters/. Parameter names are a public contract: keep them.

The partnership list's "Has outcomes of type" filter belongs to the outcomes app, which adds it
(outcomes/filters.py): this app does not know outcomes."""

from django.conf import settings
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
from core.translated import collated, localized, reader_language, source_language
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
    return data_cache.cached(
        "partnership-choices", (reader_language(),), _read_partnership_choices, local=True
    )


def _read_partnership_choices():
    return [
        (slug, name)
        for slug, name in Partnership.objects.published()
        .annotate(label=localized("name"))
        .order_by(collated("label"), "pk")
        .values_list("slug", "label")
    ]


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The options in the reader's language, sorted by their names in that language."""
    return data_cache.cached(
        "filter-choices", (reader_language(),), _choices_in_reader_language, local=True
    )


def _choices_in_reader_language():
    language = reader_language()
    choices = {}
    for name, options in _named_options().items():
        labelled = [(value, labels[language]) for value, labels in options]
        if language != source_language():
            # The UNION sorted by the database's collation; in French or German, as the reader reads.
            labelled.sort(key=lambda option: search.folded(option[1]))
        choices[name] = labelled
    return choices


def _named_options():
    return data_cache.cached("named-options", (), _read_named_options, local=True)


def _read_named_options():
    """(value, {language: label}) options per list, from one UNION ALL of (list, value, label in
    each language) rows by the English label."""
    languages = [language for language, _name in settings.LANGUAGES]

    def options(name, queryset, value, label):
        return (
            queryset.order_by()
            .annotate(
                choice_list=Value(name),
                choice_value=Cast(value, CharField()),
                **{
                    f"choice_label_{language}": Cast(localized(label, language), CharField())
                    for language in languages
                },
            )
            .values_list(
                "choice_list",
                "choice_value",
                *(f"choice_label_{language}" for language in languages),
            )
        )

    lists = [
        options("sector", Sector.objects.published(), "slug", "name"),
        options("region", Region.objects.published(), "slug", "name"),
        options("country", Country.objects.all(), "code", "name"),
    ]
    choices = {"sector": [], "region": [], "country": []}
    first_label = f"choice_label_{source_language()}"
    for name, value, *labels in counts.combined(lists, all=True).order_by(first_label):
        choices[name].append((value, dict(zip(languages, labels, strict=True))))
    return choices


def search_vocabulary() -> dict[tuple[str, ...], tuple]:
    """The names a search recognises in every language of the portal ("Chine", "China"), each
    labelled in the reader's; made from the options already read, with no query of its own."""
    return data_cache.cached(
        "search-vocabulary", (reader_language(),), _search_vocabulary, local=True
    )


def _search_vocabulary():
    reader = reader_language()
    names = {}
    for language in [reader] + [code for code, _name in settings.LANGUAGES if code != reader]:
        in_language = {
            name: [(value, labels[language]) for value, labels in options]
            for name, options in _named_options().items()
        }
        labels = {
            name: {value: labels[reader] for value, labels in options}
            for name, options in _named_options().items()
        }
        for words, (filter_name, value, _label) in search.vocabulary(in_language).items():
            list_name = {search.SECTOR: "sector", search.TARGET_REGION: "region"}.get(
                filter_name, "country"
            )
            names.setdefault(words, (filter_name, value, labels[list_name][value]))
    return names


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
        localized=("name",),
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

    # Each puts the chosen values in its subquery as they are (outcome_type too, outcomes/filters.py).
    parameter_filters = (
        "kind",
        "sector",
        "works_with",
        "target_country",
        "target_region",
        "member_country",
        "outcome_type",
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
    return search.read(text, search_vocabulary(), dict(filter_choices()["country"]))


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
