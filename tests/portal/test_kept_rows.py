"""What a page shows of a partnership's related rows is kept until the data changes: a table's
rows (their sectors, member countries and targets) and a partnership's own page (its sectors,
members, targets, related partnerships and first outcomes). A later render reads none of them
again; any change to them shows on the next render."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import MemberCountry, TargetMarket
from tests.factories import OutcomeFactory, SectorFactory

pytestmark = pytest.mark.django_db

RELATED_TABLES = (
    "partnerships_partnership_sectors",
    "partnerships_membercountry",
    "partnerships_targetmarket",
    "partnerships_membership",
    "outcomes_outcome",
)


# A target in a table row: its country's page, linked.
BRAZIL = '<a href="/countries/BR/">Brazil</a>'
CHINA = '<a href="/countries/CN/">China</a>'


def tables_read(client, url) -> set[str]:
    """The related tables read by a render of ``url``."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return {table for table in RELATED_TABLES for query in context if table in query["sql"]}


@pytest.fixture
def described(partnership):
    partnership.partner_count, partnership.country_count = 12, 2  # Its member countries are shown.
    partnership.save()
    partnership.sectors.add(SectorFactory(name="Lighting", slug="lighting"))
    MemberCountry.objects.create(partnership=partnership, country_id="SE")
    TargetMarket.objects.create(partnership=partnership, country_id="BR")
    return partnership


def test_a_table_row_is_read_once_and_shows_a_change_at_once(client, described):
    page = client.get("/partnerships/").text
    assert BRAZIL in page and 'title="Sweden"' in page
    assert not tables_read(client, "/partnerships/") & set(RELATED_TABLES[:3])
    TargetMarket.objects.create(partnership=described, country_id="CN", position=1)
    MemberCountry.objects.create(partnership=described, country_id="FI", position=1)
    page = client.get("/partnerships/").text
    assert f"{BRAZIL}, {CHINA}" in page and 'title="Finland"' in page
    # The same row in another table (its sector's page) is the changed one.
    assert f"{BRAZIL}, {CHINA}" in client.get("/sectors/lighting/").text


def test_a_partnership_page_is_read_once_and_shows_a_change_at_once(client, described):
    url = described.get_absolute_url()
    OutcomeFactory(partnership=described, title="MoU with a Brazilian cluster")
    assert "MoU with a Brazilian cluster" in client.get(url).text
    assert tables_read(client, url) == set()
    OutcomeFactory(partnership=described, title="Mission to Chile")
    described.sectors.add(SectorFactory(name="Photonics", slug="photonics"))
    page = client.get(url).text
    assert "Mission to Chile" in page and "Photonics" in page
    # The partnership itself is read anew: its own change shows too.
    described.name = "European Lighting and Photonics Alliance"
    described.save()
    assert "European Lighting and Photonics Alliance" in client.get(url).text


def test_the_kept_rows_are_each_languages_own(client, described):
    assert BRAZIL in client.get("/partnerships/").text
    assert '/countries/BR/">Brésil</a>' in client.get("/fr/partnerships/").text
    assert BRAZIL in client.get("/partnerships/").text
