"""The public lists of this app, each declared once: its page, API, export and import derive from
it (core/public_lists.py). Names, URL names and messages are a public contract: keep them."""

from django.utils.translation import gettext_lazy as _

from core.country_codes import normalise_country_code
from core.public_lists import PublicList, RecordKey
from partnerships.exports import ClusterExport, EscpOverviewExport, PartnershipExport
from partnerships.filters import ClusterFilter, PartnershipFilter
from partnerships.models import Cluster, Country, Partnership, Region, Sector
from partnerships.schemas import ClusterOut, CountryOut, PartnershipOut, RegionOut, SectorOut

PARTNERSHIPS = PublicList(
    name="partnerships",
    title=_("Partnerships"),
    rows=lambda: Partnership.objects.published().with_related(),
    page_url_name="partnerships:partnership-list",
    filterset_class=PartnershipFilter,
    export_class=PartnershipExport,
    schema=PartnershipOut,
    summary=_("Published partnerships, filtered and sorted as on /partnerships/"),
    item_name="partnership",
    item_summary=_("One published partnership"),
    not_found=_("There is no published partnership “%(slug)s”."),
)

CLUSTERS = PublicList(
    name="clusters",
    title=_("Clusters"),
    rows=lambda: Cluster.objects.published().select_related("country", "cross_border_country"),
    page_url_name="partnerships:cluster-list",
    filterset_class=ClusterFilter,
    export_class=ClusterExport,
    schema=ClusterOut,
    summary=_("Published clusters, filtered and sorted as on /clusters/"),
    item_name="cluster",
    item_summary=_("One published cluster"),
    not_found=_("There is no published cluster “%(slug)s”."),
)

SECTORS = PublicList(
    name="sectors",
    title=_("Sectors"),
    rows=lambda: Sector.objects.with_published_partnership_counts(),
    page_url_name="partnerships:sector-list",
    schema=SectorOut,
    summary=_("The sectors that have published partnerships, as on /sectors/"),
    item_name="sector",
    item_summary=_("One sector of published partnerships"),
    not_found=_("There is no sector “%(slug)s”."),
)

COUNTRIES = PublicList(
    name="countries",
    title=_("Countries"),
    rows=lambda: Country.objects.published().annotate_direct_target_counts(),
    page_url_name="partnerships:country-list",
    schema=CountryOut,
    summary=_("The countries in the data, as on /countries/"),
    item_name="country",
    item_summary=_(
        "One country, by ISO 3166-1 alpha-2 code (any case; UK, EL and ROK are accepted)"
    ),
    key=RecordKey("code", field="code", normalise=normalise_country_code),
    not_found=_("“%(code).20s” is not a country code. Use ISO codes such as BR, CN or US."),
    # Every country has a page, whether or not published records name it.
    item_rows=lambda: Country.objects.annotate_direct_target_counts(),
)

REGIONS = PublicList(
    name="regions",
    title=_("Regions"),
    rows=lambda: Region.objects.published().prefetch_related("countries"),
    schema=RegionOut,
    summary=_("The regions published partnerships target"),
    item_name="region",
    item_summary=_("One region that published partnerships target, with its countries"),
    not_found=_("There is no region “%(slug)s”."),
)

# The caption of the ESCP overview report, on its page, in its PDF and in its files.
ESCP_OVERVIEW_CAPTION = _(
    "After the table “European Strategic Cluster Partnerships Overview” in Jose Freitas, "
    "“EU Cluster Internationalisation with 3rd-countries - Some Findings from 6 Pilot Projects”, "
    "European Commission, DG Enterprise and Industry, January 2014; regenerated from the "
    "portal's data."
)

# The source's ESCP overview table, regenerated from the data: a page and its export, no API.
ESCP_OVERVIEW = PublicList(
    name="escp-overview",
    title=_("ESCP overview report"),
    rows=lambda: Partnership.objects.published().escps().with_related(),
    page_url_name="partnerships:escp-overview",
    filterset_class=PartnershipFilter,
    export_class=EscpOverviewExport,
)

PUBLIC_LISTS = (PARTNERSHIPS, CLUSTERS, SECTORS, COUNTRIES, REGIONS, ESCP_OVERVIEW)
