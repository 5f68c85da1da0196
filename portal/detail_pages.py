"""The pages of one partnership, sector or country: each shows partnerships and their outcomes
together, so they are the portal's, above both apps. Their URL names stay in the partnerships
namespace (portal/urls.py)."""

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Case, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import DetailView

from core import data_cache, worldmap
from core.country_codes import normalise_country_code
from core.counts import Tally, count_together
from core.pagination import Excerpt
from outcomes.models import Outcome
from partnerships.models import (
    Cluster,
    Country,
    MemberCountry,
    Membership,
    Partnership,
    Region,
    Sector,
    describe_engagement_counts,
)
from portal import statistics


def _small_map(title, categories, names=None):
    names = statistics.all_country_names() if names is None else names
    return {
        "areas": worldmap.category_areas(categories, names),
        "legend": [(shade, label) for label, shade, category in categories if category],
        "map_size": (worldmap.WIDTH, worldmap.HEIGHT),
        "title": title,
    }


class PartnershipDetailView(DetailView):
    queryset = (
        Partnership.objects.published()
        .with_related()
        .select_related("related_partnership", "source")
    )

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        partnership = self.object
        outcomes = partnership.outcomes.published().with_related().in_date_order()
        members = {code for entry in partnership.member_countries.all() for code in entry.codes}
        firm, tentative = set(), set()
        for target in partnership.targets.all():
            codes = (
                {target.country_id}
                if target.country_id
                # Through a region, only its third countries are target markets.
                else {c.code for c in target.region.countries.all() if not c.is_eu_member}
            )
            (tentative if target.tentative else firm).update(codes)
        outcomes = list(outcomes)
        # A named member shows once its cluster is published: a coordinator's new cluster waits for an editor.
        memberships = list(
            partnership.memberships.published().select_related(
                "cluster__country", "cluster__cross_border_country"
            )
        )
        return super().get_context_data(
            outcomes_by_type=_group_by_type(outcomes),
            outcome_figures=_outcome_figures(partnership, outcomes),
            memberships=memberships,
            coordinator=next(
                (m for m in memberships if m.role == Membership.Role.COORDINATOR), None
            ),
            small_map=_small_map(
                gettext("Members and target markets of %(partnership)s")
                % {"partnership": partnership.display_name},
                [
                    (gettext("member countries"), worldmap.MEMBER_SHADE, members),
                    (gettext("target markets"), worldmap.TARGET_SHADE, firm),
                    (
                        gettext("possible target markets"),
                        worldmap.TENTATIVE_SHADE,
                        tentative - firm,
                    ),
                ],
            ),
            related=Partnership.objects.published()
            .filter(Q(pk=partnership.related_partnership_id) | Q(related_partnership=partnership))
            .exclude(pk=partnership.pk),
            **kwargs,
        )


def _outcome_figures(partnership, outcomes):
    """Its outcomes counted, all and by type, each with the outcome list of exactly those."""
    base = f"{reverse('outcomes:outcome-list')}?{urlencode({'partnership': partnership.slug})}"
    by_type = Counter(outcome.type for outcome in outcomes)
    return [(gettext("all outcomes"), len(outcomes), base)] + [
        (str(Outcome.Type(kind).label), n, f"{base}&{urlencode({'type': kind})}")
        for kind, n in sorted(by_type.items(), key=lambda item: list(Outcome.Type).index(item[0]))
    ]


def _group_by_type(outcomes):
    """[("Memoranda of Understanding (6)", [outcomes])] in the order of Outcome.Type, skipping empty types."""
    groups = {outcome_type: [] for outcome_type in Outcome.Type}
    for outcome in outcomes:
        groups[outcome.type].append(outcome)
    return [
        (
            gettext("%(type)s (%(count)s)") % {"type": Outcome.Type(t).label, "count": len(items)},
            items,
        )
        for t, items in groups.items()
        if items
    ]


class SectorDetailView(DetailView):
    queryset = Sector.objects.published()

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
            partnerships=Excerpt.of(
                Partnership.objects.published()
                .in_sectors([self.object.slug])
                .with_related()
                .order_by("name", "pk"),
                DETAIL_ROWS,
            ),
            outcomes=Excerpt.of(
                Outcome.objects.published().in_sectors([self.object.slug]).with_related(),
                DETAIL_ROWS,
            ),
            **kwargs,
        )


class CountryDetailView(DetailView):
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


