"""What every filterable list page shares: alias-aware country codes, facet counts, removable filters.

A list page's URL is its state, and people type and share those URLs, so
every parameter is checked: a bad value becomes a message next to its filter
and is left out of the filtering (the view answers 400), never a 500.
"""

import copy
import random
from collections.abc import Callable
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core import compiled_queries, data_cache
from core.country_codes import normalise_country_code
from core.counts import Sample, Tally, count_together, count_upto, estimated
from core.index_lookups import AnyOf, KeyArray, array_literal
from core.pagination import RowsMergedByValue
from core.translated import collated, localized, reader_language, source_language


def calls(queryset_method: Callable) -> Callable:
    """A filter ``method`` that calls ``queryset_method(queryset, value)``: a QuerySet method
    itself (``PartnershipQuerySet.in_sectors``), or a function of a queryset and a value.

    django-filter skips it for an empty value, so the QuerySet methods need no guard.
    """
    return lambda queryset, name, value: queryset_method(queryset, value)


def facet(
    label,
    choices,
    queryset_method: Callable,
    *,
    tally: Callable[[QuerySet], object],
    what,
    message=None,
    filter_class=None,
    **kwargs,
) -> django_filters.Filter:
    """A multi-valued filter shown as checkboxes (with counts), that selects with a QuerySet method.

    ``tally`` counts the rows per option value (``PartnershipQuerySet.tally_by_sector``, or any
    function of a queryset). ``what`` names a value in the message for one that does not exist
    ("a sector"), unless ``message`` gives the whole message.
    """
    filter_class = filter_class or django_filters.MultipleChoiceFilter
    facet_filter = filter_class(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        method=calls(queryset_method),
        error_messages={"invalid_choice": message or _not_on_this_portal(what)},
        **kwargs,
    )
    # Not a keyword of the filter: django-filter hands those on to the form field.
    facet_filter.tally = tally
    return facet_filter


def _not_on_this_portal_now(what) -> str:
    # The message keeps its %(value)s placeholder: Django fills it in with the bad value.
    return gettext("“%(value)s” is not %(what)s on this portal.") % {
        "value": "%(value)s",
        "what": what,
    }


_not_on_this_portal = lazy(_not_on_this_portal_now, str)


class SearchTextField(forms.CharField):
    """Search words as one canonical text: lower case, single spaces.

    Every search is case-insensitive, so ``Mission``, ``mission `` and ``MISSION`` select the
    same rows, and share one cached count, one set of facet counts and one kept page.
    """

    def clean(self, value) -> str:
        return " ".join(super().clean(value).lower().split())


class SearchFilter(django_filters.CharFilter):
    """``q``: search words, canonical (``SearchTextField``), at most 200 characters."""

    field_class = SearchTextField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        # The live filters (list_page.html) keep the box a visitor is typing in as it is when the
        # results arrive, rather than the words of the request that is answered.
        kwargs.setdefault("widget", forms.TextInput(attrs={"data-hx-preserve": "true"}))
        super().__init__(*args, **kwargs)


# Up to this many rows matched by a search, its facets are counted exactly; past it, over this many
# of them (chosen at random, the same each time) and scaled up, said to be estimates.
FACET_EXACT_ROWS = 2_000


class CountryCodesField(forms.MultipleChoiceField):
    """One or more ISO 3166-1 alpha-2 codes; EU aliases and any case are accepted."""

    def valid_value(self, value) -> bool:
        return normalise_country_code(value) is not None

    def validate(self, value) -> None:
        for code in value:
            if not self.valid_value(code):
                raise ValidationError(
                    _("“%(value)s” is not a country code. Use ISO codes such as BR, CN or US."),
                    code="invalid_choice",
                    params={"value": code},
                )

    def clean(self, value) -> list[str]:
        return [normalise_country_code(code) for code in super().clean(value)]


class CountryCodesFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryCodesField


