"""What partnerships achieve with third countries: MoUs, roadmaps, offices, missions, exchanges.

All outcome types live in one table, so that the one list of all outcomes, its
filters and its exports read one table with no joins per type. The fields only
some types have are nullable columns, and database constraints keep each type
to its own fields. Each type has a proxy model with its own admin form. The types
are declared in outcomes/types.py, and all of that is made from there. See
docs/data-model.md for the comparison with multi-table inheritance.
"""

import datetime
import functools
import operator
import re
from typing import Self
from urllib.parse import urlencode

from concurrency.fields import IntegerVersionField
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import review
from core.counts import Tally
from core.index_lookups import AnyOf
from core.translated import EnglishColumns, EnglishOriginal, in_any_language
from outcomes import types as outcome_types
from partnerships.models import (
    Country,
    Partnership,
    Publishable,
    Source,
    Sourced,
    provenance_fields,
)

# Dated outcomes first, oldest first; undated ones after, by year then title.
DATE_ORDER = (
    F("date").asc(nulls_last=True),
    F("year").asc(nulls_last=True),
    F("title").asc(),
    F("pk").asc(),
)

# Up to this many counterparts or partnerships named by a search are given to it as a list of ids.
NAMED_AS_LIST = 1_000

# Titles at least this similar (pg_trgm's similarity, 0 to 1) are "near-identical": "MoU with a
# Chilean agro-food cluster" and "MoU with Chilean agrofood cluster" are, "MoU with USA" and "MoU
# with Japan" are not.
SIMILAR_TITLE = 0.6


def normalised_title(title: str) -> str:
    """The title's words, in lower case, without punctuation: where no trigrams are at hand."""
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


# Cluster internationalisation programmes began in the 1990s; later years are typos.
FIRST_YEAR, LAST_YEAR = 1990, 2100

# The filter value (``year=none``, ``level=none``) and tally key of what the source does not give:
# the outcomes without a year, the MoUs without a level. Their labels are said once, here.
NOT_GIVEN = "none"
NO_DATE_LABEL = _("Date not given in the source")
NO_LEVEL_LABEL = _("Level not stated")


class OrganisationQuerySet(models.QuerySet):
    """Which counterparts a coordinator sees and changes (docs/curation.md, Roles).

    An organisation is public once a published outcome names it; renaming it
    renames it on every page that shows it, so only those whose partnerships
    alone use it may change it.
    """

    def seen_by_coordinator(self, user) -> Self:
        """Public counterparts, those of the user's partnerships' outcomes, and those the user created."""
        return self.filter(
            Exists(Outcome.objects.published().filter(counterpart=OuterRef("pk")))
            | Exists(
                Outcome.objects.filter(counterpart=OuterRef("pk"), partnership__coordinators=user)
            )
            | Q(created_by=user)
        )

    def changeable_by_coordinator(self, user) -> Self:
        """Of those seen, the ones no other partnership's outcome names, published or not."""
        theirs = Partnership.objects.filter(coordinators=user).values("pk")
        return self.seen_by_coordinator(user).exclude(
            Exists(
                Outcome.objects.filter(counterpart=OuterRef("pk")).exclude(partnership__in=theirs)
            )
        )


class Organisation(models.Model):
    """A counterpart of an MoU: a cluster, company or public administration, usually abroad."""

    name = models.CharField(max_length=200, verbose_name=_("name"))
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("country")
    )
    website = models.URLField(blank=True, verbose_name=_("website"))
    # Who added it: a coordinator may change a counterpart they added until another partnership uses it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"], name="outcomes_organisation_unique_in_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


def _of_types(kinds: list[outcome_types.OutcomeType]) -> Q:
    values = [kind.value for kind in kinds]
    return Q(type=values[0]) if len(values) == 1 else Q(type__in=values)


def _plurals(kinds: list[outcome_types.OutcomeType]) -> str:
    return get_text_list([str(kind.plural) for kind in kinds], _("and"))


