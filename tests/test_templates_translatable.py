"""Every text a person reads or hears in a template goes through {% translate %} or {% blocktranslate %}.

Translating the portal is then a matter of catalogues (`makemessages`), not of editing templates.
Each template is split with Django's own template Lexer; the text outside translation tags is put
back together, with a hole where each tag or variable was, and read as HTML: any text between the
tags, and any attribute a person reads or hears, that still holds a letter is reported. Text given
to a tag as a string literal (`with current="Sectors"`, `"Partnerships in "|add:name`) must be
`_("...")`, and English plurals are written with `{% blocktranslate count %}`, never `|pluralize`.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Words that are the same in every language, so that translating them would only add noise.
ALLOWED_WORDS = {
    "CSV": "a file format's name, written so in every language",
    "JSON": "a file format's name, written so in every language",
}

# Attributes whose text is shown or read aloud (data-label is shown by the stacked tables' CSS).
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-label")

# Tags whose contents are not text for people, and tags whose text is already in a translation.
SKIPPED_BLOCKS = {
    "comment": "endcomment",
    "verbatim": "endverbatim",
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
}

# Include arguments that hold identifiers, not text.
IDENTIFIER_ARGUMENTS = {"map_id", "label_id"}

HOLE = "\x00"
STRING = re.compile(r"""(_\()?("[^"]*"|'[^']*')""")
FORMAT_ARGUMENT = re.compile(r"""\|\s*(?:date|time)\s*:\s*("[^"]*"|'[^']*')""")
INCLUDE_ARGUMENT = re.compile(r"""(\w+)=("[^"]*"|'[^']*')""")
PLURALIZE = re.compile(r"\|\s*pluralize\b")


def has_words(text: str) -> bool:
    words = [w for w in re.split(r"[^\w]+", text.replace(HOLE, " ")) if w not in ALLOWED_WORDS]
    return any(character.isalpha() for word in words for character in word)


class _TextFinder(HTMLParser):
    """Collects the text and the read attributes that hold words, with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._in_script = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._in_script += 1
        values = dict(attrs)
        read = [name for name in READ_ATTRIBUTES if name in values]
        if tag == "meta" and values.get("name") == "description":
            read.append("content")
        for name in read:
            if has_words(values[name] or ""):
                self._report(f'{name}="{values[name]}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in_script -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_script and has_words(data):
            self._report(data)

    def _report(self, text: str) -> None:
        # The line of the first word, not of the whitespace before it.
        line = self.getpos()[0] + text[: next(i for i, c in enumerate(text) if c.isalpha())].count(
            "\n"
        )
        self.found.append((line, " ".join(text.replace(HOLE, "…").split())))


def untranslated(source: str) -> list[tuple[int, str]]:
    """The texts of one template that a person reads or hears and that no translation tag holds."""
    found = []
    parts = []
    skip_until = None
    for token in Lexer(source).tokenize():
        if token.token_type is TokenType.TEXT and skip_until is None:
            parts.append(token.contents)
            continue
        # A hole keeps the line count, so that the report names the right line.
        parts.append(HOLE + "\n" * token.contents.count("\n"))
        if token.token_type is TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skip_until is None and name in SKIPPED_BLOCKS:
                skip_until = SKIPPED_BLOCKS[name]
            elif name == skip_until:
                skip_until = None
        if skip_until is None and token.token_type in (TokenType.BLOCK, TokenType.VAR):
            found += [(token.lineno, problem) for problem in _tag_problems(token.contents)]
    finder = _TextFinder()
    finder.feed("".join(parts))
    finder.close()
    return sorted(found + finder.found)


def _tag_problems(contents: str) -> list[str]:
    problems = []
    if PLURALIZE.search(contents):
        problems.append(f"|pluralize builds an English plural: {{% {contents} %}}")
    if contents.split()[0] in ("translate", "trans"):
        return problems
    code = FORMAT_ARGUMENT.sub("", contents)
    for marked, literal in STRING.findall(code):
        if not marked and has_words(literal) and re.search(r"\s", literal):
            problems.append(f"text given as a string literal, not _(...): {literal}")
    if contents.startswith("include"):
        for name, literal in INCLUDE_ARGUMENT.findall(contents):
            if name not in IDENTIFIER_ARGUMENTS and has_words(literal) and " " not in literal:
                problems.append(f"text given to an include, not _(...): {name}={literal}")
    if re.search(r"""\|\s*yesno\s*:\s*["'][^"']*[A-Za-z]""", contents):
        problems.append(f"|yesno with English words: {contents}")
    return problems


TEMPLATE_FILES = sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "path", TEMPLATE_FILES, ids=[str(p.relative_to(TEMPLATES)) for p in TEMPLATE_FILES]
)
def test_every_text_in_the_template_is_translatable(path):
    found = untranslated(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(TEMPLATES)} has text outside translation tags:\n"
        + "\n".join(f"  line {line}: {text}" for line, text in found)
    )


def test_each_template_that_translates_loads_i18n():
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATE_FILES
        if re.search(r"{%\s*(translate|blocktranslate|trans|blocktrans)\b|_\(", path.read_text())
        and not re.search(r"{%\s*load\b[^%]*\bi18n\b", path.read_text())
    ]
    assert not missing


@pytest.mark.parametrize(
    "source",
    [
        "<p>Partnerships</p>",
        '<nav aria-label="Main"></nav>',
        '<meta name="description" content="Browse the partnerships">',
        "{% load i18n %}<p>{% translate 'Sectors' %} and more</p>",
        '{% include "x.html" with current="Sectors" %}',
        '{% include "x.html" with caption="Outcomes in "|add:name %}',
        "{{ n }} result{{ n|pluralize }}",
        "{% block title %}{{ name }}: sector{% endblock title %}",
        '<td data-label="Country">{{ c }}</td>',
        '{{ flag|yesno:"Yes,No" }}',
    ],
)
def test_it_finds_untranslated_text(source):
    assert untranslated(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Sectors' %}</p>",
        "{% load i18n %}<h2>{% blocktranslate trimmed count counter=n %}{{ counter }} row{% plural %}"
        "{{ counter }} rows{% endblocktranslate %}</h2>",
        '{% load i18n %}<nav aria-label="{% translate "Main" %}"></nav>',
        '{% include "x.html" with current=_("Sectors") map_id="small-map" %}',
        "{% comment %}Why this template exists.{% endcomment %}<p>{{ name }} · © 2026</p>",
        '<time datetime="{{ d|date:\'Y-m-d\' }}">{{ d|date:"j F Y" }}</time>',
        '<a href="?export=csv">CSV</a> · <a href="?export=json">JSON</a>',
    ],
)
def test_it_lets_translated_text_and_non_words_pass(source):
    assert untranslated(source) == []
