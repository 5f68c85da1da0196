"""The columns of the partnership and cluster exports. They are documented in docs/exports.md: keep them stable."""

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.exports import Column, Export
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


def _target_regions(partnership):
    return [t.region.name for t in partnership.targets.all() if t.region_id]


class PartnershipExport(Export):
    """One row per partnership. Lists follow the source's order."""

    stem = "partnerships"
    columns = [
        Column(
            "name",
            lambda p: p.name,
            width=45,
            description=_("The partnership's name, without its acronym."),
        ),
        Column(
            "acronym",
            lambda p: p.acronym,
            width=12,
            description=_("Its acronym, where it has one."),
        ),
        Column(
            "kind",
            lambda p: p.kind,
            width=9,
            description=_(
                "escp (European Strategic Cluster Partnership) or project (a funded internationalisation project)."
            ),
        ),
        Column(
            "sectors",
            lambda p: [s.name for s in p.sectors.all()],
            "list",
            width=30,
            description=_("The sectors it works in, by name."),
        ),
        Column(
            "programme",
            lambda p: p.programme,
            width=30,
            description=_("The programme that funds or frames it."),
        ),
        Column(
            "strand",
            lambda p: p.strand,
            width=10,
            description=_("The programme strand, e.g. ESCP-4i."),
        ),
        Column("call", lambda p: p.call, width=16, description=_("The call, e.g. CIP 2012/2013.")),
        Column(
            "funding",
            lambda p: p.funding,
            width=10,
            description=_("co_funded or voluntary; empty where not known."),
        ),
        Column(
            "partner_count",
            lambda p: p.partner_count,
            "number",
            width=13,
            description=_("The number of member clusters it declares."),
        ),
        Column(
            "country_count",
            lambda p: p.country_count,
            "number",
            width=13,
            description=_(
                "The number of countries it declares; a cross-border member counts once."
            ),
        ),
        Column(
            "member_countries",
            _member_codes,
            "list",
            width=30,
            description=_(
                "ISO codes of the member countries; a cross-border member gives both its codes."
            ),
        ),
        Column(
            "member_country_entries",
            lambda p: [e.label for e in p.member_countries.all()],
            "list",
            width=30,
            description=_(
                "The member countries as the source lists them, a cross-border member as SE-DK."
            ),
        ),
        Column(
            "member_country_names",
            _member_names,
            "list",
            width=45,
            description=_(
                "The member countries' names, in the same order as member_country_entries."
            ),
        ),
        Column(
            "target_countries",
            lambda p: _target_countries(p, tentative=False),
            "list",
            width=30,
            description=_("ISO codes of the countries it targets directly."),
        ),
        Column(
            "tentative_target_countries",
            lambda p: _target_countries(p, tentative=True),
            "list",
            width=15,
            description=_(
                "ISO codes of countries it possibly targets (the source's “+ possibly”)."
            ),
        ),
        Column(
            "target_regions",
            _target_regions,
            "list",
            width=30,
            description=_("The regions it targets, by name."),
        ),
        Column(
            "start_date",
            lambda p: p.start_date,
            "date",
            width=12,
            description=_("When it started (ISO 8601)."),
        ),
        Column(
            "end_date",
            lambda p: p.end_date,
            "date",
            width=12,
            description=_("When it ended or ends (ISO 8601)."),
        ),
        Column(
            "status",
            lambda p: p.status or "",
            width=8,
            description=_(
                "active, ended or planned, read from the dates on the day of the export; empty "
                "without an end date."
            ),
        ),
        Column("website", lambda p: p.website, width=30, description=_("Its website.")),
        Column(
            "contact_email",
            lambda p: p.contact_email,
            width=30,
            description=_("Its public contact address."),
        ),
        Column(
            "source",
            lambda p: p.export_citation(),
            width=60,
            description=SOURCE_DESCRIPTION,
        ),
        Column(
            "as_of",
            lambda p: p.as_of,
            "date",
            width=12,
            description=AS_OF_DESCRIPTION,
        ),
        Column(
            "slug",
            lambda p: p.slug,
            width=30,
            description=_("Its identifier in the portal's URLs and filters."),
        ),
        Column("url", lambda p: p.absolute_url, width=50, description=_("Its page on the portal.")),
    ]

    def fetch(self) -> Iterator[Partnership]:
        rows = self.queryset.prefetch_related(None).with_related().select_related("source")
        for partnership in rows.iterator(chunk_size=500):
            partnership.absolute_url = self.base_url + partnership.get_absolute_url()
            yield partnership


class ClusterExport(Export):
    stem = "clusters"
    columns = [
        Column("name", lambda c: c["name"], width=40, description=_("The cluster's name.")),
        Column("acronym", lambda c: c["acronym"], width=12, description=_("Its acronym.")),
        Column("city", lambda c: c["city"], width=20, description=_("Its city.")),
        Column(
            "country", lambda c: c["country"], width=8, description=_("ISO code of its country.")
        ),
        Column(
            "cross_border_country",
            lambda c: c["cross_border_country"],
            width=8,
            description=_("ISO code of its second country, for a cross-border cluster."),
        ),
        Column(
            "country_name",
            lambda c: c["country__name"],
            width=25,
            description=_("Its country's name."),
        ),
        Column(
            "label",
            lambda c: c["label"],
            width=8,
            description=_("Its cluster management excellence label: bronze, silver or gold."),
        ),
        Column("website", lambda c: c["website"], width=30, description=_("Its website.")),
        Column(
            "slug",
            lambda c: c["slug"],
            width=30,
            description=_("Its identifier in the portal's URLs."),
        ),
        Column("url", lambda c: c["url"], width=50, description=_("Its page on the portal.")),
    ]

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
    columns = [
        Column(
            "Name",
            lambda p: p.display_name,
            width=50,
            description=_("The name, with the acronym after a dash."),
        ),
        Column(
            "Sector",
            lambda p: ", ".join(s.name for s in p.sectors.all()),
            width=28,
            description=_("The sectors it works in."),
        ),
        Column(
            "Partners/Countries",
            lambda p: p.declared_members,
            width=60,
            description=_(
                "“11 from 10 countries (DK, IT, ...)”, with ISO codes; SE-DK is one cross-border member."
            ),
        ),
        Column(
            "Target Countries",
            lambda p: p.target_markets or "–",
            width=60,
            description=_("Countries and regions it targets; tentative ones after “+ possibly”."),
        ),
    ]
