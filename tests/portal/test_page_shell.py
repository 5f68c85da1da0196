"""Every page's shell (base.html): what depends only on the language, the host, the page's
address or the data's date is kept per process ({% once_per_language %}), and a kept part still
says what the request asks for: its section, its host, its address, the date of the data."""

import re
from urllib.parse import quote

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from core import data_cache
from partnerships.models import Partnership


@pytest.fixture
def seeded(seeded_once, db):
    """The seed data, loaded once for the module: these tests only read."""


def current_sections(response) -> list[str]:
    return re.findall(
        r'<a class="nav-link" href="([^"]+)" aria-current="page">', response.content.decode()
    )


def test_the_header_marks_the_section_of_each_page(client, seeded):
    detail = Partnership.objects.published().order_by("pk").first().get_absolute_url()
    for path, section in [
        ("/partnerships/", "/partnerships/"),
        ("/outcomes/", "/outcomes/"),
        (detail, "/partnerships/"),
        ("/countries/US/", "/countries/"),
        ("/statistics/", "/statistics/"),
        ("/fr/sectors/", "/fr/sectors/"),
        ("/", None),
        ("/about/exports/", None),
        ("/partnerships/", "/partnerships/"),  # Again, from its kept header.
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert current_sections(response) == ([section] if section else []), path


def test_the_language_switcher_keeps_each_request_s_own_filters(client, seeded):
    for query in ["target_country=US", "target_country=CN", "target_country=US&sort=name"]:
        page = client.get(f"/partnerships/?{query}").content.decode()
        asked = quote(f"/partnerships/?{query}", safe="")
        assert f'href="/language/fr/?next={asked}"' in page


def test_absolute_addresses_name_the_host_each_request_came_to(client, seeded):
    for host in ["localhost", "127.0.0.1", "localhost"]:
        page = client.get("/fr/statistics/", HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="http://{host}/fr/statistics/">' in page
        assert f'<meta property="og:image" content="http://{host}/static/img/icon-512.png">' in page
        assert f'hreflang="x-default" href="http://{host}/statistics/">' in page
        assert f'hreflang="de" href="http://{host}/de/statistics/">' in page


def test_the_footer_gives_the_date_of_the_data_after_it_changes(client, seeded):
    assert "<time datetime=" in client.get("/sectors/").content.decode()
    Partnership.objects.published().update(updated_at="2031-05-06T12:00:00Z")
    data_cache.forget()  # As a save does.
    page = client.get("/sectors/").content.decode()
    assert '<time datetime="2031-05-06">6 May 2031</time>' in page


def test_a_kept_part_is_made_once_per_language_and_values():
    rendered = []
    template = Template(
        "{% load portal_tags %}{% once_per_language colour %}{{ made }}{% endonce_per_language %}"
    )

    def made():
        rendered.append(translation.get_language())
        return len(rendered)

    pages = []
    for language, colour in [("en", "red"), ("en", "red"), ("fr", "red"), ("en", "blue")]:
        with translation.override(language):
            pages.append(template.render(Context({"colour": colour, "made": made})))
    assert pages == ["1", "1", "2", "3"]
    assert rendered == ["en", "fr", "en"]


def test_a_kept_part_cannot_hold_a_block():
    with pytest.raises(TemplateSyntaxError):
        Template(
            "{% load portal_tags %}{% once_per_language %}{% block title %}{% endblock title %}"
            "{% endonce_per_language %}"
        )
