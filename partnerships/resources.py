"""Importing partnerships and clusters in the columns of their exports (docs/exports.md)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from core.country_codes import normalise_country_code
from core.imports import (
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    PortalResource,
    StrictManyToManyWidget,
    TextWidget,
    quoted,
    split_list,
)
from partnerships import lists
from partnerships.models import (
    Cluster,
    Country,
    MemberCountry,
    Partnership,
    Region,
    Sector,
    TargetMarket,
)


def text(name) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=TextWidget())


class MemberEntriesWidget(widgets.Widget):
    """ "SE-DK;FI" into ["SE-DK", "FI"], each code checked and de-aliased (UK becomes GB)."""

    def clean(self, value, row=None, **kwargs) -> list:
        entries = []
        for entry in split_list(value):
            codes = [normalise_country_code(part) for part in entry.split("-")]
            if None in codes or len(codes) > 2:
                raise ValueError(
                    gettext(
                        "“%(entry)s” is not a member country entry: use ISO codes, SE-DK for a "
                        "cross-border member."
                    )
                    % {"entry": entry}
                )
            entries.append("-".join(codes))
        return entries

    def render(self, value, obj=None, **kwargs) -> str:
        return ";".join(value or [])


class CountryListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> list[str]:
        codes = []
        for item in split_list(value):
            code = normalise_country_code(item)
            if code is None:
                raise ValueError(
                    gettext("Unknown country “%(item)s”: use ISO codes such as BR, CN or US.")
                    % {"item": item}
                )
            codes.append(code)
        return sorted(set(codes))

    def render(self, value, obj=None, **kwargs) -> str:
        return ";".join(value or [])


class RegionListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> list[str]:
        names = split_list(value)
        known = set(Region.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [name for name in names if name not in known]
        if unknown:
            raise ValueError(gettext("Unknown regions: %(names)s.") % {"names": quoted(unknown)})
        return sorted(set(names))

    def render(self, value, obj=None, **kwargs) -> str:
        return ";".join(value or [])


class PartnershipResource(PortalResource):
    """Member countries and targets are replaced only when they differ from what is stored.

    Targets compare as sets: the export lists countries and regions in two
    columns, so their interleaved order cannot come back and is kept as is.
    """

    slug = text("slug")
    name = text("name")
    acronym = text("acronym")
    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(Partnership.Kind.choices, _("a kind")),
    )
    sectors = fields.Field(
        attribute="sectors",
        column_name="sectors",
        widget=StrictManyToManyWidget(Sector, "name", _("sectors")),
    )
    programme = text("programme")
    strand = text("strand")
    call = text("call")
    funding = fields.Field(
        attribute="funding",
        column_name="funding",
        widget=ChoiceWidget(Partnership.Funding.choices, _("a funding status")),
    )
    partner_count = fields.Field(
        attribute="partner_count", column_name="partner_count", widget=widgets.IntegerWidget()
    )
    country_count = fields.Field(
        attribute="country_count", column_name="country_count", widget=widgets.IntegerWidget()
    )
    member_entries = fields.Field(
        attribute="imported_member_entries",
        column_name="member_country_entries",
        widget=MemberEntriesWidget(),
    )
    firm_targets = fields.Field(
        attribute="imported_target_countries",
        column_name="target_countries",
        widget=CountryListWidget(),
    )
    tentative_targets = fields.Field(
        attribute="imported_tentative_countries",
        column_name="tentative_target_countries",
        widget=CountryListWidget(),
    )
    target_regions = fields.Field(
        attribute="imported_target_regions", column_name="target_regions", widget=RegionListWidget()
    )
    start_date = fields.Field(
        attribute="start_date",
        column_name="start_date",
        widget=DateWidget(),
    )
    end_date = fields.Field(attribute="end_date", column_name="end_date", widget=DateWidget())
    website = text("website")
    contact_email = text("contact_email")
    as_of = fields.Field(attribute="as_of", column_name="as_of", widget=DateWidget())

    public_list = lists.PARTNERSHIPS
    required_columns = ("slug", "name", "kind")

    class Meta:
        model = Partnership
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "acronym",
            "kind",
            "sectors",
            "programme",
            "strand",
            "call",
            "funding",
            "partner_count",
            "country_count",
            "member_entries",
            "firm_targets",
            "tentative_targets",
            "target_regions",
            "start_date",
            "end_date",
            "website",
            "contact_email",
            "as_of",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        # What is stored now, in the import's own form, so unchanged rows compare equal and are skipped.
        members = [] if new else list(instance.member_countries.all())
        targets = [] if new else list(instance.targets.select_related("region"))
        instance.imported_member_entries = [entry.label for entry in members]
        instance.imported_target_countries = sorted(
            t.country_id for t in targets if t.country_id and not t.tentative
        )
        instance.imported_tentative_countries = sorted(
            t.country_id for t in targets if t.country_id and t.tentative
        )
        instance.imported_target_regions = sorted(t.region.name for t in targets if t.region_id)

    def after_save_instance(self, instance, row, **kwargs) -> None:
        stored = Partnership.objects.get(pk=instance.pk)
        self.after_init_instance(stored, False, row)
        if stored.imported_member_entries != instance.imported_member_entries:
            instance.member_countries.all().delete()
            for position, entry in enumerate(instance.imported_member_entries):
                country, _, cross_border = entry.partition("-")
                MemberCountry.objects.create(
                    partnership=instance,
                    position=position,
                    country_id=country,
                    cross_border_country_id=cross_border or None,
                )
        wanted = (
            instance.imported_target_countries,
            instance.imported_tentative_countries,
            instance.imported_target_regions,
        )
        if wanted != (
            stored.imported_target_countries,
            stored.imported_tentative_countries,
            stored.imported_target_regions,
        ):
            instance.targets.all().delete()
            position = 0
            for codes, tentative in ((wanted[0], False), (wanted[1], True)):
                for code in codes:
                    TargetMarket.objects.create(
                        partnership=instance,
                        position=position,
                        country_id=code,
                        tentative=tentative,
                    )
                    position += 1
            for region in Region.objects.filter(name__in=wanted[2]):
                TargetMarket.objects.create(partnership=instance, position=position, region=region)
                position += 1


class ClusterResource(PortalResource):
    slug = text("slug")
    name = text("name")
    acronym = text("acronym")
    city = text("city")
    country = fields.Field(
        attribute="country", column_name="country", widget=CountryWidget(Country)
    )
    cross_border_country = fields.Field(
        attribute="cross_border_country",
        column_name="cross_border_country",
        widget=CountryWidget(Country),
    )
    label = fields.Field(
        attribute="label",
        column_name="label",
        widget=ChoiceWidget(Cluster.Label.choices, _("a label")),
    )
    website = text("website")

    public_list = lists.CLUSTERS
    required_columns = ("slug", "name", "country")

    class Meta:
        model = Cluster
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "acronym",
            "city",
            "country",
            "cross_border_country",
            "label",
            "website",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
