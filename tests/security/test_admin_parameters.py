"""Hostile values in every GET parameter and object id of every admin page, for a logged-in curator.

The parameters come from each registered ModelAdmin itself (its filters' own parameter names, its
date hierarchy, search, sorting, paging and the admin's popup and to-field switches), so a new admin
or filter is covered without touching this file. Whatever the value, the answer is below 500: the
admin's own "incorrect parameters" redirect (?e=1), a 400, a 404, or the page.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.security.payloads import encoded

pytestmark = pytest.mark.django_db

# Raw query-string values: percent-encoded where they would not survive as typed.
HOSTILE = [
    "%00",
    "99999999999999999999",
    "9999",  # a date hierarchy's year whose next year datetime cannot hold
    "2013-02-30",
    "%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%93",  # full-width digits
    encoded("\u202e<script>alert(1)</script>\U0001f1ea\U0001f1fa"),  # RTL override, a tag, a flag
    "%FF%FE",  # not UTF-8
]

ADMINS = [
    pytest.param(model, model_admin, id=model._meta.label)
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    )
]


@pytest.fixture
def superuser(seeded):
    return User.objects.create_superuser("root", "root@example.eu", "a-long-test-password")


@pytest.fixture
def staff_client(superuser):
    """What the curator's staff_client gets: the error page, not the exception."""
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    return client


# The changelist's switches, read alike by every admin: a few values each keep the test quick.
SWITCHES = [
    ALL_VAR,
    PAGE_VAR,
    TO_FIELD_VAR,
    IS_POPUP_VAR,
    ERROR_FLAG,
    "_changelist_filters",
    "_facets",
]
FEW = ["99999999999999999999", encoded("\u202e<script>alert(1)</script>")]


def changelist_parameters(model_admin, superuser) -> dict[str, list[str]]:
    """Every GET parameter the changelist reads, asked of the admin's own filters, with its values."""
    request = RequestFactory().get("/")
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    names = {
        name for spec in changelist.filter_specs for name in spec.expected_parameters() if name
    }
    if model_admin.date_hierarchy:
        names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    # Search and sorting depend on the admin's search_fields and columns; an unknown lookup is
    # the admin's own "incorrect parameters".
    names |= {SEARCH_VAR, ORDER_VAR, "unknown__lookup"}
    return {
        **{name: HOSTILE for name in sorted(names)},
        **{name: FEW for name in SWITCHES},
    }


def answered(response) -> bool:
    return response.status_code < 500


@pytest.mark.parametrize(("model", "model_admin"), ADMINS)
def test_every_changelist_parameter_survives_any_value(staff_client, superuser, model, model_admin):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    failures = []
    for name, values in changelist_parameters(model_admin, superuser).items():
        for value in values:
            response = staff_client.get(f"{url}?{encoded(name)}={value}")
            if not answered(response):
                failures.append(f"{name}={value[:40]}: {response.status_code}")
    assert not failures, failures


@pytest.mark.parametrize(("model", "model_admin"), ADMINS)
def test_every_object_url_survives_any_object_id(staff_client, model, model_admin):
    """Change, history, delete (and reversion's revision) pages, with ids no record can have."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    failures = []
    for value in [*HOSTILE, "nul%00in%00it", "-1"]:
        for view in ("change", "history", "delete"):
            url = reverse(f"{info}_{view}", args=["ID"]).replace("ID", value)
            response = staff_client.get(url)
            if not answered(response):
                failures.append(f"{view} {value[:40]}: {response.status_code}")
        if hasattr(model_admin, "revision_view"):
            url = reverse(f"{info}_revision", args=["ID", 1]).replace("ID", value)
            for version in (url, url.replace("/1/", f"/{value}/")):
                response = staff_client.get(version)
                if not answered(response):
                    failures.append(f"revision {value[:40]}: {response.status_code}")
    assert not failures, failures


@pytest.mark.parametrize(
    ("url", "wanted"),
    [
        ("/admin/outcomes/mou/%00/history/", {302, 404}),
        ("/admin/outcomes/mou/?date__year=99999999999999999999", {302, 400}),
    ],
)
def test_the_urls_that_were_500_on_postgresql(staff_client, url, wanted):
    assert staff_client.get(url).status_code in wanted
