"""The interface's catalogues (locale/<language>/LC_MESSAGES/django.po) and a page's visible text, for
the language tests: tests/test_catalogues.py, tests/portal/test_languages.py and
tests/test_pseudo_language.py."""

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"

# Attributes whose text is shown or read aloud, as tests/test_templates_translatable.py has them.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-label")
# Elements whose text is not for reading as prose: code, addresses, data for programs.
SKIPPED_ELEMENTS = {"script", "style", "pre", "code", "template"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header left out, obsolete (#~) entries left out."""
    entries, current, key = [], None, None

    def close():
        if current is not None and current.msgid:
            entries.append(current)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(msgid="")
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(current, key, ast.literal_eval(line))
        else:
            key, _, value = line.partition(" ")
            _append(current, key, ast.literal_eval(value), start=True)
    close()
    return entries


def _append(entry: Entry, key: str, text: str, start: bool = False) -> None:
    if key.startswith("msgstr"):
        if start:
            entry.msgstr.append(text)
        else:
            entry.msgstr[-1] += text
    elif key == "msgid":
        entry.msgid += text
    elif key == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif key == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def other_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class _VisibleText(HTMLParser):
    """A page's text as a reader meets it: text nodes and read attributes, in order, without
    scripts, code, and elements in another language than the page's (``lang``, the switcher)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._stack: list[bool] = []  # for each open element: whether its text is skipped

    @property
    def _skipping(self) -> bool:
        return any(self._stack)

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        skipped = tag in SKIPPED_ELEMENTS or (tag != "html" and "lang" in attributes)
        if not self._skipping and not skipped:
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.pieces.append(attributes[name])
            if tag == "meta" and attributes.get("name") == "description":
                self.pieces.append(attributes.get("content") or "")
        if tag not in VOID_ELEMENTS:
            self._stack.append(skipped)

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self._stack.pop()

    def handle_endtag(self, tag) -> None:
        if tag not in VOID_ELEMENTS and self._stack:
            self._stack.pop()

    def handle_data(self, data) -> None:
        if not self._skipping and data.strip():
            self.pieces.append(data)


def visible_text(html: str) -> list[str]:
    """Each piece of text a reader sees or hears on the page, whitespace collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdfr]|%[sd]|\{\w*\}|<[^>]+>|&\w+;")


def data_text() -> str:
    """Every text of the data (names, descriptions, sources, countries), one a line: what a page
    shows from the database, in English whatever the interface's language."""
    from django.apps import apps
    from django.db import models

    values = []
    for app in ("partnerships", "outcomes"):
        for model in apps.get_app_config(app).get_models():
            texts = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField) and not f.choices
            ]
            if texts:
                for row in model._default_manager.values_list(*texts):
                    values.extend(str(value) for value in row if value)
    return "\n".join(values)


# Where the interface's strings are: the code of each layer and the templates.
SOURCES = ["core", "partnerships", "outcomes", "portal", "templates"]


def linked_sources(folder: Path) -> Path:
    """``folder`` with links to the code and templates, for makemessages to run in (with
    ``symlinks=True``): run in the project, it writes every string to the project's own
    locale/, whatever LOCALE_PATHS says, since the files lie beside it."""
    for name in SOURCES:
        (folder / name).symlink_to(Path(settings.BASE_DIR) / name)
    return folder
