"""Why a partnership is in a list: the words of each row's "why" column, read for one page of rows.

The vocabulary is docs/data-model.md's: a partnership *targets* a country directly or through a
region (as one of the region's third countries), and *engages* with it where it has a published
outcome; it *works with* the country in either case.
"""

from collections.abc import Iterable, Sequence

from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from partnerships.models import Partnership, Region


def explain_rows(
    rows: Sequence[Partnership],
    *,
    target_countries: Iterable[str] = (),
    works_with: Iterable[str] = (),
    target_regions: Iterable[str] = (),
) -> None:
    """Set ``why`` on each row: how it targets each chosen country, its outcomes there (for
    ``works_with``), and how it reaches each chosen region. The rows come from ``with_related()``;
    this costs a query for the outcomes and one for the chosen regions, whatever the rows."""
    target_countries, works_with = list(target_countries), list(works_with)
    codes = list(dict.fromkeys(target_countries + works_with))
    engaged = (
        Partnership.objects.filter(pk__in=[row.pk for row in rows]).engagements_in(works_with)
        if works_with and rows
        else {}
    )
    target_regions = list(target_regions)
    regions = (
        list(Region.objects.filter(slug__in=target_regions).prefetch_related("countries"))
        if target_regions
        else []
    )
    for row in rows:
        reasons = []
        for code in codes:
            ways = reasons_for_country(row, code, engaged.get((row.pk, code), ""))
            if ways:
                reasons.append(
                    mark_safe(
                        gettext("%(country)s: %(ways)s")
                        % {"country": conditional_escape(code), "ways": conditional_escape(ways)}
                    )
                    if len(codes) > 1
                    else ways
                )
        for region in regions:
            reasons.extend(how_it_reaches(row, region))
        row.why = _listed(reasons)


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
    """Reasons joined by semicolons, as safe HTML: plain words escaped, linked counts kept."""
    return format_html_join("; ", "{}", ((reason,) for reason in reasons))


def how_it_reaches(partnership: Partnership, region: Region) -> list[str]:
    """How a partnership targets a region: "targets North Africa", "targets Tunisia, Morocco (in
    North Africa)", "through Mediterranean Region (shares third countries with North Africa)"."""
    thirds = {country.code for country in region.countries.all() if not country.is_eu_member}
    ways, countries = [], []
    for target in partnership.targets.all():
        if target.region_id == region.pk:
            ways.append(gettext("targets %(region)s") % {"region": region.name})
        elif target.country_id in thirds:
            countries.append(target.country.name)
        elif target.region_id and any(
            country.code in thirds for country in target.region.countries.all()
        ):
            ways.append(
                gettext("through %(other)s (shares third countries with %(region)s)")
                % {"other": target.region.name, "region": region.name}
            )
    if countries:
        ways.append(
            gettext("targets %(countries)s (in %(region)s)")
            % {"countries": ", ".join(countries), "region": region.name}
        )
    return ways
