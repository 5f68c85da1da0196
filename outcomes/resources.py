"""Importing outcomes in the columns of the outcomes export (docs/exports.md)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import Result

from core.imports import (
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    PortalResource,
    StrictForeignKeyWidget,
    TextWidget,
)
from outcomes import lists
from outcomes import types as outcome_types
from outcomes.models import Organisation, Outcome
from partnerships.models import Country, Partnership


class CounterpartField(fields.Field):
    """The counterpart organisation by name, in the row's country; a new name adds the organisation.

    The organisations a file names are read, and the new ones created, all at once before its
    rows (``prepare``): a file of 10,000 MoUs may name thousands."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.countries = CountryWidget(Country)
        self.organisations = {}
        self.user = None
        # Organisations added for rows after prepare(), for the history.
        self.added = []

    def key(self, row) -> tuple[str, str] | None:
        name = TextWidget().clean(row.get(self.column_name))
        if not name:
            return None
        country = self.countries.clean(row.get("country"))
        if country is None:
            raise ValueError(
                gettext("The counterpart “%(name)s” needs the country it is in.") % {"name": name}
            )
        return name, country

    def prepare(self, dataset, *, user=None) -> list:
        """Reads the file's organisations in one query, and adds the new ones in one INSERT.

        Returns the new ones."""
        if self.column_name not in dataset.headers:
            return []
        wanted = set()
        for row in dataset.dict:
            try:
                key = self.key(row)
            except ValueError:
                continue  # The row reports it itself.
            if key:
                wanted.add(key)
        names = {name for name, _ in wanted}
        self.organisations = {
            (organisation.name, organisation.country_id): organisation
            for organisation in Organisation.objects.filter(name__in=names).select_related(
                "country"
            )
        }
        self.user = user
        new = []
        for name, country in wanted:
            if (name, country.pk) not in self.organisations:
                organisation = Organisation(name=name, country=country, created_by=user)
                try:
                    # Its country and user were just read; the names are new, so unique by the
                    # query above.
                    organisation.full_clean(
                        exclude=["country", "created_by"],
                        validate_unique=False,
                        validate_constraints=False,
                    )
                except ValidationError:
                    continue  # Its row reports why.
                new.append(organisation)
        Organisation.objects.bulk_create(new)
        self.organisations.update({(o.name, o.country_id): o for o in new})
        return new

    def clean(self, row, **kwargs) -> Organisation | None:
        key = self.key(row)
        if key is None:
            return None
        name, country = key
        organisation = self.organisations.get((name, country.pk))
        if organisation is None:
            organisation = Organisation(name=name, country=country, created_by=self.user)
            try:
                organisation.full_clean()
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
            # As prepare() does: no post_save, so the import's history stays one revision.
            Organisation.objects.bulk_create([organisation])
            self.organisations[name, country.pk] = organisation
            self.added.append(organisation)
        return organisation


class KnownMoUs:
    """The dated MoUs with a counterpart, by partnership, counterpart and date: those in the database
    (read once per partnership the file names) and the file's valid rows so far.

    Outcome.clean() asks this instead of the database when an import validates its rows, so that
    a duplicate is found with no query per row, within the file as against what is stored.
    """

    def __init__(self) -> None:
        self.by_key = {}
        self.key_of = {}
        self.read = set()

    def duplicate_of(self, outcome) -> str | None:
        self._read(outcome.partnership_id)
        found = self.by_key.get(self._key(outcome))
        if found is None or (outcome.pk is not None and found[0] == outcome.pk):
            return None
        pk, title, row_number = found
        if pk is None:
            return gettext("“%(title)s” (row %(number)s of this file)") % {
                "title": title,
                "number": row_number,
            }
        return gettext("“%(title)s” (record #%(id)s)") % {"title": title, "id": pk}

    def add(self, outcome, row_number) -> None:
        """A valid row: a later row with the same key duplicates it."""
        if outcome.type != Outcome.Type.MOU or not (outcome.counterpart_id and outcome.date):
            return
        self._read(outcome.partnership_id)
        if outcome.pk is not None:
            # A changed MoU leaves its former key free.
            self.by_key.pop(self.key_of.pop(outcome.pk, None), None)
            self.key_of[outcome.pk] = self._key(outcome)
        self.by_key[self._key(outcome)] = (outcome.pk, outcome.title, row_number)

    @staticmethod
    def _key(outcome) -> tuple:
        return outcome.partnership_id, outcome.counterpart_id, outcome.date

    def _read(self, partnership_id) -> None:
        if partnership_id in self.read:
            return
        self.read.add(partnership_id)
        stored = Outcome.objects.filter(
            type=Outcome.Type.MOU,
            partnership=partnership_id,
            counterpart__isnull=False,
            date__isnull=False,
        ).values_list("pk", "counterpart", "date", "title")
        for pk, counterpart, date, title in stored:
            key = (partnership_id, counterpart, date)
            self.key_of[pk] = key
            self.by_key[key] = (pk, title, None)


