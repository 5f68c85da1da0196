"""The columns of the partnership and cluster exports. They are documented in docs/exports.md: keep them stable."""

import operator
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.exports import Column, Export
from core.translated import translation_of
from partnerships.models import Partnership

# Worded once for every export and API schema that carries provenance (outcomes' too).
SOURCE_DESCRIPTION = _(
    "Where its information comes from: the source's title, publisher and date (ISO 8601) and "
    "the page or slide, those known, separated by commas."
)
AS_OF_DESCRIPTION = _("The date its information is as of (ISO 8601).")


def _member_codes(partnership):
    return [code for entry in partnership.member_countries.all() for code in entry.codes]


def _member_names(partnership):
    return [
        entry.country.name
        if not entry.cross_border_country_id
        else f"{entry.country.name}-{entry.cross_border_country.name}"
        for entry in partnership.member_countries.all()
    ]


def _target_countries(partnership, tentative):
    return [
        t.country_id for t in partnership.targets.all() if t.country_id and t.tentative == tentative
    ]


def _target_country_names(partnership, tentative):
    return [
        t.country.name
        for t in partnership.targets.all()
        if t.country_id and t.tentative == tentative
    ]


def _target_regions(partnership):
    return [str(t.region) for t in partnership.targets.all() if t.region_id]


class PartnershipExport(Export):
    """One row per partnership. Lists follow the source's order."""

    stem = "partnerships"
    columns = [
        Column(
            "name",
            # In the reader's language (?lang= in the API) where a curator translated it.
            lambda p: translation_of(p, "name") or p.name,
            width=45,
            description=_("The partnership's name, without its acronym."),
            label=_("Partnership"),
        ),
        Column(
            "acronym",
            lambda p: p.acronym,
            width=12,
            description=_("Its acronym, where it has one."),
            label=_("Acronym"),
        ),
        Column(
            "kind",
            lambda p: p.kind,
            width=9,
            description=_(
                "escp (European Strategic Cluster Partnership) or project (a funded internationalisation project)."
            ),
            label=_("Kind"),
        ),
        Column(
            "sectors",
            lambda p: [str(s) for s in p.sectors.all()],
            "list",
            width=30,
            description=_("The sectors it works in, by name."),
            label=_("Sectors"),
        ),
        Column(
            "programme",
            lambda p: p.programme,
            width=30,
            description=_("The programme that funds or frames it."),
            label=_("Programme"),
        ),
        Column(
            "strand",
            lambda p: p.strand,
            width=10,
            description=_("The programme strand, e.g. ESCP-4i."),
            label=_("Strand"),
        ),
        Column(
            "call",
            lambda p: p.call,
            width=16,
            description=_("The call, e.g. CIP 2012/2013."),
            label=_("Call"),
        ),
        Column(
            "funding",
            lambda p: p.funding,
            width=10,
            description=_("co_funded or voluntary; empty where not known."),
            label=_("Funding"),
        ),
        Column(
            "partner_count",
            lambda p: p.partner_count,
            "number",
            width=13,
            description=_("The number of member clusters it declares."),
            label=_("Members"),
        ),
        Column(
            "country_count",
            lambda p: p.country_count,
            "number",
            width=13,
            description=_(
                "The number of countries it declares; a cross-border member counts once."
            ),
            label=_("Countries"),
        ),
        Column(
            "member_countries",
            _member_codes,
            "list",
            width=30,
            description=_(
                "ISO codes of the member countries; a cross-border member gives both its codes."
            ),
            label=_("Member country codes"),
        ),
        Column(
            "member_country_entries",
            lambda p: [e.label for e in p.member_countries.all()],
            "list",
            width=30,
            description=_(
                "The member countries as the source lists them, a cross-border member as SE-DK."
            ),
            label=_("Member countries as listed"),
        ),
        Column(
            "member_country_names",
            _member_names,
            "list",
            width=45,
            description=_(
                "The member countries' names, in the same order as member_country_entries."
            ),
            label=_("Member countries"),
        ),
        Column(
            "target_countries",
            lambda p: _target_countries(p, tentative=False),
            "list",
            width=30,
            description=_("ISO codes of the countries it targets directly."),
            label=_("Target country codes"),
        ),
        Column(
            "tentative_target_countries",
            lambda p: _target_countries(p, tentative=True),
            "list",
            width=15,
            description=_(
                "ISO codes of countries it possibly targets (the source's “+ possibly”)."
            ),
            label=_("Possible target country codes"),
        ),
        Column(
            "target_regions",
            _target_regions,
            "list",
            width=30,
            description=_("The regions it targets, by name."),
            label=_("Target regions"),
        ),
        Column(
            "start_date",
            lambda p: p.start_date,
            "date",
            width=12,
            description=_("When it started (ISO 8601)."),
            label=_("Start"),
        ),
        Column(
            "end_date",
            lambda p: p.end_date,
            "date",
            width=12,
            description=_("When it ended or ends (ISO 8601)."),
            label=_("End"),
        ),
        Column(
            "status",
            lambda p: p.status or "",
            width=8,
            description=_(
                "active, ended or planned, read from the dates on the day of the export; empty "
                "without an end date."
            ),
            label=_("Status"),
        ),
        Column(
            "website",
            lambda p: p.website,
            width=30,
            description=_("Its website."),
            label=_("Website"),
        ),
        Column(
            "contact_email",
            lambda p: p.contact_email,
            width=30,
            description=_("Its public contact address."),
            label=_("Contact"),
        ),
        Column(
            "source",
            lambda p: p.export_citation(),
            width=60,
            description=SOURCE_DESCRIPTION,
            label=_("Source"),
        ),
        Column(
            "as_of",
            lambda p: p.as_of,
            "date",
            width=12,
            description=AS_OF_DESCRIPTION,
            label=_("Information as of"),
        ),
        Column(
            "slug",
            lambda p: p.slug,
            width=30,
            description=_("Its identifier in the portal's URLs and filters."),
            label=_("Identifier"),
        ),
        Column(
            "url",
            lambda p: p.absolute_url,
            width=50,
            description=_("Its page on the portal."),
            label=_("Page on the portal"),
        ),
    ]

    # For people: the countries' names, each before its codes.
    people_columns = [
        *columns[:10],
        columns[12],  # member_country_names
        columns[10],
        columns[11],
        Column(
            "target_country_names",
            lambda p: _target_country_names(p, tentative=False),
            "list",
            width=40,
            label=_("Target countries"),
        ),
        columns[13],
        Column(
            "tentative_target_country_names",
            lambda p: _target_country_names(p, tentative=True),
            "list",
            width=20,
            label=_("Possible target countries"),
        ),
        *columns[14:],
    ]
    print_columns = (
        "name",
        "sectors",
        "partner_count",
        "member_country_entries",
        "target_country_names",
        "target_regions",
    )

    def fetch(self) -> Iterator[Partnership]:
        rows = self.queryset.prefetch_related(None).with_related().select_related("source")
        for partnership in rows.iterator(chunk_size=500):
            partnership.absolute_url = self.base_url + partnership.get_absolute_url()
            yield partnership


