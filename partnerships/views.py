from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from core.list_views import FilteredListView
from partnerships.exports import ClusterExport, EscpOverviewExport, PartnershipExport
from partnerships.filters import ClusterFilter, PartnershipFilter
from partnerships.models import Cluster, Country, Partnership, Sector


class PartnershipListView(FilteredListView):
    filterset_class = PartnershipFilter
    export_class = PartnershipExport
    queryset = Partnership.objects.published().with_related()
    template_name = "partnerships/partnership_list.html"
    page_heading = _("Partnerships")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # With a target country chosen, each row says whether it targets it directly or via a region.
        codes = (
            self.filterset.form.cleaned_data.get("target_country")
            if self.filterset.is_valid()
            else None
        )
        context["target_countries"] = codes or []
        return context


class EscpOverviewReportView(FilteredListView):
    """The source's ESCP overview table, regenerated from the data; takes the filters of /partnerships/."""

    filterset_class = PartnershipFilter
    export_class = EscpOverviewExport
    queryset = Partnership.objects.published().escps().with_related()
    template_name = "partnerships/escp_overview.html"

    def get_paginate_by(self, queryset):
        return None  # A report is one table, for print.

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = EscpOverviewExport(context["object_list"], base_url="")
        names = [column.name for column in report.columns]
        context.update(
            columns=report.columns,
            rows=[list(zip(names, row, strict=True)) for row in report.rows()],
        )
        return context


class SectorListView(ListView):
    queryset = Sector.objects.with_published_partnership_counts()
    template_name = "partnerships/sector_list.html"


class CountryListView(ListView):
    template_name = "partnerships/country_list.html"

    def get_queryset(self):
        return Country.objects.published().annotate_direct_target_counts()


class ClusterListView(FilteredListView):
    filterset_class = ClusterFilter
    export_class = ClusterExport
    queryset = Cluster.objects.published().select_related("country", "cross_border_country")
    template_name = "partnerships/cluster_list.html"
    page_heading = _("Clusters")


class ClusterDetailView(DetailView):
    queryset = Cluster.objects.published().select_related("country", "cross_border_country")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=self.object.memberships.published().select_related("partnership"),
            **kwargs,
        )
