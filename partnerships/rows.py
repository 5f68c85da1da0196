"""The rows of a partnership table (the list page, a sector's or country's page), prepared with
what the table shows.

The template used to read each row's sectors, member countries and targets through includes,
lookups and prefetched model objects (the targeted regions' countries among them: hundreds of
objects a page), and reverse() each link: most of a page's rendering. Here the related rows are
read as plain values, three small queries for any number of rows whose SQL is compiled once per
process (core/compiled_queries.py: the ORM's compilation cost more than the database's answer),
and each row's cells are written once, escaped with the standard library's html.escape (what
Django's escape() calls, without its wrappers), so that the template only places them. The
cells are kept until the data changes, so that a table usually reads them in one read of the
cache instead. Why a row is listed is partnerships/selectors.py's.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from core import data_cache
from core.compiled_queries import rows_for
from core.translated import (
    in_language,
    in_reader_language,
    in_reader_language_list,
    kept_per_language,
    reader_language,
    translated,
    translation_of,
)
from core.url_patterns import url_of
from partnerships.models import Cluster, MemberCountry, Partnership, TargetMarket


@dataclass(frozen=True, slots=True)
class Cells:
    """What a table row shows of one partnership; the markup is escaped here."""

    url: str
    name: SafeString  # the name in the reader's language (the English one marked), and acronym
    kind: str  # "European Strategic Cluster Partnership", in the reader's language
    sectors: SafeString
    declared: str
    member_countries: SafeString  # '<abbr title="France">FR</abbr>, ...', or ""
    targets: SafeString  # the targeted countries (linked) and regions, or "" when none is named


def _sectors(*ids: int) -> QuerySet:
    """(partnership, English name, translation) of each sector of the partnerships ``ids``."""
    return (
        Partnership.sectors.through.objects.filter(partnership__in=ids)
        .order_by("sector__name", "sector")
        .values_list("partnership", "sector__name", in_language("sector__name"))
    )


def _members(*ids: int) -> QuerySet:
    """(partnership, code, name, cross-border code, its name) of each member country entry."""
    return MemberCountry.objects.filter(partnership__in=ids).values_list(
        "partnership",
        "country",
        in_language("country__name"),
        "cross_border_country",
        in_language("cross_border_country__name"),
    )


def _targets(*ids: int) -> QuerySet:
    """(partnership, code, country, region id, region, its translation, tentative) of each
    target."""
    return TargetMarket.objects.filter(partnership__in=ids).values_list(
        "partnership",
        "country",
        in_language("country__name"),
        "region",
        "region__name",
        in_language("region__name"),
        "tentative",
    )


def table_columns() -> list[str]:
    """What ``table_rows()`` and a row's ``display_name`` read of a partnership, for a page to
    read no other column (``only()``): a partnership object with all its columns, translations
    included, cost about 40 µs to make."""
    return [
        "slug",
        "name",
        in_language("name"),
        "acronym",
        "kind",
        "partner_count",
        "country_count",
    ]


def table_rows(partnerships: Iterable[Partnership]) -> list[Partnership]:
    """``partnerships``, each with its ``cells``, and its ``target_entries``: (code, country,
    region id, region, its translation, tentative) of each target. A queryset's own prefetches
    are not read.

    A partnership's cells and targets are the same in every table that lists it: they are kept
    until the data changes (per language, as every kept value is), and read for a whole table in
    one read of the cache. Only those not kept are read from the database, in three queries."""
    if isinstance(partnerships, QuerySet):
        partnerships = partnerships.prefetch_related(None)
    rows = list(partnerships)
    if not rows:
        return rows
    by_id = {row.pk: row for row in rows}
    prepared = data_cache.cached_many(
        "partnership-row", by_id, lambda ids: _prepared([by_id[pk] for pk in ids])
    )
    for row in rows:
        row.cells, row.target_entries = prepared[row.pk]
    return rows


def _prepared(rows: list[Partnership]) -> dict[int, tuple[Cells, list[tuple]]]:
    """The cells and target entries of each of ``rows``, by id: the related rows read as values,
    in three queries for any number of rows."""
    ids = [row.pk for row in rows]
    # Read from where the rows were read (one snapshot with them); the columns in the reader's
    # language beside the English ones.
    using, language = rows[0]._state.db, reader_language()
    sectors, members, targets = defaultdict(list), defaultdict(list), defaultdict(list)
    for partnership_id, name, translation in rows_for(_sectors, ids, using=using, variant=language):
        sectors[partnership_id].append((translation, name))
    for partnership_id, *entry in rows_for(_members, ids, using=using, variant=language):
        members[partnership_id].append(entry)
    if all("targets" in getattr(row, "_prefetched_objects_cache", {}) for row in rows):
        # Prefetched by the caller, with their country and region, to say why each row is listed.
        for row in rows:
            targets[row.pk] = [_target(target) for target in row.targets.all()]
    else:
        for partnership_id, *target in rows_for(_targets, ids, using=using, variant=language):
            targets[partnership_id].append(tuple(target))

    partnership_url = url_of("partnerships:partnership-detail")
    country_url = url_of("partnerships:country-detail")
    kinds = {value: str(label) for value, label in Partnership.Kind.choices}
    possibly = ' <span class="badge text-bg-light border">{}</span>'.format(
        escape(gettext("possibly"))
    )
    written = {}  # The same targets recur down a table: each is written once.

    def target_link(target) -> str:
        if target not in written:
            code, country, _, region, region_translation, tentative = target
            written[target] = (
                f'<a href="{escape(country_url(code))}">{escape(str(country))}</a>'
                if code
                else in_reader_language(region_translation, region)
            ) + (possibly if tentative else "")
        return written[target]

    return {
        row.pk: (
            Cells(
                url=partnership_url(row.slug),
                name=_name(row),
                kind=kinds.get(row.kind, row.kind),
                sectors=in_reader_language_list(sectors[row.pk]),
                declared=row.declared_counts,
                member_countries=member_countries(members[row.pk]),
                targets=SafeString(", ".join(map(target_link, targets[row.pk]))),
            ),
            # What partnerships/selectors.py's explain_rows() reads of the targets.
            targets[row.pk],
        )
        for row in rows
    }


def member_countries(entries: Iterable[tuple]) -> SafeString:
    """'<abbr title="France">FR</abbr>, <abbr title="Sweden and Denmark (one cross-border
    member)">SE-DK</abbr>' of (code, name, cross-border code, its name) entries."""
    language = get_language()
    return SafeString(", ".join(_abbr(*entry, language) for entry in entries))


