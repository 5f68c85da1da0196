"""Partnership profiles worth reading, and where every fact comes from (issue 16, points 5 and 6).

A profile shows the fields curators filled in and leaves out the empty ones; every partnership
and outcome names its source, the page or slide and the date its information is as of, on its
page ("Information as of January 2014 — source: …", apart from "Record last edited …"), in the
exports and in the API.
"""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Outcome
from partnerships.models import Membership, Partnership, Source
from tests.factories import ClusterFactory, OutcomeFactory, PartnershipFactory, country
from tests.source_document import SOURCE_DOCUMENT

pytestmark = pytest.mark.django_db

SLIDES = {
    "slide “European Strategic Cluster Partnerships Overview – Illustration only”",
    "slide “Examples from 6 CIP Cluster Internationalisation Projects”",
}
AS_OF = (
    "Information as of January 2014 — source: EU Cluster Internationalisation with 3rd-countries"
)


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def rejected(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def source():
    return Source.objects.create(
        slug="report",
        title="Cluster report",
        publisher="European Commission",
        date=datetime.date(2020, 3, 2),
    )


@pytest.fixture
def profile(source):
    """A partnership with every field of its profile filled in, and a named coordinator."""
    partnership = PartnershipFactory(
        name="Grain Partnership",
        slug="grain",
        description="Grain clusters exporting together.",
        website="https://grain.example.eu",
        contact_email="info@grain.example.eu",
        programme="COSME",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        source=source,
        source_page="p. 12",
        as_of=datetime.date(2020, 3, 1),
        partner_count=3,
    )
    cluster = ClusterFactory(
        name="Blé Cluster", city="Lyon", website="https://ble.example.fr", country=country("FR")
    )
    Membership.objects.create(partnership=partnership, cluster=cluster, role="coordinator")
    return partnership


# The profile


def test_a_filled_profile_shows_every_field(client, profile):
    page = text_of(client.get(profile.get_absolute_url()))
    for shown in (
        "Status Ended",
        "Coordinating cluster Blé Cluster",
        "Funding programme COSME",
        "Start date 1 January 2020",
        "End date 31 December 2021",
        "https://grain.example.eu",
        "Contact info@grain.example.eu",
        "Lyon",
        "https://ble.example.fr",
    ):
        assert shown in page
    assert 'href="mailto:info@grain.example.eu"' in client.get(profile.get_absolute_url()).text


def test_empty_fields_are_left_out_rather_than_shown_empty(client):
    partnership = PartnershipFactory()
    page = text_of(client.get(partnership.get_absolute_url()))
    for label in ("Facts", "Status", "Website", "Contact", "Start date", "Funding programme"):
        assert f" {label} " not in page
    assert "Information as of" not in page
    assert "Record last edited" in page


@pytest.mark.parametrize(
    ("start", "end", "status"),
    [
        (None, None, None),
        # A start years ago says nothing of today: no status without an end date.
        (datetime.date(2012, 1, 1), None, None),
        (datetime.date(2012, 1, 1), datetime.date(2014, 1, 1), Partnership.Status.ENDED),
        (None, datetime.date(2100, 1, 1), Partnership.Status.ACTIVE),
        (datetime.date(2099, 1, 1), datetime.date(2100, 1, 1), Partnership.Status.PLANNED),
    ],
)
def test_the_status_is_read_from_the_dates(start, end, status):
    assert Partnership(start_date=start, end_date=end).status == status


def test_the_day_after_the_end_date_it_has_ended():
    today = timezone.localdate()
    assert Partnership(end_date=today).status == Partnership.Status.ACTIVE
    yesterday = today - datetime.timedelta(days=1)
    assert Partnership(end_date=yesterday).status == Partnership.Status.ENDED


# Validation for curators, and the database's own rules


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "ftp://grain.example.eu"), ("contact_email", "info at grain")],
)
def test_curators_are_told_of_a_bad_address(field, value):
    partnership = PartnershipFactory.build(slug="x", **{field: value})
    with pytest.raises(ValidationError) as error:
        partnership.full_clean(exclude=["sectors"])
    assert field in error.value.message_dict