def text(name, attribute=None) -> fields.Field:
    return fields.Field(attribute=attribute or name, column_name=name, widget=TextWidget())


class OutcomeResource(PortalResource):
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    partnership = fields.Field(
        attribute="partnership",
        column_name="partnership_slug",
        widget=StrictForeignKeyWidget(Partnership, "slug", _("partnership")),
    )
    type = fields.Field(
        attribute="type",
        column_name="type",
        widget=ChoiceWidget(outcome_types.type_choices, _("an outcome type")),
    )
    subtype = fields.Field(
        attribute="subtype",
        column_name="kind",
        widget=ChoiceWidget(outcome_types.subtype_choices, _("a kind of outcome")),
    )
    level = fields.Field(
        attribute="level",
        column_name="level",
        widget=ChoiceWidget(Outcome.Level.choices, _("an MoU level")),
    )
    title = text("title")
    country = fields.Field(
        attribute="country", column_name="country", widget=CountryWidget(Country)
    )
    city = text("city")
    date = fields.Field(attribute="date", column_name="date", widget=DateWidget())
    year = fields.Field(attribute="year", column_name="year", widget=widgets.IntegerWidget())
    counterpart = CounterpartField(attribute="counterpart", column_name="counterpart")
    venue = fields.Field(
        attribute="venue",
        column_name="venue",
        widget=ChoiceWidget(Outcome.Venue.choices, _("a venue")),
    )
    direction = fields.Field(
        attribute="direction",
        column_name="direction",
        widget=ChoiceWidget(Outcome.Direction.choices, _("a direction")),
    )
    evidence_url = text("evidence_url")

    public_list = lists.OUTCOMES
    required_columns = ("partnership_slug", "type", "title")
    rules_in_clean = True

    class Meta:
        model = Outcome
        import_id_fields = ["id"]
        fields = [
            "id",
            "partnership",
            "type",
            "subtype",
            "level",
            "title",
            "country",
            "city",
            "date",
            "year",
            "counterpart",
            "venue",
            "direction",
            "evidence_url",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        # Rows are written 1,000 at a time (docs/curation.md, "Big imports").
        use_bulk = True
        batch_size = 1000
        # No deep copy and diff of every row: the preview shows the changes of its first rows only
        # (PortalResource.after_import_row).
        skip_diff = True
        # The records a file's ids name are read in one query, not one per row.
        instance_loader_class = CachedInstanceLoader

    def get_queryset(self) -> QuerySet:
        # What the preview shows of a stored record and the unchanged-row check read, in the same query.
        return (
            super().get_queryset().select_related("partnership", "country", "counterpart__country")
        )

    def before_import(self, dataset, **kwargs) -> None:
        super().before_import(dataset, **kwargs)
        new = self.fields["counterpart"].prepare(dataset, user=kwargs.get("user"))
        if not self.dry_run:
            self.written.extend(new)

    def after_import(self, dataset, result, **kwargs) -> None:
        if not self.dry_run:
            self.written.extend(self.fields["counterpart"].added)
        super().after_import(dataset, result, **kwargs)

    def import_data(self, dataset, dry_run=False, **kwargs) -> Result:
        self.known_mous = KnownMoUs()
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ) -> None:
        instance.known_mous = self.known_mous
        super().validate_instance(instance, import_validation_errors, validate_unique)
        self.known_mous.add(instance, self.row_number)
