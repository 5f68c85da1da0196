"""Translating the portal is a matter of catalogues, not code.

Two guards: ``makemessages`` extracts the strings of the portal's Python code without a warning
(a warning means a message a translator cannot translate, such as "%s of %s" whose words the
language cannot reorder), and no Python code builds an English plural itself ("partnership" + "s")
or hands gettext a string it cannot extract (an f-string: makemessages sees no message in it).
"""

import ast
import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from partnerships.models import Partnership
from tests.catalogues import linked_sources

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "partnerships", "outcomes", "portal")
TRANSLATION_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# A printf placeholder without a name ("%s", "%d"), which a translation cannot move.
UNNAMED_PLACEHOLDER = re.compile(r"(?<!%)%[-+ #0]*\d*(?:\.\d+)?[sdifr]")
# The endings an English plural is built from: "record" + ("s" if n != 1 else "").
PLURAL_ENDINGS = {"s", "es", "ies"}


def python_sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_plural_ending(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in PLURAL_ENDINGS


def _is_empty(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == ""


def _not_extractable(node: ast.AST) -> bool:
    """A message makemessages cannot read: an f-string, a concatenation or a .format() call."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return True
    return isinstance(node, ast.Call) and _name(node) == "format"


def problems_in(source: str, filename: str = "<string>") -> list[str]:
    """What in this Python source keeps it from being translated by catalogues alone."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.IfExp) and (
            (_is_plural_ending(node.body) and _is_empty(node.orelse))
            or (_is_empty(node.body) and _is_plural_ending(node.orelse))
        ):
            found.append(f"{filename}:{node.lineno}: an English plural built in code; use ngettext")
        if isinstance(node, ast.Call) and _name(node) in TRANSLATION_FUNCTIONS:
            messages = node.args[:2] if _name(node).startswith(("n", "pgettext")) else node.args[:1]
            if _name(node).startswith("npgettext"):
                messages = node.args[1:3]
            for message in messages:
                if _not_extractable(message):
                    found.append(
                        f"{filename}:{node.lineno}: {_name(node)}() given a string built in code; "
                        "use a literal with %(name)s placeholders"
                    )
    return found


def unnamed_placeholders(catalogue: str) -> list[str]:
    """The python-format messages with more than one unnamed placeholder: "%s of %s" cannot
    become "%(total)s ... %(page)s" in a language that says it the other way round."""
    found = []
    for entry in catalogue.split("\n\n"):
        if "python-format" not in entry:
            continue
        text = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', entry, flags=re.M))
        if len(UNNAMED_PLACEHOLDER.findall(text)) > 1:
            found.append(entry)
    return found


def test_the_guard_finds_unnamed_placeholders_in_a_catalogue():
    entry = '#: core/x.py:2\n#, python-format\nmsgid "%s of %s"\nmsgstr ""'
    named = '#: core/x.py:3\n#, python-format\nmsgid "%(page)s of %(pages)s (100%%)"\nmsgstr ""'
    assert unnamed_placeholders(f"{entry}\n\n{named}") == [entry]


def test_the_guard_finds_an_english_plural_built_in_code():
    source = "message = f\"{n} record{'s' if n != 1 else ''} updated.\"\n"
    assert problems_in(source) == ["<string>:1: an English plural built in code; use ngettext"]


def test_the_guard_finds_an_f_string_given_to_gettext():
    source = 'from django.utils.translation import gettext as _\nmessage = _(f"Page {n}")\n'
    assert len(problems_in(source)) == 1
    assert "gettext" not in problems_in('message = _("Page %(n)s") % {"n": n}\n')


def test_no_python_code_builds_an_english_plural_or_hides_a_message_from_makemessages():
    found = [
        problem
        for path in python_sources()
        for problem in problems_in(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
def test_makemessages_extracts_the_portal_s_strings_without_a_warning(settings, tmp_path):
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    out = io.StringIO()
    cwd = os.getcwd()
    # In a folder of links to the code: in the project itself, makemessages writes to its locale/.
    os.chdir(linked_sources(tmp_path))
    try:
        call_command(
            "makemessages",
            locale=["xx"],
            symlinks=True,
            no_obsolete=True,
            no_wrap=True,
            stdout=out,
            stderr=out,
            verbosity=1,
        )
    finally:
        os.chdir(cwd)
    output = out.getvalue()
    assert "warning" not in output.lower(), output
    catalogue = (tmp_path / "locale" / "xx" / "LC_MESSAGES" / "django.po").read_text()
    assert unnamed_placeholders(catalogue) == []
    # A sample from each kind: a field's help text, a choice, a form error, and a plural.
    assert 'msgid "Changes on every save, so that two curators cannot overwrite each other."' in (
        catalogue
    )
    assert 'msgid "European Strategic Cluster Partnership"' in catalogue
    assert 'msgid "The end date cannot be before the start date."' in catalogue
    assert 'msgid_plural "%(count)s records published."' in catalogue


def test_a_count_reads_in_the_singular_for_one():
    assert Partnership(partner_count=11, country_count=10).declared_counts == "11 from 10 countries"
    assert Partnership(partner_count=1, country_count=1).declared_counts == "1 from 1 country"
    assert Partnership(partner_count=1).declared_counts == "1 partner"


CATALOGUE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

msgid "%(partners)s from %(countries)s country"
msgid_plural "%(partners)s from %(countries)s countries"
msgstr[0] "%(partners)s membres de %(countries)s pays"
msgstr[1] "%(partners)s membres de %(countries)s pays différents"

msgid "The end date cannot be before the start date."
msgstr "La date de fin ne peut pas précéder la date de début."
"""


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_a_catalogue_translates_the_portal_without_a_change_of_code(settings, tmp_path):
    messages = tmp_path / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(CATALOGUE)
    subprocess.run(
        ["msgfmt", "--check", "-o", messages / "django.mo", messages / "django.po"], check=True
    )
    settings.LOCALE_PATHS = [str(tmp_path)]
    partnership = Partnership(partner_count=11, country_count=10)
    partnership.start_date, partnership.end_date = (
        datetime.date(2020, 1, 1),
        datetime.date(2019, 1, 1),
    )
    with translation.override("fr"):
        assert partnership.declared_counts == "11 membres de 10 pays différents"
        with pytest.raises(ValidationError) as refused:
            partnership.clean()
        # A lazy message is read in the language of the moment it is shown.
        assert refused.value.message_dict["end_date"] == [
            "La date de fin ne peut pas précéder la date de début."
        ]
    assert partnership.declared_counts == "11 from 10 countries"


def test_every_field_and_model_curators_see_has_a_translatable_name():
    """Django makes up an English name from the attribute when none is given: it would stay English."""
    from django.apps import apps
    from django.utils.functional import Promise

    untranslatable = []
    for app in ("partnerships", "outcomes"):
        for model in apps.get_app_config(app).get_models():
            opts = model._meta
            for option in ("verbose_name", "verbose_name_plural"):
                if not isinstance(opts.original_attrs.get(option), Promise):
                    untranslatable.append(f"{model.__name__}.Meta.{option}")
            for field in opts.local_fields + opts.local_many_to_many:
                if not field.auto_created and not isinstance(field._verbose_name, Promise):
                    untranslatable.append(f"{model.__name__}.{field.name}")
    assert untranslatable == []
