from typing import Any

from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext
from django.views.generic import DetailView

from core import data_cache
from core.list_views import FilteredListView, PublicListView
from partnerships import lists
from partnerships.filters import country_choices
from partnerships.models import Cluster, MemberCountry, Partnership
from partnerships.selectors import explain_rows


class PartnershipListView(FilteredListView):
    public_list = lists.PARTNERSHIPS
    template_name = "partnerships/partnership_list.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # With a country or region chosen, each row says why it is listed: "targets directly",
        # "targets through North Africa", "2 MoUs, 1 office".
        chosen = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        wanted = {
            name: chosen.get(name) or []
            for name in ("target_country", "works_with", "target_region")
        }
        if any(wanted.values()):
            explain_rows(
                context["object_list"],
                target_countries=wanted["target_country"],
                works_with=wanted["works_with"],
                target_regions=wanted["target_region"],
            )
            context["why_heading"] = gettext("Why it is listed")
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
    """The named cluster records, after what the partnerships declare of their members: most
    member clusters are counted by the sources ("11 from 10 countries") without being named."""

    public_list = lists.CLUSTERS
    template_name = "partnerships/cluster_list.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(
            declared=data_cache.cached("declared-members", (), declared_members), **kwargs
        )


# Partnerships shown by their declared members on the clusters page; the rest are a sort away.
DECLARED_ROWS = 25


def declared_members() -> dict[str, Any]:
    """The member clusters the published partnerships declare: their total, the partnerships with
    the most, and per country the partnerships declaring members there."""
    partnerships = Partnership.objects.published()
    by_country = partnerships.tally_by_member_country().counts()
    names = dict(country_choices())
    declared = partnerships.aggregate(
        total=Sum("partner_count"), declaring=Count("pk", filter=Q(partner_count__isnull=False))
    )
    entries = MemberCountry.objects.select_related("country", "cross_border_country")
    return {
        "total": declared["total"] or 0,
        "declaring": declared["declaring"],
        "partnerships": list(
            partnerships.filter(partner_count__isnull=False)
            .prefetch_related(Prefetch("member_countries", entries))
            .order_by("-partner_count", "name", "pk")[:DECLARED_ROWS]
        ),
        "countries": sorted(
            ((code, names.get(code, code), n) for code, n in by_country.items()),
            key=lambda row: (-row[2], row[1]),
        ),
    }


class ClusterDetailView(DetailView):
    queryset = Cluster.objects.published().select_related("country", "cross_border_country")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(
            memberships=self.object.memberships.published().select_related("partnership"),
            **kwargs,
        )
