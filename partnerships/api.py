"""The open data API of partnerships, clusters, sectors, countries and regions (read-only).

Lists take the same parameters as their pages and give the same rows in the
same order; see core/api_lists.py and docs/api.md.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError
from ninja.pagination import paginate

from core.api_lists import (
    ErrorOut,
    ExportedRows,
    PageLinks,
    ReadRouter,
    filter_parameters,
    filtered,
)
from core.country_codes import normalise_country_code
from partnerships.exports import ClusterExport, PartnershipExport
from partnerships.filters import ClusterFilter, PartnershipFilter
from partnerships.models import Cluster, Country, Partnership, Region, Sector
from partnerships.schemas import ClusterOut, CountryOut, PartnershipOut, RegionOut, SectorOut

router = ReadRouter()

LIST_ERRORS = {400: ErrorOut, 404: ErrorOut}
DETAIL_ERRORS = {404: ErrorOut}


@router.get(
    "/partnerships/",
    response={200: list[PartnershipOut], **LIST_ERRORS},
    url_name="partnerships",
    tags=["partnerships"],
    summary=_("Published partnerships, filtered and sorted as on /partnerships/"),
    openapi_extra=filter_parameters(PartnershipFilter),
)
@paginate(PageLinks)
def list_partnerships(request):
    return ExportedRows(
        PartnershipExport,
        filtered(PartnershipFilter, request, Partnership.objects.published()),
        request,
        api_view="api:partnership",
        key="slug",
    )


@router.get(
    "/partnerships/{slug}/",
    response={200: PartnershipOut, **DETAIL_ERRORS},
    url_name="partnership",
    tags=["partnerships"],
    summary=_("One published partnership"),
)
def get_partnership(request, slug: str):
    row = ExportedRows(
        PartnershipExport,
        Partnership.objects.published().filter(slug=slug),
        request,
        api_view="api:partnership",
        key="slug",
    ).one()
    if row is None:
        raise HttpError(
            404, gettext("There is no published partnership “%(slug)s”.") % {"slug": slug}
        )
    return row


@router.get(
    "/clusters/",
    response={200: list[ClusterOut], **LIST_ERRORS},
    url_name="clusters",
    tags=["clusters"],
    summary=_("Published clusters, filtered and sorted as on /clusters/"),
    openapi_extra=filter_parameters(ClusterFilter),
)
@paginate(PageLinks)
def list_clusters(request):
    return ExportedRows(
        ClusterExport,
        filtered(ClusterFilter, request, Cluster.objects.published()),
        request,
        api_view="api:cluster",
        key="slug",
    )


@router.get(
    "/clusters/{slug}/",
    response={200: ClusterOut, **DETAIL_ERRORS},
    url_name="cluster",
    tags=["clusters"],
    summary=_("One published cluster"),
)
def get_cluster(request, slug: str):
    row = ExportedRows(
        ClusterExport,
        Cluster.objects.published().filter(slug=slug),
        request,
        api_view="api:cluster",
        key="slug",
    ).one()
    if row is None:
        raise HttpError(404, gettext("There is no published cluster “%(slug)s”.") % {"slug": slug})
    return row


@router.get(
    "/sectors/",
    response={200: list[SectorOut], **LIST_ERRORS},
    url_name="sectors",
    tags=["sectors"],
    summary=_("The sectors that have published partnerships, as on /sectors/"),
)
@paginate(PageLinks)
def list_sectors(request):
    return Sector.objects.with_published_partnership_counts()


@router.get(
    "/sectors/{slug}/",
    response={200: SectorOut, **DETAIL_ERRORS},
    url_name="sector",
    tags=["sectors"],
    summary=_("One sector of published partnerships"),
)
def get_sector(request, slug: str):
    sector = (
        Sector.objects.published().annotate_published_partnership_counts().filter(slug=slug).first()
    )
    if sector is None:
        raise HttpError(404, gettext("There is no sector “%(slug)s”.") % {"slug": slug})
    return sector


@router.get(
    "/countries/",
    response={200: list[CountryOut], **LIST_ERRORS},
    url_name="countries",
    tags=["countries"],
    summary=_("The countries in the data, as on /countries/"),
)
@paginate(PageLinks)
def list_countries(request):
    return Country.objects.published().annotate_direct_target_counts()


@router.get(
    "/countries/{code}/",
    response={200: CountryOut, **DETAIL_ERRORS},
    url_name="country",
    tags=["countries"],
    summary=_("One country, by ISO 3166-1 alpha-2 code (any case; UK, EL and ROK are accepted)"),
)
def get_country(request, code: str):
    country = (
        Country.objects.annotate_direct_target_counts()
        .filter(code=normalise_country_code(code))
        .first()
    )
    if country is None:
        raise HttpError(
            404,
            gettext("“%(code)s” is not a country code. Use ISO codes such as BR, CN or US.")
            % {"code": code[:20]},
        )
    return country


@router.get(
    "/regions/",
    response={200: list[RegionOut], **LIST_ERRORS},
    url_name="regions",
    tags=["regions"],
    summary=_("The regions published partnerships target"),
)
@paginate(PageLinks)
def list_regions(request):
    return Region.objects.published().prefetch_related("countries")


@router.get(
    "/regions/{slug}/",
    response={200: RegionOut, **DETAIL_ERRORS},
    url_name="region",
    tags=["regions"],
    summary=_("One region that published partnerships target, with its countries"),
)
def get_region(request, slug: str):
    region = Region.objects.published().prefetch_related("countries").filter(slug=slug).first()
    if region is None:
        raise HttpError(404, gettext("There is no region “%(slug)s”.") % {"slug": slug})
    return region
