"""The filters of /outcomes/, and the outcome-type filter of /partnerships/. Parameter names are a
public contract: keep them."""

import django_filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from core import data_cache
from core.counts import Tally
from core.filters import (
    CountryCodesFilter,
    FacetedFilterSet,
    SearchFilter,
    StableOrderingFilter,
    facet,
)
from outcomes import types as outcome_types
from outcomes.models import NO_DATE_LABEL, NO_LEVEL_LABEL, NOT_GIVEN, Outcome, OutcomeQuerySet
from partnerships.filters import (
    PartnershipFilter,
    country_choices,
    partnership_choices,
    sector_choices,
)


def year_choices() -> list[tuple[str, str]]:
    # Apart: only /outcomes/ needs them.
    years = data_cache.cached("year-choices", (), _read_year_choices, local=True)
    return [*years, (NOT_GIVEN, NO_DATE_LABEL)]


class LevelChoices(BaseChoiceIterator):
    """The MoU levels, and ``none`` for the MoUs whose level is not stated: a fixed list, which the
    API's schema gives as an enum."""

    def __iter__(self):
        yield from Outcome.Level.choices
        yield NOT_GIVEN, NO_LEVEL_LABEL


def _read_year_choices():
    return [(str(year), str(year)) for year in Outcome.objects.published().years()]


class YearsField(forms.MultipleChoiceField):
    """Years as typed in a URL: any whole year is valid, whether or not it has outcomes; ``none``
    for the outcomes without one."""

    def valid_value(self, value) -> bool:
        value = str(value)
        return value == NOT_GIVEN or (value.isascii() and value.isdigit() and len(value) == 4)

    def clean(self, value) -> list[int | str]:
        return [year if year == NOT_GIVEN else int(year) for year in super().clean(value)]


class YearsFilter(django_filters.MultipleChoiceFilter):
    field_class = YearsField


class OutcomeFilter(FacetedFilterSet):
    q = SearchFilter(
        method="search",
        help_text=_("Words in the title, description, city, counterpart or partnership."),
    )
    type = facet(
        _("Type"),
        outcome_types.type_choices,
        OutcomeQuerySet.of_type,
        tally=OutcomeQuerySet.tally_by_type,
        what=_("an outcome type"),
    )
    level = facet(
        _("MoU level"),
        LevelChoices(),
        OutcomeQuerySet.of_level,
        tally=OutcomeQuerySet.tally_by_level,
        what=_("an MoU level"),
    )
    country = facet(
        _("Country"),
        country_choices,
        OutcomeQuerySet.with_country,
        tally=OutcomeQuerySet.tally_by_country,
        what=_("a country"),
        filter_class=CountryCodesFilter,
    )
    partnership = facet(
        _("Partnership"),
        partnership_choices,
        OutcomeQuerySet.of_partnerships,
        tally=OutcomeQuerySet.tally_by_partnership,
        what=_("a partnership"),
    )
    sector = facet(
        _("Sector"),
        sector_choices,
        OutcomeQuerySet.in_sectors,
        tally=OutcomeQuerySet.tally_by_sector,
        what=_("a sector"),
    )
    year = facet(
        _("Year"),
        year_choices,
        OutcomeQuerySet.in_years,
        tally=OutcomeQuerySet.tally_by_year,
        what=_("a year"),
        message=_(
            "“%(value)s” is not a year. Use four digits, e.g. 2013, or “none” for the outcomes "
            "whose date the source does not give."
        ),
        filter_class=YearsFilter,
    )
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("date", "date"),
            ("title", "title"),
            ("partnership__name", "partnership"),
            ("country__name", "country"),
            ("type", "type"),
        ],
        field_labels={
            "date": _("Date"),
            "title": _("Title"),
            "partnership__name": _("Partnership"),
            "country__name": _("Country"),
            "type": _("Type"),
        },
        empty_label=None,
    )

    facet_option_limits = {"partnership": 30}
    # Each year's outcomes lie in the list's order in their own index (outcomes_year_order).
    ordered_per_value = "year"
    # Each has its index (outcomes_sort_*); the partnership's name sorts along the partnerships'.
    indexed_sorts = ("date", "title", "type")

    class Meta:
        model = Outcome
        fields = []

    def search(self, queryset, name, text) -> QuerySet:
        # The names it matches read once, not again for each facet's count.
        named = getattr(self, "_named", None)
        if named is None or named[0] != text:
            named = self._named = (text, OutcomeQuerySet.named_by(text))
        return queryset.search(text, named=named[1])


def partnerships_with_outcome_type(partnerships, types) -> QuerySet:
    """The partnerships with at least one published outcome of one of ``types``."""
    outcomes = Outcome.objects.published().filter(type__in=types)
    return partnerships.filter(pk__in=outcomes.values("partnership"))


def tally_partnerships_by_outcome_type(partnerships) -> list[Tally]:
    """Partnerships with at least one published outcome of each type.

    One EXISTS probe per partnership and type along the (partnership, type) index,
    rather than a DISTINCT count over every outcome.
    """
    outcomes = Outcome.objects.published().filter(partnership=models.OuterRef("pk"))
    return [
        Tally(partnerships.filter(models.Exists(outcomes.filter(type=kind))), models.Value(kind))
        for kind in outcome_types.type_choices.values
    ]


def extend_partnership_filter() -> None:
    """The partnership list's "Has outcomes of type" facet (its page, API, exports and statistics),
    added from here because the partnerships app does not know outcomes."""
    PartnershipFilter.add_facet(
        "outcome_type",
        facet(
            _("Has outcomes of type"),
            outcome_types.type_choices,
            partnerships_with_outcome_type,
            tally=tally_partnerships_by_outcome_type,
            what=_("an outcome type"),
        ),
    )