def _cluster_column(name, key, label, description, width=20):
    return Column(name, operator.itemgetter(key), width=width, description=description, label=label)


class ClusterExport(Export):
    stem = "clusters"
    columns = [
        _cluster_column("name", "name", _("Cluster"), _("The cluster's name."), width=40),
        _cluster_column("acronym", "acronym", _("Acronym"), _("Its acronym."), width=12),
        _cluster_column("city", "city", _("City"), _("Its city.")),
        _cluster_column(
            "country", "country", _("Country code"), _("ISO code of its country."), width=8
        ),
        _cluster_column(
            "cross_border_country",
            "cross_border_country",
            _("Second country code"),
            _("ISO code of its second country, for a cross-border cluster."),
            width=8,
        ),
        _cluster_column(
            "country_name", "country__name", _("Country"), _("Its country's name."), width=25
        ),
        _cluster_column(
            "label",
            "label",
            _("Excellence label"),
            _("Its cluster management excellence label: bronze, silver or gold."),
            width=8,
        ),
        _cluster_column("website", "website", _("Website"), _("Its website."), width=30),
        _cluster_column(
            "slug", "slug", _("Identifier"), _("Its identifier in the portal's URLs."), width=30
        ),
        _cluster_column(
            "url", "url", _("Page on the portal"), _("Its page on the portal."), width=50
        ),
    ]
    print_columns = ("name", "city", "country_name", "label")

    def fetch(self) -> Iterator[dict[str, Any]]:
        fields = [
            "name",
            "acronym",
            "city",
            "country",
            "cross_border_country",
            "country__name",
            "label",
            "website",
            "slug",
        ]
        for row in self.queryset.values(*fields).iterator(chunk_size=2000):
            row["url"] = self.base_url + reverse("partnerships:cluster-detail", args=[row["slug"]])
            yield row


class EscpOverviewExport(PartnershipExport):
    """The overview table of the source document, regenerated from the data."""

    stem = "escp-overview"
    # Its columns are the source's own, for people and machines alike.
    people_columns = None
    print_columns = ()
    columns = [
        Column(
            "Name",
            lambda p: p.display_name,
            width=50,
            description=_("The name, with the acronym after a dash."),
            label=_("Name"),
        ),
        Column(
            "Sector",
            lambda p: ", ".join(s.name for s in p.sectors.all()),
            width=28,
            description=_("The sectors it works in."),
            label=_("Sector"),
        ),
        Column(
            "Partners/Countries",
            lambda p: p.declared_members,
            width=60,
            description=_(
                "“11 from 10 countries (DK, IT, ...)”, with ISO codes; SE-DK is one cross-border member."
            ),
            label=_("Partners/Countries"),
        ),
        Column(
            "Target Countries",
            lambda p: p.target_markets or "–",
            width=60,
            description=_("Countries and regions it targets; tentative ones after “+ possibly”."),
            label=_("Target Countries"),
        ),
    ]