def test_curators_cannot_date_information_in_the_future(source):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for record in (
        PartnershipFactory.build(slug="x", source=source, as_of=tomorrow),
        OutcomeFactory.build(partnership=PartnershipFactory(), as_of=tomorrow),
    ):
        with pytest.raises(ValidationError) as error:
            record.full_clean(exclude=["sectors", "partnership", "co_signatories"])
        assert "as_of" in error.value.message_dict


def test_a_page_or_slide_needs_its_source():
    for record in (
        PartnershipFactory.build(slug="x", source_page="p. 3"),
        OutcomeFactory.build(partnership=PartnershipFactory(), source_page="p. 3"),
    ):
        with pytest.raises(ValidationError) as error:
            record.full_clean(exclude=["sectors", "partnership", "co_signatories"])
        assert "source_page" in error.value.message_dict


def test_the_database_refuses_a_website_that_is_not_a_web_address():
    partnership = PartnershipFactory()
    rejected(lambda: Partnership.objects.filter(pk=partnership.pk).update(website="grain.eu"))
    cluster = ClusterFactory()
    rejected(lambda: type(cluster).objects.filter(pk=cluster.pk).update(website="javascript:x"))


def test_the_database_refuses_a_contact_that_is_not_one_address():
    partnership = PartnershipFactory()
    for bad in ("info", "a@b.eu, c@d.eu", "a b@c.eu"):
        rejected(
            lambda bad=bad: Partnership.objects.filter(pk=partnership.pk).update(contact_email=bad)
        )


def test_the_database_refuses_a_page_without_a_source():
    partnership = PartnershipFactory()
    rejected(lambda: Partnership.objects.filter(pk=partnership.pk).update(source_page="p. 3"))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite cannot add a check to a table"
)
def test_on_postgresql_the_database_refuses_an_outcome_page_without_a_source():
    outcome = OutcomeFactory()
    rejected(lambda: Outcome.objects.filter(pk=outcome.pk).update(source_page="p. 3"))


def test_the_admin_form_has_the_profile_and_provenance_fields(client, editor, profile):
    client.force_login(editor)
    page = client.get(reverse("admin:partnerships_partnership_change", args=[profile.pk])).text
    for field in ("website", "contact_email", "start_date", "end_date", "source_page", "as_of"):
        assert f'name="{field}"' in page
    assert "Provenance" in page


# The seed: what the source says, nothing more


def test_every_seeded_record_names_its_slide_and_is_as_of_the_source_date(seeded):
    source_text = SOURCE_DOCUMENT.read_text(encoding="utf-8")
    for record in [*Partnership.objects.all(), *Outcome.objects.all()]:
        assert record.source.slug == "ec-cluster-internationalisation-findings-2014"
        assert record.source_page in SLIDES
        title = record.source_page.removeprefix("slide “").removesuffix("”")
        assert f"## {title.replace('– Illustration only', '– *Illustration only*')}" in source_text
        assert record.as_of == datetime.date(2014, 1, 21)


def test_the_seed_invents_no_profile(seeded):
    # The source gives no description, website, contact, dates or named clusters of any.
    assert not Partnership.objects.exclude(description="", website="", contact_email="").exists()
    assert not Partnership.objects.filter(start_date__isnull=False).exists()
    assert not Partnership.objects.filter(end_date__isnull=False).exists()
    assert not Membership.objects.exists()
    # It names the funding programme of the six CIP projects only.
    programmes = dict(Partnership.objects.values_list("slug", "programme"))
    cip = {"feeding-the-planet", "wiintech", "textile-2020", "eu4sports", "bioxclusters", "reina"}
    assert {slug for slug, programme in programmes.items() if programme} == cip
    assert {programmes[slug] for slug in cip} == {"Competitiveness and Innovation Programme (CIP)"}


# Provenance on the pages


