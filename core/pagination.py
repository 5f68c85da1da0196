"""The paginator of every list: the portal's pages and the API's."""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext

from core import data_cache


class CachedCountPaginator(Paginator):
    """Pages whose total is counted once per filter combination until the data changes, and
    that stop after ``max_rows``.

    ``COUNT(*)`` over a million outcomes costs as much as the page itself; the rows of a
    page are read with ``OFFSET`` along an index of the list's order, which is cheap as far
    as ``max_rows`` (settings.LIST_MAX_ROWS) and grows with every row after.
    """

    def __init__(self, *args, count_key, max_rows, counter=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.max_rows = max_rows
        # Gives (total, whether it is an estimate): a FilterSet's ``total`` for a broad search.
        self.counter = counter or (lambda: (Paginator.count.func(self), False))

    @cached_property
    def _total(self) -> tuple[int, bool]:
        return data_cache.cached("total", self.count_key, self.counter)

    @property
    def count(self) -> int:
        return self._total[0]

    @property
    def is_estimate(self) -> bool:
        """Whether the total is estimated from a sample (a broad search, core/filters.py)."""
        return self._total[1]

    @cached_property
    def num_pages(self) -> int:
        # The page that holds row max_rows is the last one.
        return min(Paginator.num_pages.func(self), max(1, math.ceil(self.max_rows / self.per_page)))

    @property
    def shown_rows(self) -> int:
        """How many rows the pages reach."""
        return min(self.count, self.num_pages * self.per_page)

    @property
    def is_capped(self) -> bool:
        return self.count > self.shown_rows

    def no_such_page(self, requested: object) -> str:
        """Why page ``requested`` is not there: the one wording of the list pages and the API."""
        requested = str(requested)[:20]
        if self.is_capped and requested.isdigit() and int(requested) > self.num_pages:
            return gettext(
                "There is no page “%(requested)s”: pages stop at page %(pages)s, the first "
                "%(shown)s of the %(count)s results. Narrow the filters, or download the "
                "results: the exports hold them all."
            ) % {
                "requested": requested,
                "pages": self.num_pages,
                "shown": f"{self.shown_rows:,}",
                "count": f"{self.count:,}",
            }
        return ngettext(
            "There is no page “%(requested)s”: the results fill %(pages)s page.",
            "There is no page “%(requested)s”: the results fill %(pages)s pages.",
            self.num_pages,
        ) % {"requested": requested, "pages": self.num_pages}


class RowsMergedByValue:
    """A list's rows filtered to several values of one column, each value's rows in an index of
    the list's order (an outcome's year: (year, date, title, id)), for a paginator: a page is
    read among the first rows of each value, read along its own index, as many as the page's end.

    Read with the values as one filter (``year IN (2019, 2020)``), PostgreSQL walked the list's
    own index from the newest outcome, past every one of the other years. ``branches``: the
    rows of each value, in the list's order, whose union is ``queryset``."""

    ordered = True

    def __init__(self, queryset: QuerySet, branches: list[QuerySet]) -> None:
        self.queryset, self.branches = queryset, branches

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> QuerySet:
        first, *others = (branch.values("pk")[: page.stop] for branch in self.branches)
        return self.queryset.filter(pk__in=first.union(*others, all=True))[page]


@dataclass(frozen=True)
class Excerpt[Row]:
    """The first rows of a long list, shown on another record's page, and whether the list goes on
    (the page then links to the full list)."""

    rows: list[Row]
    more: bool
    limit: int

    @classmethod
    def of(cls, rows: "QuerySet | Sequence[Row]", limit: int) -> "Excerpt[Row]":
        """The first ``limit`` of ``rows`` (a queryset or a list), read as ``limit + 1`` rows."""
        read = list(rows[: limit + 1])
        return cls(read[:limit], len(read) > limit, limit)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)
