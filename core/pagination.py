"""The paginator of every list: the portal's pages and the API's."""

import math

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from core import data_cache


class CachedCountPaginator(Paginator):
    """Pages whose total is counted once per filter combination until the data changes, and
    that stop after ``max_rows``.

    ``COUNT(*)`` over a million outcomes costs as much as the page itself; the rows of a
    page are read with ``OFFSET`` along an index of the list's order, which is cheap as far
    as ``max_rows`` (settings.LIST_MAX_ROWS) and grows with every row after.
    """

    def __init__(self, *args, count_key, max_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.max_rows = max_rows

    @cached_property
    def count(self):
        return data_cache.cached("count", self.count_key, lambda: Paginator.count.func(self))

    @cached_property
    def num_pages(self):
        # The page that holds row max_rows is the last one.
        return min(Paginator.num_pages.func(self), max(1, math.ceil(self.max_rows / self.per_page)))

    @property
    def shown_rows(self) -> int:
        """How many rows the pages reach."""
        return min(self.count, self.num_pages * self.per_page)

    @property
    def is_capped(self) -> bool:
        return self.count > self.shown_rows
