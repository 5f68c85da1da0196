"""The pages of one partnership, sector or country: each shows partnerships and their outcomes
together, so they are the portal's, above both apps. Their URL names stay in the partnerships
namespace (portal/urls.py)."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.db import router
from django.db.models import QuerySet, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.generic import DetailView

from core import data_cache, pdf, worldmap
from core.compiled_queries import rows_for
from core.country_codes import normalise_country_code
from core.counts import Tally, count_together
from core.list_views import PdfMixin, about
from core.pagination import Excerpt
from core.translated import in_language, reader_language
from core.url_patterns import url_of
from outcomes import rows as outcome_rows
from outcomes.models import Outcome
from outcomes.rows import OutcomeRow
from partnerships.models import (
    Cluster,
    Country,
    MemberCountry,
    Partnership,
    Region,
    Sector,
    describe_engagement_counts,
    display_name,
)
from partnerships.rows import table_columns, table_rows
from partnerships.selectors import reasons_for_country, routes_of
from portal import partnership_page, statistics
from portal.partnership_page import PartnershipPage


def _small_map(title, categories, countries=None):
    """``countries``: every country by code, where the caller has read them (their names are
    read only when the map is drawn)."""

    def areas():
        names = (
            statistics.all_country_names()
            if countries is None
            else {c.code: c.name for c in countries.values()}
        )
        return worldmap.category_areas(categories, names)

    return {
        # Made only when the map is drawn: its fragment is kept until the data changes.
        "areas": SimpleLazyObject(areas),
        "legend": [(shade, label) for label, shade, category in categories if category],
        "map_size": (worldmap.WIDTH, worldmap.HEIGHT),
        "title": title,
    }


def _outcome_table(caption, outcomes) -> pdf.Table:
    """The outcomes (objects or a table's rows, outcomes/rows.py) as the page's table says them."""
    return pdf.Table(
        caption,
        [gettext("Date"), gettext("Type"), gettext("Title"), gettext("Country")],
        [
            [row.date_text or row.year or "", row.type, row.title, row.country]
            for row in outcome_rows.table_rows(outcomes)
        ],
    )


def _partnership_table(caption, partnerships, extra_heading=None, extra=None) -> pdf.Table:
    columns = [gettext("Partnership"), gettext("Sectors"), gettext("Members")]
    return pdf.Table(
        caption,
        columns + ([extra_heading] if extra_heading else []),
        [
            [
                p.display_name,
                ", ".join(sector.name for sector in p.sectors.all()),
                p.declared_members,
                *([extra(p)] if extra else []),
            ]
            for p in partnerships
        ],
    )


def _partnerships(query, arguments: list) -> list[Partnership]:
    """The partnerships ``query(*arguments)`` selects, with only the columns a table reads
    (``table_columns()``): the query's SQL compiled once (core/compiled_queries.py), not for
    every render."""
    if not arguments:
        return []
    using = router.db_for_read(Partnership)
    fields = _table_fields()
    return [
        Partnership.from_db(using, fields, row)
        for row in rows_for(query, arguments, using=using, variant=reader_language())
    ]


def _table_fields() -> list[str]:
    """``table_columns()`` and the id, in the order of the model's fields, as from_db() takes them."""
    wanted = {"id", *table_columns()}
    return [f.attname for f in Partnership._meta.concrete_fields if f.attname in wanted]


def _clusters_in(code: str) -> QuerySet:
    return (
        Cluster.objects.published()
        .located_in([code])
        .values_list("slug", "name", "acronym")[: DETAIL_ROWS + 1]
    )


def _first_in_sector(slug: str) -> QuerySet:
    return (
        Partnership.objects.published()
        .in_sectors([slug])
        .order_by("name", "pk")
        .values_list(*_table_fields())[: DETAIL_ROWS + 1]
    )


def _by_id(*ids: int) -> QuerySet:
    return (
        Partnership.objects.published()
        .filter(pk__in=ids)
        .order_by("name", "pk")
        .values_list(*_table_fields())
    )


def _latest_outcomes(query, argument: str) -> Excerpt[OutcomeRow]:
    """The first rows of ``query(argument)``, read as the values the outcome table shows: the
    query's SQL compiled once (core/compiled_queries.py), not for every render."""
    shown = outcome_rows.columns()
    values = rows_for(
        query, [argument], using=router.db_for_read(Outcome), variant=reader_language()
    )
    return Excerpt.of(
        outcome_rows.table_rows([dict(zip(shown, row, strict=True)) for row in values]),
        DETAIL_ROWS,
    )


def _latest_in_sector(slug: str) -> QuerySet:
    return (
        Outcome.objects.published()
        .in_sectors([slug])
        .values_list(*outcome_rows.columns())[: DETAIL_ROWS + 1]
    )


def _latest_with_country(code: str) -> QuerySet:
    return (
        Outcome.objects.published()
        .with_country([code])
        .values_list(*outcome_rows.columns())[: DETAIL_ROWS + 1]
    )


def _limited(rows) -> list:
    """Every row, within the PDF's limit."""
    rows = list(rows[: pdf.PDF_ROW_LIMIT + 1])
    pdf.check_rows(len(rows))
    return rows


def first_outcomes_of_each_type(outcomes: QuerySet) -> QuerySet:
    """The first ``DETAIL_ROWS`` of each type of ``outcomes``, read as the tables show them
    (outcomes/rows.py) without their partnership (the page's own), each with ``type_total``."""
    return outcomes.first_of_each_type(DETAIL_ROWS).values_list(*_first_outcome_columns())


def _first_outcome_columns() -> list[str]:
    return [*outcome_rows.columns(with_partnership=False), "type_total"]


def first_published_outcomes(partnership: int) -> QuerySet:
    """What the page of the partnership of id ``partnership`` shows of its outcomes."""
    return first_outcomes_of_each_type(Outcome.objects.published().filter(partnership=partnership))


class PartnershipDetailView(PdfMixin, DetailView):
    # Its source for the provenance line; its related rows are read as values (``page``).
    queryset = Partnership.objects.published().select_related("source")

    def get_object(self, queryset=None) -> Partnership:
        # By SQL compiled once (its ORM query's compilation cost more than its answer); a slug
        # not found is looked up as Django does, for its 404.
        found = partnership_page.published_partnership(
            self.kwargs[self.slug_url_kwarg], using=router.db_for_read(Partnership)
        )
        return found or super().get_object(queryset)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        partnership = self.object
        page, outcome_groups = self.related_rows(partnership)
        return super().get_context_data(
            page=page,
            outcomes_by_type=outcome_groups,
            outcome_figures=_outcome_figures(partnership, outcome_groups),
            coordinator=next((m for m in page.members if m.is_coordinator), None),
            small_map=_small_map(
                gettext("Members and target markets of %(partnership)s")
                % {"partnership": partnership.display_name},
                [
                    (gettext("member countries"), worldmap.MEMBER_SHADE, page.member_codes),
                    (gettext("target markets"), worldmap.TARGET_SHADE, page.target_codes),
                    (
                        gettext("possible target markets"),
                        worldmap.TENTATIVE_SHADE,
                        page.tentative_codes,
                    ),
                ],
            ),
            **kwargs,
        )

    # What the page shows of the related rows is kept until the data changes; a draft's preview
    # (portal/previews.py) reads them each time, as nothing of a preview is kept.
    keeps_related_rows = True

    def related_rows(self, partnership) -> tuple[PartnershipPage, list["OutcomesOfType"]]:
        """What the page shows of the partnership's related rows and of its outcomes: read in six
        queries, and kept until the data changes where the page keeps them (the partnership
        itself is read anew for each request)."""

        def read():
            page = partnership_page.read(partnership, self.members)
            # Without the partnership: it is never kept with them.
            return replace(page, partnership=None), outcomes_by_type(
                partnership, self.first_outcomes
            )

        page, outcome_groups = (
            data_cache.cached("partnership-page", partnership.pk, read)
            if self.keeps_related_rows
            else read()
        )
        return replace(page, partnership=partnership), outcome_groups

    # The named members it shows, as a query of its id (portal/partnership_page.py).
    members = staticmethod(partnership_page.published_members)

    # The first of each type of the outcomes it shows: a query of its id, compiled once.
    first_outcomes = staticmethod(first_published_outcomes)

    def pdf_document(self) -> pdf.Document:
        self.object = partnership = self.get_object()
        context = self.get_context_data(object=partnership)
        outcomes = _limited(partnership.outcomes.published().with_related().in_date_order())
        page = context["page"]
        members = page.members
        return pdf.Document(
            about=about(self.request, partnership.display_name),
            lead=", ".join(page.english_sector_names),
            figures=[
                (gettext("Members"), partnership.partner_count or len(members)),
                (gettext("Countries"), partnership.country_count or "–"),
                (gettext("Outcomes"), len(outcomes)),
            ],
            maps=[{**context["small_map"], "id": "pdf-small-map"}],
            tables=[
                pdf.Table(
                    gettext("Target markets"),
                    [gettext("Target markets")],
                    [[partnership.target_markets or "–"]],
                ),
                pdf.Table(
                    gettext("Members"),
                    [gettext("Cluster"), gettext("Country")],
                    [[m.name, m.country] for m in members],
                ),
                _outcome_table(gettext("Outcomes"), outcomes),
            ],
        )


def _outcome_figures(partnership, groups):
    """Its outcomes counted, all and by type, each with the outcome list of exactly those."""
    base = f"{reverse('outcomes:outcome-list')}?{urlencode({'partnership': partnership.slug})}"
    return [(gettext("all outcomes"), sum(group.total for group in groups), base)] + [
        (group.label, group.total, group.list_url) for group in groups
    ]


@dataclass(frozen=True)
class OutcomesOfType:
    """A partnership's outcomes of one type: the first rows, how many there are, and the
    outcome list filtered to them (the count's link, and "See all" when there are more than
    shown)."""

    kind: str
    label: str
    total: int
    outcomes: Excerpt[OutcomeRow]
    list_url: str


def outcomes_by_type(
    partnership: Partnership, first_outcomes: Callable[[int], QuerySet]
) -> list[OutcomesOfType]:
    """The first ``DETAIL_ROWS`` of the partnership's outcomes of each type in date order, in the
    order of Outcome.Type, skipping empty types: one query, whatever the number of outcomes
    (thousands for the largest partnerships, whose whole list made a page of megabytes).
    ``first_outcomes`` (``first_published_outcomes``) is compiled once per language
    (core/compiled_queries.py): the ORM's compilation of its window functions cost more than
    the database's answer."""
    language = reader_language()
    columns = _first_outcome_columns()
    values = [
        dict(zip(columns, row, strict=True))
        for row in rows_for(
            first_outcomes, [partnership.pk], using=partnership._state.db, variant=language
        )
    ]
    groups = {outcome_type: [] for outcome_type in Outcome.Type}
    totals = {}
    for value, row in zip(
        values, outcome_rows.table_rows(values, with_partnership=False), strict=True
    ):
        groups[value["type"]].append(row)
        totals[value["type"]] = value["type_total"]
    list_url = reverse("outcomes:outcome-list")
    return [
        OutcomesOfType(
            kind=kind.value,  # Plain text, as kept in the cache.
            total=totals[kind],
            label=str(Outcome.Type(kind).label),
            outcomes=Excerpt(rows, totals[kind] > DETAIL_ROWS, DETAIL_ROWS),
            list_url=f"{list_url}?{urlencode({'partnership': partnership.slug, 'type': kind})}",
        )
        for kind, rows in groups.items()
        if rows
    ]


class SectorDetailView(PdfMixin, DetailView):
    model = Sector

    def get_object(self, queryset=None) -> Sector:
        sector = _published_sectors().get(self.kwargs["slug"])
        if sector is None:
            raise Http404
        return sector

    def pdf_document(self) -> pdf.Document:
        self.object = sector = self.get_object()
        partnerships = _limited(
            Partnership.objects.published()
            .in_sectors([sector.slug])
            .with_related()
            .order_by("name", "pk")
        )
        outcomes = Outcome.objects.published().in_sectors([sector.slug]).with_related()
        latest = Excerpt.of(outcomes, DETAIL_ROWS)
        return pdf.Document(
            about=about(self.request, sector.name),
            figures=[
                (gettext("Partnerships"), len(partnerships)),
                (gettext("Outcomes"), outcomes.count()),
            ],
            tables=[
                _partnership_table(gettext("Partnerships"), partnerships),
                _outcome_table(gettext("Latest outcomes"), latest),
            ],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        slug = self.object.slug
        return super().get_context_data(
            # Each counted as the list it links to selects, both in one query.
            figures=data_cache.cached(
                "sector-figures",
                slug,
                lambda: {
                    name: counts.get(name, 0)
                    for name, counts in count_together(
                        {
                            "partnerships": Tally(
                                Partnership.objects.published().in_sectors([slug]),
                                Value("partnerships"),
                            ),
                            "outcomes": Tally(
                                Outcome.objects.published().in_sectors([slug]), Value("outcomes")
                            ),
                        }
                    ).items()
                },
            ),
            # The table's related rows read as values by table_rows(), not prefetched.
            partnerships=Excerpt.of(
                table_rows(_partnerships(_first_in_sector, [slug])), DETAIL_ROWS
            ),
            outcomes=_latest_outcomes(_latest_in_sector, slug),
            **kwargs,
        )


class CountryDetailView(PdfMixin, DetailView):
    """One country: who works with it (targets it, directly or through a region, or has outcomes
    there), who is there, what was done there."""

    model = Country
    context_object_name = "country"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        code = kwargs["code"]
        canonical = normalise_country_code(code)
        # Only a code that can exist reaches the database: PostgreSQL refuses text with NUL in it.
        if canonical is None:
            raise Http404(gettext("No such country."))
        if canonical != code:
            # /countries/uk/ and /countries/gb/ are the same page as /countries/GB/.
            return redirect("partnerships:country-detail", code=canonical, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None) -> Country:
        # Kept for country_page(), whose map names every country: one read of the cache, not two.
        self.countries = _countries_by_code()
        country = self.countries.get(self.kwargs["code"])
        if country is None:
            raise Http404(gettext("No such country."))
        return country

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(page=country_page(self.object, self.countries), **kwargs)

    def pdf_document(self) -> pdf.Document:
        self.object = country = self.get_object()
        page = country_page(country, self.countries)
        code = country.code
        published = Partnership.objects.published()
        working = _limited(published.working_with([code]).with_related().order_by("name", "pk"))
        outcomes = Outcome.objects.published().with_country([code])
        return pdf.Document(
            about=about(self.request, country.name),
            figures=[
                (gettext("Partnerships working with it"), len(working)),
                (
                    gettext("Partnerships with members here"),
                    published.with_member_country([code]).count(),
                ),
                (gettext("Outcomes here"), outcomes.count()),
            ],
            maps=[{**page.small_map, "id": "pdf-small-map"}],
            tables=[
                _partnership_table(
                    gettext("Partnerships working with %(country)s") % {"country": country.name},
                    working,
                    gettext("How"),
                    lambda p: ", ".join(p.routes_to(code)),
                ),
                _outcome_table(gettext("Latest outcomes"), page.outcomes),
            ],
        )


@dataclass(frozen=True)
class CountryPage:
    """What a country's page shows besides the country: its figures, its map and the first rows
    of each list."""

    figures: dict[str, int]  # each a link to its list (country_figures)
    small_map: dict[str, Any]
    working: Excerpt[Partnership]  # each row with ``why``: "targets directly; 2 MoUs, 1 office"
    members: Excerpt[Partnership]
    outcomes: Excerpt[OutcomeRow]
    offices: Excerpt["Office"]
    clusters: Excerpt["Link"]


def country_page(country: Country, countries: dict[str, Country] | None = None) -> CountryPage:
    """The figures, lists and map of a country's page: who works with it (its target market,
    directly or through a region, or where it has outcomes), who is there, what was done there.
    Its figures, the map's colours and the country's regions, the first offices, and every
    country's name (``countries``, where the caller has read them already) are kept until the
    data changes."""
    code = country.code
    published = Partnership.objects.published()
    # Kept with the counts until the data changes: the ids of the first rows of the two
    # partnership lists. Finding them means reading which partnerships have outcomes in the
    # country (132,511 outcomes for the US), on every render if they were not kept.
    counted = data_cache.cached("country-page", code, lambda: _country_counts(code, published))
    first_working, first_members = counted["first_working"], counted["first_members"]
    # The two partnership lists are read in one go, each row marked with its lists; the table's
    # cells and its targets as values from table_rows(); how each targets the country from those
    # (which regions hold the country is known, so their countries are not read).
    rows = table_rows(_partnerships(_by_id, sorted(set(first_working) | set(first_members))))
    working_ids, member_ids = set(first_working), set(first_members)
    for row in rows:
        row.works_with_it, row.member_here = row.pk in working_ids, row.pk in member_ids
        routes = routes_of(row.target_entries, code, counted["regions"])
        row.routes_here = ", ".join(routes)
        row.why = reasons_for_country(
            row, code, counted["engaged"].get(row.slug, ""), routes=routes
        )
    outcomes = _latest_outcomes(_latest_with_country, code)
    # Kept until the data changes: the first offices lie further along the list's order than
    # the first outcomes, and read in one query with them the two lists cost a scan of the table.
    # Kept as the values the list shows (per language, as every kept value is), not as objects.
    outcome_url = url_of("outcomes:outcome-detail")
    offices = Excerpt.of(
        [
            Office(
                url=outcome_url(office["pk"]),
                title=office["title"],
                # Its partnership's name in the reader's language, and its acronym.
                partnership=display_name(
                    office[in_language("partnership__name")] or office["partnership__name"],
                    office["partnership__acronym"],
                ),
            )
            for office in data_cache.cached(
                "country-office-values",
                code,
                lambda: list(
                    Outcome.objects.published()
                    .with_country([code])
                    .of_type([Outcome.Type.OFFICE])
                    .values(
                        "pk",
                        "title",
                        "partnership__name",
                        in_language("partnership__name"),
                        "partnership__acronym",
                    )[: DETAIL_ROWS + 1]
                ),
            )
        ],
        DETAIL_ROWS,
    )
    cluster_url = url_of("partnerships:cluster-detail")
    clusters = Excerpt.of(
        [
            # As Cluster.__str__.
            Link(url=cluster_url(slug), text=f"{name} ({acronym})" if acronym else name)
            for slug, name, acronym in rows_for(
                _clusters_in, [code], using=router.db_for_read(Cluster)
            )
        ],
        DETAIL_ROWS,
    )
    small_map = _small_map(
        gettext("%(country)s, and where the partnerships working with it come from")
        % {"country": country.name},
        [
            (country.name, worldmap.FOCUS_SHADE, {code}),
            (
                gettext("members of partnerships working with %(country)s")
                % {"country": country.name},
                worldmap.MEMBER_SHADE,
                counted["origins"],
            ),
        ],
        countries=countries or _countries_by_code(),
    )
    return CountryPage(
        figures=counted["figures"],
        small_map=small_map,
        working=Excerpt.of([row for row in rows if row.works_with_it], DETAIL_ROWS),
        members=Excerpt.of([row for row in rows if row.member_here], DETAIL_ROWS),
        outcomes=outcomes,
        offices=offices,
        clusters=clusters,
    )


@dataclass(frozen=True, slots=True)
class Office:
    """An office in a country's list: its outcome's page and title (the English one, as the
    outcome's own attribute reads), and its partnership's name."""

    url: str
    title: str
    partnership: str


@dataclass(frozen=True, slots=True)
class Link:
    """A row of a plain list of links (a country's clusters)."""

    url: str
    text: str


def _country_counts(code, published) -> dict[str, Any]:
    """What a country's page counts, in one UNION ALL query: its figures (each counted as the list
    it links to selects), the member countries of the partnerships working with it (for its map),
    the ids of the regions holding it as a third country (for how each targets it), and the
    outcomes there of the first partnerships listed (for why each is listed), and the ids of the
    first rows of its two partnership lists (for the page to read them by id)."""
    working = published.working_with([code])
    first_working = _first_ids(working)
    first_members = _first_ids(published.with_member_country([code]))
    members = MemberCountry.objects.filter(partnership__in=working.values("pk"))
    outcomes = Outcome.objects.published().with_country([code])
    regions = Region.countries.through.objects.filter(country=code, country__is_eu_member=False)

    def count(queryset):
        return Tally(queryset, Value("n"))

    counts = count_together(
        {
            "working": count(working),
            "targeting": count(published.targeting_country([code])),
            "members": count(published.with_member_country([code])),
            "outcomes": Tally(outcomes, "type"),
            "clusters": count(Cluster.objects.published().located_in([code])),
            "origins": [
                Tally(members, "country"),
                Tally(members.filter(cross_border_country__isnull=False), "cross_border_country"),
            ],
            "regions": Tally(regions, "region"),
            "engaged": published.filter(pk__in=first_working).tally_engagements_by_kind([code]),
            "first_working": Tally(published.filter(pk__in=first_working), "pk"),
            "first_members": Tally(published.filter(pk__in=first_members), "pk"),
        }
    )
    figures = {
        name: counts[name].get("n", 0) for name in ("working", "targeting", "members", "clusters")
    }
    figures["outcomes"] = sum(counts["outcomes"].values())
    figures["offices"] = counts["outcomes"].get(Outcome.Type.OFFICE, 0)
    return {
        "first_working": _ids(counts["first_working"]),
        "first_members": _ids(counts["first_members"]),
        "figures": figures,
        "origins": set(counts["origins"]),
        "regions": {int(region) for region in counts["regions"]},
        "engaged": describe_engagement_counts(counts["engaged"], code),
    }


def _published_sectors() -> dict[str, Sector]:
    """Every published sector by slug, read once until the data changes (a few dozen rows): a
    sector page's own row without a query."""
    return data_cache.cached(
        "published-sectors",
        (),
        lambda: {sector.slug: sector for sector in Sector.objects.published()},
        local=True,
    )


def _countries_by_code():
    """Every country, read once until the data changes: a country page's own row and its map's
    names, in one query for all the country pages."""
    return data_cache.cached(
        "countries", (), lambda: {c.code: c for c in Country.objects.all()}, local=True
    )


# Rows per list on a sector or country page, latest first (the outcome list's own order, along its
# index); the full lists are a link away.
DETAIL_ROWS = 25


def _first_ids(partnerships):
    """A subquery: the ids of the first rows in the list's order, one more than shown."""
    return partnerships.order_by("name", "pk").values("pk")[: DETAIL_ROWS + 1]


def _ids(tallied: dict[str, int]) -> list[int]:
    """The ids counted by a ``Tally(..., "pk")``, by id (the page reads them in its own order)."""
    return sorted(int(pk) for pk in tallied)