class StableOrderingFilter(django_filters.OrderingFilter):
    """``sort`` with the primary key as the last tie-breaker.

    Rows that tie on the sort key (two partnerships with 11 partners) would
    otherwise come in whatever order the database picks for each LIMIT, so a
    row could appear on two pages, or on none, and the API and the page could disagree.
    """

    def __init__(self, *args, localized: tuple[str, ...] = (), **kwargs) -> None:
        # Fields sorted by their name in the reader's language, with its collation
        # (core/translated.py); the first is also the order when none is chosen.
        self.localized = localized
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param: str) -> str | OrderBy:
        value = super().get_ordering_value(param)
        field = value.lstrip("-")
        if field not in self.localized or reader_language() == source_language():
            return value
        expression = collated(localized(field))
        return expression.desc() if value.startswith("-") else expression.asc()

    def filter(self, qs, value) -> QuerySet:
        if not value and self.localized and reader_language() != source_language():
            return qs.order_by(collated(localized(self.localized[0])), "pk")
        qs = super().filter(qs, value)
        if not value:
            return qs
        # Ties in the sort's direction: one index of (column, id) serves a sort both ways,
        # read backwards for a descending one (FacetedFilterSet.indexed_sorts).
        first = qs.query.order_by[0]
        descending = first.startswith("-") if isinstance(first, str) else first.descending
        return qs.order_by(*qs.query.order_by, "-pk" if descending else "pk")

    def build_choices(self, fields, labels) -> list[tuple[str, str]]:
        """django-filter's choices, each descending one labelled in the reader's language: the
        library formats "Name (descending)" once, when the list's module is imported."""
        choices = super().build_choices(fields, labels)
        ascending = dict(choices)
        return [
            (value, labels.get(value) or _descending(ascending[value[1:]]))
            if value.startswith("-")
            else (value, label)
            for value, label in choices
        ]


def _descending_label(label) -> str:
    return gettext("%(label)s (descending)") % {"label": label}


_descending = lazy(_descending_label, str)


