import logging
import sys
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext, ngettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_filters import FilterSet

from core import counts, data_cache, db_router, exports, public_lists, worldmap
from core.list_views import bad_request, export_etag
from outcomes import rows as outcome_rows
from outcomes import types as outcome_types
from outcomes.filters import OutcomeFilter
from outcomes.models import Outcome
from partnerships.filters import PartnershipFilter
from partnerships.models import Partnership, Sector
from portal import cache as portal_cache
from portal import query_budget, statistics
from portal.api import api_endpoints
from portal.context_processors import SITE_NAME

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        # Named anew when what is kept changes: a value kept in the old shape is not read.
        figures = data_cache.cached("home-figures", (), home_figures)
        targets = figures["targets"]
        return super().get_context_data(
            # Made only when the map is drawn: its fragment is kept until the data changes.
            target_map=SimpleLazyObject(
                lambda: worldmap.map_areas(targets, figures["names"], _worked_with_by)
            ),
            map_size=(worldmap.WIDTH, worldmap.HEIGHT),
            **figures,
            **kwargs,
        )


def home_figures() -> dict[str, Any]:
    """Everything the home page counts over all the data, as plain values that can be cached.

    The map and the countries to browse are the countries partnerships work with (target market
    or outcomes there, docs/data-model.md), as on each country's page."""
    partnerships = Partnership.objects.published()
    tallied = counts.count_together(
        {
            "outcome_types": Outcome.objects.published().tally_by_type(),
            "working": partnerships.tally_by_working_country(),
        }
    )
    outcome_figures, working = tallied["outcome_types"], tallied["working"]
    names = statistics.country_names(working)
    other_types = [kind for kind in outcome_types.type_choices.values if kind != Outcome.Type.MOU]
    return {
        "targets": working,
        "names": names,
        "figures": partnerships.headline_figures(),
        "outcome_figures": outcome_figures,
        "other_outcomes": sum(n for kind, n in outcome_figures.items() if kind != Outcome.Type.MOU),
        "other_types": urlencode([("type", kind) for kind in other_types]),
        "sectors": list(Sector.objects.with_published_partnership_counts()),
        "working_countries": [
            (code, names.get(code, code), n)
            for code, n in sorted(
                working.items(), key=lambda item: (-item[1], names.get(item[0], ""))
            )[:12]
        ],
        # Worked out from 1 to the largest figure (thousands of steps): kept with the figures.
        "target_legend": worldmap.legend(working),
        # The table's rows, ready (each language keeps its own figures, core/data_cache.py).
        "latest_outcomes": outcome_rows.table_rows(Outcome.objects.published().latest_first()[:6]),
    }


class ExportsHelpView(TemplateView):
    """What each export column holds, read from every registered list's export itself."""

    template_name = "exports_help.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        # Worked out only when the template writes the page's text, which it keeps per language
        # (exports_help.html): they would cost more than the rest of the page.
        return super().get_context_data(
            tables=SimpleLazyObject(_export_tables),
            api_lists=SimpleLazyObject(_api_lists),
            format_names=SimpleLazyObject(_format_names),
            format_parameters=SimpleLazyObject(_format_parameters),
            xlsx_limit=exports.XLSX_ROW_LIMIT,
            **kwargs,
        )


def _export_tables() -> list[tuple[str, str, list]]:
    """Each registered list's title, page and export columns. Column lists, not the classes:
    templates would call a class."""
    return [
        (str(listed.title), reverse(listed.page_url_name), listed.export_class.columns)
        for listed in public_lists.registered()
        if listed.export_class
    ]


def _api_lists() -> str:
    """The API's lists, as it serves them (one per registered list with a schema): "<code>/api/
    partnerships/</code>, … and <code>/api/outcomes/</code>", each path escaped."""
    paths = [
        format_html("<code>{}</code>", path)
        for path, _ in api_endpoints(reverse("api:index"), get_language())
        if "{" not in path
    ]
    return mark_safe(get_text_list(paths, gettext("and")))


