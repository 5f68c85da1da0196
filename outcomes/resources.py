"""Importing outcomes in the columns of the outcomes export (docs/exports.md)."""

from import_export import fields, widgets

from outcomes.models import Organisation, Outcome
from partnerships.models import Partnership
from portal.imports import (
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    PortalResource,
    StrictForeignKeyWidget,
    TextWidget,
)


class CounterpartField(fields.Field):
    """The counterpart organisation by name, in the row's country; a new name adds the organisation."""

    def clean(self, row, **kwargs):
        name = TextWidget().clean(row.get(self.column_name))
        if not name:
            return None
        country = CountryWidget().clean(row.get("country"))
        if country is None:
            raise ValueError(f"The counterpart “{name}” needs the country it is in.")
        organisation, _ = Organisation.objects.get_or_create(name=name, country=country)
        return organisation


def text(name, attribute=None):
    return fields.Field(attribute=attribute or name, column_name=name, widget=TextWidget())


class OutcomeResource(PortalResource):
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    partnership = fields.Field(
        attribute="partnership",
        column_name="partnership_slug",
        widget=StrictForeignKeyWidget(Partnership, "slug", "partnership"),
    )
    type = fields.Field(
        attribute="type",
        column_name="type",
        widget=ChoiceWidget(Outcome.Type.choices, "an outcome type"),
    )
    subtype = fields.Field(
        attribute="subtype",
        column_name="kind",
        widget=ChoiceWidget(Outcome.Subtype.choices, "a kind of outcome"),
    )
    level = fields.Field(
        attribute="level",
        column_name="level",
        widget=ChoiceWidget(Outcome.Level.choices, "an MoU level"),
    )
    title = text("title")
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    city = text("city")
    date = fields.Field(attribute="date", column_name="date", widget=DateWidget())
    year = fields.Field(attribute="year", column_name="year", widget=widgets.IntegerWidget())
    counterpart = CounterpartField(attribute="counterpart", column_name="counterpart")
    venue = fields.Field(
        attribute="venue",
        column_name="venue",
        widget=ChoiceWidget(Outcome.Venue.choices, "a venue"),
    )
    direction = fields.Field(
        attribute="direction",
        column_name="direction",
        widget=ChoiceWidget(Outcome.Direction.choices, "a direction"),
    )
    evidence_url = text("evidence_url")

    required_columns = ("partnership_slug", "type", "title")
    ignored_columns = ("partnership", "country_name", "url")

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