# Each FacetedFilterSet class's form class (``get_form_class``), made once.
_form_classes: dict[type, type[forms.Form]] = {}


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet whose options show how many results each would give.

    Its facets are the filters made by ``facet(...)``, each with the ``tally`` that counts its
    options (or added by another app with ``add_facet``). Each facet is counted over the rows
    that all *other* filters select, so that picking one more value of a facet (OR) gives the
    number shown.
    """

    # Facets with very many options (thousands of partnerships) list only those with the most results.
    facet_option_limits: dict[str, int] = {}
    # Parameters that are not filters but are part of the page's state.
    state_params = ("sort", "page")
    # The search's parameter: a search that alone matches more rows than pages reach has its
    # total and facet counts estimated from a sample (``broad_search``).
    search_param = "q"
    # The share of the table's pages that sample reads.
    sample_percent = 1.0
    # Filters whose chosen values are only parameters of the SQL they add (no value, such as
    # "none" for "not given", changes its form): a page filtered by these alone reads its rows
    # through SQL compiled once per number of values (``page_rows``).
    parameter_filters: tuple[str, ...] = ()
    # A facet whose each value's rows lie in an index in the list's default order (an outcome's
    # year): a page filtered by several of its values is read along each (``rows_to_page``).
    ordered_per_value: str | None = None
    # Sort keys with an index of (column, id): a page of the whole list sorted by one is read
    # along it; with filters chosen, the rows they select are sorted (``filter_queryset``).
    indexed_sorts: tuple[str, ...] = ()

    def __init__(self, data=None, *args, rows_name: str = "", **kwargs) -> None:
        super().__init__(_normalised(data, self._country_params()), *args, **kwargs)
        # The name of the public list whose rows ``queryset`` is: a search's keys are kept under it
        # until the data changes (``search_hits``); without a name, read for this FilterSet only.
        self.rows_name = rows_name

    @classmethod
    def facets(cls) -> dict[str, Callable[[QuerySet], object]]:
        """Each facet's name and tally, in the filters' order."""
        return {name: f.tally for name, f in cls.base_filters.items() if getattr(f, "tally", None)}

    @classmethod
    def add_facet(cls, name: str, facet_filter) -> None:
        """A facet defined by another app, such as the outcomes' "Has outcomes of type" on the
        partnership list: registered in that app's ``AppConfig.ready``, so this list's app need
        not import it. It comes before ``sort``, which stays the last filter."""
        facet_filter.field_name = name
        filters = {key: f for key, f in cls.base_filters.items() if key not in (name, "sort")}
        filters[name] = facet_filter
        if "sort" in cls.base_filters:
            filters["sort"] = cls.base_filters["sort"]
        cls.base_filters = filters
        _form_classes.clear()

    def get_form_class(self) -> type[forms.Form]:
        """The form of this FilterSet's class, made once: django-filter makes a form class, and a
        field for each filter, for every FilterSet (about a millisecond a page). The fields are the
        same for every instance (labels and choices are read when used), and each form works on
        copies of them."""
        form_class = _form_classes.get(type(self))
        if form_class is None:
            filters = copy.deepcopy(self.base_filters)  # fields built on copies, as django-filter
            fields = {name: filter_.field for name, filter_ in filters.items()}
            form_class = type(f"{type(self).__name__}Form", (self._meta.form,), fields)
            _form_classes[type(self)] = form_class
        return form_class

    @classmethod
    def _country_params(cls) -> list[str]:
        return [name for name, f in cls.base_filters.items() if isinstance(f, CountryCodesFilter)]

    def filtered_except(self, skipped, *, hits=None) -> QuerySet:
        queryset = self.queryset.all()
        if not self.is_bound:
            return queryset
        self.is_valid()  # Fills cleaned_data with the values that are valid.
        for name, value in self.form.cleaned_data.items():
            if name != skipped and name not in self.state_params:
                queryset = self._filter(queryset, name, value, hits=hits)
        return queryset

    def facet_counts(self, cache_name: str = "") -> dict[str, dict[str, int]]:
        """Every facet's counts in one query (two with distinct counts), whatever the rows.

        With ``cache_name`` (the page's), the counts are kept until the data changes:
        over a million outcomes they are the page's most expensive queries.
        """

        def count():
            hits = self.hits_sample()
            tallies = {
                name: tally(self.filtered_except(name, hits=hits))
                for name, tally in self.facets().items()
            }
            if hits is not None:
                factor = len(self._search_hits) / len(hits)
                counts = count_together(tallies)
                scaled = {
                    name: {value: estimated(n * factor) for value, n in by_value.items()}
                    for name, by_value in counts.items()
                }
                return scaled, True
            sample = self.sample()
            return count_together(tallies, sample=sample), sample is not None

        if not cache_name:
            counts, self.facets_estimated = count()
        else:
            counts, self.facets_estimated = data_cache.cached(
                f"facets:{cache_name}", self.filter_state(), count
            )
        return counts

    def search_hits(self) -> list | None:
        """The keys of the rows the search alone selects, read once; None without a search, or
        for a broad one: more rows than the pages reach (LIST_MAX_ROWS).

        Every facet's count, the total and the page's rows then select from these keys instead of
        searching again: each count used to run the whole search anew, six times a page. With
        ``rows_name`` the keys are kept until the data changes, so that a page rendered again (a
        curator's, another page of the same search) reads its rows by key, not by searching the
        text columns again (tens of milliseconds of the database on a million outcomes). They are
        kept with their text as an array (``array_literal``), which a page's rows are read by.
        """
        if not hasattr(self, "_search_hits"):
            self.is_valid()
            text = self.form.cleaned_data.get(self.search_param) if self.is_bound else None
            hits = literal = None
            if text:

                def read() -> tuple[list, str]:
                    searched = self.filters[self.search_param].filter(self.queryset.all(), text)
                    keys = list(
                        searched.order_by().values_list("pk", flat=True)[
                            : settings.LIST_MAX_ROWS + 1
                        ]
                    )
                    return keys, array_literal(keys)

                hits, literal = (
                    data_cache.cached(f"search-keys:{self.rows_name}", text, read)
                    if self.rows_name
                    else read()
                )
            self._search_hits = hits
            # The keys with their text, made once when they were read.
            self._search_keys = KeyArray(literal, hits) if hits is not None else None
        hits = self._search_hits
        return hits if hits is None or len(hits) <= settings.LIST_MAX_ROWS else None

    def broad_search(self) -> bool:
        """Whether the search alone matches more rows than the pages reach (LIST_MAX_ROWS).

        Counting all of them is seconds over a million outcomes ("cluster" is in every one), and
        each facet would count them again: such a search's total and facet counts are estimated
        from a sample of the table (PostgreSQL; other databases count them all). Known from
        reading at most one row more than the limit, so it costs the same for any search.
        """
        return self.search_hits() is None and bool(getattr(self, "_search_hits", None))

    def _filter(self, queryset, name, value, *, hits=None) -> QuerySet:
        if name == self.search_param and isinstance(value, KeyArray):
            return queryset.filter(AnyOf(F("pk"), value))
        if name == self.search_param and value:
            if hits is None and self.search_hits() is not None:
                hits = self._search_keys
            if hits is not None:
                return queryset.filter(AnyOf(F("pk"), hits))
        return self.filters[name].filter(queryset, value)

    def filter_queryset(self, queryset, *, values: dict | None = None) -> QuerySet:
        """As django-filter's, but a search selects the keys of the rows it matches
        (``search_hits``: read once, kept with ``rows_name``) instead of searching again.
        ``values``: other values for some filters than the form's (``page_rows``' stand-ins)."""
        values = values or {}
        for name, value in self.form.cleaned_data.items():
            queryset = self._filter(queryset, name, values.get(name, value))
        ordering = queryset.query.order_by  # empty in the list's default order
        if self.indexed_sorts and ordering and self.filter_state():
            queryset = queryset.order_by(*(self._sorted_after_filtering(key) for key in ordering))
        return queryset

    def _sorted_after_filtering(self, key: str | OrderBy) -> str | OrderBy:
        """A key of ``indexed_sorts`` as no index serves it (``COALESCE(column, column)``, the
        same order), for a list with filters: its rows are sorted once selected, rather than
        found along the sort's index past every row the filters leave out. The outcomes of 2024
        oldest first were found along the date's index past every older outcome (1.6 s); a
        year's 66,000 sorted take some tens of milliseconds."""
        name = key.lstrip("-") if isinstance(key, str) else None
        if name not in self.indexed_sorts:
            return key
        column = Coalesce(F(name), F(name))
        return column.desc() if key.startswith("-") else column.asc()

    def hits_sample(self) -> list | None:
        """A fixed share of a search's keys when it has more than ``FACET_EXACT_ROWS``: its
        facets are counted over them and scaled up; None to count them all."""
        hits = self.search_hits()
        if hits is None or len(hits) <= FACET_EXACT_ROWS:
            return None
        # The same keys each time for the same search: a page and its reload agree.
        return random.Random(len(hits)).sample(sorted(hits), FACET_EXACT_ROWS)

    def sample(self) -> Sample | None:
        """The sample a broad search is counted on; None to count every row."""
        if connections[self.queryset.db].vendor != "postgresql" or not self.broad_search():
            return None
        return Sample(self.queryset.model._meta.db_table, self.sample_percent)

    def total(self) -> tuple[int, bool]:
        """How many rows the filters select, and whether it is an estimate: exact as far as the
        pages reach, estimated past that for a broad search (``broad_search``)."""
        only_search = [name for name, _ in self.filter_state()] == [self.search_param]
        sample = self.sample()
        if sample is None:
            hits = self.search_hits()
            if hits is not None and only_search:
                return len(hits), False
            return self.filtered_except(None).count(), False
        rows = self.filtered_except(None)
        exact = len(self._search_hits) if only_search else count_upto(rows, settings.LIST_MAX_ROWS)
        if exact <= settings.LIST_MAX_ROWS:
            return exact, False
        counted = count_together({"": Tally(rows, Value("all"))}, sample=sample)[""]
        # Never less than the rows counted exactly: a sample can miss them.
        return max(counted.get("all", 0), estimated(exact)), True

    def filter_state(self) -> list:
        """The valid filters' values, without page and sort: the key of what is cached for them.

        Canonical: in the filters' order, each filter's values sorted without repeats or empty
        values, and only what filters the rows. A parameter the FilterSet does not know, or a
        value it refuses, is left out here as it is left out of the filtering, so that made-up
        parameters cannot create cache entries.
        """
        if not self.is_bound:
            return []
        self.is_valid()  # Fills cleaned_data with the values that are valid.
        state = []
        for name, value in self.form.cleaned_data.items():
            if name in self.state_params:
                continue
            values = value if isinstance(value, list | tuple) else [value]
            values = sorted({str(item) for item in values if item not in (None, "")})
            if values:
                state.append((name, tuple(values)))
        return state

    def page_state(self) -> list | None:
        """The filters and the sort, canonical; None when a value is bad (the page answers 400)."""
        if not self.is_bound:
            return []
        if not self.is_valid():
            return None
        sort = self.form.cleaned_data.get("sort")
        return self.filter_state() + ([("sort", tuple(sort))] if sort else [])

    def rows_to_page(self, queryset: QuerySet) -> "QuerySet | RowsMergedByValue":
        """``queryset``, this FilterSet's rows, as a paginator reads them: merged from the rows of
        each value chosen of ``ordered_per_value`` where several are, the rows are in the list's
        default order, and the database slices the parts of a UNION (not SQLite)."""
        name = self.ordered_per_value
        values = (
            self.form.cleaned_data.get(name) if name and self.is_bound and self.is_valid() else None
        )
        if (
            not values
            or len(values) < 2
            or queryset.query.order_by  # Sorted otherwise: no index has that order per value.
            or not connections[queryset.db].features.supports_slicing_ordering_in_compound
        ):
            return queryset
        # Each value's rows filtered as these are, but by that value alone: beside the filter by
        # all of them, PostgreSQL took the two conditions as independent and misjudged the rows.
        return RowsMergedByValue(
            queryset,
            [self.filter_queryset(self.queryset, values={name: [value]}) for value in values],
        )

    def page_rows(self, offset: int, limit: int, *, name: str) -> list | None:
        """The model objects of the filtered rows ``[offset:offset + limit]``, read through SQL
        compiled once per process for each form of the filters (core/compiled_queries.py), not
        once per page: None where a filter chosen is neither one of ``parameter_filters`` nor a
        search whose keys are known (on PostgreSQL), or a value is not valid. ``name`` is the
        list's."""
        state = self.page_state()
        if state is None or not self.parameter_filters:
            return None
        chosen = dict(self.filter_state())
        if self.search_param in chosen:
            # A search selects the keys it matched, sent as one array text (``KeyArray``): a
            # parameter like the others, where PostgreSQL takes it (elsewhere it is not compiled).
            if self.search_hits() is None:
                return None
            chosen[self.search_param] = (str(self._search_keys),)
        if not chosen.keys() <= {*self.parameter_filters, self.search_param}:
            return None
        names = list(chosen)

        def query(values: list[list[str]]) -> QuerySet:
            # As ``qs`` filters, with ``values`` for the filters chosen.
            queryset = self.queryset.all().prefetch_related(None)
            if not self.is_bound:
                return queryset
            chosen_values = dict(zip(names, values, strict=True))
            if self.search_param in chosen_values:
                chosen_values[self.search_param] = KeyArray(chosen_values[self.search_param][0])
            return self.filter_queryset(queryset, values=chosen_values)

        form = tuple((key, len(value)) if key in chosen else (key, value) for key, value in state)
        return compiled_queries.model_rows(
            query,
            [list(chosen[key]) for key in names],
            key=(type(self), name, form, get_language(), reader_language()),
            using=self.queryset.db,
            offset=offset,
            limit=limit,
        )

    def rows_by_keys(self, keys: list, *, name: str) -> list:
        """The model objects of ``keys`` (a page's, kept by ``FilteredRows``) in their order, read
        from this FilterSet's queryset: through SQL compiled once, the keys one array text
        (``KeyArray``), where PostgreSQL takes it; elsewhere through the ORM. A key whose row has
        gone since is left out."""
        if not keys:
            return []
        rows = self.queryset.all().prefetch_related(None).order_by()

        def query(values: list[list[str]]) -> QuerySet:
            return rows.filter(AnyOf(F("pk"), KeyArray(values[0][0])))

        found = compiled_queries.model_rows(
            query,
            [[array_literal(keys)]],
            key=(type(self), name, "keys", get_language(), reader_language()),
            using=self.queryset.db,
            offset=0,
            limit=len(keys),
        )
        if found is None:  # not compiled (not PostgreSQL)
            found = rows.filter(pk__in=keys)
        by_key = {row.pk: row for row in found}
        return [by_key[key] for key in keys if key in by_key]

    def label_options_with_counts(self, counts: dict[str, dict[str, int]]) -> None:
        """Show only the options that give results (and those chosen), each with its count,
        the chosen ones first; a facet left with no option is not shown at all.

        Its cost grows with the options (10,000 partnerships on /outcomes/): the list pages call it
        only to write their filter form, which is kept (core/list_views.py).
        """
        for name, by_value in counts.items():
            field = self.form.fields[name]
            chosen = set(self.data.getlist(name)) if self.data else set()
            limit = self.facet_option_limits.get(name)
            if limit and len(by_value) > limit:
                top = sorted(by_value, key=lambda value: -by_value[value])[:limit]
                by_value = {value: by_value[value] for value in top}
            shown = {str(value) for value, count in by_value.items() if count} | chosen
            field.unlabelled_choices = choices = list(field.choices)
            labelled = _about if getattr(self, "facets_estimated", False) else _exactly
            field.choices = sorted(
                (
                    (value, labelled(label, by_value.get(str(value), 0)))
                    for value, label in choices
                    if value and str(value) in shown
                ),
                # Stable: the options keep their order within the chosen and the others.
                key=lambda choice: str(choice[0]) not in chosen,
            )
            if not field.choices:
                field.widget = forms.MultipleHiddenInput()

    def active_filters(self) -> list[dict]:
        """Each chosen value with its label and the URL that removes it."""
        if not self.is_bound:
            return []
        self.is_valid()
        active = []
        for name, field in self.form.fields.items():
            if name in self.state_params or name not in self.form.cleaned_data:
                continue
            values = [value for value in self.data.getlist(name) if value not in ("", None)]
            if not values:
                continue  # Its options are not read: thousands for some.
            labels = dict(getattr(field, "unlabelled_choices", getattr(field, "choices", [])))
            active.extend(
                {
                    "name": field.label or name,
                    "value": str(labels.get(value, value)),
                    "remove_url": "?" + self._query_without(name, value),
                }
                for value in values
            )
        return active

    def _query_without(self, name, value):
        pairs = [
            (key, item)
            for key in self.data
            if key != "page"
            for item in self.data.getlist(key)
            if not (key == name and item == value)
        ]
        return urlencode(pairs)


def _exactly(label, n) -> str:
    return f"{label} ({n})"


def _about(label, n) -> str:
    return gettext("%(label)s (about %(count)s)") % {"label": label, "count": f"{n:,}"}


def _normalised(data, country_params):
    """Upper-case and de-alias country codes, so ``?target_country=jp`` ticks the JP box."""
    if data is None or not country_params:
        return data
    data = data.copy()
    for name in country_params:
        data.setlist(name, [normalise_country_code(code) or code for code in data.getlist(name)])
    return data
