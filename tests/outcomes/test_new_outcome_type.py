"""A new outcome type is one definition (outcomes/types.py): registered here, in a test only, a
made-up type is at once a filter, an export and API value, an admin form and a role's permission,
with no other file touched; and it leaves no trace once the test is over."""

import csv
import io
import re
import types

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from django.urls import path, reverse

from outcomes import types as outcome_types
from outcomes.models import Outcome
from portal import urls as portal_urls
from portal.roles import COORDINATORS, role_permissions, sync_roles
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.django_db

STAND = outcome_types.OutcomeType(
    value="stand",
    label="Trade fair stand",
    model_name="FairStand",
    plural="trade fair stands",
    subtypes=(("shared_stand", "Shared pavilion"), ("own_stand", "Own stand")),
    fieldsets=(("The stand", {"fields": ["subtype", "city", "country", "date", "year"]}),),
    demo_weight=5,
    demo_title="Stand at a {sector} fair in {city}",
)


def _restarted_urlconf():
    """The URLs as a process started with the type defined would have them: the admin's URLs are
    read once, at start-up, so the typed form of a type registered afterwards needs them re-read."""
    module = types.ModuleType("restarted_urls")
    module.urlpatterns = [
        path(settings.ADMIN_URL, admin.site.urls)
        if str(pattern.pattern) == settings.ADMIN_URL
        else pattern
        for pattern in portal_urls.urlpatterns
    ]
    return module


@pytest.fixture
def stand_type(db):
    with outcome_types.registered(STAND), override_settings(ROOT_URLCONF=_restarted_urlconf()):
        yield STAND
    ContentType.objects.clear_cache()


@pytest.fixture
def stand(stand_type, partnership):
    # Empty kind: the test database's subtype check predates the type (a real one has its migration).
    return OutcomeFactory(
        partnership=partnership, type="stand", title="ELCA stand at Canton Fair", country_id="CN"
    )


@pytest.fixture
def mou(partnership):
    return OutcomeFactory(partnership=partnership, type="mou", title="MoU with a Chilean cluster")


def test_the_type_is_a_filter_of_the_outcome_list_with_its_count(client, stand, mou):
    response = client.get("/outcomes/")
    assert response.status_code == 200
    assert "Trade fair stand" in response.text
    counts = response.context["filter"].facet_counts()
    assert counts["type"]["stand"] == 1

    response = client.get("/outcomes/", {"type": "stand"})
    assert response.status_code == 200
    assert "ELCA stand at Canton Fair" in response.text
    assert "MoU with a Chilean cluster" not in response.text


def test_the_partnership_list_filters_by_having_outcomes_of_the_type(client, stand):
    response = client.get("/partnerships/", {"outcome_type": "stand"})
    assert response.status_code == 200
    assert "European Lighting Cluster Alliance" in response.text


def test_the_export_has_the_type_and_its_documentation_names_it(client, stand, mou):
    response = client.get("/outcomes/", {"type": "stand", "export": "csv"})
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [(row["title"], row["type"]) for row in rows] == [("ELCA stand at Canton Fair", "stand")]

    help_page = client.get(reverse("exports-help"))
    assert "mou, roadmap, office, mission, exchange or stand." in help_page.text


def test_the_api_schema_lists_the_type_and_the_api_filters_by_it(client, stand, mou):
    paths = client.get("/api/openapi.json").json()["paths"]
    for api_path, parameter in [("/api/outcomes/", "type"), ("/api/partnerships/", "outcome_type")]:
        (schema,) = [
            p["schema"] for p in paths[api_path]["get"]["parameters"] if p["name"] == parameter
        ]
        assert "stand" in schema["items"]["enum"]

    rows = client.get("/api/outcomes/", {"type": "stand"}).json()["results"]
    assert [row["title"] for row in rows] == ["ELCA stand at Canton Fair"]