class OutcomeQuerySet(EnglishColumns, models.QuerySet):
    def published(self) -> Self:
        return self.filter(is_published=True, partnership__is_published=True)

    def of_type(self, types) -> Self:
        return self.filter(type__in=types)

    def years(self) -> list[int]:
        """The years these outcomes have, newest first, read along the ``outcomes_year_order`` index:
        the newest and the oldest, then whether any outcome has each year between (one
        ``EXISTS`` each, in one query). ``DISTINCT`` read every outcome, 250-490 ms over a
        million, and a new generation of the cache (any change) asked it again."""
        dated = self.exclude(year=None).values_list("year", flat=True)
        newest = dated.order_by("-year").first()
        if newest is None:
            return []
        oldest = dated.order_by("year").first()
        between = range(newest, oldest - 1, -1)
        has_year = {f"y{year}": Exists(dated.filter(year=year)) for year in between}
        # One row of the table (it has the newest) to ask them on.
        (found,) = self.model.objects.order_by().annotate(**has_year).values_list(*has_year)[:1]
        return [year for year, present in zip(between, found, strict=True) if present]

    def with_country(self, codes) -> Self:
        return self.filter(country__in=codes)

    def of_level(self, levels) -> Self:
        """MoUs of these levels; ``NOT_GIVEN`` selects those whose level is not stated."""
        stated = [level for level in levels if level != NOT_GIVEN]
        condition = Q(level__in=stated)
        if NOT_GIVEN in levels:
            condition |= Q(level="")
        return self.filter(condition, type=Outcome.Type.MOU)

    def of_partnerships(self, slugs) -> Self:
        return self.filter(partnership__slug__in=slugs)

    def in_sectors(self, slugs) -> Self:
        sectors = Partnership.sectors.through.objects.filter(sector__slug__in=slugs)
        return self.filter(partnership__in=sectors.values("partnership"))

    def in_years(self, years) -> Self:
        """Outcomes of these years; ``NOT_GIVEN`` selects those without one."""
        dated = [year for year in years if year != NOT_GIVEN]
        condition = Q(year__in=dated)
        if NOT_GIVEN in years:
            condition |= Q(year=None)
        return self.filter(condition)

    def search(self, text, *, named: Q | None = None) -> Self:
        """The text in the title, description, city, counterpart's name or partnership's name or
        acronym. Every arm is a condition on the outcome's own columns, each with its index on
        PostgreSQL (trigram indexes for the texts, migration 0005), so that a search reads the
        rows that match rather than all of them. The name arms (``named_by``, which a FilterSet
        reads once for all its counts) need no ``published()`` of their own: a draft's name can
        only select a draft outcome, which a published() list never holds."""
        return self.filter(
            in_any_language("title__icontains", text)
            | in_any_language("description__icontains", text)
            | Q(city__icontains=text)
            | (named if named is not None else self.named_by(text))
        )

    @staticmethod
    def named_by(text) -> Q:
        """Outcomes whose counterpart or partnership the text names.

        Up to ``NAMED_AS_LIST`` names are given as their ids, one constant array, which the
        columns' indexes answer beside the other arms (a BitmapOr). More (every demo partnership
        is "... Cluster ...") are a subquery, which PostgreSQL probes as a hash for each row it
        reads: ``= ANY(ARRAY(subquery))``, as it was, searched its 10,000 ids row by row (0.9 s
        for a sample of 10,000 outcomes against 0.1 s), and a constant array of 10,000 cost
        seconds to plan in each facet's count.
        """
        arms = Q()
        for column, names in (
            ("counterpart", Organisation.objects.filter(name__icontains=text)),
            (
                "partnership",
                Partnership.objects.filter(
                    in_any_language("name__icontains", text) | Q(acronym__icontains=text)
                ),
            ),
        ):
            names = names.order_by().values_list("pk", flat=True)
            ids = list(names[: NAMED_AS_LIST + 1])
            if len(ids) > NAMED_AS_LIST:
                arms |= Q(**{f"{column}__in": names})
            elif ids:
                arms |= Q(AnyOf(F(column), ids))
        return arms

    def possible_duplicates_of(self, outcome: "Outcome") -> Self:
        """Outcomes of the same partnership and type that may be ``outcome`` entered again: the
        same country and date, or a near-identical title (trigram similarity on PostgreSQL, the
        same words once case and punctuation are set aside elsewhere). Reads the partnership's
        outcomes of that type along the ``outcomes_partnership_type`` index."""
        same = self.filter(partnership=outcome.partnership_id, type=outcome.type)
        if outcome.pk:
            same = same.exclude(pk=outcome.pk)
        on_the_day = Q(date=outcome.date, country=outcome.country_id) if outcome.date else Q()
        if connections[self.db].vendor == "postgresql":
            return same.annotate(
                title_similarity=TrigramSimilarity("title", outcome.title or "")
            ).filter(on_the_day | Q(title_similarity__gte=SIMILAR_TITLE))
        wanted = normalised_title(outcome.title or "")
        alike = [
            pk for pk, title in same.values_list("pk", "title") if normalised_title(title) == wanted
        ]
        return same.filter(on_the_day | Q(pk__in=alike))

    # Facet counts, read together in one query per page (core/counts.py).

    def tally_by_type(self) -> Tally:
        return Tally(self, "type")

    def tally_by_level(self) -> Tally:
        # An MoU without a level counts under NOT_GIVEN; other types have no level to count.
        return Tally(
            self,
            models.Case(
                models.When(type=Outcome.Type.MOU, level="", then=models.Value(NOT_GIVEN)),
                default=F("level"),
                output_field=models.CharField(),
            ),
        )

    def tally_by_country(self) -> Tally:
        return Tally(self, "country")

    def tally_by_partnership(self) -> Tally:
        return Tally(self, "partnership__slug")

    def tally_by_year(self) -> Tally:
        return Tally(self, Coalesce(Cast("year", models.CharField()), models.Value(NOT_GIVEN)))

    def tally_by_sector(self) -> Tally:
        through = Partnership.sectors.through.objects.filter(
            partnership__outcomes__in=self.values("pk")
        )
        return Tally(through, "sector__slug", models.Count("partnership__outcomes"))

    def with_related(self) -> Self:
        return self.select_related("partnership", "country", "counterpart")

    def latest_first(self) -> Self:
        return self.order_by("-created_at", "-pk")

    def newest_published_first(self) -> Self:
        """For the feeds: the latest publications first, along the outcomes_newest_published index."""
        return self.filter(published_at__isnull=False).order_by("-published_at", "-pk")

    def in_date_order(self) -> Self:
        """Dated outcomes first, oldest first; undated ones after, by year then title."""
        return self.order_by(*DATE_ORDER)

    def first_of_each_type(self, limit: int) -> Self:
        """The first ``limit`` of each type in date order, each row with ``type_total``, how many
        of its type there are: a partnership's page shows that much of each, in one query, however
        many outcomes it has."""
        by_type = {"partition_by": [F("type")]}
        return (
            self.annotate(
                type_rank=models.Window(RowNumber(), order_by=DATE_ORDER, **by_type),
                type_total=models.Window(models.Count("pk"), **by_type),
            )
            .filter(type_rank__lte=limit)
            .order_by("type", *DATE_ORDER)
        )


