"""What a partnership's page shows of its related rows (sectors, member countries, targets, named
members, related partnerships), read as the values it shows.

The page read them as model objects: four prefetches and two more queries, each built and
compiled by the ORM on every render (about a millisecond of CPU each, more than the database
took to answer), then read through lookups in the template. Here each is a ``values_list()``
query of the partnership's id, compiled once per language (core/compiled_queries.py), and the
names and links are made once, in Python.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Subquery
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from core.compiled_queries import rows_for
from core.translated import in_language, in_reader_language, reader_language
from core.url_patterns import url_of
from partnerships.models import (
    MemberCountry,
    Membership,
    Partnership,
    Sector,
    Source,
    TargetMarket,
    display_name,
)
from partnerships.selectors import third_countries


@dataclass(frozen=True, slots=True)
class Target:
    """A target market as the page names it: a country (linked) or a region."""

    code: str  # the country's code, "" for a region
    url: str  # the country's page, "" for a region
    name: SafeString | str  # the country's name, or the region's as shown (English marked)
    tentative: bool
    english_name: str  # the region's English name, for the JSON-LD


@dataclass(frozen=True, slots=True)
class Member:
    """A named member cluster, as the members' table shows it."""

    url: str
    label: str  # as Cluster.__str__: "Name (ACRONYM)"
    name: str
    country: str
    cross_border_country: str  # "" where there is none
    city: str
    website: str
    role: str  # its name, in the reader's language
    is_coordinator: bool


@dataclass(frozen=True, slots=True)
class Related:
    url: str
    name: str  # as Partnership.display_name
    kind: str  # its name, in the reader's language


@dataclass(frozen=True)
class PartnershipPage:
    """A partnership and what its page shows of its related rows (``read``)."""

    partnership: Partnership
    sector_names: list[str]  # in the reader's language
    english_sector_names: list[str]
    sector_links: SafeString  # each linked to the sector's page, separated by commas
    member_countries: list[tuple[str, str]]  # (its name, the cross-border country's or "")
    member_codes: set[str]
    targets: list[Target]
    target_codes: set[str]  # firm targets, a region's as its third countries
    tentative_codes: set[str]
    members: list[Member]  # the named member clusters the page shows
    related: list[Related]


# Every column of a partnership and of its source: the page's record, read as the ORM reads it
# with select_related("source"), by SQL compiled once.
_PARTNERSHIP_COLUMNS = [field.attname for field in Partnership._meta.concrete_fields]
_SOURCE_COLUMNS = [field.attname for field in Source._meta.concrete_fields]


def _published_by_slug(slug: str) -> QuerySet:
    return (
        Partnership.objects.published()
        .filter(slug=slug)
        .values_list(*_PARTNERSHIP_COLUMNS, *(f"source__{column}" for column in _SOURCE_COLUMNS))
    )


def published_partnership(slug: str, *, using: str) -> Partnership | None:
    """The published partnership ``slug`` with its source, or None."""
    rows = rows_for(_published_by_slug, [slug], using=using)
    if not rows:
        return None
    values = rows[0]
    partnership = Partnership.from_db(
        using, _PARTNERSHIP_COLUMNS, values[: len(_PARTNERSHIP_COLUMNS)]
    )
    source = None
    if partnership.source_id is not None:
        source = Source.from_db(using, _SOURCE_COLUMNS, values[len(_PARTNERSHIP_COLUMNS) :])
    Partnership._meta.get_field("source").set_cached_value(partnership, source)
    return partnership


def _sectors(partnership: int) -> QuerySet:
    return Sector.objects.filter(partnerships=partnership).values_list(
        "slug", "name", in_language("name")
    )


def _member_countries(partnership: int) -> QuerySet:
    return MemberCountry.objects.filter(partnership=partnership).values_list(
        "country",
        "country__name",
        in_language("country__name"),
        "cross_border_country",
        "cross_border_country__name",
        in_language("cross_border_country__name"),
    )


def _targets(partnership: int) -> QuerySet:
    return TargetMarket.objects.filter(partnership=partnership).values_list(
        "country",
        "country__name",
        in_language("country__name"),
        "region",
        "region__name",
        in_language("region__name"),
        "tentative",
    )


def published_members(partnership: int) -> QuerySet:
    """The named members a page shows: a cluster once it is published (a coordinator's new
    cluster waits for an editor)."""
    return member_columns(Membership.objects.published().filter(partnership=partnership))


