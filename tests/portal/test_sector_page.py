"""A sector's page: its own row is one of the published sectors, kept until the data changes."""

import pytest

from tests.factories import PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_a_sector_only_drafts_use_has_no_page(client):
    published = SectorFactory(name="Lighting", slug="lighting")
    draft_only = SectorFactory(name="Textiles", slug="textiles")
    PartnershipFactory(sectors=[published])
    PartnershipFactory(sectors=[draft_only], is_published=False)

    assert client.get("/sectors/lighting/").status_code == 200
    assert client.get("/sectors/textiles/").status_code == 404
    assert client.get("/sectors/no-such-sector/").status_code == 404


def test_a_sector_published_since_the_last_page_has_its_page(client):
    sector = SectorFactory(name="Lighting", slug="lighting")
    draft = PartnershipFactory(sectors=[sector], is_published=False)
    assert client.get("/sectors/lighting/").status_code == 404

    draft.is_published = True
    draft.save()

    assert client.get("/sectors/lighting/").status_code == 200