@dataclass(frozen=True)
class CountryPage:
    """What a country's page shows besides the country: its figures, its map and the first rows
    of each list."""

    figures: dict[str, int]  # each a link to its list (country_figures)
    small_map: dict[str, Any]
    working: Excerpt[Partnership]  # each row with ``why``: "targets directly; 2 MoUs, 1 office"
    members: Excerpt[Partnership]
    outcomes: Excerpt[Outcome]
    offices: Excerpt[Outcome]
    clusters: Excerpt[Cluster]


def country_page(country: Country, countries: dict[str, Country] | None = None) -> CountryPage:
    """The figures, lists and map of a country's page: who works with it (its target market,
    directly or through a region, or where it has outcomes), who is there, what was done there.
    Its figures, the map's colours and the country's regions, the first offices, and every
    country's name (``countries``, where the caller has read them already) are kept until the
    data changes."""
    code = country.code
    published = Partnership.objects.published()
    working = published.working_with([code])
    # Each list shows its first rows and links to the full, filtered list; the two partnership
    # lists are read with their related rows in one go, each row marked with its lists. Which
    # regions hold the country is known, so the regions' countries are not read.
    first_working = _first_ids(working)
    first_members = _first_ids(published.with_member_country([code]))
    counted = data_cache.cached(
        "country-counts", code, lambda: _country_counts(code, published, first_working)
    )
    rows = list(
        published.filter(Q(pk__in=first_working) | Q(pk__in=first_members))
        .annotate(works_with_it=_is_in(first_working), member_here=_is_in(first_members))
        .order_by("name", "pk")
        .with_related(region_countries=False)
    )
    for row in rows:
        row.routes_here = ", ".join(row.routes_to(code, regions_with_it=counted["regions"]))
        targets = gettext("targets %(routes)s") % {"routes": row.routes_here}
        row.why = "; ".join(
            filter(None, [targets if row.routes_here else "", counted["engaged"].get(row.pk)])
        )
    outcomes = Excerpt.of(
        Outcome.objects.published().with_country([code]).with_related(), DETAIL_ROWS
    )
    # Kept until the data changes: the first offices lie further along the list's order than
    # the first outcomes, and read in one query with them the two lists cost a scan of the table.
    offices = Excerpt.of(
        data_cache.cached(
            "country-offices",
            code,
            lambda: list(
                Outcome.objects.published()
                .with_country([code])
                .of_type([Outcome.Type.OFFICE])
                .with_related()[: DETAIL_ROWS + 1]
            ),
        ),
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
        names={c.code: c.name for c in (countries or _countries_by_code()).values()},
    )
    return CountryPage(
        figures=counted["figures"],
        small_map=small_map,
        working=Excerpt.of([row for row in rows if row.works_with_it], DETAIL_ROWS),
        members=Excerpt.of([row for row in rows if row.member_here], DETAIL_ROWS),
        outcomes=outcomes,
        offices=offices,
        clusters=Excerpt.of(Cluster.objects.published().located_in([code]), DETAIL_ROWS),
    )


def _country_counts(code, published, first_working) -> dict[str, Any]:
    """What a country's page counts, in one UNION ALL query: its figures (each counted as the list
    it links to selects), the member countries of the partnerships working with it (for its map),
    the ids of the regions holding it as a third country (for how each targets it), and the
    outcomes there of the first partnerships listed (for why each is listed)."""
    working = published.working_with([code])
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
        }
    )
    figures = {
        name: counts[name].get("n", 0) for name in ("working", "targeting", "members", "clusters")
    }
    figures["outcomes"] = sum(counts["outcomes"].values())
    figures["offices"] = counts["outcomes"].get(Outcome.Type.OFFICE, 0)
    return {
        "figures": figures,
        "origins": set(counts["origins"]),
        "regions": {int(region) for region in counts["regions"]},
        "engaged": describe_engagement_counts(counts["engaged"]),
    }


def _countries_by_code():
    """Every country, read once until the data changes: a country page's own row and its map's
    names, in one query for all the country pages."""
    return data_cache.cached("countries", (), lambda: {c.code: c for c in Country.objects.all()})


# Rows per list on a sector or country page, latest first (the outcome list's own order, along its
# index); the full lists are a link away.
DETAIL_ROWS = 25


def _first_ids(partnerships):
    """A subquery: the ids of the first rows in the list's order, one more than shown."""
    return partnerships.order_by("name", "pk").values("pk")[: DETAIL_ROWS + 1]


def _is_in(ids):
    return Case(When(pk__in=ids, then=True), default=False, output_field=BooleanField())
