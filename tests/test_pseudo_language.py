"""Ready for more languages: every page type rendered in a made-up language shows nothing unmarked.

The made-up catalogue is built here from the English msgids: every msgstr is its msgid between
⟦ and ⟧ (GNU gettext's msgen and msgfilter), compiled with msgfmt into a temporary LOCALE_PATHS
that stands in for the portal's own, as German's: a language of LANGUAGES, since the curated text
has its columns per language (name_de), read by Django's own German catalogues (month names). A page in it shows the interface's text marked and the data as it is; any word left
outside the marks that is not the data's (a name, a description, a country, a number, a month)
is a string that would stay in English in any new language: a template's text without
{% translate %}, a label built in Python without gettext, a string formatted too early.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_AP
from django_countries import countries

from tests.catalogues import catalogue, data_text, visible_text
from tests.pages import public_pages

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("msgen", "msgfilter", "msgfmt")),
        reason="GNU gettext (msgen, msgfilter, msgfmt) is not installed",
    ),
]

PSEUDO = "de"  # the made-up catalogue stands in for German's
OPEN, CLOSE = "⟦", "⟧"
# Words that are the same in every language (as tests/test_templates_translatable.py allows them).
SAME_IN_EVERY_LANGUAGE = {"CSV", "JSON", "XLSX", "PDF", "ESCP", "ESCPs", "API", "ISO"}
URL = re.compile(r"https?://\S+|/[\w\-/.?=&%]+/|\S+@\S+")
WORD = re.compile(r"[^\W\d_][\w'\u2019]*")
# A long name cut short for a chart's label: "Green Chemicals & Bio-Based Produ…".
CUT_WORD = re.compile(r"\w+…")


def _run(*command, **options) -> None:
    subprocess.run(
        command, check=True, capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"}, **options
    )


@pytest.fixture(scope="module")
def pseudo_locale():
    """locale/de/LC_MESSAGES/django.mo in a temporary folder: every message marked."""
    folder = Path(tempfile.mkdtemp())
    blank, english, marked = folder / "blank.po", folder / "en.po", folder / "xx.po"
    messages = folder / PSEUDO / "LC_MESSAGES"
    messages.mkdir(parents=True)
    # The German catalogue's entries and header (two plural forms, as English), emptied, then filled with the
    # English (msgen fills only empty translations).
    _run("msgfilter", "--keep-header", "-i", catalogue("de"), "-o", blank, "sed", "-e", "d")
    _run("msgen", "-o", english, blank)
    # The whole msgstr, however many lines, between the marks.
    _run("msgfilter", "--keep-header", "-i", english, "-o", marked, "sed", "-e", f"1s/^/{OPEN}/")
    _run("msgfilter", "--keep-header", "-i", marked, "-o", marked, "sed", "-e", f"$s/$/{CLOSE}/")
    _run("msgfmt", "-o", messages / "django.mo", marked)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def in_pseudo_language(settings, pseudo_locale):
    settings.LOCALE_PATHS = [pseudo_locale]
    yield
    translation.activate(settings.LANGUAGE_CODE)


def data_words() -> set[str]:
    """Every word the data may show: its texts, every country's name and code, the months (in
    Django's own catalogue of the language), and
    the machine values of its choices (mou, b2b), which the exports' help names."""
    texts = [data_text(), *(f"{code} {name}" for code, name in countries)]
    with translation.override(PSEUDO):
        texts += [str(month) for months in (MONTHS, MONTHS_AP) for month in months.values()]
    texts += [
        str(value)
        for app in ("partnerships", "outcomes")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.fields
        for value, _ in field.flatchoices or ()
    ]
    return {word.lower() for text in texts for word in WORD.findall(text)}


def unmarked(html: str, allowed: set[str]) -> list[str]:
    """Each piece of the page's text with a word outside the marks that ``allowed`` does not know."""
    text, depth, residue = "\n".join(visible_text(html)), 0, []
    for character in text:
        if character == OPEN:
            depth += 1
            residue.append("\n")
        elif character == CLOSE:
            depth = max(depth - 1, 0)
            residue.append("\n")
        elif depth == 0:
            residue.append(character)
    found = []
    for piece in "".join(residue).split("\n"):
        words = WORD.findall(CUT_WORD.sub(" ", URL.sub(" ", piece)))
        if any(w.lower() not in allowed and w not in SAME_IN_EVERY_LANGUAGE for w in words):
            found.append(piece.strip())
    return found


def test_every_page_type_in_a_made_up_language_has_every_interface_string_marked(
    client, seeded, in_pseudo_language
):
    with translation.override(settings.LANGUAGE_CODE):
        pages = public_pages()
    allowed = data_words()
    problems = {}
    for name, url in pages.items():
        response = client.get(f"/{PSEUDO}{url}")
        assert response.status_code in (200, 400), url
        assert f'<html lang="{PSEUDO}">' in response.content.decode()
        if found := unmarked(response.content.decode(), allowed):
            problems[name] = found
    assert problems == {}


def test_it_catches_a_string_left_unmarked_in_a_template(db, in_pseudo_language):
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% load i18n %}{% block content %}'
        '<h1>{% translate "Partnerships" %}</h1><p>Deliberately left without a translation</p>'
        "{% endblock content %}"
    )
    request = RequestFactory().get(f"/{PSEUDO}/")
    with translation.override(PSEUDO):
        html = template.render({}, request)
    assert f"{OPEN}Partnerships{CLOSE}" in html
    assert unmarked(html, data_words()) == ["Deliberately left without a translation"]
