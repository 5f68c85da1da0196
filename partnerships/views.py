from typing import Any

from django.views.generic import DetailView

from core.list_views import FilteredListView, PublicListView
from partnerships import lists
from partnerships.models import Cluster
from partnerships.rows import table_rows


class PartnershipListView(FilteredListView):
    public_list = lists.PARTNERSHIPS
    template_name = "partnerships/partnership_list.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # With a target country chosen, each row says whether it targets it directly or via a region.
        codes = (
            self.filterset.form.cleaned_data.get("target_country")
            if self.filterset.is_valid()
            else None
        )
        context["target_countries"] = codes or []
        context["object_list"] = table_rows(context["object_list"], target_countries=codes or ())
        context["search_meanings"] = self.filterset.search_meanings()
        return context


class EscpOverviewReportView(FilteredListView):
    """The source's ESCP overview table, regenerated from the data; takes the filters of /partnerships/."""

    public_list = lists.ESCP_OVERVIEW
    template_name = "partnerships/escp_overview.html"

    def get_paginate_by(self, queryset) -> int:
        return None  # A report is one table, for print.

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.public_list.export_class(context["object_list"], base_url="")
        names = [column.name for column in report.columns]
        context.update(
            columns=report.columns,
            rows=[list(zip(names, row, strict=True)) for row in report.rows()],
        )
        return context


class SectorListView(PublicListView):
    public_list = lists.SECTORS
    template_name = "partnerships/sector_list.html"


class CountryListView(PublicListView):
    public_list = lists.COUNTRIES
    template_name = "partnerships/country_list.html"


class ClusterListView(FilteredListView):
    public_list = lists.CLUSTERS
    template_name = "partnerships/cluster_list.html"


class ClusterDetailView(DetailView):
    queryset = Cluster.objects.published().select_related("country", "cross_border_country")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(
            memberships=self.object.memberships.published().select_related("partnership"),
            **kwargs,
        )
