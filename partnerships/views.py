from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext
from django.views.generic import DetailView

from core import data_cache, pdf, worldmap
from core.counts import count_together
from core.list_views import FilteredListView, PublicListView
from partnerships import lists
from partnerships.filters import country_choices
from partnerships.models import (
    Cluster,
    Country,
    MemberCountry,
    Partnership,
    Sector,
)
from partnerships.rows import cluster_rows, declared_rows, table_rows
from partnerships.selectors import explain_rows


def partnership_figures(partnerships: QuerySet) -> dict[str, Any]:
    """The headline figures, target map and sector chart of a selection of partnerships, for its PDF."""
    counts = count_together(
        {
            "sectors": partnerships.tally_by_sector(),
            "targets": partnerships.tally_by_target_country(),
            "members": partnerships.tally_by_member_country(),
        }
    )
    names = dict(Country.objects.values_list("code", "name"))
    sectors = dict(Sector.objects.values_list("slug", "name"))
    targets = counts["targets"]
    return {
        "figures": [
            (gettext("Member countries"), len(counts["members"])),
            (gettext("Target countries"), len(targets)),
            (gettext("Sectors"), len(counts["sectors"])),
        ],
        "maps": [
            {
                "id": "pdf-target-map",
                "areas": worldmap.map_areas(targets, names, lambda name, value: name),
                "legend": worldmap.legend(targets),
                "map_size": (worldmap.WIDTH, worldmap.HEIGHT),
                "title": gettext(
                    "Target countries, by partnerships targeting them (directly or through a region)"
                ),
            }
        ],
        "charts": [
            pdf.BarChart(
                "pdf-sectors",
                gettext("Partnerships by sector"),
                gettext("partnerships"),
                sorted(
                    (pdf.Bar(sectors.get(slug, slug), n) for slug, n in counts["sectors"].items()),
                    key=lambda bar: (-bar.value, bar.label),
                ),
            )
        ],
    }


class PartnershipListView(FilteredListView):
    public_list = lists.PARTNERSHIPS
    template_name = "partnerships/partnership_list.html"
    compiled_rows = True

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # With a country or region chosen, each row says why it is listed: "targets directly",
        # "targets through North Africa", "2 MoUs, 1 office".
        chosen = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        wanted = {
            name: chosen.get(name) or []
            for name in ("target_country", "works_with", "target_region")
        }
        rows = table_rows(context["object_list"])
        if any(wanted.values()):
            explain_rows(
                rows,
                target_countries=wanted["target_country"],
                works_with=wanted["works_with"],
                target_regions=wanted["target_region"],
            )
            context["why_heading"] = gettext("Why it is listed")
        context["object_list"] = rows
        context["search_meanings"] = self.filterset.search_meanings()
        return context

    def pdf_parts(self, rows: QuerySet) -> dict[str, Any]:
        return partnership_figures(rows)


class EscpOverviewReportView(FilteredListView):
    """The source's ESCP overview table, regenerated from the data; takes the filters of /partnerships/."""

    public_list = lists.ESCP_OVERVIEW
    template_name = "partnerships/escp_overview.html"

    def get_paginate_by(self, queryset) -> int:
        return None  # A report is one table, for print.

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.public_list.export_class(context["object_list"], base_url="")
        names = [column.heading for column in report.columns]
        context.update(
            caption=lists.ESCP_OVERVIEW_CAPTION,
            columns=report.columns,
            rows=[list(zip(names, row, strict=True)) for row in report.rows()],
        )
        return context

    def pdf_parts(self, rows: QuerySet) -> dict[str, Any]:
        return {**partnership_figures(rows), "lead": str(lists.ESCP_OVERVIEW_CAPTION)}


class SectorListView(PublicListView):
    public_list = lists.SECTORS
    template_name = "partnerships/sector_list.html"

    def pdf_table(self, rows) -> pdf.Table:
        return pdf.Table(
            gettext("Sectors with the number of partnerships in each"),
            [gettext("Sector"), gettext("Partnerships")],
            [[sector.name, sector.partnership_count] for sector in rows],
        )


class CountryListView(PublicListView):
    public_list = lists.COUNTRIES
    template_name = "partnerships/country_list.html"

    def pdf_table(self, rows) -> pdf.Table:
        return pdf.Table(
            gettext("Countries"),
            [
                gettext("Country"),
                gettext("ISO code"),
                gettext("Partnerships targeting it directly"),
            ],
            [[country.name, country.code, country.direct_target_count] for country in rows],
        )


class ClusterListView(FilteredListView):
    """The named cluster records, after what the partnerships declare of their members: most
    member clusters are counted by the sources ("11 from 10 countries") without being named."""

    public_list = lists.CLUSTERS
    template_name = "partnerships/cluster_list.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(
            # Kept per language, its rows as plain values (a new name: no entry of the former
            # shape, with model objects, is read).
            declared=data_cache.cached("declared-member-rows", (), declared_members),
            **kwargs,
        )
        context["object_list"] = cluster_rows(context["object_list"])
        return context


# Partnerships shown by their declared members on the clusters page; the rest are a sort away.
DECLARED_ROWS = 25


def declared_members() -> dict[str, Any]:
    """The member clusters the published partnerships declare: their total, the partnerships with
    the most (their table's rows, in the reader's language), and per country the partnerships
    declaring members there."""
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
        "partnerships": declared_rows(
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