@kept_per_language(maxsize=4096)
def _abbr(code: str, name: str, other_code: str | None, other_name: str | None, language) -> str:
    """A member country entry's markup in the active language, ``language``: made once, not in
    every row that names the country (a member entry's values are its cache key)."""
    title, label = _member(code, name, other_code, other_name)
    return f'<abbr title="{escape(str(title))}">{escape(label)}</abbr>'


def _member(code, name, other_code, other_name) -> tuple[str, str]:
    """(the title, the label "SE-DK") of a member country entry."""
    if not other_code:
        return name, code
    other = gettext("and %(other)s (one cross-border member)") % {"other": other_name}
    return f"{name} {other}", f"{code}-{other_code}"


def _name(partnership: Partnership) -> SafeString:
    """The name in the reader's language, or the English one marked, and the acronym."""
    name = translated(partnership, "name")
    if not partnership.acronym:
        return name
    return SafeString(f"{name} - {escape(partnership.acronym)}")


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


@dataclass(frozen=True, slots=True)
class DeclaredRow:
    """A row of the clusters page's table of declared members, as plain values."""

    url: str
    name: str
    partner_count: int
    member_countries: SafeString


def declared_rows(partnerships: Iterable[Partnership]) -> list[DeclaredRow]:
    """A row for each of ``partnerships`` (with their member countries prefetched, with the
    countries), in the reader's language."""
    partnership_url = url_of("partnerships:partnership-detail")
    return [
        DeclaredRow(
            url=partnership_url(row.slug),
            name=row.display_name,
            partner_count=row.partner_count,
            member_countries=member_countries(
                (
                    entry.country_id,
                    entry.country.name,
                    entry.cross_border_country_id,
                    entry.cross_border_country.name if entry.cross_border_country_id else None,
                )
                for entry in row.member_countries.all()
            ),
        )
        for row in partnerships
    ]


@dataclass(frozen=True, slots=True)
class ClusterCells:
    """What a row of the cluster table shows of one cluster."""

    url: str
    name: str
    country: SafeString  # "Sweden and Denmark", in the reader's language
    label: str  # the excellence label's name, or ""


def cluster_rows(clusters: Iterable[Cluster]) -> list[Cluster]:
    """``clusters`` (with their country and cross-border country), each with its ``cells``."""
    cluster_url = url_of("partnerships:cluster-detail")
    labels = {value: str(label) for value, label in Cluster.Label.choices}
    rows = list(clusters)
    for cluster in rows:
        country = escape(cluster.country.name)
        if cluster.cross_border_country_id:
            # As {% blocktranslate %} writes it: the name escaped, the translation as it is.
            other = gettext("and %(other)s") % {"other": escape(cluster.cross_border_country.name)}
            country = f"{country} {other}"
        cluster.cells = ClusterCells(
            url=cluster_url(cluster.slug),
            name=str(cluster),
            country=SafeString(country),
            label=labels.get(cluster.label, cluster.label),
        )
    return rows
