"""The rows of a partnership table (the list page, a sector's or country's page), prepared with
what the table shows.

The template used to read each row's sectors, member countries and targets through includes,
lookups and prefetched model objects (the targeted regions' countries among them: hundreds of
objects a page), and reverse() each link: most of a page's rendering. Here the related rows are
read as plain values, three queries for any number of rows, and each row's cells are written
once, so the template only places them. Why a row is listed is partnerships/selectors.py's.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.translated import (
    in_language,
    in_reader_language,
    in_reader_language_list,
    translated,
    translation_of,
)
from core.url_patterns import url_of
from partnerships.models import MemberCountry, Partnership, TargetMarket


@dataclass(frozen=True, slots=True)
class Cells:
    """What a table row shows of one partnership; the markup is escaped here."""

    url: str
    name: SafeString  # the name in the reader's language (the English one marked), and acronym
    sectors: SafeString
    declared: str
    member_countries: SafeString  # '<abbr title="France">FR</abbr>, ...', or ""
    targets: SafeString  # the targeted countries (linked) and regions, or "" when none is named


def table_rows(partnerships: Iterable[Partnership]) -> list[Partnership]:
    """``partnerships``, each with its ``cells``; a queryset's own prefetches are not read."""
    if isinstance(partnerships, QuerySet):
        partnerships = partnerships.prefetch_related(None)
    rows = list(partnerships)
    ids = [row.pk for row in rows]
    sectors, members, targets = defaultdict(list), defaultdict(list), defaultdict(list)
    # Names in the reader's language: the translation's column beside the English one.
    for partnership_id, name, translation in (
        Partnership.sectors.through.objects.filter(partnership__in=ids)
        .order_by("sector__name", "sector")
        .values_list("partnership", "sector__name", in_language("sector__name"))
    ):
        sectors[partnership_id].append((translation, name))
    for partnership_id, *entry in MemberCountry.objects.filter(partnership__in=ids).values_list(
        "partnership",
        "country",
        in_language("country__name"),
        "cross_border_country",
        in_language("cross_border_country__name"),
    ):
        members[partnership_id].append(entry)
    if rows and all("targets" in getattr(row, "_prefetched_objects_cache", {}) for row in rows):
        # Prefetched by the caller, with their country and region, to say why each row is listed.
        for row in rows:
            targets[row.pk] = [_target(target) for target in row.targets.all()]
    else:
        for partnership_id, *target in TargetMarket.objects.filter(partnership__in=ids).values_list(
            "partnership",
            "country",
            in_language("country__name"),
            "region",
            "region__name",
            in_language("region__name"),
            "tentative",
        ):
            targets[partnership_id].append(target)

    partnership_url = url_of("partnerships:partnership-detail")
    country_url = url_of("partnerships:country-detail")
    possibly = format_html(
        ' <span class="badge text-bg-light border">{}</span>', gettext("possibly")
    )
    for row in rows:
        row.cells = Cells(
            url=partnership_url(row.slug),
            name=_name(row),
            sectors=in_reader_language_list(sectors[row.pk]),
            declared=row.declared_counts,
            member_countries=format_html_join(
                ", ", '<abbr title="{}">{}</abbr>', map(_member, members[row.pk])
            ),
            targets=mark_safe(
                ", ".join(
                    (
                        format_html('<a href="{}">{}</a>', country_url(code), country)
                        if code
                        else in_reader_language(region_translation, region)
                    )
                    + (possibly if tentative else "")
                    for code, country, _, region, region_translation, tentative in targets[row.pk]
                )
            ),
        )
    return rows


def _member(entry) -> tuple[str, str]:
    """(the title, the label "SE-DK") of a member country entry."""
    code, name, other_code, other_name = entry
    if not other_code:
        return name, code
    other = gettext("and %(other)s (one cross-border member)") % {"other": other_name}
    return f"{name} {other}", f"{code}-{other_code}"


def _name(partnership: Partnership) -> SafeString:
    """The name in the reader's language, or the English one marked, and the acronym."""
    name = translated(partnership, "name")
    if not partnership.acronym:
        return name
    return format_html("{} - {}", name, partnership.acronym)


def _target(target: TargetMarket) -> tuple:
    """A prefetched target as the values the table reads: (code, country, region id, region, its
    translation, tentative)."""
    return (
        target.country_id,
        target.country.name if target.country_id else None,
        target.region_id,
        target.region.name if target.region_id else None,
        translation_of(target.region, "name") if target.region_id else None,
        target.tentative,
    )