def test_the_partnership_page_says_as_of_when_and_from_where_near_the_top(client, seeded):
    page = text_of(client.get("/partnerships/escp-energy-in-water/"))
    assert (
        f"{AS_OF} - Some Findings from 6 Pilot Projects, European Commission, DG Enterprise and "
        "Industry, 21 January 2014, slide “European Strategic Cluster Partnerships Overview – "
        "Illustration only”." in page
    )
    # Near the top: before the members; the record's own last edit apart, at the end.
    assert page.index(AS_OF) < page.index("Members") < page.index("Record last edited")
    assert "Last updated" not in page


def test_the_outcome_page_says_as_of_and_date_not_given_in_the_source(client, seeded):
    outcome = Outcome.objects.get(source_locator="bioxclusters/office-cn-1")
    page = text_of(client.get(outcome.get_absolute_url()))
    assert AS_OF in page
    assert "Date Date not given in the source" in page
    assert page.index(AS_OF) < page.index("Record last edited")


def test_undated_outcomes_say_so_in_the_lists(client, seeded):
    page = text_of(client.get("/partnerships/bioxclusters/"))
    assert "Date not given in the source" in page
    assert "Not dated" not in page


def test_a_chart_with_a_single_bar_is_a_sentence(client, seeded):
    response = client.get("/statistics/")
    # No seeded outcome is dated: one row, said in words, with no chart or table.
    chart = response.text.split('id="outcome-years-heading"')[1].split("</section>")[0]
    assert "Date not given in the source: all 21 outcomes." in text_of_html(chart)
    assert "<svg" not in chart and "<table" not in chart
    # A chart of several bars stays a chart.
    sectors = response.text.split('id="sectors-heading"')[1].split("</section>")[0]
    assert "<svg" in sectors


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Exports and the API


def _csv(client, url):
    response = client.get(url, {"export": "csv"})
    return list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )


EXPORTED_SOURCE = (
    "EU Cluster Internationalisation with 3rd-countries - Some Findings from 6 Pilot Projects, "
    "European Commission, DG Enterprise and Industry, 2014-01-21, "
)


def test_exports_and_the_api_carry_source_and_as_of(client, seeded):
    for row in _csv(client, "/partnerships/"):
        assert row["source"].startswith(EXPORTED_SOURCE)
        assert row["source"].removeprefix(EXPORTED_SOURCE) in SLIDES
        assert row["as_of"] == "2014-01-21"
    outcomes = _csv(client, "/outcomes/")
    assert len(outcomes) == 21
    for row in outcomes:
        assert (
            row["source"]
            == EXPORTED_SOURCE + "slide “Examples from 6 CIP Cluster Internationalisation Projects”"
        )
        assert row["as_of"] == "2014-01-21"
    for path in ("/api/partnerships/", "/api/outcomes/"):
        for row in client.get(path, {"page_size": 100}).json()["results"]:
            assert row["source"].startswith(EXPORTED_SOURCE)
            assert row["as_of"] == "2014-01-21"


def test_the_profile_fields_are_exported(client, profile):
    [row] = _csv(client, "/partnerships/")
    assert row["contact_email"] == "info@grain.example.eu"
    assert row["status"] == "ended"
    assert row["source"] == "Cluster report, European Commission, 2020-03-02, p. 12"
    assert row["as_of"] == "2020-03-01"


def test_an_outcome_without_source_exports_empty_provenance(client):
    OutcomeFactory()
    [row] = _csv(client, "/outcomes/")
    assert (row["source"], row["as_of"]) == ("", "")


def test_the_outcome_citation_in_sql_is_the_one_in_python(client, source):
    # The outcomes' export writes the citation in SQL (COPY on PostgreSQL); the pages in Python.
    Source.objects.filter(pk=source.pk).update(publisher="")
    source.refresh_from_db()
    outcome = OutcomeFactory(source=source, source_page="slide 4", as_of=datetime.date(2020, 1, 1))
    [row] = _csv(client, "/outcomes/")
    assert row["source"] == outcome.export_citation() == "Cluster report, 2020-03-02, slide 4"