def _format_names() -> str:
    return exports.one_of([str(label) for label in exports.FORMATS.values()])


def _format_parameters() -> str:
    """The parameter of each format, "<code>export=csv</code>, … or <code>export=json</code>": the
    keys are ours and escaped, the "or" comes from the catalogue."""
    return mark_safe(
        exports.one_of([format_html("<code>export={}</code>", k) for k in exports.FORMATS])
    )


# How long a client should wait before asking again while the database is unreachable.
RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500 handler: an unreachable database answers 503 "temporarily unavailable".

    Django sends every uncaught exception here, whichever layer raised it (a view,
    a template, the session or the transaction the history middleware opens), so
    this is the one place that tells an outage from a bug. The page is rendered
    without context processors: they would query the database that is down.
    Django closes a broken connection at the end of the request and
    CONN_HEALTH_CHECKS checks a reused one, so the site recovers by itself.
    """
    error = sys.exc_info()[1]
    if isinstance(error, query_budget.TooBroad):
        return query_budget.too_broad(request)
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    page = loader.get_template("503.html").render(
        {"SITE_NAME": SITE_NAME, "request": request, "retry_after": RETRY_AFTER_SECONDS}
    )
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The database and the cache, for load balancers, probes and monitoring.

    503 when the database does not answer: the portal cannot serve. A cache that fails (down,
    or full and refusing writes) answers 200 with ``"status": "degraded"``: pages still render,
    only slower, and taking every worker out of service for it would turn a slow site into none
    (docs/operations.md).
    """
    cache_problem = portal_cache.problem()
    if cache_problem:
        logger.error("Health check: the cache cannot keep values: %s", cache_problem)
    cache_state = "failing" if cache_problem else "up"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health check: the database does not answer: %s", error)
        return JsonResponse(
            {"status": "unavailable", "database": "down", "cache": cache_state}, status=503
        )
    status = "degraded" if cache_problem else "ok"
    answer = {"status": status, "database": "up", "cache": cache_state}
    if db_router.replicas():
        # A replica down or behind is skipped by every request, so it degrades nothing: reported
        # for monitoring, with its lag (pg_last_xact_replay_timestamp()), never a 503.
        answer["replicas"] = db_router.report()
        answer["replica_max_lag_seconds"] = settings.REPLICA_MAX_LAG_SECONDS
    return JsonResponse(answer)