def test_the_admin_has_a_form_with_the_types_fields_and_its_list(admin_client, stand, mou):
    changelist = admin_client.get("/admin/outcomes/fairstand/")
    assert changelist.status_code == 200
    assert "ELCA stand at Canton Fair" in changelist.text
    assert "MoU with a Chilean cluster" not in changelist.text

    form = admin_client.get(reverse("admin:outcomes_fairstand_add")).context["adminform"].form
    assert {"subtype", "city", "country"} <= set(form.fields)
    assert not {"level", "counterpart", "direction"} & set(form.fields)
    kinds = [value for value, _ in form.fields["subtype"].choices]
    assert kinds == ["", "shared_stand", "own_stand"]

    # The list of all outcomes opens a stand in its own form.
    response = admin_client.get(reverse("admin:outcomes_outcome_change", args=[stand.pk]))
    assert response.url == reverse("admin:outcomes_fairstand_change", args=[stand.pk])


def test_a_curator_adds_one_through_its_form(admin_client, stand_type, partnership):
    response = admin_client.post(
        reverse("admin:outcomes_fairstand_add"),
        {
            "partnership": partnership.pk,
            "title": "ELCA stand at Hannover Messe",
            "description": "",
            "subtype": "",
            "city": "Hanover",
            "country": "CN",
            "date": "",
            "year": "2013",
            "evidence_url": "",
            "source": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Outcome.objects.get(title="ELCA stand at Hannover Messe")
    assert (added.type, added.city, added.year) == ("stand", "Hanover", 2013)


def test_the_rules_and_roles_follow_its_definition(stand_type, partnership, client, coordinator):
    stand = Outcome(partnership=partnership, type="stand", title="A stand", direction="incoming")
    with pytest.raises(Exception, match="Only missions and exchanges have a direction"):
        stand.full_clean()

    assert ("outcomes", "add_fairstand") in role_permissions()[COORDINATORS]
    create_permissions(apps.get_app_config("outcomes"), verbosity=0)
    sync_roles()
    group = Group.objects.get(name=COORDINATORS)
    assert group.permissions.filter(codename="add_fairstand").exists()
    client.force_login(coordinator)
    response = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk]))
    assert reverse("admin:outcomes_fairstand_add") in response.text


def test_makemigrations_would_write_the_types_migration(stand_type):
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("makemigrations", "outcomes", check=True, dry_run=True, stdout=out)
    assert "Create proxy model FairStand" in out.getvalue()


def test_nothing_of_it_remains_afterwards(client, db):
    with outcome_types.registered(STAND):
        assert "stand" in outcome_types.type_choices.values
    assert "stand" not in outcome_types.type_choices.values
    assert "stand" not in dict(Outcome._meta.get_field("type").flatchoices)
    assert not any(model.__name__ == "FairStand" for model in apps.get_models())
    assert not any(model.__name__ == "FairStand" for model in admin.site._registry)
    assert ("outcomes", "add_fairstand") not in role_permissions()[COORDINATORS]
    assert client.get("/outcomes/", {"type": "stand"}).status_code == 400
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_the_docs_describe_exactly_the_defined_types():
    """docs/data-model.md's table of types lists each defined type with its kinds and its own fields,
    and no other, and docs/exports.md's type column names the same codes."""
    text = (settings.BASE_DIR / "docs" / "data-model.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \|(.*)\|(.*)\|$", text, flags=re.MULTILINE)
    documented = {
        value: (re.findall(r"`(\w+)`", kinds), set(re.findall(r"`(\w+)`", own)))
        for value, kinds, own in rows
    }
    common = {"subtype", "city", "country", "date", "year"}
    assert documented == {
        kind.value: (kind.subtype_values, set(kind.fields) - common)
        for kind in outcome_types.all_types()
    }

    exports = (settings.BASE_DIR / "docs" / "exports.md").read_text()
    assert f"| `type` | text | {outcome_types.values_text()}. |" in exports
