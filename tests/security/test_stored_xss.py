"""Stored XSS: every text field a curator can edit holds a script, every URL field javascript:, and
every public page, export and feed that shows them emits them as inert text."""

import csv
import html
import io
import json
import re

import openpyxl
import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Organisation, Outcome
from partnerships.models import (
    Cluster,
    Country,
    MemberCountry,
    Membership,
    Partnership,
    Region,
    Sector,
    Source,
    TargetMarket,
)
from tests.security.payloads import JAVASCRIPT_URL, STORED_XSS, XSS_FRAGMENTS

pytestmark = pytest.mark.django_db

MODELS = [
    Partnership,
    Cluster,
    Sector,
    Region,
    Source,
    Organisation,
    Outcome,
    Membership,
    Country,
]
LIVE_LINK = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def curator_text_fields(model):
    """The free-text fields of a model a curator types into: no slugs, no choices, no keys."""
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField)
        and not field.choices
        and field.editable
        and not field.primary_key
    ]


def url_fields(model):
    return [f for f in model._meta.get_fields() if isinstance(f, models.URLField)]


# What a partnership's and a cluster's website hold: their database refuses any other scheme.
WEB_ADDRESS = "https://hostile.example/"


def hostile(model, **values):
    """``values`` plus every text field holding the payload (cut to fit) and every URL javascript:."""
    for field in curator_text_fields(model):
        values.setdefault(field.name, STORED_XSS[: field.max_length or None])
    for field in url_fields(model):
        values.setdefault(field.name, JAVASCRIPT_URL)
    # Saved without full_clean(): as if the values had reached the database some other way.
    return model.objects.create(**values)


@pytest.fixture
def hostile_portal(db):
    # Editors name a country they add; the ISO rows are only marked EU or not. A page shows the
    # name of the reader's language (name_en in English, a copy of name for a country added).
    Country.objects.filter(code="JP").update(name=STORED_XSS[:100], name_en=STORED_XSS[:100])
    source = hostile(Source, slug="hostile-source")
    sector = hostile(Sector, slug="hostile-sector")
    region = hostile(Region, slug="hostile-region")
    region.countries.add("CN", "TN")
    partnership = hostile(
        Partnership,
        slug="hostile",
        kind=Partnership.Kind.ESCP,
        is_published=True,
        source=source,
        partner_count=2,
        country_count=1,
        # The database refuses anything but an address and a web address for these two.
        contact_email="contact@hostile.example",
        website=WEB_ADDRESS,
    )
    partnership.sectors.add(sector)
    MemberCountry.objects.create(partnership=partnership, country_id="FR")
    TargetMarket.objects.create(partnership=partnership, position=0, country_id="JP")
    TargetMarket.objects.create(partnership=partnership, position=1, region=region)
    cluster = hostile(
        Cluster, slug="hostile-cluster", country_id="FR", is_published=True, website=WEB_ADDRESS
    )
    Membership.objects.create(partnership=partnership, cluster=cluster, role="coordinator")
    counterpart = hostile(Organisation, country_id="CN")
    outcomes = [
        hostile(
            Outcome,
            partnership=partnership,
            type=outcome_type,
            country_id="CN",
            is_published=True,
            published_at=timezone.now(),  # the feeds list outcomes by when they were published
            source=source if outcome_type == Outcome.Type.MOU else None,
            # A page or slide is refused without its source.
            **({} if outcome_type == Outcome.Type.MOU else {"source_page": ""}),
            counterpart=counterpart if outcome_type == Outcome.Type.MOU else None,
            year=2013,
        )
        for outcome_type in Outcome.Type
    ]
    return partnership, cluster, outcomes


def public_pages(outcomes):
    return [
        "/",
        "/partnerships/",
        "/partnerships/?sector=hostile-sector&target_region=hostile-region&target_country=CN",
        "/partnerships/hostile/",
        "/reports/escp-overview/",
        "/outcomes/",
        "/outcomes/?partnership=hostile&country=CN",
        *(outcome.get_absolute_url() for outcome in outcomes),
        "/clusters/",
        "/clusters/hostile-cluster/",
        "/sectors/",
        "/sectors/hostile-sector/",
        "/countries/",
        "/countries/CN/",
        "/countries/FR/",
        "/countries/JP/",
        "/statistics/",
        "/statistics/?target_region=hostile-region",
    ]


def assert_inert_html(body):
    for fragment in XSS_FRAGMENTS:
        assert fragment not in body, f"{fragment!r} is live"
    assert not LIVE_LINK.search(body), "a javascript: link"


def test_every_curator_text_field_is_covered():
    """The introspection finds the fields this test means, so a new field is covered by itself."""
    names = {(m.__name__, f.name) for m in MODELS for f in curator_text_fields(m)}
    assert {
        ("Partnership", "name"),
        ("Partnership", "description"),
        ("Cluster", "city"),
        ("Outcome", "title"),
        ("Organisation", "name"),
        ("Source", "title"),
        ("Region", "description"),
    } <= names
    assert {(m.__name__, f.name) for m in MODELS for f in url_fields(m)} == {
        ("Partnership", "website"),
        ("Cluster", "website"),
        ("Source", "url"),
        ("Organisation", "website"),
        ("Outcome", "evidence_url"),
    }


