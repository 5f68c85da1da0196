"""The rows of a partnership table (the list page, a sector's or country's page), prepared with
what the table shows.

The template used to read each row's sectors, member countries and targets through includes,
lookups and prefetched model objects (the targeted regions' countries among them: hundreds of
objects a page), and reverse() each link: most of a page's rendering. Here the related rows are
read as plain values, three queries for any number of rows (a fourth for how the rows target
chosen countries), and each row's cells are written once, so the template only places them.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.url_patterns import url_of
from partnerships.models import MemberCountry, Partnership, Region, TargetMarket


@dataclass(frozen=True, slots=True)
class Cells:
    """What a table row shows of one partnership; the markup is escaped here."""

    url: str
    sectors: str
    declared: str
    member_countries: SafeString  # '<abbr title="France">FR</abbr>, ...', or ""
    targets: SafeString  # the targeted countries (linked) and regions, or "" when none is named
    routes: dict[str, str]  # how it targets each chosen country: "directly", "through …", ""

    @property
    def routes_lines(self) -> SafeString:
        """ "US: directly<br>CN: through Asia", a line per chosen country."""
        return mark_safe(
            "<br>".join(
                format_html("{}: {}", code, routes) if routes else ""
                for code, routes in self.routes.items()
            )
        )


def table_rows(
    partnerships: Iterable[Partnership],
    *,
    target_countries: Sequence[str] = (),
    regions_with: dict[str, set[int]] | None = None,
) -> list[Partnership]:
    """``partnerships``, each with its ``cells``; a queryset's own prefetches are not read.

    ``target_countries``: the chosen countries, for the column that says how each row targets
    them; ``regions_with``: the ids of the regions that contain each, where the caller knows."""
    if isinstance(partnerships, QuerySet):
        partnerships = partnerships.prefetch_related(None)
    rows = list(partnerships)
    ids = [row.pk for row in rows]
    sectors, members, targets = defaultdict(list), defaultdict(list), defaultdict(list)
    for partnership_id, name in (
        Partnership.sectors.through.objects.filter(partnership__in=ids)
        .order_by("sector__name", "sector")
        .values_list("partnership", "sector__name")
    ):
        sectors[partnership_id].append(name)
    for partnership_id, *entry in MemberCountry.objects.filter(partnership__in=ids).values_list(
        "partnership",
        "country",
        "country__name",
        "cross_border_country",
        "cross_border_country__name",
    ):
        members[partnership_id].append(entry)
    for partnership_id, *target in TargetMarket.objects.filter(partnership__in=ids).values_list(
        "partnership", "country", "country__name", "region", "region__name", "tentative"
    ):
        targets[partnership_id].append(target)
    if regions_with is None:
        regions_with = _regions_with(target_countries)

    partnership_url = url_of("partnerships:partnership-detail")
    country_url = url_of("partnerships:country-detail")
    possibly = format_html(
        ' <span class="badge text-bg-light border">{}</span>', gettext("possibly")
    )
    for row in rows:
        row.cells = Cells(
            url=partnership_url(row.slug),
            sectors=", ".join(sectors[row.pk]),
            declared=row.declared_counts,
            member_countries=format_html_join(
                ", ", '<abbr title="{}">{}</abbr>', map(_member, members[row.pk])
            ),
            targets=mark_safe(
                ", ".join(
                    (
                        format_html('<a href="{}">{}</a>', country_url(code), country)
                        if code
                        else format_html("{}", region)
                    )
                    + (possibly if tentative else "")
                    for code, country, _, region, tentative in targets[row.pk]
                )
            ),
            routes={
                code: _routes(targets[row.pk], code, regions_with[code])
                for code in target_countries
            },
        )
    return rows


def _member(entry) -> tuple[str, str]:
    """(the title, the label "SE-DK") of a member country entry."""
    code, name, other_code, other_name = entry
    if not other_code:
        return name, code
    other = gettext("and %(other)s (one cross-border member)") % {"other": other_name}
    return f"{name} {other}", f"{code}-{other_code}"


def _regions_with(codes) -> dict[str, set[int]]:
    """The ids of the regions that contain each country."""
    regions = defaultdict(set)
    if codes:
        for region, code in Region.countries.through.objects.filter(country__in=codes).values_list(
            "region", "country"
        ):
            regions[code].add(region)
    return regions


def _routes(targets, code, regions_with_it) -> str:
    """How a partnership targets a country, as ``Partnership.routes_to()`` says it."""
    routes = []
    for country, _, region, region_name, tentative in targets:
        if country == code:
            routes.append(gettext("possibly, directly") if tentative else gettext("directly"))
        elif region in regions_with_it:
            routes.append(gettext("through %(region)s") % {"region": region_name})
    return ", ".join(routes)
