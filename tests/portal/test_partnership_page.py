"""A partnership's page: its related rows read as values by SQL compiled once
(portal/partnership_page.py), its outcome tables' rows written in Python
(portal_tags.outcome_table_rows), and what they show."""

import datetime

import pytest
from django.db.models.sql.compiler import SQLCompiler

from partnerships.models import MemberCountry, Membership, Partnership, Region, Source, TargetMarket
from tests.factories import (
    ClusterFactory,
    OutcomeFactory,
    PartnershipFactory,
    SectorFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_url():
    """A partnership with every kind of related row."""
    partnership = PartnershipFactory(
        name="Lighting Alliance",
        acronym="LA",
        partner_count=2,
        sectors=[SectorFactory(name="Lighting")],
    )
    MemberCountry.objects.create(
        partnership=partnership, country=country("SE"), cross_border_country=country("DK")
    )
    region = Region.objects.create(name="North Africa", slug="north-africa")
    region.countries.set([country("TN"), country("FR")])
    TargetMarket.objects.create(partnership=partnership, country=country("US"), position=1)
    TargetMarket.objects.create(partnership=partnership, region=region, position=2)
    Membership.objects.create(
        partnership=partnership,
        cluster=ClusterFactory(name="Lumière", acronym="LUM", website="https://lum.example/"),
        role=Membership.Role.COORDINATOR,
    )
    Membership.objects.create(
        partnership=partnership, cluster=ClusterFactory(name="Unpublished", is_published=False)
    )
    PartnershipFactory(name="Its project", related_partnership=partnership)
    OutcomeFactory(
        partnership=partnership,
        title="MoU <signed> & sealed",
        city="Tunis",
        country=country("TN"),
        date=datetime.date(2014, 3, 1),
    )
    OutcomeFactory(partnership=partnership, title="Undated", country=None, year=2015)
    return partnership.get_absolute_url()


def test_it_shows_its_related_rows(client, page_url):
    text = client.get(page_url).text
    assert '<a href="/sectors/sector-' in text and ">Lighting</a>" in text
    assert "Sweden and Denmark (one cross-border member)" in text
    assert '<a href="/countries/US/">United States of America</a>, North Africa' in text
    assert 'Coordinating cluster</dt><dd class="col-sm-8"><a href="/clusters/' in text
    assert "Lumière (LUM)" in text and "Unpublished" not in text
    assert ">Its project</a> (European Strategic Cluster Partnership)" in text
    # Through a region, only its third countries are target markets on the map.
    assert 'data-code="TN"' in text and 'data-code="FR"' not in text


def test_its_outcome_rows_are_escaped_and_dated(client, page_url):
    text = client.get(page_url).text
    assert ">MoU &lt;signed&gt; &amp; sealed</a>" in text
    assert '<div class="small text-body-secondary">Tunis</div>' in text
    assert '<time datetime="2014-03-01">' in text
    assert '<td data-label="Date">2015</td>' in text
    assert '<td data-label="Country">—</td>' in text


def test_a_render_compiles_no_query_once_warm(client, page_url, monkeypatch):
    client.get(page_url)  # Each query compiled, once a language.
    compiled = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    assert client.get(page_url).status_code == 200
    assert compiled == []


def test_it_names_its_source_and_is_not_found_as_a_draft_or_unknown(client):
    source = Source.objects.create(
        slug="overview", title="The overview", date=datetime.date(2013, 10, 1)
    )
    published = PartnershipFactory(source=source, source_page="p. 4")
    draft = PartnershipFactory(is_published=False)
    text = client.get(published.get_absolute_url()).text
    assert "Source: The overview, 1 October 2013, p. 4." in text
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/partnerships/no-such-partnership/").status_code == 404


def test_it_shows_the_partnership_it_names_as_related(client, page_url):
    project = Partnership.objects.get(name="Its project")
    text = client.get(project.get_absolute_url()).text
    assert ">Lighting Alliance - LA</a> (European Strategic Cluster Partnership)" in text
