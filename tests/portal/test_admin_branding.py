"""The curation admin's name, colours and help: "EU Cluster Portal — curation" on every page (never
"Django administration"), the portal's colours, and a description above each curated list."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.curated_admin import RestoringVersionAdmin

pytestmark = pytest.mark.django_db

NAME = "EU Cluster Portal — curation"


def test_every_admin_page_a_curator_meets_is_named_for_the_portal(client, editor):
    response = client.get(reverse("admin:login"))
    assert NAME in response.text and "Django" not in response.text
    client.force_login(editor)
    for url in [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:outcomes_mou_changelist"),
        reverse("admin:outcomes_mou_add"),
        reverse("admin:logout"),
    ]:
        response = client.post(url) if url.endswith("logout/") else client.get(url)
        assert response.status_code == 200, url
        assert NAME in response.text, url
        assert (
            "Django administration" not in response.text
            and "Django site admin" not in response.text
        ), url
        assert "css/admin-brand.css" in response.text, url


def test_each_curated_list_says_what_its_records_are(client, editor):
    client.force_login(editor)
    curated = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, RestoringVersionAdmin)
    ]
    assert len(curated) >= 13
    for model, model_admin in curated:
        description = str(model_admin.description)
        assert len(description) > 40, model
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, model
        assert f'<p class="model-description">{description}</p>' in response.text.replace(
            "&#x27;", "'"
        ), model
