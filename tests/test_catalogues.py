"""The interface's catalogues are complete: every string of the code and templates, translated in
every language of settings.LANGUAGES, none fuzzy, and the committed .mo files say what the .po say.

A string added without its translations fails here with its text, after `make messages` (which
adds it, empty, to every catalogue): docs/translation.md.
"""

import gettext
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.catalogues import catalogue, linked_sources, other_languages, read_po

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed"
)


@pytest.mark.parametrize("language", other_languages())
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(language):
    entries = read_po(catalogue(language))
    assert entries, f"locale/{language} has no catalogue: run make messages"
    assert [e.msgid for e in entries if not e.translated] == []
    assert [e.msgid for e in entries if e.fuzzy] == []


@pytest.mark.parametrize("language", other_languages())
def test_msgfmt_checks_the_catalogue_and_counts_no_gap(language, tmp_path):
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", tmp_path / "django.mo", catalogue(language)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 0, checked.stderr
    # "853 translated messages." and nothing about fuzzy or untranslated ones.
    assert checked.stderr.strip().endswith(" translated messages."), checked.stderr
    assert "fuzzy" not in checked.stderr and "untranslated" not in checked.stderr


@pytest.mark.parametrize("language", other_languages())
def test_the_committed_mo_file_holds_the_catalogue(language):
    """Django reads the .mo: one compiled from an older .po would show old or no translations."""
    with (catalogue(language).with_suffix(".mo")).open("rb") as compiled:
        messages = gettext.GNUTranslations(compiled)._catalog
    for entry in read_po(catalogue(language)):
        if not entry.translated:
            continue  # msgfmt leaves it out; the test above names it
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            assert messages.get(key) == entry.msgstr[0], f"{entry.msgid!r}: run make messages"
        else:
            assert messages.get((key, 0)) == entry.msgstr[0], f"{entry.msgid!r}: run make messages"


def test_the_catalogues_hold_every_string_of_the_code_and_templates(
    tmp_path, settings, monkeypatch
):
    """makemessages over the code, into a copy of the catalogues: nothing new, nothing left empty."""
    linked_sources(tmp_path)
    shutil.copytree(settings.BASE_DIR / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=other_languages(),
        no_location=True,
        no_obsolete=True,
        symlinks=True,
        verbosity=0,
    )
    for language in other_languages():
        entries = read_po(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        missing = [e.msgid for e in entries if not e.translated or e.fuzzy]
        assert missing == [], f"{language}: strings without a translation (run make messages)"


def test_every_language_of_the_settings_has_a_catalogue():
    for language in other_languages():
        assert catalogue(language).exists(), language
    assert settings.LANGUAGE_CODE == "en"