def test_every_public_page_shows_stored_scripts_as_text(client, hostile_portal):
    _, _, outcomes = hostile_portal
    escaped = html.escape(STORED_XSS[:40])
    for path in public_pages(outcomes):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.text
        assert_inert_html(body)
        assert escaped in body, f"{path} does not show the stored text at all"


def test_a_stored_javascript_url_is_shown_as_text_not_as_a_link(client, hostile_portal):
    _, _, outcomes = hostile_portal
    # A partnership's or cluster's website cannot hold one: test_the_database_refuses_...
    for path in [outcome.get_absolute_url() for outcome in outcomes if outcome.evidence_url]:
        body = client.get(path).text
        assert JAVASCRIPT_URL in body  # Shown, for the curator to notice and correct...
        assert not LIVE_LINK.search(body)  # ...but never a link.


def test_a_web_address_stays_a_link(client, hostile_portal):
    partnership, _, _ = hostile_portal
    Partnership.objects.filter(pk=partnership.pk).update(website="https://elca.example/")
    body = client.get(partnership.get_absolute_url()).text
    assert '<a href="https://elca.example/" rel="noopener">https://elca.example/</a>' in body


@pytest.mark.parametrize("model", [m for m in MODELS if url_fields(m)])
def test_validation_refuses_javascript_urls(model):
    for field in url_fields(model):
        for bad in [
            JAVASCRIPT_URL,
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,x",
        ]:
            with pytest.raises(ValidationError):
                field.clean(bad, None)
        form_field = field.formfield()
        for bad in [JAVASCRIPT_URL, "data:text/html,<script>alert(1)</script>"]:
            with pytest.raises(ValidationError):
                form_field.clean(bad)


@pytest.mark.parametrize("model", [Partnership, Cluster, Outcome, Source])
def test_the_admin_form_refuses_javascript_urls(model, editor):
    model_admin = admin_site._registry.get(model)
    if model_admin is None:
        pytest.skip(f"{model.__name__} has no admin of its own")
    request = RequestFactory().get("/")
    request.user = editor
    form_class = model_admin.get_form(request)
    for field in url_fields(model):
        if field.name not in form_class.base_fields:
            continue
        form = form_class(data={field.name: JAVASCRIPT_URL})
        form.is_valid()
        assert field.name in form.errors, f"{model.__name__}.{field.name} accepts javascript:"


EXPORTS = ["/partnerships/", "/outcomes/", "/clusters/", "/reports/escp-overview/"]


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_carry_stored_scripts_as_data_never_as_markup_or_formulas(
    client, hostile_portal, path
):
    json_response = client.get(path, {"export": "json"})
    assert json_response["Content-Type"] == "application/json"
    assert json_response["X-Content-Type-Options"] == "nosniff"
    assert json_response["Content-Disposition"].startswith("attachment")
    records = json.loads(body_of(json_response))
    values = {value for record in records for value in record.values() if isinstance(value, str)}
    # The exact text, neither lost nor HTML-escaped into something else.
    assert any(value.startswith(STORED_XSS[:40]) for value in values)

    csv_response = client.get(path, {"export": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"].startswith("attachment")
    cells = [
        cell
        for row in csv.reader(io.StringIO(body_of(csv_response).decode("utf-8-sig")))
        for cell in row
    ]
    assert any(cell.startswith(STORED_XSS[:40]) for cell in cells)

    sheet = openpyxl.load_workbook(io.BytesIO(body_of(client.get(path, {"export": "xlsx"})))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.coordinate for cell in cells if cell.hyperlink]
    assert any(str(cell.value).startswith(STORED_XSS[:40]) for cell in cells)


def test_statistics_exports_carry_stored_names_as_data(client, hostile_portal):
    response = client.get("/statistics/", {"chart": "sectors", "export": "json"})
    assert response["Content-Type"] == "application/json"
    labels = {row["label"] for row in json.loads(body_of(response))}
    assert STORED_XSS[:120] in labels


def test_feeds_show_stored_scripts_as_text(client, hostile_portal):
    paths = [
        reverse("feeds:outcomes"),
        reverse("feeds:partnership", kwargs={"slug": "hostile"}),
        reverse("feeds:country", kwargs={"code": "CN"}),
        reverse("feeds:sector", kwargs={"slug": "hostile-sector"}),
    ]
    for path in [*paths, f"/fr{paths[0]}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "&lt;script&gt;alert(1)" in response.content.decode(), f"{path} shows no stored text"
        assert_inert_html(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Partnership, Cluster])
def test_the_database_refuses_a_javascript_website(model):
    from django.db import IntegrityError, transaction

    row = model.objects.create(
        **(
            {"slug": "x", "name": "X"}
            if model is Partnership
            else {"slug": "x", "name": "X", "country_id": "FR"}
        )
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(website=JAVASCRIPT_URL)
