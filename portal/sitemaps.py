"""sitemap.xml: every public page, for search engines and harvesters (django.contrib.sitemaps).

Only published records, through the same ``.published()`` querysets as the pages; a draft has no
page, so it is never listed. Served as an index (/sitemap.xml) of one sitemap per kind of page,
each split in pages of 50,000 addresses as the protocol asks.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from outcomes.models import Outcome
from partnerships.models import Cluster, Country, Partnership, Sector

# The list and overview pages, by URL name.
LIST_PAGES = [
    "home",
    "partnerships:partnership-list",
    "outcomes:outcome-list",
    "partnerships:sector-list",
    "partnerships:country-list",
    "partnerships:cluster-list",
    "partnerships:escp-overview",
    "statistics",
    "exports-help",
]


class ListPages(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return LIST_PAGES

    def location(self, item: str) -> str:
        return reverse(item)


class Records(Sitemap):
    """The pages of one kind of published record (its queryset, and the fields its address and date
    read), oldest first so that page numbers stay put."""

    changefreq = "monthly"

    def __init__(self, queryset, *fields: str) -> None:
        self.queryset, self.fields = queryset, fields

    def items(self) -> QuerySet:
        # Only what the address and the date need: an outcome's sitemap has 50,000 rows a page.
        return self.queryset().order_by("pk").only(*self.fields)

    def lastmod(self, item) -> datetime.datetime | None:
        return getattr(item, "updated_at", None)

    def get_latest_lastmod(self) -> datetime.datetime | None:
        """For the index: one MAX() rather than Django's reading of every row."""
        if "updated_at" not in self.fields:
            return None
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {
    "pages": ListPages(),
    "partnerships": Records(Partnership.objects.published, "slug", "updated_at"),
    "sectors": Records(Sector.objects.published, "slug"),
    "countries": Records(Country.objects.published, "code"),
    "clusters": Records(Cluster.objects.published, "slug", "updated_at"),
    "outcomes": Records(Outcome.objects.published, "pk", "updated_at"),
}
