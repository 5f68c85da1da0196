"""A draft opens as its public page would show it, "Preview — not public", for the curators who may
open its form, and is "not found" for everyone else; it is never kept by a cache."""

import pickle
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import ClusterFactory, OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

BANNER = "Preview — not public"


@pytest.fixture
def draft(partnership):
    return OutcomeFactory(
        partnership=partnership, title="MoU not yet public 7f3a", is_published=False
    )


def preview_url(record, name="outcomes_mou"):
    return reverse(f"admin:{name}_preview", args=[record.pk])


def test_a_curator_previews_a_draft_as_its_public_page_would_show_it(client, coordinator, draft):
    client.force_login(coordinator)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    assert BANNER in response.text
    assert "<h1>MoU not yet public 7f3a</h1>" in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert "ETag" not in response
    # The public page still knows nothing of it.
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other_coordinator", "staff_without_permission"])
def test_anyone_else_finds_nothing_there(client, draft, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in (preview_url(draft), preview_url(draft, "outcomes_outcome")):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "7f3a" not in response.text
    assert client.get(reverse("admin:outcomes_mou_preview", args=[10**9])).status_code == 404


def test_a_preview_is_only_read(client, editor, draft):
    client.force_login(editor)
    assert client.post(preview_url(draft)).status_code == 405


def test_view_on_site_opens_the_preview_of_a_draft_and_the_public_page_of_a_published_record(
    client, editor, draft, partnership
):
    client.force_login(editor)
    form = client.get(reverse("admin:outcomes_mou_change", args=[draft.pk]))
    assert f'href="{preview_url(draft)}" class="viewsitelink"' in form.text
    published = OutcomeFactory(partnership=partnership)
    form = client.get(reverse("admin:outcomes_mou_change", args=[published.pk]))
    assert preview_url(published) not in form.text
    link = form.text.split('class="viewsitelink"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert client.get(link).url.endswith(published.get_absolute_url())


def test_a_draft_partnership_shows_what_will_be_public_with_it(client, editor):
    draft = PartnershipFactory(name="Draft partnership 9c1e", slug="draft-9c1e", is_published=False)
    OutcomeFactory(partnership=draft, title="Its published MoU")
    OutcomeFactory(partnership=draft, title="Its draft MoU", is_published=False)
    client.force_login(editor)
    response = client.get(reverse("admin:partnerships_partnership_preview", args=[draft.pk]))
    assert response.status_code == 200
    assert BANNER in response.text and "Draft partnership 9c1e" in response.text
    assert "Its published MoU" in response.text
    assert "Its draft MoU" not in response.text
    form = client.get(reverse("admin:partnerships_partnership_change", args=[draft.pk]))
    assert reverse("admin:partnerships_partnership_preview", args=[draft.pk]) in form.text


def test_a_draft_cluster_has_its_preview(client, editor):
    cluster = ClusterFactory(name="Draft cluster 2b8d", is_published=False)
    client.force_login(editor)
    response = client.get(reverse("admin:partnerships_cluster_preview", args=[cluster.pk]))
    assert response.status_code == 200 and "Draft cluster 2b8d" in response.text


def test_nothing_of_a_preview_is_kept_in_the_cache(client, editor):
    """Its map and figures are drawn afresh: a fragment kept under the preview's address would hold
    the draft in the shared cache."""
    draft = PartnershipFactory(name="Cached draft 5e0b", slug="cached-5e0b", is_published=False)
    # Shown by its preview, published on its own: its row is not kept with the draft's page.
    OutcomeFactory(partnership=draft, title="An MoU of 5e0b")
    client.force_login(editor)
    cache.clear()
    assert (
        client.get(reverse("admin:partnerships_partnership_preview", args=[draft.pk])).status_code
        == 200
    )
    # Local memory holds a fragment written with a timeout of 0 as expired (Redis deletes it).
    now = time.time()
    kept = [
        pickle.loads(value)
        for key, value in cache._cache.items()
        if (cache._expire_info.get(key) or now + 1) > now
    ]
    assert not [value for value in kept if "5e0b" in repr(value)]