class StatisticsView(TemplateView):
    """Charts and maps of the partnerships and outcomes, filtered by the parameters of both lists.

    Each chart's table downloads with ``?chart=<slug>&export=csv|xlsx|json``; a
    bad parameter answers 400 with its message, as on the list pages.
    """

    template_name = "statistics.html"
    # Sorting and paging mean nothing here (links from the lists carry them), and the two lists
    # sort by different names; the others download a chart.
    ignored_parameters = ("sort", "page", "chart", "export", "bom")

    @classmethod
    def page_parameters(cls) -> set[str]:
        """The parameters this page knows; any other is dropped by a redirect (portal/page_cache.py)."""
        return {
            *PartnershipFilter.base_filters,
            *OutcomeFilter.base_filters,
            *cls.ignored_parameters,
        }

    @classmethod
    def page_state(cls, query, request: HttpRequest | None = None) -> list | None:
        """The filters of both lists, canonical; None when a value is bad. With ``request``, the
        FilterSets are kept on it for the view (``get``): they are built once a request."""
        filtersets = cls._filtersets(query)
        if request is not None:
            request.page_filtersets = (query, filtersets)
        states = [filterset.page_state() for filterset in filtersets]
        return None if None in states else sorted(set().union(*states))

    @classmethod
    def _filtersets(cls, query, **kwargs) -> tuple[FilterSet, FilterSet]:
        data = query.copy()
        for ignored in cls.ignored_parameters:
            data.pop(ignored, None)
        return (
            PartnershipFilter(data or None, queryset=Partnership.objects.published(), **kwargs),
            OutcomeFilter(data or None, queryset=Outcome.objects.published(), **kwargs),
        )

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        query, filtersets = getattr(request, "page_filtersets", (None, None))
        if query is not request.GET:
            filtersets = self._filtersets(request.GET)
        self.partnership_filter, self.outcome_filter = filtersets
        partnerships = self.partnership_filter.qs
        outcomes = self.outcome_filter.qs.filter(partnership__in=partnerships.values("pk"))
        self.charts = data_cache.cached(
            "statistics",
            (self.partnership_filter.filter_state(), self.outcome_filter.filter_state()),
            lambda: statistics.charts(partnerships, outcomes),
        )
        if "export" in request.GET:
            return self.export(request)
        response = super().get(request, *args, **kwargs)
        if self.errors():
            response.status_code = 400
        return response

    def errors(self) -> dict[str, list]:
        return {**self.partnership_filter.errors, **self.outcome_filter.errors}

    def export(self, request: HttpRequest) -> HttpResponse:
        fmt, slug = request.GET["export"], request.GET.get("chart", "")
        chart = next((chart for chart in self.charts if chart.slug == slug), None)
        if chart is None:
            names = ", ".join(chart.slug for chart in self.charts)
            return bad_request(
                gettext("Say which chart to export with chart=…, one of: %(names)s.")
                % {"names": names}
            )
        if fmt not in exports.FORMATS:
            return bad_request(exports.unknown_format(fmt))
        if self.errors():
            return bad_request(
                gettext("The export was not made because some filters are not valid.")
            )
        base_url = request.build_absolute_uri("/").rstrip("/")
        export = statistics.ChartExport(chart, base_url)
        etag = export_etag(request, export.columns)
        if not_modified := get_conditional_response(request, etag=etag):
            return not_modified
        response = exports.export_response(export, fmt)
        response["ETag"] = etag
        return response

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        by_slug = {chart.slug: chart for chart in self.charts}
        targets = {row.key: row.value for row in by_slug["target-countries"].rows}
        members = {row.key: row.value for row in by_slug["member-countries"].rows}
        names = {
            row.key: row.label
            for row in [*by_slug["target-countries"].rows, *by_slug["member-countries"].rows]
        }
        return super().get_context_data(
            charts=self.charts,
            filter_errors=self.errors(),
            active_filters=self.partnership_filter.active_filters()
            + self.outcome_filter.active_filters(),
            # Drawn only when the kept map (_world_map.html's {% cache %}) is missing.
            target_map=SimpleLazyObject(lambda: worldmap.map_areas(targets, names, _targeted_by)),
            target_legend=worldmap.legend(targets),
            member_map=SimpleLazyObject(lambda: worldmap.map_areas(members, names, _members_in)),
            member_legend=worldmap.legend(members),
            map_size=(worldmap.WIDTH, worldmap.HEIGHT),
            **kwargs,
        )


def _worked_with_by(name, value):
    if not value:
        return gettext("%(country)s: no partnership works with it") % {"country": name}
    return ngettext(
        "%(country)s: %(count)s partnership works with it",
        "%(country)s: %(count)s partnerships work with it",
        value,
    ) % {"country": name, "count": value}


def _targeted_by(name, value):
    if not value:
        return gettext("%(country)s: not targeted") % {"country": name}
    return ngettext(
        "%(country)s: targeted by %(count)s partnership",
        "%(country)s: targeted by %(count)s partnerships",
        value,
    ) % {"country": name, "count": value}


def _members_in(name, value):
    if not value:
        return gettext("%(country)s: no members") % {"country": name}
    return ngettext(
        "%(country)s: members of %(count)s partnership",
        "%(country)s: members of %(count)s partnerships",
        value,
    ) % {"country": name, "count": value}