def member_columns(memberships: QuerySet) -> QuerySet:
    """What the page reads of each of ``memberships``."""
    return memberships.values_list(
        "role",
        "cluster__slug",
        "cluster__name",
        "cluster__acronym",
        "cluster__city",
        "cluster__website",
        "cluster__country__name",
        in_language("cluster__country__name"),
        "cluster__cross_border_country",
        "cluster__cross_border_country__name",
        in_language("cluster__cross_border_country__name"),
    )


def _related(partnership: int) -> QuerySet:
    """The published partnerships related to ``partnership``: the one it names, and those
    naming it."""
    named = Partnership.objects.filter(pk=partnership).values("related_partnership")[:1]
    return (
        Partnership.objects.published()
        # "= (subquery)", one value: with "IN (subquery)" beside the OR, PostgreSQL read every
        # partnership (3 ms over 10,000); with "=", two index probes (0.2 ms).
        .filter(Q(pk=Subquery(named)) | Q(related_partnership=partnership))
        .exclude(pk=partnership)
        .values_list("slug", "name", in_language("name"), "acronym", "kind")
    )


def _name(english: str, translation: str | None) -> str:
    """A name in the reader's language, else the English one (as the model's attribute reads)."""
    return translation or english


def read(partnership: Partnership, members=published_members) -> PartnershipPage:
    """What the page shows of ``partnership``'s related rows, read from where it was read;
    ``members``: a query of its id giving the named members as ``published_members`` does."""
    using, language = partnership._state.db, reader_language()

    def rows(query) -> list[tuple]:
        return rows_for(query, [partnership.pk], using=using, variant=language)

    # (slug, English name, the name shown): as Sector.__str__, its translation or the English.
    sectors = [(slug, name, _name(name, translation)) for slug, name, translation in rows(_sectors)]
    sector_url = url_of("partnerships:sector-detail")
    country_url = url_of("partnerships:country-detail")
    member_countries, member_codes = [], set()
    for code, name, translation, other, other_name, other_translation in rows(_member_countries):
        member_countries.append(
            (_name(name, translation), _name(other_name, other_translation) if other else "")
        )
        member_codes.update((code, other) if other else (code,))
    targets = rows(_targets)
    regions = sorted({region for _c, _n, _t, region, *_rest in targets if region})
    thirds: dict[int, set[str]] = {}
    if regions:
        for region, code in rows_for(third_countries, regions, using=using):
            thirds.setdefault(region, set()).add(code)
    shown, firm, tentative = [], set(), set()
    for code, name, translation, region, region_name, region_translation, possibly in targets:
        shown.append(
            Target(
                code=code or "",
                url=country_url(code) if code else "",
                name=_name(name, translation)
                if code
                else in_reader_language(region_translation, region_name),
                tentative=possibly,
                english_name=region_name or "",
            )
        )
        (tentative if possibly else firm).update({code} if code else thirds.get(region, set()))
    cluster_url = url_of("partnerships:cluster-detail")
    roles = dict(Membership.Role.choices)
    members = [
        Member(
            url=cluster_url(slug),
            label=f"{name} ({acronym})" if acronym else name,
            name=name,
            country=_name(country, country_translation),
            cross_border_country=_name(other, other_translation) if other_code else "",
            city=city,
            website=website,
            role=str(roles.get(role, role)),
            is_coordinator=role == Membership.Role.COORDINATOR,
        )
        for (
            role,
            slug,
            name,
            acronym,
            city,
            website,
            country,
            country_translation,
            other_code,
            other,
            other_translation,
        ) in rows(members)
    ]
    partnership_url = url_of("partnerships:partnership-detail")
    kinds = dict(Partnership.Kind.choices)
    related = []
    for slug, name, translation, acronym, kind in rows(_related):
        name = _name(name, translation)
        related.append(
            Related(
                url=partnership_url(slug),
                name=display_name(name, acronym),
                kind=str(kinds.get(kind, kind)),
            )
        )
    return PartnershipPage(
        partnership=partnership,
        sector_names=[shown for _slug, _english, shown in sectors],
        english_sector_names=[name for _slug, name, _shown in sectors],
        sector_links=format_html_join(
            ", ", '<a href="{}">{}</a>', ((sector_url(slug), shown) for slug, _n, shown in sectors)
        ),
        member_countries=member_countries,
        member_codes=member_codes,
        targets=shown,
        target_codes=firm,
        tentative_codes=tentative - firm,
        members=members,
        related=related,
    )