class OutcomeTypeManager(models.Manager.from_queryset(OutcomeQuerySet)):
    """The manager of a proxy model for one outcome type: it sees only that type."""

    def get_queryset(self) -> Self:
        return super().get_queryset().filter(type=self.model.outcome_type)


# Named out here: inside Outcome, ``type`` is its field.
Constraints = list[tuple[type[models.Model], list[models.BaseConstraint]]]


_CHECKED_BY_CLEAN = {"outcomes_outcome_mou_once", "outcomes_outcome_page_has_source"}


class Outcome(EnglishOriginal, Publishable, Sourced, models.Model):
    # Made from the definitions in outcomes/types.py, for code that names a type (Outcome.Type.MOU);
    # lists of types (choices, filters) read outcome_types.type_choices, which a type registered
    # later joins.
    Type = models.TextChoices(
        "Type", [(kind.value.upper(), (kind.value, kind.label)) for kind in outcome_types.DEFINED]
    )

    class Level(models.TextChoices):
        C2C = "c2c", _("Cluster-to-cluster (C2C)")
        B2B = "b2b", _("Business-to-business (B2B)")
        A2A = "a2a", _("Administration-to-administration (A2A)")

    class Venue(models.TextChoices):
        TRADE_FAIR = "trade_fair", _("Trade fair")
        DEDICATED_OFFICE = "dedicated_office", _("Dedicated office")
        OTHER = "other", _("Other")

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("In-coming")
        OUTGOING = "outgoing", _("Out-going")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="outcomes",
        verbose_name=_("partnership"),
    )
    type = models.CharField(
        max_length=10, choices=outcome_types.type_choices, verbose_name=_("type")
    )
    subtype = models.CharField(
        _("kind"), max_length=20, choices=outcome_types.subtype_choices, blank=True
    )
    title = models.CharField(
        max_length=200,
        help_text=_("A short line, e.g. “MoU with a Chilean agro-food cluster”."),
        verbose_name=_("title"),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text=_(
            "The country the outcome is with or in: a third country for an MoU, any country for an office."
        ),
        verbose_name=_("country"),
    )
    city = models.CharField(max_length=100, blank=True, verbose_name=_("city"))
    date = models.DateField(
        null=True, blank=True, help_text=_("For an MoU, the signing date."), verbose_name=_("date")
    )
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("Filled from the date; give it alone when only the year is known."),
        verbose_name=_("year"),
    )
    # MoU fields
    level = models.CharField(max_length=3, choices=Level, blank=True, verbose_name=_("level"))
    counterpart = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mous",
        verbose_name=_("counterpart"),
    )
    venue = models.CharField(_("signed at"), max_length=20, choices=Venue, blank=True)
    intra_eu = models.BooleanField(
        _("intra-EU"),
        default=False,
        help_text=_("Tick to confirm an MoU with a counterpart in an EU member state is meant."),
    )
    multi_country = models.BooleanField(
        _("several countries"),
        default=False,
        help_text=_(
            "Tick when it spans several countries (a mission to Brazil and Russia): the country "
            "may then stay empty, and the description names them."
        ),
    )
    co_signatories = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="co_signed_outcomes",
        help_text=_("Other partnerships bound by the same MoU."),
        verbose_name=_("co signatories"),
    )
    # mission and exchange field
    direction = models.CharField(
        max_length=8, choices=Direction, blank=True, verbose_name=_("direction")
    )

    evidence_url = models.URLField(_("evidence link"), blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    source_locator = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Where in the source this outcome is stated."),
        verbose_name=_("source locator"),
    )
    source_page, as_of = provenance_fields()
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("published at")
    )
    submitted_at, submitted_by, withdrawn_at, review_note = review.review_fields()
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    version = IntegerVersionField(
        help_text=_("Changes on every save, so that two curators cannot overwrite each other."),
        verbose_name=_("version"),
    )

    objects = OutcomeQuerySet.as_manager()

    # Set by each type's proxy model (_typed_proxy); saving through a proxy fixes the type.
    outcome_type = None

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = [
            models.F("date").desc(nulls_last=True),
            models.F("year").desc(nulls_last=True),
            "title",
            "pk",
        ]
        permissions = [
            ("publish_outcome", _("Can publish outcomes")),
            ("import_outcome", _("Can import outcomes")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="outcomes_outcome_year_in_range",
            ),
            review.review_rule("outcomes_outcome_published_not_in_review"),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(year__isnull=False),
                name="outcomes_outcome_dated_has_year",
            ),
            # Each type to its own fields and kinds, as its definition says (outcomes/types.py).
            models.CheckConstraint(
                condition=_of_types(outcome_types.having("level"))
                | Q(level="", counterpart__isnull=True, venue="", intra_eu=False),
                name="outcomes_outcome_mou_fields_only_on_mou",
            ),
            models.CheckConstraint(
                condition=_of_types(outcome_types.having("multi_country")) | Q(multi_country=False),
                name="outcomes_outcome_multi_country_only_where_located",
            ),
            models.CheckConstraint(
                condition=_of_types(outcome_types.having("direction")) | Q(direction=""),
                name="outcomes_outcome_direction_only_on_moves",
            ),
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (
                        Q(type=kind.value, subtype__in=kind.subtype_values)
                        for kind in outcome_types.DEFINED
                        if kind.subtypes
                    ),
                    Q(subtype=""),
                ),
                name="outcomes_outcome_subtype_fits_type",
            ),
            models.UniqueConstraint(
                fields=["partnership", "counterpart", "date"],
                condition=Q(type="mou", counterpart__isnull=False, date__isnull=False),
                name="outcomes_outcome_mou_once",
                violation_error_message=_(
                    "This partnership already has an MoU with this counterpart on this date."
                ),
            ),
            models.UniqueConstraint(
                fields=["source", "source_locator"],
                condition=~Q(source_locator=""),
                name="outcomes_outcome_source_locator_once",
            ),
            models.CheckConstraint(
                condition=Q(source_page="") | Q(source__isnull=False),
                name="outcomes_outcome_page_has_source",
            ),
        ]
        indexes = [
            models.Index(fields=["type", "date"], name="outcomes_type_date"),
            models.Index(fields=["country", "type"], name="outcomes_country_type"),
            # A year's outcomes in the list's order (the year filter, and the years there are):
            # along the list order's index, a year was found by skipping every newer outcome
            # (39 ms for 2020, 91 ms for offices of 2013 over a million). PostgreSQL's only
            # (migration 0014), as the list order's.
            models.Index(
                models.F("year"),
                models.F("date").desc(nulls_last=True),
                models.F("title"),
                models.F("id"),
                name="outcomes_year_order",
            ),
            # The list's default order, so that any page is read along the index (OFFSET stays cheap).
            models.Index(
                models.F("date").desc(nulls_last=True),
                models.F("year").desc(nulls_last=True),
                "title",
                "id",
                name="outcomes_list_order",
            ),
            # A sort chosen on the list (?sort=date, -title, type, ...): a page along its index,
            # read backwards for a descending sort, whose ties go the same way (core/filters.py
            # StableOrderingFilter). Without them, a million outcomes were sorted for each page
            # (400 ms). The country's name sorts through the country table: no index serves it.
            # Written as expressions: modeltranslation copies an index of ``fields`` naming
            # ``title`` to each language's column.
            *(
                models.Index(models.F(column), models.F("id"), name=f"outcomes_sort_{column}")
                for column in ("date", "title", "type")
            ),
            # The feeds' newest publications.
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="outcomes_newest_published",
            ),
            # The home page's latest outcomes.
            models.Index(
                models.F("created_at").desc(), models.F("id").desc(), name="outcomes_latest"
            ),
            # "Has outcomes of type" facet and filter: one probe per partnership and type.
            models.Index(fields=["partnership", "type"], name="outcomes_partnership_type"),
            # Engagements (PartnershipQuerySet.working_with), read from the index alone: the
            # partnerships with a published outcome in a country (the US: 132,511 outcomes), and
            # the countries of a set of partnerships (the "Works with" facet of a search).
            models.Index(
                fields=["country", "partnership"],
                condition=Q(is_published=True),
                name="outcomes_engaged_country",
            ),
            models.Index(
                fields=["partnership", "country"],
                condition=Q(is_published=True),
                name="outcomes_engaged_partnership",
            ),
            # When the public data last changed (core/data_cache.py): the newest published
            # change, read after each change of the data, without reading every outcome.
            models.Index(
                fields=["updated_at"],
                condition=Q(is_published=True),
                name="outcomes_updated_published",
            ),
            review.waiting_index("outcomes_outcome_waiting"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.outcome_type:
            self.type = self.outcome_type
        if self.date:
            self.year = self.date.year
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("outcomes:outcome-detail", args=[self.pk])

    @property
    def when(self) -> datetime.date | int | None:
        """The date, or the year where only that is known, for display."""
        return self.date or self.year

    def clean(self) -> None:
        if self.outcome_type:
            self.type = self.outcome_type
        errors = {}
        if self.date and self.year is None:
            self.year = self.date.year
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("The date cannot be in the future.")
        if self.date and self.year and self.year != self.date.year:
            errors["year"] = _("The year must match the date (%(year)s), or be left empty.") % {
                "year": self.date.year
            }
        if self.subtype and self.subtype not in outcome_types.subtypes_of(self.type):
            errors["subtype"] = _("“%(kind)s” is not a kind of %(type)s.") % {
                "kind": self.get_subtype_display(),
                "type": str(self.get_type_display()).lower(),
            }
        with_level = outcome_types.having("level")
        if self.type not in {kind.value for kind in with_level} and (
            self.level or self.counterpart_id or self.venue or self.intra_eu
        ):
            errors["type"] = _(
                "Level, counterpart, venue and intra-EU apply to %(types)s only."
            ) % {"types": _plurals(with_level)}
        with_direction = outcome_types.having("direction")
        if self.direction and self.type not in {kind.value for kind in with_direction}:
            errors["direction"] = _("Only %(types)s have a direction.") % {
                "types": _plurals(with_direction)
            }
        if self.type == self.Type.MOU:
            self._clean_mou(errors)
        self.clean_provenance(errors)
        if errors:
            raise ValidationError(errors)

    def get_constraints(self) -> Constraints:
        # clean() reports a duplicate MoU itself, naming the record it duplicates, and a page
        # without its source, without a query per imported row.
        return [
            (model, [c for c in constraints if c.name not in _CHECKED_BY_CLEAN])
            for model, constraints in super().get_constraints()
        ]

    # A bulk import sets this to what it knows of the MoUs (outcomes.resources.KnownMoUs): the
    # database's and the file's rows before this one, so that it asks no query per row.
    known_mous = None

    def _duplicated_mou(self) -> str | None:
        """The MoU with the same partnership, counterpart and signing date, described for a message."""
        if self.known_mous is not None:
            return self.known_mous.duplicate_of(self)
        duplicate = (
            Outcome.objects.filter(
                type=self.Type.MOU,
                partnership=self.partnership_id,
                counterpart=self.counterpart_id,
                date=self.date,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if duplicate is None:
            return None
        return gettext("“%(title)s” (record #%(id)s)") % {"title": duplicate, "id": duplicate.pk}

    def _clean_mou(self, errors) -> None:
        counterpart_country = self.counterpart.country if self.counterpart_id else None
        if counterpart_country and self.country_id and counterpart_country.pk != self.country_id:
            errors["counterpart"] = _(
                "The counterpart is in %(counterpart_country)s, but the MoU's country is %(country)s."
            ) % {"counterpart_country": counterpart_country.name, "country": self.country.name}
        if self.partnership_id and self.counterpart_id and self.date:
            duplicate = self._duplicated_mou()
            if duplicate:
                errors[NON_FIELD_ERRORS] = _(
                    "This MoU duplicates %(duplicate)s: same partnership, counterpart and signing date."
                ) % {"duplicate": duplicate}
        country = self.country if self.country_id else counterpart_country
        if country and country.is_eu_member and not self.intra_eu:
            errors["intra_eu"] = _(
                "%(country)s is an EU member state; internationalisation MoUs are with third countries. "
                "Tick “intra-EU” if this MoU is meant."
            ) % {"country": country.name}


def _typed_proxy(kind: outcome_types.OutcomeType):
    """The type's proxy model (MoU, Roadmap, ...): its manager sees only that type, and saving
    through it fixes the type; the admin gives it a form with the type's fields."""
    options = {"proxy": True, "verbose_name_plural": kind.plural}
    if kind.verbose_name:
        options["verbose_name"] = kind.verbose_name
    proxy = type(
        kind.model_name,
        (Outcome,),
        {
            "__module__": __name__,
            "__qualname__": kind.model_name,
            "outcome_type": kind.value,
            "objects": OutcomeTypeManager(),
            "Meta": type("Meta", (), options),
        },
    )
    globals()[kind.model_name] = proxy

    def undo() -> None:
        del globals()[kind.model_name]
        del apps.all_models[proxy._meta.app_label][proxy._meta.model_name]
        apps.clear_cache()

    return undo


outcome_types.for_each_type(_typed_proxy)


def engagement_rows() -> QuerySet:
    """Each published outcome with a country as an engagement of its partnership there, for
    ``PartnershipQuerySet.working_with`` (registered in ``OutcomesConfig.ready``)."""
    return Outcome.objects.published().filter(country__isnull=False).annotate(kind=F("type"))


def describe_engagements(counts: dict[str, int], *, partnership: str, country: str) -> str:
    """{"mou": 2, "office": 1} in words, in the order of the types, each count a link to exactly
    its outcomes: "<a …>2 MoUs</a>, <a …>1 office</a>" (safe HTML)."""
    parts = []
    for kind in outcome_types.all_types():
        n = counts.get(kind.value)
        if n:
            words = kind.counted % {"count": n}
            query = urlencode({"partnership": partnership, "country": country, "type": kind.value})
            parts.append((n, f"{reverse('outcomes:outcome-list')}?{query}", words))
    return format_html_join(", ", '<a class="figure" data-figure="{}" href="{}">{}</a>', parts)


class SuggestionQuerySet(models.QuerySet):
    def waiting(self) -> Self:
        """The editors' queue: new suggestions, oldest first."""
        return self.filter(status=Suggestion.Status.NEW).order_by("created_at", "pk")


class Suggestion(models.Model):
    """A result a cluster manager reported through the public "Report a result" form.

    Never shown on a public page: an editor reads it and turns it into a draft outcome (the
    outcome's add form, filled in from it) or rejects it.
    """

    # The outcome types a visitor may report: those that happen on a day and somewhere.
    TYPES = ("mou", "mission", "office", "roadmap")

    class Status(models.TextChoices):
        NEW = "new", _("New — waiting for an editor")
        CONVERTED = "converted", _("Turned into an outcome")
        REJECTED = "rejected", _("Rejected")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("partnership"),
    )
    type = models.CharField(max_length=10, verbose_name=_("type"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    date = models.DateField(null=True, blank=True, verbose_name=_("date"))
    description = models.TextField(max_length=2000, blank=True, verbose_name=_("description"))
    name = models.CharField(max_length=100, verbose_name=_("reported by"))
    email = models.EmailField(max_length=254, verbose_name=_("e-mail"))
    status = models.CharField(
        max_length=10, choices=Status, default=Status.NEW, verbose_name=_("status")
    )
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The outcome an editor made of this suggestion."),
        verbose_name=_("outcome"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("reported at")
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="new"), name="outcomes_suggestion_new"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=["mou", "mission", "office", "roadmap"]),
                name="outcomes_suggestion_type_reportable",
            ),
            models.CheckConstraint(
                condition=Q(status="converted", outcome__isnull=False) | ~Q(status="converted"),
                name="outcomes_suggestion_converted_names_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def type_label(self) -> str:
        kind = outcome_types.get(self.type)
        return kind.label if kind else self.type
