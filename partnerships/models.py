"""Partnerships, the clusters that form them, and where they take their members.

A partnership's members are known in two ways, because that is how the data
arrives: the declared counts and member countries ("11 from 10 countries (DK,
IT, ...)") that every overview gives, and the named member clusters that a
partnership publishes later. The portal keeps both; see docs/data-model.md.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Self
from urllib.parse import urlencode

import reversion
from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import review
from core.country_codes import normalise_country_code
from core.counts import DistinctTally, Tally
from core.translated import (
    EnglishColumns,
    EnglishOriginal,
    collated,
    in_any_language,
    localized,
    translation_of,
)
from partnerships import search
from partnerships.search import ReadSearch


def publication_time(published_at, is_published) -> datetime.datetime | None:
    """When a record was first published: kept while it stays published, cleared for a draft."""
    return (published_at or timezone.now()) if is_published else None


class Publishable:
    """For models with is_published and published_at: one rule for both, wherever they are set."""

    def set_published(self, is_published: bool, *, withdrawn: bool = True) -> None:
        """Publish or unpublish, keeping the review columns true to it (core/review.py)."""
        review.mark_published(self, is_published, withdrawn=withdrawn)
        self.is_published = is_published
        self.published_at = publication_time(self.published_at, is_published)

    @property
    def status(self) -> review.Status:
        return review.status_of(self)


class Source(models.Model):
    """A document the portal's facts come from, named on every record it gave."""

    slug = models.SlugField(unique=True, max_length=100, verbose_name=_("slug"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    author = models.CharField(max_length=200, blank=True, verbose_name=_("author"))
    publisher = models.CharField(max_length=300, blank=True, verbose_name=_("publisher"))
    event = models.CharField(max_length=300, blank=True, verbose_name=_("event"))
    date = models.DateField(
        null=True,
        blank=True,
        help_text=_("When the source was published or presented."),
        verbose_name=_("date"),
    )
    url = models.URLField(
        blank=True, help_text=_("Where the source can be read, if online."), verbose_name=_("url")
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        # The month in the reader's language: "October 2013".
        return f"{self.title} ({date_format(self.date, 'F Y')})" if self.date else self.title

    def citation(self, page: str = "", *, date_text: Callable | None = None) -> str:
        """Title, publisher, date and the page or slide, those known, joined by commas: the same
        words on the pages (the date in the reader's language) and in exports (ISO 8601)."""
        day = None
        if self.date:
            day = date_text(self.date) if date_text else date_format(self.date)
        return ", ".join(part for part in (self.title, self.publisher, day, page) if part)


class Sourced:
    """For models with source, source_page and as_of: where a record's facts come from, and when
    they were current (docs/data-model.md, Provenance)."""

    @property
    def citation(self) -> str:
        return self.source.citation(self.source_page) if self.source_id else ""

    def export_citation(self) -> str:
        """The citation as the exports write it, the source's date in ISO 8601."""
        if not self.source_id:
            return ""
        return self.source.citation(self.source_page, date_text=datetime.date.isoformat)

    def clean_provenance(self, errors: dict) -> None:
        if self.as_of and self.as_of > timezone.localdate():
            errors["as_of"] = _("Information cannot be as of a date in the future.")
        if self.source_page and not self.source_id:
            errors["source_page"] = _("Name the source that this page or slide belongs to.")


def provenance_fields() -> tuple[models.CharField, models.DateField]:
    """The page or slide and the as-of date, the same on every sourced model."""
    return (
        models.CharField(
            _("page or slide"),
            max_length=200,
            blank=True,
            help_text=_("Where in the source, e.g. “p. 12” or “slide 4”."),
        ),
        models.DateField(
            _("information as of"),
            null=True,
            blank=True,
            help_text=_(
                "When the information was current: usually the source's date. Shown as "
                "“Information as of …” on the public page."
            ),
        ),
    )


# What the forms accept, kept by the database too, for imports and scripts: a website is an http(s)
# address, a contact one address (the forms' validators check the rest).
WEB_ADDRESS = r"^https?://\S+$"
EMAIL_ADDRESS = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
web_address_validator = URLValidator(schemes=["http", "https"])


def address_rule(field: str, pattern: str, name: str, message) -> models.CheckConstraint:
    """``field`` is empty or matches ``pattern``."""
    return models.CheckConstraint(
        condition=Q(**{field: ""}) | Q(**{f"{field}__regex": pattern}),
        name=name,
        violation_error_message=message,
    )


class SectorQuerySet(EnglishColumns, models.QuerySet):
    def published(self) -> Self:
        """The sectors of published partnerships: a sector only drafts use is not shown."""
        through = Partnership.sectors.through.objects.filter(partnership__is_published=True)
        return self.filter(pk__in=through.values("sector"))

    def annotate_published_partnership_counts(self) -> Self:
        published = Q(partnerships__is_published=True)
        return self.annotate(partnership_count=models.Count("partnerships", filter=published))

    def with_published_partnership_counts(self) -> Self:
        """The sectors that have published partnerships, with how many, by name.

        By name explicitly: Django leaves Meta.ordering out of a query with GROUP BY, and the
        rows then came in whatever order PostgreSQL's aggregate gave them.
        """
        return (
            self.annotate_published_partnership_counts()
            .filter(partnership_count__gt=0)
            .order_by("name")
        )


class Sector(EnglishOriginal, models.Model):
    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    slug = models.SlugField(unique=True, max_length=120, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return translation_of(self, "name") or self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:sector-detail", args=[self.slug])


class CountryQuerySet(EnglishColumns, models.QuerySet):
    def eu_members(self) -> Self:
        return self.filter(is_eu_member=True)

    def third_countries(self) -> Self:
        return self.filter(is_eu_member=False)

    def targeted_by_published_partnerships(self) -> Self:
        """Countries with the number of published partnerships targeting them directly, most first."""
        published = Q(targeted_by__partnership__is_published=True)
        return (
            self.annotate(
                partnership_count=models.Count(
                    "targeted_by__partnership", filter=published, distinct=True
                )
            )
            .filter(partnership_count__gt=0)
            .order_by("-partnership_count", "name")
        )

    def annotate_direct_target_counts(self) -> Self:
        """Each country with ``direct_target_count``: published partnerships targeting it
        directly; by name in the reader's language and collation, explicitly: Django leaves
        Meta.ordering out of a query with GROUP BY."""
        return self.annotate(
            direct_target_count=models.Count(
                "targeted_by__partnership",
                filter=Q(targeted_by__partnership__is_published=True),
                distinct=True,
            )
        ).order_by(collated(localized("name")), "code")

    def tally_by_region(self) -> DistinctTally:
        """How many of these countries each region holds as third countries (the regions that
        hold one country: none for an EU member state)."""
        through = Region.countries.through.objects.filter(
            country__in=self.third_countries().values("code")
        )
        return DistinctTally(((through, "region", "country"),))

    def published(self) -> Self:
        """The countries published records name: a published partnership's member or target
        (directly or through a region), a published cluster's, or another app's published rows'
        (an outcome's country, see ``register_country_use``). A country only drafts name is listed
        nowhere."""
        members = MemberCountry.objects.published()
        targets = TargetMarket.objects.published()
        clusters = Cluster.objects.published()
        named = (
            Q(pk__in=members.values("country"))
            | Q(pk__in=members.values("cross_border_country"))
            | Q(pk__in=targets.values("country"))
            | Q(pk__in=targets.through_regions().values("region__countries"))
            | Q(pk__in=clusters.values("country"))
            | Q(pk__in=clusters.values("cross_border_country"))
        )
        for codes in _COUNTRY_USES:
            named |= Q(pk__in=models.Subquery(codes()))
        return self.filter(named)


@dataclass(frozen=True)
class Engagements:
    """Where partnerships engage, as an app above this one records it (outcomes: MoUs, offices…).

    ``rows()`` gives its published rows with ``partnership``, ``country`` and ``kind`` columns;
    ``describe({"mou": 2, "office": 1}, partnership=slug, country=code)`` words a partnership's
    rows in one country as safe HTML, each count a link to its rows: "2 MoUs, 1 office".
    """

    rows: Callable[[], models.QuerySet]
    describe: Callable[..., str]


_ENGAGEMENTS: list[Engagements] = []


def register_engagements(engagements: Engagements) -> None:
    """Called from an app's ``AppConfig.ready``: its rows make partnerships "work with" a country."""
    if engagements not in _ENGAGEMENTS:
        _ENGAGEMENTS.append(engagements)


def describe_engagement_counts(counts: dict[str, int], country: str) -> dict[str, str]:
    """{"elca:mou": 2, "elca:office": 1} (``tally_engagements_by_kind``) as
    {"elca": "2 MoUs, 1 office"} in one country, each count a link to its rows (safe HTML)."""
    by_partnership: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        partnership, kind = key.split(":", 1)
        by_partnership.setdefault(partnership, {})[kind] = n
    return {
        partnership: _joined(
            engagements.describe(kinds, partnership=partnership, country=country)
            for engagements in _ENGAGEMENTS
        )
        for partnership, kinds in by_partnership.items()
    }


def _joined(descriptions) -> str:
    """The registered apps' descriptions of one partnership in one country, as one (safe HTML)."""
    return format_html_join(", ", "{}", ((text,) for text in descriptions if text))


def _engaged_in(codes) -> Q:
    """The partnerships with a registered engagement in one of these countries, as a condition."""
    engaged = Q(pk__in=[])
    for engagements in _ENGAGEMENTS:
        engaged |= Q(pk__in=engagements.rows().filter(country__in=codes).values("partnership"))
    return engaged


def _codes(countries) -> list[str] | models.QuerySet:
    """Country codes from codes, Country rows or a Country queryset."""
    if isinstance(countries, models.QuerySet):
        return countries.values("code")
    return [getattr(country, "code", country) for country in countries]


# Registered by the apps above this one in their AppConfig.ready (outcomes: a published outcome's country).
_COUNTRY_USES: list[Callable[[], models.QuerySet]] = []


def register_country_use(codes: Callable[[], models.QuerySet]) -> None:
    """Countries another app's published rows name: ``codes()`` gives their codes as a one-column
    queryset."""
    if codes not in _COUNTRY_USES:
        _COUNTRY_USES.append(codes)


class Country(EnglishOriginal, models.Model):
    """One ISO 3166-1 country. The rows are created by a migration from django-countries."""

    code = models.CharField(
        _("ISO code"),
        max_length=2,
        primary_key=True,
        help_text=_("ISO 3166-1 alpha-2, e.g. GB (not UK)."),
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    is_eu_member = models.BooleanField(
        _("EU member state"),
        default=False,
        help_text=_("A current member state of the European Union: set from the dates below."),
    )
    # The history behind the flag: the United Kingdom was a member until 31 January 2020, Croatia
    # joined on 1 July 2013 (docs/data-model.md, "Third countries").
    eu_member_since = models.DateField(
        _("EU member since"),
        null=True,
        blank=True,
        help_text=_("When it joined the European Union; empty for a country that never did."),
    )
    eu_member_until = models.DateField(
        _("EU member until"),
        null=True,
        blank=True,
        help_text=_("When it left the European Union, for a former member."),
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="partnerships_country_code_is_alpha2"
            ),
            # A member today is one that joined and has not left: the flag cannot contradict the dates.
            models.CheckConstraint(
                condition=Q(
                    is_eu_member=True, eu_member_since__isnull=False, eu_member_until__isnull=True
                )
                | Q(is_eu_member=False, eu_member_since__isnull=True)
                | Q(is_eu_member=False, eu_member_until__isnull=False),
                name="partnerships_country_member_flag_matches_dates",
            ),
            models.CheckConstraint(
                condition=Q(eu_member_until__isnull=True)
                | Q(
                    eu_member_since__isnull=False, eu_member_until__gte=models.F("eu_member_since")
                ),
                name="partnerships_country_left_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:country-detail", args=[self.code])

    def was_eu_member_on(self, day: datetime.date) -> bool:
        """Whether it was a member state on ``day``: the United Kingdom was on 21 January 2014."""
        return bool(
            self.eu_member_since
            and self.eu_member_since <= day
            and (self.eu_member_until is None or day <= self.eu_member_until)
        )

    def clean(self) -> None:
        if self.eu_member_until and not self.eu_member_since:
            raise ValidationError(
                {"eu_member_since": _("A country that left the EU must have joined it.")}
            )
        if self.eu_member_until and self.eu_member_until < self.eu_member_since:
            raise ValidationError(
                {"eu_member_until": _("A country cannot leave the EU before it joined.")}
            )
        # The flag follows the dates; a future accession is entered on the day it takes effect.
        self.is_eu_member = bool(self.eu_member_since and not self.eu_member_until)

    @classmethod
    def lookup(cls, value: str) -> "Country | None":
        """The country an ISO code or EU alias (UK, EL, ROK) names, or None."""
        code = normalise_country_code(value)
        return cls.objects.filter(code=code).first() if code else None


class RegionQuerySet(EnglishColumns, models.QuerySet):
    def published(self) -> Self:
        """The regions published partnerships target: a region only drafts target is not shown."""
        return self.filter(pk__in=TargetMarket.objects.published().values("region"))


class Region(EnglishOriginal, models.Model):
    """A named group of countries that partnerships target, such as "North Africa"."""

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    slug = models.SlugField(unique=True, max_length=120, verbose_name=_("slug"))
    description = models.TextField(
        blank=True,
        help_text=_("Which definition of the region is used."),
        verbose_name=_("description"),
    )
    countries = models.ManyToManyField(
        Country, related_name="regions", blank=True, verbose_name=_("countries")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return translation_of(self, "name") or self.name

    def get_absolute_url(self) -> str:
        """A region has no page of its own: its page is the list of partnerships that target it."""
        return (
            f"{reverse('partnerships:partnership-list')}?{urlencode({'target_region': self.slug})}"
        )


class ClusterQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(is_published=True)

    def located_in(self, codes) -> Self:
        return self.filter(Q(country__in=codes) | Q(cross_border_country__in=codes))

    def search(self, text) -> Self:
        return self.filter(
            Q(name__icontains=text) | Q(acronym__icontains=text) | Q(city__icontains=text)
        )

    def with_label(self, labels) -> Self:
        return self.filter(label__in=labels)

    def tally_by_country(self) -> DistinctTally:
        return DistinctTally(
            (
                (self, "country", "pk"),
                (self.filter(cross_border_country__isnull=False), "cross_border_country", "pk"),
            )
        )

    def tally_by_label(self) -> Tally:
        return Tally(self, "label")


class Cluster(Publishable, models.Model):
    """A cluster organisation that can be a member of partnerships."""

    class Label(models.TextChoices):
        BRONZE = "bronze", _("Bronze")
        SILVER = "silver", _("Silver")
        GOLD = "gold", _("Gold")

    name = models.CharField(max_length=200, verbose_name=_("name"))
    acronym = models.CharField(max_length=40, blank=True, verbose_name=_("acronym"))
    slug = models.SlugField(unique=True, max_length=200, verbose_name=_("slug"))
    website = models.URLField(
        blank=True, validators=[web_address_validator], verbose_name=_("website")
    )
    city = models.CharField(max_length=100, blank=True, verbose_name=_("city"))
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("country")
    )
    cross_border_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="cross_border_clusters",
        null=True,
        blank=True,
        help_text=_(
            "Only for a cluster that spans two countries, such as a Swedish-Danish cluster."
        ),
        verbose_name=_("cross border country"),
    )
    label = models.CharField(
        _("cluster management excellence label"),
        max_length=10,
        choices=Label,
        blank=True,
        help_text=_("Leave empty where no label is known."),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("published at")
    )
    submitted_at, submitted_by, withdrawn_at, review_note = review.review_fields()
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    version = IntegerVersionField(
        help_text=_("Changes on every save, so that two curators cannot overwrite each other."),
        verbose_name=_("version"),
    )

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="partnerships_cluster_name"),
            review.waiting_index("partnerships_cluster_waiting"),
        ]
        permissions = [
            ("publish_cluster", _("Can publish clusters")),
            ("import_cluster", _("Can import clusters")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(cross_border_country=models.F("country")),
                name="partnerships_cluster_cross_border_differs",
            ),
            review.review_rule("partnerships_cluster_published_not_in_review"),
            address_rule(
                "website",
                WEB_ADDRESS,
                "partnerships_cluster_website_is_web_address",
                _("The website must be an http or https address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:cluster-detail", args=[self.slug])


class PartnershipQuerySet(EnglishColumns, models.QuerySet):
    """Filters select through subqueries on ``pk``, so they never duplicate rows or
    share joins with each other, and facet counts over any combination stay right."""

    def published(self) -> Self:
        return self.filter(is_published=True)

    def co_signable_by(self, user) -> Self:
        """Partnerships a coordinator may name as an MoU's co-signatories: published ones and their own."""
        return self.filter(
            Q(is_published=True)
            | Q(pk__in=self.model.objects.filter(coordinators=user).values("pk"))
        )

    def escps(self) -> Self:
        return self.filter(kind=Partnership.Kind.ESCP)

    def of_kind(self, kinds) -> Self:
        return self.filter(kind__in=kinds)

    def in_sectors(self, slugs) -> Self:
        return self.filter(
            pk__in=Partnership.sectors.through.objects.filter(sector__slug__in=slugs).values(
                "partnership"
            )
        )

    def with_member_country(self, codes) -> Self:
        return self.filter(pk__in=MemberCountry.objects.in_countries(codes).values("partnership"))

    def targeting_country(self, codes) -> Self:
        """Partnerships that target one of ``codes`` directly or through a region."""
        return self.filter(pk__in=TargetMarket.objects.reaching(codes).values("partnership"))

    def targeting_region(self, slugs) -> Self:
        """Partnerships that target one of these regions, one of its third countries directly, or
        a region sharing third countries with it (``how_it_targets_regions`` says which)."""
        return self.filter(
            pk__in=TargetMarket.objects.reaching_regions(slugs).values("partnership")
        )

    def engaging(self, codes) -> Self:
        """Partnerships with a published outcome in one of these countries (their engagements),
        as the apps above register them (``register_engagements``)."""
        return self.filter(_engaged_in(codes))

    def working_with(self, countries) -> Self:
        """Partnerships that work with one of ``countries`` (Country rows, a Country queryset or
        codes): their target market, directly or through a region's third countries, or their
        engagement, a country where they have a published outcome. docs/data-model.md."""
        codes = _codes(countries)
        targeting = TargetMarket.objects.reaching(codes).values("partnership")
        return self.filter(Q(pk__in=targeting) | _engaged_in(codes))

    def tally_engagements_by_kind(self, codes) -> list[Tally]:
        """These partnerships' published outcomes in these countries, counted per
        "<partnership slug>:<kind>" (words for them: ``describe_engagement_counts``)."""
        key = Concat("partnership__slug", Value(":"), "kind")
        return [
            Tally(
                engagements.rows().filter(partnership__in=self.values("pk"), country__in=codes),
                key,
            )
            for engagements in _ENGAGEMENTS
        ]

    def engagements_in(self, codes) -> dict[tuple[int, str], str]:
        """{(partnership id, country code): "2 MoUs, 1 office"}: these partnerships' published
        outcomes in these countries, in words with each count a link to its rows (safe HTML), in
        one query per registered app (for one page)."""
        described: dict[tuple[int, str], list[str]] = {}
        for engagements in _ENGAGEMENTS:
            counts: dict[tuple[int, str, str], dict[str, int]] = {}
            rows = (
                engagements.rows()
                .filter(partnership__in=self.values("pk"), country__in=codes)
                .order_by()
                .values_list("partnership", "partnership__slug", "country", "kind")
                .annotate(n=models.Count("pk"))
            )
            for partnership, slug, country, kind, n in rows:
                counts.setdefault((partnership, slug, country), {})[kind] = n
            for (partnership, slug, country), by_kind in counts.items():
                described.setdefault((partnership, country), []).append(
                    engagements.describe(by_kind, partnership=slug, country=country)
                )
        return {key: _joined(descriptions) for key, descriptions in described.items()}

    def search(self, text) -> Self:
        """Each word in the name, acronym, description or a named member cluster's name."""
        return self.searching(ReadSearch(meanings=(), words=tuple(text.split())))

    def searching(self, found: ReadSearch) -> Self:
        """A search read by ``partnerships.search.read``: for each country, region or sector it
        names, the partnerships related to it (working with the country, targeting the region, in
        the sector) or with its words in their text; each word left, in their text."""
        related = {
            search.WORKS_WITH: Partnership.objects.working_with,
            search.TARGET_REGION: Partnership.objects.targeting_region,
            search.SECTOR: Partnership.objects.in_sectors,
        }
        condition = Q()
        for meaning in found.meanings:
            selected = related[meaning.filter]([meaning.value]).values("pk")
            condition &= Q(pk__in=selected) | _text_match(meaning.words)
        for word in found.words:
            condition &= _text_match(word)
        return self.filter(condition)

    def headline_figures(self) -> dict[str, int]:
        """The home page's figures, in a few aggregate queries."""
        figures = self.aggregate(
            partnerships=models.Count("pk"),
            escps=models.Count("pk", filter=Q(kind=Partnership.Kind.ESCP)),
            projects=models.Count("pk", filter=Q(kind=Partnership.Kind.PROJECT)),
            declared_partners=models.Sum("partner_count"),
        )
        members = MemberCountry.objects.filter(partnership__in=self.values("pk"))
        figures["member_countries"] = len(
            {
                code
                for pair in members.values_list("country", "cross_border_country")
                for code in pair
                if code
            }
        )
        # Target markets: countries targeted directly or as a region's third countries, as the
        # statistics' table of target countries lists them.
        figures["target_countries"] = len(self.tally_by_target_country().counts())
        targets = TargetMarket.objects.filter(partnership__in=self.values("pk"))
        figures |= targets.aggregate(target_regions=models.Count("region", distinct=True))
        return figures

    def with_related(self, *, region_countries=True) -> Self:
        """Sectors, member countries and targets (with their country or region) in three more
        queries, and the targeted regions' countries in a fourth. A page about one country can
        leave that out (``region_countries=False``) and pass the regions that contain it to
        ``routes_to()``."""
        targets = TargetMarket.objects.select_related("country", "region")
        if region_countries:
            targets = targets.prefetch_related("region__countries")
        return self.prefetch_related(
            "sectors",
            models.Prefetch(
                "member_countries",
                MemberCountry.objects.select_related("country", "cross_border_country"),
            ),
            models.Prefetch("targets", targets),
        )

    # Facet counts, read together in one or two queries per page (core/counts.py).

    def tally_by_kind(self) -> Tally:
        return Tally(self, "kind")

    def tally_by_sector(self) -> Tally:
        through = Partnership.sectors.through.objects.filter(partnership__in=self.values("pk"))
        return Tally(through, "sector__slug", models.Count("partnership"))

    def tally_by_member_country(self) -> DistinctTally:
        entries = MemberCountry.objects.filter(partnership__in=self.values("pk"))
        return DistinctTally(
            (
                (entries, "country", "partnership"),
                (
                    entries.filter(cross_border_country__isnull=False),
                    "cross_border_country",
                    "partnership",
                ),
            )
        )

    def tally_by_target_country(self) -> DistinctTally:
        """Partnerships per target market: each country targeted directly, or through a region
        of which it is a third country (as ``targeting_country`` selects)."""
        return DistinctTally(self._target_country_lists())

    def _target_country_lists(self):
        targets = TargetMarket.objects.filter(partnership__in=self.values("pk"))
        return (
            (targets.filter(country__isnull=False), "country", "partnership"),
            (targets.through_regions(), "region__countries", "partnership"),
        )

    def tally_by_working_country(self) -> DistinctTally:
        """Partnerships per country they work with: target markets and engagements together, each
        partnership once per country (as ``working_with`` selects)."""
        engaged = tuple(
            (
                engagements.rows().filter(partnership__in=self.values("pk")),
                "country",
                "partnership",
            )
            for engagements in _ENGAGEMENTS
        )
        return DistinctTally(self._target_country_lists() + engaged)

    def tally_by_engaged_country(self) -> DistinctTally:
        """Partnerships per country where they have a published outcome."""
        return DistinctTally(
            tuple(
                (
                    engagements.rows().filter(partnership__in=self.values("pk")),
                    "country",
                    "partnership",
                )
                for engagements in _ENGAGEMENTS
            )
        )

    def tally_by_target_region(self) -> DistinctTally:
        """Partnerships per region, as ``targeting_region`` selects: the region targeted, one of
        its third countries targeted directly, or a region sharing a third country with it."""
        targets = TargetMarket.objects.filter(partnership__in=self.values("pk"))
        direct_countries = targets.filter(
            country__isnull=False, country__is_eu_member=False, country__regions__isnull=False
        )
        return DistinctTally(
            (
                (targets.filter(region__isnull=False), "region__slug", "partnership"),
                (direct_countries, "country__regions__slug", "partnership"),
                (targets.through_regions(), "region__countries__regions__slug", "partnership"),
            )
        )


def _text_match(text) -> Q:
    """The text in a partnership's name, acronym, description or a named member cluster's name (a
    published cluster's only: probing a draft's name letter by letter must find nothing)."""
    members = Membership.objects.published().filter(
        Q(cluster__name__icontains=text) | Q(cluster__acronym__icontains=text)
    )
    return (
        in_any_language("name__icontains", text)
        | Q(acronym__icontains=text)
        | in_any_language("description__icontains", text)
        | Q(pk__in=members.values("partnership"))
    )


# A partnership's history holds the rows its form edits with it (a revert restores them too), not its
# outcomes: each outcome has its own form and history.
@reversion.register(follow=("member_countries", "memberships", "targets"))
class Partnership(EnglishOriginal, Publishable, Sourced, models.Model):
    """A European Strategic Cluster Partnership or a funded internationalisation project."""

    class Kind(models.TextChoices):
        ESCP = "escp", _("European Strategic Cluster Partnership")
        PROJECT = "project", _("Internationalisation project")

    class Funding(models.TextChoices):
        CO_FUNDED = "co_funded", _("Co-funded")
        VOLUNTARY = "voluntary", _("Voluntary")

    class Status(models.TextChoices):
        """Not stored: read from the dates (``status``)."""

        PLANNED = "planned", _("Not started yet")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    name = models.CharField(max_length=200, verbose_name=_("name"))
    acronym = models.CharField(max_length=40, blank=True, verbose_name=_("acronym"))
    slug = models.SlugField(unique=True, max_length=200, verbose_name=_("slug"))
    kind = models.CharField(max_length=10, choices=Kind, verbose_name=_("kind"))
    programme = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("e.g. Competitiveness and Innovation Programme (CIP)."),
        verbose_name=_("programme"),
    )
    strand = models.CharField(
        max_length=40, blank=True, help_text=_("e.g. ESCP-4i."), verbose_name=_("strand")
    )
    call = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("e.g. CIP 2012/2013, COS-CLUSTER-2014-3-03."),
        verbose_name=_("call"),
    )
    funding = models.CharField(
        max_length=10,
        choices=Funding,
        blank=True,
        help_text=_("Leave empty where it is not known."),
        verbose_name=_("funding"),
    )
    sectors = models.ManyToManyField(Sector, related_name="partnerships", verbose_name=_("sectors"))
    description = models.TextField(
        blank=True,
        help_text=_("A few sentences on what the partnership does; the first thing its page says."),
        verbose_name=_("description"),
    )
    website = models.URLField(
        blank=True, validators=[web_address_validator], verbose_name=_("website")
    )
    contact_email = models.EmailField(
        _("contact"),
        blank=True,
        help_text=_("A public address for enquiries, such as info@…; shown on the public page."),
    )
    start_date = models.DateField(null=True, blank=True, verbose_name=_("start date"))
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text=_("The status (active or ended) is read from it."),
        verbose_name=_("end date"),
    )
    partner_count = models.PositiveSmallIntegerField(
        _("declared partners"),
        null=True,
        blank=True,
        help_text=_(
            'The number of member clusters the partnership declares ("11 from 10 countries").'
        ),
    )
    country_count = models.PositiveSmallIntegerField(
        _("declared countries"),
        null=True,
        blank=True,
        help_text=_(
            "The number of countries the partnership declares; a cross-border cluster counts once."
        ),
    )
    related_partnership = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="related_projects",
        help_text=_("For a project, the partnership that runs it, where the data says so."),
        verbose_name=_("related partnership"),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_partnerships",
        help_text=_(
            "Coordinators who may enter this partnership's outcomes and members, for an editor to publish."
        ),
        verbose_name=_("coordinators"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("published at")
    )
    submitted_at, submitted_by, withdrawn_at, review_note = review.review_fields()
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    source_page, as_of = provenance_fields()
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    version = IntegerVersionField(
        help_text=_("Changes on every save, so that two curators cannot overwrite each other."),
        verbose_name=_("version"),
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]
        # The list's sorts; kind and the published flag are too coarse to index on their own.
        indexes = [
            models.Index(fields=["name"], name="partnerships_name"),
            models.Index(fields=["partner_count", "name"], name="partnerships_partners"),
            models.Index(fields=["country_count", "name"], name="partnerships_countries"),
            review.waiting_index("partnerships_waiting"),
        ]
        permissions = [
            ("publish_partnership", _("Can publish partnerships")),
            ("import_partnership", _("Can import partnerships")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="partnerships_partnership_end_not_before_start",
            ),
            review.review_rule("partnerships_partnership_published_not_in_review"),
            models.CheckConstraint(
                condition=Q(partner_count__isnull=True) | Q(partner_count__gte=1),
                name="partnerships_partnership_partner_count_positive",
            ),
            models.CheckConstraint(
                condition=Q(country_count__isnull=True) | Q(country_count__gte=1),
                name="partnerships_partnership_country_count_positive",
            ),
            models.CheckConstraint(
                condition=Q(partner_count__isnull=True)
                | Q(country_count__isnull=True)
                | Q(country_count__lte=models.F("partner_count")),
                name="partnerships_partnership_countries_not_above_partners",
            ),
            models.CheckConstraint(
                condition=~Q(related_partnership=models.F("pk")),
                name="partnerships_partnership_not_related_to_itself",
            ),
            address_rule(
                "website",
                WEB_ADDRESS,
                "partnerships_partnership_website_is_web_address",
                _("The website must be an http or https address."),
            ),
            address_rule(
                "contact_email",
                EMAIL_ADDRESS,
                "partnerships_partnership_contact_is_email",
                _("The contact must be one email address."),
            ),
            models.CheckConstraint(
                condition=Q(source_page="") | Q(source__isnull=False),
                name="partnerships_partnership_page_has_source",
                violation_error_message=_("Name the source that this page or slide belongs to."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", args=[self.slug])

    @property
    def display_name(self) -> str:
        """The name as the source's overview writes it: "European Lighting Cluster Alliance - ELCA";
        in the reader's language where a curator translated it."""
        return display_name(translation_of(self, "name") or self.name, self.acronym)

    @property
    def status(self) -> "Partnership.Status | None":
        """Read from the dates, so that it never goes stale: ended once the end date has passed,
        active from the start until the end date; unknown without an end date, since a start
        years ago says nothing of today."""
        today = timezone.localdate()
        if self.end_date is None:
            return None
        if self.end_date < today:
            return self.Status.ENDED
        if self.start_date and self.start_date > today:
            return self.Status.PLANNED
        return self.Status.ACTIVE

    @property
    def declared_counts(self) -> str:
        """ "11 from 10 countries", or "" where the partnership declares no count."""
        if self.partner_count is None:
            return ""
        if self.country_count is None:
            return ngettext("%(partners)s partner", "%(partners)s partners", self.partner_count) % {
                "partners": self.partner_count
            }
        return ngettext(
            "%(partners)s from %(countries)s country",
            "%(partners)s from %(countries)s countries",
            self.country_count,
        ) % {"partners": self.partner_count, "countries": self.country_count}

    @property
    def declared_members(self) -> str:
        """The source's own form: "11 from 10 countries (DK, IT, ES, ...)"."""
        entries = ", ".join(entry.label for entry in self.member_countries.all())
        return (
            f"{self.declared_counts} ({entries})"
            if entries and self.declared_counts
            else self.declared_counts
        )

    @property
    def target_markets(self) -> str:
        """The targets as the source writes them: "USA, Canada, Baltic Sea Region + possibly India"."""
        firm = [str(t.country or t.region) for t in self.targets.all() if not t.tentative]
        tentative = [str(t.country or t.region) for t in self.targets.all() if t.tentative]
        line = ", ".join(firm)
        if tentative:
            possibly = gettext("possibly %(target)s") % {"target": ", ".join(tentative)}
            line += (" + " if line else "") + possibly
        return line

    def routes_to(self, code, *, regions_with_it=None) -> list[str]:
        """How this partnership targets a country: ["directly"], ["through North Africa"], or [].

        Through a region only as one of its third countries. Reads the prefetched targets of
        ``with_related()``, so it costs no query; with ``regions_with_it`` (the ids of the regions
        holding the country as a third country) it does not need the regions' countries.
        """
        regions = {target.region_id: target.region for target in self.targets.all()}

        def holds_it(region_id) -> bool:
            if regions_with_it is not None:
                return region_id in regions_with_it
            return any(
                country.code == code and not country.is_eu_member
                for country in regions[region_id].countries.all()
            )

        entries = (
            (target.country_id, target.region_id, target.region_id and target.region.name,
             target.tentative)
            for target in self.targets.all()
        )  # fmt: skip
        return target_routes(entries, code, holds_it)

    def clean(self) -> None:
        provenance = {}
        self.clean_provenance(provenance)
        if provenance:
            raise ValidationError(provenance)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.partner_count and self.country_count and self.country_count > self.partner_count:
            raise ValidationError(
                {
                    "country_count": _(
                        "A partnership cannot span more countries than it has partners."
                    )
                }
            )
        if self.pk and self.partner_count is not None:
            named = self.memberships.count()
            if named > self.partner_count:
                raise ValidationError(
                    {
                        "partner_count": ngettext(
                            "%(named)s member cluster is named; the declared count cannot be lower.",
                            "%(named)s member clusters are named; the declared count cannot be lower.",
                            named,
                        )
                        % {"named": named}
                    }
                )


class MemberCountryQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(partnership__is_published=True)

    def in_countries(self, codes) -> Self:
        return self.filter(Q(country__in=codes) | Q(cross_border_country__in=codes))


@reversion.register()
class MemberCountry(models.Model):
    """One entry of a partnership's declared member countries, in the order the source gives.

    A cross-border member (the source's "SE-DK") is one entry with two countries.
    """

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="member_countries",
        verbose_name=_("partnership"),
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    cross_border_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Only for a member that spans two countries (SE-DK)."),
        verbose_name=_("cross border country"),
    )

    objects = MemberCountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("member country")
        verbose_name_plural = _("member countries")
        ordering = ["partnership", "position", "pk"]
        verbose_name_plural = _("member countries")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "country"], name="partnerships_membercountry_once"
            ),
            models.CheckConstraint(
                condition=~Q(cross_border_country=models.F("country")),
                name="partnerships_membercountry_cross_border_differs",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def codes(self) -> list[str]:
        return (
            [self.country_id, self.cross_border_country_id]
            if self.cross_border_country_id
            else [self.country_id]
        )

    @property
    def label(self) -> str:
        """The entry as the source writes it, with ISO codes: "SE-DK"."""
        if self.cross_border_country_id:
            return f"{self.country_id}-{self.cross_border_country_id}"
        return self.country_id


class MembershipQuerySet(models.QuerySet):
    def published(self) -> Self:
        """A membership shows once both its partnership and its cluster are published."""
        return self.filter(partnership__is_published=True, cluster__is_published=True)


@reversion.register()
class Membership(models.Model):
    """A named cluster's membership of a partnership."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTNER = "partner", _("Partner")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("partnership"),
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("cluster")
    )
    role = models.CharField(
        max_length=12, choices=Role, default=Role.PARTNER, verbose_name=_("role")
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["partnership", "role", "cluster__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "cluster"], name="partnerships_membership_once"
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(role="coordinator"),
                name="partnerships_membership_one_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(cluster)s in %(partnership)s (%(role)s)") % {
            "cluster": self.cluster,
            "partnership": self.partnership,
            "role": self.get_role_display(),
        }


class TargetMarketQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(partnership__is_published=True)

    def reaching(self, codes) -> Self:
        """Targets that are one of these countries, or a region holding one as a third country:
        through a region, an EU member state is never a target (docs/data-model.md)."""
        thirds = Country.objects.third_countries().filter(code__in=codes)
        # The regions as ids, not a join through every region target's countries: the targets
        # are then read from the indexes of their country and region.
        holding = Region.countries.through.objects.filter(country__in=thirds).values("region")
        return self.filter(Q(country__in=codes) | Q(region__in=holding))

    def through_regions(self) -> Self:
        """The region targets, each joined to the region's third countries: ``region__countries``
        in a values() of this queryset names only those."""
        return self.filter(region__isnull=False, region__countries__is_eu_member=False)

    def reaching_regions(self, slugs) -> Self:
        """Targets that reach one of these regions: the region itself, one of its third countries,
        or another region sharing a third country with it."""
        thirds = Country.objects.third_countries().filter(regions__slug__in=slugs)
        sharing = Region.countries.through.objects.filter(country__in=thirds).values("region")
        return self.filter(
            Q(region__slug__in=slugs) | Q(country__in=thirds) | Q(region__in=sharing)
        )


@reversion.register()
class TargetMarket(models.Model):
    """A country or a region a partnership targets, in the order the source gives."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="targets", verbose_name=_("partnership")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_by",
        verbose_name=_("country"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_by",
        verbose_name=_("region"),
    )
    tentative = models.BooleanField(
        default=False,
        help_text=_('A target the source gives as "possibly".'),
        verbose_name=_("tentative"),
    )

    objects = TargetMarketQuerySet.as_manager()

    class Meta:
        verbose_name = _("target market")
        verbose_name_plural = _("target markets")
        ordering = ["partnership", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, region__isnull=True)
                | Q(country__isnull=True, region__isnull=False),
                name="partnerships_targetmarket_country_xor_region",
            ),
            models.UniqueConstraint(
                fields=["partnership", "country"], name="partnerships_targetmarket_country_once"
            ),
            models.UniqueConstraint(
                fields=["partnership", "region"], name="partnerships_targetmarket_region_once"
            ),
        ]

    def __str__(self) -> str:
        place = self.country or self.region
        return gettext("possibly %(target)s") % {"target": place} if self.tentative else str(place)

    def clean(self) -> None:
        if bool(self.country_id) == bool(self.region_id):
            raise ValidationError(_("Choose either a country or a region, not both."))


def display_name(name: str, acronym: str) -> str:
    """A partnership's name as the source's overview writes it, "European Lighting Cluster Alliance
    - ELCA": ``Partnership.display_name``, and the tables that read a partnership as values."""
    return f"{name} - {acronym}" if acronym else name


def target_routes(
    targets: Iterable[tuple], code: str, holds_it: Callable[[int], bool]
) -> list[str]:
    """How targets reach the country ``code``: ["directly"], ["through North Africa"], or [].

    ``targets`` as (country code, region id, region name, tentative); through a region only where
    ``holds_it(region id)``, as one of its third countries. One rule for the partnership's own
    targets (``Partnership.routes_to()``) and a table's target entries (``selectors``)."""
    routes = []
    for target_code, region_id, region, tentative in targets:
        if target_code == code:
            routes.append(gettext("possibly, directly") if tentative else gettext("directly"))
        elif region_id and holds_it(region_id):
            routes.append(gettext("through %(region)s") % {"region": region})
    return routes
