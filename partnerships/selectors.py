"""Why a partnership is in a list: the words of each row's "why" column, read for one page of rows.

The vocabulary is docs/data-model.md's: a partnership *targets* a country directly or through a
region (as one of the region's third countries), and *engages* with it where it has a published
outcome; it *works with* the country in either case.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.compiled_queries import rows_for
from partnerships.models import Partnership, Region, target_routes


def explain_rows(
    rows: Sequence[Partnership],
    *,
    target_countries: Iterable[str] = (),
    works_with: Iterable[str] = (),
    target_regions: Iterable[str] = (),
) -> None:
    """Set ``why`` on each row: how it targets each chosen country, its outcomes there (for
    ``works_with``), and how it reaches each chosen region. The rows come from
    ``partnerships.rows.table_rows()``, with their targets as values; this costs a query for the
    outcomes, one for the chosen regions and one for the third countries of the regions involved,
    whatever the rows."""
    target_countries, works_with = list(target_countries), list(works_with)
    codes = list(dict.fromkeys(target_countries + works_with))
    engaged = (
        Partnership.objects.filter(pk__in=[row.pk for row in rows]).engagements_in(works_with)
        if works_with and rows
        else {}
    )
    target_regions = list(target_regions)
    regions = (
        list(Region.objects.filter(slug__in=target_regions).values_list("pk", "name"))
        if target_regions
        else []
    )
    # The third countries of the targeted and chosen regions: a target reaches a country
    # through a region as one of the region's third countries.
    region_ids = {entry[2] for row in rows for entry in row.target_entries if entry[2]}
    region_ids.update(pk for pk, _name in regions)
    thirds = defaultdict(set)
    if region_ids and rows:
        for region_id, code in rows_for(
            third_countries, sorted(region_ids), using=rows[0]._state.db
        ):
            thirds[region_id].add(code)
    # For each chosen country, the regions holding it as a third country.
    holding = {code: {region for region, held in thirds.items() if code in held} for code in codes}
    for row in rows:
        reasons = []
        for code in codes:
            ways = reasons_for_country(
                row,
                code,
                engaged.get((row.pk, code), ""),
                routes=routes_of(row.target_entries, code, holding[code]),
            )
            if ways:
                reasons.append(
                    mark_safe(
                        gettext("%(country)s: %(ways)s")
                        % {"country": conditional_escape(code), "ways": conditional_escape(ways)}
                    )
                    if len(codes) > 1
                    else ways
                )
        for region_id, region_name in regions:
            reasons.extend(_how_it_reaches(row.target_entries, region_id, region_name, thirds))
        row.why = _listed(reasons)


def third_countries(*regions: int) -> QuerySet:
    """(region, country) of each country outside the EU in the ``regions``: through a region,
    only those are target markets. Its SQL is compiled once per number of regions
    (core/compiled_queries.py), not once a page."""
    return Region.countries.through.objects.filter(
        region__in=regions, country__is_eu_member=False
    ).values_list("region", "country")


def routes_of(entries: list[tuple], code: str, regions_with_it: set[int]) -> list[str]:
    """``Partnership.routes_to()`` of a row's target entries (``table_rows()``), the ids of the
    regions holding the country as a third country given."""
    return target_routes(
        (
            (target_code, region_id, region, tentative)
            for target_code, _country, region_id, region, _translation, tentative in entries
        ),
        code,
        regions_with_it.__contains__,
    )


def reasons_for_country(
    partnership: Partnership,
    code: str,
    engagements: str = "",
    *,
    regions_with_it=None,
    routes: list[str] | None = None,
) -> str:
    """ "targets directly", "targets through North Africa", "2 MoUs, 1 office", or several, as
    safe HTML: ``engagements`` (``engagements_in()``) links each count to its outcomes.

    ``regions_with_it`` as ``Partnership.routes_to()`` takes it; ``routes``, where the caller
    has them already, is what ``routes_to()`` answered."""
    if routes is None:
        routes = partnership.routes_to(code, regions_with_it=regions_with_it)
    ways = [gettext("targets %(routes)s") % {"routes": ", ".join(routes)}] if routes else []
    return _listed([*ways, engagements] if engagements else ways)


def _listed(reasons) -> str:
    """Reasons joined by semicolons, as safe HTML: plain words escaped, linked counts kept (as
    format_html_join would write them, without its wrappers: twice a row)."""
    return SafeString("; ".join(map(conditional_escape, reasons)))


def _how_it_reaches(
    entries: list[tuple], region_id: int, region: str, thirds: dict[int, set[str]]
) -> list[str]:
    """How a row's targets (``table_rows()``'s entries) reach a region: "targets North Africa",
    "targets Tunisia, Morocco (in North Africa)", "through Mediterranean Region (shares third
    countries with North Africa)"."""
    ways, countries = [], []
    for code, country, other_id, other, _translation, _tentative in entries:
        if other_id == region_id:
            ways.append(gettext("targets %(region)s") % {"region": region})
        elif code in thirds[region_id]:
            countries.append(country)
        elif other_id and thirds[other_id] & thirds[region_id]:
            ways.append(
                gettext("through %(other)s (shares third countries with %(region)s)")
                % {"other": other, "region": region}
            )
    if countries:
        ways.append(
            gettext("targets %(countries)s (in %(region)s)")
            % {"countries": ", ".join(countries), "region": region}
        )
    return ways
